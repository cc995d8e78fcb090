"""tidyselect: the column selections of ``select``, ``pivot_longer(cols=)``,
``across(.cols)``, ``drop_na``, ``distinct`` ... -> a Python list of column names.

R's rules (``?tidyselect::language``): names, strings and positions select columns
in the order given, each once; ``-sel`` removes (a selection that starts with a
removal starts from every column); ``a:b`` is the run of columns from ``a`` to
``b``; ``starts_with``/``ends_with``/``contains``/``matches``/``everything``/
``where(is.numeric)``/``all_of``/``any_of`` are the helpers.  A selection of plain
names is translated statically (``["a", "b"]``); the helpers need the frame, so
they become expressions over the frame's columns (``d.columns``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..parse import RNode, unquote_name
from .dplyr_mask import column_name, q

__all__ = ["Selection", "tidyselect"]


@dataclass(frozen=True)
class Selection:
    """A translated selection.

    ``names``: the selected columns when known statically, else None; ``drops``:
    the removed columns when the selection is only removals of plain names;
    ``renames``: ``new = old`` pairs given in the selection (``select(a2 = a)``);
    ``code``: a Python list expression of the selected names, reading the frame
    named ``frame`` (only meaningful when ``names`` is None).
    """

    names: tuple[str, ...] | None
    drops: tuple[str, ...] | None
    renames: tuple[tuple[str, str], ...]
    code: str

    def list_code(self) -> str:
        if self.names is not None:
            return "[" + ", ".join(q(n) for n in self.names) + "]"
        return self.code


def _lower(pat: str) -> str:
    return pat if pat.startswith('"') else f"{pat}.lower()"


def _helper(node: RNode, frame: str, ctx) -> str | None:
    """A tidyselect helper call as a Python list expression (None: not a helper)."""
    if node.type != "call":
        return None
    name = (node.call_name() or "").split("::")[-1]
    args = [a.value for a in node.args if a.value is not None]
    cols = f"{frame}.columns"
    if name == "everything":
        return f"list({cols})"
    if name in ("starts_with", "ends_with", "contains") and args:
        method = {"starts_with": "startswith", "ends_with": "endswith"}.get(name)
        pat = ctx.expr(args[0])
        if args[0].type == "string":
            pat = q(unquote_name(args[0].text).lower())
        ignore = next((a.value.text for a in node.args if a.name == "ignore.case"), "TRUE")
        if method is None:
            test = f"{_lower(pat)} in c.lower()" if ignore != "FALSE" else f"{pat} in c"
        elif ignore != "FALSE":  # tidyselect ignores case by default
            test = f"c.lower().{method}({_lower(pat)})"
        else:
            test = f"c.{method}({pat})"
        return f"[c for c in {cols} if {test}]"
    if name == "matches" and args:
        return f"list({frame}.filter(regex={ctx.expr(args[0])}).columns)"
    if name == "where" and args:
        pred = args[0].text.strip()
        kinds = {"is.numeric": '"number"', "is.character": "object", "is.factor": '"category"',
                 "is.logical": "bool"}
        if pred in kinds:
            return f"list({frame}.select_dtypes(include={kinds[pred]}).columns)"
        ctx.todo(node, f"where({pred}) selection")
    if name in ("all_of", "any_of") and args:
        code = f"list({ctx.expr(args[0])})"
        if name == "any_of":
            return f"[c for c in {code} if c in {cols}]"
        return code
    if name == "last_col":
        return f"[{cols}[-1]]"
    return None


def tidyselect(nodes: list[RNode], ctx, frame: str, *, allow_rename: bool = False) -> Selection:
    """Translate the selection expressions ``nodes`` (see the module docstring)."""
    includes: list[tuple[str, str | None]] = []  # (code, static name or None)
    excludes: list[tuple[str, str | None]] = []
    renames: list[tuple[str, str]] = []
    first_negative = None

    def add(node: RNode, negative: bool, new_name: str | None = None) -> None:
        nonlocal first_negative
        target = excludes if negative else includes
        leaf = not (node.type in ("unary_operator", "parenthesized_expression") or
                    node.type == "call" and (node.call_name() or "") == "c")
        if first_negative is None and leaf:
            first_negative = negative
        col = column_name(node)
        if col is not None:
            target.append((f"[{q(col)}]", col))
            if new_name is not None:
                renames.append((new_name, col))
            return
        if node.type == "unary_operator" and node.op in ("-", "!"):
            add(node.field("rhs"), not negative)
            return
        if node.type == "parenthesized_expression":
            add(node.field("body") or node.children[0], negative)
            return
        if node.type == "call" and (node.call_name() or "") == "c":
            for a in node.args:
                if a.value is not None:
                    add(a.value, negative, a.name)
            return
        if node.type == "binary_operator" and node.op == ":":
            lo, hi = column_name(node.field("lhs")), column_name(node.field("rhs"))
            if lo is not None and hi is not None:
                target.append((f"list({frame}.loc[:, {q(lo)}:{q(hi)}].columns)", None))
                return
        if node.type in ("integer", "float"):
            pos = int(float(node.text.rstrip("L")))
            target.append((f"[{frame}.columns[{pos - 1}]]", None))
            return
        code = _helper(node, frame, ctx)
        if code is None:
            ctx.todo(node, f"column selection {node.text}")
        target.append((code, None))

    for node in nodes:
        add(node, False)
    if renames and not allow_rename:
        ctx.todo(nodes[0], "renaming inside this selection")
    static_in = all(name is not None for _, name in includes)
    static_out = all(name is not None for _, name in excludes)
    if first_negative and static_out and not includes:
        drops = tuple(name for _, name in excludes)
        code = f"[c for c in {frame}.columns if c not in {list(drops)!r}]"
        return Selection(None, drops, tuple(renames), code.replace("'", '"'))
    if static_in and not excludes and not first_negative:
        names = tuple(dict.fromkeys(name for _, name in includes))
        return Selection(names, None, tuple(renames), "")
    parts = ([f"list({frame}.columns)"] if first_negative else []) + [c for c, _ in includes]
    inc = parts[0] if len(parts) == 1 else \
        "list(dict.fromkeys([" + ", ".join(f"*{p}" for p in parts) + "]))"
    if excludes:
        exc = " + ".join(c for c, _ in excludes)
        return Selection(None, None, tuple(renames), f"[c for c in {inc} if c not in {exc}]")
    return Selection(None, None, tuple(renames), inc)

