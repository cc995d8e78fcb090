"""R's ``summary()`` of data frames and vectors (pylme.migrate.rsummary) against R 4.2.2.

R's printed text is frozen in tests/data/migrate/rhtest/r_output.json by
tests/data/migrate/rhtest/freeze.py; it must agree line by line, and the numbers of
the vector summaries to 1e-12.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.datasets import load as D
from pylme.migrate import rhtest, rsummary

DATA = Path(__file__).resolve().parents[1] / "data" / "migrate" / "rhtest"
sys.path.insert(0, str(DATA))
from rhtest_cases import SUMMARY_CASES  # noqa: E402

R = json.loads((DATA / "r_output.json").read_text())["cases"]
NAMESPACE = {"rhtest": rhtest, "rsummary": rsummary, "np": np, "pd": pd, "D": D}


def evaluate(name: str):
    return eval(SUMMARY_CASES[name][1], dict(NAMESPACE))


@pytest.mark.parametrize("name", sorted(SUMMARY_CASES))
def test_printed_text_is_r(name):
    assert str(evaluate(name)).split("\n") == R[name]["text"]  # print() adds the last newline


@pytest.mark.parametrize("name", ["summary_vector", "summary_vector_na", "summary_factor",
                                  "summary_small_numbers"])
def test_vector_summary_numbers_are_r(name):
    value = evaluate(name)
    expected = [float(v) for v in R[name]["numbers"]["values"]]
    got = [float(v) for v in value.values]
    assert list(value.values.index) == R[name]["names"]["values"]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


def test_summary_values_by_name_and_pickle():
    s = rsummary.summary_default(D("mtcars")["mpg"])
    assert s["Mean"] == pytest.approx(20.090625, rel=1e-15)
    table = rsummary.summary_df(D("iris"))
    assert len(table.cells) == 6 and table.columns[-1].strip() == "Species"
    assert str(pickle.loads(pickle.dumps(table))) == str(table)


def test_factor_with_missing_values_keeps_a_row_for_nas():
    f = pd.Series(pd.Categorical(["a", "b", None, "a"]))
    s = rsummary.summary_default(f)
    assert list(s.values.index) == ["a", "b", "NA's"] and list(s.values) == [2, 1, 1]
