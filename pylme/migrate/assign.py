"""Assignments: ``x <- v``, ``v -> x``, ``df$x <- v``, ``df[i, "x"] <- v``, ``f <- function``,
and R's replacement functions (``names(df) <- ...``, ``levels(f) <- ...``)."""

from __future__ import annotations

from .context import Context
from .names import py_name
from .parse import RNode, unquote_name

__all__ = ["assignment_lines"]


def assignment_lines(node: RNode, ctx: Context) -> list[str]:
    if node.op in ("->", "->>"):
        target, value = node.field("rhs"), node.field("lhs")
    else:
        target, value = node.field("lhs"), node.field("rhs")
    if node.op in ("<<-", "->>"):
        _declare_outer(target, ctx)
        return assignment_lines(_rebind(node, target, value), ctx)
    if value.type == "binary_operator" and value.op in ("<-", "=", "->"):
        # a <- b <- v: assign the inner one first, then a from it (R's value semantics)
        inner = assignment_lines(value, ctx)
        inner_target = value.field("rhs") if value.op == "->" else value.field("lhs")
        return inner + assignment_lines(_rebind(node, target, inner_target), ctx)
    if target.type in ("identifier", "string"):
        name = unquote_name(target.text)
        if value.type == "function_definition":
            from .statements import function_def_lines

            ctx.functions.add(name)
            ctx.set_kind(name, "function")
            return function_def_lines(py_name(name), value, ctx)
        code = ctx.expr(value)
        if value.type == "identifier" and ctx.kind_of(value) == "df" and code.isidentifier():
            code = f"{code}.copy()"  # R copies on assignment: changing one leaves the other
        ctx.set_kind(name, ctx.kind_of(value))
        ctx.define(name)
        return [f"{py_name(name)} = {code}"]
    from .coercion import note_column

    note_column(target, ctx.kind_of(value), ctx)
    if target.type == "call" and target.call_name() == "levels" and target.args:
        # levels(f) <- v renames the levels (same new names merge levels, as R)
        ctx.need_import("from pylme.migrate import rbase")
        arg = target.args[0].value
        fac = py_name(arg.text) if arg.type == "identifier" else _target(arg, ctx)
        return [f"{fac} = rbase.set_levels({fac}, {ctx.expr(value)})"]
    if value.type == "null" and (target.type == "extract_operator" or (
            target.type == "subset2")):
        return [f"del {_target(target, ctx)}"]  # df$x <- NULL removes the column
    if target.type == "subset" and target.field("function").type == "call" and \
            target.field("function").call_name() in ("names", "colnames") and len(target.args) == 1:
        # names(df)[2:3] <- v: rename some columns
        from .indexing import translate_index

        frame = _base(target.field("function").args[0].value, ctx)
        names = ctx.fresh_name("names").lstrip("_")
        ctx.set_kind(names, "vector")
        from .parse import synth_identifier

        idx_target = replace_function(target, synth_identifier(names, target))
        ctx.need_import("import numpy as np")  # an array: R's logical and numeric indices both work
        return [f"{names} = np.array({frame}.columns, dtype=object)",
                f"{_target_index(idx_target, ctx)} = {ctx.expr(value)}",
                f"{frame}.columns = {names}"]
    if target.type == "call" and target.call_name() == "contrasts" and target.args:
        return _contrasts_assignment(target, value, ctx)
    if target.type == "call" and target.call_name() in ("rownames", "row.names") \
            and value.type == "null":
        frame = _base(target.args[0].value, ctx)
        return [f"{frame} = {frame}.reset_index(drop=True)"]  # R renumbers the rows 1..n
    if target.type == "call" and target.call_name() == "attr" and len(target.args) == 2:
        frame, which = target.args[0].value, target.args[1].value
        if which.type == "string":
            return [f'{_base(frame, ctx)}.attrs[{which.text}] = {ctx.expr(value)}']
    return [f"{_target(target, ctx)} = {ctx.expr(value)}"]


def _declare_outer(target: RNode, ctx: Context) -> None:
    """``x <<- v`` inside a function assigns the ``x`` of an enclosing function, else the
    global one: Python's ``nonlocal x`` / ``global x``, which :func:`function_def_lines`
    writes at the top of the function.  At top level ``<<-`` is ``<-``."""
    base = target
    while base.type in ("extract_operator", "subset", "subset2"):
        base = base.field("lhs") if base.type == "extract_operator" else base.field("function")
    if base is None or base.type not in ("identifier", "string"):
        ctx.todo(target, "superassignment (<<-) to this target")
    if len(ctx.kinds) == 1:
        return
    name = unquote_name(base.text)
    ctx.outer_names[-1].add(name)


def _contrasts_assignment(target: RNode, value: RNode, ctx: Context) -> list[str]:
    """``contrasts(df$f) <- contr.helmert(4)``: R stores the coding on the column; pylme
    takes it as ``contrasts=`` of the model calls, so the translation keeps a dict per
    data frame (``contrasts_df = {"f": "contr.helmert"}``) and passes it to them."""
    col = target.args[0].value
    if not (col.type == "extract_operator" and col.op == "$"
            and col.field("lhs").type == "identifier"):
        ctx.todo(target, "contrasts<- on something other than df$column")
    frame, column = col.field("lhs").text, unquote_name(col.field("rhs").text)
    if value.type == "call" and (value.call_name() or "").startswith("contr."):
        code = f'"{value.call_name()}"'
    elif value.type in ("string", "identifier") and value.text.strip("\"'").startswith("contr."):
        code = f'"{value.text.strip(chr(34) + chr(39))}"'
    else:
        ctx.todo(value, "contrasts<- with a contrast matrix")
    table = getattr(ctx, "column_contrasts", None)
    if table is None:
        table = ctx.column_contrasts = {}
    var = f"contrasts_{py_name(frame)}"
    first = frame not in table
    table.setdefault(frame, {})[column] = code
    if first:
        return [f'{var} = {{"{column}": {code}}}']
    return [f'{var}["{column}"] = {code}']


def replace_function(node: RNode, fn: RNode) -> RNode:
    from dataclasses import replace

    fields = tuple((k, fn if k == "function" else v) for k, v in node.fields)
    return replace(node, fields=fields)


def _target_index(node: RNode, ctx: Context) -> str:
    from .indexing import index_target

    return index_target(node, ctx)


def _rebind(node: RNode, target: RNode, value: RNode) -> RNode:
    """``target <- value`` as a node (for chained assignments)."""
    from dataclasses import replace

    return replace(node, op="<-", fields=(("lhs", target), ("rhs", value)))


def _target(target: RNode, ctx: Context) -> str:
    """The Python assignment target for an R replacement target."""
    from .indexing import index_target

    if target.type == "extract_operator" and target.op == "$":
        base = target.field("lhs")
        return f"{_base(base, ctx)}[{_q(unquote_name(target.field('rhs').text))}]"
    if target.type in ("subset", "subset2"):
        return index_target(target, ctx)
    if target.type == "call":
        name = target.call_name()
        arg = target.args[0].value if target.args else None
        if name in ("names", "colnames") and arg is not None and ctx.kind_of(arg) in ("df", None):
            return f"{_base(arg, ctx)}.columns"
        if name in ("rownames", "row.names") and arg is not None:
            return f"{_base(arg, ctx)}.index"
        ctx.todo(target, f"replacement function {name}<-")
    ctx.todo(target, "assignment to this target")


def _base(node: RNode, ctx: Context) -> str:
    from .expressions import ATOM, tx, wrap

    return wrap(tx(node, ctx), ATOM)


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
