"""R ``function(...)`` -> a Python ``lambda`` or a ``def`` (statements in the body)."""

from __future__ import annotations

from .context import Context
from .names import py_name
from .parse import RNode

__all__ = ["function_expr", "params_text"]


def lazy_defaults(node: RNode) -> list[tuple[str, RNode]]:
    """Defaults that use other parameters (R evaluates defaults lazily, in the call)."""
    names = {name for name, _ in node.params}
    out = []
    for name, default in node.params:
        if default is not None and any(n.type == "identifier" and n.text in names
                                       for n in default.walk()):
            out.append((name, default))
    return out


def params_text(node: RNode, ctx: Context) -> str:
    """``a, b=2, *args`` for R's formals (``...`` becomes ``*args``); a default that
    uses another parameter becomes ``None``, computed in the body (see
    :func:`lazy_defaults`)."""
    lazy = {name for name, _ in lazy_defaults(node)}
    out = []
    for name, default in node.params:
        if name == "...":
            out.append("*args")
            continue
        if default is None:
            out.append(py_name(name))
        elif name in lazy:
            out.append(f"{py_name(name)}=None")
        else:
            out.append(f"{py_name(name)}={ctx.expr(default)}")
    return ", ".join(out)


def function_expr(node: RNode, ctx: Context) -> str:
    """A function used as a value (``sapply(x, function(v) v^2)``).

    One-expression bodies become a ``lambda``; longer bodies a helper ``def``
    written before the current statement (R's closures see the enclosing
    variables; so does a nested Python function).
    """
    from .statements import function_def_lines

    body = node.field("body")
    exprs = body
    if body is not None and body.type == "braced_expression":
        inner = [c for c in body.children if not c.is_comment]
        exprs = inner[0] if len(inner) == 1 else None
    if exprs is not None and not lazy_defaults(node) and exprs.type not in ("braced_expression", "if_statement",
                                                 "for_statement", "while_statement",
                                                 "repeat_statement") and not (
            exprs.type == "binary_operator" and exprs.op in ("<-", "=", "->", "<<-")):
        ctx.push_scope()
        try:
            for name, _ in node.params:
                ctx.set_kind(name, None)
                ctx.define(name)
            return f"lambda {params_text(node, ctx)}: {ctx.expr(exprs)}".replace("lambda : ", "lambda: ")
        finally:
            ctx.pop_scope()
    name = ctx.fresh_name("fn")
    for line in function_def_lines(name, node, ctx):
        ctx.emit(line)
    return name
