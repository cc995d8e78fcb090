"""model_matrix against R's model.matrix (names, assign, contrasts and values).

Expected values come from tests/data/design/model_matrix.json, written by
make_expected.R with R 4.2.2: for every case R ran
``model.matrix(formula, model.frame(formula, data, drop.unused.levels = TRUE), contrasts.arg)``.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.errors import ArgumentError, DataError, PylmeWarning, UnknownVariableError
from pylme.formula import parse_formula
from pylme.formula.bars import find_bars, no_bars, sub_bars
from pylme.design.frame import model_frame
from pylme.design.model_matrix import DesignMatrix, model_matrix

_spec = importlib.util.spec_from_file_location(
    "design_rdata", Path(__file__).resolve().parents[2] / "data" / "design" / "rdata.py"
)
rdata = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rdata)

CASES = rdata.load_json("model_matrix")["cases"]

# Python spelling of each case's R `contrasts.arg`.
CONTRASTS = {
    "sum_helmert": {"f": "contr.sum", "g": "contr.helmert"},
    "helmert_ordered": {"o": "contr.helmert"},
    "treatment_ordered": {"o": "contr.treatment"},
    "poly_unordered": {"f": "contr.poly"},
    "sum_interaction": {"f": "contr.sum", "g": "contr.sum"},
    "matrix_contrast": {"f": np.array([[1.0, 0.5], [0.0, -1.0], [-1.0, 0.5]])},
    "matrix_contrast_named": {
        "f": pd.DataFrame([[1.0, 0.5], [0.0, -1.0], [-1.0, 0.5]], columns=["_lin", "_quad"])
    },
}
# Cases whose values involve floating-point functions (R's libm vs numpy, QR rounding).
APPROXIMATE = ("poly", "scale", "log", "exp", "sqrt", "ordered", "cake_interaction", "cake_no_intercept",
               "sleep_functions", "poly_", "sum_helmert", "o ")


def _build(case) -> tuple:
    data = rdata.load_dataset(case["data"])
    formula = parse_formula(case["formula"])
    frame = model_frame(formula, data, weights=case.get("weights"), offset=case.get("offset"))
    X = model_matrix(formula, frame, contrasts=CONTRASTS.get(case["id"]))
    return frame, X


def _approximate(case) -> bool:
    text = case["id"] + " " + case["formula"] + " " + str(case.get("contrasts"))
    return any(word in text for word in APPROXIMATE)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_names_assign_contrasts(case):
    _, X = _build(case)
    assert isinstance(X, DesignMatrix)
    assert list(X.columns) == case["colnames"]
    assert list(X.assign) == case["assign"]
    assert X.contrasts == (case["contrasts_attr"] or {})


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_values(case):
    frame, X = _build(case)
    expected = rdata.matrix(case["values"])
    assert X.values.shape == expected.shape
    assert frame.n == len(case["kept"])
    if _approximate(case):
        np.testing.assert_allclose(X.values, expected, rtol=1e-13, atol=1e-14)
    else:
        np.testing.assert_array_equal(X.values, expected)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_rows_kept(case):
    frame, _ = _build(case)
    assert list(frame.kept + 1) == case["kept"]


def test_reference_frame_reproduces_predvars():
    """New data through a fitted frame uses the fitted poly/scale parameters and levels."""
    data = rdata.load_dataset("synth")
    for case in rdata.load_json("reference_frame")["cases"]:
        formula = parse_formula(case["formula"])
        fitted = model_frame(formula, data)
        newdata = data.iloc[case["rows"]].copy()
        newdata["z"] = newdata["z"] + np.array(case["z_shift"])
        newdata["x"] = newdata["x"].fillna(0.0)
        rhs_only = parse_formula("~" + case["formula"].split("~", 1)[1])
        frame = model_frame(rhs_only, newdata, reference=fitted)
        X = model_matrix(rhs_only, frame)
        assert list(X.columns) == case["colnames"], case["formula"]
        np.testing.assert_allclose(X.values, rdata.matrix(case["values"]), rtol=1e-12, atol=1e-13)


# --- behaviour not covered by the R tables ----------------------------------------------------------


def _frame(formula: str, data: pd.DataFrame):
    return model_frame(parse_formula(formula), data)


@pytest.fixture
def small():
    return pd.DataFrame({
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "x": [0.5, 1.0, 2.0, 3.0, 4.0, 5.0],
        "f": pd.Categorical(["a", "b", "c", "a", "b", "c"]),
        "one": pd.Categorical(["a"] * 6),
        "g": ["u", "v", "u", "v", "u", "v"],
    })


def test_lme4_fixed_part_and_random_lhs(small):
    formula = parse_formula("y ~ x + f + (x | g)")
    frame = model_frame(sub_bars(formula), small)
    X = model_matrix(no_bars(formula), frame)
    assert X.columns == ("(Intercept)", "x", "fb", "fc")
    bar = find_bars(formula.rhs)[0]
    Z = model_matrix(bar.lhs, frame)
    assert Z.columns == ("(Intercept)", "x")
    np.testing.assert_array_equal(Z.values[:, 1], small["x"].to_numpy())


def test_rhs_given_as_text_or_node(small):
    frame = _frame("y ~ x + f", small)
    a = model_matrix("x + f", frame)
    b = model_matrix(parse_formula("~ x + f").rhs, frame)
    assert a.columns == b.columns == ("(Intercept)", "x", "fb", "fc")


def test_intercept_only_and_empty(small):
    frame = _frame("y ~ 1", small)
    assert model_matrix("1", frame).columns == ("(Intercept)",)
    empty = model_matrix(parse_formula("y ~ 0"), frame)
    assert empty.values.shape == (6, 0) and empty.columns == ()


def test_single_level_factor_is_an_error(small):
    frame = _frame("y ~ one", small)
    with pytest.raises(DataError, match="contrasts can be applied only to factors with 2 or more levels"):
        model_matrix("one", frame)
    with pytest.raises(DataError, match="2 or more levels"):
        model_matrix("0 + one", frame)


def test_absent_contrast_warns_and_numeric_contrast_errors(small):
    frame = _frame("y ~ x + f", small)
    with pytest.warns(PylmeWarning, match="variable 'zz' is absent, its contrast will be ignored"):
        model_matrix("x + f", frame, contrasts={"zz": "contr.sum"})
    with pytest.raises(DataError, match="contrasts apply only to factors"):
        model_matrix("x + f", frame, contrasts={"x": "contr.sum"})


def test_bad_contrast_specs(small):
    frame = _frame("y ~ f", small)
    with pytest.raises(ArgumentError, match="^object 'contr.bogus' of mode 'function' was not found"):
        model_matrix("f", frame, contrasts={"f": "contr.bogus"})
    with pytest.raises(DataError, match="wrong number of contrast matrix rows"):
        model_matrix("f", frame, contrasts={"f": np.ones((2, 1))})
    X = model_matrix("f", frame, contrasts={"f": "contr.sum"})  # R looks names up exactly: "sum" is R's sum()
    assert X.columns == ("(Intercept)", "f1", "f2") and X.contrasts == {"f": "contr.sum"}


def test_variable_missing_from_frame(small):
    frame = _frame("y ~ x", small)
    with pytest.raises(UnknownVariableError, match="'f'"):
        model_matrix("x + f", frame)


def test_contrast_matrices_are_kept_for_prediction(small):
    frame = _frame("y ~ f", small)
    X = model_matrix("f", frame)
    m = X.contrast_matrices["f"]
    np.testing.assert_array_equal(m.matrix, [[0, 0], [1, 0], [0, 1]])
    assert m.colnames == ("b", "c")


def test_no_warning_for_plain_models(small):
    frame = _frame("y ~ x * f", small)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model_matrix("x * f", frame)
