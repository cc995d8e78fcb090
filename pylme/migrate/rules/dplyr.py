"""dplyr verbs -> pandas method chains, with dplyr's semantics.

``d %>% group_by(g) %>% summarise(m = mean(y), n = n())`` becomes
``d.groupby(["g"], observed=True, sort=True, dropna=False).agg(m=("y", lambda s:
s.mean(skipna=False)), n=("y", "size")).reset_index()``.

The semantics kept (R: dplyr 1.1):

* ``group_by`` sorts the groups (factors in level order, strings by code point as
  dplyr's C-locale sort), drops empty factor levels (``.drop = TRUE``) and keeps NA
  as a group: ``observed=True, sort=True, dropna=False``.
* ``summarise`` drops the last grouping (``.groups = "drop_last"``); ``"drop"`` and
  ``"keep"`` are honoured when further verbs follow in the same chain.
* summaries are NA when their input holds an NA unless ``na.rm = TRUE``
  (:mod:`.dplyr_mask`); a grouped ``mutate``/``filter`` computes them per group.
* ``filter``, ``mutate`` and ``select`` keep the row order; every verb returning
  rows renumbers them (``reset_index(drop=True)``) since R data frames have no index.

A chain is translated as a whole: a verb receives its input's code and grouping
(:class:`Piped`), so ``group_by`` needs no run-time object.  A grouped result that
is assigned (``g <- group_by(d, x)``) is a pandas ``DataFrameGroupBy``; verbs
applied to it later read ``g.obj`` and ``g.keys``.  Not kept: the grouping left on
a ``summarise``/``mutate`` result that is assigned and used by a later statement
(the translation stores a plain DataFrame).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..parse import RNode, synth_call, synth_identifier, unquote_name
from . import register
from .dplyr_mask import (Groups, Mask, column_name, frame_var, group_kwargs, mask_expr, q,
                         rename_dot_x)
from .dplyr_select import tidyselect

__all__ = ["Piped", "piped", "VERBS"]

PD = "import pandas as pd"
NP = "import numpy as np"
RESET = ".reset_index(drop=True)"


@dataclass(frozen=True)
class Piped:
    """A data frame expression in a chain and its dplyr grouping (None: ungrouped)."""

    code: str
    groups: Groups | None = None


VERBS: dict[str, object] = {}


def verb(*names: str, returns: str = "df"):
    """Register a verb: ``fn(call, ctx, data: Piped) -> Piped``."""

    def deco(fn):
        for name in names:
            VERBS[name] = fn
        register(*names, returns=returns)(_rule(fn, names[0] == "group_by"))
        return fn

    return deco


def _rule(fn, keep_groups: bool):
    def rule(call, ctx):
        if call.package not in (None, "dplyr", "tidyr"):
            return None
        out = fn(call, ctx, piped(_data_arg(call, ctx), ctx))
        if keep_groups and out.groups is not None:
            return f"{out.code}.groupby({out.groups.code}, {group_kwargs()})"
        return out.code

    rule.__doc__ = fn.__doc__
    return rule


def _data_arg(call, ctx) -> RNode:
    node = call.arg(".data", 0) or call.arg("data", 0)
    if node is None:
        ctx.todo(call.node, f"{call.name}() without its data argument")
    return node


def _rest(call, data: RNode):
    """The arguments after the data argument."""
    return [a for a in call.args if a.value is not data]


def piped(node: RNode, ctx) -> Piped:
    """The :class:`Piped` value of a chain's input ``node``."""
    from ..calls import make_call
    from ..expressions import ATOM, tx, wrap
    from ..pipes import rewrite_pipe

    while node.type == "parenthesized_expression":
        node = node.field("body") or node.children[0]
    if node.type == "binary_operator" and node.op in ("%>%", "|>"):
        node = rewrite_pipe(node)
    if node.type == "call":
        call = make_call(node)
        if call is not None and call.name in VERBS and call.package in (None, "dplyr", "tidyr") \
                and call.name not in ctx.functions:
            return VERBS[call.name](call, ctx, piped(_data_arg(call, ctx), ctx))
    if node.type == "identifier" and ctx.lookup_kind(unquote_name(node.text)) == "grouped_df":
        name = wrap(tx(node, ctx), ATOM)
        return Piped(f"{name}.obj", Groups(f"list({name}.keys)", None))
    return Piped(wrap(tx(node, ctx), ATOM))


# -- grouping ---------------------------------------------------------------------------
@verb("group_by", returns="grouped_df")
def group_by(call, ctx, data: Piped) -> Piped:
    """``group_by(d, a, b)``: the grouping travels with the chain (see module doc)."""
    names = []
    add = False
    for a in _rest(call, _data_arg(call, ctx)):
        if a.name == ".add":
            add = a.value.text in ("TRUE", "T")
            continue
        if a.name is not None and a.name.startswith("."):
            ctx.todo(call.node, f"group_by() argument {a.name}")
        col = column_name(a.value)
        if a.name is not None or col is None:
            ctx.todo(call.node, "group_by() on a computed expression")
        names.append(col)
    if add and data.groups is not None:
        if data.groups.names is None:
            ctx.todo(call.node, "group_by(.add = TRUE) of a grouping known only at run time")
        names = list(data.groups.names) + names
    return Piped(data.code, _static_groups(names))


def _static_groups(names) -> Groups | None:
    if not names:
        return None
    return Groups("[" + ", ".join(q(n) for n in names) + "]", tuple(names))


@verb("ungroup")
def ungroup(call, ctx, data: Piped) -> Piped:
    return Piped(data.code)


# -- mutate / transmute / filter --------------------------------------------------------
def _assign_items(call, ctx, data: Piped, d: str) -> list[tuple[str, str]]:
    """(name, lambda code) for ``mutate``'s arguments, ``across()`` expanded."""
    items = []
    for a in _rest(call, _data_arg(call, ctx)):
        if a.name is not None and a.name.startswith("."):
            ctx.todo(call.node, f"{call.name}() argument {a.name}")
        if a.name is None and a.value.type == "call" and a.value.call_name() == "across":
            for name, expr in _across(a.value, ctx, d):
                items.append((name, expr))
            continue
        if a.name is None and column_name(a.value) is not None:
            items.append((column_name(a.value), a.value))  # transmute(d, id): kept as is
            continue
        if a.name is None:
            ctx.todo(call.node, f"unnamed {call.name}() argument")
        if a.value.type == "null":
            ctx.todo(call.node, f"removing a column with {call.name}(x = NULL)")
        items.append((a.name, a.value))
    out = []
    for name, expr in items:
        code = mask_expr(expr, ctx, Mask(d, data.groups, True))
        out.append((name, f"lambda {d}: {code}"))
    return out


def _kwargs(items) -> str:
    plain = [f"{n}={v}" for n, v in items if n.isidentifier()]
    odd = [f"{q(n)}: {v}" for n, v in items if not n.isidentifier()]
    return ", ".join(plain + (["**{" + ", ".join(odd) + "}"] if odd else []))


@verb("mutate")
def mutate(call, ctx, data: Piped) -> Piped:
    """``mutate(d, z = f(x))`` -> ``d.assign(z=lambda d: ...)`` (sequential, as R:
    later arguments see earlier ones)."""
    d = frame_var(ctx)
    items = _assign_items(call, ctx, data, d)
    if not items:
        return data
    return Piped(f"{data.code}.assign({_kwargs(items)})", data.groups)


@verb("transmute")
def transmute(call, ctx, data: Piped) -> Piped:
    """``transmute``: ``mutate`` keeping the grouping columns and the new ones only."""
    d = frame_var(ctx)
    items = _assign_items(call, ctx, data, d)
    keep = list(data.groups.names or ()) if data.groups else []
    keep += [n for n, _ in items if n not in keep]
    cols = "[" + ", ".join(q(n) for n in keep) + "]"
    return Piped(f"{data.code}.assign({_kwargs(items)})[{cols}]", data.groups)


@verb("filter")
def filter_(call, ctx, data: Piped) -> Piped:
    """``filter(d, c1, c2)``: rows where every condition is TRUE (NA counts as FALSE)."""
    d = frame_var(ctx)
    conds = []
    for a in _rest(call, _data_arg(call, ctx)):
        if a.name is not None:
            ctx.todo(call.node, f"filter() argument {a.name}= (did you mean ==?)")
        conds.append(mask_expr(a.value, ctx, Mask(d, data.groups, True)))
    if not conds:
        return data
    cond = conds[0] if len(conds) == 1 else " & ".join(f"({c})" for c in conds)
    return Piped(f"{data.code}.loc[lambda {d}: {cond}]{RESET}", data.groups)


def _across(node: RNode, ctx, d: str) -> list[tuple[str, RNode]]:
    """``across(.cols, .fns)`` expanded to (name, expression) pairs for static columns."""
    from ..calls import make_call

    call = make_call(node)
    m = call.match((".cols", ".fns", ".names"))
    if ".cols" not in m:
        ctx.todo(node, "across() without .cols")
    sel = tidyselect([m[".cols"]], ctx, d)
    if sel.names is None:
        ctx.todo(node, "across() over columns known only at run time")
    fns: list[tuple[str | None, RNode]] = []
    f = m.get(".fns")
    if f is not None and f.type == "call" and f.call_name() == "list":
        fns = [(a.name, a.value) for a in f.args]
    elif f is not None:
        fns = [(None, f)]
    names_tmpl = m[".names"].text[1:-1] if ".names" in m else None
    out = []
    for col in sel.names:
        for fname, fn in fns:
            expr = _apply_fn(fn, col, ctx)
            tmpl = names_tmpl or ("{.col}_{.fn}" if fname else "{.col}")
            name = tmpl.replace("{.col}", col).replace("{.fn}", fname or "1")
            out.append((name, expr))
        if not fns:
            ctx.todo(node, "across() without .fns")
    return out


def _apply_fn(fn: RNode, col: str, ctx) -> RNode:
    """The R expression applying ``fn`` (``mean``, ``~ .x / 2``, ``\\(x) x / 2``) to
    the column ``col``."""
    col_node = synth_identifier(col if col.isidentifier() else f"`{col}`", fn)
    if fn.type in ("identifier", "namespace_operator"):
        from ..parse import Arg

        return synth_call(fn, (Arg(None, col_node),), fn)
    if fn.type == "unary_operator" and fn.op == "~":
        return rename_dot_x(fn.field("rhs"), col_node.text)
    if fn.type == "function_definition" and len(fn.params) == 1:
        body = fn.field("body")
        return _rename_param(body, fn.params[0][0], col_node.text)
    ctx.todo(fn, "across() function of this form")


def _rename_param(body: RNode, param: str, col: str) -> RNode:
    from dataclasses import replace

    from ..parse import Arg

    def visit(n):
        if n.type == "identifier" and unquote_name(n.text) == param:
            return synth_identifier(col, n)
        return replace(n, fields=tuple((k, visit(c)) for k, c in n.fields),
                       children=tuple(visit(c) for c in n.children),
                       args=tuple(Arg(a.name, None if a.value is None else visit(a.value))
                                  for a in n.args))

    return visit(body)


# -- summarise ---------------------------------------------------------------------------
_AGG = {"mean": "mean", "sd": "std", "var": "var", "sum": "sum", "min": "min", "max": "max",
        "median": "median", "first": "first", "last": "last"}


def _simple_agg(expr: RNode, ctx, key0: str) -> tuple[str, str] | None:
    """``(column, aggregation)`` for ``mean(col)``/``n()``/... (None: not simple)."""
    from ..calls import make_call

    if expr.type != "call":
        return None
    call = make_call(expr)
    if call is None or call.package not in (None, "dplyr", "base", "stats"):
        return None
    if call.name == "n" and not call.args:
        return key0, '"size"'
    if call.name == "n_distinct" and len(call.args) >= 1:
        col = column_name(call.args[0].value)
        na_rm = call.arg("na.rm") is not None and call.arg("na.rm").text in ("TRUE", "T")
        return (col, f"lambda s: s.nunique(dropna={na_rm})") if col else None
    if call.name not in _AGG:
        return None
    extra = [a for a in call.args if a.name not in (None, "na.rm")]
    pos = [a for a in call.args if a.name is None]
    col = column_name(pos[0].value) if len(pos) == 1 else None
    if col is None or extra or not _is_col(pos[0].value, ctx):
        return None
    method = _AGG[call.name]
    na_rm = call.arg("na.rm") is not None and call.arg("na.rm").text in ("TRUE", "T")
    if na_rm or method in ("first", "last"):
        return col, q(method)
    return col, f"lambda s: s.{method}(skipna=False)"


def _is_col(node: RNode, ctx) -> bool:
    from .dplyr_mask import is_column

    return node.type == "string" or is_column(unquote_name(node.text), ctx)


def _summary_items(call, ctx) -> list[tuple[str, RNode]]:
    items = []
    for a in _rest(call, _data_arg(call, ctx)):
        if a.name in (".groups", ".by"):
            continue
        if a.name is None and a.value.type == "call" and a.value.call_name() == "across":
            items.extend(_across(a.value, ctx, "g"))
            continue
        if a.name is None:
            ctx.todo(call.node, f"unnamed {call.name}() argument")
        items.append((a.name, a.value))
    return items


@verb("summarise", "summarize")
def summarise(call, ctx, data: Piped) -> Piped:
    """``summarise``: one row per group (groups sorted), the last grouping dropped."""
    ctx.need_import(PD)
    items = _summary_items(call, ctx)
    groups_arg = call.arg(".groups")
    mode = groups_arg.text.strip("\"'") if groups_arg is not None else "drop_last"
    if call.arg(".by") is not None:
        ctx.todo(call.node, "summarise(.by = )")
    if data.groups is None:
        d = frame_var(ctx)
        cols = ", ".join(f"{q(n)}: [{mask_expr(e, ctx, Mask(d, None, False))}]"
                         for n, e in items)
        return Piped(f"{data.code}.pipe(lambda {d}: pd.DataFrame({{{cols}}}))")
    g = data.groups
    key0 = g.names[0] if g.names else None
    simple = [(n, _simple_agg(e, ctx, key0)) for n, e in items] if key0 else []
    grouped = f"{data.code}.groupby({g.code}, {group_kwargs()})"
    if simple and all(s is not None for _, s in simple):
        aggs = _kwargs([(n, f"({q(c)}, {fn})") for n, (c, fn) in simple])
        code = f"{grouped}.agg({aggs}).reset_index()"
    else:
        gv = frame_var(ctx, "g")
        cols = ", ".join(f"{q(n)}: {mask_expr(e, ctx, Mask(gv, None, False))}"
                         for n, e in items)
        code = f"{grouped}.apply(lambda {gv}: pd.Series({{{cols}}})).reset_index()"
    if mode == "drop" or g.names is None and mode != "keep":
        return Piped(code)
    if mode == "keep":
        return Piped(code, g)
    if mode != "drop_last":
        ctx.todo(call.node, f'summarise(.groups = "{mode}")')
    return Piped(code, _static_groups(g.names[:-1]))


@verb("count", "tally")
def count(call, ctx, data: Piped) -> Piped:
    """``count(d, a, b, wt=, sort=, name=)``: rows per combination, sorted by the
    combination (R: ``dplyr::count``)."""
    m = {a.name: a.value for a in call.args if a.name in ("wt", "sort", "name")}
    cols = [a.value for a in _rest(call, _data_arg(call, ctx)) if a.name is None]
    if call.name == "tally":
        cols = []
    names = [column_name(c) for c in cols]
    if None in names:
        ctx.todo(call.node, f"{call.name}() of a computed expression")
    keys = list(data.groups.names or ()) if data.groups else []
    if data.groups is not None and data.groups.names is None:
        ctx.todo(call.node, f"{call.name}() of a grouping known only at run time")
    keys += [n for n in names if n not in keys]
    name = m["name"].text.strip("\"'") if "name" in m else "n"
    wt = column_name(m.get("wt"))
    if not keys:
        ctx.need_import(PD)
        total = f'd["{wt}"].sum()' if wt else "len(d)"
        return Piped(f"{data.code}.pipe(lambda d: pd.DataFrame({{{q(name)}: [{total}]}}))")
    grouped = f"{data.code}.groupby({_static_groups(keys).code}, {group_kwargs()})"
    code = f"{grouped}[{q(wt)}].sum()" if wt else f"{grouped}.size()"
    code += f".reset_index(name={q(name)})"
    if "sort" in m and m["sort"].text in ("TRUE", "T"):
        code += f'.sort_values({q(name)}, ascending=False, kind="stable"){RESET}'
    return Piped(code, data.groups)


# -- row order and columns -----------------------------------------------------------------
@verb("arrange")
def arrange(call, ctx, data: Piped) -> Piped:
    """``arrange(d, a, desc(b))``: a stable sort, NA last in both directions (as R)."""
    keys, asc = [], []
    by_group = False
    for a in _rest(call, _data_arg(call, ctx)):
        if a.name == ".by_group":
            by_group = a.value.text in ("TRUE", "T")
            continue
        node, up = a.value, True
        if node.type == "call" and node.call_name() in ("desc", "dplyr::desc"):
            node, up = node.args[0].value, False
        elif node.type == "unary_operator" and node.op == "-":
            node, up = node.field("rhs"), False
        col = column_name(node)
        if col is None:
            ctx.todo(call.node, "arrange() by a computed expression")
        keys.append(col)
        asc.append(up)
    if by_group and data.groups is not None and data.groups.names:
        keys = list(data.groups.names) + keys
        asc = [True] * len(data.groups.names) + asc
    if not keys:
        return data
    if len(keys) == 1:
        spec = f"{q(keys[0])}" + ("" if asc[0] else ", ascending=False")
    else:
        spec = "[" + ", ".join(q(k) for k in keys) + "]"
        if not all(asc):
            spec += f", ascending={asc!r}"
    return Piped(f'{data.code}.sort_values({spec}, kind="stable"){RESET}', data.groups)


@verb("select")
def select(call, ctx, data: Piped) -> Piped:
    """``select(d, a, b)`` / ``select(d, -x)`` / helpers (:mod:`.dplyr_select`); the
    grouping columns are always kept (dplyr adds them, with a message)."""
    d = frame_var(ctx)
    sel = tidyselect([a.value if a.name is None else _named(a) for a in
                      _rest(call, _data_arg(call, ctx))], ctx, d, allow_rename=True)
    code = data.code
    keep = list(data.groups.names) if data.groups and data.groups.names else []
    if sel.drops is not None:
        drops = [c for c in sel.drops if c not in keep]
        code += f".drop(columns=[{', '.join(q(c) for c in drops)}])"
    elif sel.names is not None:
        names = [k for k in keep if k not in sel.names] + list(sel.names)
        code += f"[[{', '.join(q(c) for c in names)}]]"
    else:
        code += f".loc[:, lambda {d}: {sel.code}]"
    if sel.renames:
        mapping = ", ".join(f"{q(old)}: {q(new)}" for new, old in sel.renames)
        code += f".rename(columns={{{mapping}}})"
    return Piped(code, data.groups)


def _named(a):
    """``select(new = old)``: a ``c(new = old)`` node, so the rename is recorded."""
    from ..parse import Arg

    fn = synth_identifier("c", a.value)
    return synth_call(fn, (Arg(a.name, a.value),), a.value)


@verb("rename")
def rename(call, ctx, data: Piped) -> Piped:
    """``rename(d, new = old)`` -> ``d.rename(columns={"old": "new"})``."""
    pairs = []
    for a in _rest(call, _data_arg(call, ctx)):
        old = column_name(a.value)
        if a.name is None or old is None:
            ctx.todo(call.node, "rename() argument that is not new = old")
        pairs.append(f"{q(old)}: {q(a.name)}")
    return Piped(f"{data.code}.rename(columns={{{', '.join(pairs)}}})", data.groups)


@verb("relocate")
def relocate(call, ctx, data: Piped) -> Piped:
    """``relocate(d, a, b)``: the named columns first, the others after in order."""
    d = frame_var(ctx)
    rest = [a for a in _rest(call, _data_arg(call, ctx))]
    if any(a.name is not None for a in rest):
        ctx.todo(call.node, "relocate(.before/.after)")
    sel = tidyselect([a.value for a in rest], ctx, d)
    first = sel.list_code()
    return Piped(f"{data.code}.loc[:, lambda {d}: {first} + "
                 f"[c for c in {d}.columns if c not in {first}]]", data.groups)


@verb("distinct")
def distinct(call, ctx, data: Piped) -> Piped:
    """``distinct(d, a, b, .keep_all = FALSE)``: first occurrences, in row order."""
    rest = [a for a in _rest(call, _data_arg(call, ctx))]
    keep_all = any(a.name == ".keep_all" and a.value.text in ("TRUE", "T") for a in rest)
    cols = [a.value for a in rest if a.name is None]
    if any(a.name not in (None, ".keep_all") for a in rest):
        ctx.todo(call.node, "distinct() with a computed column")
    if not cols:
        return Piped(f"{data.code}.drop_duplicates(){RESET}", data.groups)
    sel = tidyselect(cols, ctx, frame_var(ctx))
    if sel.names is None:
        ctx.todo(call.node, "distinct() over columns known only at run time")
    names = ", ".join(q(n) for n in sel.names)
    if keep_all:
        return Piped(f"{data.code}.drop_duplicates(subset=[{names}]){RESET}", data.groups)
    # the kept columns stay in the data's order (as R's distinct() returns them)
    d = frame_var(ctx)
    return Piped(f"{data.code}.loc[:, lambda {d}: [c for c in {d}.columns if c in [{names}]]]"
                 f".drop_duplicates(){RESET}", data.groups)


@verb("pull", returns="vector")
def pull(call, ctx, data: Piped) -> Piped:
    """``pull(d, x)`` -> ``d["x"]`` (default: the last column)."""
    rest = [a for a in _rest(call, _data_arg(call, ctx)) if a.name in (None, "var")]
    var = rest[0].value if rest else None
    col = column_name(var)
    if var is None or var.text.replace(" ", "") in ("-1", "-1L"):
        return Piped(f"{data.code}.iloc[:, -1]")
    if col is None:
        ctx.todo(call.node, "pull() of a position or expression")
    return Piped(f"{data.code}[{q(col)}]")


del NP
