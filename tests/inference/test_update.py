"""``update`` (lme4 ``update.merMod``) and R's ``update.formula``.

The expected formulas are what R 4.2.2 printed for ``update.formula(old, new)`` (and
``formula(update(fm, ...))`` for the lmer fits).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pylme
from pylme.errors import FormulaError
from pylme.inference.update import update, update_formula

SLEEP = "Reaction ~ Days + (Days | Subject)"

R_UPDATE_FORMULA = [
    (SLEEP, ". ~ . - Days", "Reaction ~ (Days | Subject)"),
    (SLEEP, "~ . + (1|Subject)", "Reaction ~ Days + (Days | Subject) + (1 | Subject)"),
    (SLEEP, "log(.) ~ .", "log(Reaction) ~ Days + (Days | Subject)"),
    ("Reaction ~ Days + ((1 | Subject) + (0 + Days | Subject))", ". ~ .",
     "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)"),
    ("y ~ x + (1|g) + offset(o)", ". ~ . - 1", "y ~ x + (1 | g) + offset(o) - 1"),
    ("y ~ x*z + (1|g)", ". ~ . - x:z", "y ~ x + z + (1 | g)"),
    ("y ~ x + (1|g)", ". ~ . + (x|g)", "y ~ x + (1 | g) + (x | g)"),
    ("y~x", ".~.-x-1", "y ~ 1 - 1"),
    ("y~x", ".~.-x", "y ~ 1"),
    ("y~x+offset(o)", ".~.-x-1", "y ~ offset(o) - 1"),
    ("y ~ x + (1|g)", "z ~ .", "z ~ x + (1 | g)"),
    ("y ~ x + (1|g)", "~ . + I(x^2)", "y ~ x + (1 | g) + I(x^2)"),
    ("y ~ x + (1|g/h)", ". ~ . - x", "y ~ (1 | g/h)"),
    ("y ~ poly(x, 2) + (1|g)", ". ~ . + x:z", "y ~ poly(x, 2) + (1 | g) + x:z"),
    ("y ~ 0 + x + (1|g)", ". ~ . + 1", "y ~ x + (1 | g)"),
]


@pytest.mark.parametrize("old, new, want", R_UPDATE_FORMULA)
def test_update_formula_matches_r(old, new, want):
    assert update_formula(old, new) == want


@pytest.fixture(scope="module")
def sleep():
    return pylme.datasets.load("sleepstudy")


@pytest.fixture(scope="module")
def fm(sleep):
    return pylme.lmer(SLEEP, sleep)


def test_formula_update_refits(fm, sleep):
    reduced = fm.update(". ~ . - Days")
    direct = pylme.lmer("Reaction ~ (Days | Subject)", sleep)
    assert reduced.inputs.formula_text == "Reaction ~ (Days | Subject)"
    np.testing.assert_array_equal(reduced.theta, direct.theta)
    assert reduced.opt.fval == direct.opt.fval


def test_argument_updates(fm, sleep):
    ml = update(fm, REML=False)
    np.testing.assert_array_equal(ml.theta, pylme.lmer(SLEEP, sleep, REML=False).theta)
    assert not ml.is_REML and fm.is_REML  # the original is untouched
    assert ml.call_args["formula"] == SLEEP  # no formula given: the call's text is kept
    half = update(fm, data=sleep.iloc[:90])
    assert half.nobs == 90
    both = update(fm, "~ . - Days", REML=False)
    assert not both.is_REML and both.inputs.formula_text == "Reaction ~ (Days | Subject)"
    weighted = update(fm, weights=np.full(180, 2.0))
    assert weighted.weights()[0] == 2.0


def test_double_bar_model(sleep):
    fit = pylme.lmer("Reaction ~ Days + (Days || Subject)", sleep)
    same = fit.update(". ~ .")
    assert same.inputs.formula_text == "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)"
    np.testing.assert_allclose(same.theta, fit.theta, rtol=1e-10)


def test_call_args_are_read_only(fm):
    with pytest.raises(TypeError):
        fm.call_args["REML"] = False


def test_errors(fm):
    # every lmer() argument is a keyword of update(): an unknown one is Python's own call error
    with pytest.raises(TypeError, match="unexpected keyword argument 'method'"):
        update(fm, method="ML")
    with pytest.raises(FormulaError, match="formula text"):
        update(fm, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refitted = fm.refit(fm.inputs.y)
    if refitted.call_args is None:
        with pytest.raises(FormulaError, match="needs the lmer\\(\\) call"):
            update(refitted, REML=False)
