"""R's ``t.test`` / ``chisq.test`` / ``cor.test`` in pylme.migrate.rhtest against R 4.2.2.

The R side is frozen in tests/data/migrate/rhtest/r_output.json by
tests/data/migrate/rhtest/freeze.py: ``capture.output(print(<test>))``, the warnings and
the htest components as ``sprintf("%.17g")``.  The printed text must agree line by
line; the numbers to 1e-12 (relative).
"""

from __future__ import annotations

import json
import math
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.datasets import load as D
from pylme.errors import ArgumentError, DataError, PylmeWarning
from pylme.migrate import rhtest, rsummary

DATA = Path(__file__).resolve().parents[1] / "data" / "migrate" / "rhtest"
sys.path.insert(0, str(DATA))
from rhtest_cases import HTEST_CASES  # noqa: E402

R = json.loads((DATA / "r_output.json").read_text())["cases"]
NAMESPACE = {"rhtest": rhtest, "rsummary": rsummary, "np": np, "pd": pd, "D": D}


def run_case(name: str, cases: dict):
    """(value, warning messages) of the Python side of a case."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = eval(cases[name][1], dict(NAMESPACE))
    return value, [str(w.message) for w in caught]


def assert_numbers(got, expected, what: str) -> None:
    got = [] if got is None else list(np.atleast_1d(np.asarray(got, dtype=float)))
    expected = [float(v) for v in (expected or [])]
    assert len(got) == len(expected), what
    for g, e in zip(got, expected):
        if math.isinf(e) or e == 0:
            assert g == e, what
        else:
            assert abs(g - e) <= 1e-12 * abs(e), f"{what}: {g!r} vs R {e!r}"


def text_lines(value) -> list[str]:
    """The lines ``print(value)`` writes (R's capture.output of the print)."""
    return str(value).split("\n")


@pytest.mark.parametrize("name", sorted(HTEST_CASES))
def test_printed_text_is_r(name):
    value, caught = run_case(name, HTEST_CASES)
    assert text_lines(value) == R[name]["text"]
    assert caught == R[name]["warnings"]
    assert list(value.warnings) == R[name]["warnings"]


@pytest.mark.parametrize("name", sorted(HTEST_CASES))
def test_numbers_are_r(name):
    value, _ = run_case(name, HTEST_CASES)
    numbers, names = R[name]["numbers"], R[name]["names"]
    for component in ("statistic", "parameter", "p.value", "conf.int", "estimate", "null.value"):
        assert_numbers(value[component], numbers[component], f"{name} {component}")
    assert [value.statistic_name] == names["statistic"]
    assert list(value.parameter_names) == (names["parameter"] or [])
    estimate = [] if value.estimate is None else list(value.estimate.index)
    assert estimate == (names["estimate"] or [])
    assert ([value.null_name] if value.null_value is not None else None) == names["null.value"]


def test_r_component_access_and_pickle():
    res = rhtest.t_test("extra ~ group", data=D("sleep"))
    assert res.p_value == res["p.value"]
    assert res.conf_int is res["conf.int"] and res.conf_level == 0.95
    assert res.estimate["mean in group 2"] == pytest.approx(2.33)
    assert res.data_name == "extra by group" and res.alternative == "two.sided"
    with pytest.raises(KeyError):
        res["no.such"]
    again = pickle.loads(pickle.dumps(res))
    assert str(again) == str(res)
    assert repr(res) == str(res)


def test_errors_use_r_wording():
    with pytest.raises(ArgumentError, match="'y' is missing for paired test"):
        rhtest.t_test([1.0, 2.0, 3.0], paired=True)
    with pytest.raises(DataError, match="not enough 'x' observations"):
        rhtest.t_test([1.0])
    with pytest.raises(DataError, match="data are essentially constant"):
        rhtest.t_test([2.0, 2.0, 2.0])
    with pytest.raises(DataError, match="grouping factor must have exactly 2 levels"):
        rhtest.t_test("weight ~ group", data=D("PlantGrowth"))
    with pytest.raises(DataError, match="probabilities must sum to 1."):
        rhtest.chisq_test([10, 20], p=[0.3, 0.3])
    with pytest.raises(ArgumentError, match="conf.level"):
        rhtest.t_test([1.0, 2.0, 4.0], conf_level=1.5)


def test_missing_values_dropped_as_r():
    # R: t.test(c(1, NA, 3, 4.5)) is the test of c(1, 3, 4.5)
    with_na = rhtest.t_test(pd.Series([1.0, None, 3.0, 4.5], dtype="Float64"))
    assert with_na.statistic == rhtest.t_test([1.0, 3.0, 4.5]).statistic


def test_chisq_warning_category():
    with pytest.warns(PylmeWarning, match="Chi-squared approximation may be incorrect"):
        rhtest.chisq_test([3, 7, 2])


def test_prho_exact_agrees_with_enumeration_edge():
    # S = 0 is the largest rho; P[S >= 0] = 1 and P[S < 0] = 0 (prho's early return)
    assert rhtest.prho(7, 0, lower_tail=False) == 1.0
    assert rhtest.prho(7, 0, lower_tail=True) == 0.0
    assert rhtest.pkendall(-1, 5) == 0.0 and rhtest.pkendall(10, 5) == 1.0


@pytest.mark.needs_r
def test_live_against_r():
    """Re-run two cases in R now (skipped without R): the frozen text is current."""
    import subprocess

    for name in ("t_formula_sleep", "chisq_2x2_yates"):
        out = subprocess.run(["Rscript", "-e", f"print({HTEST_CASES[name][0]})"],
                             capture_output=True, text=True, check=True).stdout
        value, _ = run_case(name, HTEST_CASES)
        assert out == str(value) + "\n"
