"""600 predictors: lme4 fits ``y ~ x1 + ... + x600 + (1 | g)``, and so must pylme; with
5,000 predictors (n = 2000, rank 1009) pylme drops the 3,992 columns lme4 drops.

The expected values are lme4's (tests/data/wide/wide600.json and wide5000.json, made by
tests/data/wide/make_expected.R and make_expected_5000.R with R 4.2.2 + lme4 1.1-31; each
value records the R expression that produced it).  The data are computed from integer
arithmetic in both languages, so R and pylme fit the very same doubles (nothing retyped,
no random numbers).  lme4 cannot take the 5,000-term formula itself (its recursive
findbars exhausts R's C stack), so its reference fit passes the same columns as one matrix
variable (see make_expected_5000.R); pylme fits the formula (about 15 s, 0.6 GB; lme4's
matrix fit: 6 min, 0.9 GB).
"""

from __future__ import annotations

import json
import pathlib
import time

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.design.rank import qr_rank

REF = json.loads((pathlib.Path(__file__).parents[1] / "data/wide/wide600.json").read_text())
P = REF["data"]["p"]


def wide_data(p: int, n: int = 2000) -> pd.DataFrame:
    """The data of tests/data/wide/make_expected.R, operation for operation.

    ``x_j[i] = ((i*7919 + j*104729) %% 1009)/1009 - 0.5``; ``g = factor(i %% 50)``
    (R's levels in numeric order); ``y`` sums left to right as R does.
    """
    i = np.arange(1, n + 1, dtype=np.int64)
    columns = {"g": pd.Categorical([str(v) for v in i % 50], categories=[str(v) for v in range(50)])}
    for j in range(1, p + 1):
        columns[f"x{j}"] = ((i * 7919 + j * 104729) % 1009) / 1009 - 0.5
    d = pd.DataFrame(columns)
    d["y"] = d.x1 + d.x2 + d.x3 + d.x4 + d.x5 + ((i % 50) % 7) / 3 + ((i * 31) % 101) / 101 - 0.5
    return d


def wide_formula(p: int) -> str:
    return "y ~ " + " + ".join(f"x{j}" for j in range(1, p + 1)) + " + (1 | g)"


_ELAPSED: dict[str, float] = {}


@pytest.fixture(scope="module")
def fit():
    start = time.perf_counter()
    model = pylme.lmer(wide_formula(P), wide_data(P))
    _ELAPSED["fit"] = time.perf_counter() - start
    return model


def test_design_has_full_rank_as_in_r(fit):
    """R: qr(model.matrix(nobars(f), d), tol = 1e-7)$rank == 601."""
    X = fit.inputs.X_full.values
    assert X.shape == (2000, REF["rank_X"]["p"])
    assert qr_rank(X, 1e-7).rank == REF["rank_X"]["value"]
    assert fit.inputs.rank_drop.dropped == ()


def test_deviance_at_lme4_theta(fit):
    """pylme's REML criterion at lme4's θ equals REMLcrit(fit) to 1e-10 relative."""
    theta = np.array(REF["theta"]["value"])
    assert fit.problem.objective(theta) == pytest.approx(REF["REML"]["value"], rel=1e-10)


def test_optimum_no_worse_than_lme4(fit):
    assert fit.REMLcrit() <= REF["REML"]["value"] + 1e-6


def test_theta_and_sigma(fit):
    np.testing.assert_allclose(fit.theta, REF["theta"]["value"], rtol=1e-5)
    assert fit.sigma == pytest.approx(REF["sigma"]["value"], rel=1e-5)


BETAS = list(zip(REF["beta_first"]["names"] + REF["beta_last"]["names"],
                 REF["beta_first"]["value"] + REF["beta_last"]["value"]))


@pytest.mark.parametrize("name,expected", BETAS, ids=[b[0] for b in BETAS])
def test_beta_by_name(fit, name, expected):
    """head(fixef(fit), 5) and tail(fixef(fit), 5) from lme4, by column name."""
    assert fit.fixef()[name] == pytest.approx(expected, rel=1e-5)


def test_all_betas_named_in_order_and_largest(fit):
    beta = fit.fixef()
    assert len(beta) == REF["n_beta"]["value"]
    assert list(beta.index) == ["(Intercept)"] + [f"x{j}" for j in range(1, P + 1)]
    assert beta.abs().idxmax() == REF["beta_max_abs"]["name"]
    assert beta.abs().max() == pytest.approx(REF["beta_max_abs"]["value"], rel=1e-5)


def test_fit_takes_seconds_not_minutes(fit):
    """lme4 takes about 10 s; a quadratic step in pylme would show as minutes."""
    assert _ELAPSED["fit"] < 120


# --- 5,000 predictors: rank deficient (rank 1009 < 5001), lme4 drops 3,992 columns -------------

REF5000_PATH = pathlib.Path(__file__).parents[1] / "data/wide/wide5000.json"


@pytest.fixture(scope="module")
def fit5000():
    ref = json.loads(REF5000_PATH.read_text())
    with pytest.warns(pylme.errors.RankDeficiencyMessage, match=f"^{ref['message']}$"):
        model = pylme.lmer(wide_formula(5000), wide_data(5000))
    return ref, model


def test_5000_predictors_drop_columns_as_lme4(fit5000):
    """lme4 keeps (Intercept), x1..x1008 (x_j repeats x_{j-1009}; x1009 is aliased with the
    intercept and x1..x1008) and drops the other 3992 columns."""
    ref, m = fit5000
    assert len(m.inputs.rank_drop.dropped) == ref["dropped"]["value"] == 3992
    assert len(m.fixef()) == ref["n_beta"]["value"]
    assert list(m.fixef().index) == ["(Intercept)"] + [f"x{j}" for j in range(1, 1009)]


def test_5000_predictors_fit_as_lme4(fit5000):
    ref, m = fit5000
    theta = np.array(ref["theta"]["value"])
    assert m.problem.objective(theta) == pytest.approx(ref["REML"]["value"], rel=1e-10)
    assert m.REMLcrit() <= ref["REML"]["value"] + 1e-6
    np.testing.assert_allclose(m.theta, theta, rtol=1e-5)
    assert m.sigma == pytest.approx(ref["sigma"]["value"], rel=1e-5)
    for part in ("beta_first", "beta_last"):
        for name, value in zip(ref[part]["names"], ref[part]["value"]):
            assert m.fixef()[name] == pytest.approx(value, rel=1e-5), name
