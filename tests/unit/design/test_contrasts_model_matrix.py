"""``model_matrix`` applies ``contrasts=`` in R's order (R 4.2.2 ``model.matrix.default`` and
the C ``modelmatrix``, as lme4 1.1-31's ``lFormula`` calls them):

1. every factor gets its default contrast and its level count is checked;
2. ``contrasts=`` is read in its own order: absent names warn, numeric variables (the
   response too) fail, bad values fail, names are only stored;
3. in the order of the variables, the factors some term codes by contrasts have their name
   looked up; a factor coded by indicators only never does, and R records its contrast as
   given (``attr(X, "contrasts")``).  A contrast matrix with NA values fails (lme4's
   ``qr(X)``) only after every lookup, and only when X uses it.

Every expected value is R's, from ``d <- lme4::sleepstudy; d$f <- factor(d$Days %% 3);
d$g <- factor(d$Days %% 5); d$b <- d$Days > 4; d$ch <- as.character(d$Days %% 3);
d$o <- factor(d$Days %% 4, ordered = TRUE); d$one <- factor(rep("a", 180))`` and, per case,
``X <- lFormula(F, d, contrasts = C)$X``: ``colnames(X)`` and ``attr(X, "contrasts")``
(matrices shown as "matrix"), or ``conditionMessage()`` of the error, and the warnings'
texts.  The R expression of each case is its formula and the comment beside it.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import pylme
from pylme.design.contrast_spec import ContrastName, check_contrast_values, resolve_contrast
from pylme.design.contrasts import Contrast, contr_sum
from pylme.design.frame import model_frame
from pylme.design.model_matrix import model_matrix
from pylme.errors import ArgumentError, DataError, PylmeMessage, PylmeWarning
from pylme.formula import bars, parse_formula

from contrast_data import D  # noqa: E402 - the shared test frame
NA = np.nan
_NA_MATRIX = np.array([[1.0, NA], [0.0, 1.0], [-1.0, 2.0]])  # R: cbind(c(1, 0, -1), c(NA, 1, 2))
_INF_FUN = lambda n: np.array([[1.0, np.inf], [0.0, 1.0], [-1.0, 2.0]])  # noqa: E731
_ABSENT = "variable '{}' is absent, its contrast will be ignored"

F0 = "Reaction ~ 0 + f + (1 | Subject)"
F0FG = "Reaction ~ 0 + f + g + (1 | Subject)"
FF = "Reaction ~ f + (1 | Subject)"
FFG = "Reaction ~ f + g + (1 | Subject)"
_G_TREATMENT = ("g1", "g2", "g3", "g4")

# (id, formula, contrasts, R's colnames(X) and attr(X, "contrasts")); no error, no warning in R
ACCEPTED = [
    ("bad_name_indicators", F0, {"f": "nope"},  # list(f = "nope")
     ("f0", "f1", "f2"), {"f": "nope"}),
    ("bad_name_indicators_then_default", F0FG, {"f": "nope"},  # list(f = "nope")
     ("f0", "f1", "f2") + _G_TREATMENT, {"f": "nope", "g": "contr.treatment"}),
    ("bad_name_indicators_then_sum", F0FG, {"f": "nope", "g": "contr.sum"},  # list(f = "nope", g = "contr.sum")
     ("f0", "f1", "f2", "g1", "g2", "g3", "g4"), {"f": "nope", "g": "contr.sum"}),
    ("sum_indicators", F0, {"f": "contr.sum"},  # list(f = "contr.sum")
     ("f0", "f1", "f2"), {"f": "contr.sum"}),
    ("empty_name_indicators", F0, {"f": ""},  # list(f = "")
     ("f0", "f1", "f2"), {"f": ""}),
    ("function_name_indicators", F0, {"f": lambda n: "nope"},  # list(f = function(n) "nope")
     ("f0", "f1", "f2"), {"f": "nope"}),
    ("vector_indicators", F0, {"f": [1, 0, -1]},  # list(f = c(1, 0, -1))
     ("f0", "f1", "f2"), {"f": "matrix"}),
    ("NA_matrix_indicators", F0, {"f": _NA_MATRIX},  # list(f = cbind(c(1, 0, -1), c(NA, 1, 2)))
     ("f0", "f1", "f2"), {"f": "matrix"}),
    ("Inf_function_indicators", F0, {"f": _INF_FUN},  # list(f = function(n) cbind(c(1, 0, -1), c(Inf, 1, 2)))
     ("f0", "f1", "f2"), {"f": "matrix"}),
    ("logical_indicators", "Reaction ~ 0 + b + (1 | Subject)", {"b": "nope"},  # list(b = "nope")
     ("bFALSE", "bTRUE"), {"b": "nope"}),
    ("character_indicators", "Reaction ~ 0 + ch + (1 | Subject)", {"ch": "nope"},  # list(ch = "nope")
     ("ch0", "ch1", "ch2"), {"ch": "nope"}),
    ("ordered_indicators", "Reaction ~ 0 + o + (1 | Subject)", {"o": "nope"},  # list(o = "nope")
     ("o0", "o1", "o2", "o3"), {"o": "nope"}),
    ("numeric_first", "Reaction ~ 0 + Days + f + (1 | Subject)", {"f": "nope"},  # list(f = "nope")
     ("Days", "f0", "f1", "f2"), {"f": "nope"}),
    ("numeric_by_factor", "Reaction ~ 0 + Days:f + (1 | Subject)", {"f": "nope"},  # list(f = "nope")
     ("Days:f0", "Days:f1", "Days:f2"), {"f": "nope"}),
    # list(f = "nope", g = "nope2")
    ("interaction_only", "Reaction ~ 0 + f:g + (1 | Subject)", {"f": "nope", "g": "nope2"},
     ("f0:g0", "f2:g0", "f0:g1", "f1:g1", "f1:g2", "f2:g2", "f0:g3", "f2:g3", "f0:g4", "f1:g4"),
     {"f": "nope", "g": "nope2"}),
    ("nested_indicators", "Reaction ~ 0 + f + f:g + (1 | Subject)", {"f": "nope"},  # list(f = "nope")
     ("f0", "f1", "f2", "f0:g1", "f1:g1", "f1:g2", "f2:g2", "f0:g3", "f2:g3", "f0:g4"),
     {"f": "nope", "g": "contr.treatment"}),
    ("interaction_with_intercept", "Reaction ~ f:g + (1 | Subject)", {"f": "nope"},  # list(f = "nope")
     ("(Intercept)", "f0:g0", "f2:g0", "f0:g1", "f1:g1", "f1:g2", "f2:g2", "f0:g3", "f2:g3", "f0:g4"),
     {"f": "nope", "g": "contr.treatment"}),
    ("numeric_by_factor_second", "Reaction ~ 0 + f + Days:g + (1 | Subject)", {"g": "nope"},  # list(g = "nope")
     ("f0", "f1", "f2", "Days:g0", "Days:g1", "Days:g2", "Days:g3", "Days:g4"),
     {"f": "contr.treatment", "g": "nope"}),
]

# (id, formula, contrasts, R's error text, absent names R warned about, in order)
REFUSED = [
    ("indicators_then_contrasts", F0FG, {"f": "nope", "g": "nope2"},  # list(f = "nope", g = "nope2")
     "object 'nope2' of mode 'function' was not found", []),
    ("bad_value_indicators", F0, {"f": True},  # list(f = TRUE)
     "numeric contrasts or contrast name expected", []),
    ("wrong_rows_indicators", F0, {"f": np.array([[1], [2]])},  # list(f = cbind(1:2))
     "wrong number of contrast matrix rows", []),
    ("singular_vector_indicators", F0FG, {"f": [1, 1, 1]},  # list(f = c(1, 1, 1))
     "singular contrast matrix", []),
    ("NA_vector_indicators", F0, {"f": [NA, 1, 2]},  # list(f = c(NA, 1, 2)): R's qr() completing it
     "NA/NaN/Inf in foreign function call (arg 1)", []),
    ("nested_contrasts", "Reaction ~ 0 + f + f:g + (1 | Subject)", {"g": "nope"},  # list(g = "nope")
     "object 'nope' of mode 'function' was not found", []),
    ("nested_with_intercept", "Reaction ~ f + f:g + (1 | Subject)", {"g": "nope"},  # list(g = "nope")
     "object 'nope' of mode 'function' was not found", []),
    ("crossed", "Reaction ~ f * g + (1 | Subject)", {"g": "nope"},  # list(g = "nope")
     "object 'nope' of mode 'function' was not found", []),
    ("one_level_indicators", "Reaction ~ 0 + one + (1 | Subject)", {"one": "nope"},  # list(one = "nope")
     "contrasts can be applied only to factors with 2 or more levels", []),
    ("one_level_after_indicators", "Reaction ~ 0 + f + one + (1 | Subject)", {"f": "nope"},  # list(f = "nope")
     "contrasts can be applied only to factors with 2 or more levels", []),
    ("absent_then_response", FF, {"zz": 1, "Reaction": "x"},  # list(zz = 1, Reaction = "x")
     "contrasts apply only to factors", ["zz"]),
    ("absent_around_bad_name", FF, {"zz": 1, "f": "nope", "yy": 2},  # list(zz = 1, f = "nope", yy = 2)
     "object 'nope' of mode 'function' was not found", ["zz", "yy"]),
    # list(g = TRUE, f = "contr.sum", Days = 1)
    ("bad_value_before_numeric", FFG, {"g": True, "f": "contr.sum", "Days": 1},
     "numeric contrasts or contrast name expected", []),
    ("numeric_before_bad_value", "Reaction ~ Days + f + (1 | Subject)", {"Days": "contr.sum", "f": True},
     "contrasts apply only to factors", []),  # list(Days = "contr.sum", f = TRUE)
    ("response_after_indicator_name", F0, {"f": "nope", "Reaction": "x"},  # list(f = "nope", Reaction = "x")
     "contrasts apply only to factors", []),
    ("bad_name_beside_good", FFG, {"g": "nope", "f": "contr.sum"},  # list(g = "nope", f = "contr.sum")
     "object 'nope' of mode 'function' was not found", []),
    ("NA_matrix_used", FF, {"f": _NA_MATRIX},  # list(f = cbind(c(1, 0, -1), c(NA, 1, 2))): lme4's qr(X)
     "NA/NaN/Inf in foreign function call (arg 1)", []),
    ("NA_matrix_then_bad_name", FFG, {"f": _NA_MATRIX, "g": "nope"},  # list(f = <NA matrix>, g = "nope")
     "object 'nope' of mode 'function' was not found", []),
    ("NA_matrix_indicators_then_bad_name", F0FG, {"f": _NA_MATRIX, "g": "nope"},  # list(f = <NA matrix>, g = "nope")
     "object 'nope' of mode 'function' was not found", []),
    ("Inf_function_used", FF, {"f": _INF_FUN},  # list(f = function(n) cbind(c(1, 0, -1), c(Inf, 1, 2)))
     "NA/NaN/Inf in foreign function call (arg 1)", []),
    ("NA_one_column_used", FF, {"f": np.array([[1.0], [NA], [-1.0]])},  # list(f = cbind(c(1, NA, -1)))
     "NA/NaN/Inf in foreign function call (arg 1)", []),
    ("NA_vector_used", FF, {"f": [1, NA, -1]},  # list(f = c(1, NA, -1))
     "NA/NaN/Inf in foreign function call (arg 1)", []),
]


def _inputs(formula: str, contrasts):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PylmeWarning)  # R warns about none of ACCEPTED
        warnings.simplefilter("ignore", PylmeMessage)  # lme4's rank-deficiency message
        return pylme.devfun(formula, D, contrasts=contrasts).inputs


@pytest.mark.parametrize("case,formula,spec,columns,recorded", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_indicator_coded_factors_never_look_their_name_up(case, formula, spec, columns, recorded):
    inputs = _inputs(formula, spec)
    assert tuple(inputs.X_columns) == columns  # R: colnames(lFormula(F, d, contrasts = C)$X)
    assert inputs.X_full.contrasts == recorded  # R: attr(X, "contrasts")


@pytest.mark.parametrize("case,formula,spec,text,absent", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_in_r_order(case, formula, spec, text, absent):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises((ArgumentError, DataError), match="^" + re.escape(text)):
            pylme.devfun(formula, D, contrasts=spec)
    warned = [str(w.message) for w in caught if issubclass(w.category, PylmeWarning)]
    assert warned == [_ABSENT.format(name) for name in absent]


def test_contrast_for_a_random_effects_grouping_factor_is_absent_from_x():
    # R: lFormula(Reaction ~ f + (1 | Subject), d, contrasts = list(Subject = "contr.sum")):
    # X's frame has only the fixed part's variables, so Subject is absent (warning), f default
    with pytest.warns(PylmeWarning, match="^" + re.escape(_ABSENT.format("Subject")) + "$"):
        inputs = pylme.devfun(FF, D, contrasts={"Subject": "contr.sum"}).inputs
    assert tuple(inputs.X_columns) == ("(Intercept)", "f1", "f2")
    assert inputs.X_full.contrasts == {"f": "contr.treatment"}


# ------------------------------------------------------- kept contrasts code new data alike
def _frame(formula: str):
    parsed = parse_formula(formula)
    return bars.no_bars(parsed), model_frame(bars.sub_bars(parsed), D)


@pytest.mark.parametrize("formula,spec,kept_type", [
    (F0, {"f": "nope"}, ContrastName),  # never looked up: kept as the name
    (F0, {"f": _NA_MATRIX}, Contrast),  # never used: kept as given
    (F0, None, ContrastName),  # the default name, unused
    (FF, {"f": "contr.sum"}, Contrast),  # used: the matrix itself
    (FF, {"f": lambda n: contr_sum(n).matrix}, Contrast),
    (FFG, {"g": [1, 2, 3, 4, 5]}, Contrast),
    (F0FG, {"f": "nope", "g": "contr.helmert"}, ContrastName),
    ("Reaction ~ 0 + o + b + (1 | Subject)", {"b": [3, 7]}, ContrastName),
])
def test_kept_contrasts_rebuild_the_same_matrix(formula, spec, kept_type):
    rhs, frame = _frame(formula)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = model_matrix(rhs, frame, contrasts=spec)
        again = model_matrix(rhs, frame, contrasts=first.contrast_matrices)
    assert isinstance(next(iter(first.contrast_matrices.values())), kept_type)
    assert again.columns == first.columns and again.assign == first.assign
    assert again.contrasts == first.contrasts
    np.testing.assert_array_equal(again.values, first.values)


def test_predict_with_an_unused_bad_name_as_r():
    # R: fit <- lmer(Reaction ~ 0 + f + Days + (1 | Subject), d, contrasts = list(f = "nope"));
    #    sprintf("%.10f", predict(fit, newdata = d[c(1, 2, 3, 50), ], re.form = NA))
    expected = [253.7658768519, 259.3636225309, 272.2349891975, 347.5707703704]
    fit = pylme.lmer("Reaction ~ 0 + f + Days + (1 | Subject)", D, contrasts={"f": "nope"})
    assert fit.inputs.X_full.contrasts == {"f": "nope"}  # R: attr(getME(fit, "X"), "contrasts")
    got = fit.predict(newdata=D.iloc[[0, 1, 2, 49]], re_form="NA")
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-7)


# ------------------------------------------------------------------ check_contrast_values
@pytest.mark.parametrize("bad", [NA, np.inf, -np.inf])
@pytest.mark.parametrize("where", [(0, 0), (2, 1), (1, 0)])
def test_non_finite_values_fail_once_used(bad, where):
    m = np.array([[1.0, 0.5], [0.0, -1.0], [-1.0, 0.5]])
    m[where] = bad
    # resolve_contrast (one factor, used) refuses them; check_contrast_values is its check
    with pytest.raises(DataError, match=r"^NA/NaN/Inf in foreign function call \(arg 1\) \(contrasts for 'f'"):
        resolve_contrast(m, ("0", "1", "2"), "f")
    with pytest.raises(DataError, match=r"^NA/NaN/Inf in foreign function call \(arg 1\)"):
        check_contrast_values(Contrast("matrix", m, None), "f")


@pytest.mark.parametrize("spec", [contr_sum(3), Contrast("matrix", np.array([[1.0], [0.0], [-1.0]]), None)])
def test_finite_contrasts_pass_the_check(spec):
    assert check_contrast_values(spec, "f") is None
