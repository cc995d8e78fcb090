"""glmer's printed forms, fed with R's numbers, must equal lme4 1.1-31's text exactly.

For each model fitted by tests/data/glmm/print/make_expected.R (the printouts of
glmer_spec.md §4.4 -- cbpp, nAGQ = 25 and 0, probit, grouseticks, VerbAgg, Contraception
with its convergence block, Gamma with Residual rows -- plus weights/control and offset
calls) the printing dataclasses are filled from the stored full-precision values and the
rendered ``print(summary(fit))`` and ``print(fit)`` are compared byte for byte with R's.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from _printing_rdata import dbl, vec

from pylme.printing import (CallInfo, Criteria, FixedEffectsTable, MerModInputs, OptimizerInfo,
                            VarCorrInputs, VarCorrTerm)
from pylme.printing.glmm_layout import (GlmerModInputs, family_line, glmm_method_title,
                                        glmm_print_text, glmm_summary_text, method_title_text,
                                        strwrap)
from pylme.printing.rformat import parse_r_double

DATA = Path(__file__).resolve().parents[2] / "data" / "glmm" / "print"
MODELS = sorted(p.stem for p in DATA.glob("*.json")
                if p.stem != "strwrap" and not p.stem.endswith("_spread"))


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    with open(DATA / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def frozen_text(path: Path) -> str:
    """A frozen printout without its ``## `` header (ended by ``## ----``)."""
    raw = path.read_bytes().decode("utf-8")
    head, sep, body = raw.partition("## ----\n")
    assert sep and all(line.startswith("## ") for line in head.splitlines())
    return body


def assert_same_text(got: str, expected: str) -> None:
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                            "R", "pylme"))
        pytest.fail("printed text differs from R:\n" + diff + f"\nR: {expected!r}\npylme: {got!r}")


def _lines(x):
    return None if x is None else tuple(vec(x))


def glmer_inputs(rec: dict) -> GlmerModInputs:
    """The printing inputs from one R record, as pylme.results.glmer_text fills them."""
    aic = {k: parse_r_double(v) for k, v in rec["aictab"].items()}
    criteria = Criteria(reml=False, aic=aic["AIC"], bic=aic["BIC"], loglik=aic["logLik"],
                        deviance=aic["deviance"], df_resid=aic["df.resid"])
    terms = []
    for t in rec["varcorr"]:
        sd = dbl(t["stddev"])
        k = len(sd)
        terms.append(VarCorrTerm(t["group"], tuple(vec(t["names"])), sd,
                                 np.array(dbl(t["correlation"])).reshape(k, k, order="F")))
    names = tuple(vec(rec["fixef_names"]))
    p = len(names)
    corr = None
    if rec.get("fixef_correlation") is not None:
        corr = np.array(dbl(rec["fixef_correlation"])).reshape(p, p, order="F")
    call = rec["call"]
    ngrps = tuple((n, rec["ngrps"][n]) for n in vec(rec["ngrps_names"]))
    model = MerModInputs(
        call=CallInfo(tuple(vec(call["formula"])), _lines(call.get("data")),
                      _lines(call.get("weights")), _lines(call.get("offset")),
                      _lines(call.get("control")), _lines(call.get("subset"))),
        criteria=criteria,
        varcorr=VarCorrInputs(tuple(terms),
                              parse_r_double(rec["sigma"]) if rec["use_scale"] else None),
        nobs=int(rec["nobs"]), ngrps=ngrps,
        fixef=FixedEffectsTable(names, dbl(rec["fixef"]), dbl(rec["std_error"]), corr),
        optinfo=OptimizerInfo(rec["optimizer"], int(rec["conv_opt"]), rec.get("conv_message"),
                              tuple(vec(rec["lme4_messages"])),
                              tuple(vec(rec["optimizer_warnings"]))),
        # the 5 type-7 quantiles of 5 points are the points: R's quantiles stand in for the
        # residuals themselves
        scaled_residuals=dbl(rec["scaled_residual_quantiles"]),
        fit_messages=tuple(vec(rec["fit_msgs"])),
        class_name="glmerMod")
    return GlmerModInputs(model, rec["family"], rec["link"], int(rec["n_agq"]),
                          dbl(rec["p_value"]))


def test_fixture_set_covers_the_spec_printouts():
    assert {"cbpp", "cbpp_agq25", "cbpp_agq0", "cbpp_probit", "grouseticks", "verbagg",
            "contraception", "gamma", "cbpp_weights_control", "cbpp_poisson_offset"} <= set(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_frozen_texts_agree(name):
    """The .txt printouts (read by the integration tests) are the JSON records' texts."""
    rec = load(name)
    assert frozen_text(DATA / f"{name}_summary.txt") == rec["printed"]["summary"]
    assert frozen_text(DATA / f"{name}_print.txt") == rec["printed"]["print"]


@pytest.mark.parametrize("name", MODELS)
def test_summary(name):
    rec = load(name)
    out = glmm_summary_text(glmer_inputs(rec))
    assert_same_text(out.text, rec["printed"]["summary"])
    assert out.messages == ()
    assert out.shown == out.text


@pytest.mark.parametrize("name", MODELS)
def test_print(name):
    rec = load(name)
    assert_same_text(glmm_print_text(glmer_inputs(rec)), rec["printed"]["print"])


def test_contraception_convergence_block():
    """lme4's two messages follow the optimizer line, then one empty line (summary); print()
    counts them on one line with a trailing blank."""
    g = glmer_inputs(load("contraception"))
    tail = glmm_summary_text(g).text.split("livch3+  -0.764 -0.698  0.320  0.102  0.565  0.651\n")[1]
    assert tail == ("optimizer (Nelder_Mead) convergence code: 0 (OK)\n"
                    "Model failed to converge with max|grad| = 0.00253327 (tol = 0.002, component 1)\n"
                    "Model is nearly unidentifiable: very large eigenvalue\n"
                    " - Rescale variables?\n\n")
    assert glmm_print_text(g).endswith(
        "optimizer (Nelder_Mead) convergence code: 0 (OK) ; 0 optimizer warnings; 2 lme4 warnings \n")


def test_gamma_has_residual_rows_and_t_value():
    g = glmer_inputs(load("gamma"))
    assert g.use_sc
    summary = glmm_summary_text(g).text
    assert " Residual             0.59340  0.7703  \n" in summary
    assert "Estimate Std. Error t value Pr(>|z|)" in summary
    assert " Residual             0.7703  \n" in glmm_print_text(g)
    binomial = glmer_inputs(load("cbpp"))
    assert not binomial.use_sc and "Residual" not in glmm_summary_text(binomial).text


# --- the title, family and call lines ---------------------------------------------------------

STRWRAP = json.loads((DATA / "strwrap.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", STRWRAP["strwrap"], ids=lambda c: repr(c["x"][:20]))
def test_strwrap_matches_r(case):
    assert strwrap(case["x"], case["width"], exdent=case["exdent"]) == vec(case["result"])


@pytest.mark.parametrize("case", STRWRAP["titles"], ids=lambda c: c["class"] + c["title"][:12])
def test_method_title_matches_r(case):
    assert method_title_text(case["title"], case["class"]) == case["text"]


@pytest.mark.parametrize("n_agq, tail", [
    (1, "(Laplace Approximation)"),
    (0, "(Adaptive Gauss-Hermite Quadrature, nAGQ = 0)"),
    (9, "(Adaptive Gauss-Hermite Quadrature, nAGQ = 9)")])
def test_glmm_method_title(n_agq, tail):
    assert glmm_method_title(n_agq) == "Generalized linear mixed model fit by maximum likelihood " + tail


def test_family_line():
    assert family_line("binomial", "logit") == " Family: binomial  ( logit )\n"
    assert family_line("Gamma", "inverse") == " Family: Gamma  ( inverse )\n"
    assert family_line("poisson", None) == " Family: poisson\n"


def test_subset_and_default_control_lines():
    """``.prt.call``: summary shows Control unless it deparses to ``lmerControl()`` (so an
    explicit ``glmerControl()`` shows), print() never; Subset comes last."""
    g = glmer_inputs(load("cbpp"))
    call = dataclasses.replace(g.model.call, control=("glmerControl()",), subset=("size > 2",))
    g = dataclasses.replace(g, model=dataclasses.replace(g.model, call=call))
    head = "   Data: cbpp\nControl: glmerControl()\n Subset: size > 2\n\n     AIC"
    assert head in glmm_summary_text(g).text
    assert "   Data: cbpp\n Subset: size > 2\n     AIC" in glmm_print_text(g)
    lmer_default = dataclasses.replace(call, control=("lmerControl()",))
    g2 = dataclasses.replace(g, model=dataclasses.replace(g.model, call=lmer_default))
    assert "Control:" not in glmm_summary_text(g2).text


# --- the fixed-effects block -------------------------------------------------------------------

def test_no_stars_without_small_p_values():
    """printCoefmat shows stars and their legend only when some p-value is below 0.1 (R:
    ``s <- summary(gm1); s$coefficients[, 4] <- c(.5, .2, .7, .11); print(s)``)."""
    g = glmer_inputs(load("cbpp"))
    g = dataclasses.replace(g, p_values=[0.5, 0.2, 0.7, 0.11])
    text = glmm_summary_text(g).text
    assert "Signif. codes" not in text and "---" not in text
    assert ("            Estimate Std. Error z value Pr(>|z|)\n"
            "(Intercept)  -1.3983     0.2312  -6.048     0.50\n"
            "period2      -0.9919     0.3032  -3.272     0.20\n"
            "period3      -1.1282     0.3228  -3.495     0.70\n"
            "period4      -1.5797     0.4220  -3.743     0.11\n\nCorrelation") in text


def test_correlation_false_and_no_residuals():
    g = glmer_inputs(load("grouseticks"))
    text = glmm_summary_text(g, correlation=False, show_resids=False).text
    assert "Correlation of Fixed Effects" not in text and "Scaled residuals" not in text
    assert text.endswith("---\nSignif. codes:  0 \u2018***\u2019 0.001 \u2018**\u2019 0.01 "
                         "\u2018*\u2019 0.05 \u2018.\u2019 0.1 \u2018 \u2019 1\n")


def test_more_than_12_coefficients_gives_lme4_note():
    g = glmer_inputs(load("cbpp"))
    p = 13
    fixef = FixedEffectsTable(tuple(f"x{i}" for i in range(p)), np.linspace(-1, 1, p),
                              np.full(p, 0.25))
    g = dataclasses.replace(g, model=dataclasses.replace(g.model, fixef=fixef),
                            p_values=np.full(p, 0.5))
    out = glmm_summary_text(g, object_name="summary(gm)")
    assert out.messages == ("\nCorrelation matrix not shown by default, as p = 13 > 12.\n"
                            "Use print(summary(gm), correlation=TRUE)  or\n"
                            "    vcov(summary(gm))        if you need it\n\n",)
    assert "Correlation of Fixed Effects" not in out.text
    assert out.console.index("Correlation matrix") > out.console.index("x12")


def test_summary_needs_p_values():
    g = dataclasses.replace(glmer_inputs(load("cbpp")), p_values=None)
    with pytest.raises(ValueError, match="p_values"):
        glmm_summary_text(g)
    assert glmm_print_text(g) == load("cbpp")["printed"]["print"]  # print() shows no tests
    g = glmer_inputs(load("cbpp"))
    g = dataclasses.replace(g, model=dataclasses.replace(g.model, scaled_residuals=None))
    with pytest.raises(ValueError, match="scaled_residuals"):
        glmm_summary_text(g)
    assert "Scaled residuals" not in glmm_summary_text(g, show_resids=False).text


def test_no_fixed_effects():
    g = glmer_inputs(load("cbpp"))
    fixef = FixedEffectsTable((), [], [])
    g = dataclasses.replace(g, model=dataclasses.replace(g.model, fixef=fixef), p_values=[])
    assert "No fixed effect coefficients\n" in glmm_print_text(g)
    text = glmm_summary_text(g).text
    assert text.endswith("Number of obs: 56, groups:  herd, 15\n")


def test_singular_fit_and_optimizer_failure_blocks():
    g = glmer_inputs(load("cbpp"))
    opt = OptimizerInfo("bobyqa", 1, "maximum number of function evaluations exceeded",
                        ("boundary (singular) fit: see help('isSingular')",), ("a warning",))
    g = dataclasses.replace(g, model=dataclasses.replace(g.model, optinfo=opt))
    assert glmm_summary_text(g).text.endswith(
        "optimizer (bobyqa) convergence code: 1 (maximum number of function evaluations exceeded)\n"
        "boundary (singular) fit: see help('isSingular')\na warning\n\n")
    assert glmm_print_text(g).endswith(
        "optimizer (bobyqa) convergence code: 1 (maximum number of function evaluations "
        "exceeded) ; 1 optimizer warnings; 1 lme4 warnings \n")
