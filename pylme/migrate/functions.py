"""R ``function(...)`` -> a Python ``lambda`` or a ``def`` (statements in the body)."""

from __future__ import annotations

from .context import Context
from .names import py_name
from .parse import RNode

__all__ = ["function_expr", "params_text", "copied_on_modify"]

_ASSIGN = ("<-", "=")


def _root(lhs: RNode) -> str | None:
    """The variable a replacement assignment changes: ``d`` in ``d$y``, ``d[i, j]``,
    ``names(d)[2]``, ``d$h[[1]]``; None for a plain name."""
    node = lhs
    while True:
        if node.type == "identifier":
            return None if node is lhs else node.text
        if node.type == "extract_operator":
            node = node.field("lhs")
        elif node.type in ("subset", "subset2"):
            node = node.field("function")
        elif node.type == "call" and node.args and node.args[0].value is not None:
            node = node.args[0].value  # names(d) <- ..., levels(d$f) <- ...
        else:
            return None
        if node is None:
            return None


def copied_on_modify(node: RNode) -> list[str]:
    """Variables a function changes in place (``d$y <- v``, ``d[i] <- v``) without ever
    assigning them whole: R copies such a value on its first change, so the caller's
    (or the script's) object never changes; the translated ``def`` starts with
    ``d = d.copy()`` for each.  Nested functions are their own business."""
    changed: list[str] = []
    whole: set[str] = set()
    body = node.field("body")
    stack = [body] if body is not None else []
    while stack:
        n = stack.pop()
        if n.type == "function_definition":
            continue
        if n.type == "binary_operator" and n.op in _ASSIGN:
            lhs = n.field("lhs")
            if lhs is not None and lhs.type == "identifier":
                whole.add(lhs.text)
            elif lhs is not None:
                root = _root(lhs)
                if root is not None and root not in changed:
                    changed.append(root)
        stack.extend(reversed(n.children))
        stack.extend(a.value for a in reversed(n.args) if a.value is not None)
    return [name for name in changed if name not in whole]


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
