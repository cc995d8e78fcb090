"""model_frame: NA handling, factor levels, weights/offset, R collation and factor() semantics.

R expectations come from tests/data/design/*.json (make_expected.R, R 4.2.2, C.UTF-8/ICU).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.errors import DataError, FormulaError, FormulaSyntaxError, UnknownVariableError
from pylme.formula import parse_expression, parse_formula
from pylme.formula.bars import sub_bars
from pylme.design.columns import Numeric, r_factor
from pylme.design.evaluate import SUPPORTED_FUNCTIONS
from pylme.design.frame import Factor, Logical, ModelFrame, collation_key, model_frame, r_sort

_spec = importlib.util.spec_from_file_location(
    "design_rdata", Path(__file__).resolve().parents[2] / "data" / "design" / "rdata.py"
)
rdata = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rdata)

MM_CASES = rdata.load_json("model_matrix")["cases"]


def frame(formula: str, data: pd.DataFrame, **kw) -> ModelFrame:
    return model_frame(parse_formula(formula), data, **kw)


# --- against R -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", MM_CASES, ids=[c["id"] for c in MM_CASES])
def test_frame_matches_r(case):
    """Rows kept, variable names and factor levels of model.frame(..., drop.unused.levels = TRUE)."""
    data = rdata.load_dataset(case["data"])
    mf = frame(case["formula"], data, weights=case.get("weights"), offset=case.get("offset"))
    assert list(mf.kept + 1) == case["kept"]
    assert mf.n == len(case["kept"])
    names = [n for n in case["frame_names"] if n not in ("(weights)", "(offset)")]
    assert list(mf.names) == names
    for name, meta in (case["frame_levels"] or {}).items():
        column = mf.column(name)
        assert isinstance(column, Factor), name
        assert list(column.levels) == meta["levels"], name
        assert column.ordered == meta["ordered"], name
    if case.get("offset_total") is not None:
        np.testing.assert_allclose(mf.offset, case["offset_total"], rtol=0, atol=1e-15)
    if case.get("weights_kept") is not None:
        np.testing.assert_array_equal(mf.weights, case["weights_kept"])


def test_collation_matches_r_sort():
    """sort() of 549 ASCII strings in R's C.UTF-8 locale with ICU collation."""
    c = rdata.load_json("collation")
    assert r_sort(set(c["input"])) == c["sorted"]


@pytest.mark.parametrize(
    "strings,expected",
    [
        (["b", "a", "B", "A"], ["a", "A", "b", "B"]),
        (["a_b", "a b", "a-b", "a.b", "a0", "ab"], ["a b", "a_b", "a-b", "a.b", "a0", "ab"]),
        (["10", "2", "1", "01"], ["01", "1", "10", "2"]),
        (["Zz", "zz", "Z", "z"], ["z", "Z", "zz", "Zz"]),
        (["é", "e", "E", "f"], ["e", "E", "é", "f"]),
    ],
)
def test_collation_rules(strings, expected):
    assert sorted(strings, key=collation_key) == expected


def test_factor_of_numbers_matches_r():
    for case in rdata.load_json("numbers")["factor_cases"]:
        values = np.array([float.fromhex(h) for h in case["hex"]])
        f = r_factor(Numeric(values, None, case["integer"]))
        assert list(f.levels) == case["levels"], case["r_expression"]
        assert list(f.codes) == case["codes"], case["r_expression"]


# --- NA handling and levels ---------------------------------------------------------------------------


@pytest.fixture
def data():
    return pd.DataFrame({
        "y": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0],
        "x": [0.1, 0.2, 0.3, None, 0.5, 0.6, 0.7],
        "f": pd.Categorical(["c", "a", "b", "a", "c", "a", "c"], categories=["c", "a", "b", "zz"]),
        "o": pd.Categorical(["lo", "hi", "mid", "lo", "hi", "mid", "lo"], categories=["lo", "mid", "hi"],
                            ordered=True),
        "s": ["b", "B", "a", "A", "b", pd.NA, "a"],
        "l": [True, False, True, True, False, False, True],
        "k": [3, 1, 2, 3, 1, 2, 3],
        "w": [1.0, 2.0, 1.0, 1.0, np.nan, 1.0, 1.0],
        "g": ["u", "u", "v", "v", "w", "w", "w"],
    }, index=[10, 11, 12, 13, 14, 15, 16])


def test_rows_with_any_na_are_dropped(data):
    mf = frame("y ~ x + s", data)
    np.testing.assert_array_equal(mf.kept, [0, 1, 4, 6])
    np.testing.assert_array_equal(mf.dropped, [2, 3, 5])
    assert list(mf.row_labels) == [10, 11, 14, 16]
    assert mf.n == 4 and mf.n_original == 7 and mf.na_action == "omit"


def test_weights_and_offset_take_part_in_na_removal(data):
    mf = frame("y ~ x", data, weights="w", offset=np.arange(7.0))
    np.testing.assert_array_equal(mf.kept, [0, 1, 5, 6])
    np.testing.assert_array_equal(mf.weights, [1.0, 2.0, 1.0, 1.0])
    np.testing.assert_array_equal(mf.offset, [0.0, 1.0, 5.0, 6.0])
    np.testing.assert_array_equal(mf.offset_argument, [0.0, 1.0, 5.0, 6.0])


def test_offset_terms_are_summed_with_the_argument(data):
    mf = frame("y ~ x + offset(k) + offset(2 * k)", data, offset=[1.0] * 7)
    np.testing.assert_array_equal(mf.offset, 3.0 * data["k"].to_numpy()[mf.kept] + 1.0)
    assert frame("y ~ x", data).offset is None


def test_unused_levels_dropped_after_na_removal(data):
    mf = frame("y ~ f + o", data.assign(y=[1.0, 2.0, np.nan, 4.0, 5.0, 6.0, 7.0]))
    f, o = mf.column("f"), mf.column("o")
    assert f.levels == ("c", "a") and not f.ordered  # "b" only in the dropped row, "zz" never used
    assert o.levels == ("lo", "mid", "hi") and o.ordered  # category order kept
    assert mf.xlev["f"] == ("c", "a")


def test_character_becomes_sorted_factor_logical_stays_logical(data):
    mf = frame("y ~ s + l + k", data)
    assert mf.column("s").levels == ("a", "A", "b", "B")
    assert isinstance(mf.column("l"), Logical)
    k = mf.column("k")
    assert isinstance(k, Numeric) and k.is_integer


def test_na_action_fail_and_exclude(data):
    with pytest.raises(DataError, match="missing values in object"):
        frame("y ~ x", data, na_action="fail")
    assert frame("y ~ l", data.assign(y=1.0), na_action="fail").n == 7
    excluded = frame("y ~ x", data, na_action="exclude")
    assert excluded.na_action == "exclude" and excluded.n == 5
    with pytest.raises(DataError, match="na_action"):
        frame("y ~ x", data, na_action="pass")


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT])
def test_every_kind_of_missing_value(missing):
    d = pd.DataFrame({"y": [1.0, 2.0, 3.0], "s": pd.Series(["a", missing, "b"], dtype=object)})
    mf = frame("y ~ s", d)
    np.testing.assert_array_equal(mf.kept, [0, 2])


def test_nullable_dtypes():
    d = pd.DataFrame({
        "y": [1.0, 2.0, 3.0, 4.0],
        "i": pd.array([1, None, 3, 4], dtype="Int64"),
        "b": pd.array([True, False, None, True], dtype="boolean"),
        "s": pd.array(["b", "a", "c", None], dtype="string"),
    })
    mf = frame("y ~ i + b + s", d)
    np.testing.assert_array_equal(mf.kept, [0])
    assert mf.column("s").levels == ("b",)


def test_errors(data):
    with pytest.raises(DataError, match="pandas DataFrame"):
        frame("y ~ x", {"y": [1.0]})
    with pytest.raises(DataError, match="no rows"):
        frame("y ~ x", data.iloc[:0])
    with pytest.raises(UnknownVariableError, match=r"object 'nope' not found \(lme4's words\): variable 'nope' is not in data; available columns: y, x"):
        frame("y ~ x + nope", data)
    with pytest.raises(UnknownVariableError, match="'ww'"):
        frame("y ~ x", data, weights="ww")
    with pytest.raises(DataError, match="variable lengths differ"):
        frame("y ~ x", data, weights=[1.0, 2.0])
    with pytest.raises(DataError, match="variable lengths differ"):
        frame("y ~ x", data, offset=np.ones(3))
    with pytest.raises(DataError, match=r"^0 \(non-NA\) cases$"):
        frame("y ~ x", data.assign(x=np.nan))
    with pytest.raises(DataError, match="weights 's' must be a numeric column"):
        frame("y ~ x", data, weights="s")
    with pytest.raises(DataError, match="variable lengths differ"):
        frame("y ~ x + I(2)", data)


def test_unsupported_column_types():
    d = pd.DataFrame({"y": [1.0, 2.0], "t": pd.to_datetime(["2020-01-01", "2020-01-02"]),
                      "m": pd.Series([1, pd.Timestamp("2020-01-01")], dtype=object),
                      "c": pd.Series([1, "a"], dtype=object)})
    with pytest.raises(DataError, match="unsupported type"):
        frame("y ~ t", d)
    with pytest.raises(DataError, match="holds values of type Timestamp"):
        frame("y ~ m", d)
    # numbers mixed with strings are R's c(1L, "a"): character, hence a factor
    assert frame("y ~ c", d).column("c").levels == ("1", "a")


def test_unknown_function_is_named(data):
    with pytest.raises(FormulaError, match=r"unknown function 'ns' in formula: pylme supports I, offset, log"):
        frame("y ~ ns(x, 3)", data)
    assert {"I", "log", "poly", "scale", "offset", "exp", "sqrt", "abs"} <= set(SUPPORTED_FUNCTIONS)


def test_function_errors(data):
    with pytest.raises(DataError, match="missing values are not allowed in 'poly'"):
        frame("y ~ poly(x, 2)", data)
    with pytest.raises(DataError, match="'degree' must be less than number of unique points"):
        frame("y ~ poly(k, 3)", data)
    with pytest.raises(FormulaError, match="not meaningful for factors"):
        frame("y ~ log(f)", data)
    with pytest.raises(FormulaError, match="wrong number of arguments"):
        frame("y ~ log()", data)
    with pytest.raises(FormulaError, match="unsupported argument 'knots'"):
        frame("y ~ poly(k, 1, knots = 3)", data)


def test_sqrt_of_negative_gives_na_rows(data):
    with pytest.warns(UserWarning, match="NaNs produced"):
        mf = frame("y ~ sqrt(x - 0.35)", data)
    np.testing.assert_array_equal(mf.kept, [4, 5, 6])


def test_evaluation_uses_all_rows_before_na_removal():
    """R evaluates poly()/scale() on every row, then drops rows with NA elsewhere."""
    d = pd.DataFrame({"y": [1.0, 2.0, np.nan, 4.0, 5.0], "x": [1.0, 2.0, 3.0, 4.0, 10.0]})
    mf = frame("y ~ scale(x)", d)
    x = d["x"].to_numpy()
    expected = (x - x.mean()) / x.std(ddof=1)
    np.testing.assert_allclose(mf.column("scale(x)").values[:, 0], expected[[0, 1, 3, 4]], rtol=1e-15)
    assert mf.state["scale(x)"]["center"][0] == 4.0


# --- columns and factors ----------------------------------------------------------------------------


def test_column_lookup_and_expressions(data):
    mf = frame("y ~ x + log(x) + f + k", data)
    assert mf.column("log(x)") is mf.column(parse_expression("log( x )"))
    assert mf.column("(x)") is mf.column("x")
    np.testing.assert_allclose(mf.column("2 * x + k").values, 2 * mf.column("x").values + mf.column("k").values)
    with pytest.raises(UnknownVariableError, match="'s' is not in the model frame"):
        mf.column("s")
    with pytest.raises(FormulaSyntaxError):
        mf.column("x +")


def test_as_factor_r_semantics():
    d = pd.DataFrame({
        "y": np.arange(6.0), "num": [0.3, 0.1 + 0.2, 1.0, 1e5, 1.0, 0.3], "int": [10, 2, 100000, 2, 10, 10],
        "lg": [True, True, True, True, True, True], "f": pd.Categorical(list("bababa"), categories=["b", "a"]),
        "a b": list("xxyyzz"),
    })
    mf = frame("y ~ num + int + lg + f + `a b`", d)
    assert mf.as_factor("num").levels == ("0.3", "1", "1e+05")
    assert list(mf.as_factor("num").codes) == [0, 0, 1, 2, 1, 0]
    assert mf.as_factor("int").levels == ("2", "10", "100000")
    assert mf.as_factor("lg").levels == ("TRUE",)
    assert mf.as_factor("f").levels == ("b", "a")
    assert mf.as_factor("a b").levels == ("x", "y", "z")
    inter = mf.as_factor("f:`a b`")  # lme4's %i%: observed combinations, f's order first
    assert inter.levels == ("b:x", "b:y", "b:z", "a:x", "a:y", "a:z")
    assert list(inter.labels()) == ["b:x", "a:x", "b:y", "a:y", "b:z", "a:z"]


def test_frame_of_an_lme4_formula(data):
    f = parse_formula("y ~ x + (x | g) + (1 | f:o)")
    mf = model_frame(sub_bars(f), data)
    assert mf.names == ("y", "x", "g", "f", "o")
    assert mf.response is mf.column("y")
    assert mf.as_factor("g").levels == ("u", "w")  # "v" rows dropped (NA in y, x)


def test_factor_functions(data):
    mf = frame("y ~ factor(k) + as.factor(f) + ordered(s) + as.numeric(f)", data)
    np.testing.assert_array_equal(mf.kept, [0, 1, 3, 4, 6])
    assert mf.column("factor(k)").levels == ("1", "3")  # k == 2 only in dropped rows
    assert mf.column("as.factor(f)").levels == ("c", "a")
    assert mf.column("ordered(s)").ordered
    np.testing.assert_array_equal(mf.column("as.numeric(f)").values, [1.0, 2.0, 2.0, 1.0, 1.0])


def test_logic_and_comparisons(data):
    mf = frame("y ~ I(x > 0.15 & l) + I(f == 'a') + I(!l) + I(x %% 0.2) + I(k %/% 2)", data)
    np.testing.assert_array_equal(mf.kept, [0, 1, 4, 5, 6])
    np.testing.assert_array_equal(mf.column("I(x > 0.15 & l)").values, [False, False, False, False, True])
    np.testing.assert_array_equal(mf.column('I(f == "a")').values, [False, True, False, True, False])
    assert isinstance(mf.column("I(!l)"), Logical)
    with pytest.raises(FormulaError, match="string"):
        frame("y ~ I(x < 'a')", data)


def test_math_functions_follow_the_c_library(data):
    mf = frame("y ~ log(k, base = 10) + log(k, 2) + exp(x) + log1p(x) + I(x^2.5) + abs(-k)", data)
    k, x = data["k"].to_numpy()[mf.kept], data["x"].to_numpy()[mf.kept]
    assert list(mf.column("log(k, base = 10)").values) == [math.log10(v) for v in k]
    assert list(mf.column("log(k, 2)").values) == [math.log2(v) for v in k]
    assert list(mf.column("exp(x)").values) == [math.exp(v) for v in x]
    assert list(mf.column("I(x^2.5)").values) == [math.pow(v, 2.5) for v in x]
    assert mf.column("abs(-k)").is_integer


def test_reference_frame_for_new_data(data):
    fitted = frame("y ~ poly(k, 2) + scale(x) + f", data)
    new = pd.DataFrame({"y": [0.0, 0.0], "k": [1, 4], "x": [0.0, 1.0], "f": ["a", "c"]})
    mf = model_frame(parse_formula("y ~ poly(k, 2) + scale(x) + f"), new, reference=fitted)
    assert mf.column("f").levels == ("c", "a")
    np.testing.assert_array_equal(mf.column("f").codes, [1, 0])
    center = fitted.state["scale(x)"]["center"][0]
    scale = fitted.state["scale(x)"]["scale"][0]
    np.testing.assert_allclose(mf.column("scale(x)").values[:, 0], (np.array([0.0, 1.0]) - center) / scale)
    with pytest.raises(DataError, match="factor f has new level b"):
        model_frame(parse_formula("y ~ f"), new.assign(f=["b", "a"]), reference=fitted)


# --- robustness: only pylme's own errors for any formula ------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pylme.errors import PylmeError  # noqa: E402
from pylme.formula.bars import find_bars, no_bars  # noqa: E402
from pylme.design.model_matrix import model_matrix  # noqa: E402

_TOKENS = ["y", "x", "f", "l", "s", "k", "1", "0", "2", "0.5", "+", "-", "*", "/", ":", "^", "|", "(", ")", "(",
           ")", "%in%", "log(", "poly(", "scale(", "I(", ",", "==", "&", "!", "offset(", "factor(", "`a b`",
           "'u'", "exp(", "sqrt(", "as.numeric(", "raw = TRUE", "Inf", "NA", "TRUE", "%%", "<", "ordered("]
_DATA = pd.DataFrame({
    "y": [1.0, 2, 3, 4, 5, 6, np.nan, 8], "x": [0.5, 1, 2, 3, 4, 5, 6, -1], "k": [1, 2, 3, 1, 2, 3, 1, 2],
    "f": pd.Categorical(list("abcabcab")), "l": [True, False] * 4, "s": list("pqpqpqpq"),
    "a b": [1.0, 2, 3, 4, 5, 6, 7, 8],
})


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=12))
def test_random_formulas_raise_only_pylme_errors(tokens):
    import warnings

    text = "y ~ " + " ".join(tokens)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            f = parse_formula(text)
            mf = model_frame(sub_bars(f), _DATA)
            model_matrix(no_bars(f), mf)
            for bar in find_bars(f.rhs):
                model_matrix(bar.lhs, mf)
                mf.as_factor(bar.group)
        except PylmeError:
            pass
