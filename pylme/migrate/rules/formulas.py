"""Formulas and model matrices: ``as.formula``/``formula``/``reformulate`` (formulas are
strings in pylme), ``model.matrix`` (``pylme.model_matrix``; of a fit, its X), ``%*%``
helpers ``diag``/``as.matrix``/``t``/``solve``, ``attr``, ``match``, ``ls``."""

from __future__ import annotations

from ..expressions import ATOM, tx, wrap
from . import register
from .lme4 import MODEL_KINDS, formula_arg

NP = "import numpy as np"


@register("as.formula", returns="character")
def as_formula(call, ctx):
    x = call.arg("object", 0)
    return formula_arg(x, ctx)


@register("formula", returns="character")
def formula(call, ctx):
    x = call.arg("x", 0)
    if ctx.kind_of(x) in MODEL_KINDS:
        return f"{wrap(tx(x, ctx), ATOM)}.inputs.formula_text"
    return formula_arg(x, ctx)


@register("reformulate", returns="character")
def reformulate(call, ctx):
    m = call.match(("termlabels", "response", "intercept"))
    terms = f'" + ".join({ctx.expr(m["termlabels"])})'
    if "intercept" in m:
        ctx.todo(call.node, "reformulate(intercept=)")
    if "response" in m:
        return f'{ctx.expr(m["response"])} + " ~ " + {terms}'
    return f'"~ " + {terms}'


@register("model.matrix", returns="df")
def model_matrix(call, ctx):
    m = call.match(("object", "data"))
    obj = m["object"]
    if obj.type in ("binary_operator", "unary_operator") and obj.op == "~":
        ctx.need_import("import pylme")
        data = ctx.expr(m["data"]) if "data" in m else ctx.todo(call.node, "model.matrix without data")
        return f"pylme.model_matrix({formula_arg(obj, ctx)}, {data})"
    if ctx.kind_of(obj) in MODEL_KINDS or ctx.kind_of(obj) is None:
        return f'{wrap(tx(obj, ctx), ATOM)}.getME("X")'
    return None


@register("diag", returns="vector")
def diag(call, ctx):
    ctx.need_import(NP)
    return f"np.diag({ctx.expr(call.args[0].value)})"


@register("as.matrix", "data.matrix", returns="matrix")
def as_matrix(call, ctx):
    ctx.need_import(NP)
    return f"np.asarray({ctx.expr(call.args[0].value)})"


@register("t", returns="matrix")
def transpose(call, ctx):
    ctx.need_import(NP)
    return f"np.transpose({ctx.expr(call.args[0].value)})"


@register("solve", returns="matrix")
def solve(call, ctx):
    ctx.need_import(NP)
    vals = [ctx.expr(a.value) for a in call.args if a.name is None]
    if len(vals) == 1:
        return f"np.linalg.inv({vals[0]})"
    return f"np.linalg.solve({vals[0]}, {vals[1]})"


@register("attr")
def attr(call, ctx):
    m = call.match(("x", "which", "exact"))
    which = m["which"]
    if which.type != "string":
        ctx.todo(call.node, "attr() with a computed name")
    name = which.text[1:-1]
    x = m["x"]
    if name in ("df", "nobs") and (ctx.kind_of(x) != "df" or (
            x.type == "call" and x.call_name() == "logLik")):
        return f"{wrap(tx(x, ctx), ATOM)}.{name}"  # pylme's LogLik carries df and nobs
    if name in ("names", "dim", "class", "levels", "contrasts"):
        ctx.todo(call.node, f'attr(, "{name}")')
    # attributes a script sets itself (attr(x, "fit") <- ...) live in pandas' attrs
    return f'{wrap(tx(x, ctx), ATOM)}.attrs["{name}"]'


@register("match", returns="vector")
def match(call, ctx):
    m = call.match(("x", "table", "nomatch"))
    if "nomatch" in m:
        ctx.todo(m["nomatch"], "match(nomatch=)")
    ctx.need_import("from pylme.migrate import rvectors")  # first occurrence; NA where absent
    return f"rvectors.match({ctx.expr(m['x'])}, {ctx.expr(m['table'])})"


@register("ls", returns="character")
def ls(call, ctx):
    return 'sorted(name for name in globals() if not name.startswith("_"))'


@register("contrasts", returns="df")
def contrasts(call, ctx):
    """``contrasts(df$f)``: the coding R uses for the factor (what ``contrasts<-`` set,
    else R's default for an unordered factor), as a table with the levels as rows."""
    col = call.arg("x", 0)
    name = "contr.treatment"
    if col.type == "extract_operator" and col.op == "$":
        frame = col.field("lhs").text
        column = col.field("rhs").text.strip("`")
        recorded = getattr(ctx, "column_contrasts", {}).get(frame, {})
        name = recorded.get(column, '"contr.treatment"').strip('"')
    ctx.need_import("from pylme.migrate import rbase")
    return f'rbase.contrast_table({ctx.expr(col)}, "{name}")'
