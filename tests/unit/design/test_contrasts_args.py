"""``lmer(contrasts=)`` read as lme4 1.1-31 reads ``lmer(..., contrasts = list(f = ...))``.

lme4 passes ``contrasts`` to ``model.matrix(contrasts.arg =)``.  Every expected value comes
from R 4.2.2 + lme4 1.1-31 on ``d <- lme4::sleepstudy; d$f <- factor(d$Days %% 3);
d$g <- factor(d$Days %% 5); d$b <- d$Days > 4; d$ch <- as.character(d$Days %% 3);
d$o <- factor(d$Days %% 4, ordered = TRUE)`` (``d$one <- factor(rep("a", 180))`` for the
order cases):

* accepted values: X's column names before and after lme4's rank check, what R records in
  ``attr(X, "contrasts")`` and X's values, from tests/data/contrasts_args/expected.py,
  written by tests/data/contrasts_args/make_expected.R (``model.matrix`` and ``lFormula``);
* refused values: ``conditionMessage()`` of ``lmer(F, d, contrasts = ...)``, written out
  below beside each R expression and checked against the same generated file.

pylme's error texts start with R's and add which variable and why.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.design.contrast_names import R_FUNCTION_OUTCOMES
from pylme.design.contrast_spec import (ContrastName, ContrastVariable, assign_contrast, assign_contrasts,
                                        resolve_contrast)
from pylme.design.contrasts import (CONTRASTS, Contrast, contr_helmert, contr_poly, contr_sas, contr_sum,
                                    contr_treatment)
from pylme.errors import ArgumentError, DataError, PylmeMessage, PylmeWarning

_path = Path(__file__).resolve().parents[2] / "data" / "contrasts_args" / "expected.py"
_spec = importlib.util.spec_from_file_location("contrasts_args_expected", _path)
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)

from contrast_data import D  # noqa: E402 - the shared test frame
F = "Reaction ~ f + (1 | Subject)"
FDAYS = "Reaction ~ Days + f + (1 | Subject)"


def _inputs(formula: str, contrasts):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PylmeWarning)  # R warns about none of these
        warnings.simplefilter("ignore", PylmeMessage)  # but lme4's rank-deficiency message (filters: last wins)
        return pylme.devfun(formula, D, contrasts=contrasts).inputs


_LIN = [1.0, 0.0, -1.0]
_LIN_QUAD = np.array([[1.0, 0.5], [0.0, -1.0], [-1.0, 0.5]])

# id -> the Python spelling of R's contrasts list (R's expression: R.ACCEPTED[id]["r"])
ACCEPTED = {
    "sum": {"f": "contr.sum"},
    "helmert": {"f": "contr.helmert"},
    "poly": {"f": "contr.poly"},
    "treatment": {"f": "contr.treatment"},
    "SAS": {"f": "contr.SAS"},
    "SAS_g": {"g": "contr.SAS"},
    "one_name_vector": {"f": ["contr.sum"]},  # R: c("contr.sum")
    "matrix_1col": {"f": np.array([_LIN]).T},
    "matrix_3col": {"f": np.array([[1.0, 1.0, 4.0], [0.0, 2.0, 5.0], [-1.0, 3.0, 6.0]])},
    "matrix_named": {"f": pd.DataFrame(_LIN_QUAD, columns=["lin", "quad"])},
    "matrix_empty_name": {"f": pd.DataFrame(_LIN_QUAD, columns=["lin", ""])},
    "matrix_NA_name": {"f": pd.DataFrame(_LIN_QUAD, columns=["lin", None])},
    "matrix_integer": {"f": np.array([[1, 1], [0, -2], [-1, 1]])},
    "matrix_unnamed": {"f": _LIN_QUAD},
    "vector_3": {"f": _LIN},
    "vector_3b": {"f": np.array([2.0, 5.0, 11.0])},
    "vector_5": {"g": (1, 2, 3, 4, 5)},
    "vector_5b": {"g": pd.Series([-2.0, 0.5, 7.0, 1.0, 3.0])},
    "array_3d": {"f": np.array(_LIN).reshape(3, 1, 1)},
    "fun_sum": {"f": contr_sum},
    "fun_treatment": {"f": contr_treatment},
    "fun_SAS": {"f": contr_sas},
    "fun_poly": {"f": contr_poly},
    "fun_helmert": {"f": contr_helmert},
    "fun_fewer": {"f": lambda n: pd.DataFrame({"lin": _LIN})},
    "fun_more": {"f": lambda n: pd.DataFrame({"a": _LIN, "b": [1.0, -2.0, 1.0], "c": [1.0, 2.0, 3.0]})},
    "fun_name": {"f": lambda n: "contr.sum"},
    "fun_vector": {"f": lambda n: _LIN},
    "fun_null": {"f": lambda n: None},
    "fun_null_ordered": {"o": lambda n: None},
    "logical_sum": {"b": "contr.sum"},
    "logical_matrix": {"b": np.array([[-1.0], [1.0]])},
    "logical_vector": {"b": [3, 7]},
    "character_helmert": {"ch": "contr.helmert"},
    "ordered_treatment": {"o": "contr.treatment"},
    "ordered_sum": {"o": "contr.sum"},
    "interaction": {"g": [1, 2, 3, 4, 5], "f": np.array([_LIN]).T},
    "factor_call": {"factor(Days)": "contr.sum"},
    "no_intercept": {"f": "contr.sum"},
    "no_intercept_two": {"f": "contr.helmert", "g": "contr.sum"},
}

# Python spellings R has no literal for, each the same R value as the case it names
ALIASES = [
    ("matrix_named", {"f": pd.DataFrame({"lin": _LIN, "quad": [0.5, -1.0, 0.5]}, index=["x", "y", "z"])}),
    ("matrix_unnamed", {"f": pd.DataFrame(_LIN_QUAD)}),  # pandas' default labels 0, 1: no colnames
    ("matrix_unnamed", {"f": _LIN_QUAD.tolist()}),  # a list of rows is a matrix
    ("matrix_unnamed", {"f": _LIN_QUAD.astype(np.float32).astype(object)}),
    ("matrix_1col", {"f": [[1], [0], [-1]]}),
    ("vector_3", {"f": np.array(_LIN, dtype=object)}),
    ("vector_3", {"f": [1, 0.0, -1]}),
    ("vector_3", {"f": [True, 0, -1]}),  # R: c(TRUE, 0, -1) is numeric
    ("vector_3", {"f": [Fraction(1), 0, -1]}),
    ("vector_3", {"f": pd.Series(_LIN, name="lin")}),  # a vector's name is no colname in R
    ("sum", {"f": np.array(["contr.sum"])}),
    ("sum", {"f": ("contr.sum",)}),
    ("sum", {"f": np.array([["contr.sum"]])}),  # R: a 1 x 1 character matrix is the name
    ("sum", {"f": lambda n: np.array(["contr.sum"])}),
    ("fun_vector", {"f": lambda n: pd.Series(_LIN)}),
    ("fun_fewer", {"f": lambda n: Contrast("mine", np.array([_LIN]).T, ("lin",))}),
    ("fun_more", {"f": lambda n: Contrast("mine", np.array([_LIN, [1.0, -2.0, 1.0], [1.0, 2.0, 3.0]]).T,
                                          ("a", "b", "c"))}),
    ("fun_sum", {"f": lambda n: contr_sum(n).matrix}),
    ("treatment", {"f": contr_treatment(("0", "1", "2"))}),  # a Contrast as kept from a fit
]


def _check_against_r(case: str, spec) -> None:
    exp = R.ACCEPTED[case]
    inputs = _inputs(exp["formula"], spec)
    X = inputs.X_full
    assert X.columns == exp["full"]
    assert tuple(inputs.X_columns) == exp["kept"]
    var = {"interaction": "f", "no_intercept_two": "g"}.get(case, next(iter(ACCEPTED[case])))
    # R records NULL for a function returning NULL; pylme records the default it used
    recorded = {"NULL": "contr.poly" if var == "o" else "contr.treatment"}.get(exp["recorded"], exp["recorded"])
    assert X.contrasts[var] == recorded
    got = X.values[list(exp["rows_at"]), :]
    want = np.array(exp["rows"], dtype=float)
    if "poly" in case or case == "fun_null_ordered":
        # contr.poly: numpy's QR and R's orthogonalise differently (5.6e-17 apart here)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)
    else:  # the rest, R's QR completion of a vector included, to the last bit
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_accepted_value_codes_x_as_r(case):
    # R: model.matrix(nobars(F), model.frame(subbars(F), d), contrasts.arg = <R.ACCEPTED[case]["r"]>)
    #    and colnames(lFormula(F, d, contrasts = ...)$X)
    _check_against_r(case, ACCEPTED[case])


@pytest.mark.parametrize("case,spec", ALIASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(ALIASES)])
def test_python_spellings_of_the_same_r_value(case, spec):
    _check_against_r(case, spec)


def test_every_r_case_has_a_python_spelling():
    assert set(ACCEPTED) == set(R.ACCEPTED)


# --------------------------------------------------------------------------- refused values
_FUN_VALUE_ERROR = lambda n: (_ for _ in ()).throw(ValueError("boom"))  # noqa: E731

# (id, formula, Python spelling, error class, R's text); R: lmer(formula, d, contrasts = <comment>)
REFUSED = [
    ("unknown", F, "nope", ArgumentError,  # list(f = "nope")
     "object 'nope' of mode 'function' was not found"),
    ("NA_name", F, "NA", ArgumentError,  # list(f = NA_character_)
     "object 'NA' of mode 'function' was not found"),
    ("capitalised", F, "contr.Sum", ArgumentError,  # list(f = "contr.Sum")
     "object 'contr.Sum' of mode 'function' was not found"),
    ("partial", F, "contr.treat", ArgumentError,  # list(f = "contr.treat"): get() does not partial-match
     "object 'contr.treat' of mode 'function' was not found"),
    ("padded", F, "  contr.sum", ArgumentError,  # list(f = "  contr.sum")
     "object '  contr.sum' of mode 'function' was not found"),
    ("not_attached", F, "contr.sdif", ArgumentError,  # list(f = "contr.sdif") (MASS, not attached)
     "object 'contr.sdif' of mode 'function' was not found"),
    ("helmert_short", F, "helmert", ArgumentError,  # list(f = "helmert")
     "object 'helmert' of mode 'function' was not found"),
    ("treatment_short", F, "treatment", ArgumentError,  # list(f = "treatment")
     "object 'treatment' of mode 'function' was not found"),
    ("SAS_short", F, "SAS", ArgumentError,  # list(f = "SAS")
     "object 'SAS' of mode 'function' was not found"),
    ("empty_name", F, "", ArgumentError,  # list(f = "")
     "invalid first argument"),
    ("no_name", F, np.array([], dtype=str), ArgumentError,  # list(f = character(0))
     "invalid first argument"),
    ("two_names", F, ["contr.sum", "contr.helmert"], ArgumentError,  # list(f = c("contr.sum", "contr.helmert"))
     "first argument has length > 1"),
    ("character_matrix", F, np.array([["a"], ["b"], ["c"]]), ArgumentError,  # list(f = matrix(c("a","b","c"), 3, 1))
     "first argument has length > 1"),
    ("NA", F, pd.NA, ArgumentError,  # list(f = NA)
     "numeric contrasts or contrast name expected"),
    ("TRUE", F, True, ArgumentError,  # list(f = TRUE)
     "numeric contrasts or contrast name expected"),
    ("FALSE", F, np.False_, ArgumentError,  # list(f = FALSE)
     "numeric contrasts or contrast name expected"),
    ("logical_matrix", F, np.array([[True, False], [False, True], [True, True]]), ArgumentError,
     "numeric contrasts or contrast name expected"),  # list(f = matrix(c(TRUE, FALSE, TRUE, FALSE, TRUE, TRUE), 3, 2))
    ("logical_empty", F, np.array([], dtype=bool), ArgumentError,  # list(f = logical(0))
     "numeric contrasts or contrast name expected"),
    ("complex", F, np.full((3, 2), 1j), ArgumentError,  # list(f = matrix(1i, 3, 2))
     "numeric contrasts or contrast name expected"),
    ("list", F, {"x": "contr.sum"}, ArgumentError,  # list(f = list("contr.sum")): a dict is R's list
     "numeric contrasts or contrast name expected"),
    ("factor", F, pd.Categorical(["contr.sum"]), ArgumentError,  # list(f = factor("contr.sum"))
     "numeric contrasts or contrast name expected"),
    ("NA_real", F, np.nan, DataError,  # list(f = NA_real_)
     "wrong number of contrast matrix rows"),
    ("one", F, 1, DataError,  # list(f = 1)
     "wrong number of contrast matrix rows"),
    ("two_and_half", F, 2.5, DataError,  # list(f = 2.5)
     "wrong number of contrast matrix rows"),
    ("numeric_empty", F, [], DataError,  # list(f = numeric(0))
     "wrong number of contrast matrix rows"),
    ("vector_2", F, [1, 0], DataError,  # list(f = c(1, 0))
     "wrong number of contrast matrix rows"),
    ("vector_4", F, np.array([1, 0, -1, 2]), DataError,  # list(f = c(1, 0, -1, 2))
     "wrong number of contrast matrix rows"),
    ("matrix_2_rows", F, np.array([[1, 3], [2, 4]]), DataError,  # list(f = matrix(1:4, 2, 2))
     "wrong number of contrast matrix rows"),
    ("matrix_4_rows", F, np.ones((4, 2)), DataError,  # list(f = matrix(1, 4, 2))
     "wrong number of contrast matrix rows"),
    ("matrix_0_cols", F, np.ones((3, 0)), ArgumentError,  # list(f = matrix(numeric(0), 3, 0))
     "subscript out of bounds"),
    ("matrix_NA", F, np.array([[1, 1], [np.nan, 1], [-1, 1]]), DataError,  # matrix(c(1, NA, -1, 1, 1, 1), 3, 2)
     "NA/NaN/Inf in foreign function call (arg 1)"),
    ("matrix_Inf", F, np.array([[1, 1], [np.inf, -2], [-1, 1]]), DataError,  # matrix(c(1, Inf, -1, 1, -2, 1), 3, 2)
     "NA/NaN/Inf in foreign function call (arg 1)"),
    ("matrix_NaN", F, pd.DataFrame({"a": [1, np.nan, -1], "b": [1, -2, 1]}), DataError,  # NaN instead of Inf
     "NA/NaN/Inf in foreign function call (arg 1)"),
    ("vector_None", F, [1, None, -1], ArgumentError,  # R: list(f = list(1, NULL, -1)); None is no number
     "numeric contrasts or contrast name expected"),
    ("vector_NA", F, [1, np.nan, -1], DataError,  # list(f = c(1, NA, -1))
     "NA/NaN/Inf in foreign function call (arg 1)"),
    ("vector_Inf", F, [1, -np.inf, -1], DataError,  # list(f = c(1, -Inf, -1))
     "NA/NaN/Inf in foreign function call (arg 1)"),
    ("vector_constant", F, [1, 1, 1], DataError,  # list(f = c(1, 1, 1))
     "singular contrast matrix"),
    ("vector_zero", F, np.zeros(3), DataError,  # list(f = c(0, 0, 0))
     "singular contrast matrix"),
    ("fun_error", F, _FUN_VALUE_ERROR, ArgumentError,  # list(f = function(n) stop("boom"))
     "boom"),
    ("fun_logical", F, lambda n: True, ArgumentError,  # list(f = function(n) TRUE)
     "numeric contrasts or contrast name expected"),
    ("fun_function", F, lambda n: contr_sum, ArgumentError,  # list(f = function(n) contr.sum)
     "numeric contrasts or contrast name expected"),
    ("fun_wrong_rows", F, lambda n: contr_sum(4), DataError,  # list(f = function(n) contr.sum(4))
     "wrong number of contrast matrix rows"),
    ("fun_unknown_name", F, lambda n: "nope", ArgumentError,  # list(f = function(n) "nope")
     "object 'nope' of mode 'function' was not found"),
]
# contrasts for a numeric variable of the model: R's error, whatever the value
NUMERIC_VARIABLE = [
    ("numeric_variable", "contr.sum"),  # lmer(Reaction ~ Days + f + (1 | Subject), d, list(Days = "contr.sum"))
    ("numeric_variable_bad_value", True),  # ... list(Days = TRUE)
    ("numeric_variable_bad_value", "nope"),
    ("numeric_variable_bad_value", np.ones((7, 7))),
]


@pytest.mark.parametrize("case,formula,spec,error,text", REFUSED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REFUSED)])
def test_refused_value_gives_r_error(case, formula, spec, error, text):
    if case in R.REFUSED:
        assert text == R.REFUSED[case]  # the literal above is R's text
    with pytest.raises(error, match="^" + re.escape(text)) as info:
        pylme.lmer(formula, D, contrasts={"f": spec})
    assert "'f'" in str(info.value)  # and says which variable


@pytest.mark.parametrize("case,spec", NUMERIC_VARIABLE)
def test_contrasts_for_a_numeric_variable_are_an_error(case, spec):
    text = R.REFUSED[case]
    assert text == "contrasts apply only to factors"
    with pytest.raises(DataError, match="^" + re.escape(text)):
        pylme.lmer(FDAYS, D, contrasts={"Days": spec})


def test_the_r_refused_cases_are_all_covered():
    covered = {r[0] for r in REFUSED} | {c for c, _ in NUMERIC_VARIABLE}
    assert covered >= set(R.REFUSED) - {"data_frame"}  # a DataFrame is pylme's named matrix


# ------------------------------------------------------- names of R functions (not contrasts)
@pytest.mark.parametrize("name", list(R.R_FUNCTION_NAMES))
def test_r_function_names_give_r_error(name):
    # R: lmer(F, d, contrasts = list(f = name)) calls name(levels(f), contrasts = TRUE)
    text = R.R_FUNCTION_NAMES[name]
    assert R_FUNCTION_OUTCOMES[name] == text
    with pytest.raises(ArgumentError, match="^" + re.escape(text)) as info:
        pylme.devfun(F, D, contrasts={"f": name})
    assert "is not a contrast function" in str(info.value)


@pytest.mark.parametrize("name", [n for n, text in R_FUNCTION_OUTCOMES.items() if text is None])
def test_r_functions_r_codes_regardless_are_refused(name):
    # R: list(f = "max") fits on max(levels(f), contrasts = TRUE), a single label: pylme refuses
    with pytest.raises(ArgumentError, match=f"^'{re.escape(name)}' is not a contrast function"):
        pylme.devfun(F, D, contrasts={"f": name})


def test_the_known_contrast_names_are_r_stats_functions():
    assert set(CONTRASTS) == {"contr.treatment", "contr.sum", "contr.helmert", "contr.poly", "contr.SAS"}
    assert not set(CONTRASTS) & set(R_FUNCTION_OUTCOMES)


# --------------------------------------------------------------- variables not in the model
@pytest.mark.parametrize("formula,name,spec", [
    (F, "zz", "contr.sum"),  # R: lmer(F, d, contrasts = list(zz = "contr.sum"))
    (F, "zz", "nope"),  # list(zz = "nope"): not checked, the variable is absent
    (F, "zz", True),
    (F, "zz", np.ones((9, 9))),
    (F, "Subject", "nope"),  # the grouping factor is no variable of X's frame
    (F, "Days", "contr.sum"),  # Days is in d but not in the fixed part
    (F, "Reaction ~ f", "contr.sum"),
    ("Reaction ~ Days + (1 | f)", "f", "nope"),  # f only in the random part
])
def test_contrast_for_an_absent_variable_is_ignored_with_r_warning(formula, name, spec):
    # R: warning "variable 'zz' is absent, its contrast will be ignored", the default coding
    with pytest.warns(PylmeWarning, match=rf"^variable '{re.escape(name)}' is absent, its contrast will be ignored$"):
        X = pylme.devfun(formula, D, contrasts={name: spec}).inputs.X_full
    default = pylme.devfun(formula, D).inputs.X_full
    assert X.columns == default.columns
    np.testing.assert_array_equal(X.values, default.values)


# ------------------------------------------------------------ the order R checks things in
_LEVELS = {"f": ("0", "1", "2"), "g": ("0", "1", "2", "3", "4"), "one": ("a",)}


# (id, formula, contrasts); R: lmer(formula, d, contrasts = ...), its text (or "NO ERROR") in R.ORDER[id]
ORDER = [
    ("one_level", "Reaction ~ f + one + (1 | Subject)", {"one": True}),
    ("one_level_bad_f", "Reaction ~ f + one + (1 | Subject)", {"f": True}),
    ("absent_then_bad", F, {"zz": "x", "f": "nope"}),
    ("bad_name_then_numeric", FDAYS, {"f": "nope", "Days": "contr.sum"}),
    ("bad_name_then_bad_value", "Reaction ~ f + g + (1 | Subject)", {"g": "nope", "f": True}),
    ("name_then_bad_value", "Reaction ~ f + g + (1 | Subject)", {"f": "nope", "g": True}),
    ("names_in_frame_order", "Reaction ~ f + g + (1 | Subject)", {"g": "nope", "f": "nope2"}),
    ("response", F, {"Reaction": "contr.sum"}),
    ("indicator_only_bad_name", "Reaction ~ 0 + f + (1 | Subject)", {"f": "nope"}),
    ("contrast_coded_in_interaction", "Reaction ~ Days + f:Days + (1 | Subject)", {"f": "nope"}),
]


@pytest.mark.parametrize("case,formula,spec", ORDER, ids=[p[0] for p in ORDER])
def test_errors_and_warnings_come_in_r_order(case, formula, spec):
    text = R.ORDER[case]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if text == "NO ERROR":  # R looks no name up for a factor coded by indicators only
            pylme.devfun(formula, D, contrasts=spec)
        else:
            with pytest.raises((ArgumentError, DataError), match="^" + re.escape(text)):
                pylme.devfun(formula, D, contrasts=spec)
    absent = [str(w.message) for w in caught if "is absent" in str(w.message)]
    assert absent == (["variable 'zz' is absent, its contrast will be ignored"] if "zz" in spec else [])


def _frame_variables(formula: str) -> list:
    """The variables of X's frame as R's model.matrix sees them (response first)."""
    names = {"Reaction ~ f + one + (1 | Subject)": ["Reaction", "f", "one"],
             F: ["Reaction", "f"], FDAYS: ["Reaction", "Days", "f"],
             "Reaction ~ f + g + (1 | Subject)": ["Reaction", "f", "g"],
             "Reaction ~ 0 + f + (1 | Subject)": ["Reaction", "f"],
             "Reaction ~ Days + f:Days + (1 | Subject)": ["Reaction", "Days", "f"]}[formula]
    return [ContrastVariable((n,), _LEVELS.get(n)) for n in names]


@pytest.mark.parametrize("case,formula,spec", ORDER, ids=[p[0] for p in ORDER])
def test_assign_contrasts_then_lookup_follows_r_order(case, formula, spec):
    # the steps model_matrix should take: assign_contrasts(), then look names up in frame order
    # for the factors some term codes by contrasts (not f in ~ 0 + f)
    variables = _frame_variables(formula)
    coded = [] if "0 + f" in formula else [i for i, v in enumerate(variables) if v.levels is not None]
    text = R.ORDER[case]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            assigned = assign_contrasts(spec, variables)
            for i in coded:
                if isinstance(assigned[i], ContrastName):
                    assigned[i].resolve(variables[i].levels, variables[i].names[0])
            outcome = "NO ERROR"
        except (ArgumentError, DataError) as exc:
            outcome = str(exc)
    assert outcome.startswith(text)
    absent = [str(w.message) for w in caught if issubclass(w.category, PylmeWarning)]
    assert absent == (["variable 'zz' is absent, its contrast will be ignored"] if "zz" in spec else [])


def test_assign_contrasts_keeps_names_and_gives_defaults():
    variables = [ContrastVariable(("Reaction",), None), ContrastVariable(("f", "F"), _LEVELS["f"]),
                 ContrastVariable(("o",), ("0", "1", "2", "3"), ordered=True), ContrastVariable(("x",), None)]
    out = assign_contrasts({"F": "nope", "o": [1, 2, 3, 4]}, variables)
    assert out[0] is None and out[3] is None
    assert out[1] == ContrastName(("nope",)) and out[1].label == "nope"  # stored, not looked up
    assert out[2].name == "matrix" and out[2].matrix.shape == (4, 3)
    defaults = assign_contrasts(None, variables)
    assert [d.label for d in defaults[1:3]] == ["contr.treatment", "contr.poly"]


# ------------------------------------------------------------ resolve_contrast on its own
@pytest.mark.parametrize("ordered,case", [(False, "fun_null"), (True, "fun_null_ordered")])
def test_a_function_returning_none_asks_for_the_default(ordered, case):
    exp = R.ACCEPTED[case]  # R: list(f = function(n) NULL): the default coding
    levels = _LEVELS["f"] if not ordered else ("0", "1", "2", "3")
    c = resolve_contrast(lambda n: None, levels, "v", ordered=ordered)
    got = c.matrix[[0, 1, 2, 3][: len(levels)]]
    np.testing.assert_allclose(got, np.array(exp["rows"])[:, 1:], rtol=0, atol=1e-15)
    assert c.column_suffixes() == tuple(n[1:] for n in exp["full"][1:])
    with pytest.raises(ArgumentError, match="ordered="):
        resolve_contrast(lambda n: None, levels, "v")


@pytest.mark.parametrize("fun,n,suffixes", [
    (contr_treatment, 4, ("2", "3", "4")),  # R: colnames(contr.treatment(4))
    (contr_sas, 4, ("1", "2", "3")),  # R: colnames(contr.SAS(4))
    (contr_sum, 4, ("1", "2", "3")),  # NULL: numbered by model.matrix
    (contr_helmert, 3, ("1", "2")),
    (contr_poly, 5, (".L", ".Q", ".C", "^4")),
])
def test_contrast_functions_take_the_number_of_levels_as_r(fun, n, suffixes):
    by_number, by_levels = fun(n), fun(tuple(str(j) for j in range(1, n + 1)))
    np.testing.assert_array_equal(by_number.matrix, by_levels.matrix)
    assert by_number.column_suffixes() == suffixes


@pytest.mark.parametrize("k", [3, 4, 5, 7, 12])
@pytest.mark.parametrize("seed", range(4))
def test_a_vector_is_completed_to_an_orthonormal_basis(k, seed):
    # R's completion: the vector, then Q's columns orthogonal to 1 and to it, orthonormal
    v = np.random.default_rng(seed).normal(size=k)
    c = resolve_contrast(v, tuple(f"l{j}" for j in range(k)), "v")
    assert c.matrix.shape == (k, k - 1) and c.colnames is None
    np.testing.assert_array_equal(c.matrix[:, 0], v)
    rest = c.matrix[:, 1:]
    np.testing.assert_allclose(rest.T @ rest, np.eye(k - 2), atol=1e-14)
    np.testing.assert_allclose(rest.T @ np.column_stack([np.ones(k), v]), 0.0, atol=1e-13)


@pytest.mark.parametrize("spec", [contr_sum(("a", "b")), contr_treatment(4),
                                  Contrast("matrix", np.ones((2, 1)), None)])
def test_a_kept_contrast_must_fit_the_levels(spec):
    with pytest.raises(DataError, match="^wrong number of contrast matrix rows"):
        assign_contrast(spec, _LEVELS["f"], "f")


@pytest.mark.parametrize("spec", ["contr.sum", True, np.ones((1, 0)), lambda n: 1 / 0])
def test_a_one_level_factor_fails_before_its_value_is_read(spec):
    # R: contrasts<- checks nlevels(x) < 2 first, whatever the value
    with pytest.raises(DataError, match="^contrasts can be applied only to factors with 2 or more levels$"):
        resolve_contrast(spec, ("a",), "one")
