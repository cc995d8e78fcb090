"""Factors keep the identity of their values (R's ``factor()``, lme4's ``%i%``).

One parametrized table per class of input.  Where R can hold the data, the expected
levels and codes are R 4.2.2 / lme4 1.1-31's, produced by the R expression noted with
each row (``show(f)`` prints ``levels(f)`` and ``as.integer(f)``; ``fl(form, d)`` the
same for every factor of ``lFormula(form, d, control = <checks ignored>)$reTrms$flist``).
Codes are stored 1-based as R prints them.
"""

import datetime

import numpy as np
import pandas as pd
import pytest

from pylme.design.columns import Numeric, r_factor
from pylme.design.frame import model_frame
from pylme.design.model_matrix import model_matrix
from pylme.design.random import make_re_terms
from pylme.errors import DataError
from pylme.formula import find_bars, parse_formula, sub_bars


def flist(formula: str, data: pd.DataFrame) -> dict:
    """name -> (levels, 1-based codes) of lme4's ``reTrms$flist`` as pylme builds it."""
    f = parse_formula(formula)
    frame = model_frame(sub_bars(f), data)
    re = make_re_terms(find_bars(f.rhs), frame)
    return {name: (g.levels, [int(c) + 1 for c in g.codes]) for name, g in re.flist.items()}


def frame_factor(data: pd.DataFrame, expr: str = "g"):
    """``expr`` of a model frame as R's ``factor()`` codes it: (levels, 1-based codes)."""
    mf = model_frame(f"y ~ {expr}", data)
    f = mf.as_factor(expr)
    return f.levels, [int(c) + 1 for c in f.codes]


def with_y(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"y": np.arange(n) + 0.5, **columns})


# --- 1. integers keep exact identity ------------------------------------------------------------

B = 2**53
INTEGER_CASES = [
    # R: show(factor(c(10L, 2L, 100000L, -3L)))  -> "-3","2","10","100000" | 3,2,4,1
    ("int64 small", pd.Series([10, 2, 100000, -3], dtype="int64"), ("-3", "2", "10", "100000"), [3, 2, 4, 1]),
    ("int32 small", pd.Series([10, 2, 100000, -3], dtype="int32"), ("-3", "2", "10", "100000"), [3, 2, 4, 1]),
    ("object small", pd.Series([10, 2, 100000, -3], dtype=object), ("-3", "2", "10", "100000"), [3, 2, 4, 1]),
    # Beyond 2^53 R cannot hold the values: show(factor(c(9007199254740993, 9007199254740992)))
    # gives ONE level "9007199254740992".  pylme keeps distinct ids distinct, in numeric order.
    ("int64 2^53", pd.Series([B + 1, B, B + 1, B], dtype="int64"), (str(B), str(B + 1)), [2, 1, 2, 1]),
    ("int64 -2^53", pd.Series([-B - 1, -B, -B - 1, 5], dtype="int64"), (str(-B - 1), str(-B), "5"), [1, 2, 1, 3]),
    ("int64 max", pd.Series([2**63 - 1, 2**63 - 2, 0, 2**63 - 1], dtype="int64"),
     ("0", str(2**63 - 2), str(2**63 - 1)), [3, 2, 1, 3]),
    ("uint64 max", pd.Series([2**64 - 1, 2**64 - 2, 1, 2**64 - 1], dtype="uint64"),
     ("1", str(2**64 - 2), str(2**64 - 1)), [3, 2, 1, 3]),
    ("object 2^53", pd.Series([B + 1, B, B + 1, B], dtype=object), (str(B), str(B + 1)), [2, 1, 2, 1]),
    ("object 2^70", pd.Series([2**70 + 1, 2**70, -(2**70), 2**70], dtype=object),
     (str(-(2**70)), str(2**70), str(2**70 + 1)), [3, 2, 1, 2]),
    ("object numpy ints", pd.Series([np.int64(B + 1), np.uint64(B), np.int64(B + 1), 3], dtype=object),
     ("3", str(B), str(B + 1)), [3, 2, 3, 1]),
    ("object bool+int", pd.Series([True, B + 1, False, B + 1], dtype=object),  # R: c(TRUE, 1L) is 1L
     ("0", "1", str(B + 1)), [2, 3, 1, 3]),
    ("Int64 2^53", pd.array([B + 1, B, B + 1, B], dtype="Int64"), (str(B), str(B + 1)), [2, 1, 2, 1]),
    ("UInt64 max", pd.array([2**64 - 1, 7, 2**64 - 1, 2**64 - 2], dtype="UInt64"),
     ("7", str(2**64 - 2), str(2**64 - 1)), [3, 1, 3, 2]),
]


@pytest.mark.parametrize("label, values, levels, codes", INTEGER_CASES, ids=[c[0] for c in INTEGER_CASES])
def test_integer_ids_keep_exact_identity(label, values, levels, codes):
    d = with_y(g=values)
    assert frame_factor(d) == (levels, codes)
    assert flist("y ~ 1 + (1 | g)", d)["g"] == (levels, codes)
    # factor(g) in the fixed part: the same levels, one column per non-reference level
    mm = model_matrix(parse_formula("y ~ factor(g)").rhs, model_frame("y ~ factor(g)", d))
    assert list(mm.columns) == ["(Intercept)"] + [f"factor(g){lev}" for lev in levels[1:]]


@pytest.mark.parametrize("label, values, levels, codes", INTEGER_CASES[3:], ids=[c[0] for c in INTEGER_CASES[3:]])
def test_integer_ids_with_missing_values_and_as_covariates(label, values, levels, codes):
    # an NA row is dropped (na.omit); the remaining ids stay distinct
    d = with_y(g=pd.array(list(values) + [None], dtype=object), x=np.arange(len(values) + 1.0))
    mf = model_frame("y ~ x + g", d)
    assert mf.n == len(values)
    assert mf.as_factor("g").levels == levels
    # used as a number it is R's double (what R itself would hold)
    np.testing.assert_array_equal(mf.column("g").values, np.array([float(v) for v in values]))


def test_nullable_integer_with_na_drops_the_row_only():
    d = with_y(g=pd.array([B + 1, None, B, B + 1], dtype="Int64"))
    assert flist("y ~ 1 + (1 | g)", d)["g"] == ((str(B), str(B + 1)), [2, 1, 2])


@pytest.mark.parametrize("values", [
    [B + 1, 1.5, B, 2.0], [0.5, -B - 3], [2**70, 0.25], [np.int64(B + 1), np.float32(1.0)],
])
def test_floats_mixed_with_integers_beyond_2_53_are_refused(values):
    # R's c(<huge integer>, 1.5) would be doubles, merging distinct ids: refused, not rounded
    d = with_y(g=pd.Series(values, dtype=object))
    with pytest.raises(DataError, match=r"mixes floats with integers beyond 2\^53"):
        model_frame("y ~ g", d)


def test_integers_below_2_53_mixed_with_floats_are_doubles():
    # R: show(factor(c(1, 1L, 2.5, 2L))) -> "1","2","2.5" | 1,1,3,2
    d = with_y(g=pd.Series([1.0, 1, 2.5, 2], dtype=object))
    assert frame_factor(d) == (("1", "2", "2.5"), [1, 1, 3, 2])


# --- 2. interactions: lme4's %i% ----------------------------------------------------------------

_A = ["x:y", "x", "x:y", "x", "x", "x:y"]
_B = ["z", "y:z", "z", "y:z", "z", "y:z"]
_D3 = dict(a=["1", "1:2", "1", "1:2", "2", "2", "1", "1"], b=["2:3", "3", "3", "2:3", "3", "2:3", "3", "2:3"],
           c=["u", "u", "v", "v", "u", "v", "u", "v"])
INTERACTION_CASES = [
    # d <- data.frame(y = 1:6 + 0.5, a = <_A>, b = <_B>); fl(y ~ 1 + (1|a:b), d)
    ("collide", "y ~ 1 + (1|a:b)", dict(a=_A, b=_B),
     {"a:b": (("x:z", "x:y:y:z", "x:y:z"), [3, 3, 3, 3, 1, 2])}),
    # fl(y ~ 1 + (1|a:b), d[c(2,1,3,4,5,6), ]): the first occurrence of "x:y:z" is now (x, y:z)
    ("collide, other first", "y ~ 1 + (1|a:b)", dict(a=[_A[1], _A[0]] + _A[2:], b=[_B[1], _B[0]] + _B[2:]),
     {"a:b": (("x:y:z", "x:z", "x:y:y:z"), [1, 1, 1, 1, 2, 3])}),
    # fl(y ~ 1 + (1|a/b), d): lme4 expands a/b to (1|b:a) + (1|a)
    ("nested a/b", "y ~ 1 + (1|a/b)", dict(a=_A, b=_B),
     {"b:a": (("y:z:x", "y:z:x:y", "z:x", "z:x:y"), [4, 1, 4, 1, 3, 2]),
      "a": (("x", "x:y"), [2, 1, 2, 1, 1, 2])}),
    # fl(y ~ 1 + (1|b:a), d)
    ("b:a", "y ~ 1 + (1|b:a)", dict(a=_A, b=_B),
     {"b:a": (("y:z:x", "y:z:x:y", "z:x", "z:x:y"), [4, 1, 4, 1, 3, 2])}),
    # d3 <- data.frame(y = 1:8 + 0.5, a = <a>, b = <b>, c = <c>); fl(y ~ 1 + (1|a:b:c), d3)
    ("three-way", "y ~ 1 + (1|a:b:c)", _D3,
     {"a:b:c": (("1:2:3:u", "1:2:3:v", "1:3:u", "1:3:v", "1:2:2:3:v", "2:2:3:v", "2:3:u"),
                [1, 1, 4, 5, 7, 6, 3, 2])}),
    # fl(y ~ 1 + (1|a/b/c), d3)
    ("nested a/b/c", "y ~ 1 + (1|a/b/c)", _D3,
     {"c:(b:a)": (("u:2:3:1", "u:3:1", "u:3:1:2", "u:3:2", "v:2:3:1", "v:2:3:1:2", "v:2:3:2", "v:3:1"),
                  [1, 3, 8, 6, 4, 7, 2, 5]),
      "b:a": (("2:3:1", "2:3:1:2", "2:3:2", "3:1", "3:1:2", "3:2"), [1, 5, 4, 2, 6, 3, 4, 1]),
      "a": (("1", "1:2", "2"), [1, 2, 1, 2, 3, 3, 1, 1])}),
    # d4 <- data.frame(y = 1:6 + 0.5, g = c(1, 10, 1, 11, 1, 10), h = c(1, 1, 11, 0, 0, 1));
    # fl(y ~ 1 + (1|g:h), d4): numbers sort numerically inside each factor ("1:11" collides with
    # "11:1"? no: 11:1 does not occur; "1:11" and "11:0" are distinct)
    ("numbers", "y ~ 1 + (1|g:h)", dict(g=[1.0, 10, 1, 11, 1, 10], h=[1.0, 1, 11, 0, 0, 1]),
     {"g:h": (("1:0", "1:1", "1:11", "10:1", "11:0"), [2, 4, 3, 5, 1, 4])}),
    # d5 <- data.frame(y = 1:6 + 0.5, f = factor(c("b","a","b","c","a","c"), levels = c("c","b","a","zz")),
    #                  g = c("b:a","c","c","a","b:a","a")); fl(y ~ 1 + (1|f:g), d5)
    ("categorical order", "y ~ 1 + (1|f:g)",
     dict(f=pd.Categorical(list("babcac"), categories=["c", "b", "a", "zz"]), g=["b:a", "c", "c", "a", "b:a", "a"]),
     {"f:g": (("c:a", "b:b:a", "b:c", "a:b:a", "a:c"), [2, 5, 3, 1, 4, 1])}),
    # fl(y ~ 1 + (1|g:f), d5): "b:a:b" (g = "b:a", f = "b") and "b:a:a" are distinct
    ("categorical second", "y ~ 1 + (1|g:f)",
     dict(f=pd.Categorical(list("babcac"), categories=["c", "b", "a", "zz"]), g=["b:a", "c", "c", "a", "b:a", "a"]),
     {"g:f": (("a:c", "b:a:b", "b:a:a", "c:b", "c:a"), [2, 5, 4, 1, 3, 1])}),
    # d6 <- cbind(d, l = c(TRUE,FALSE,TRUE,TRUE,FALSE,FALSE)); fl(y ~ 1 + (1|l:a), d6)
    ("logical", "y ~ 1 + (1|l:a)", dict(a=_A, l=[True, False, True, True, False, False]),
     {"l:a": (("FALSE:x", "FALSE:x:y", "TRUE:x", "TRUE:x:y"), [4, 1, 4, 3, 1, 2])}),
]


@pytest.mark.parametrize("label, formula, columns, expected", INTERACTION_CASES,
                         ids=[c[0] for c in INTERACTION_CASES])
def test_interaction_grouping_factors_match_lme4(label, formula, columns, expected):
    got = flist(formula, with_y(**columns))
    assert got == expected
    assert list(got) == list(expected)  # lme4's flist order


@pytest.mark.parametrize("label, formula, columns, expected", INTERACTION_CASES,
                         ids=[c[0] for c in INTERACTION_CASES])
def test_interaction_labels_are_unique_and_codes_consistent(label, formula, columns, expected):
    # whatever the data, one label is one level, and every row's level is its pasted label
    d = with_y(**columns)
    f = parse_formula(formula)
    frame = model_frame(sub_bars(f), d)
    for g in make_re_terms(find_bars(f.rhs), frame).flist.values():
        assert len(set(g.levels)) == len(g.levels)
        assert sorted(set(g.codes.tolist())) == list(range(len(g.levels)))


def test_fixed_effect_interaction_is_a_model_matrix_product():
    # R: colnames(model.matrix(~ a:b, d)) and its values (d as in the "collide" case)
    d = with_y(a=_A, b=_B)
    mm = model_matrix(parse_formula("y ~ a:b").rhs, model_frame("y ~ a:b", d))
    assert list(mm.columns) == ["(Intercept)", "ax:by:z", "ax:y:by:z", "ax:bz", "ax:y:bz"]
    np.testing.assert_array_equal(mm.values, [[1, 0, 0, 0, 1], [1, 1, 0, 0, 0], [1, 0, 0, 0, 1],
                                              [1, 1, 0, 0, 0], [1, 0, 0, 1, 0], [1, 0, 1, 0, 0]])


# --- 3. values that differ in type but print the same -------------------------------------------

MIXED_CASES = [
    # R: show(factor(c(1, "1", 2, "2")))  -> "1","2" | 1,1,2,2
    ("1 and '1'", [1, "1", 2, "2"], ("1", "2"), [1, 1, 2, 2]),
    ("1.0 and '1'", [1.0, "1", 2.0, "2"], ("1", "2"), [1, 1, 2, 2]),
    # R: show(factor(c(TRUE, "TRUE", FALSE, "x")))  -> "FALSE","TRUE","x" | 2,2,1,3
    ("True and 'TRUE'", [True, "TRUE", False, "x"], ("FALSE", "TRUE", "x"), [2, 2, 1, 3]),
    ("numpy bool and 'FALSE'", [np.bool_(True), "TRUE", np.bool_(False), "FALSE"], ("FALSE", "TRUE"), [2, 2, 1, 1]),
    # R: show(factor(c(1, 1L, 2.5, 2L)))  -> "1","2","2.5" | 1,1,3,2
    ("1.0 and 1", [1.0, 1, 2.5, 2], ("1", "2", "2.5"), [1, 1, 3, 2]),
    # R: show(factor(c(TRUE, 1L, 0L, FALSE)))  -> "0","1" | 2,2,1,1
    ("True and 1", [True, 1, 0, False], ("0", "1"), [2, 2, 1, 1]),
    # R: show(factor(c(TRUE, 2.5)))  -> "1","2.5" | 1,2
    ("True and 2.5", [True, 2.5], ("1", "2.5"), [1, 2]),
    # R: show(factor(c(100000L, "a")))  -> "100000","a";  show(factor(c(1e5, "a")))  -> "1e+05","a"
    ("int 100000 and 'a'", [100000, "a"], ("100000", "a"), [1, 2]),
    ("float 1e5 and 'a'", [1e5, "a"], ("1e+05", "a"), [1, 2]),
    # R: show(factor(c(1L, 2.5, "a")))  -> "1","2.5","a" | 1,2,3
    ("int, float, str", [1, 2.5, "a"], ("1", "2.5", "a"), [1, 2, 3]),
    # R: show(factor(c(10, "9", 2L)))  -> "10","2","9" | 1,3,2  (character: string order)
    ("string order", [10.0, "9", 2], ("10", "2", "9"), [1, 3, 2]),
    # R: show(factor(c(0.1 + 0.2, "0.3")))  -> "0.3" | 1,1
    ("15 digits", [0.1 + 0.2, "0.3"], ("0.3",), [1, 1]),
]


@pytest.mark.parametrize("label, values, levels, codes", MIXED_CASES, ids=[c[0] for c in MIXED_CASES])
def test_mixed_types_follow_r_coercion(label, values, levels, codes):
    d = with_y(g=pd.Series(values, dtype=object))
    assert frame_factor(d) == (levels, codes)
    assert flist("y ~ 1 + (1 | g)", d)["g"] == (levels, codes)


@pytest.mark.parametrize("label, values, levels, codes", [c for c in MIXED_CASES if len(c[2]) > 1],
                         ids=[c[0] for c in MIXED_CASES if len(c[2]) > 1])
def test_mixed_types_in_the_fixed_part_use_the_same_levels(label, values, levels, codes):
    d = with_y(g=pd.Series(values, dtype=object))
    mm = model_matrix(parse_formula("y ~ factor(g)").rhs, model_frame("y ~ factor(g)", d))
    assert list(mm.columns) == ["(Intercept)"] + [f"factor(g){lev}" for lev in levels[1:]]
    expected = np.array([[1.0] + [float(c == k) for k in range(2, len(levels) + 1)] for c in codes])
    np.testing.assert_array_equal(mm.values, expected)


@pytest.mark.parametrize("values", [
    [1, datetime.date(2020, 1, 1)], ["a", b"a"], [1.5, {"k": 1}], [None, [1, 2]], ["x", pd.Timestamp("2020-01-01")],
    [1, complex(1, 2)],
])
def test_values_r_has_no_atomic_type_for_are_refused(values):
    d = with_y(g=pd.Series(values, dtype=object))
    with pytest.raises(DataError, match="variable 'g' holds values of type"):
        model_frame("y ~ 1 + g", d)


# --- 4. float categories ------------------------------------------------------------------------

_DOUBLES = [1, 2.5, 1e-20, 1 / 3, 1e5, 123456.7, -0.5, 0.1 + 0.2, 0.3, np.inf, -np.inf, 2.0**53, 1e15]
# R: show(factor(c(1, 2.5, 1e-20, 1/3, 1e5, 123456.7, -0.5, 0.1+0.2, 0.3, Inf, -Inf, 2^53, 1e15)))
_DOUBLE_LEVELS = ("-Inf", "-0.5", "1e-20", "0.3", "0.333333333333333", "1", "2.5", "1e+05", "123456.7",
                  "1e+15", "9007199254740992", "Inf")
_DOUBLE_CODES = [6, 7, 3, 5, 8, 9, 2, 4, 4, 12, 1, 11, 10]
FLOAT_CASES = [
    ("float64", pd.Series(_DOUBLES, dtype="float64"), _DOUBLE_LEVELS, _DOUBLE_CODES),
    ("Float64", pd.array(_DOUBLES, dtype="Float64"), _DOUBLE_LEVELS, _DOUBLE_CODES),
    ("object floats", pd.Series(_DOUBLES, dtype=object), _DOUBLE_LEVELS, _DOUBLE_CODES),
    # R: show(factor(c(1, 2.5, NA, 2.5)))  -> "1","2.5" (the NA row dropped by the model frame)
    ("NaN", pd.Series([1.0, 2.5, np.nan, 2.5]), ("1", "2.5"), [1, 2, 2]),
    ("Float64 NA", pd.array([1.0, 2.5, None, 2.5], dtype="Float64"), ("1", "2.5"), [1, 2, 2]),
    ("float32", pd.Series([0.5, 0.25, 0.5], dtype="float32"), ("0.25", "0.5"), [2, 1, 2]),
    # a Categorical keeps its categories' order: R factor(x, levels = c(2.5, 1, 10)) -> "2.5","1","10"
    ("categorical floats", pd.Categorical([1.0, 2.5, 10.0, 1.0], categories=[2.5, 1.0, 10.0, 7.5]),
     ("2.5", "1", "10"), [2, 1, 3, 2]),
    ("categorical floats with NaN", pd.Categorical([1.0, np.nan, 1e5, 1.0]), ("1", "1e+05"), [1, 2, 1]),
]


@pytest.mark.parametrize("label, values, levels, codes", FLOAT_CASES, ids=[c[0] for c in FLOAT_CASES])
def test_float_grouping_factors_are_r_factors(label, values, levels, codes):
    d = with_y(g=values)
    assert flist("y ~ 1 + (1 | g)", d)["g"] == (levels, codes)


@pytest.mark.parametrize("categories", [[0.3, 0.1 + 0.2], [1.0, 1.0 + 1e-15], [0.5, 1 / 3, 0.3333333333333333 + 1e-16]])
def test_float_categories_with_one_r_label_are_refused(categories):
    # R refuses duplicated levels: factor(1, levels = c("0.3", "0.3")) -> "factor level [2] is duplicated"
    if len(set(categories)) < len(categories):
        pytest.skip("pandas already merged the categories")
    d = with_y(g=pd.Categorical(categories[:1] * 2, categories=categories))
    with pytest.raises(DataError, match=r"factor level \[\d\] is duplicated"):
        model_frame("y ~ g", d)


def test_r_factor_of_doubles_directly():
    f = r_factor(Numeric(np.array(_DOUBLES, dtype=float)))
    assert f.levels == _DOUBLE_LEVELS
    assert [int(c) + 1 for c in f.codes] == _DOUBLE_CODES


# --- 5. other kinds of columns -------------------------------------------------------------------

OTHER_CASES = [
    # R: droplevels(factor(c("a","b","a","b"), levels = c("c","b","a"))) -> "b","a" | 2,1,2,1
    ("unused categories", pd.Categorical(list("abab"), categories=["c", "b", "a"]), ("b", "a"), [2, 1, 2, 1]),
    ("unused after NA", pd.Categorical(["a", None, "a", "b"], categories=["c", "b", "a"]), ("b", "a"), [2, 2, 1]),
    ("ordered", pd.Categorical(["lo", "hi", "mid"], categories=["lo", "mid", "hi"], ordered=True),
     ("lo", "mid", "hi"), [1, 3, 2]),
    # R: show(factor(c(TRUE, FALSE, TRUE)))  -> "FALSE","TRUE" | 2,1,2
    ("bool", pd.Series([True, False, True]), ("FALSE", "TRUE"), [2, 1, 2]),
    ("boolean NA", pd.array([True, None, False, True], dtype="boolean"), ("FALSE", "TRUE"), [2, 1, 2]),
    ("bool categories", pd.Categorical([True, False, True]), ("FALSE", "TRUE"), [2, 1, 2]),
    ("int categories", pd.Categorical([10, 2, 10], categories=[10, 2]), ("10", "2"), [1, 2, 1]),
    ("big int categories", pd.Categorical([B + 1, B, B + 1]), (str(B), str(B + 1)), [2, 1, 2]),
    # R: sort(c("b", "a", "B")) on the reference machine: "a","b","B"
    ("string dtype", pd.array(["b", "a", None, "B"], dtype="string"), ("a", "b", "B"), [2, 1, 3]),
    ("pd.NA in object", pd.Series(["b", pd.NA, "a", "b"], dtype=object), ("a", "b"), [2, 1, 2]),
    ("NaT in object", pd.Series(["b", pd.NaT, "a", "b"], dtype=object), ("a", "b"), [2, 1, 2]),
    ("None in object", pd.Series([None, "b", "a", "b"], dtype=object), ("a", "b"), [2, 1, 2]),
]


@pytest.mark.parametrize("label, values, levels, codes", OTHER_CASES, ids=[c[0] for c in OTHER_CASES])
def test_other_columns_become_r_factors(label, values, levels, codes):
    d = with_y(g=values)
    assert flist("y ~ 1 + (1 | g)", d)["g"] == (levels, codes)


@pytest.mark.parametrize("values, message", [
    (pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-01"]), "unsupported type datetime64"),
    (pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-01"]).tz_localize("UTC"), "unsupported type datetime64"),
    (pd.to_timedelta([1, 2, 1], unit="D"), "unsupported type timedelta64"),
    (pd.period_range("2020-01", periods=3, freq="M"), "unsupported type period"),
    (pd.Series([1 + 2j, 3j, 1 + 2j]), "unsupported type complex"),
    (pd.arrays.IntervalArray.from_breaks([0, 1, 2, 3]), "unsupported type interval"),
    (pd.Categorical([1, "1", 1]), r"categories 1 and '1' are both the level \"1\""),
    (pd.Categorical([True, "TRUE"]), r"both the level \"TRUE\""),
])
def test_unsupported_columns_raise_data_error(values, message):
    d = with_y(g=values)
    with pytest.raises(DataError, match=message):
        flist("y ~ 1 + (1 | g)", d)
