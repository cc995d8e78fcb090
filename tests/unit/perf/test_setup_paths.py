"""The O(n) setup paths give exactly what the general (sorting, per-value) paths give.

Issue 11, setup: string columns are factorized by one hash pass (levels R-sorted), factor
codes are compacted by counting instead of sorting, Categorical labels of plain strings are
taken as they are.  Each is compared here with the definition it replaces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pylme.design.collation import r_sort
from pylme.design.columns import Factor, r_factor, strings_to_factor, used_levels
from pylme.design.convert import convert_series, r_as_character
from pylme.design.random import _drop_unused


def _general_strings(values: list) -> Factor:
    """R's factor() of character data, as the per-value path builds it."""
    text = np.array([None if v is None or v is np.nan else r_as_character(v) for v in values], dtype=object)
    return strings_to_factor(text, r_sort({t for t in text if t is not None}))


def _same(a: Factor, b: Factor) -> None:
    assert a.levels == b.levels and a.ordered == b.ordered
    np.testing.assert_array_equal(a.codes, b.codes)
    assert a.codes.dtype == b.codes.dtype == np.int64


@pytest.mark.parametrize("seed", range(5))
def test_string_columns_factorize_as_r(seed):
    rng = np.random.default_rng(seed)
    alphabet = list("aAbB_-. 0123xyzZ") + ["é", "ß"]
    pool = ["".join(rng.choice(alphabet, size=rng.integers(0, 5))) for _ in range(60)]
    values = [pool[i] for i in rng.integers(0, len(pool), size=500)]
    for i in rng.integers(0, 500, size=20):
        values[i] = None
    for dtype in (object, "string"):
        series = pd.Series(values, dtype=dtype)
        got = convert_series("g", series).col
        _same(got, _general_strings(values))


def test_string_subclasses_with_equal_text_are_merged():
    class Tagged(str):
        def __str__(self) -> str:
            return "same"

    values = [Tagged("a"), Tagged("b"), "same", "c"]
    got = convert_series("g", pd.Series(values, dtype=object)).col
    assert got.levels == ("c", "same")
    np.testing.assert_array_equal(got.codes, [1, 1, 1, 0])


def test_mixed_object_columns_keep_the_general_path():
    got = convert_series("g", pd.Series([1, "1", 2.5, True, None], dtype=object)).col
    assert got.levels == ("1", "2.5", "TRUE")
    np.testing.assert_array_equal(got.codes, [0, 0, 1, 2, -1])


def test_categorical_string_labels():
    cats = ["b", "a", "B", "10", "2"]
    series = pd.Series(pd.Categorical(["a", "10", None, "B"], categories=cats))
    got = convert_series("g", series).col
    assert got.levels == tuple(cats)  # the categories' order, not R's sort
    np.testing.assert_array_equal(got.codes, [1, 3, -1, 2])


@pytest.mark.parametrize("seed", range(5))
def test_used_levels_and_dropping_unused_levels(seed):
    rng = np.random.default_rng(seed)
    nlevels = int(rng.integers(1, 40))
    codes = rng.integers(-1, nlevels, size=int(rng.integers(1, 300))).astype(np.int64)
    np.testing.assert_array_equal(used_levels(codes, nlevels), np.unique(codes[codes >= 0]))
    levels = tuple(f"L{i}" for i in range(nlevels))
    dropped = r_factor(Factor(codes, levels))
    used = np.unique(codes[codes >= 0])
    assert dropped.levels == tuple(levels[i] for i in used)
    remap = np.full(nlevels + 1, -1)
    remap[used] = np.arange(used.size)
    np.testing.assert_array_equal(dropped.codes, remap[codes])
    # grouping factors (no NA after the model frame): compacted as np.unique's inverse
    present = codes[codes >= 0]
    if present.size:
        group = _drop_unused("g", Factor(present, levels))
        u, inverse = np.unique(present, return_inverse=True)
        assert group.levels == tuple(levels[i] for i in u)
        np.testing.assert_array_equal(group.codes, inverse)
