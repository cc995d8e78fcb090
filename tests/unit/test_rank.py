"""R's LINPACK dqrdc2 rank/pivot (lme4 chkRank.drop.cols) against values produced by R.

Expected values: tests/data/rank/qr_cases.json, made by tests/data/rank/make_expected.R
(``qr(X, tol = 1e-7)``, R 4.2.2).
"""

import json
import pathlib
import warnings

import numpy as np
import pytest

from pylme.design.rank import drop_rank_deficient, qr_rank
from pylme.errors import ModelSpecError, RankDeficiencyMessage

CASES = json.loads((pathlib.Path(__file__).parents[1] / "data/rank/qr_cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rank_and_pivot_equal_r(case):
    X = np.column_stack([np.asarray(col, float) for col in case["X"]])
    result = qr_rank(X, 1e-7)
    assert result.rank == case["rank"]
    assert result.pivot.tolist() == case["pivot"]


def test_drop_message_and_names():
    x = np.arange(6.0)
    X = np.column_stack([np.ones(6), x, 2 * x, x**2])
    with pytest.warns(RankDeficiencyMessage, match="^fixed-effect model matrix is rank deficient so dropping 1 column / coefficient$"):
        drop = drop_rank_deficient(X, ("(Intercept)", "x", "x2", "xsq"), "message+drop.cols")
    assert drop.keep.tolist() == [0, 1, 3]
    assert drop.dropped == ("x2",)


def test_plural_message_and_silent_and_stop():
    x = np.arange(6.0)
    X = np.column_stack([np.ones(6), x, 2 * x, 3 * x])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drop = drop_rank_deficient(X, ("a", "b", "c", "d"), "silent.drop.cols")
    assert drop.message == "fixed-effect model matrix is rank deficient so dropping 2 columns / coefficients"
    with pytest.raises(ModelSpecError, match=r"rank\(X\) = 2 < 4 = p\);\nthe fixed effects will be jointly unidentifiable"):
        drop_rank_deficient(X, ("a", "b", "c", "d"), "stop.deficient")
    assert drop_rank_deficient(X, ("a", "b", "c", "d"), "ignore").keep.tolist() == [0, 1, 2, 3]
