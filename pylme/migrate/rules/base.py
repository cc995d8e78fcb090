"""Base R: packages, printing, vectors, arithmetic functions, apply family."""

from __future__ import annotations

from ..expressions import translate_args
from . import register

NP = "import numpy as np"
PD = "import pandas as pd"


_LOADS = ("library", "require", "requireNamespace")


def _only_loads(node) -> bool:
    """``library(x)``, or ``{library(x); require(y)}``: package loading and nothing else."""
    if node.type == "braced_expression":
        body = [c for c in node.children if not c.is_comment]
        return bool(body) and all(_only_loads(c) for c in body)
    return node.type == "call" and node.call_name() in _LOADS


@register(*_LOADS, "suppressPackageStartupMessages", visible=False)
def library(call, ctx):
    """``library(lme4)`` -> nothing: the Python imports are added where used; so is
    ``suppressPackageStartupMessages({library(lme4); library(dplyr)})``."""
    if call.name == "suppressPackageStartupMessages" and call.args:
        inner = call.args[0].value
        if _only_loads(inner):
            return ""
        return ctx.expr(inner)
    return ""


@register("suppressMessages", "suppressWarnings")
def suppress(call, ctx):
    """``suppressMessages(expr)`` / ``suppressWarnings(expr)`` -> ``expr``: its value, with
    pylme's messages and warnings still shown (Python warnings; silence them with
    :mod:`warnings` where that matters); around package loading -> nothing."""
    if not call.args:
        return "None"
    inner = call.args[0].value
    return "" if _only_loads(inner) else ctx.expr(inner)


#: kinds of values of the migrate runtime that print R's text themselves (htests, lm/glm/aov
#: results, bootstraps): printed with Python's print, as they are.  pylme's fits, summaries
#: and anova tables go through rprint, which writes their text without print()'s extra
#: blank line.
SELF_PRINTING = frozenset({"htest", "lm", "glm", "aov", "boot", "profile"})
RPRINT = "from pylme.migrate.rprint import rprint"
RCAT = "from pylme.migrate.rprint import rcat"


def rprint_code(node, code: str, ctx, digits: str | None = None, quote: str | None = None,
                row_names: str | None = None) -> str:
    """The Python for R's ``print(<node>)`` (also the top-level auto-print of ``node``)
    whose translation is ``code``: ``rprint(code)``, R's print of plain values, with
    ``kind="table"``/``kind="list"`` where the Python object cannot tell; Python's
    ``print`` for values that print R's text themselves."""
    inner = node
    while inner.type == "call" and inner.call_name() == "with" and len(inner.args) >= 2 \
            and inner.args[1].value is not None:
        inner = inner.args[1].value  # with(df, table(a, b)) is the table
    kind = ctx.kind_of(inner)
    if kind in SELF_PRINTING:
        return f"print({code})"
    ctx.need_import(RPRINT)
    args = [code]
    if digits is not None:
        args.append(f"digits={digits}")
    if quote is not None:
        args.append(f"quote={quote}")
    if row_names is not None:
        args.append(f"row_names={row_names}")
    if kind == "table":
        args.append('kind="table"')
    elif kind == "list":
        args.append('kind="list"')
    elif kind == "column" or _is_column(inner, ctx):
        args.append("names=False")  # df$x: pandas keeps the frame's row names, R drops them
    return f"rprint({', '.join(args)})"


def _is_column(node, ctx) -> bool:
    """A data frame's column (``df$x``, ``df[["x"]]``, ``df[, "x"]``, arithmetic on one):
    unnamed in R, while pandas keeps the frame's row names as the Series' index."""
    while node.type == "parenthesized_expression":
        node = node.field("body") or node.children[0]
    if ctx.kind_of(node) == "column":
        return True
    if node.type in ("subset", "subset2") and ctx.kind_of(node.field("function")) == "df":
        cols = [a.value for a in node.args]
        return bool(cols) and cols[-1] is not None and cols[-1].type == "string" \
            and (node.type == "subset2" or len(cols) == 2)
    if node.type == "binary_operator" and node.op in ("+", "-", "*", "/", "^"):
        sides = [node.field("lhs"), node.field("rhs")]
        return any(s is not None and _is_column(s, ctx) for s in sides)
    return False


@register("print", visible=False)
def print_(call, ctx):
    """``print(x, digits=, quote=, row.names=)`` -> ``rprint(x, ...)``: R's printed text of ``x``
    (:mod:`pylme.migrate.rprint`)."""
    m = call.match(("x", "digits", "quote", "row.names"))
    x = m.get("x")
    if x is None:
        return "print()"
    digits = ctx.expr(m["digits"]) if "digits" in m else None
    quote = ctx.expr(m["quote"]) if "quote" in m else None
    row_names = ctx.expr(m["row.names"]) if "row.names" in m else None
    return rprint_code(x, ctx.expr(x), ctx, digits, quote, row_names)


@register("cat", visible=False)
def cat(call, ctx):
    """``cat(..., sep=, fill=)`` -> ``rcat(...)``: numbers written as R writes them (up to
    7 significant digits, integers without a decimal point, TRUE/FALSE); like R's cat it
    writes no newline of its own, the script's ``"\\n"`` ends lines."""
    if call.arg("file") is not None:
        return ctx.todo(call.node, "cat() to a file")
    ctx.need_import(RCAT)
    parts = [ctx.expr(a.value) for a in call.args if a.name is None and a.value is not None]
    for name in ("sep", "fill"):
        value = call.arg(name)
        if value is not None:
            parts.append(f"{name}={ctx.expr(value)}")
    return f"rcat({', '.join(parts)})"


@register("message", visible=False)
def message(call, ctx):
    ctx.need_import("import sys")
    parts = [ctx.expr(a.value) for a in call.args if a.name is None and a.value is not None]
    return f"print({', '.join(parts)}, sep=\"\", file=sys.stderr)"


@register("c", returns="vector")
def c(call, ctx):
    ctx.need_import(NP)
    if any(a.name is not None for a in call.args):
        ctx.need_import(PD)
        names = [a.name or "" for a in call.args]
        values = [ctx.expr(a.value) for a in call.args]
        return f"pd.Series([{', '.join(values)}], index={names!r})"
    nodes = [a.value for a in call.args if a.value is not None]
    values = [ctx.expr(v) for v in nodes]
    if all(_scalar_literal(v) for v in nodes):
        if any(v.type == "string" for v in nodes) and any(v.type == "na" for v in nodes):
            # a character vector with NA: None in an object array (np.nan would become
            # the string "nan" in a string array); pandas reads None as missing
            values = ["None" if v.type == "na" else code for v, code in zip(nodes, values)]
            return f"np.array([{', '.join(values)}], dtype=object)"
        return f"np.array([{', '.join(values)}])"
    # R's c() flattens vectors: np.hstack concatenates arrays and scalars alike
    return f"np.hstack([{', '.join(values)}])"


def _scalar_literal(node) -> bool:
    if node.type == "unary_operator" and node.op == "-":
        node = node.field("rhs")
    return node.type in ("float", "integer", "string", "true", "false", "na", "inf", "nan")


@register("invisible", visible=False)
def invisible(call, ctx):
    return ctx.expr(call.args[0].value) if call.args else "None"


@register("set.seed", visible=False)
def set_seed(call, ctx):
    ctx.need_import("from pylme import rrandom")
    return f"rrandom.set_seed({ctx.expr(call.arg('seed', 0))})"


@register("length")
def length(call, ctx):
    return f"len({ctx.expr(call.args[0].value)})"


@register("sqrt", "exp", "log10", "log2", "log1p", "expm1", "abs", "floor", "ceiling")
def math1(call, ctx):
    ctx.need_import(NP)
    fn = {"ceiling": "ceil", "abs": "abs"}.get(call.name, call.name)
    return f"np.{fn}({ctx.expr(call.arg('x', 0))})"


@register("log")
def log(call, ctx):
    ctx.need_import(NP)
    m = call.match(("x", "base"))
    if "base" in m:
        return f"np.log({ctx.expr(m['x'])}) / np.log({ctx.expr(m['base'])})"
    return f"np.log({ctx.expr(m['x'])})"


@register("list", returns=lambda call, ctx: "dict" if call.args and all(
    a.name is not None for a in call.args) else "list")
def list_(call, ctx):
    if all(a.name is not None for a in call.args):
        return "{" + ", ".join(f"{a.name!r}: {ctx.expr(a.value)}" for a in call.args) + "}"
    if all(a.name is None for a in call.args):
        return "[" + ", ".join(ctx.expr(a.value) for a in call.args) + "]"
    ctx.todo(call.node, "list with some named and some unnamed elements")


del translate_args
