"""The holes the public-errors sweep found, closed as R/lme4 behave.

* ``fixef(add_dropped=)``, ``deviance(REML=)``, ``logLik(REML=)``: R's ``if ()`` reading
  (``logLik``: lme4's ``is.null(REML) || is.na(REML[1])`` means the fit's own criterion);
* ``fit.isSingular(tol)`` is ``pylme.isSingular(fit, tol)``;
* ``getME``: ``match.arg`` names (partial matching, R's error text), several names, ``"ALL"``;
* ``summary(digits=)``: R's reading of ``print(summary(fm), digits = )``, non-integer digits
  used as R uses them, R's errors for the rest;
* ``lmer(contrasts=)`` / ``lmer(data_name=)``;
* a constant response (σ̂ = 0): lme4's ``vcov`` warning and NA matrix, its ``summary`` error,
  ``logLik`` printed as R prints it.

Expected texts come from R 4.2.2 / lme4 1.1-31: the short ones inline, each with the R
expression that printed it; the summaries from ``tests/data/sweep_fixes/make_expected.R``
(``expected.json``, each entry with its ``r_expr``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import pathlib
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, DataError, DeprecatedUsageWarning, NumericalError, PylmeWarning
from pylme.printing import summary_text
from pylme.results.getme import CHOICES, LME4_NAMES
from pylme.results.model import LogLik
from pylme.results.text import merMod_inputs

ROOT = pathlib.Path(__file__).parents[2]
REF = json.loads((ROOT / "tests" / "data" / "sweep_fixes" / "expected.json").read_text())
SS = pylme.datasets.load("sleepstudy")


def _quiet(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


_FITS: dict = {}


def _fit(key: str) -> pylme.LmerFit:
    """The models of make_expected.R (and a rank-deficient one), fitted once."""
    makers = {
        "slope": lambda: pylme.lmer("Reaction ~ Days + (Days | Subject)", SS, data_name="sleepstudy"),
        "intercept": lambda: pylme.lmer("Reaction ~ Days + (1 | Subject)", SS, data_name="sleepstudy"),
        "intercept_ml": lambda: pylme.lmer("Reaction ~ Days + (1 | Subject)", SS, REML=False,
                                           data_name="sleepstudy"),
        "penicillin": lambda: pylme.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)",
                                         pylme.datasets.load("Penicillin"), data_name="Penicillin"),
        "pastes": lambda: pylme.lmer("strength ~ 1 + (1 | batch/cask)", pylme.datasets.load("Pastes")),
        "rank_deficient": lambda: pylme.lmer("Reaction ~ Days + Days2 + (1 | Subject)",
                                             SS.assign(Days2=2 * SS["Days"])),
        "const": lambda: pylme.lmer("y ~ 1 + (1 | g)", _CONST, data_name="d"),
        "const_ml": lambda: pylme.lmer("y ~ 1 + (1 | g)", _CONST, REML=False, data_name="d"),
    }
    if key not in _FITS:
        _FITS[key] = _quiet(makers[key])
    return _FITS[key]


# R: d <- data.frame(y = rep(1, 20), g = factor(rep(1:4, 5)))
_CONST = pd.DataFrame({"y": np.ones(20), "g": pd.Categorical([str(i) for i in [1, 2, 3, 4] * 5])})

# ---------------------------------------------------------------- flags read as R's if()
# R: fm <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy); print(logLik(fm), digits = 17)
LOGLIK_REML, LOGLIK_ML = -893.23254269746053, -897.04969976504674
# R: print(deviance(fm, REML = FALSE), digits = 17); print(REMLcrit(fm), digits = 17)
DEVIANCE_ML, REML_CRIT = 1794.0993995300935, 1786.4650853949211

#: values R's if() reads as TRUE / FALSE (R: if ("T"), if (-0.5), if (Inf) ... are TRUE)
R_TRUE = [True, np.bool_(True), 1, 2, -1, -0.5, math.inf, "TRUE", "true", "True", "T", [True], (1,),
          np.array([1.0]), pd.Series([True])]
R_FALSE = [False, np.bool_(False), 0, 0.0, "FALSE", "false", "False", "F", [False], np.array([0])]
#: values if() refuses, with R's text (R: if ("abc") ..., if (c(TRUE, FALSE)) ...)
R_REFUSED = [
    ("abc", "argument is not interpretable as logical"),
    ("yes", "argument is not interpretable as logical"),
    ("t", "argument is not interpretable as logical"),
    (object(), "argument is not interpretable as logical"),
    ({"a": 1}, "argument is not interpretable as logical"),
    (pd.DataFrame(), "argument is not interpretable as logical"),
    ([True, False], "the condition has length > 1"),
    ([1, "a"], "the condition has length > 1"),
    (np.ones((2, 2)), "the condition has length > 1"),
]


@pytest.mark.parametrize("value", R_TRUE + R_FALSE, ids=repr)
def test_fixef_add_dropped_is_read_as_r_if(value):
    # R: rd <- lmer(Reaction ~ Days + Days2 + (1|Subject), transform(sleepstudy, Days2 = 2 * Days))
    # fixef(rd, add.dropped = "T"): (Intercept) Days Days2=NA; add.dropped = "false": no Days2
    fe = _fit("rank_deficient").fixef(add_dropped=value)
    truth = any(value is v for v in R_TRUE)
    assert list(fe.index) == (["(Intercept)", "Days", "Days2"] if truth else ["(Intercept)", "Days"])
    assert np.isnan(fe["Days2"]) if truth else True
    np.testing.assert_allclose(fe.iloc[:2], [251.405104848484399, 10.467285959595962], rtol=1e-9)


@pytest.mark.parametrize("value, text", R_REFUSED + [(None, "argument is of length zero"),
                                                     ([], "argument is of length zero"),
                                                     (math.nan, "argument is not interpretable as logical"),
                                                     (pd.NA, "missing value where TRUE/FALSE needed")],
                         ids=repr)
def test_fixef_add_dropped_refused_with_r_text(value, text):
    # R: fixef(fm, add.dropped = NULL) -> argument is of length zero; = NA -> missing value ...
    with pytest.raises(ArgumentError, match="^" + re.escape(text) + r" \(add_dropped = "):
        _fit("intercept").fixef(add_dropped=value)


# R: fmML <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE)
# print(deviance(fmML), digits = 17); print(logLik(fmML, REML = TRUE), digits = 17)
DEVIANCE_ML_FIT, LOGLIK_ML_FIT_REML = 1794.0786430052258, -893.24266632644446
#: logLik(<model>, REML = TRUE / FALSE) in R
LOGLIK = {"intercept": (LOGLIK_REML, LOGLIK_ML), "intercept_ml": (LOGLIK_ML_FIT_REML, -DEVIANCE_ML_FIT / 2)}


@pytest.mark.parametrize("value", R_TRUE + R_FALSE, ids=repr)
@pytest.mark.parametrize("model", ["intercept", "intercept_ml"])
def test_loglik_reml_flag(value, model):
    # R: logLik(fm, REML = "T") -893.23254269746053; logLik(fm, REML = 0) -897.04969976504674;
    # logLik(fmML, REML = TRUE) -893.24266632644446; logLik(fmML, REML = "F") -897.0393215026129
    truth = any(value is v for v in R_TRUE)
    ll = _fit(model).logLik(REML=value)
    assert ll.reml is truth and ll.df == 4
    assert float(ll) == pytest.approx(LOGLIK[model][0 if truth else 1], rel=1e-9)


@pytest.mark.parametrize("value", [None, math.nan, np.float64("nan"), pd.NA, [], np.array([]), [math.nan]],
                         ids=repr)
def test_loglik_missing_reml_means_the_fits_own(value):
    # R: logLik(fm, REML = NA), logLik(fm, REML = NaN), logLik(fm, REML = logical(0)) -> -893.2325 (the
    # REML fit's own criterion: lme4 tests is.null(REML) || is.na(REML[1]))
    assert float(_fit("intercept").logLik(REML=value)) == pytest.approx(LOGLIK_REML, rel=1e-9)
    assert float(_fit("intercept_ml").logLik(REML=value)) == pytest.approx(-DEVIANCE_ML_FIT / 2, rel=1e-9)


@pytest.mark.parametrize("value, text", R_REFUSED, ids=repr)
def test_loglik_reml_refused_with_r_text(value, text):
    # R: logLik(fm, REML = "abc") -> argument is not interpretable as logical;
    # logLik(fm, REML = c(TRUE, FALSE)) -> the condition has length > 1
    with pytest.raises(ArgumentError, match="^" + re.escape(text) + r" \(REML = "):
        _fit("intercept").logLik(REML=value)


@pytest.mark.parametrize("value", R_TRUE + R_FALSE, ids=repr)
def test_deviance_reml_flag(value):
    # R: deviance(fm, REML = FALSE) 1794.0993995300935; pylme's deviance(REML = TRUE) is REMLcrit(fm)
    # 1786.4650853949211 (lme4 returns the ML deviance for any non-NULL REML: a documented difference)
    truth = any(value is v for v in R_TRUE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # only REML=None warns
        value_out = _fit("intercept").deviance(REML=value)
    assert value_out == pytest.approx(REML_CRIT if truth else DEVIANCE_ML, rel=1e-9)


def test_deviance_without_reml_warns_as_lme4():
    # R: deviance(fm) -> warning "deviance() is deprecated for REML fits; use REMLcrit ..." and REMLcrit
    with pytest.warns(DeprecatedUsageWarning, match=r"^deviance\(\) is deprecated for REML fits; use REMLcrit"):
        assert _fit("intercept").deviance() == pytest.approx(REML_CRIT, rel=1e-9)
    # R: deviance(fmML) 1794.0786430052258, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _fit("intercept_ml").deviance() == pytest.approx(DEVIANCE_ML_FIT, rel=1e-9)


@pytest.mark.parametrize("value, text", R_REFUSED + [([], "argument is of length zero"),
                                                     (math.nan, "argument is not interpretable as logical")],
                         ids=repr)
def test_deviance_reml_refused(value, text):
    # pylme reads REML as a flag (R's if() texts); lme4 would ignore the value (is.null only)
    with pytest.raises(ArgumentError, match="^" + re.escape(text) + r" \(REML = "):
        _fit("intercept").deviance(REML=value)


# ---------------------------------------------------------------- isSingular(tol)
# slope fit: theta 0.96674 0.01517 0.23091 with lower 0 -Inf 0
# R: isSingular(fm, tol = <tol>) for each tol below
TOL_ACCEPTED = [(1e-4, False), (0.2, False), (0.5, True), (1, True), (math.inf, True), (-1, False),
                (True, True), (False, False), (np.float32(0.5), True), (np.int64(1), True), (0, False)]
TOL_REFUSED = [None, "abc", "1", object(), pd.DataFrame(), [1, "a"], {"a": 1}, [], math.nan, np.ones((2, 2))]


@pytest.mark.parametrize("tol, expected", TOL_ACCEPTED, ids=repr)
def test_method_is_singular_is_the_function(tol, expected):
    fit = _fit("slope")
    assert fit.isSingular(tol) is expected
    assert pylme.isSingular(fit, tol) is expected


@pytest.mark.parametrize("tol", TOL_REFUSED, ids=repr)
def test_method_is_singular_refuses_as_the_function(tol):
    fit = _fit("slope")
    with pytest.raises(ArgumentError, match=r"^tol must be a number") as method:
        fit.isSingular(tol)
    with pytest.raises(ArgumentError) as function:
        pylme.isSingular(fit, tol)
    assert str(method.value) == str(function.value)


# ---------------------------------------------------------------- getME names
#: R: getME(fm, "nope") -> lme4's match.arg error (R 4.2.2's dQuote in a UTF-8 session)
R_GETME_CHOICES = (
    "'arg' should be one of “X”, “Z”, “Zt”, “Ztlist”, “mmList”, “y”, “mu”, “u”, “b”, “Gp”, “Tp”, “L”, "
    "“Lambda”, “Lambdat”, “Lind”, “Tlist”, “A”, “RX”, “RZX”, “sigma”, “flist”, “fixef”, “beta”, “theta”, "
    "“ST”, “REML”, “is_REML”, “n_rtrms”, “n_rfacs”, “N”, “n”, “p”, “q”, “p_i”, “l_i”, “q_i”, “k”, “m_i”, "
    "“m”, “cnms”, “devcomp”, “offset”, “lower”, “devfun”, “glmer.nb.theta”")


def test_getme_names_are_lme4s_in_lme4s_order():
    # R: eval(formals(lme4:::getME.merMod)$name)
    assert "'arg' should be one of " + ", ".join(f"“{n}”" for n in LME4_NAMES) == R_GETME_CHOICES
    assert CHOICES[: len(LME4_NAMES)] == LME4_NAMES


@pytest.mark.parametrize("name", ["nope", "l", "", "theta ", "THETA", 1, 2.5, True, ["theta", "nope"],
                                  ("nope", "beta"), np.ones((2, 2)), np.array(["Zt", "x"])], ids=repr)
def test_getme_unknown_names_give_match_arg_text(name):
    # R: getME(fm, "nope"), getME(fm, "l") (ambiguous), getME(fm, 1), getME(fm, c("theta", "nope"))
    with pytest.raises(ArgumentError) as info:
        _fit("slope").getME(name)
    assert str(info.value).startswith(R_GETME_CHOICES + ", “weights”, “optinfo” (name = ")


@pytest.mark.parametrize("name", [None, [], (), np.array([], dtype=str)], ids=repr)
def test_getme_empty_name_is_length_zero(name):
    # R: getME(fm, NULL), getME(fm, character(0)) -> argument is of length zero
    with pytest.raises(ArgumentError, match=r"^argument is of length zero"):
        _fit("slope").getME(name)


@pytest.mark.parametrize("name", [{"a": "theta"}, object(), pd.DataFrame(), [["theta"], "beta", {"x": 1}]],
                         ids=repr)
def test_getme_non_text_names_refused(name):
    with pytest.raises(ArgumentError, match=r"getME\(\) names must be text"):
        _fit("slope").getME(name)


@pytest.mark.parametrize("name, full", [("the", "theta"), ("Lambdat", "Lambdat"), ("L", "L"), ("lo", "lower"),
                                        ("Gp", "Gp"), ("cn", "cnms"), ("is", "is_REML"), ("si", "sigma"),
                                        (["theta"], "theta"), (np.array(["beta"]), "beta")], ids=repr)
def test_getme_partial_and_single_names(name, full):
    # R: getME(fm, "the") is getME(fm, "theta"); getME(fm, "L") is L (an exact match wins)
    fit = _fit("slope")
    got, expected = fit.getME(name), fit.getME(full)
    if isinstance(expected, (pd.Series, np.ndarray)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    elif isinstance(expected, float):
        assert got == expected
    else:
        assert type(got) is type(expected)


@pytest.mark.parametrize("names", [["theta", "beta"], ("sigma", "the", "p"), pd.Series(["n", "q"]),
                                   np.array(["lower", "Gp", "m"])], ids=repr)
def test_getme_several_names_give_a_named_dict(names):
    # R: str(getME(fm, c("theta", "beta"))) -> List of 2: $ theta (named num), $ beta
    fit = _fit("slope")
    got = fit.getME(names)
    keys = list(names)
    assert list(got) == keys
    for key in keys:
        np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(fit.getME(key)))


def test_getme_all_and_new_names():
    fit = _fit("slope")
    everything = fit.getME("ALL")  # R: getME(fm, "ALL"): every name, in getME's order
    assert tuple(everything) == CHOICES
    # R: getME(fm, "Tp") -> beg__ 0, Subject 3
    tp = fit.getME("Tp")
    assert list(tp.index) == ["beg__", "Subject"] and tp.tolist() == [0.0, 3.0]
    # R: getME(fm, "ST") -> $Subject [0.96674177 0; 0.01569091 0.23091]
    np.testing.assert_allclose(fit.getME("ST")["Subject"], [[0.96674177, 0.0], [0.01569091, 0.23091]],
                               rtol=2e-5, atol=1e-12)
    assert math.isnan(fit.getME("glmer.nb.theta"))  # R: getME(fm, "glmer.nb.theta") -> NA
    # R: getME(lmer(strength ~ 1 + (1|batch/cask), Pastes), "Tp") -> beg__ 0, cask:batch 1, batch 2;
    # "ST" -> cask:batch 3.526902, batch 1.563461
    pastes = _fit("pastes")
    assert pastes.getME("Tp").to_dict() == {"beg__": 0.0, "cask:batch": 1.0, "batch": 2.0}
    st = pastes.getME("ST")
    assert list(st) == ["cask:batch", "batch"]
    np.testing.assert_allclose([st["cask:batch"][0, 0], st["batch"][0, 0]], [3.526902, 1.563461], rtol=1e-6)


# ---------------------------------------------------------------- summary(digits=)
def _r_digits(text: str):
    return True if text == "TRUE" else float(text)


SUMMARY_DIGITS = REF["summary_digits"]


@pytest.mark.parametrize("case", SUMMARY_DIGITS,
                         ids=[f"{c['model']}-{c['digits']}-{c.get('ddf', 'lme4')}" for c in SUMMARY_DIGITS])
def test_summary_with_non_integer_digits_prints_as_r(case):
    # R: case["r_expr"] (make_expected.R), e.g. print(summary(slope), digits = 3.7)
    fit = _fit(case["model"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = str(fit.summary(digits=_r_digits(case["digits"]), ddf=case.get("ddf")))
    assert text == case["stdout"], case["r_expr"]


DIGITS_ERRORS = [c for c in REF["digits_errors"] if c["error"] is not None]
#: R's digits expressions as Python values
_R_VALUES = {"NULL": None, "'3'": "3", "'abc'": "abc", "NA": pd.NA, "NaN": math.nan, "Inf": math.inf,
             "-Inf": -math.inf, "-1": -1, "-0.5": -0.5, "0": 0, "0.5": 0.5, "23": 23, "1e10": 1e10,
             "FALSE": False, "numeric(0)": [], "list(a = 1)": {"a": 1}}


@pytest.mark.parametrize("case", DIGITS_ERRORS, ids=[c["digits"] for c in DIGITS_ERRORS])
def test_summary_digits_refused_with_r_text(case):
    # R: case["r_expr"], e.g. print(summary(slope), digits = 0.5) -> invalid printing digits 0
    value = _R_VALUES[case["digits"]]
    with pytest.raises(ArgumentError) as info:
        _fit("slope").summary(digits=value)
    text = str(info.value)
    assert text.startswith(case["error"] + " (digits = "), (text, case["r_expr"])
    for warning in case["warnings"]:  # R: as.integer's "NAs introduced by coercion to integer range"
        assert text.endswith(warning)


@pytest.mark.parametrize("value, text", [
    ([3, 5], "'digits' must be a single number, got 2 values"), (np.ones((2, 2)), "'digits' must be a single"),
    ("4", "non-numeric argument to binary operator"), (object(), "non-numeric argument to binary operator"),
    (1 + 2j, "non-numeric argument to binary operator"), (pd.DataFrame(), "non-numeric argument"),
    (np.array([]), "invalid 'digits'"), (2**31, "invalid printing digits -2147483648"),
    (22.99, None), (1, None), (np.int32(5), None), (np.float64(4.0), None), ([4], None), (np.array([3.7]), None),
], ids=repr)
def test_summary_digits_other_values(value, text):
    fit = _fit("intercept")
    if text is None:  # accepted: the same text as the plain number (R: digits[1] of a length-1 vector)
        plain = np.asarray(value, dtype=float).ravel()[0]
        assert str(fit.summary(digits=value)) == str(fit.summary(digits=plain))
        return
    with pytest.raises(ArgumentError, match="^" + re.escape(text)):
        fit.summary(digits=value)


@pytest.mark.parametrize("fractional, whole", [(22.9, 22), (4.0, 4), (True, 1), (1.99, 1.5)], ids=repr)
def test_summary_digits_equivalences(fractional, whole):
    # R: print(summary(slope), digits = 22.9) prints as digits = 22 (make_expected.R: no error);
    # 1.99 and 1.5 round (floor(d + 0.5)) and truncate (as.integer) alike
    fit = _fit("slope")
    assert str(fit.summary(digits=fractional)) == str(fit.summary(digits=whole))


def test_digits_22_9_accepted_by_r():
    case = next(c for c in REF["digits_errors"] if c["digits"] == "22.9")
    assert case["error"] is None and case["stdout"].startswith("Linear mixed model fit by REML")


# ---------------------------------------------------------------- lmer(contrasts=, data_name=)
FC = "Reaction ~ f + (1 | Subject)"
SSF = SS.assign(f=pd.Categorical(["a", "b", "c"] * 60))


@pytest.mark.parametrize("value", ["contr.sum", "nope", math.nan, math.inf, -1, 0, np.ones((2, 2)), [1, "a"], [],
                                   ("contr.sum",), pd.Series({"f": "contr.sum"})], ids=repr)
def test_non_list_contrasts_ignored_with_r_warning(value):
    # R: lmer(F, d, contrasts = "contr.sum" / NA / Inf / -1 / 0 / matrix(1, 2, 2) / c(f = "contr.sum"))
    # -> warning "non-list contrasts argument ignored", the default coding
    with pytest.warns(PylmeWarning, match=r"^non-list contrasts argument ignored$"):
        dev = pylme.devfun(FC, SSF, contrasts=value)
    assert dev.inputs.X_full.contrasts == {"f": "contr.treatment"}


@pytest.mark.parametrize("value", [{}, dict()], ids=repr)
def test_empty_contrasts_list_must_be_named(value):
    # R: lmer(F, d, contrasts = list()) -> 'contrasts.arg' argument must be named
    with pytest.raises(DataError, match=r"^'contrasts.arg' argument must be named"):
        pylme.lmer(FC, SSF, contrasts=value)


@pytest.mark.parametrize("name", ["a", "Days", "Subject"])
def test_contrast_of_an_absent_variable_warns_as_r(name):
    # R: lmer(F, d, contrasts = list(a = 1)) / list(Days = "contr.sum") / list(Subject = "contr.sum")
    # -> warning "variable 'a' is absent, its contrast will be ignored"
    with pytest.warns(PylmeWarning, match=rf"^variable '{name}' is absent, its contrast will be ignored$"):
        pylme.devfun(FC, SSF, contrasts={name: "contr.sum"})


@pytest.mark.parametrize("value", [math.nan, 1, -1, 0, True, b"ss", ["ss"], ("a",), {"a": 1}, object(),
                                   pd.DataFrame(), np.ones((2, 2)), np.array("ss")], ids=repr)
def test_data_name_must_be_text(value):
    with pytest.raises(ArgumentError, match=r"^data_name must be None or a string"):
        pylme.lmer("Reaction ~ Days + (1 | Subject)", SS, data_name=value)


@pytest.mark.parametrize("value, line", [(None, None), ("sleepstudy", "   Data: sleepstudy"),
                                         (np.str_("ss"), "   Data: ss"), ("", "   Data: ")], ids=repr)
def test_data_name_text_or_none(value, line):
    fit = dataclasses.replace(_fit("intercept"), data_name=value)
    lines = str(fit.summary()).splitlines()
    assert (line in lines) if line is not None else not any(x.startswith("   Data:") for x in lines)


@pytest.mark.parametrize("value", [3, math.nan, ["ss"]], ids=repr)
def test_a_fit_cannot_carry_a_non_text_data_name(value):
    with pytest.raises(ArgumentError, match=r"^data_name must be None or a string"):
        dataclasses.replace(_fit("intercept"), data_name=value)


# ---------------------------------------------------------------- a constant response
CONST = REF["constant"]
VCOV_WARNING = CONST["vcov_nocor"]["warnings"][0]


@pytest.mark.parametrize("model, key", [("const", "summary"), ("const_ml", "summary_ml"),
                                        ("const", "summary_nocor")])
def test_constant_response_summary_fails_as_lme4(model, key):
    # R: print(summary(const)) -> warning "Computed variance-covariance matrix problem: not a positive
    # definite matrix;\nreturning NA matrix", then error "... not a positive definite matrix"
    case = CONST[key]
    assert case["error"].endswith("not a positive definite matrix")
    assert case["warnings"] == [VCOV_WARNING]
    correlation = False if key == "summary_nocor" else None
    with pytest.warns(PylmeWarning, match="^" + re.escape(VCOV_WARNING) + "$"):
        with pytest.raises(NumericalError, match=r"^not a positive definite matrix"):
            _fit(model).summary(correlation=correlation)


@pytest.mark.parametrize("model", ["const", "const_ml"])
def test_constant_response_vcov_is_lme4s_na_matrix(model):
    # R: print(vcov(const, correlation = FALSE)) -> the warning and an NA matrix
    assert CONST["vcov_nocor"]["stdout"] == "            (Intercept)\n(Intercept)          NA\n"
    with pytest.warns(PylmeWarning) as record:
        v = _fit(model).vcov()
    assert [str(w.message) for w in record if w.category is PylmeWarning] == [VCOV_WARNING]
    assert list(v.index) == list(v.columns) == ["(Intercept)"]
    assert v.shape == (1, 1) and np.isnan(v.iloc[0, 0])


@pytest.mark.parametrize("model, key, reml", [("const", "loglik", None), ("const_ml", "loglik_ml", None),
                                              ("const", "loglik_reml_ml", False)])
def test_constant_response_loglik_prints_inf_as_r(model, key, reml):
    # R: print(logLik(const)) -> 'log Lik.' Inf (df=3)
    assert repr(_fit(model).logLik(REML=reml)) + "\n" == CONST[key]["stdout"]


@pytest.mark.parametrize("model, key", [("const", "print"), ("const_ml", "print_ml")])
def test_constant_response_print_as_r(model, key):
    # R: print(const): the fit prints (no vcov is needed), with no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert repr(_fit(model)) + "\n" == CONST[key]["stdout"]


def test_all_nan_scaled_residuals_print_as_r():
    # R: lme4:::.prt.resids(residuals(const, "pearson", scaled = TRUE), digits = 4)
    inputs = dataclasses.replace(merMod_inputs(_fit("intercept")), scaled_residuals=np.full(20, np.nan))
    text = summary_text(inputs).text
    assert CONST["resids"]["stdout"] in text
    assert CONST["resids"]["stdout"] == ("Scaled residuals: \n   Min     1Q Median     3Q    Max \n"
                                         "    NA     NA     NA     NA     NA \n\n")


@pytest.mark.parametrize("value, text", [
    # R: print(structure(<value>, df = 3L, class = "logLik"))
    (-871.81407, "'log Lik.' -871.8141 (df=3)"), (12345678.9, "'log Lik.' 12345679 (df=3)"),
    (-0.000012345, "'log Lik.' -1.2345e-05 (df=3)"), (math.nan, "'log Lik.' NaN (df=3)"),
    (-math.inf, "'log Lik.' -Inf (df=3)"), (math.inf, "'log Lik.' Inf (df=3)"), (1e15, "'log Lik.' 1e+15 (df=3)"),
    (123456.75, "'log Lik.' 123456.8 (df=3)"),
], ids=repr)
def test_loglik_prints_as_r(value, text):
    assert repr(LogLik(value, df=3, nobs=10, reml=True)) == text


def test_loglik_of_a_fit_prints_as_r():
    # R: print(logLik(lmer(Reaction ~ Days + (1 | Subject), sleepstudy))) -> 'log Lik.' -893.2325 (df=4)
    assert repr(_fit("intercept").logLik()) == "'log Lik.' -893.2325 (df=4)"
