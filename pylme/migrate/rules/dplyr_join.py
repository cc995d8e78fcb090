"""dplyr's joins, row binding and row slicing -> pandas.

``left_join(x, y, by = "k")`` -> ``x.merge(y, how="left", on="k", suffixes=(".x", ".y"))``
(dplyr's suffixes; ``by = c("a" = "b")`` -> ``left_on``/``right_on``; no ``by``: the
common columns, as both dplyr and pandas do).  Row order: ``left_join`` and
``inner_join`` keep ``x``'s order in both; pandas' ``how="outer"`` sorts the keys
where dplyr's ``full_join`` keeps ``x``'s rows first, and ``right_join`` in pandas
keeps ``y``'s order where dplyr puts the matched rows in ``x``'s order.
"""

from __future__ import annotations

from ..parse import unquote_name
from . import register
from .dplyr import RESET, Piped, VERBS, piped, verb
from .dplyr_mask import column_name, group_kwargs, q

__all__ = []

PD = "import pandas as pd"
_HOW = {"left_join": "left", "inner_join": "inner", "right_join": "right",
        "full_join": "outer"}


def _by(node, ctx) -> str:
    """The merge keys of dplyr's ``by =``."""
    if node is None:
        return ""
    if node.type == "string":
        return f", on={q(unquote_name(node.text))}"
    if node.type == "call" and node.call_name() == "c":
        pairs = [(a.name, unquote_name(a.value.text)) for a in node.args]
        if all(n is None for n, _ in pairs):
            return ", on=[" + ", ".join(q(v) for _, v in pairs) + "]"
        left = [n or v for n, v in pairs]
        right = [v for _, v in pairs]
        return (", left_on=[" + ", ".join(q(v) for v in left) + "], right_on=["
                + ", ".join(q(v) for v in right) + "]")
    if node.type == "call" and node.call_name() in ("join_by", "dplyr::join_by"):
        names = [column_name(a.value) for a in node.args]
        if None in names:
            ctx.todo(node, "join_by() with a condition other than a shared name")
        return ", on=[" + ", ".join(q(v) for v in names) + "]"
    return f", on={ctx.expr(node)}"


@verb(*_HOW)
def join(call, ctx, data: Piped) -> Piped:
    """``*_join(x, y, by)`` -> ``x.merge(y, how=..., on=...)`` (module docstring)."""
    m = call.match(("x", "y", "by", "copy", "suffix"))
    if "y" not in m:
        ctx.todo(call.node, f"{call.name}() without y")
    y = piped(m["y"], ctx).code
    suffix = ctx.expr(m["suffix"]).replace("np.array([", "(").replace("])", ")") \
        if "suffix" in m else '(".x", ".y")'
    extra = [a.name for a in call.args if a.name not in (None, "x", "y", "by", "suffix")]
    if extra:
        ctx.todo(call.node, f"{call.name}() argument {extra[0]}=")
    how = _HOW[call.name]
    return Piped(f"{data.code}.merge({y}, how={q(how)}{_by(m.get('by'), ctx)}, "
                 f"suffixes={suffix})", data.groups)


@verb("semi_join", "anti_join")
def semi_anti(call, ctx, data: Piped) -> Piped:
    """``semi_join(x, y, by = "k")``: the rows of ``x`` with (anti: without) a match."""
    m = call.match(("x", "y", "by"))
    by = m.get("by")
    key = unquote_name(by.text) if by is not None and by.type == "string" else None
    if key is None:
        ctx.todo(call.node, f"{call.name}() needs by = a single column name here")
    y = piped(m["y"], ctx).code
    neg = "~" if call.name == "anti_join" else ""
    return Piped(f"{data.code}.loc[lambda d: {neg}d[{q(key)}].isin({y}[{q(key)}])]{RESET}",
                 data.groups)


@register("bind_rows", package=None, returns="df")
def bind_rows(call, ctx):
    """``bind_rows(a, b)`` -> ``pd.concat([a, b], ignore_index=True)`` (columns matched
    by name, missing ones NA, as dplyr)."""
    if call.package not in (None, "dplyr"):
        return None
    ctx.need_import(PD)
    parts = [a for a in call.args if a.value is not None]
    if any(a.name == ".id" for a in parts):
        ctx.todo(call.node, "bind_rows(.id = )")
    if any(a.name is not None for a in parts):
        ctx.todo(call.node, "bind_rows() of named arguments")
    if len(parts) == 1 and ctx.kind_of(parts[0].value) in ("list", None) and \
            ctx.kind_of(parts[0].value) != "df":
        return f"pd.concat({ctx.expr(parts[0].value)}, ignore_index=True)"
    frames = ", ".join(piped(a.value, ctx).code for a in parts)
    return f"pd.concat([{frames}], ignore_index=True)"


@register("bind_cols", returns="df")
def bind_cols(call, ctx):
    ctx.need_import(PD)
    frames = ", ".join(f"pd.DataFrame({piped(a.value, ctx).code}).reset_index(drop=True)"
                       for a in call.args if a.value is not None)
    return f"pd.concat([{frames}], axis=1)"


def _positions(node, ctx) -> str:
    """An R vector of 1-based positions as a Python slice or index array."""
    if node.type == "binary_operator" and node.op == ":":
        lo, hi = node.field("lhs"), node.field("rhs")
        if lo.type in ("integer", "float") and hi.type in ("integer", "float"):
            start = int(float(lo.text.rstrip("L")))
            return f"{start - 1}:{hi.text.rstrip('L')}"
    if node.type in ("integer", "float"):
        return f"[{int(float(node.text.rstrip('L'))) - 1}]"
    return f"np.asarray({ctx.expr(node)}) - 1"


@verb("slice")
def slice_(call, ctx, data: Piped) -> Piped:
    """``slice(d, 1:3)`` -> ``d.iloc[0:3]`` (1-based R positions)."""
    rest = [a for a in call.args[1:] if a.value is not None]
    if data.groups is not None:
        ctx.todo(call.node, "slice() of a grouped data frame")
    if len(rest) != 1 or rest[0].name is not None:
        ctx.todo(call.node, "slice() with several or named arguments")
    node = rest[0].value
    if node.type == "unary_operator" and node.op == "-":
        ctx.todo(call.node, "slice() with negative positions")
    pos = _positions(node, ctx)
    if pos.startswith("np."):
        ctx.need_import("import numpy as np")
    return Piped(f"{data.code}.iloc[{pos}]{RESET}")


@verb("slice_head", "slice_tail")
def slice_head(call, ctx, data: Piped) -> Piped:
    """``slice_head(d, n = 2)``: the first rows (of each group, groups in order)."""
    n = call.arg("n")
    if call.arg("prop") is not None:
        ctx.todo(call.node, f"{call.name}(prop = )")
    k = ctx.expr(n) if n is not None else "1"
    method = "head" if call.name == "slice_head" else "tail"
    if data.groups is not None:  # R returns the groups in order
        g = data.groups.code
        return Piped(f'{data.code}.sort_values({g}, kind="stable").groupby({g}, '
                     f"{group_kwargs()}).{method}({k}){RESET}", data.groups)
    return Piped(f"{data.code}.{method}({k}){RESET}")


@verb("slice_max", "slice_min")
def slice_max(call, ctx, data: Piped) -> Piped:
    """``slice_max(d, x, n = 1)``: the rows with the largest ``x`` (ties kept, as
    ``with_ties = TRUE``), by group when grouped."""
    m = call.match((".data", "order_by", "...", "n", "with_ties"))
    col = column_name(m.get("order_by"))
    if col is None:
        ctx.todo(call.node, f"{call.name}() by a computed expression")
    k = ctx.expr(m["n"]) if "n" in m else "1"
    ties = m.get("with_ties")
    keep = '"first"' if ties is not None and ties.text in ("FALSE", "F") else '"all"'
    method = "nlargest" if call.name == "slice_max" else "nsmallest"
    if data.groups is not None:
        if data.groups.names is None or keep != '"all"':
            ctx.todo(call.node, f"{call.name}() of this grouped data frame")
        desc = call.name == "slice_max"
        keys = list(data.groups.names)
        order = [q(c) for c in keys + [col]]
        asc = [True] * len(keys) + [not desc]
        return Piped(f"{data.code}.loc[lambda d: d.groupby({data.groups.code}, "
                     f"{group_kwargs()})[{q(col)}].rank(method=\"min\", ascending={not desc})"
                     f" <= {k}].sort_values([{', '.join(order)}], ascending={asc!r}, "
                     f'kind="stable"){RESET}', data.groups)
    return Piped(f"{data.code}.{method}({k}, {q(col)}, keep={keep}){RESET}")


assert "slice" in VERBS
