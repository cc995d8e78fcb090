"""R's random numbers -> :mod:`pylme.rrandom` (R's generators, draw for draw):
``set.seed``, ``rnorm``, ``runif``, ``rexp``, ``sample``, ``rbinom``, ``rpois``, ``rgamma``."""

from __future__ import annotations

from . import register

RR = "from pylme import rrandom"
_FORMALS = {
    "rnorm": (("n", "mean", "sd"), {}),
    "runif": (("n", "min", "max"), {}),
    "rexp": (("n", "rate"), {}),
    "rbinom": (("n", "size", "prob"), {}),
    "rpois": (("n", "lambda"), {"lambda": "lam"}),
    "rgamma": (("n", "shape", "rate", "scale"), {}),
    "sample": (("x", "size", "replace", "prob"), {}),
}


@register(*_FORMALS, returns="vector")
def draw(call, ctx):
    ctx.need_import(RR)
    formals, rename = _FORMALS[call.name]
    m = call.match(formals)
    if len(m) < len([a for a in call.args if a.value is not None]):
        ctx.todo(call.node, f"argument of {call.name}() not matched")
    args = [ctx.expr(m[formals[0]])]
    for name in formals[1:]:
        if name in m:
            args.append(f"{rename.get(name, name)}={ctx.expr(m[name])}")
    return f"rrandom.{call.name}({', '.join(args)})"


@register("sample.int", returns="vector")
def sample_int(call, ctx):
    ctx.need_import(RR)
    m = call.match(("n", "size", "replace", "prob"))
    args = [ctx.expr(m["n"])] + [f"{k}={ctx.expr(m[k])}" for k in ("size", "replace", "prob") if k in m]
    return f"rrandom.sample({', '.join(args)})"
