"""R's other model functions -> statsmodels: ``lm``, ``glm``, ``aov`` (formula API)
and their methods (``t.test`` and the other classical tests: :mod:`.htests`).

What a script prints is R's text: ``summary(lm)``, ``summary(glm)``, ``summary(aov)``,
``anova(lm, ...)``, ``confint(lm)``, ``vcov(lm)`` become :mod:`pylme.migrate.rlm` /
:mod:`pylme.migrate.rglm` results (R's names, R's ``print`` methods).  The fits stay
plain statsmodels results; the R call a summary prints after ``Call:`` is the script's
own, deparsed as R's ``match.call`` + ``deparse`` write it, carried from the fitting
call to the ``summary()`` by the fit's kind (:class:`FitKind`).

``AIC``/``BIC``/``logLik`` of an ``lm`` count sigma as a parameter, as R's ``logLik.lm``
does (statsmodels' ``aic`` does not: a 2-unit difference).  ``simulate(lm)`` draws as
R's ``simulate.lm``: ``fitted + rnorm(n, 0, sqrt(deviance / df.residual))`` from R's
stream when the script calls ``set.seed``.
"""

from __future__ import annotations

import re

from ..expressions import ATOM, tx, wrap
from ..names import py_name
from ..parse import unquote_name
from . import register
from .lme4 import formula_arg

SMF = "import statsmodels.formula.api as smf"
SM = "import statsmodels.api as sm"
NP = "import numpy as np"
LM_KINDS = ("lm", "glm", "aov")
RLM = "from pylme.migrate import rlm"
RGLM = "from pylme.migrate import rglm"
_FORMALS = {
    "lm": ("formula", "data", "subset", "weights", "na.action", "method", "model", "x", "y",
           "qr", "singular.ok", "contrasts", "offset"),
    "aov": ("formula", "data", "projections", "qr", "contrasts"),
    "glm": ("formula", "family", "data", "weights", "subset", "na.action", "start",
            "etastart", "mustart", "offset", "control", "model", "method", "x", "y",
            "singular.ok", "contrasts"),
}


class FitKind(str):
    """The kind of an ``lm``/``glm``/``aov`` value (equal to ``"lm"``, ...) that also
    remembers the R call that made it, deparsed as R prints it after ``Call:``."""

    r_call: str | None = None

    def __new__(cls, kind: str, r_call: str | None):
        self = super().__new__(cls, kind)
        self.r_call = r_call
        return self


def _deparse(node) -> str:
    """An argument as R's ``deparse`` writes it (R's spacing), else its text."""
    from ...formula.deparse import deparse
    from ...formula.parser import parse_expression

    if node.deparse is not None:
        return node.deparse
    text = re.sub(r"\s+", " ", re.sub(r"#[^\n]*", "", node.text)).strip()
    try:
        return deparse(parse_expression(text))
    except Exception:  # pylme's parser reads formula-like R; anything else as written
        return text


def r_call_text(call) -> str | None:
    """R's ``deparse(match.call())`` of an ``lm``/``glm``/``aov`` call: arguments named
    and in the function's formal order, lines broken as R's deparse breaks them."""
    from ...formula.deparse import deparse_lines
    from ...formula.parser import parse_expression

    formals = _FORMALS.get(call.name)
    if formals is None:
        return None
    m = call.match(formals)
    args = ", ".join(f"{f} = {_deparse(m[f])}" for f in formals if f in m)
    text = f"{call.name}({args})"
    try:
        return "\n".join(deparse_lines(parse_expression(text)))
    except Exception:
        return text


def _fit_kind(call, ctx):
    return FitKind(call.name, r_call_text(call))


def _call_arg(o, ctx) -> str:
    """``, call="..."`` for a summary of ``o`` when the fitting call is known."""
    kind = ctx.kind_of(o)
    r_call = getattr(kind, "r_call", None)
    return "" if r_call is None else f", call={r_call!r}"
_FAMILIES = {"binomial": "Binomial", "poisson": "Poisson", "gaussian": "Gaussian",
             "Gamma": "Gamma", "inverse.gaussian": "InverseGaussian"}
_LINKS = {"logit": "Logit", "probit": "Probit", "log": "Log", "identity": "Identity",
          "cloglog": "CLogLog", "inverse": "InversePower", "sqrt": "Sqrt"}


_QUOTABLE = re.compile(r"(?<![\w.'])([A-Za-z.][\w.]*)(?![\w.']|\s*\()")


def _needs_quote(name: str) -> bool:
    import keyword

    return name != "." and ("." in name or keyword.iskeyword(name))


def sm_formula(node, ctx) -> str:
    """A formula for statsmodels (patsy): R's ``^`` is ``**`` (in ``I()`` arithmetic and
    term crossing alike); ``log``/``exp``/``sqrt`` are NumPy's; names that are not
    Python names (``Solar.R``, ``yield``) are quoted: ``Q('Solar.R')``."""
    import re

    code = formula_arg(node, ctx)
    if not code.startswith('"'):
        return code
    code = code.replace("^", "**")
    # a variable patsy cannot read as Python (Solar.R, yield): Q('Solar.R')
    code = _QUOTABLE.sub(lambda m: f"Q('{m.group(1)}')" if _needs_quote(m.group(1))
                         else m.group(1), code)
    if re.search(r"\b(log|exp|sqrt|log10|log2)\(", code):
        ctx.need_import(NP)
        code = re.sub(r"(?<![\w.])(log|exp|sqrt|log10|log2)\(", r"np.\1(", code)
    return code


def _data_arg(m, call, ctx) -> str:
    if "data" in m:
        return ctx.expr(m["data"])
    # no data: the formula's variables are the script's own (patsy reads the caller's
    # namespace for names missing from data, as R reads the formula's environment)
    return "{}"


def _coded(formula: str, m, call, ctx) -> str:
    """The formula with R's contrasts (:func:`pylme.migrate.rbase.r_formula`) where the
    script may code a factor otherwise than patsy's treatment contrasts: it sets
    ``options(contrasts=)``, ``contrasts<-`` or ``contrasts=``, or has ordered factors
    (R codes them with ``contr.poly``); plain scripts keep the plain formula."""
    recorded = getattr(ctx, "column_contrasts", {})
    data = m.get("data")
    per_frame = data is not None and data.type == "identifier" and data.text in recorded
    if "data" not in m or not (ctx.r_contrasts or "contrasts" in m or per_frame):
        return formula
    if formula.startswith('"') and not re.search(r"[A-Za-z.]", formula.partition("~")[2]):
        return formula  # y ~ 1: no factor to code
    ctx.need_import("from pylme.migrate import rbase")
    extra = ""
    if "contrasts" in m:
        extra = f", {_contrasts_dict(m['contrasts'], ctx)}"
    elif per_frame:
        extra = f", contrasts_{py_name(data.text)}"  # set by contrasts<- above
    return f"rbase.r_formula({formula}, {ctx.expr(data)}{extra})"


def _contrasts_dict(node, ctx) -> str:
    """``contrasts = list(f = "contr.sum", g = contr.helmert)`` -> ``{"f": "contr.sum", ...}``
    (contrasts by name; a contrast matrix is left to a TODO)."""
    if not (node.type == "call" and node.call_name() == "list"):
        return ctx.expr(node)
    items = []
    for a in node.args:
        v = a.value
        name = v.text.strip("\"'") if v is not None and v.type in ("string", "identifier") else ""
        if a.name is None or not name.startswith("contr."):
            ctx.todo(node, "contrasts= other than contrast names (list(f = \"contr.sum\"))")
        items.append(f'"{unquote_name(a.name)}": "{name}"')
    return "{" + ", ".join(items) + "}"


def _check(m, call, ctx, allowed):
    for a in call.args:
        if a.name is not None and a.name not in allowed:
            ctx.todo(call.node, f"argument {a.name}= of {call.name}()")


@register("lm", "aov", returns=_fit_kind)
def lm(call, ctx):
    ctx.need_import(SMF)
    m = call.match(("formula", "data", "subset", "weights", "na.action", "method", "model",
                    "x", "y", "qr", "singular.ok", "contrasts"))
    _check(m, call, ctx, ("formula", "data", "weights", "contrasts"))
    if "subset" in m:
        ctx.todo(call.node, f"subset= in {call.name}()")
    data = _data_arg(m, call, ctx)
    text = ctx.formula_text(m["formula"]) if m["formula"].type == "binary_operator" else ""
    if "Error(" in text:
        return _aov_error(text, data, call, ctx)
    if "weights" in m:
        w = m["weights"]
        weights = f'{data}["{w.text}"]' if w.type == "identifier" and "data" in m else ctx.expr(w)
        return (f"smf.wls({_coded(sm_formula(m['formula'], ctx), m, call, ctx)}, data={data}, "
                f"weights={weights}).fit()")
    return f"smf.ols({_coded(sm_formula(m['formula'], ctx), m, call, ctx)}, data={data}).fit()"


def _aov_error(text: str, data: str, call, ctx) -> str:
    """``aov(y ~ A + Error(S), data)`` (a repeated-measures design, one error stratum per
    subject) -> statsmodels' ``AnovaRM`` (the same F test of the within-subject terms for
    a balanced design)."""
    import re

    match = re.fullmatch(r"\s*(\w+)\s*~\s*(.*?)\s*\+\s*Error\((\w+)\)\s*", text)
    if call.name != "aov" or match is None:
        ctx.todo(call.node, "Error() strata other than y ~ terms + Error(subject)")
    y, terms, subject = match.groups()
    within = [t.strip() for t in re.split(r"[*+]", terms)]
    if any(not t.isidentifier() for t in within):
        ctx.todo(call.node, "Error() strata with interaction or transformed terms")
    ctx.need_import("from statsmodels.stats.anova import AnovaRM")
    return f'AnovaRM({data}, "{y}", "{subject}", within={within!r}).fit()'


def family_code(node, ctx) -> str:
    ctx.need_import(SM)
    if node.type == "string":
        name, link = node.text.strip("\"'"), None
    elif node.type == "identifier":
        name, link = node.text, None
    elif node.type == "call":
        name = node.call_name()
        link_node = node.args[0].value if node.args else None
        link = None if link_node is None else link_node.text.strip("\"'")
    else:
        ctx.todo(node, "family given as an expression")
    if name not in _FAMILIES or (link is not None and link not in _LINKS):
        ctx.todo(node, f"family {node.text}")
    link_code = "" if link is None else f"link=sm.families.links.{_LINKS[link]}()"
    return f"sm.families.{_FAMILIES[name]}({link_code})"


@register("glm", returns=_fit_kind)
def glm(call, ctx):
    ctx.need_import(SMF)
    m = call.match(("formula", "family", "data", "weights", "subset", "na.action", "start",
                    "etastart", "mustart", "offset", "control", "model", "method", "x", "y",
                    "singular.ok", "contrasts"))
    _check(m, call, ctx, ("formula", "family", "data", "weights", "contrasts"))
    fam = family_code(m["family"], ctx) if "family" in m else None
    data = _data_arg(m, call, ctx)
    fitted_data = data
    lhs = m["formula"].field("lhs") if m["formula"].type == "binary_operator" else None
    if fam and "Binomial" in fam and "data" in m and lhs is not None \
            and lhs.type == "identifier":
        # R's binomial reads a factor response as "not the first level"; patsy would
        # make it two columns (successes = the first level): the signs would flip
        ctx.need_import(RGLM)
        fitted_data = f'rglm.binomial_response({data}, "{unquote_name(lhs.text)}")'
    args = [_coded(_glm_formula(m["formula"], ctx), m, call, ctx), f"data={fitted_data}"]
    if fam:
        args.append(f"family={fam}")
    if "weights" in m:
        w = m["weights"]
        args.append(f'var_weights={data}["{w.text}"]' if w.type == "identifier"
                    else f"var_weights={ctx.expr(w)}")
    return f"smf.glm({', '.join(args)}).fit()"


def _glm_formula(node, ctx) -> str:
    """``cbind(k, n - k) ~ x`` -> ``"k + I(n - k) ~ x"``: statsmodels' binomial GLM reads
    a two-column response (successes, failures) as R does."""
    lhs = node.field("lhs") if node.type == "binary_operator" and node.op == "~" else None
    if lhs is None or not (lhs.type == "call" and lhs.call_name() == "cbind"):
        return sm_formula(node, ctx)
    cols = [a.value.text if a.value.type == "identifier" else f"I({a.value.text})"
            for a in lhs.args]
    rhs = ctx.formula_text(node.field("rhs"))
    return f'"{" + ".join(cols)} ~ {rhs}"'.replace("^", "**")


def _is_lm(node, ctx) -> bool:
    return ctx.kind_of(node) in LM_KINDS


def _obj(call):
    return call.arg("object", 0)


def _lm_method(template: str, kinds=LM_KINDS, imports=()):
    def rule(call, ctx):
        o = _obj(call)
        if o is None or ctx.kind_of(o) not in kinds:
            return None
        for imp in imports:
            ctx.need_import(imp)
        return template.format(x=wrap(tx(o, ctx), ATOM))
    return rule


def _lm_vector_kind(call, ctx):
    o = _obj(call)
    return "vector" if o is not None and ctx.kind_of(o) in LM_KINDS else None


# R's names (``(Intercept)``, ``groupb``), not patsy's (``Intercept``, ``group[T.b]``)
register("coef", "coefficients", priority=2, returns=_lm_vector_kind)(_lm_method(
    "rbase.r_names({x}.params, {x})", imports=("from pylme.migrate import rbase",)))
register("fitted", "fitted.values", priority=2)(_lm_method("{x}.fittedvalues", ("lm", "aov")))
register("fitted", "fitted.values", priority=2)(_lm_method("{x}.fittedvalues", ("glm",)))
register("residuals", "resid", priority=2)(_lm_method("{x}.resid", ("lm", "aov")))
register("residuals", "resid", priority=2)(_lm_method("{x}.resid_deviance", ("glm",)))
register("vcov", priority=2)(_lm_method("rlm.vcov_lm({x})", ("lm", "aov"), imports=(RLM,)))
register("vcov", priority=2)(_lm_method("rglm.vcov_glm({x})", ("glm",), imports=(RGLM,)))
register("confint", priority=2)(_lm_method("{x}.conf_int()", ("glm",)))
register("nobs", priority=2)(_lm_method("int({x}.nobs)"))
register("deviance", priority=2)(_lm_method("{x}.ssr", ("lm", "aov")))
register("deviance", priority=2)(_lm_method("{x}.deviance", ("glm",)))
register("sigma", priority=2)(_lm_method("np.sqrt({x}.scale)", imports=(NP,)))
register("logLik", priority=2)(_lm_method("{x}.llf"))
# R's logLik.lm counts sigma: df = p + 1
register("AIC", priority=2)(_lm_method("-2 * {x}.llf + 2 * ({x}.df_model + 2)", ("lm", "aov")))
register("BIC", priority=2)(_lm_method("-2 * {x}.llf + np.log({x}.nobs) * ({x}.df_model + 2)",
                                       ("lm", "aov"), imports=(NP,)))
register("AIC", priority=2)(_lm_method("{x}.aic", ("glm",)))
register("BIC", priority=2)(_lm_method("{x}.bic_llf", ("glm",)))


@register("confint", priority=2)
def confint_lm(call, ctx):
    """``confint(m, level = 0.9)`` of an lm: R's table (``"5 %"``, ``"95 %"`` columns)."""
    o = _obj(call)
    if o is None or ctx.kind_of(o) not in ("lm", "aov"):
        return None
    m = call.match(("object", "parm", "level"))
    if "parm" in m:
        ctx.todo(call.node, "confint(lm, parm=)")
    ctx.need_import(RLM)
    level = f", level={ctx.expr(m['level'])}" if "level" in m else ""
    return f"rlm.confint_lm({ctx.expr(o)}{level})"


@register("summary", priority=2, returns="summary")
def summary_lm(call, ctx):
    """``summary(m)`` of an lm/glm: R's ``summary.lm``/``summary.glm`` object (prints as
    R prints it; ``$coefficients``, ``$r.squared``, ``$sigma`` ... as attributes)."""
    o = _obj(call)
    kind = None if o is None else ctx.kind_of(o)
    if kind not in ("lm", "glm"):
        return None
    module = "rlm" if kind == "lm" else "rglm"
    ctx.need_import(RLM if kind == "lm" else RGLM)
    return f"{module}.summary_{kind}({ctx.expr(o)}{_call_arg(o, ctx)})"


@register("print", priority=5, visible=False)
def print_lm(call, ctx):
    """``print(m)`` of an lm/glm: R's ``print.lm``/``print.glm`` text (call, named
    coefficients; for a glm the degrees of freedom, deviances and AIC)."""
    o = call.arg("x", 0)
    kind = None if o is None else ctx.kind_of(o)
    if kind not in ("lm", "glm"):
        return None
    module = "rlm" if kind == "lm" else "rglm"
    ctx.need_import(RLM if kind == "lm" else RGLM)
    return f"print({module}.print_{kind}({ctx.expr(o)}{_call_arg(o, ctx)}))"


def _summary_of_lm(call, ctx):
    inner = _obj(call)
    return inner is not None and inner.type == "call" and inner.call_name() == "summary" \
        and bool(inner.args) and ctx.kind_of(inner.args[0].value) in ("lm", "glm")


@register("coef", "coefficients", priority=3,
          returns=lambda call, ctx: "df" if _summary_of_lm(call, ctx) else
          _lm_vector_kind(call, ctx))
def coef_summary_lm(call, ctx):
    """``coef(summary(m))`` of an lm/glm: the coefficient table with R's names."""
    if not _summary_of_lm(call, ctx):
        return None
    return f"{wrap(tx(_obj(call), ctx), ATOM)}.coefficients"


def _summary_kind(call, ctx):
    o = _obj(call)
    return "anova" if o is not None and ctx.kind_of(o) == "aov" else "summary"


@register("summary", priority=3, returns=_summary_kind)
def summary_aov(call, ctx):
    o = _obj(call)
    if o is None or ctx.kind_of(o) != "aov":
        return None
    if o.type == "call" and "Error(" in o.text:
        return ctx.expr(o)  # AnovaRM's result prints its table
    ctx.need_import(RLM)  # R's table: term names, Df/Sum Sq/Mean Sq/F value/Pr(>F), print
    return f"rlm.summary_aov({ctx.expr(o)})"


@register("anova", priority=2, returns="anova")
def anova_lm(call, ctx):
    models = [a.value for a in call.args if a.name is None and a.value is not None]
    if not models or not all(_is_lm(m, ctx) for m in models):
        return None
    kinds = [ctx.kind_of(m) == "glm" for m in models]
    if any(kinds):
        if not all(kinds):
            ctx.todo(call.node, "anova() of glm and lm fits together")
        if any(a.name not in (None, "test") for a in call.args):
            ctx.todo(call.node, "anova(glm, dispersion=)")
        ctx.need_import(RGLM)  # R's analysis of deviance table, printed as R prints it
        test = call.arg("test")
        extra = "" if test is None else f", test={ctx.expr(test)}"
        return f"rglm.anova_glm({', '.join(ctx.expr(m) for m in models)}{extra})"
    if any(a.name is not None for a in call.args):
        ctx.todo(call.node, "anova(lm, test=/scale=)")
    ctx.need_import(RLM)  # R's anova.lm / anova.lmlist table, printed as R prints it
    return f"rlm.anova_lm({', '.join(ctx.expr(m) for m in models)})"


@register("predict", priority=2, returns="vector")
def predict_lm(call, ctx):
    o = _obj(call)
    if o is None or not _is_lm(o, ctx):
        return None
    m = call.match(("object", "newdata", "type"))
    args = []
    if "newdata" in m:
        args.append(ctx.expr(m["newdata"]))
    if ctx.kind_of(o) == "glm":
        kind = m["type"].text.strip("\"'") if "type" in m else "link"
        if kind == "link":
            args.append('which="linear"')
    return f"{wrap(tx(o, ctx), ATOM)}.predict({', '.join(args)})"


@register("simulate", priority=2, returns="df")
def simulate_lm(call, ctx):
    o = _obj(call)
    if o is None or ctx.kind_of(o) not in ("lm", "aov"):
        return None
    m = call.match(("object", "nsim", "seed"))
    if "nsim" in m and m["nsim"].text != "1" or "seed" in m:
        ctx.todo(call.node, "simulate(lm) with nsim or seed")
    ctx.need_import("import pandas as pd")
    ctx.need_import(NP)
    ctx.need_import("from pylme import rrandom")
    x = wrap(tx(o, ctx), ATOM)
    # R's simulate.lm: fitted + rnorm(n, sd = sqrt(deviance / df.residual))
    return (f'pd.DataFrame({{"sim_1": np.asarray({x}.fittedvalues) + '
            f"rrandom.rnorm(int({x}.nobs), sd=np.sqrt({x}.scale))}})")


@register("drop1", priority=2, returns="anova")
def drop1_glm(call, ctx):
    o = _obj(call)
    if o is None or ctx.kind_of(o) != "glm":
        return None
    m = call.match(("object", "scope", "scale", "test"))
    if "scope" in m or "scale" in m:
        ctx.todo(call.node, "drop1(scope=, scale=) of a glm")
    ctx.need_import(RGLM)  # R's drop1.glm table, printed as R prints it
    test = f", test={ctx.expr(m['test'])}" if "test" in m else ""
    return f"rglm.drop1_glm({ctx.expr(o)}{test})"
