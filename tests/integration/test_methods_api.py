"""The methods' public API: arguments validated as lme4 validates them, R's texts, model names.

Expected values and texts come from R 4.2.2 + lme4 1.1-31 (each with the R expression
that produced it), with

    fm1 <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
    fm0 <- lmer(Reaction ~ 1 + (Days | Subject), sleepstudy)
    fmML <- lmer(Reaction ~ 1 + (1 | Subject), sleepstudy, REML = FALSE)

pylme's positions are 0-based: R's ``parm = 6`` is pylme's ``parm=5``.  Where pylme
refuses what R computes (a ``level`` outside (0, 1), a position beyond the parameters
in the profile, a non-fit in ``anova``), the row says what R does.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, DataError, OptimizerError, PylmeError, PylmeMessage, PylmeWarning
from pylme.inference.anova import REFIT_MESSAGE
from pylme.inference.checks import check_flag, match_arg

#: The class of argument errors raised by the methods (pylme.arguments' R readers).
ARG_ERROR = ArgumentError

F1 = "Reaction ~ Days + (Days | Subject)"
F0 = "Reaction ~ 1 + (Days | Subject)"
FML = "Reaction ~ 1 + (1 | Subject)"


@pytest.fixture(scope="module")
def fits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = pylme.datasets.load("sleepstudy")
        return {
            "data": data,
            "fm1": pylme.lmer(F1, data, data_name="sleepstudy"),
            "fm0": pylme.lmer(F0, data, data_name="sleepstudy"),
            "fmML": pylme.lmer(FML, data, REML=False, data_name="sleepstudy"),
        }


def quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


# --- match.arg and if() ----------------------------------------------------------------------

# R: match.arg(x, c("profile", "Wald", "boot"))
MATCH_ARG = [
    ("Wald", "Wald"), ("W", "Wald"), ("Wa", "Wald"), ("prof", "profile"), ("p", "profile"),
    ("b", "boot"), ("boot", "boot"), (None, "profile"), (["Wald"], "Wald"),
]
MATCH_ARG_ERRORS = [
    ("nope", "'arg' should be one of \u201cprofile\u201d, \u201cWald\u201d, \u201cboot\u201d"),
    ("", "'arg' should be one of \u201cprofile\u201d, \u201cWald\u201d, \u201cboot\u201d"),
    ("wald", "'arg' should be one of \u201cprofile\u201d, \u201cWald\u201d, \u201cboot\u201d"),  # case matters
    (3, "'arg' must be NULL or a character vector"),
    (float("nan"), "'arg' must be NULL or a character vector"),  # R: method = NA
    (["Wald", "boot"], "'arg' must be of length 1"),
]


@pytest.mark.parametrize("value, expected", MATCH_ARG)
def test_match_arg_matches_as_r(value, expected):
    assert match_arg(value, ("profile", "Wald", "boot"), "method") == expected


@pytest.mark.parametrize("value, text", MATCH_ARG_ERRORS)
def test_match_arg_errors_have_r_text(value, text):
    with pytest.raises(ARG_ERROR) as info:
        match_arg(value, ("profile", "Wald", "boot"), "method")
    assert str(info.value).startswith(text) and "method" in str(info.value)


# R: if (x) TRUE else FALSE
FLAGS = [(True, True), (False, False), (np.bool_(True), True), (1, True), (0, False), (-2.5, True),
         ("TRUE", True), ("T", True), ("false", False), ("F", False)]
FLAG_ERRORS = [(None, "argument is of length zero"), (float("nan"), "argument is not interpretable as logical"),
               ("yes", "argument is not interpretable as logical"), ("1", "argument is not interpretable as logical"),
               (object(), "argument is not interpretable as logical")]


@pytest.mark.parametrize("value, expected", FLAGS)
def test_flags_read_as_r_if(value, expected):
    assert check_flag(value, "quiet") is expected


@pytest.mark.parametrize("value, text", FLAG_ERRORS)
def test_flag_errors_have_r_text(value, text):
    with pytest.raises(ARG_ERROR, match=f"^{text}"):
        check_flag(value, "quiet")


# --- confint ---------------------------------------------------------------------------------

# R: print(confint(fm1, method = "Wald", parm = "beta_"), digits = 15)
WALD_BETA = [[238.02914111736226, 264.7810685796077], [7.43759392986527, 13.4969779893267]]
# R: confint(fm1, method = "Wald", parm = "beta_", level = 0.9)
WALD_BETA_90 = [[240.17964222230736, 262.6305674746626], [7.92468825731321, 13.0098836618788]]


@pytest.mark.parametrize("method", ["Wald", "W", "Wa", "Wal"])
def test_confint_method_partial_matching(fits, method):
    # R: confint(fm1, method = "W") is the Wald table
    ci = fits["fm1"].confint(method=method, parm="beta_")
    np.testing.assert_allclose(ci.to_numpy(), WALD_BETA, rtol=1e-9)


@pytest.mark.parametrize("kwargs, index, expected", [
    ({"parm": "beta_"}, ["(Intercept)", "Days"], WALD_BETA),
    ({"parm": "beta_", "level": 0.9}, ["(Intercept)", "Days"], WALD_BETA_90),
    ({"parm": [4, 5]}, ["(Intercept)", "Days"], WALD_BETA),          # R: parm = 5:6
    ({"parm": np.array([5])}, ["Days"], WALD_BETA[1:]),               # R: parm = 6
    ({"parm": 5}, ["Days"], WALD_BETA[1:]),
    ({"parm": ["Days"]}, ["Days"], WALD_BETA[1:]),
    ({"parm": pd.Index(["(Intercept)"])}, ["(Intercept)"], WALD_BETA[:1]),
    ({"parm": "theta_"}, [".sig01", ".sig02", ".sig03", ".sigma"], [[np.nan, np.nan]] * 4),
    ({"parm": 0}, [".sig01"], [[np.nan, np.nan]]),                    # R: parm = 1 -> NA NA
])
def test_confint_wald_parm_selection(fits, kwargs, index, expected):
    ci = fits["fm1"].confint(method="Wald", **kwargs)
    assert list(ci.index) == index
    np.testing.assert_allclose(ci.to_numpy(), expected, rtol=1e-9)


@pytest.mark.parametrize("parm, shown", [
    ("nope", 'which="nope"'),                 # R: Warning: Nothing selected by 'which="nope"'
    (["nope", "zz"], 'which=c("nope", "zz")'),
])
def test_confint_unknown_names_warn_as_lme4_and_select_nothing(fits, parm, shown):
    with pytest.warns(PylmeWarning, match=f"^Nothing selected by '{shown}'$".replace("(", r"\(").replace(")", r"\)")):
        ci = fits["fm1"].confint(method="Wald", parm=parm)
    assert ci.shape == (0, 2) and list(ci.columns) == ["2.5 %", "97.5 %"]


def test_confint_some_unknown_names_are_said(fits):
    # R: confint(fm1, parm = c("Days", "nope"), method = "Wald") silently gives the Days row
    with pytest.warns(PylmeWarning, match=r"unknown parameter name\(s\) in 'parm' ignored: 'nope'"):
        ci = fits["fm1"].confint(method="Wald", parm=["Days", "nope"])
    assert list(ci.index) == ["Days"]


CONFINT_ERRORS = [
    # (kwargs, error, text at the start of the message, what R does)
    ({"method": "nope"}, ARG_ERROR, "'arg' should be one of \u201cprofile\u201d, \u201cWald\u201d, \u201cboot\u201d"),
    ({"method": ""}, ARG_ERROR, "'arg' should be one of \u201cprofile\u201d, \u201cWald\u201d, \u201cboot\u201d"),
    ({"method": ["Wald", "boot"]}, ARG_ERROR, "'arg' must be of length 1"),
    ({"method": 1}, ARG_ERROR, "'arg' must be NULL or a character vector"),
    ({"method": "boot", "boot_type": "x"}, ARG_ERROR,
     "'arg' should be one of \u201cperc\u201d, \u201cbasic\u201d, \u201cnorm\u201d"),
    ({"method": "boot", "nsim": 0}, ARG_ERROR, "(nsim <- as.integer(nsim[1])) > 0 is not TRUE"),
    ({"method": "boot", "nsim": -1}, ARG_ERROR, "(nsim <- as.integer(nsim[1])) > 0 is not TRUE"),
    ({"method": "boot", "nsim": 2.5}, ARG_ERROR, "(nsim <- as.integer(nsim[1])) > 0 is not TRUE"),
    # R: confint(fm1, parm = 99, method = "Wald") -> Error: subscript out of bounds
    ({"method": "Wald", "parm": 99}, ARG_ERROR, "subscript out of bounds"),
    ({"method": "Wald", "parm": [0, 6]}, ARG_ERROR, "subscript out of bounds"),
    # R: confint(fm1, parm = 99) (profile) returns an empty table; pylme refuses as for Wald
    ({"parm": 99}, ARG_ERROR, "subscript out of bounds"),
    # R drops rows for negative positions; 0-based positions have no such meaning here
    ({"method": "Wald", "parm": -1}, ARG_ERROR, "negative positions in 'parm' are not supported"),
    ({"method": "Wald", "parm": True}, ARG_ERROR, "'parm' must be None, a name"),   # R: TRUE selects all
    ({"method": "Wald", "parm": 5.5}, ARG_ERROR, "'parm' must be None, a name"),    # R: truncates to 5
    ({"method": "Wald", "parm": float("nan")}, ARG_ERROR, "'parm' must be None, a name"),  # R: NA rows
    ({"method": "Wald", "parm": ["Days", 1]}, ARG_ERROR, "'parm' must be names or 0-based integer positions"),
    ({"method": "Wald", "parm": {"a": 1}}, ARG_ERROR, "'parm' must be None, a name"),
    # R: level = 1.5 -> "NaNs produced" and a NaN table; level = 0 or 1 -> degenerate intervals
    ({"method": "Wald", "level": 1.5}, ARG_ERROR, "'level' must be strictly between 0 and 1"),
    ({"method": "Wald", "level": 1}, ARG_ERROR, "'level' must be strictly between 0 and 1"),
    ({"method": "Wald", "level": 0}, ARG_ERROR, "'level' must be strictly between 0 and 1"),
    ({"method": "Wald", "level": -0.1}, ARG_ERROR, "'level' must be strictly between 0 and 1"),
    ({"method": "Wald", "level": float("nan")}, ARG_ERROR, "'level' must be a finite number"),
    # R: level = "a" -> non-numeric argument to binary operator
    ({"method": "Wald", "level": "a"}, ARG_ERROR, "'level' must be a number"),
    ({"method": "Wald", "level": [0.9, 0.95]}, ARG_ERROR, "'level' must be a number"),
    ({"method": "Wald", "quiet": "yes"}, ARG_ERROR, "argument is not interpretable as logical"),
    ({"method": "Wald", "oldNames": None}, ARG_ERROR, "argument is of length zero"),
    ({"parm": 5, "zeta": [1]}, ARG_ERROR, "'zeta' must be two finite numbers"),
    ({"parm": 5, "zeta": "a"}, ARG_ERROR, "'zeta' must be two numbers"),
    ({"parm": 5, "level": 2}, ARG_ERROR, "'level' must be strictly between 0 and 1"),
    # profile settings (R: profile.merMod's own checks)
    ({"parm": 5, "devtol": -1}, ARG_ERROR, "devtol >= 0 is not TRUE"),
    ({"parm": 5, "startmethod": "x"}, ARG_ERROR, "invalid nextstart method"),
    ({"parm": 5, "prof_scale": "x"}, ARG_ERROR, "'arg' should be one of \u201csdcor\u201d, \u201cvarcov\u201d"),
    ({"parm": 5, "optimizer": "x"}, OptimizerError, "couldn't find optimizer function x"),
    # R: alphamax = 2 -> objective in x0 returns NA; maxpts = 0 -> subscript out of bounds
    ({"parm": 5, "alphamax": 2}, ARG_ERROR, "alphamax < 1 is not TRUE"),
    ({"parm": 5, "alphamax": 0}, ARG_ERROR, "alphamax > 0 is not TRUE"),
    ({"parm": 5, "maxpts": 0}, ARG_ERROR, "'maxpts' must be a positive integer"),
    ({"parm": 5, "delta_cutoff": -1}, ARG_ERROR, "delta_cutoff > 0 is not TRUE"),
    ({"parm": 5, "maxmult": 0}, ARG_ERROR, "maxmult > 0 is not TRUE"),
    ({"parm": 5, "control": [1]}, ARG_ERROR, "'control' must be a dict of optimizer settings"),
    ({"parm": 5, "control": {"maxeval": "x"}}, ARG_ERROR, "'control['maxeval']' must be a number"),
]


@pytest.mark.parametrize("kwargs, error, text", CONFINT_ERRORS, ids=[repr(c[0]) for c in CONFINT_ERRORS])
def test_confint_bad_arguments(fits, kwargs, error, text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeMessage)
        with pytest.raises(error) as info:
            fits["fm1"].confint(**kwargs)
    assert str(info.value).startswith(text), str(info.value)


def test_confint_errors_come_before_any_work(fits):
    # the "Computing profile confidence intervals ..." message is not given for a call that fails
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ARG_ERROR):
            fits["fm1"].confint(level=3)
    assert not [w for w in caught if issubclass(w.category, PylmeMessage)]


@pytest.mark.parametrize("kwargs, expected", [
    # R: print(confint(fm1, parm = 6, zeta = c(-1, 1)), digits = 15)
    ({"zeta": [-1, 1]}, [8.9439415325321, 11.9906304236345]),
    ({"zeta": (-1.0, 1.0)}, [8.9439415325321, 11.9906304236345]),
    # R: confint(fm1, parm = 6, level = 0.9)
    ({"level": 0.9}, [7.90050799936862, 13.0340638213266]),
    # R: confint(fm1, parm = 6, method = "prof")
    ({"method": "prof"}, [7.35865327511699, 13.5759187517082]),
    ({"method": "p", "quiet": 1}, [7.35865327511699, 13.5759187517082]),
    ({"parm": "Days"}, [7.35865327511699, 13.5759187517082]),
])
def test_confint_profile_arguments_match_lme4(fits, kwargs, expected):
    ci = quiet(lambda: fits["fm1"].confint(**{"parm": 5, **kwargs}))
    assert list(ci.index) == ["Days"]
    np.testing.assert_allclose(ci.to_numpy()[0], expected, rtol=1e-7)


def test_confint_profile_message_text(fits):
    # R: message "Computing profile confidence intervals ..."
    with pytest.warns(PylmeMessage, match=r"^Computing profile confidence intervals \.\.\.$"):
        fits["fm1"].confint(parm=5)


def test_confint_prof_scale_partial_match(fits):
    # R: profile(fm1, which = 1, prof.scale = "v") profiles the variance (names .sig01 kept)
    ci = quiet(lambda: fits["fm1"].confint(parm="theta_", prof_scale="v", oldNames=False, quiet=True))
    assert list(ci.index)[0].startswith("var_")


# --- profile -------------------------------------------------------------------------------

PROFILE_ERRORS = [
    ({"which": 99}, "subscript out of bounds"),  # R: profile(fm1, which = 99) -> empty profile
    ({"which": -1}, "negative positions in 'which' are not supported"),
    ({"which": 5, "devtol": -1}, "devtol >= 0 is not TRUE"),
    ({"which": 5, "startmethod": "nope"}, "invalid nextstart method"),
    ({"which": 5, "prof_scale": "nope"}, "'arg' should be one of \u201csdcor\u201d, \u201cvarcov\u201d"),
    ({"which": 5, "signames": "yes"}, "argument is not interpretable as logical"),
    ({"which": 5, "maxpts": 2.5}, "'maxpts' must be a positive integer"),
    ({"which": 5, "delta": 0}, "delta > 0 is not TRUE"),
    ({"which": 5, "verbose": "x"}, "'verbose' must be a number"),
]


@pytest.mark.parametrize("kwargs, text", PROFILE_ERRORS, ids=[repr(c[0]) for c in PROFILE_ERRORS])
def test_profile_bad_arguments(fits, kwargs, text):
    with pytest.raises(ARG_ERROR) as info:
        fits["fm1"].profile(**kwargs)
    assert str(info.value).startswith(text), str(info.value)


@pytest.mark.parametrize("parm, index", [
    (None, ["Days"]), (0, ["Days"]), ("Days", ["Days"]), ("beta_", ["Days"]), (["Days", "Days"], ["Days"]),
])
def test_profile_confint_parm(fits, parm, index):
    pr = fits["fm1"].profile(which=5)
    assert list(pr.confint(parm=parm).index) == index


@pytest.mark.parametrize("kwargs, text", [
    ({"parm": 3}, "subscript out of bounds"),
    ({"parm": True}, "'parm' must be None, a name"),
    ({"level": 0}, "'level' must be strictly between 0 and 1"),
    ({"zeta": [0, 1, 2]}, "'zeta' must be two finite numbers"),
    ({"non_mono_tol": -1}, "non_mono_tol >= 0 is not TRUE"),
])
def test_profile_confint_bad_arguments(fits, kwargs, text):
    pr = fits["fm1"].profile(which=5)
    with pytest.raises(ARG_ERROR) as info:
        pr.confint(**kwargs)
    assert str(info.value).startswith(text)


# --- anova: non-fits, names, order, lme4's texts ------------------------------------------------

NOT_FITS = [3, 3.5, "fm0", None, np.ones(3), pd.DataFrame(), object()]


@pytest.mark.parametrize("other", NOT_FITS, ids=lambda v: type(v).__name__)
def test_anova_refuses_non_fits(fits, other):
    # R: anova(fm1, 3) -> Warning "additional arguments ignored" and the one-model table;
    # pylme refuses: a misplaced value would otherwise silently change the table
    for call in (lambda: pylme.anova(fits["fm1"], other), lambda: fits["fm1"].anova(other),
                 lambda: fits["fm1"].anova(fits["fm0"], other), lambda: pylme.anova(other, fits["fm1"]),
                 lambda: pylme.anova(small=fits["fm0"], big=other)):
        with pytest.raises(ArgumentError, match=r"^anova\(\) compares fitted models \(LmerFit\); argument"):
            call()


def test_anova_takes_statsmodels_results_as_lme4_takes_lm(fits):
    # R: anova(fm1, lm(Reaction ~ Days, sleepstudy)): the lm row has npar 3 (sigma counted)
    # and AIC 1906.293 (the values themselves are checked in tests/inference/test_anova_lm.py)
    import statsmodels.formula.api as sm

    ols = sm.ols("Reaction ~ Days", fits["data"]).fit()
    with pytest.warns(PylmeMessage, match="refitting model"):
        table = pylme.anova(fits["fm1"], ols)
    assert list(table["npar"]) == [3, 6]
    assert table["AIC"].iloc[0] == pytest.approx(1906.293, abs=5e-4)


def test_anova_without_models():
    with pytest.raises(ArgumentError, match="at least one fitted model"):
        pylme.anova()


# R: anova(fm1, fm0) printed (its row names are the argument expressions)
R_ANOVA_FM1_FM0 = """Data: sleepstudy
Models:
fm0: Reaction ~ 1 + (Days | Subject)
fm1: Reaction ~ Days + (Days | Subject)
    npar    AIC    BIC  logLik deviance  Chisq Df Pr(>Chisq)    
fm0    5 1785.5 1801.4 -887.74   1775.5                         
fm1    6 1763.9 1783.1 -875.97   1751.9 23.537  1  1.226e-06 ***
---
Signif. codes:  0 \u2018***\u2019 0.001 \u2018**\u2019 0.01 \u2018*\u2019 0.05 \u2018.\u2019 0.1 \u2018 \u2019 1
"""


@pytest.mark.parametrize("call", [
    lambda f: pylme.anova(f["fm1"], f["fm0"], names=["fm1", "fm0"]),
    lambda f: pylme.anova(f["fm1"], f["fm0"], model_names=("fm1", "fm0")),
    lambda f: pylme.anova(fm1=f["fm1"], fm0=f["fm0"]),
    lambda f: pylme.anova(fm0=f["fm0"], fm1=f["fm1"]),
    lambda f: f["fm1"].anova(f["fm0"], names=np.array(["fm1", "fm0"])),
    lambda f: pylme.anova(f["fm0"], f["fm1"], names=pd.Index(["fm0", "fm1"])),
], ids=["names", "model_names", "keywords", "keywords-reversed", "method-names", "index-names"])
def test_anova_names_print_as_lme4(fits, call):
    with pytest.warns(PylmeMessage, match=rf"^{REFIT_MESSAGE.replace('(', '[(]').replace(')', '[)]')}$"):
        result = call(fits)
    assert str(result) == R_ANOVA_FM1_FM0


@pytest.mark.parametrize("call, rows", [
    (lambda f: pylme.anova(f["fm1"], f["fm0"]), ["m2", "m1"]),                   # default labels kept
    (lambda f: pylme.anova(big=f["fm1"], small=f["fm0"]), ["small", "big"]),
    (lambda f: f["fm1"].anova(fm0=f["fm0"]), ["fm0", "m1"]),
    (lambda f: pylme.anova(f["fm1"], small=f["fm0"]), ["small", "m1"]),
    # R: anova(fm1, fm0, fmML): rows fmML, fm0, fm1 (ordered by npar)
    (lambda f: pylme.anova(f["fm1"], f["fm0"], f["fmML"], names=["fm1", "fm0", "fmML"]), ["fmML", "fm0", "fm1"]),
    # R: anova(fm1, fm0, model.names = c("a", "b")) -> rows b, a
    (lambda f: pylme.anova(f["fm1"], f["fm0"], model_names=["a", "b"]), ["b", "a"]),
])
def test_anova_row_labels_and_order(fits, call, rows):
    result = quiet(lambda: call(fits))
    assert list(result.index) == rows
    assert list(result.table["npar"]) == sorted(result.table["npar"])


def test_anova_three_models_match_lme4(fits):
    # R: anova(fm1, fm0, fmML): Chisq 135.065 (fm0 vs fmML), 23.537; npar 3, 5, 6
    result = quiet(lambda: pylme.anova(fits["fm1"], fits["fm0"], fits["fmML"], names=["fm1", "fm0", "fmML"]))
    assert list(result.table["npar"]) == [3, 5, 6]
    np.testing.assert_allclose(result.table["Chisq"].to_numpy()[1:], [135.065, 23.537], atol=5e-4)
    np.testing.assert_allclose(result.table["AIC"].to_numpy(), [1916.5, 1785.5, 1763.9], atol=0.05)


ANOVA_ERRORS = [
    # (call, text)
    (lambda f: pylme.anova(f["fm1"], f["fm0"], names=["a"]),
     "model names vector and model list have different lengths"),  # lme4's text
    (lambda f: pylme.anova(f["fm1"], f["fm0"], names=["a", "b"], model_names=["a", "b"]),
     "give either names= or model_names=, not both"),
    (lambda f: pylme.anova(f["fm1"], small=f["fm0"], names=["a", "b"]),
     "give the model names either as keywords or in names=, not both"),
    (lambda f: pylme.anova(f["fm1"], f["fm0"], names="ab"), "model names must be a list of str"),
    (lambda f: pylme.anova(f["fm1"], f["fm0"], names=[1, 2]), "model names must be strings"),
    (lambda f: pylme.anova(f["fm1"], refti=False), "anova() compares fitted models (LmerFit); argument 'refti'"),
]


@pytest.mark.parametrize("call, text", ANOVA_ERRORS)
def test_anova_name_errors(fits, call, text):
    with pytest.raises(PylmeError) as info:
        quiet(lambda: call(fits))
    assert str(info.value).startswith(text)


def test_anova_refit_flag(fits):
    # R: anova(fm1, fmML, refit = FALSE) -> Warning "some models fit with REML = TRUE, some not"
    with pytest.warns(PylmeWarning, match="^some models fit with REML = TRUE, some not$"):
        pylme.anova(fits["fm1"], fits["fmML"], refit=False)
    # R: anova(fm1, fm0, refit = FALSE): the REML criteria, AIC 1779.8 and 1755.6, no message
    with warnings.catch_warnings():
        warnings.simplefilter("error", PylmeMessage)
        result = pylme.anova(fits["fm1"], fits["fm0"], refit="FALSE")  # R's if ("FALSE") is FALSE
    np.testing.assert_allclose(result.table["AIC"].to_numpy(), [1779.8, 1755.6], atol=0.05)
    with pytest.raises(ARG_ERROR, match="^argument is not interpretable as logical"):
        pylme.anova(fits["fm1"], fits["fm0"], refit="no")


def test_anova_data_checks_have_lme4_text(fits):
    data = fits["data"]
    smaller = quiet(lambda: pylme.lmer(F1, data.iloc[1:], data_name="ss2"))
    # R: anova(fm1, fm2) with fm2 fitted to sleepstudy[-1, ]
    with pytest.raises(DataError, match="^models were not all fitted to the same size of dataset$"):
        pylme.anova(fits["fm1"], smaller)
    other = quiet(lambda: pylme.lmer("Reaction ~ Days + (1 | Subject)", data, data_name="ss3"))
    # R: anova(fm1, fm3) with fm3 fitted to a copy ss3 -> the refit message, then the error
    with pytest.warns(PylmeMessage, match="refitting"):
        with pytest.raises(DataError, match="^all models must be fit to the same data object$"):
            pylme.anova(fits["fm1"], other)


# --- drop1 ------------------------------------------------------------------------------------

def test_drop1_test_partial_match(fits):
    # R: drop1(fm1, test = "Chi"): LRT 23.537, Pr(Chi) 1.226e-06
    result = quiet(lambda: fits["fm1"].drop1(test="Chi"))
    assert list(result.columns) == ["npar", "AIC", "LRT", "Pr(Chi)"]
    assert result.table["LRT"].iloc[1] == pytest.approx(23.537, abs=5e-4)


@pytest.mark.parametrize("scope", ["~Days", "~ Days", "Days", ["Days"], ("Days",)])
def test_drop1_scope_forms(fits, scope):
    # R: drop1(fm1, scope = ~Days)
    result = quiet(lambda: fits["fm1"].drop1(scope=scope))
    assert list(result.index) == ["<none>", "Days"]


@pytest.mark.parametrize("kwargs, text", [
    ({"test": "F"}, "'arg' should be one of \u201cnone\u201d, \u201cChisq\u201d, \u201cuser\u201d"),   # R's text
    ({"test": "user"}, "\u2018sumFun\u2019 must be specified if (and only if) test==\"user\""),      # R's text
    ({"scope": "nope"}, "scope is not a subset of term labels"),                                    # R's text
    ({"scope": ["Days", "x"]}, "scope is not a subset of term labels"),
    ({"scope": 3}, "'scope' must be term labels or a formula"),
    ({"k": float("nan")}, "'k' must be a finite number"),   # R: drop1(fm1, k = NA) gives an all-NA AIC column
    ({"k": "2"}, "'k' must be a number"),
])
def test_drop1_bad_arguments(fits, kwargs, text):
    with pytest.raises(PylmeError) as info:
        quiet(lambda: fits["fm1"].drop1(**kwargs))
    assert str(info.value).startswith(text)


# --- bootMer, predict, simulate, update: types and options -------------------------------------------

@pytest.mark.parametrize("call, error, text", [
    (lambda f: pylme.bootMer(3, lambda m: m.beta), ARG_ERROR, "bootMer() needs a fitted model"),
    (lambda f: pylme.bootMer(f["fm1"], "beta"), ARG_ERROR, "'func' must be a function"),
    (lambda f: pylme.bootMer(f["fm1"], lambda m: m.beta, type="jack"), ARG_ERROR,
     "'arg' should be one of \u201cparametric\u201d, \u201csemiparametric\u201d"),
    (lambda f: pylme.bootMer(f["fm1"], lambda m: m.beta, use_u="x"), ARG_ERROR,
     "argument is not interpretable as logical"),
    (lambda f: f["fm1"].predict("abc"), DataError, "'newdata' must be a data frame"),
    (lambda f: f["fm1"].predict({"Days": 1.0, "Subject": "308"}), DataError, "'newdata' as a dict"),
    (lambda f: f["fm1"].predict(type="terms"), ARG_ERROR,
     "'arg' should be one of \u201clink\u201d, \u201cresponse\u201d"),
    (lambda f: f["fm1"].predict(allow_new_levels=None), ARG_ERROR, "argument is of length zero"),
    (lambda f: f["fm1"].predict(na_action=["omit"]), DataError, "na_action must be one of"),
    (lambda f: f["fm1"].simulate(newdata=3), DataError, "'newdata' must be a data frame"),
    (lambda f: f["fm1"].simulate(nsim=float("inf")), DataError, "(nsim <- as.integer(nsim[1])) > 0 is not TRUE"),
    (lambda f: f["fm1"].simulate(use_u="maybe"), ARG_ERROR, "argument is not interpretable as logical"),
    (lambda f: f["fm1"].update(3), PylmeError, "'formula' must be formula text"),
    (lambda f: pylme.inference.update.update(None), PylmeError, "update() needs a fitted model"),
])
def test_other_methods_bad_arguments(fits, call, error, text):
    with pytest.raises(error) as info:
        quiet(lambda: call(fits))
    assert str(info.value).startswith(text), str(info.value)


def test_predict_type_response_is_link(fits):
    # R: predict(fm1, type = "response") equals predict(fm1) for an LMM
    fm = fits["fm1"]
    np.testing.assert_array_equal(np.asarray(fm.predict(type="resp")), np.asarray(fm.predict()))


def test_update_keeps_unchanged_arguments(fits):
    # R: update(fm1, REML = FALSE) keeps formula and data; weights = NULL removes weights
    fm = fits["fm1"]
    ml = quiet(lambda: fm.update(REML=False))
    assert not ml.is_REML and ml.inputs.formula_text == fm.inputs.formula_text and ml.data_name == "sleepstudy"
    same = quiet(lambda: fm.update(weights=None))
    np.testing.assert_allclose(same.theta, fm.theta, rtol=1e-8)


# --- plots: reachable after import pylme, arguments checked --------------------------------------------

def test_plots_reachable_from_pylme():
    import subprocess
    import sys

    code = ("import sys, pylme; assert 'matplotlib' not in sys.modules; "
            "f = pylme.plots.dotplot_ranef; assert f is pylme.plots.caterpillar; "
            "assert pylme.plots.qqmath_ranef is pylme.plots.qq_ranef; assert 'matplotlib' not in sys.modules; "
            "import pylme.plots as p; assert p is pylme.plots")
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        pylme.nope  # noqa: B018


@pytest.mark.parametrize("call, text", [
    (lambda f: pylme.plots.caterpillar(3), "a fitted model (LmerFit or GlmerFit, from pylme.lmer or pylme.glmer) is needed"),
    (lambda f: pylme.plots.caterpillar(f["fm1"], level="a"), "level must be strictly between 0 and 1"),
    (lambda f: pylme.plots.caterpillar(f["fm1"], order="no"), "'order' must be True or False"),
    (lambda f: pylme.plots.caterpillar(f["fm1"], group=3), "group must be a name or a list of names"),
    (lambda f: pylme.plots.qq_ranef(f["fm1"], group=[3]), "group must be names (str)"),
    (lambda f: pylme.plots.residuals_vs_fitted(None), "a fitted model (LmerFit or GlmerFit, from pylme.lmer or pylme.glmer) is needed"),
    (lambda f: pylme.plots.qq_residuals("fm"), "a fitted model (LmerFit or GlmerFit, from pylme.lmer or pylme.glmer) is needed"),
    (lambda f: pylme.plots.conditional_sd(None), "conditional_sd needs one factor's DataFrame"),
    (lambda f: pylme.plots.profile_zeta(f["fm1"].profile(which=5), conf="a"), "'conf' must be confidence levels"),
    (lambda f: pylme.plots.profile_zeta(f["fm1"].profile(which=5), which=3), "which must be a name"),
])
def test_plot_argument_errors(fits, call, text):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    with pytest.raises(PylmeError) as info:
        call(fits)
    assert str(info.value).startswith(text), str(info.value)


def test_py_typed_is_shipped():
    import importlib.resources
    import tomllib
    from pathlib import Path

    assert importlib.resources.files("pylme").joinpath("py.typed").is_file()
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["pylme"]
