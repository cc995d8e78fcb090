"""dplyr's data masking: column names used as variables inside verbs' arguments.

In ``mutate(d, z = x + mean(y))`` the names ``x`` and ``y`` are columns of ``d``
(dplyr's "data masking", ``?dplyr::dplyr_data_masking``).  The translation
rewrites such identifiers into ``d$x`` nodes before handing the expression to the
translator, so ``x + mean(y)`` becomes ``d["x"] + d["y"].mean(skipna=False)`` inside
``lambda d: ...``.

Which names are columns is decided statically, as R would at run time for the
usual script: a name the script never assigns (and that is not a constant such as
``TRUE``/``pi``/``letters``) is a column; ``.data$x`` is always a column and
``.env$x`` never.  Calls keep their function names; formulas and nested
``function`` definitions are left alone.

Inside a mask the summary functions follow R, not pandas: ``mean(x)`` is NA when
``x`` holds an NA (``skipna=False``) unless ``na.rm = TRUE``; inside a grouped
``mutate``/``filter`` they are computed per group and broadcast back
(``groupby(...).transform``), as dplyr does.  These rules are registered with a high
priority and decline (return None) outside a mask, so base R's rules apply there.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, replace

from ..parse import Arg, RNode, synth_identifier, unquote_name
from . import register
from .dplyr_columns import known_columns

__all__ = ["Groups", "Mask", "masked", "mask_expr", "group_kwargs", "q", "column_name",
           "frame_var"]

NP = "import numpy as np"
PD = "import pandas as pd"
_NOT_COLUMNS = {"T", "F", "TRUE", "FALSE", "pi", "letters", "LETTERS", "month.name",
                "month.abb", "NA", "NULL", "Inf", "NaN"}


@dataclass(frozen=True)
class Groups:
    """The grouping of a grouped data frame: ``code`` is a Python list expression
    (``["g", "h"]`` or ``gb.keys`` at run time); ``names`` the static names if known."""

    code: str
    names: tuple[str, ...] | None


@dataclass(frozen=True)
class Mask:
    """An active data mask: the Python name of the frame, its groups, and whether
    summaries are broadcast back to rows (``mutate``/``filter``) or reduce a group
    (``summarise``, where each group is its own frame)."""

    frame: str
    groups: Groups | None
    broadcast: bool


_ACTIVE: contextvars.ContextVar[Mask | None] = contextvars.ContextVar("dplyr_mask",
                                                                      default=None)


def q(s: str) -> str:
    """A Python string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def group_kwargs() -> str:
    """The groupby options that give R's grouping: groups sorted (factors in level
    order, strings by code point as dplyr's C-locale sort), empty factor levels
    dropped (``.drop = TRUE``), NA kept as its own group (last)."""
    return "observed=True, sort=True, dropna=False"


def frame_var(ctx, stem: str = "d") -> str:
    """A lambda parameter name that shadows none of the script's variables."""
    name = stem
    while name in ctx.assigned or ctx.lookup_kind(name) is not None:
        name += "_"
    return name


def is_column(name: str, ctx, known=None) -> bool:
    """Whether a bare name in a masked argument is a column, as R's data mask finds it.

    ``known``: a :class:`~pylme.migrate.rules.dplyr_columns.Columns`, the columns the
    translation can tell the data has (a data frame built by ``data.frame``/``tibble``
    in the chain -- then complete --, columns the script assigned, ``mutate``'s new
    ones): such a name is a column even if the script also has such a variable (the
    mask looks in the data first); with complete knowledge, no other name is.  Otherwise the names the script has assigned
    are variables: at top level only those assigned *before* this statement (R runs
    the script in order, so a later assignment -- or a function's local variable --
    cannot be what the name means here); inside a function body any name the script
    assigns, since a global assigned later may exist when the function is called."""
    if name in _NOT_COLUMNS or name.startswith(".."):
        return False
    if known is not None and name in known.names:
        return True
    if known is not None and known.complete:
        return False
    if ctx.lookup_kind(name) is not None or name in ctx.functions or ctx.is_defined(name):
        return False
    top_level = len(ctx.defined) == 1
    return top_level or name not in ctx.assigned


def column_name(node: RNode | None) -> str | None:
    """The column a tidyselect/masked argument names (``x``, ``"x"``, `` `x` ``,
    ``.data$x``), else None."""
    if node is None:
        return None
    if node.type in ("identifier", "string"):
        return unquote_name(node.text)
    if node.type == "extract_operator" and node.op == "$" and \
            node.field("lhs").text == ".data":
        return unquote_name(node.field("rhs").text)
    return None


def _column_node(name: str, frame: str, like: RNode) -> RNode:
    lhs = synth_identifier(frame, like)
    rhs = synth_identifier(f"`{name}`" if not name.isidentifier() else name, like)
    return RNode("extract_operator", f"{frame}${name}", like.line, like.end_line,
                 fields=(("lhs", lhs), ("rhs", rhs)), children=(lhs, rhs), op="$")


def rewrite_columns(node: RNode, frame: str, ctx) -> RNode:
    """``node`` with its column references replaced by ``frame$col`` nodes."""
    memo: dict[int, RNode] = {}
    known = known_columns(node)

    def visit(n: RNode) -> RNode:
        key = id(n)
        if key in memo:
            return memo[key]
        out = _visit(n)
        memo[key] = out
        return out

    def _visit(n: RNode) -> RNode:
        t = n.type
        if t == "identifier":
            name = unquote_name(n.text)
            return _column_node(name, frame, n) if is_column(name, ctx, known) else n
        if t == "extract_operator":
            lhs = n.field("lhs")
            if lhs is not None and lhs.text == ".data":
                return _column_node(unquote_name(n.field("rhs").text), frame, n)
            if lhs is not None and lhs.text == ".env":
                return n.field("rhs")
            return _rebuild(n, skip={"rhs"})
        if t in ("function_definition", "namespace_operator", "string", "float", "integer"):
            return n
        if t in ("unary_operator", "binary_operator") and n.op == "~":
            return n
        if t == "call" and (n.call_name() or "").split("::")[-1] == "case_when":
            # case_when's arguments are formulas whose two sides are masked
            return replace(n, args=tuple(Arg(a.name, _formula(a.value)) for a in n.args))
        if t == "call":
            return _rebuild(n, skip={"function"})
        return _rebuild(n, skip=set())

    def _formula(f: RNode | None) -> RNode | None:
        if f is None or f.type != "binary_operator" or f.op != "~":
            return f if f is None else visit(f)
        return _rebuild(f, skip=set())

    def _rebuild(n: RNode, skip: set[str]) -> RNode:
        skipped = {id(c) for k, c in n.fields if k in skip}
        fields = tuple((k, c if k in skip else visit(c)) for k, c in n.fields)
        children = tuple(c if id(c) in skipped else visit(c) for c in n.children)
        args = tuple(Arg(a.name, None if a.value is None else visit(a.value)) for a in n.args)
        return replace(n, fields=fields, children=children, args=args)

    return visit(node)


def mask_expr(node: RNode, ctx, mask: Mask) -> str:
    """The Python code of a masked R expression, columns read from ``mask.frame``."""
    rewritten = rewrite_columns(node, mask.frame, ctx)  # before the frame name is bound
    token = _ACTIVE.set(mask)
    ctx.push_scope()
    ctx.set_kind(mask.frame, "df")
    try:
        return ctx.expr(rewritten)
    finally:
        ctx.pop_scope()
        _ACTIVE.reset(token)


def masked(node: RNode, ctx, frame: str, groups: Groups | None = None,
           broadcast: bool = True) -> str:
    """Shorthand for :func:`mask_expr`."""
    return mask_expr(node, ctx, Mask(frame, groups, broadcast))


# -- summary functions inside a mask ---------------------------------------------------
_METHODS = {"mean": "mean", "sd": "std", "var": "var", "sum": "sum", "min": "min",
            "max": "max", "median": "median", "prod": "prod"}


def _na_rm(call) -> bool:
    node = call.arg("na.rm")
    return node is not None and node.text in ("TRUE", "T")


def _grouped(mask: Mask) -> bool:
    return mask.broadcast and mask.groups is not None


def _per_group(series_code: str, x: RNode, mask: Mask, how: str) -> str:
    """``how`` (a transform argument or method call) applied per group, broadcast."""
    g = mask.groups
    col = _plain_column(x, mask)
    if col is not None:
        base = f"{mask.frame}.groupby({g.code}, {group_kwargs()})[{q(col)}]"
    else:
        keys = f"[{mask.frame}[k] for k in {g.code}]"
        base = f"({series_code}).groupby({keys}, {group_kwargs()})"
    return f"{base}.{how}"


def _plain_column(x: RNode, mask: Mask) -> str | None:
    if x.type == "extract_operator" and x.field("lhs").text == mask.frame:
        return unquote_name(x.field("rhs").text)
    return None


@register(*_METHODS, priority=10, returns="numeric")
def summary_fn(call, ctx):
    """``mean(x)`` in a mask: ``d["x"].mean(skipna=False)`` (R's NA propagation)."""
    mask = _ACTIVE.get()
    if mask is None:
        return None
    values = [a for a in call.args if a.name is None]
    if len(values) != 1:
        return None
    x = values[0].value
    method = _METHODS[call.name]
    skip = "" if _na_rm(call) else "skipna=False"
    if _grouped(mask):
        inner = f'"{method}"' if not skip else f"lambda s: s.{method}({skip})"
        return _per_group(ctx.expr(x), x, mask, f"transform({inner})")
    from ..expressions import ATOM, tx, wrap

    return f"{wrap(tx(x, ctx), ATOM)}.{method}({skip})"


@register("n", priority=10)
def n_rows(call, ctx):
    """``n()``: the group size (R: ``dplyr::n``)."""
    mask = _ACTIVE.get()
    if mask is None:
        return None
    if _grouped(mask):
        return f'{mask.frame}.groupby({mask.groups.code}, {group_kwargs()}).transform("size")'
    return f"len({mask.frame})"


@register("n_distinct", package="dplyr", returns="numeric")
def n_distinct(call, ctx):
    """``n_distinct(x)``: NA counts as a value unless ``na.rm = TRUE``."""
    mask = _ACTIVE.get()
    values = [a.value for a in call.args if a.name is None and a.value is not None]
    drop = "True" if _na_rm(call) else "False"
    if len(values) != 1:
        ctx.todo(call.node, "n_distinct() of several columns")
    code = ctx.expr(values[0])
    if mask is not None and _grouped(mask):
        return _per_group(code, values[0], mask, f'transform(lambda s: s.nunique(dropna={drop}))')
    ctx.need_import(PD)
    return f"pd.Series({code}).nunique(dropna={drop})"


@register("lag", "lead", package="dplyr", priority=10)
def lag_lead(call, ctx):
    """``lag(x, n = 1)`` / ``lead(x)``: shifted values, NA-filled (per group)."""
    mask = _ACTIVE.get()
    m = call.match(("x", "n", "default"))
    if "x" not in m:
        return None
    if "default" in m:
        ctx.todo(call.node, f"{call.name}() with default=")
    k = ctx.expr(m["n"]) if "n" in m else "1"
    k = k if call.name == "lag" else f"-{k}"
    code = ctx.expr(m["x"])
    if mask is not None and _grouped(mask):
        return _per_group(code, m["x"], mask, f"shift({k})")
    ctx.need_import(PD)
    if mask is not None and _plain_column(m["x"], mask) is not None:
        return f"{code}.shift({k})"
    return f"pd.Series({code}).shift({k})"


@register("row_number", package="dplyr", priority=10)
def row_number(call, ctx):
    mask = _ACTIVE.get()
    if mask is None or call.args:
        return None
    if _grouped(mask):
        return f"{mask.frame}.groupby({mask.groups.code}, {group_kwargs()}).cumcount() + 1"
    ctx.need_import(NP)
    return f"np.arange(1, len({mask.frame}) + 1)"


@register("first", "last", package="dplyr", priority=10)
def first_last(call, ctx):
    mask = _ACTIVE.get()
    x = call.arg("x", 0)
    if x is None:
        return None
    pos = "0" if call.name == "first" else "-1"
    code = ctx.expr(x)
    if mask is not None and _grouped(mask):
        return _per_group(code, x, mask, f'transform("{call.name}")')
    ctx.need_import(PD)
    return f"pd.Series({code}).iloc[{pos}]"


@register("if_else", package="dplyr", returns="vector")
def if_else(call, ctx):
    """``if_else(cond, yes, no, missing)``: NA conditions give ``missing`` (NA)."""
    ctx.need_import(NP)
    m = call.match(("condition", "true", "false", "missing"))
    cond = ctx.expr(m["condition"])
    yes, no = ctx.expr(m["true"]), ctx.expr(m["false"])
    if "missing" in m:
        ctx.need_import(PD)
        return (f"np.where(pd.isna({cond}), {ctx.expr(m['missing'])}, "
                f"np.where({cond}, {yes}, {no}))")
    return f"np.where({cond}, {yes}, {no})"


@register("case_when", package="dplyr", returns="vector")
def case_when(call, ctx):
    """``case_when(c1 ~ v1, ..., TRUE ~ v)`` -> ``np.select`` (first match wins, as R;
    rows matching nothing are NA)."""
    ctx.need_import(NP)
    conds, values, default = [], [], None
    for a in call.args:
        f = a.value
        if a.name is not None or f is None or f.type != "binary_operator" or f.op != "~":
            ctx.todo(call.node, "case_when() argument that is not a two-sided formula")
        lhs, rhs = f.field("lhs"), f.field("rhs")
        if lhs.text in ("TRUE", "T"):
            default = ctx.expr(rhs)
            break
        conds.append(ctx.expr(lhs))
        values.append(ctx.expr(rhs))
    default = default if default is not None else "None"
    return (f"np.select([{', '.join(conds)}], [{', '.join(values)}], "
            f"default={default})")


@register("between", package="dplyr", returns="logical")
def between(call, ctx):
    m = call.match(("x", "left", "right"))
    from ..expressions import ATOM, tx, wrap

    x = wrap(tx(m["x"], ctx), ATOM)
    return f"{x}.between({ctx.expr(m['left'])}, {ctx.expr(m['right'])})" \
        if _ACTIVE.get() is not None else \
        f"(({x} >= {ctx.expr(m['left'])}) & ({x} <= {ctx.expr(m['right'])}))"


def rename_dot_x(node: RNode, name: str) -> RNode:
    """``node`` (the body of an ``across`` lambda ``~ .x * 2``) with ``.x``/``.``
    replaced by the column ``name``."""
    memo: dict[int, RNode] = {}

    def visit(n: RNode) -> RNode:
        if id(n) in memo:
            return memo[id(n)]
        if n.type == "identifier" and n.text in (".x", "."):
            out = synth_identifier(name, n)
        elif n.type in ("function_definition",):
            out = n
        else:
            out = replace(n, fields=tuple((k, visit(c)) for k, c in n.fields),
                          children=tuple(visit(c) for c in n.children),
                          args=tuple(Arg(a.name, None if a.value is None else visit(a.value))
                                     for a in n.args))
        memo[id(n)] = out
        return out

    return visit(node)
