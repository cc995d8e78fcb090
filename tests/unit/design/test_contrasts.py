"""Contrast matrices against R (tests/data/design/contrasts.json) and poly() numerics."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.errors import ArgumentError, DataError
from pylme.design.contrasts import (
    CONTRASTS,
    Contrast,
    contr_poly,
    contr_treatment,
    orthogonal_poly_basis,
    poly_fit,
    poly_predict,
    resolve_contrast,
)

_spec = importlib.util.spec_from_file_location(
    "design_rdata", Path(__file__).resolve().parents[2] / "data" / "design" / "rdata.py"
)
rdata = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rdata)

CASES = rdata.load_json("contrasts")["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["r_expression"] for c in CASES])
def test_against_r(case):
    c = CONTRASTS[case["fun"]](tuple(case["levels"]))
    assert isinstance(c, Contrast) and c.name == case["fun"]
    assert c.colnames == (None if case["colnames"] is None else tuple(case["colnames"]))
    expected = rdata.matrix(case["values"])
    if case["fun"] == "contr.poly":
        # R and pylme orthogonalise with different (Householder) QR codes: agree to ~1e-14
        np.testing.assert_allclose(c.matrix, expected, rtol=0, atol=1e-13)
    else:
        np.testing.assert_array_equal(c.matrix, expected)


def test_column_suffixes():
    assert contr_treatment(("a", "b", "c")).column_suffixes() == ("b", "c")
    assert CONTRASTS["contr.sum"](("a", "b", "c")).column_suffixes() == ("1", "2")
    assert contr_poly(tuple("abcdef")).column_suffixes() == (".L", ".Q", ".C", "^4", "^5")


def test_contr_poly_is_orthonormal():
    m = contr_poly(tuple(str(i) for i in range(7))).matrix
    np.testing.assert_allclose(m.T @ m, np.eye(6), atol=1e-14)
    np.testing.assert_allclose(m.sum(axis=0), 0.0, atol=1e-14)


def test_resolve_contrast():
    levels = ("a", "b", "c")
    assert resolve_contrast("contr.helmert", levels).name == "contr.helmert"
    # R: list(f = "sum") calls R's sum(): refused (tests/unit/design/test_contrasts_args.py)
    with pytest.raises(ArgumentError, match=r"^invalid 'type' \(character\) of argument"):
        resolve_contrast("sum", levels)
    m = resolve_contrast(np.array([[1.0], [0.0], [-1.0]]), levels, "f")
    assert m.name == "matrix" and m.colnames is None and m.column_suffixes() == ("1",)
    named = resolve_contrast(pd.DataFrame({"lin": [-1.0, 0.0, 1.0]}), levels, "f")
    assert named.column_suffixes() == ("lin",)
    with pytest.raises(ArgumentError, match="^object 'contr.bogus' of mode 'function' was not found"):
        resolve_contrast("contr.bogus", levels, "f")
    with pytest.raises(DataError, match="wrong number of contrast matrix rows"):
        resolve_contrast(np.ones((2, 1)), levels, "f")
    # R: list(f = matrix(c("a", "b", "c"), 3, 1)) -> "first argument has length > 1"
    with pytest.raises(ArgumentError, match="^first argument has length > 1"):
        resolve_contrast([["a"], ["b"], ["c"]], levels, "f")
    with pytest.raises(DataError, match="2 or more levels"):
        contr_treatment(("a",))


def test_too_many_poly_levels():
    with pytest.raises(DataError, match="95 degrees of freedom|cannot be represented"):
        contr_poly(tuple(str(i) for i in range(96)))


def test_poly_fit_and_predict_agree():
    x = np.array([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    z, alpha, norm2 = poly_fit(x, 3)
    np.testing.assert_allclose(z.T @ z, np.eye(3), atol=1e-14)
    np.testing.assert_allclose(poly_predict(x, alpha, norm2), z, atol=1e-14)
    with pytest.raises(DataError, match="'degree' must be less than number of unique points"):
        poly_fit(np.array([1.0, 1.0, 2.0]), 2)


def test_orthogonal_basis_columns_are_residuals():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    b = orthogonal_poly_basis(x, 2)
    np.testing.assert_allclose(b[:, 0], 1.0)
    np.testing.assert_allclose(b[:, 1], x - x.mean(), atol=1e-14)
