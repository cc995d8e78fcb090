"""``anova``/``drop1`` of glmer fits against lme4 1.1-31, R-free.

The R values are frozen in ``tests/data/glmm/inference/expected.json`` by
``tests/data/glmm/inference/make_expected.R`` (every record names its R expression).
lme4 runs the same ``anova.merMod``/``drop1.merMod`` for glmer fits as for lmer fits:
no refitting, log-likelihoods on each fit's own scale, σ = 1 in the sequential table,
``drop1`` re-running glmer without each term.  Numbers are compared to 1e-6 relative
(the fits reproduce lme4's optima to ~1e-12), printed texts byte for byte.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.datasets import load
from pylme.errors import ArgumentError, DataError, PylmeMessage, PylmeWarning
from pylme.glmm.fit import glmer

DATA = Path(__file__).resolve().parents[1] / "data" / "glmm" / "inference" / "expected.json"
CBPP_FORMULA = "cbind(incidence, size - incidence) ~ period + (1 | herd)"
RTOL = 1e-6


@lru_cache(maxsize=1)
def expected() -> dict:
    return json.loads(DATA.read_text())


@lru_cache(maxsize=None)
def fit(name: str):
    """The models of make_expected.R, fitted quietly (their warnings are not under test here)."""
    cbpp = load("cbpp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "gm1":
            return glmer(CBPP_FORMULA, cbpp, family="binomial", data_name="cbpp")
        if name == "gm0":
            return glmer("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", cbpp, family="binomial",
                         data_name="cbpp")
        if name == "gm25":
            return glmer(CBPP_FORMULA, cbpp, family="binomial", nAGQ=25, data_name="cbpp")
        if name == "lm1":
            return pylme.lmer("incidence/size ~ period + (1 | herd)", cbpp, REML=False, data_name="cbpp")
        if name == "lm1r":
            return pylme.lmer("incidence/size ~ period + (1 | herd)", cbpp, data_name="cbpp")
        if name == "gt2":
            return glmer("TICKS ~ cHEIGHT + (1 | LOCATION)", load("grouseticks"), family="poisson",
                         data_name="grouseticks")
    raise KeyError(name)


def r_table(rec: dict) -> pd.DataFrame:
    values = {c: [np.nan if v is None else float(v) for v in np.atleast_1d(rec["values"][c])]
              for c in rec["columns"]}
    return pd.DataFrame(values, index=list(np.atleast_1d(rec["rows"])), columns=rec["columns"])


def assert_table(result, rec: dict) -> None:
    r = r_table(rec)
    assert list(result.index) == list(r.index)
    assert list(result.columns) == list(r.columns)
    np.testing.assert_allclose(result.table.to_numpy(float), r.to_numpy(float), rtol=RTOL, equal_nan=True)
    assert result.text == rec["text"] + "\n"


def test_reference_has_provenance():
    ref = expected()
    assert ref["versions"]["lme4"] == "1.1.31"
    assert ref["versions"]["R"].startswith("R version 4.2.2")
    for group in ("anova", "drop1", "confint", "profile", "errors"):
        for rec in ref[group].values():
            assert rec["r_expr"]


@pytest.mark.parametrize("name", ["gm1", "gm0", "gt2"])
def test_fits_are_lme4s(name):
    """The comparisons below rest on the fits matching lme4's optima."""
    rec = expected()["fits"][name]
    m = fit(name)
    np.testing.assert_allclose(m.theta, np.atleast_1d(np.asarray(rec["theta"], float)), rtol=1e-7)
    np.testing.assert_allclose(m.beta, np.atleast_1d(np.asarray(rec["beta"], float)), rtol=1e-7)
    np.testing.assert_allclose(-2 * float(m.logLik()), float(rec["dev"]), rtol=1e-10)


# ---------------------------------------------------------------------------- model comparison
def test_anova_two_glmer_fits():
    result = pylme.anova(fit("gm0"), fit("gm1"), names=["gm0", "gm1"])
    assert_table(result, expected()["anova"]["cbpp"])
    assert result.heading == tuple(expected()["anova"]["cbpp"]["heading"])
    assert [m is fit(k) for m, k in zip(result.models, ("gm0", "gm1"))] == [True, True]  # never refitted


def test_anova_orders_by_npar():
    result = fit("gm1").anova(fit("gm0"), names=["gm1", "gm0"])
    assert_table(result, expected()["anova"]["cbpp_reversed"])


def test_anova_deviance_column_is_minus_two_loglik_not_deviance():
    """Trap 2: the table's deviance is −2ℓ (184.05), not deviance() (73.47)."""
    result = pylme.anova(fit("gm0"), fit("gm1"), names=["gm0", "gm1"])
    assert result["deviance"]["gm1"] == pytest.approx(-2 * float(fit("gm1").logLik()), rel=1e-14)
    assert fit("gm1").deviance() == pytest.approx(73.4742835742572, rel=1e-8)


def test_anova_glmer_with_ml_lmer_fit():
    result = fit("gm1").anova(fit("lm1"), names=["gm1", "lm1"])
    assert_table(result, expected()["anova"]["mixed_ml"])


def test_anova_glmer_with_reml_lmer_fit_refits_the_lmer_fit_only():
    rec = expected()["anova"]["mixed_reml"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit("gm1").anova(fit("lm1r"), names=["gm1", "lm1r"])
    messages = [str(w.message) for w in caught if issubclass(w.category, PylmeMessage)]
    assert messages == [rec["message"].rstrip("\n")]
    assert_table(result, rec)
    assert result.models[0] is fit("gm1")


def test_anova_laplace_and_quadrature_fits_compared_silently():
    """lme4 compares nAGQ = 1 and nAGQ = 25 fits although their scales differ (trap 1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fit("gm1").anova(fit("gm25"), names=["gm1", "gm25"])
    assert_table(result, expected()["anova"]["agq"])


def test_anova_refuses_non_models():
    with pytest.raises(ArgumentError, match=r"argument 2 is a int: 3 \(glmer fits, GlmerFit, and statsmodels OLS/WLS/GLM results are compared too\)"):
        pylme.anova(fit("gm1"), 3)


# ---------------------------------------------------------------------------- one model
@pytest.mark.parametrize("model, key", [("gm1", "single"), ("gm0", "single_null"), ("gt2", "poisson_single")])
def test_sequential_table_has_unit_sigma(model, key):
    rec = expected()["anova"][key]
    result = fit(model).anova()
    if rec["rows"]:
        assert_table(result, rec)
    else:  # intercept only: R's empty table
        assert len(result) == 0 and result.text == rec["text"] + "\n"
    assert result.heading == ("Analysis of Variance Table",)


def test_sequential_table_ignores_ddf_with_lme4s_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = pylme.anova(fit("gm1"), ddf="Satterthwaite")
    assert [str(w.message) for w in caught if issubclass(w.category, PylmeWarning)] == \
        [expected()["messages"]["anova_ddf"]["text"]]
    assert_table(result, expected()["anova"]["single"])


# ---------------------------------------------------------------------------- drop1
@pytest.mark.parametrize("model, key, test", [("gm1", "chisq", "Chisq"), ("gm1", "none", None),
                                              ("gt2", "poisson", "Chisq")])
def test_drop1_refits_glmer(model, key, test):
    rec = expected()["drop1"][key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fit(model).drop1(test=test)
    assert_table(result, rec)
    assert result.heading == tuple(rec["heading"])


def test_drop1_reduced_fit_is_glmer_without_the_term():
    """The reduced model of drop1 is lme4's gm0 (same −2ℓ as the separate fit)."""
    from pylme.inference.glmm_reduced import glmm_fit_without_term, glmm_formula_without

    assert glmm_formula_without(fit("gm1"), "period") == "cbind(incidence, size - incidence) ~ 1 + (1 | herd)"
    reduced = glmm_fit_without_term(fit("gm1"), "period")
    assert float(reduced.logLik()) == pytest.approx(float(fit("gm0").logLik()), rel=1e-12)
    assert reduced.family == fit("gm1").family


def test_drop1_keeps_offset_terms_and_no_intercept():
    from pylme.inference.glmm_reduced import glmm_formula_without

    cbpp = load("cbpp").assign(lsize=lambda d: np.log(d["size"].astype(float)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = glmer("incidence ~ 0 + period + offset(lsize) + (1 | herd)", cbpp, family="poisson")
    assert glmm_formula_without(m, "period") == "incidence ~ 0 + offset(lsize) + (1 | herd)"


def test_drop1_stops_when_rows_change():
    cbpp = load("cbpp")
    k = np.arange(1, len(cbpp) + 1)
    cbpp_na = cbpp.assign(x=np.where(k <= 3, np.nan, k % 7))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = glmer("cbind(incidence, size - incidence) ~ period + x + (1 | herd)", cbpp_na, family="binomial")
        with pytest.raises(DataError) as err:
            m.drop1()
    assert str(err.value) == expected()["errors"]["drop1_rows"]["text"]
