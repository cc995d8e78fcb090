"""Base R ``reshape()``, ``stack()`` and ``unstack()`` translated and run: the frames equal
R 4.2.2's (frozen in tests/data/migrate/reshape/r_frames.json by freeze_reshape.py there) in
column names and order, row names, column types, factor levels and values; bad input
fails with R's message."""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.errors import ArgumentError
from pylme.migrate import migrate_source, rreshape

DATA = Path(__file__).parents[1] / "data" / "migrate" / "reshape"
sys.path.insert(0, str(DATA))
from reshape_cases import CASES, ERRORS  # noqa: E402

FROZEN = json.loads((DATA / "r_frames.json").read_text())


def _run(source: str) -> tuple[str, dict]:
    result = migrate_source(source)
    assert result.todos == (), result.python
    scope: dict = {"__name__": "__translated__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(result.python, "<translated>", "exec"), scope)
    return result.python, scope


def _row_names(index: pd.Index) -> list[str]:
    """R's row names of a frame: the labels, or for pandas' integer positions (R's
    automatic row names) the 1-based numbers."""
    if index.dtype.kind in "iu":
        return [str(i + 1) for i in index]
    return [str(i) for i in index]


def _same_value(got, want) -> bool:
    if want is None:
        return got is None or pd.isna(got)
    if isinstance(want, str):
        return got == want
    if isinstance(want, bool):
        return bool(got) == want
    return math.isclose(float(got), want, rel_tol=1e-14, abs_tol=0.0)


def assert_frame_is_r(frame: pd.DataFrame, want: dict, python: str = "") -> None:
    assert list(frame.columns) == want["names"], python
    assert _row_names(frame.index) == want["row_names"], python
    for name, col in zip(want["names"], want["columns"]):
        got = frame[name]
        r_class = col["class"][0]
        if r_class == "factor":
            assert isinstance(got.dtype, pd.CategoricalDtype), (name, got.dtype)
            assert list(got.cat.categories) == col["levels"], name
        elif r_class == "character":
            assert got.dtype == object or pd.api.types.is_string_dtype(got.dtype), name
        elif r_class == "integer":
            assert got.dtype.kind in "iu", (name, got.dtype)
        elif r_class == "numeric":
            # the translation writes R's whole doubles (c(1, 2)) as Python integers
            assert got.dtype.kind in "iuf", (name, got.dtype)
        elif r_class == "logical":
            assert got.dtype.kind == "b", (name, got.dtype)
        values = list(np.asarray(got, dtype=object))
        assert len(values) == len(col["values"]), name
        assert all(_same_value(g, w) for g, w in zip(values, col["values"])), \
            (name, values, col["values"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_reshape_equals_r(name):
    python, scope = _run(CASES[name])
    assert "rreshape." in python
    assert_frame_is_r(scope["result"], FROZEN["frames"][name], python)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_input_fails_with_rs_message(name):
    python = migrate_source(ERRORS[name]).python
    with pytest.raises(ArgumentError) as err:
        exec(compile(python, "<translated>", "exec"), {"__name__": "__translated__"})
    assert str(err.value) == FROZEN["errors"][name][0]


def test_row_names_and_time_type_of_a_guessed_long_reshape():
    wide = pd.DataFrame({"id": [7, 8], "x.1": [1.0, 2.0], "x.2": [3.0, 4.0]})
    long = rreshape.reshape_long(wide, varying=np.array(["x.1", "x.2"]), idvar="id")
    assert list(long.index) == ["7.1", "8.1", "7.2", "8.2"]
    assert long["time"].dtype.kind == "f"  # R's guess() makes the times numbers


def test_wide_warns_when_a_constant_column_varies():
    long = pd.DataFrame({"id": [1, 1, 2], "t": [1, 2, 1], "c": ["a", "b", "c"],
                         "v": [1.0, 2.0, 3.0]})
    with pytest.warns(UserWarning, match=r"some constant variables \(c\) are really varying"):
        rreshape.reshape_wide(long, timevar="t", idvar="id", v_names="v")


@pytest.mark.needs_r
def test_frozen_frames_are_current():
    """Re-run three cases in R now (skipped without R): the frozen frames are current."""
    from freeze_reshape import FRAME, r_values

    names = ["long_sep_guess", "long_with_factors", "wide_two_ids_factor"]
    live = r_values({n: CASES[n] for n in names}, value=FRAME)
    assert live == {n: FROZEN["frames"][n] for n in names}
