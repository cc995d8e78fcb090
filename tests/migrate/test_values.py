"""Each R snippet of tests/data/migrate/cases.py, translated and executed: Python's
``result`` equals R's (frozen in r_values.json by freeze_r_values.py)."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.migrate import migrate_source

DATA = Path(__file__).parents[1] / "data" / "migrate"
sys.path.insert(0, str(DATA))
from cases import CASES  # noqa: E402

R_VALUES = json.loads((DATA / "r_values.json").read_text())["values"]
# optimizer end points agree to ~1e-6 relative; everything else to R's 15 printed digits
LOOSE = {"lmer_fixef", "lmer_ml_anova", "glm_binomial"}
# least squares by another algorithm (statsmodels' pinv, R's QR): ~1e-12 apart
LSQ = {"lm_poly_log", "lm_coef"}


def as_list(value) -> list:
    if isinstance(value, (pd.Series, pd.Index, pd.Categorical)):
        value = list(np.asarray(value, dtype=object))
    elif isinstance(value, np.ndarray):
        value = list(value.ravel())
    elif isinstance(value, (list, tuple)):
        value = [x for v in value for x in as_list(v)]
    else:
        value = [value]
    return [v.item() if isinstance(v, np.generic) else v for v in value]


def run(code: str) -> dict:
    result = migrate_source(code)
    assert result.todos == (), result.python
    namespace: dict = {"__name__": "__translated__"}
    cwd = os.getcwd()
    os.chdir(DATA)
    try:
        exec(compile(result.python, "<translated>", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace


@pytest.mark.parametrize("name", sorted(CASES))
def test_translated_value_equals_r(name):
    ns = run(CASES[name])
    got, want = as_list(ns["result"]), R_VALUES[name]
    assert len(got) == len(want), (got, want)
    rel = 1e-6 if name in LOOSE else 1e-9 if name in LSQ else 1e-13
    for g, w in zip(got, want):
        if isinstance(w, str) or isinstance(w, bool) or w is None:
            assert g == w or (w is None and (g is None or (isinstance(g, float) and math.isnan(g)))), (got, want)
        else:
            assert float(g) == pytest.approx(w, rel=rel, abs=1e-300), (got, want)


def test_every_case_is_frozen():
    assert set(CASES) == set(R_VALUES)
