"""The driver: an R script's source -> the Python module text and its TODO report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .context import Context, Todo
from .names import py_name
from .parse import RNode, parse_r, unquote_name
from .statements import block_lines

__all__ = ["MigrationResult", "migrate_source"]

_IMPORT_RANK = {"import numpy as np": 0, "import pandas as pd": 1, "import pylme": 5}
_PYLME_FROM = 6


@dataclass(frozen=True)
class MigrationResult:
    """The translation of one script.

    Attributes
    ----------
    python : str
        The Python module (imports first, then the statements, then the TODO report
        as a trailing comment block when there are TODOs).
    todos : tuple of Todo
        Every construct left untranslated, in source order.
    """

    python: str
    todos: tuple[Todo, ...]

    def report(self, script: str = "<script>") -> str:
        """The TODO report (one line per TODO), as printed on stderr."""
        from .report import report_text

        return report_text(self.todos, script)


def _sourced_functions(node: RNode, base_dir: Path | None, ctx: Context) -> None:
    """Functions defined by a file the script ``source()``s (when it can be read)."""
    arg = node.args[0].value if node.args else None
    if arg is None or arg.type != "string" or base_dir is None:
        return
    path = base_dir / arg.text[1:-1]
    try:
        sourced = parse_r(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for sub in sourced.walk():
        if sub.type == "binary_operator" and sub.op in ("<-", "=") and \
                sub.field("lhs").type == "identifier" and \
                sub.field("rhs").type == "function_definition":
            ctx.functions.add(unquote_name(sub.field("lhs").text))


# calls after which a factor may be coded otherwise than by contr.treatment: contrasts set
# (options, contrasts<-, contrasts= arguments), ordered factors made, or data read that may
# hold ordered factors (R's own files, package datasets: lme4's cake)
_RECODING_CALLS = {"options", "contrasts", "contrasts<-", "ordered", "as.ordered", "readRDS",
                   "read_rds", "load", "data", "C"}
_RECODING_ARGS = {"contrasts", "ordered"}


def _may_recode(node: RNode) -> bool:
    name = node.call_name() or ""
    if name == "options":
        return any(a.name == "contrasts" for a in node.args)
    return name in _RECODING_CALLS or name.startswith("contr.") \
        or any(a.name in _RECODING_ARGS for a in node.args) \
        or any(a.value is not None and a.value.type == "identifier" and a.value.text == "cake"
               for a in node.args)


def _prescan(program: RNode, ctx: Context, base_dir: Path | None = None) -> None:
    """What the whole script decides: functions it defines (or sources), whether it
    seeds R's RNG, whether lmerTest is attached."""
    for node in program.walk():
        if node.type == "call" and node.call_name() == "source":
            _sourced_functions(node, base_dir, ctx)
        if node.type == "binary_operator" and node.op in ("<-", "=", "->"):
            target, value = ((node.field("rhs"), node.field("lhs")) if node.op == "->"
                             else (node.field("lhs"), node.field("rhs")))
            if target is not None and target.type == "identifier":
                ctx.assigned.add(unquote_name(target.text))
            if target is not None and value is not None and target.type == "identifier" \
                    and value.type == "function_definition":
                ctx.functions.add(unquote_name(target.text))
        if node.type == "call" and node.call_name() == "set.seed":
            ctx.seeded = True
        if node.type == "call" and _may_recode(node):
            ctx.r_contrasts = True
        if node.type == "call" and node.call_name() in ("library", "require") and node.args \
                and node.args[0].value is not None:
            package = node.args[0].value.text.strip("\"'")
            ctx.lmertest = ctx.lmertest or package == "lmerTest"
            ctx.packages.append(package)


def migrate_source(source: str, script: str = "<script>") -> MigrationResult:
    """Translate R source text to Python (see :mod:`pylme.migrate`)."""
    from .report import report_comment

    program = parse_r(source)
    ctx = Context()
    _prescan(program, ctx, Path(script).parent if script != "<script>" else None)
    body = block_lines(program.children, ctx, top=True)
    imports = sorted(ctx.imports, key=_import_rank)
    parts = []
    header = _leading_comments(body)
    if header:
        parts.append("\n".join(header))
        body = body[len(header):]
    if imports:
        parts.append("\n".join(imports))
    parts.append("\n".join(body).strip("\n"))
    todos = tuple(ctx.todos)
    if todos:
        parts.append(report_comment(todos, script))
    text = "\n\n".join(p for p in parts if p) + "\n"
    return MigrationResult(text, todos)


def _import_rank(stmt: str) -> tuple[int, str]:
    """Standard library and third-party imports first, pylme's last (PEP 8 groups)."""
    if stmt in _IMPORT_RANK:
        return _IMPORT_RANK[stmt], stmt
    if stmt.startswith("from pylme"):
        return _PYLME_FROM, stmt
    if stmt in ("import sys", "import string", "import math"):
        return -1, stmt
    return 3, stmt


def _leading_comments(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.startswith("#") and not line.startswith("# TODO(pylme-migrate)"):
            out.append(line)
        else:
            break
    return out


del py_name
