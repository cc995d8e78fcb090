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

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.arguments import match_arg, pmatch, r_flag, r_verbose
from pylme.control import ConvCheck, LmerControl, as_control
from pylme.errors import (ArgumentError, ControlError, ConvergenceWarning, DataCheckWarning, DataError,
                          FormulaError, OptimizerError, OptimizerWarning, PylmeError, PylmeWarning,
                          UnknownDatasetError)

SS = pylme.datasets.load("sleepstudy")
N = len(SS)
F = "Reaction ~ Days + (1|Subject)"
F_SLOPE = "Reaction ~ Days + (Days|Subject)"


def refused(call, error, pattern):
    """``call()`` raises ``error`` (a pylme error) whose message starts with ``pattern``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except PylmeError as exc:
            assert isinstance(exc, error), f"{type(exc).__name__}: {exc}"
            assert re.match(pattern, str(exc)), str(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a raw exception is the failure tested for
            pytest.fail(f"raw {type(exc).__name__}: {exc}")
    pytest.fail("no error raised")


def quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def with_nan(values, row=0):
    out = np.array(values, dtype=float)
    out[row] = np.nan
    return out


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
REML_ACCEPTED = [  # value, isREML(fit) in R
    ("FALSE", False), ("false", False), ("F", False), ("False", False),
    ("TRUE", True), ("true", True), ("T", True), ("True", True),
    (0, False), (0.0, False), (np.int64(0), False), (1, True), (2, True), (0.5, True), (-1, True),
    (1j, True), (np.bool_(False), False), (np.array([False]), False), ([True], True),
    (np.array(1.0), True), (pd.Series([0]), False),
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
NA_DATA = SS.assign(Reaction=with_nan(SS.Reaction, 2))
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


# --- LmerControl ---------------------------------------------------------------------------------
# lme4 1.1-31 lmerControl(<field> = <value>) and a fit with it
CONTROL_REFUSED = [
    # match.arg fields (R 4.2.2 text)
    ({"check_rankX": "s"}, r"'arg' should be one of “message\+drop\.cols”, “silent\.drop\.cols”, "
                           r"“warn\+drop\.cols”, “stop\.deficient”, “ignore”"),  # ambiguous prefix
    ({"check_rankX": "junk"}, r"'arg' should be one of “message\+drop\.cols”"),
    ({"check_rankX": ""}, r"'arg' should be one of"),
    ({"check_rankX": ["stop.deficient", "ignore"]}, r"'arg' must be of length 1"),
    ({"check_rankX": 1}, r"'arg' must be NULL or a character vector"),
    ({"check_scaleX": "w"}, r"'arg' should be one of “warning”, “stop”, “silent\.rescale”, "
                            r"“message\+rescale”, “warn\+rescale”, “ignore”"),
    ({"check_scaleX": "warn"}, r"'arg' should be one of “warning”"),  # warning / warn+rescale
    ({"check_scaleX": "s"}, r"'arg' should be one of “warning”"),
    # checkCtrlLevels fields: exact names, R's sQuote
    ({"check_nlev_gtr_1": "w"}, r"invalid control level ‘w’ in check\.nlev\.gtr\.1: valid options are "
                                r"\{‘message’,‘warning’,‘stop’,‘ignore’\}$"),
    ({"check_nlev_gtr_1": 3}, r"invalid control level ‘3’ in check\.nlev\.gtr\.1"),
    ({"check_nobs_vs_nRE": "warningSmall"}, r"invalid control level ‘warningSmall’ in check\.nobs\.vs\.nRE"),
    ({"check_nobs_vs_nlev": "stopSmall"}, r"invalid control level ‘stopSmall’ in check\.nobs\.vs\.nlev"),
    ({"check_nlev_gtreq_5": "Warning"}, r"invalid control level ‘Warning’ in check\.nlev\.gtreq\.5"),
    ({"check_formula_LHS": "ign"}, r"invalid control level ‘ign’ in check\.formula\.LHS: valid options are "
                                   r"\{‘message’,‘warning’,‘stop’,‘ignore’\}$"),
    ({"check_nobs_vs_rankZ": "warningS"}, r"invalid control level ‘warningS’ in check\.nobs\.vs\.rankZ: valid "
                                          r"options are \{‘message’,‘warning’,‘stop’,‘ignore’,‘messageSmall’,"
                                          r"‘warningSmall’,‘stopSmall’,‘ignoreSmall’\}$"),
    # convergence checks
    ({"check_conv_grad": "w"}, r"invalid control level ‘w’ in check\.conv\.grad: valid options are"),
    ({"check_conv_hess": {"action": "junk", "tol": 1}}, r"invalid control level ‘junk’ in check\.conv\.hess"),
    ({"check_conv_grad": 3}, r"check\.conv\* option copt must be a list"),
    ({"check_conv_grad": None}, r"check\.conv\* option copt must be a list"),
    ({"check_conv_grad": {"tol": 1e-3}}, r"check\.conv\* option copt has no 'action' string"),
    ({"check_conv_grad": {"action": "warning"}}, r"check\.conv\* option copt must have a numeric 'tol' component"),
    ({"check_conv_grad": {"action": "warning", "tol": "a"}}, r"must have a numeric 'tol' component"),
    ({"check_conv_grad": {"action": "warning", "tol": -1}}, r"'tol' must be number >= 0"),
    ({"check_conv_singular": {"action": "message", "tol": float("nan")}}, r"must have a numeric 'tol' component"),
    # flags: R's if ()
    ({"calc_derivs": "a"}, r"argument is not interpretable as logical"),
    ({"calc_derivs": None}, r"argument is of length zero"),
    ({"calc_derivs": [True, False]}, r"the condition has length > 1"),
    ({"restart_edge": "yes"}, r"argument is not interpretable as logical"),
    ({"restart_edge": pd.NA}, r"missing value where TRUE/FALSE needed"),
    ({"use_last_params": "a"}, r"argument is not interpretable as logical"),
    # boundary.tol
    ({"boundary_tol": "a"}, r"boundary_tol must be a single number"),  # R: accepted, then ignored
    ({"boundary_tol": None}, r"boundary_tol must be a single number"),  # R: argument is of length zero
    ({"boundary_tol": float("nan")}, r"missing value where TRUE/FALSE needed"),
    ({"boundary_tol": True}, r"boundary_tol must be a single number"),
    # optimizer
    ({"optimizer": "none"}, r"deprecated use of optimizer=='none'; use NULL instead$"),
    ({"optimizer": "junk"}, r"couldn't find optimizer function junk"),
    ({"optimizer": "bob"}, r"couldn't find optimizer function bob"),  # no partial matching (get())
    ({"optimizer": "nlminbwrap"}, r"optimizer 'nlminbwrap' is available in lme4 but not implemented in pylme"),
    ({"optimizer": "optimx"}, r"optimizer 'optimx' is available in lme4 but not implemented"),
    ({"optimizer": 3}, r"non-function specified as optimizer"),
    ({"optimizer": ["bobyqa", "Nelder_Mead"]}, r"non-function specified as optimizer"),
    ({"optimizer": len}, r"pylme does not take optimizer functions"),
    # optCtrl
    ({"opt_ctrl": 3}, r"is\.list\(optCtrl\) is not TRUE"),
    ({"opt_ctrl": [("maxeval", 5)]}, r"is\.list\(optCtrl\) is not TRUE"),
    ({"opt_ctrl": {"maxeval": "a"}}, r"optCtrl\$maxeval must be a single number"),
    ({"opt_ctrl": {"ftol_abs": "a"}}, r"optCtrl\$ftol_abs must be a single number"),
    ({"opt_ctrl": {"xtol_rel": [1e-3, 1e-4]}}, r"optCtrl\$xtol_rel must be a single number"),
    ({"opt_ctrl": {"xtol_rel": True}}, r"optCtrl\$xtol_rel must be a single number"),
    ({"opt_ctrl": {"xtol_rel": -1}}, r"optCtrl\$xtol_rel must be >= 0"),
    ({"opt_ctrl": {"ftol_rel": float("nan")}}, r"optCtrl\$ftol_rel must be finite"),
    ({"opt_ctrl": {"xtol_abs": float("inf")}}, r"optCtrl\$xtol_abs must be finite"),
    ({"opt_ctrl": {"maxeval": float("nan")}}, r"optCtrl\$maxeval must be finite"),
    ({"opt_ctrl": {"algorithm": "NLOPT_LN_COBYLA"}}, r"optCtrl option 'algorithm' of nloptwrap is not implemented"),
    ({"opt_ctrl": {"stopval": 1800}}, r"optCtrl option 'stopval' of nloptwrap is not implemented"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhobeg": -1}}, r"0 < ctrl\$rhobeg is not TRUE"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhoend": 0}}, r"0 < ctrl\$rhoend is not TRUE"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhobeg": 0.1, "rhoend": 1}}, r"ctrl\$rhoend <= ctrl\$rhobeg is not TRUE"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"maxfun": "a"}}, r"optCtrl\$maxfun must be a single number"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"maxfun": 0}}, r"optCtrl\$maxfun must be at least 1"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"npt": 5}}, r"optCtrl option 'npt' of bobyqa is not implemented"),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"xst": 0}}, r"0 < ctrl\$xst is not TRUE"),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"FtolAbs": "a"}}, r"optCtrl\$FtolAbs must be a single number"),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"warnOnly": True}}, r"optCtrl option 'warnOnly' of Nelder_Mead"),
]


@pytest.mark.parametrize("kwargs, pattern", CONTROL_REFUSED, ids=lambda v: repr(v)[:60])
def test_control_refused_at_construction(kwargs, pattern):
    refused(lambda: LmerControl(**kwargs), ControlError, pattern)


CONTROL_ACCEPTED = [  # kwargs, field, normalized value
    ({"check_rankX": "stop"}, "check_rankX", "stop.deficient"),  # lmerControl(check.rankX = "stop")
    ({"check_rankX": "mess"}, "check_rankX", "message+drop.cols"),
    ({"check_rankX": "si"}, "check_rankX", "silent.drop.cols"),
    ({"check_rankX": "w"}, "check_rankX", "warn+drop.cols"),
    ({"check_rankX": None}, "check_rankX", "message+drop.cols"),  # NULL: the first choice
    ({"check_rankX": ("message+drop.cols", "silent.drop.cols", "warn+drop.cols", "stop.deficient", "ignore")},
     "check_rankX", "message+drop.cols"),  # the whole choices vector: R's default
    ({"check_rankX": ["ig"]}, "check_rankX", "ignore"),
    ({"check_scaleX": "warni"}, "check_scaleX", "warning"),
    ({"check_scaleX": "warn+"}, "check_scaleX", "warn+rescale"),
    ({"check_scaleX": "sil"}, "check_scaleX", "silent.rescale"),
    ({"check_scaleX": "st"}, "check_scaleX", "stop"),
    ({"check_nlev_gtr_1": None}, "check_nlev_gtr_1", "stop"),  # NULL: lme4's default
    ({"check_nobs_vs_rankZ": "messageSmall"}, "check_nobs_vs_rankZ", "messageSmall"),
    ({"check_nobs_vs_rankZ": "ignoreSmall"}, "check_nobs_vs_rankZ", "ignoreSmall"),
    ({"check_formula_LHS": "warning"}, "check_formula_LHS", "warning"),
    ({"calc_derivs": "FALSE"}, "calc_derivs", False),  # lmerControl(calc.derivs = "FALSE")
    ({"calc_derivs": 0}, "calc_derivs", False),
    ({"restart_edge": 0}, "restart_edge", False),
    ({"restart_edge": np.bool_(True)}, "restart_edge", True),
    ({"use_last_params": "T"}, "use_last_params", True),
    ({"boundary_tol": -1}, "boundary_tol", -1.0),  # R: boundary.tol = -1 turns the snap off
    ({"boundary_tol": np.float32(1e-4)}, "boundary_tol", float(np.float32(1e-4))),
    ({"boundary_tol": 0}, "boundary_tol", 0.0),
    ({"check_conv_grad": "ignore"}, "check_conv_grad", ConvCheck("ignore", 2e-3)),
    ({"check_conv_grad": {"action": "warning", "tol": 1e-3}}, "check_conv_grad", ConvCheck("warning", 1e-3)),
    ({"check_conv_grad": {"action": "warning", "tol": 1e-3, "relTol": 1e-2}}, "check_conv_grad",
     ConvCheck("warning", 1e-3, 1e-2)),
    ({"opt_ctrl": {"maxeval": 5.7}}, "opt_ctrl", {"maxeval": 5.7}),
    ({"opt_ctrl": {"maxeval": -1}}, "opt_ctrl", {"maxeval": -1}),  # NLopt: no limit, as nloptr
    ({"opt_ctrl": {"xtol_abs": 0, "ftol_abs": 1e-6}}, "opt_ctrl", {"xtol_abs": 0, "ftol_abs": 1e-6}),
    ({"optimizer": None, "opt_ctrl": {"anything": "goes"}}, "opt_ctrl", {"anything": "goes"}),  # not used
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhobeg": 0.5, "rhoend": 1e-7, "maxfun": 500}}, "opt_ctrl",
     {"rhobeg": 0.5, "rhoend": 1e-7, "maxfun": 500}),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"FtolAbs": 1e-6, "xst": 0.1}}, "opt_ctrl",
     {"FtolAbs": 1e-6, "xst": 0.1}),
]


@pytest.mark.parametrize("kwargs, name, value", CONTROL_ACCEPTED, ids=lambda v: repr(v)[:50])
def test_control_accepted_with_r_meaning(kwargs, name, value):
    control = LmerControl(**kwargs)
    assert getattr(control, name) == value
    assert type(getattr(control, name)) is type(value)


@pytest.mark.parametrize("optimizer, key", [("nloptwrap", "junk"), ("bobyqa", "maxeval"),
                                            ("Nelder_Mead", "xtol_rel"), ("bobyqa", "junk")])
def test_unknown_opt_ctrl_names_warn_as_minqa(optimizer, key):
    # R: lmerControl(optimizer = "bobyqa", optCtrl = list(junk = 1)) -> W "unused control
    # arguments ignored" (nloptr ignores them silently; pylme warns for all optimizers)
    with pytest.warns(OptimizerWarning, match=r"^unused control arguments ignored"):
        LmerControl(optimizer=optimizer, opt_ctrl={key: 1})


@pytest.mark.parametrize("kwargs, theta, crit", [
    ({"check_rankX": "stop"}, 1.1978815328, 1786.465085394921),  # matches "stop.deficient", X full rank
    ({"calc_derivs": "FALSE"}, 1.1978815328, 1786.465085394921),
    ({"restart_edge": 0}, 1.1978815328, 1786.465085394921),
    ({"boundary_tol": -1}, 1.1978815328, 1786.465085394921),
    ({"opt_ctrl": {"maxeval": 5}}, 1.2314702546, 1786.485426172859),  # + convergence code 5 warning
    ({"opt_ctrl": {"maxeval": 5.7}}, 1.2314702546, 1786.485426172859),  # as.integer(5.7)
    ({"opt_ctrl": {"maxeval": -1}}, 1.1978815328, 1786.465085394921),
    ({"optimizer": "bobyqa", "opt_ctrl": {"maxfun": 5}}, 1.1341506192, 1786.547048483849),
], ids=lambda v: repr(v)[:40])
def test_control_values_fit_as_lme4(kwargs, theta, crit):
    # R: lmer(F, sleepstudy, control = lmerControl(<R equivalent>)): getME(, "theta"), REMLcrit()
    fit = quiet(lambda: pylme.lmer(F, SS, control=LmerControl(**kwargs)))
    assert fit.theta[0] == pytest.approx(theta, abs=1e-9)
    assert fit.opt.fval == pytest.approx(crit, abs=1e-9)


def test_rank_x_stop_prefix_stops_as_lme4():
    # R: lmerControl(check.rankX = "stop") on a deficient X: the stop.deficient error
    refused(lambda: pylme.lmer("Reaction ~ Days + I(2 * Days) + (1|Subject)", SS,
                               control=LmerControl(check_rankX="stop")),
            pylme.errors.ModelSpecError, r"the fixed-effects model matrix is column rank deficient")


@pytest.mark.parametrize("control, error, pattern", [
    (3, ControlError, r"'control' is not a list; use lmerControl\(\)$"),
    ("bobyqa", ControlError, r"'control' is not a list"),
    ({"junk": 1}, ControlError, r"unused argument \(junk = 1\)$"),  # do.call(lmerControl, list(junk = 1))
    ({"check.rankX": "junk"}, ControlError, r"'arg' should be one of"),
], ids=repr)
def test_control_argument_refused(control, error, pattern):
    refused(lambda: as_control(control), error, pattern)


@pytest.mark.parametrize("mapping, field, value", [
    ({"optCtrl": {"maxeval": 10}}, "opt_ctrl", {"maxeval": 10}),  # R's names
    ({"check.conv.grad": "ignore"}, "check_conv_grad", ConvCheck("ignore", 2e-3)),
    ({"restart_edge": False}, "restart_edge", False),
    ({"check_rankX": "stop"}, "check_rankX", "stop.deficient"),
])
def test_control_as_mapping_reads_r_and_python_names(mapping, field, value):
    with pytest.warns(DeprecationWarning, match="passing control as list is deprecated"):
        assert getattr(as_control(mapping), field) == value


# --- refit's new response ------------------------------------------------------------------------
FIT = quiet(lambda: pylme.lmer(F, SS))
NA_FIT = quiet(lambda: pylme.lmer(F, NA_DATA))
# R: refit(lmer(F, sleepstudy), <newresp>)
REFIT_REFUSED = [
    (["a"] * N, r"response must be numeric$"),  # refit(m, rep("a", n))
    (SS.Reaction.astype(str).to_numpy(), r"response must be numeric$"),  # as.character(Reaction)
    (pd.Categorical(["a", "b"] * (N // 2)), r"response must be numeric$"),  # factor
    ("abc", r"response must be numeric$"),
    (np.arange(3.0), r"length\(newresp <- as.numeric\(as.vector\(newresp\)\)\) == length\(rr\$y\) is not TRUE"),
    (np.ones(N + 1), r"length\(newresp <- as.numeric"),
    (with_nan(SS.Reaction), r"NA/NaN/Inf in 'y'$"),
    ([None] + [1.0] * (N - 1), r"NA/NaN/Inf in 'y'$"),  # c(NA, ...)
    (np.r_[np.inf, SS.Reaction.to_numpy()[1:]], r"NA/NaN/Inf in 'y'$"),
    (SS, r"refit not implemented for 'newresp' lists of length > 1: consider ‘lapply\(object,refit\)’$"),
    ({"a": SS.Reaction}, r"refit not implemented for 'newresp' lists of length > 1"),
    (np.column_stack([SS.Reaction, SS.Reaction]), r"updateMu: Size mismatch"),
    ([[1.0, 2.0]] * (N - 1) + [[1.0]], r"refit not implemented for 'newresp' lists"),
]


@pytest.mark.parametrize("newresp, pattern", REFIT_REFUSED, ids=lambda v: type(v).__name__)
def test_refit_response_refused_as_lme4(newresp, pattern):
    refused(lambda: FIT.refit(newresp), DataError, pattern)


@pytest.mark.parametrize("newresp", [
    SS[["Reaction"]], SS.Reaction.to_numpy()[:, None], SS.Reaction, SS.Reaction.to_list(),
], ids=["one-column DataFrame", "matrix n x 1", "Series", "list"])
def test_refit_response_accepted_as_a_vector(newresp):
    # R: refit(m, sleepstudy["Reaction"]) and refit(m, cbind(sleepstudy$Reaction)) are the
    # same as refit(m, sleepstudy$Reaction)
    assert quiet(lambda: FIT.refit(newresp)).theta[0] == quiet(lambda: FIT.refit(SS.Reaction.to_numpy())).theta[0]


def test_refit_logical_response_counts_as_zero_one():
    # R: lmer(y ~ Days + (1|Subject), transform(sleepstudy, y = rep(c(TRUE, FALSE), 90))):
    # theta 0, REML criterion 267.389340707434 (refit gives the same theta)
    fit = quiet(lambda: FIT.refit(np.tile([True, False], N // 2)))
    assert fit.theta[0] == 0.0
    assert fit.opt.fval == pytest.approx(267.389340707434, abs=1e-8)


def test_refit_of_a_fit_with_dropped_rows_takes_the_data_length():
    # R: refit(lmer(F, s2), sleepstudy$Reaction) with s2$Reaction[3] NA: nobs 179; a response
    # NA on the dropped row is accepted too
    assert quiet(lambda: NA_FIT.refit(SS.Reaction)).nobs == N - 1
    assert quiet(lambda: NA_FIT.refit(NA_DATA.Reaction)).nobs == N - 1
    assert quiet(lambda: NA_FIT.refit(NA_DATA.Reaction.dropna())).nobs == N - 1


# --- datasets.load -------------------------------------------------------------------------------
@pytest.mark.parametrize("name, hint", [
    ("nope", ""), ("Sleepstudy", r" \(names are case-sensitive: did you mean 'sleepstudy'\?\)"),
    ("", ""), (None, ""), (3, ""), (["sleepstudy"], ""), ({"a": 1}, ""), (np.array(["cake"]), ""),
], ids=repr)
def test_unknown_dataset_lists_the_available_names(name, hint):
    # R: data("nope") -> warning "data set ‘nope’ not found"
    with pytest.raises(UnknownDatasetError) as info:
        pylme.datasets.load(name)
    assert isinstance(info.value, KeyError) and isinstance(info.value, DataError)
    text = str(info.value)
    assert re.match(rf"data set ‘{re.escape(str(name))}’ not found: no dataset .* ships with pylme{hint}; "
                    r"available: cake, cbpp, Dyestuff", text), text
    with pytest.raises(UnknownDatasetError):
        pylme.datasets.info(name)


# --- a constant response (lme4 1.1-31 fits it and warns) --------------------------------------
CONSTANT = [
    # formula, y, start θ (lme4's θ̂ is rounding noise; pylme stays at the start)
    ("y ~ 1 + (1|Subject)", 1.0, [1.0]),
    ("y ~ 1 + (1|Subject)", 2.5, [1.0]),
    ("y ~ 1 + (1|Subject)", 0.0, [1.0]),
    ("y ~ Days + (1|Subject)", 1.0, [1.0]),
    ("y ~ Days + (Days|Subject)", 1.0, [1.0, 0.0, 1.0]),  # R: theta 1 0 1 as well
]


@pytest.mark.parametrize("formula, y, theta", CONSTANT, ids=[f"{c[0]}-{c[1]}" for c in CONSTANT])
@pytest.mark.parametrize("REML", [True, False])
def test_constant_response_gives_lme4s_degenerate_fit_and_warnings(formula, y, theta, REML):
    # R: m <- lmer(y ~ 1 + (1|Subject), transform(sleepstudy, y = 1)): REMLcrit -Inf,
    # sigma(m) 0, ranef 0, warnings "unable to evaluate scaled gradient" and "Problem with
    # Hessian check (infinite or missing values?)", optinfo$conv$lme4$code -6
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pylme.lmer(formula, SS.assign(y=y), REML=REML)
    assert fit.opt.fval == -np.inf
    assert fit.sigma == 0.0
    assert fit.theta.tolist() == theta
    assert np.all(fit.solution.u == 0.0)
    assert fit.conv.code == (-6,)
    assert fit.conv.messages == ("unable to evaluate scaled gradient",
                                 "Problem with Hessian check (infinite or missing values?)")
    kinds = [(w.category, str(w.message)) for w in caught]
    assert (ConvergenceWarning, "unable to evaluate scaled gradient") in kinds
    assert (ConvergenceWarning, "Problem with Hessian check (infinite or missing values?)") in kinds
    assert any(c is DataCheckWarning and m.startswith("the response is fitted exactly") for c, m in kinds)


def test_constant_response_checks_follow_the_control_actions():
    control = LmerControl(check_conv_grad="ignore", check_conv_hess="ignore")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pylme.lmer("y ~ 1 + (1|Subject)", SS.assign(y=1.0), control=control)
    assert fit.conv.messages == ()
    assert [w.category for w in caught] == [DataCheckWarning]


def test_refit_to_a_constant_response_warns_the_same():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = FIT.refit(np.full(N, 3.0))
    assert fit.opt.fval == -np.inf and fit.sigma == 0.0
    assert any(w.category is DataCheckWarning for w in caught)


def test_a_non_constant_response_is_not_flagged():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pylme.lmer(F, SS)
    assert not any(w.category is DataCheckWarning for w in caught)


# --- the helpers other modules call ----------------------------------------------------------------
CHOICES = ("profile", "Wald", "boot")


@pytest.mark.parametrize("value, expected", [
    ("profile", "profile"), ("p", "profile"), ("W", "Wald"), ("Wa", "Wald"), ("b", "boot"), (None, "profile"),
    (list(CHOICES), "profile"), (("boot",), "boot"),
], ids=repr)
def test_match_arg_accepts_as_r(value, expected):
    # R: match.arg(<value>, c("profile", "Wald", "boot"))
    assert match_arg(value, CHOICES, "method") == expected


@pytest.mark.parametrize("value, pattern", [
    ("bad", r"'arg' should be one of “profile”, “Wald”, “boot” \(method = 'bad'\)$"),
    ("", r"'arg' should be one of “profile”, “Wald”, “boot”"),  # R: match.arg("", ...)
    ("w", r"'arg' should be one of"),  # case matters
    (["p", "W"], r"'arg' must be of length 1"),
    ([], r"'arg' must be of length 1"),
    (3, r"'arg' must be NULL or a character vector"),
    (True, r"'arg' must be NULL or a character vector"),
], ids=repr)
def test_match_arg_refuses_as_r(value, pattern):
    refused(lambda: match_arg(value, CHOICES, "method"), ArgumentError, pattern)


def test_match_arg_takes_the_caller_error_class():
    with pytest.raises(ControlError):
        match_arg("x", CHOICES, "method", error=ControlError)


@pytest.mark.parametrize("value, choices, expected", [
    ("a", ("a", "ab"), "a"),  # exact beats partial
    ("ab", ("abc", "abd"), None),  # ambiguous
    ("", ("a",), None),
    ("abc", ("abc",), "abc"),
    ("x", ("abc",), None),
])
def test_pmatch(value, choices, expected):
    assert pmatch(value, choices) == expected


@pytest.mark.parametrize("value, expected", [(v, e) for v, e in REML_ACCEPTED])
def test_r_flag_reads_as_r_if(value, expected):
    assert r_flag(value, "x") is expected
