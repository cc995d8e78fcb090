"""R's scoping in translated functions: a function that changes a variable of the script
(or of an enclosing function) changes its own copy; ``<<-`` changes the original.

Each snippet of tests/data/migrate/scoping/scoping_cases.py is translated and run; its
``result`` equals R 4.2.2's, frozen in r_values.json by freeze_scoping.py there.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.migrate import migrate_source

DATA = Path(__file__).parents[1] / "data" / "migrate" / "scoping"
sys.path.insert(0, str(DATA))
from scoping_cases import CASES  # noqa: E402

R_VALUES = json.loads((DATA / "r_values.json").read_text())["values"]
LOOSE = {"global_frame_changed_in_function"}  # lmer's optimum: ~1e-6 relative


def _flat(value) -> list:
    if isinstance(value, (pd.Series, pd.Index, pd.Categorical, np.ndarray, list, tuple)):
        return [x for v in np.asarray(value, dtype=object).ravel() for x in _flat(v)]
    return [value.item() if isinstance(value, np.generic) else value]


def _run(source: str) -> tuple[str, dict]:
    result = migrate_source(source)
    assert result.todos == (), result.python
    scope: dict = {"__name__": "__translated__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(result.python, "<translated>", "exec"), scope)
    return result.python, scope


@pytest.mark.parametrize("name", sorted(CASES))
def test_translated_scoping_equals_r(name):
    python, scope = _run(CASES[name])
    got, want = _flat(scope["result"]), R_VALUES[name]
    assert len(got) == len(want), (got, want, python)
    for g, w in zip(got, want):
        if isinstance(w, str):
            text = str(g)
            assert text == w or (text.endswith(".0") and text[:-2] == w), (got, want, python)
        else:
            assert float(g) == pytest.approx(w, rel=1e-6 if name in LOOSE else 1e-13), \
                (got, want, python)


def test_a_changed_global_is_copied_once_under_another_name():
    python, _ = _run(CASES["global_frame_changed_in_function"])
    assert "d_local = d.copy()" in python
    # lme4 prints the data argument as written in R
    assert 'data_name="d"' in python


def test_no_copy_where_the_function_does_not_change_the_variable():
    python, _ = _run("d <- data.frame(a = 1:3)\n"
                     "f <- function() { own <- d; s <- sum(d$a); own2 <- data.frame(b = 1)\n"
                     "  own2$c <- 2; s }\nr <- f()\n")
    assert ".copy()" not in python.split("def f")[1].split("own = ")[0]
    assert "_local" not in python


def test_superassignment_stays_global():
    python, _ = _run(CASES["superassignment_changes_global"])
    assert "global counter" in python and "global d" in python
    assert "_local" not in python


def test_nested_copy_of_a_copy_has_a_readable_name():
    python, scope = _run(CASES["nested_function_copies"])
    assert "d_local2 = d_local.copy()" in python


@pytest.mark.needs_r
def test_frozen_values_are_current():
    """Re-run the R-only cases in R now (skipped without R): the frozen values are current."""
    from freeze_scoping import r_values

    names = [n for n in CASES if "lmer" not in CASES[n]]
    assert r_values({n: CASES[n] for n in names}) == {n: R_VALUES[n] for n in names}
