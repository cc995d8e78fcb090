"""Every argument of lmer()/devfun()/LmerControl/refit/datasets.load is read as R reads it.

One table per argument: rows R refuses (the value, the pylme error class, and a regex
anchored at the start of the message: R's / lme4's own words first) and rows R accepts
(the value and what it means).  Every refusal must be a :class:`pylme.errors.PylmeError`
of the stated class — never a raw ``TypeError``/``KeyError``/``IndexError``/NLopt error.

The R texts and numbers come from R 4.2.2 + lme4 1.1-31 (Matrix 1.5-3), e.g.
``lmer(Reaction ~ Days + (1|Subject), sleepstudy, REML = "abc")`` →
``argument is not interpretable as logical``; each table says which R call made it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from argument_checking import F, F_SLOPE, N, NA_DATA, REML_ACCEPTED, SS, quiet, refused, with_nan
from pylme.arguments import r_verbose
from pylme.control import LmerControl
from pylme.errors import (ArgumentError, ControlError, DataError, FormulaError, OptimizerError,
                          PylmeWarning)

# --- REML: R's if (REML) ------------------------------------------------------------------------
# R: lmer(Reaction ~ Days + (1|Subject), sleepstudy, REML = <value>)
REML_REFUSED = [
    ("abc", r"argument is not interpretable as logical"),
    ("NA", r"argument is not interpretable as logical"),
    ("yes", r"argument is not interpretable as logical"),
    (float("nan"), r"argument is not interpretable as logical"),  # REML = NaN
    (np.float64("nan"), r"argument is not interpretable as logical"),
    ({"a": 1}, r"argument is not interpretable as logical"),  # REML = list(TRUE)
    (None, r"argument is of length zero"),  # REML = NULL
    ([], r"argument is of length zero"),  # REML = logical(0)
    (np.array([], dtype=bool), r"argument is of length zero"),
    ([True, False], r"the condition has length > 1"),  # REML = c(TRUE, FALSE)
    (np.array([False, True]), r"the condition has length > 1"),
    (pd.Series([True, True]), r"the condition has length > 1"),
    (pd.NA, r"missing value where TRUE/FALSE needed"),  # REML = NA
]


@pytest.mark.parametrize("value, pattern", REML_REFUSED, ids=repr)
def test_reml_refused_as_by_r_if(value, pattern):
    refused(lambda: pylme.lmer(F, SS, REML=value), ArgumentError, pattern)
    refused(lambda: pylme.devfun(F, SS, REML=value), ArgumentError, pattern)


@pytest.mark.parametrize("value, is_reml", REML_ACCEPTED, ids=repr)
def test_reml_accepted_with_r_meaning(value, is_reml):
    assert pylme.devfun(F, SS, REML=value).inputs.REML is is_reml


def test_reml_string_fits_as_r():
    # R: lmer(F, sleepstudy, REML = "FALSE"): isREML FALSE, deviance 1794.078643005226,
    # theta 1.1656117886 (the ML fit)
    fit = quiet(lambda: pylme.lmer(F, SS, REML="FALSE"))
    assert not fit.is_REML
    assert fit.opt.fval == pytest.approx(1794.078643005226, abs=1e-9)
    assert fit.theta[0] == pytest.approx(1.1656117886, abs=1e-9)


# --- verbose: as.integer(verbose), then if () ---------------------------------------------------
# R: lmer(F, sleepstudy, verbose = <value>)
VERBOSE_REFUSED = [
    ("a", r"missing value where TRUE/FALSE needed \(verbose = 'a': NAs introduced by coercion"),
    ("", r"missing value where TRUE/FALSE needed"),
    (float("nan"), r"missing value where TRUE/FALSE needed"),  # verbose = NA
    (float("inf"), r"missing value where TRUE/FALSE needed"),  # as.integer(Inf) is NA
    (1e12, r"missing value where TRUE/FALSE needed"),  # beyond R's integers
    (None, r"argument is of length zero"),  # verbose = NULL
    ([], r"argument is of length zero"),
    ([1, 2], r"the condition has length > 1"),  # verbose = c(1, 2)
    ({"a": 1}, r"'verbose' must be a number or a flag"),
]
VERBOSE_ACCEPTED = [  # value, as.integer(value)
    (0, 0), (1, 1), (3, 3), (True, 1), (False, 0), ("1", 1), (" 2 ", 2), ("1.9", 1), (0.5, 0),
    (2.9, 2), (-1, -1), (-1.5, -1), (np.int64(3), 3), ([1], 1), (np.array([2.0]), 2),
]


@pytest.mark.parametrize("value, pattern", VERBOSE_REFUSED, ids=repr)
def test_verbose_refused_as_by_r(value, pattern):
    refused(lambda: pylme.lmer(F, SS, verbose=value), ArgumentError, pattern)


@pytest.mark.parametrize("value, level", VERBOSE_ACCEPTED, ids=repr)
def test_verbose_reads_as_r_as_integer(value, level):
    assert r_verbose(value) == level


@pytest.mark.parametrize("value, prints", [(0.5, False), (-1, False), ("1", True), (True, True)])
def test_verbose_level_decides_the_trace(value, prints, capsys):
    # R: verbose = 0.5 and -1 print nothing; verbose = "1" prints "iteration: 1\n\tf(x) = 1789.113872"
    quiet(lambda: pylme.lmer(F, SS, verbose=value))
    out = capsys.readouterr().out
    assert ("iteration: 1" in out) is prints


# --- na_action -------------------------------------------------------------------------------------
# R takes na.action as a function or its name ("na.omit"); pylme takes the name, R's
# function names, and unique prefixes (match.arg's rule).
NA_ACTION_ACCEPTED = [
    ("omit", "omit"), ("o", "omit"), ("om", "omit"), ("exclude", "exclude"), ("e", "exclude"),
    ("excl", "exclude"), ("fail", "fail"), ("f", "fail"), ("na.omit", "omit"), ("na.exclude", "exclude"),
    ("na.fail", "fail"), ("na.ex", "exclude"),
]
NA_ACTION_REFUSED = [
    ("drop", r"na_action must be one of “omit”, “exclude”, “fail”"),
    ("", r"na_action must be one of"),
    ("na.", r"na_action must be one of"),
    ("omitted", r"na_action must be one of"),
    ("OMIT", r"na_action must be one of"),
    (None, r"na_action must be one of"),  # R: na.action = NULL does no NA handling at all
    (3, r"na_action must be one of"),  # R: attempt to apply non-function
    (["omit"], r"na_action must be one of"),
    ("pass", r"na_action 'pass' \(R's na.pass\) is not supported"),
    ("na.pass", r"na_action 'pass' \(R's na.pass\) is not supported"),
]


@pytest.mark.parametrize("value, action", NA_ACTION_ACCEPTED, ids=repr)
def test_na_action_accepts_names_and_unique_prefixes(value, action):
    if action == "fail":  # R: lmer(F, s2, na.action = "na.fail") -> missing values in object
        refused(lambda: pylme.devfun(F, NA_DATA, na_action=value), DataError, r"missing values in object")
        return
    inputs = quiet(lambda: pylme.devfun(F, NA_DATA, na_action=value)).inputs
    assert inputs.frame.na_action == action
    assert inputs.n == N - 1  # R: nobs 179


@pytest.mark.parametrize("value, pattern", NA_ACTION_REFUSED, ids=repr)
def test_na_action_refused(value, pattern):
    refused(lambda: pylme.lmer(F, NA_DATA, na_action=value), DataError, pattern)


# --- data and formula --------------------------------------------------------------------------
DATA_REFUSED = [
    ([1, 2, 3], DataError, r"data must be a pandas DataFrame, got list"),
    (None, DataError, r"data must be a pandas DataFrame, got NoneType"),
    (3, DataError, r"data must be a pandas DataFrame, got int"),
    ("sleepstudy", DataError, r"data must be a pandas DataFrame, got str"),
    (np.ones((3, 3)), DataError, r"data must be a pandas DataFrame, got ndarray"),  # R: first argument must be a named list
    ({"Reaction": [1.0, 2.0], "Days": [1.0]}, DataError, r"variable lengths differ \(found for 'Days'\)"),
    ({1: [1.0, 2.0]}, DataError, r"first argument must be a named list"),
    ({"Reaction": np.ones((2, 2))}, DataError, r"data column 'Reaction' must be one-dimensional"),
]


@pytest.mark.parametrize("value, error, pattern", DATA_REFUSED, ids=lambda v: type(v).__name__)
def test_data_refused(value, error, pattern):
    refused(lambda: pylme.lmer(F, value), error, pattern)


def test_data_as_a_mapping_of_columns_is_r_named_list():
    # R: lmer(F, as.list(sleepstudy)): theta 1.1978815328, REML criterion 1786.465085394921
    columns = {name: SS[name] for name in SS}
    fit = quiet(lambda: pylme.lmer(F, columns))
    assert fit.theta[0] == pytest.approx(1.1978815328, abs=1e-9)
    assert fit.opt.fval == pytest.approx(1786.465085394921, abs=1e-9)
    plain = {name: SS[name].to_list() if name != "Subject" else SS[name] for name in SS}
    assert quiet(lambda: pylme.devfun(F, plain)).inputs.n == N


@pytest.mark.parametrize("value", [None, 3, [F], (F,), b"Reaction ~ Days + (1|Subject)"], ids=repr)
def test_formula_must_be_text(value):
    refused(lambda: pylme.lmer(value, SS), FormulaError, r"formula must be a string")


# --- weights and offset ------------------------------------------------------------------------
# R: lmer(F, sleepstudy, weights = <value>) / offset = <value>
WEIGHTS_REFUSED = [
    (np.ones((N, 2)), r"length\(weights\) == n is not TRUE"),  # weights = matrix(1, n, 2)
    (np.ones((1, N)), r"variable lengths differ \(found for '\(weights\)'\)"),
    (np.ones(10), r"variable lengths differ \(found for '\(weights\)'\)"),  # weights = rep(1, 10)
    (2.0, r"variable lengths differ \(found for '\(weights\)'\)"),  # weights = 2
    (pd.DataFrame({"a": np.ones(N)}), r"invalid type \(list\) for variable '\(weights\)'"),  # data.frame(a = ...)
    ({"a": np.ones(N)}, r"invalid type \(list\) for variable '\(weights\)'"),  # as.list(...)
    ([[1.0]] * (N - 1) + [[1.0, 2.0]], r"invalid type \(list\) for variable '\(weights\)'"),
    (np.ones((N, 1, 1)), r"weights must be a vector with one value per row"),
    (["a"] * N, r"weights must be numeric: 'a' is not a number"),  # R: objective in x0 returns NA
    (pd.Categorical(["a", "b"] * (N // 2)), r"weights must be numeric, not a factor"),  # R: all(weights >= 0) ...
    (np.r_[-1.0, np.ones(N - 1)], r"all\(weights >= 0\) is not TRUE"),
    (np.r_[np.inf, np.ones(N - 1)], r"weights must be finite"),  # R: objective in x0 returns NA
    (np.full(N, 1 + 1j), r"weights must be numeric"),
]
OFFSET_REFUSED = [
    (np.ones((N, 2)), r"length\(offset\) == N is not TRUE"),  # offset = matrix(1, n, 2)
    (np.ones(10), r"variable lengths differ \(found for '\(offset\)'\)"),
    (2.0, r"variable lengths differ \(found for '\(offset\)'\)"),
    (pd.DataFrame({"a": np.ones(N)}), r"invalid type \(list\) for variable '\(offset\)'"),
    (["a"] * N, r"'offset' must be numeric"),  # offset = rep("a", n)
    (["2"] * N, r"'offset' must be numeric"),
    ([True] * N, r"'offset' must be numeric"),  # offset = rep(TRUE, n)
    (np.r_[np.inf, np.zeros(N - 1)], r"offset must be finite"),  # R: objective in x0 returns NA
]


@pytest.mark.parametrize("value, pattern", WEIGHTS_REFUSED, ids=lambda v: type(v).__name__)
def test_weights_refused_as_by_r(value, pattern):
    refused(lambda: pylme.lmer(F, SS, weights=value), DataError, pattern)


@pytest.mark.parametrize("value, pattern", OFFSET_REFUSED, ids=lambda v: type(v).__name__)
def test_offset_refused_as_by_r(value, pattern):
    refused(lambda: pylme.lmer(F, SS, offset=value), DataError, pattern)


# R: theta of lmer(F, sleepstudy, weights = <R value>) (REML criterion where it changes)
WEIGHTS_ACCEPTED = [
    ("matrix(1, n, 1)", np.ones((N, 1)), N, 1.1978815328),
    ("rep(TRUE, n)", [True] * N, N, 1.1978815328),
    ('rep("2", n)', ["2"] * N, N, 0.8470301752),
    ("c(NaN, rep(1, n-1))", with_nan(np.ones(N)), N - 1, 1.2151005977),
    ("c(NA, rep(1, n-1))", [None] + [1.0] * (N - 1), N - 1, 1.2151005977),
    ("pandas Series", pd.Series(np.ones(N)), N, 1.1978815328),
]


@pytest.mark.parametrize("r_value, value, nobs, theta", WEIGHTS_ACCEPTED, ids=[w[0] for w in WEIGHTS_ACCEPTED])
def test_weights_accepted_with_r_meaning(r_value, value, nobs, theta):
    fit = quiet(lambda: pylme.lmer(F, SS, weights=value))
    assert fit.nobs == nobs
    assert fit.theta[0] == pytest.approx(theta, abs=1e-9)


@pytest.mark.parametrize("value, nobs", [(np.ones((N, 1)), N), (with_nan(np.ones(N)), N - 1),
                                         (pd.Series(np.ones(N)), N)], ids=["matrix", "NaN", "Series"])
def test_offset_accepted_with_r_meaning(value, nobs):
    # R: lmer(F, sleepstudy, offset = matrix(1, n, 1)): theta 1.1978815329, criterion 1786.465085394921
    fit = quiet(lambda: pylme.lmer(F, SS, offset=value))
    assert fit.nobs == nobs
    if nobs == N:
        assert fit.theta[0] == pytest.approx(1.1978815329, abs=1e-9)
        assert fit.opt.fval == pytest.approx(1786.465085394921, abs=1e-9)


# --- contrasts ---------------------------------------------------------------------------------
FC = "Reaction ~ Subject + (1|Days)"


@pytest.mark.parametrize("value", ["contr.sum", ["contr.sum"], 3, ("Subject", "contr.sum")], ids=repr)
def test_non_mapping_contrasts_are_ignored_with_r_warning(value):
    # R: lmer(Reaction ~ Days + (1|Subject), sleepstudy, contrasts = "contr.sum"): warning
    # "non-list contrasts argument ignored", theta 1.1978815328 (the default coding)
    with pytest.warns(PylmeWarning, match=r"^non-list contrasts argument ignored$"):
        fit = pylme.devfun(FC, SS, contrasts=value)
    assert fit.inputs.X_full.contrasts == pylme.devfun(FC, SS).inputs.X_full.contrasts


@pytest.mark.parametrize("value", [{1: "contr.sum"}, {"": "contr.sum"}, {None: "contr.sum"}], ids=repr)
def test_contrast_names_must_be_text(value):
    # R: contrasts = list("contr.sum") -> 'contrasts.arg' argument must be named
    refused(lambda: pylme.lmer(FC, SS, contrasts=value), DataError, r"'contrasts.arg' argument must be named")


def test_a_none_contrast_is_dropped_as_r_null():
    # R: contrasts = list(Subject = NULL) fits with the default coding (theta 0.9917072259)
    assert (pylme.devfun(FC, SS, contrasts={"Subject": None}).inputs.X_full.contrasts
            == pylme.devfun(FC, SS).inputs.X_full.contrasts)


# --- start -------------------------------------------------------------------------------------
# R: lmer(F or F_SLOPE, sleepstudy, start = <value>[, control = lmerControl(optimizer = ...)])
START_REFUSED = [
    (F, "abc", None, ControlError, r"'start' must be NULL, a numeric vector or named list of such vectors$"),
    (F, True, None, ControlError, r"'start' must be NULL, a numeric"),  # start = TRUE
    (F, np.array([True]), None, ControlError, r"'start' must be NULL, a numeric"),
    (F, [None], None, ControlError, r"'start' must be NULL, a numeric"),  # start = NA
    (F, 1 + 2j, None, ControlError, r"'start' must be NULL, a numeric"),
    (F, [1.0, 2.0], None, ControlError, r"incorrect number of theta components \(!=1\)$"),
    (F, [], None, ControlError, r"incorrect number of theta components \(!=1\)$"),  # numeric(0)
    (F_SLOPE, [1.0, 2.0], None, ControlError, r"incorrect number of theta components \(!=3\)$"),
    (F, {"theta": [1.0, 2.0]}, None, ControlError, r"incorrect number of theta components \(!=1\)$"),
    (F, {"beta": [1.0, 2.0]}, None, ControlError, r"incorrect components in start list: beta$"),
    (F, {"theta": 2, "junk": 1}, None, ControlError, r"incorrect components in start list: junk$"),
    (F, {"par": 2}, None, ControlError, r"incorrect components in start list: par$"),
    (F, {"theta": "a"}, None, ControlError, r"all elements of start must be numeric$"),
    (F, {"theta": None}, None, ControlError, r"all elements of start must be numeric$"),
    (F, {"theta": 1, "fixef": "a"}, None, ControlError, r"all elements of start must be numeric$"),
    # the optimizer's own refusals (nloptr / minqa / lme4 Nelder_Mead)
    (F, -1.0, "nloptwrap", OptimizerError, r"at least one element in x0 < lb"),
    (F_SLOPE, [-1.0, 0.0, 1.0], "nloptwrap", OptimizerError, r"at least one element in x0 < lb"),
    (F, np.nan, "nloptwrap", OptimizerError, r"x0 contains NA"),
    (F_SLOPE, [-1.0, np.nan, 1.0], "nloptwrap", OptimizerError, r"x0 contains NA"),
    (F, np.inf, "nloptwrap", OptimizerError, r"objective in x0 returns NA"),
    (F, -1.0, "bobyqa", OptimizerError, r"Starting values violate bounds"),
    (F, np.nan, "bobyqa", OptimizerError, r"missing value where TRUE/FALSE needed"),
    (F, np.inf, "bobyqa", OptimizerError, r"all\(is.finite\(par\)\) is not TRUE"),
    (F, -1.0, "Nelder_Mead", OptimizerError, r"all\(x0 >= lower\) is not TRUE"),
    (F, np.nan, "Nelder_Mead", OptimizerError, r"all\(x0 >= lower\) is not TRUE"),
    (F, np.inf, "Nelder_Mead", OptimizerError, r"all\(is.finite\(x0\)\) is not TRUE"),
    (F, np.nan, None, OptimizerError, r"missing value where TRUE/FALSE needed"),  # optimizer = NULL
    (F, np.inf, None, OptimizerError, r"the deviance is not defined at an infinite theta"),  # R: NaN fit
]


@pytest.mark.parametrize("formula, value, optimizer, error, pattern", START_REFUSED,
                         ids=[f"{r[1]!r}-{r[2]}" for r in START_REFUSED])
def test_start_refused_as_by_lme4(formula, value, optimizer, error, pattern):
    control = LmerControl(optimizer=optimizer)
    refused(lambda: pylme.lmer(formula, SS, start=value, control=control), error, pattern)


# R: getME(lmer(F, sleepstudy, start = <R value>), "theta") and its REML criterion
START_ACCEPTED = [
    ("2", 2, 1.1978816614),
    ("c(Subject.x = 2)", pd.Series([2.0], index=["Subject.x"]), 1.1978816614),
    ("matrix(2, 1, 1)", np.array([[2.0]]), 1.1978816614),
    ("list(theta = 2)", {"theta": 2}, 1.1978816614),
    ("list(theta = 2, fixef = c(250, 10))", {"theta": 2, "fixef": [250, 10]}, 1.1978816614),
    ("1L", np.int64(2), 1.1978816614),  # R errors for an integer (REAL()); pylme reads it as a number
    ("list(fixef = c(1, 2))", {"fixef": [1, 2]}, 1.1978815325),  # no theta: lme4's start 1, not its heuristic
    ("list()", {}, 1.1978815325),
    ("1", 1.0, 1.1978815325),
    ("0", 0.0, 1.1978815329),
]


@pytest.mark.parametrize("r_value, value, theta", START_ACCEPTED, ids=[s[0] for s in START_ACCEPTED])
def test_start_accepted_with_lme4_meaning(r_value, value, theta):
    fit = quiet(lambda: pylme.lmer(F, SS, start=value))
    # the end points differ by < 1e-8 where NLopt's path forks from nloptr's in the last bits
    assert fit.theta[0] == pytest.approx(theta, abs=2e-8)
    assert fit.opt.fval == pytest.approx(1786.465085394921, abs=1e-9)


def test_start_without_theta_uses_lme4_unit_start_not_the_heuristic():
    # R: start = list() and start = 1 give the same fit (theta 1.1978815325); start = NULL
    # uses the intercept-only heuristic (theta 1.1978815328)
    assert pylme.devfun(F, SS, start={}).theta0.tolist() == [1.0]
    assert pylme.devfun(F, SS, start={"fixef": [1, 2]}).theta0.tolist() == [1.0]
    assert pylme.devfun(F, SS).theta0[0] != 1.0


@pytest.mark.parametrize("value, theta", [
    ([1.0, -0.5, 1.0], [0.9667357847, 0.0151703426, 0.2309107315]),  # off-diagonal: no bound
    (np.ones((3, 1)), [0.9667292834, 0.0151712928, 0.2309101238]),  # matrix(1, 3, 1)
], ids=["negative-offdiagonal", "matrix"])
def test_start_of_a_vector_valued_term(value, theta):
    # R: getME(lmer(F_SLOPE, sleepstudy, start = <value>), "theta")
    fit = quiet(lambda: pylme.lmer(F_SLOPE, SS, start=value))
    np.testing.assert_allclose(fit.theta, theta, atol=2e-7)


def test_negative_start_without_optimizer_is_evaluated_as_lme4():
    # R: lmer(F, sleepstudy, start = -1, control = lmerControl(optimizer = NULL)):
    # theta -1, REML criterion 1787.398920694375, singular message
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pylme.lmer(F, SS, start=-1, control=LmerControl(optimizer=None))
    assert fit.theta.tolist() == [-1.0]
    assert fit.opt.fval == pytest.approx(1787.398920694375, abs=1e-9)
    assert any("boundary (singular) fit" in str(w.message) for w in caught)


# --- devfun's θ --------------------------------------------------------------------------------
DEVFUN = pylme.devfun(F, SS)


@pytest.mark.parametrize("value, error, pattern", [
    ([1.0, 2.0], ControlError, r"incorrect number of theta components \(!=1\)$"),  # R: theta size mismatch
    (None, ControlError, r"incorrect number of theta components \(!=1\)$"),
    ([], ControlError, r"incorrect number of theta components \(!=1\)$"),
    ("a", ArgumentError, r"theta must be numeric"),  # R: NA with "NAs introduced by coercion"
    ({"theta": 1}, ArgumentError, r"theta must be numeric"),
], ids=repr)
def test_devfun_theta_refused(value, error, pattern):
    refused(lambda: DEVFUN(value), error, pattern)


@pytest.mark.parametrize("value, expected", [
    (np.nan, "nan"), (np.inf, "nan"), ([np.nan], "nan"),  # R: devf(NaN), devf(Inf) -> NaN
    (True, "at1"), ([[1.0]], "at1"), (pd.Series([1.0]), "at1"), (np.int64(1), "at1"),
], ids=repr)
def test_devfun_theta_accepted_as_r_as_double(value, expected):
    value_at_1 = DEVFUN(1.0)
    got = DEVFUN(value)
    if expected == "nan":
        assert np.isnan(got)
    else:
        assert got == value_at_1
