"""``anova()`` and ``drop1()`` against lme4 1.1-31 / lmerTest 3.1-3 (stored reference, no R).

* model comparisons (lme4 ``anovaLmer``): tables and printed text, the issue's anchors
  (sleepstudy ``anova(m2, m1)``: χ² 0.0639 on 1 df, p 0.8004; Penicillin ML: χ² 279.44);
* one model: lme4's sequential F table and lmerTest's type I/II/III tables
  (Satterthwaite and Kenward-Roger) with their hypothesis matrices;
* ``drop1``: AIC of ML refits, likelihood-ratio tests.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import anova_ddf_reference as R
import pylme
from pylme.errors import DataError, PylmeWarning
from pylme.inference import contrasts as C
from pylme.inference.anova import anova, drop1

MODELS = R.model_ids()
REML_MODELS = R.kr_model_ids()
COMPARISONS = sorted(R.reference()["comparisons"])


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def assert_table(mine: pd.DataFrame, theirs: pd.DataFrame, rtol: float, atol: float = 0.0) -> None:
    """Same rows, columns, NA pattern, and values within tolerance."""
    assert list(mine.index) == list(theirs.index)
    assert list(mine.columns) == list(theirs.columns)
    a, b = mine.to_numpy(dtype=float), theirs.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(b)
    np.testing.assert_allclose(a[ok], b[ok], rtol=rtol, atol=atol)


# ------------------------------------------------------------------ model comparisons


_comparison = R.comparison


@pytest.mark.parametrize("comp_id", COMPARISONS)
def test_model_comparison(comp_id):
    comp = R.reference()["comparisons"][comp_id]
    result, messages = _comparison(comp_id)
    expected = R.frame(comp["anova"])
    assert_table(result.table[["npar", "Df"]], expected[["npar", "Df"]], rtol=0)
    assert_table(result.table[["AIC", "BIC", "logLik", "deviance"]],
                 expected[["AIC", "BIC", "logLik", "deviance"]], rtol=1e-8)
    assert_table(result.table[["Chisq"]], expected[["Chisq"]], rtol=1e-4, atol=2e-6)
    assert_table(result.table[["Pr(>Chisq)"]], expected[["Pr(>Chisq)"]], rtol=1e-4, atol=1e-7)
    assert messages == comp["anova_print"].get("messages", [])
    R.assert_same_print(str(result), R.text(comp["anova_print"]))


def test_sleepstudy_lrt_anchor():
    """The issue's target: anova(m2, m1) prints Chisq 0.0639 on 1 df, p 0.8004."""
    result, messages = _comparison("sleepstudy_split_vs_slope")
    assert messages == ["refitting model(s) with ML (instead of REML)"]
    assert str(result) == R.text(R.reference()["comparisons"]["sleepstudy_split_vs_slope"]["anova_print"])
    assert "m1    6 1763.9 1783.1 -875.97   1751.9 0.0639  1     0.8004" in str(result)
    assert result.table.loc["m1", "Chisq"] == pytest.approx(0.0639, abs=5e-5)


def test_penicillin_lrt_anchor():
    result, _ = _comparison("penicillin_ml")
    assert result.table.loc["m2", "Chisq"] == pytest.approx(279.44, abs=5e-3)
    assert str(result) == R.text(R.reference()["comparisons"]["penicillin_ml"]["anova_print"])
    assert [m.is_REML for m in result.models] == [False, False]


def test_comparison_checks_and_names():
    data = pylme.datasets.load("sleepstudy")
    m1 = _quiet(pylme.lmer, "Reaction ~ Days + (Days | Subject)", data, REML=False)
    m0 = _quiet(pylme.lmer, "Reaction ~ Days + (1 | Subject)", data, REML=False)
    fewer = _quiet(pylme.lmer, "Reaction ~ Days + (1 | Subject)", data.iloc[:170], REML=False)
    with pytest.raises(DataError, match="models were not all fitted to the same size of dataset"):
        anova(m1, fewer)
    table = anova(m1, m0)  # default labels in argument order, rows by npar
    assert list(table.index) == ["m2", "m1"]
    assert str(table).startswith("Models:\n")  # no data name given: no "Data:" line
    with pytest.warns(PylmeWarning, match="failed to find model names"):
        assert list(anova(m1, m0, model_names=["a", "a"]).index) == ["MODEL2", "MODEL1"]
    with pytest.raises(DataError, match="different lengths"):
        anova(m1, m0, model_names=["a", "b", "c"])
    assert pylme.anova is anova and m1.anova(m0).table.equals(table.table)


def test_refit_false_with_mixed_fits_warns():
    data = pylme.datasets.load("sleepstudy")
    ml = _quiet(pylme.lmer, "Reaction ~ Days + (Days | Subject)", data, REML=False)
    reml = _quiet(pylme.lmer, "Reaction ~ Days + (1 | Subject)", data)
    with pytest.warns(PylmeWarning, match="some models fit with REML = TRUE, some not"):
        anova(ml, reml, refit=False)


# ------------------------------------------------------------------ one model


@pytest.mark.parametrize("model_id", MODELS)
def test_sequential_anova_lme4(model_id):
    fit = R.fit(model_id, at_r_theta=True)
    result = anova(fit)
    expected = R.frame(R.quantity(model_id, "anova_lme4"))
    if len(expected):
        assert_table(result.table, expected, rtol=1e-8)
    else:
        assert len(result) == 0 and list(result.columns) == list(expected.columns)
    assert str(result) == R.text(R.quantity(model_id, "anova_lme4_print"))


@pytest.mark.parametrize("kind", ["anova_type3", "anova_type2", "anova_type1"])
@pytest.mark.parametrize("model_id", MODELS)
def test_lmertest_anova_satterthwaite(model_id, kind):
    fit = R.fit(model_id, at_r_theta=True)
    result = anova(fit, ddf="Satterthwaite", type=int(kind[-1]))
    expected = R.frame(R.quantity(model_id, kind))
    if len(expected):
        assert_table(result.table[["Sum Sq", "Mean Sq", "NumDF", "F value"]],
                     expected[["Sum Sq", "Mean Sq", "NumDF", "F value"]], rtol=1e-7)
        assert_table(result.table[["DenDF", "Pr(>F)"]], expected[["DenDF", "Pr(>F)"]], rtol=1e-5)
    else:
        assert len(result) == 0 and list(result.columns) == list(expected.columns)
    R.assert_same_print(str(result), R.text(R.quantity(model_id, kind + "_print")))


@pytest.mark.parametrize("model_id", REML_MODELS)
def test_lmertest_anova_kenward_roger(model_id):
    fit = R.fit(model_id, at_r_theta=True)
    result = anova(fit, ddf="Kenward-Roger")
    expected = R.frame(R.quantity(model_id, "anova_type3_kr"))
    if len(expected):
        assert_table(result.table, expected, rtol=1e-7)
    assert str(result) == R.text(R.quantity(model_id, "anova_type3_kr_print"))


@pytest.mark.parametrize("model_id", ["cake_interaction_reml", "cake_temp_reml", "hsb_cses_reml"])
def test_type3_hypotheses(model_id):
    """lmerTest's type III contrast matrices (after its zapsmall) exactly."""
    expected = R.quantity(model_id, "anova_type3_hypotheses")
    mine = C.contrasts_type3(R.fit(model_id, at_r_theta=True))
    assert list(mine) == expected["names"]
    for term, rec in zip(expected["names"], expected["value"]):
        theirs = R.matrix(rec)
        np.testing.assert_allclose(mine[term], theirs.to_numpy(), rtol=0, atol=1e-12)


def test_end_to_end_anova_text():
    """pylme's own fit (not R's θ̂): lmerTest's default table for the interaction model."""
    fit = R.fit("cake_interaction_reml")
    R.assert_same_print(str(anova(fit, ddf="Satterthwaite")),
                      R.text(R.quantity("cake_interaction_reml", "anova_type3_print")))
    R.assert_same_print(str(fit.anova(ddf="Kenward-Roger", type="III")),
                      R.text(R.quantity("cake_interaction_reml", "anova_type3_kr_print")))


def test_type_without_ddf_is_ignored_as_lme4_does():
    fit = R.fit("sleepstudy_slope_reml")
    with pytest.warns(PylmeWarning, match="additional arguments ignored: \u2018type\u2019"):
        result = anova(fit, type=1)
    assert result.heading == ("Analysis of Variance Table",)


# ------------------------------------------------------------------ drop1


_DROP1_MODELS = ["cake_interaction_reml", "cake_temp_reml", "cake_temp_ml", "sleepstudy_slope_reml",
                 "hsb_cses_ml", "penicillin_reml", "sleepstudy_weighted_reml",
                 "cake_rankdef_reml"]  # 0-df deletions: Pr(Chi) NA (blank), not NaN


@pytest.mark.parametrize("model_id", _DROP1_MODELS)
def test_drop1(model_id):
    fit = R.fit(model_id)
    result = _quiet(drop1, fit, test="Chisq")
    expected = R.frame(R.quantity(model_id, "drop1"))
    if model_id == "penicillin_reml":  # no droppable term: R's one unnamed row
        expected.index = ["1"]
    assert_table(result.table[["npar"]], expected[["npar"]], rtol=0)
    assert_table(result.table[["AIC"]], expected[["AIC"]], rtol=1e-8)
    assert_table(result.table[["LRT", "Pr(Chi)"]], expected[["LRT", "Pr(Chi)"]], rtol=1e-4, atol=1e-6)
    R.assert_same_print(str(result), R.text(R.quantity(model_id, "drop1_print")))
    plain = _quiet(fit.drop1)
    R.assert_same_print(str(plain), R.text(R.quantity(model_id, "drop1_notest_print")))
