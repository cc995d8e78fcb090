"""lme4 print layouts, fed with R's numbers, must equal R's text exactly.

For each model fitted by tests/data/printing/make_expected.R the printing
dataclasses are filled from the stored full-precision values and the
rendered text is compared line by line with what R printed.
"""

import difflib

import numpy as np
import pytest
from _printing_rdata import (anova_files, dbl, load, merMod_inputs, model_files, ranef_groups,
                             vec)

from pylme.printing import (AnovaTable, CallInfo, Criteria, FixedEffectsTable, MerModInputs,
                            VarCorrInputs, VarCorrTerm, anova_heading, anova_text, cov2cor,
                            fixef_correlation, format_vc, print_text, ranef_text, summary_text,
                            varcorr_text)

MODELS = model_files()


def assert_same_text(got: str, expected: str) -> None:
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                            "R", "pylme"))
        pytest.fail("printed text differs from R:\n" + diff + f"\nR: {expected!r}\npylme: {got!r}")


def test_fixture_set_is_complete():
    assert len(MODELS) >= 20


@pytest.mark.parametrize("fname", MODELS)
def test_summary(fname):
    rec = load(fname)
    out = summary_text(merMod_inputs(rec), object_name="summary(fm)")
    assert_same_text(out.text, rec["printed"]["summary"]["text"])
    assert list(out.messages) == vec(rec["printed"]["summary"]["messages"])


@pytest.mark.parametrize("fname", MODELS)
def test_summary_with_correlation(fname):
    rec = load(fname)
    m = merMod_inputs(rec)
    if len(m.fixef.names) > 12:  # R falls back to cov2cor(vcov)
        p = len(m.fixef.names)
        vcov = np.array(dbl(rec["vcov"])).reshape(p, p, order="F")
        m = _with_fixef_correlation(m, cov2cor(vcov))
    out = summary_text(m, correlation=True, object_name="summary(fm)")
    assert_same_text(out.text, rec["printed"]["summary_correlation"]["text"])
    assert list(out.messages) == vec(rec["printed"]["summary_correlation"]["messages"])


@pytest.mark.parametrize("fname", MODELS)
def test_print(fname):
    rec = load(fname)
    assert_same_text(print_text(merMod_inputs(rec)), rec["printed"]["print"]["text"])


@pytest.mark.parametrize("fname", MODELS)
def test_print_varcorr(fname):
    rec = load(fname)
    assert_same_text(varcorr_text(merMod_inputs(rec).varcorr), rec["printed"]["varcorr"]["text"])


@pytest.mark.parametrize("fname", MODELS)
def test_print_ranef(fname):
    rec = load(fname)
    assert_same_text(ranef_text(ranef_groups(rec)), rec["printed"]["ranef"]["text"])


#: Models whose stored summary holds the correlation of fixed effects (p <= 12).
WITH_CORRELATION = [f for f in MODELS if load(f).get("fixef_correlation") is not None]


@pytest.mark.parametrize("fname", sorted(set(MODELS) - set(WITH_CORRELATION)))
def test_no_correlation_stored_beyond_p_12(fname):
    """summary() stores no correlation when p > 12 (and prints the note instead)."""
    assert len(vec(load(fname)["fixef_names"])) > 12


@pytest.mark.parametrize("fname", WITH_CORRELATION)
def test_fixef_correlation_from_vcov(fname):
    """The correlation lme4 stores (Matrix's corMatrix) can be rebuilt from vcov."""
    rec = load(fname)
    p = len(vec(rec["fixef_names"]))
    vcov = np.array(dbl(rec["vcov"])).reshape(p, p, order="F")
    expected = np.array(dbl(rec["fixef_correlation"])).reshape(p, p, order="F")
    np.testing.assert_allclose(fixef_correlation(vcov), expected, rtol=0, atol=4e-16)
    m = _with_fixef_correlation(merMod_inputs(rec), fixef_correlation(vcov))
    assert summary_text(m).text == rec["printed"]["summary"]["text"]


def _with_fixef_correlation(m: MerModInputs, corr) -> MerModInputs:
    fe = FixedEffectsTable(m.fixef.names, m.fixef.estimates, m.fixef.std_errors, corr)
    return MerModInputs(m.call, m.criteria, m.varcorr, m.nobs, m.ngrps, fe, m.optinfo,
                        m.scaled_residuals, m.fit_messages, m.class_name)


# ------------------------------------------------------------------- anova
@pytest.mark.parametrize("fname", anova_files())
def test_anova(fname):
    rec = load(fname)
    cols = vec(rec["columns"])
    values = np.column_stack([dbl(rec["values"][c]) for c in cols])
    table = AnovaTable(tuple(vec(rec["heading"])), tuple(vec(rec["row_names"])), tuple(cols), values)
    assert_same_text(anova_text(table), rec["printed"]["text"])


def test_anova_heading():
    head = anova_heading("sleepstudy", [("fm1", "Reaction ~ Days + (1 | Subject)")], subset="Days > 2")
    assert head == ("Data: sleepstudy", "Subset: Days > 2", "Models:",
                    "fm1: Reaction ~ Days + (1 | Subject)")


# ------------------------------------------------------ hand-built inputs
def _sleep_inputs(reml=True, data="sleepstudy"):
    corr = np.array([[1.0, 0.06555124], [0.06555124, 1.0]])
    return MerModInputs(
        call=CallInfo("Reaction ~ Days + (Days | Subject)", data),
        criteria=Criteria(reml=True, reml_criterion=1743.62827196) if reml else
        Criteria(reml=False, aic=1763.939344, bic=1783.096, loglik=-875.9696722, deviance=1751.939344,
                 df_resid=174),
        varcorr=VarCorrInputs((VarCorrTerm("Subject", ("(Intercept)", "Days"),
                                           [24.74065799, 5.92213766], corr),), 25.59179572),
        nobs=180, ngrps=(("Subject", 18),),
        fixef=FixedEffectsTable(("(Intercept)", "Days"), [251.405104848, 10.4672859596],
                                [6.824596695, 1.545789644], [[1.0, -0.1375534], [-0.1375534, 1.0]]),
        scaled_residuals=[-3.9536, -0.4634, 0.0231, 0.4634, 5.1793])


def test_print_short_form_by_hand():
    assert print_text(_sleep_inputs()) == (
        "Linear mixed model fit by REML ['lmerMod']\n"
        "Formula: Reaction ~ Days + (Days | Subject)\n"
        "   Data: sleepstudy\n"
        "REML criterion at convergence: 1743.628\n"
        "Random effects:\n"
        " Groups   Name        Std.Dev. Corr\n"
        " Subject  (Intercept) 24.741       \n"
        "          Days         5.922   0.07\n"
        " Residual             25.592       \n"
        "Number of obs: 180, groups:  Subject, 18\n"
        "Fixed Effects:\n"
        "(Intercept)         Days  \n"
        "     251.41        10.47  \n")


def test_no_data_line_without_data_name():
    text = summary_text(_sleep_inputs(data=None)).text
    assert "Data:" not in text
    assert text.splitlines()[1] == "Formula: Reaction ~ Days + (Days | Subject)"


def test_ml_title_has_two_spaces_and_aic_table():
    lines = summary_text(_sleep_inputs(reml=False)).text.splitlines()
    assert lines[0] == "Linear mixed model fit by maximum likelihood  ['lmerMod']"
    assert lines[4:6] == ["     AIC      BIC   logLik deviance df.resid ",
                          "  1763.9   1783.1   -876.0   1751.9      174 "]


def test_format_vc_three_components_and_residual():
    corr = np.array([[1, -0.403, 0.448], [-0.403, 1, -0.908], [0.448, -0.908, 1]])
    vc = VarCorrInputs((VarCorrTerm("Subject", ("(Intercept)", "Days", "I(Days^2)"),
                                    [28.2373, 14.4369, 1.4392], corr),), 22.7652)
    table = format_vc(vc, digits=4, comp=("Std.Dev.",))
    assert table.columns == ("Groups", "Name", "Std.Dev.", "Corr", "")
    assert table.rows[2][3:] == (" 0.45", "-0.91")
    assert table.rows[3] == ("Residual", "", "22.765", "", "")


def test_inputs_are_immutable():
    m = _sleep_inputs()
    with pytest.raises(Exception):
        m.nobs = 3
    with pytest.raises(ValueError):
        m.fixef.estimates[0] = 1.0


def test_correlation_message_names_the_object():
    m = _sleep_inputs()
    names = tuple(f"x{i}" for i in range(13))
    fe = FixedEffectsTable(names, np.arange(1.0, 14.0), np.ones(13))
    m = MerModInputs(m.call, m.criteria, m.varcorr, m.nobs, m.ngrps, fe, m.optinfo,
                     m.scaled_residuals)
    out = summary_text(m)
    assert out.messages == ("\nCorrelation matrix not shown by default, as p = 13 > 12.\n"
                            "Use print(x, correlation=TRUE)  or\n"
                            "    vcov(x)        if you need it\n\n",)
    assert "Correlation of Fixed Effects" not in out.text
    long_name = summary_text(m, object_name="a" * 32).messages[0]
    assert "Use print(...., correlation=TRUE)" in long_name
