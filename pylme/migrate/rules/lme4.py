"""lme4 / lmerTest -> pylme: ``lmer``, ``glmer``, ``update``, ``refit`` and the merMod
methods (``summary``, ``fixef``, ``ranef``, ``VarCorr``, ``anova``, ``confint``, ...).

Formulas are passed as strings (the formula's R text).  ``data_name`` carries the R
name of the data so ``print(fit.summary())`` shows lme4's ``Data:`` line.  Under
``library(lmerTest)`` (or ``lmerTest::lmer``) ``summary``/``anova`` use lmerTest's
Satterthwaite tests (``ddf="Satterthwaite"``).  In a script that calls
``set.seed``, ``simulate``/``bootMer``/``confint(method = "boot")`` draw from R's
streams (``rng="R"``), so their numbers equal R's draw for draw.
"""

from __future__ import annotations

import json

from ..expressions import ATOM, translate_expr, tx, wrap
from ..names import py_kwarg, py_name
from ..parse import Arg
from . import register

PYLME = "import pylme"
MODEL_KINDS = ("lmer", "glmer", "lmerTest")
_FORMALS = ("formula", "data", "REML", "control", "start", "verbose", "subset", "weights",
            "na.action", "offset", "contrasts", "devFunOnly")
_GLMER_FORMALS = ("formula", "data", "family", "control", "start", "verbose", "nAGQ",
                  "subset", "weights", "na.action", "offset", "contrasts", "mustart",
                  "etastart", "devFunOnly")
_RENAME = {"na.action": "na_action", "re.form": "re_form", "use.u": "use_u",
           "optCtrl": "opt_ctrl", "boot.type": "boot_type", "model.names": "model_names",
           "allow.new.levels": "allow_new_levels", "FUN": "func", "REML": "REML",
           "nAGQ": "nAGQ", "parallel": None, "ncpus": None, ".progress": None,
           "PBargs": None, "oldNames": "oldNames", "condVar": "condVar"}


def formula_arg(node, ctx) -> str:
    """A formula argument: its R text as a string literal (a variable stays a name)."""
    if node.type in ("binary_operator", "unary_operator") and node.op == "~":
        return '"' + ctx.formula_text(node).replace('"', '\\"') + '"'
    return ctx.expr(node)


def formula_variables(node) -> list[str]:
    """Variable names a formula uses (not the names of the functions it calls)."""
    fn_ids = {id(n.field("function")) for n in node.walk() if n.type == "call"}
    out = []
    for n in node.walk():
        if n.type == "identifier" and id(n) not in fn_ids and n.text not in out:
            out.append(n.text)
    return out


def with_script_variables(data_code: str, formula, ctx) -> str:
    """``lmer(y ~ 1 + (1 | g), df)`` with ``y`` a vector of the script: R finds ``y`` in
    the formula's environment; pylme reads variables from the data, so they are added
    (``df.assign(y=y)``).  Names the script assigns that are data frames, functions or
    fits are not variables of the formula."""
    if not (formula.type == "binary_operator" and formula.op == "~"):
        return data_code
    names = [n for n in formula_variables(formula) if ctx.is_defined(n)
             and ctx.lookup_kind(n) not in ("df", "function", "lmer", "glmer", "lmerTest", "lm")
             and n not in ctx.functions and n.isidentifier() and "." not in n]
    if not names:
        return data_code
    assigned = ", ".join(f"{n}={py_name(n)}" for n in names)
    return f"{data_code}.assign({assigned})"


def _column_arg(node, ctx, what: str) -> str:
    """``weights = w`` names a column of the data: pylme takes the name."""
    if node.type == "identifier":
        return f'"{node.text}"'
    ctx.todo(node, f"{what} given as an expression (pylme takes a column name or values)")


def uses_lmertest(call, ctx) -> bool:
    return call.package == "lmerTest" or getattr(ctx, "lmertest", False)


def _fit_args(call, ctx, formals) -> list[str]:
    m = call.match(formals)
    if "subset" in m:
        ctx.todo(m["subset"], "subset= in a model call (subset the data first)")
    for bad in ("devFunOnly", "mustart", "etastart"):
        if bad in m:
            ctx.todo(m[bad], f"{bad}= has no pylme counterpart")
    extra = [a for a in call.args if a.name is not None and a.name not in formals]
    if extra:
        ctx.todo(call.node, f"argument {extra[0].name}= of {call.name}()")
    out = [formula_arg(m["formula"], ctx)]
    if "data" in m:
        out.append(with_script_variables(ctx.expr(m["data"]), m["formula"], ctx))
    for name in formals[2:]:
        if name not in m or name in ("data",):
            continue
        node = m[name]
        if name in ("weights", "offset"):
            out.append(f"{name}={_column_arg(node, ctx, name)}")
        elif name == "family":
            out.append(f"family={family_arg(node, ctx)}")
        elif name == "na.action":
            out.append(f'na_action="{node.text.strip(chr(34)).replace("na.", "")}"')
        else:
            out.append(f"{_RENAME.get(name, py_kwarg(name))}={ctx.expr(node)}")
    data = m.get("data")
    recorded = getattr(ctx, "column_contrasts", {})
    if data is not None and data.type == "identifier" and data.text in recorded \
            and "contrasts" not in m:
        out.append(f"contrasts=contrasts_{py_name(data.text)}")  # set by contrasts<- above
    if "data" in m:
        # lme4 prints the data argument's deparsed text on summary's "Data:" line
        data_text = m["data"].deparse or ctx.formula_text(m["data"])
        out.append(f"data_name={json.dumps(data_text)}")
    return out


def _lmer_kind(call, ctx) -> str:
    return "lmerTest" if uses_lmertest(call, ctx) else "lmer"


@register("lmer", returns=_lmer_kind)
def lmer(call, ctx):
    if call.package not in (None, "lme4", "lmerTest"):
        return None
    ctx.need_import(PYLME)
    return f"pylme.lmer({', '.join(_fit_args(call, ctx, _FORMALS))})"


@register("glmer", returns="glmer")
def glmer(call, ctx):
    ctx.need_import(PYLME)
    return f"pylme.glmer({', '.join(_fit_args(call, ctx, _GLMER_FORMALS))})"


def family_arg(node, ctx) -> str:
    """``binomial``, ``binomial()``, ``"binomial"``, ``binomial(link = "probit")``."""
    if node.type == "string":
        return node.text
    if node.type == "identifier":
        return f'"{node.text}"'
    if node.type == "call":
        name = node.call_name()
        if not node.args:
            return f'"{name}"'
        ctx.need_import(PYLME)
        args = ", ".join((f"link={ctx.expr(a.value)}" if a.name in (None, "link") else
                          f"{py_kwarg(a.name)}={ctx.expr(a.value)}") for a in node.args)
        return f"pylme.families.{name}({args})"
    return ctx.expr(node)


@register("lmerControl", "glmerControl")
def lmer_control(call, ctx):
    ctx.need_import(PYLME)
    cls = "LmerControl" if call.name == "lmerControl" else "GlmerControl"
    args = []
    for a in call.args:
        if a.name is None:
            ctx.todo(call.node, f"unnamed argument of {call.name}()")
        args.append(f"{_RENAME.get(a.name) or a.name.replace('.', '_')}={ctx.expr(a.value)}")
    return f"pylme.{cls}({', '.join(args)})"


def _model_of(call, ctx):
    obj = call.arg("object", 0)
    if obj is None:
        obj = call.arg("x", 0)
    return obj


def _is_model(node, ctx, allow_unknown=True) -> bool:
    kind = ctx.kind_of(node)
    return kind in MODEL_KINDS or (allow_unknown and kind is None)


def _rest(call, ctx, obj, *, seeded_rng=False) -> str:
    out = []
    for a in call.args:
        if a.value is None or a.value is obj:
            continue
        if a.name is None:
            out.append(_value(a.value, ctx))
            continue
        name = _RENAME.get(a.name, py_kwarg(a.name))
        if name is None:
            continue  # parallel= / ncpus=: how R schedules, not what it computes
        out.append(f"{name}={_value(a.value, ctx)}")
    if seeded_rng and ctx.seeded:
        out.append('rng="R"')
    return ", ".join(out)


def _value(node, ctx) -> str:
    if node.type in ("binary_operator", "unary_operator") and node.op == "~":
        return formula_arg(node, ctx)
    return function_value(node, ctx)


def method_rule(pyname: str, *, returns=None, seeded_rng=False, kinds=MODEL_KINDS,
                summary_like=False):
    def rule(call, ctx):
        obj = _model_of(call, ctx)
        if obj is None or not (ctx.kind_of(obj) in kinds or ctx.kind_of(obj) is None):
            return None
        args = _rest(call, ctx, obj, seeded_rng=seeded_rng and _boot_method(call, pyname))
        data = call.arg("data")
        if pyname == "update" and data is not None:
            # the refit's summary prints the new data argument's text on "Data:", as lme4
            args = f"{args}, data_name={json.dumps(data.deparse or ctx.formula_text(data))}"
        if summary_like and ctx.kind_of(obj) == "lmerTest" and "ddf" not in args:
            args = ", ".join(x for x in (args, 'ddf="Satterthwaite"') if x)
        return f"{wrap(tx(obj, ctx), ATOM)}.{pyname}({args})"
    return rule


def _boot_method(call, pyname) -> bool:
    if pyname != "confint":
        return True
    method = call.arg("method", 2)
    return method is not None and method.text.strip("\"'") == "boot"


_METHODS = {
    "summary": "summary", "fixef": "fixef", "fixed.effects": "fixef", "ranef": "ranef",
    "random.effects": "ranef", "VarCorr": "VarCorr", "coef": "coef", "predict": "predict",
    "AIC": "AIC", "BIC": "BIC", "logLik": "logLik", "deviance": "deviance",
    "fitted": "fitted", "fitted.values": "fitted", "residuals": "residuals", "resid": "residuals",
    "sigma": "sigma", "nobs": "nobs", "getME": "getME", "vcov": "vcov", "ngrps": "ngrps",
    "REMLcrit": "REMLcrit", "drop1": "drop1", "profile": "profile", "refitML": "refit_ml",
    "isSingular": "isSingular", "df.residual": "df_residual",
}
_PROPERTIES = {"sigma", "nobs", "df_residual"}

for _r, _py in _METHODS.items():
    if _py in _PROPERTIES:
        continue
    register(_r, returns="summary" if _r == "summary" else None)(
        method_rule(_py, summary_like=(_r == "summary")))
register("confint")(method_rule("confint", seeded_rng=True, kinds=MODEL_KINDS + ("profile",)))
register("simulate", returns="df")(method_rule("simulate", seeded_rng=True))
register("update", returns="same")(method_rule("update"))
register("refit", returns="same")(method_rule("refit"))


@register("sigma", "nobs", "df.residual")
def model_property(call, ctx):
    obj = _model_of(call, ctx)
    if not _is_model(obj, ctx):
        return None
    return f"{wrap(tx(obj, ctx), ATOM)}.{_METHODS[call.name]}"


@register("anova", returns="anova")
def anova(call, ctx):
    models = [a.value for a in call.args if a.name is None and a.value is not None]
    if not models or not all(ctx.kind_of(m) in MODEL_KINDS + (None, "lm", "glm") for m in models):
        return None
    if ctx.kind_of(models[0]) in ("lm", "glm") and len(models) == 1:
        return None
    options = [a for a in call.args if a.name is not None]
    opts = [f"{_RENAME.get(a.name, py_kwarg(a.name))}={ctx.expr(a.value)}" for a in options]
    if len(models) == 1:
        if ctx.kind_of(models[0]) == "lmerTest" and not any(a.name == "ddf" for a in options):
            opts.append('ddf="Satterthwaite"')
        return f"{wrap(tx(models[0], ctx), ATOM)}.anova({', '.join(opts)})"
    ctx.need_import(PYLME)
    names = [m.text for m in models]
    parts = [translate_expr(m, ctx) for m in models]
    # R labels the rows with the arguments' text; pylme's default is m1, m2, ...
    if names != [f"m{i + 1}" for i in range(len(names))] and not any(
            a.name in ("model.names", "names") for a in options):
        opts.append(f"model_names={names!r}")
    return f"pylme.anova({', '.join(parts + opts)})"


@register("bootMer", returns="boot")
def boot_mer(call, ctx):
    ctx.need_import(PYLME)
    m = call.match(("x", "FUN", "nsim", "seed", "use.u", "re.form", "type", "verbose",
                    ".progress", "PBargs", "parallel", "ncpus", "cl"))
    out = [ctx.expr(m["x"]), function_value(m["FUN"], ctx)]
    for name in ("nsim", "seed", "use.u", "re.form", "type"):
        if name in m:
            out.append(f"{_RENAME.get(name, py_kwarg(name))}={_value(m[name], ctx)}")
    if ctx.seeded:
        out.append('rng="R"')
    return f"pylme.bootMer({', '.join(out)})"


def function_value(node, ctx) -> str:
    """A function passed as a value; ``fixef`` (a merMod method) -> ``lambda fit: fit.fixef()``."""
    if node.type == "identifier" and node.text not in ctx.functions and \
            ctx.lookup_kind(node.text) is None and node.text in _METHODS:
        py = _METHODS[node.text]
        return f"lambda fit: fit.{py}" if py in _PROPERTIES else f"lambda fit: fit.{py}()"
    return ctx.expr(node)


@register("isSingular")
def is_singular(call, ctx):
    obj = _model_of(call, ctx)
    args = _rest(call, ctx, obj)
    return f"{wrap(tx(obj, ctx), ATOM)}.isSingular({args})"


del Arg


def _coef_kind(call, ctx):
    """The kind of ``coef(x)`` (this rule outranks the lm one, so it answers for both):
    the coefficient table of ``coef(summary(merMod))``, the named vector of an lm's."""
    obj = call.arg("object", 0)
    if obj is None:
        return None
    if obj.type == "call" and obj.call_name() == "summary":
        return "df" if obj.args and _is_model(obj.args[0].value, ctx, allow_unknown=False) \
            else None
    return "vector" if ctx.kind_of(obj) in ("lm", "glm", "aov") else None


@register("coef", "coefficients", priority=4, returns=_coef_kind)
def summary_coefficients(call, ctx):
    """``coef(summary(m))`` of a mixed model -> ``m.summary().coefficients``: the fixed-effects
    table lme4 (or lmerTest, with its df and p-values) prints, as a DataFrame."""
    inner = _model_of(call, ctx)
    if inner is None or inner.type != "call" or inner.call_name() != "summary":
        return None
    model = inner.args[0].value if inner.args else None
    if model is None or not _is_model(model, ctx, allow_unknown=False):
        return None
    return f"{wrap(tx(inner, ctx), ATOM)}.coefficients"
