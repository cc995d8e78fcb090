"""Base R vector utilities (:mod:`pylme.migrate.rvectors`): ``setdiff``/``intersect``/
``union``, ``class``, ``na.omit``, ``complete.cases``, ``outer``, ``stopifnot``,
``formatC``."""

from __future__ import annotations

from ..names import py_kwarg
from . import register

RV = "from pylme.migrate import rvectors"


@register("setdiff", "intersect", "union", returns="vector")
def set_ops(call, ctx):
    ctx.need_import(RV)
    m = call.match(("x", "y"))
    return f"rvectors.{call.name}({ctx.expr(m['x'])}, {ctx.expr(m['y'])})"


@register("class", returns="character")
def class_(call, ctx):
    ctx.need_import(RV)
    return f"rvectors.r_class({ctx.expr(call.arg('x', 0))})"


def _same_kind(call, ctx):
    x = call.arg("object", 0)
    return None if x is None else ctx.kind_of(x)


@register("na.omit", returns=_same_kind)
def na_omit(call, ctx):
    ctx.need_import(RV)
    return f"rvectors.na_omit({ctx.expr(call.arg('object', 0))})"


@register("complete.cases", returns="logical")
def complete_cases(call, ctx):
    ctx.need_import(RV)
    return f"rvectors.complete_cases({', '.join(ctx.expr(a.value) for a in call.args)})"


@register("outer", returns="matrix")
def outer(call, ctx):
    from .apply import function_callable

    ctx.need_import(RV)
    m = call.match(("X", "Y", "FUN"))
    args = [ctx.expr(m["X"]), ctx.expr(m["Y"])]
    fun = m.get("FUN")
    if fun is not None and fun.text.strip("\"'`") not in ("*",):
        op = fun.text.strip("\"'`")
        args.append(f"lambda a, b: a {op} b" if op in ("+", "-", "/", "^", "==") and
                    fun.type in ("string", "identifier") else
                    f"fun={function_callable(fun, ctx)}")
        args[-1] = args[-1].replace(" ^ ", " ** ")
    return f"rvectors.outer({', '.join(args)})"


@register("stopifnot", visible=False)
def stopifnot(call, ctx):
    ctx.need_import(RV)
    return f"rvectors.stopifnot({', '.join(ctx.expr(a.value) for a in call.args)})"


@register("formatC", returns="character")
def format_c(call, ctx):
    ctx.need_import(RV)
    m = call.match(("x", "width", "digits", "format", "flag", "mode", "big.mark"))
    if "mode" in m or "..." in m:
        ctx.todo(call.node, "formatC() with mode= or other options")
    args = [ctx.expr(m["x"])] + [f"{py_kwarg(k)}={ctx.expr(m[k])}" for k in
                                 ("width", "digits", "format", "flag", "big.mark") if k in m]
    return f"rvectors.formatC({', '.join(args)})"


@register("is.numeric", "is.factor", "is.character", "is.logical", "is.data.frame",
          "is.list", "is.function", returns="logical")
def is_type(call, ctx):
    ctx.need_import(RV)
    x = ctx.expr(call.arg("x", 0))
    if call.name == "is.numeric":
        return f"rvectors.is_numeric({x})"
    cls = {"is.factor": '("factor", "ordered")', "is.character": '("character",)',
           "is.logical": '("logical",)', "is.data.frame": '("data.frame",)',
           "is.list": '("list", "data.frame")', "is.function": '("function",)'}[call.name]
    return f"rvectors.r_class({x}) in {cls}"


@register("vector", returns=lambda call, ctx: "list" if (call.arg("mode", 0) is None or
                                                          call.arg("mode", 0).text.strip("\"'")
                                                          == "list") else "vector")
def vector(call, ctx):
    """``vector("list", n)``: a list of n NULLs; ``vector("numeric", n)``: zeros."""
    m = call.match(("mode", "length"))
    mode = m["mode"].text.strip("\"'") if "mode" in m else "logical"
    n = ctx.expr(m["length"]) if "length" in m else "0"
    if mode == "list":
        return f"[None] * {n}"
    ctx.need_import("import numpy as np")
    dtype = {"numeric": "float", "double": "float", "integer": "int", "logical": "bool",
             "character": "object"}.get(mode)
    if dtype is None:
        ctx.todo(call.node, f'vector("{mode}")')
    fill = '""' if mode == "character" else "0"
    return f"np.full({n}, {fill}, dtype={dtype})"
