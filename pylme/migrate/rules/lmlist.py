"""lme4's ``lmList`` -> :func:`pylme.lmList` (per-group ``lm`` or, with ``family=``, ``glm``).

nlme has an ``lmList`` of its own (class ``lmList``, other printing and methods): a call
that reaches nlme's — ``nlme::lmList``, or a script that loads nlme after lme4 — is left to
a TODO rather than translated to lme4's.  Its methods (``coef``, ``summary``, ``confint``,
``plot``) are the fit's own (:class:`pylme.results.lmlist.LmList`).
"""

from __future__ import annotations

import json

from ..expressions import ATOM, tx, wrap
from . import register
from .lme4 import PYLME, family_arg, formula_arg, with_script_variables

_FORMALS = ("formula", "data", "family", "subset", "weights", "na.action", "offset", "pool", "warn")


def _reaches_nlme(call, ctx) -> bool:
    if call.package is not None:
        return call.package == "nlme"
    order = [p for p in ctx.packages if p in ("lme4", "nlme")]
    return bool(order) and order[-1] == "nlme"


@register("lmList", returns="lmList")
def lm_list(call, ctx):
    if _reaches_nlme(call, ctx):
        ctx.todo(call.node, "nlme's lmList() (pylme.lmList is lme4's: other printing and methods)")
    m = call.match(_FORMALS)
    for bad in ("subset", "na.action"):
        if bad in m:
            ctx.todo(m[bad], f"{bad}= of lmList() (subset the data first)")
    if "data" not in m:
        ctx.todo(call.node, "lmList() without data=")
    ctx.need_import(PYLME)
    args = [formula_arg(m["formula"], ctx), with_script_variables(ctx.expr(m["data"]), m["formula"], ctx)]
    if "family" in m:
        args.append(f"family={family_arg(m['family'], ctx)}")
    for name in ("weights", "offset"):
        if name in m:  # a column of the data, or values
            node = m[name]
            args.append(f'{name}="{node.text}"' if node.type == "identifier" else f"{name}={ctx.expr(node)}")
    for name in ("pool", "warn"):
        if name in m:
            args.append(f"{name}={ctx.expr(m[name])}")
    args.append(f"data_name={json.dumps(m['data'].deparse or ctx.formula_text(m['data']))}")
    return f"pylme.lmList({', '.join(args)})"


def _lmlist_method(pyname: str):
    def rule(call, ctx):
        obj = call.arg("object", 0)
        if obj is None or ctx.kind_of(obj) != "lmList":
            return None
        rest = [ctx.expr(a.value) if a.name is None else f"{a.name.replace('.', '_')}={ctx.expr(a.value)}"
                for a in call.args[1:]]
        return f"{wrap(tx(obj, ctx), ATOM)}.{pyname}({', '.join(rest)})"
    return rule


def _method_kind(kind: str):
    def returns(call, ctx):  # only for an lmList: other objects' kinds come from their rules
        obj = call.arg("object", 0)
        return kind if obj is not None and ctx.kind_of(obj) == "lmList" else None
    return returns


for _r, _py in {"coef": "coef", "coefficients": "coef", "summary": "summary", "confint": "confint"}.items():
    register(_r, priority=5, returns=_method_kind("summary" if _r == "summary" else "df"))(_lmlist_method(_py))
