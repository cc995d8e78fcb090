"""``simulate`` (lme4 ``simulate.merMod``): layout, reproducibility, and moments against theory.

pylme's random numbers are not R's, so nothing is compared bit-wise with lme4: the mean,
variance and within-group covariance of many simulated responses are compared with the
model's (conditional) moments, with bounds of about 5 Monte-Carlo standard errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import DataError
from pylme.inference.simulate import as_seed_sequence, replicate_generator, simulate

NSIM = 4000
Z_MAX = 5.0


@pytest.fixture(scope="module")
def sleep():
    return pylme.datasets.load("sleepstudy")


@pytest.fixture(scope="module")
def fm(sleep):
    return pylme.lmer("Reaction ~ Days + (Days | Subject)", sleep)


@pytest.fixture(scope="module")
def sims(fm):
    return simulate(fm, nsim=NSIM, seed=20240611)


def _template(fit, k=0):
    re = fit.inputs.re_terms
    from pylme.design.random import relative_factor

    return relative_factor(fit.theta[re.theta_slices[k]], re.terms[k].p)


def _check_mean(values: np.ndarray, mean: np.ndarray, var: np.ndarray) -> None:
    z = (values.mean(axis=1) - mean) / np.sqrt(var / values.shape[1])
    assert np.max(np.abs(z)) < Z_MAX


def _check_var(values: np.ndarray, var: np.ndarray) -> None:
    ratio = values.var(axis=1, ddof=1) / var
    se = np.sqrt(2.0 / (values.shape[1] - 1))
    assert np.max(np.abs(ratio - 1.0)) < Z_MAX * se


def test_layout(fm, sims, sleep):
    assert sims.shape == (180, NSIM)
    assert list(sims.columns[:3]) == ["sim_1", "sim_2", "sim_3"]
    assert sims.index.equals(sleep.index)
    assert sims.attrs["seed"] == 20240611


def test_reproducible_and_independent_of_nsim(fm, sims):
    small = simulate(fm, nsim=3, seed=20240611)
    np.testing.assert_array_equal(small.to_numpy(), sims.iloc[:, :3].to_numpy())
    again = fm.simulate(nsim=3, seed=20240611)
    np.testing.assert_array_equal(again.to_numpy(), small.to_numpy())
    other = simulate(fm, nsim=3, seed=1)
    assert not np.allclose(other.to_numpy(), small.to_numpy())
    fresh = simulate(fm, nsim=2)
    assert isinstance(fresh.attrs["seed"], int)
    np.testing.assert_array_equal(simulate(fm, nsim=2, seed=fresh.attrs["seed"]).to_numpy(), fresh.to_numpy())


def test_seed_streams():
    root = as_seed_sequence(7)
    root.spawn(5)  # spawning elsewhere does not shift the replicate streams
    a = replicate_generator(root, 3).standard_normal(4)
    b = replicate_generator(np.random.SeedSequence(7), 3).standard_normal(4)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(DataError):
        as_seed_sequence("x")


def test_unconditional_moments(fm, sims, sleep):
    values = sims.to_numpy()
    Z = np.column_stack([np.ones(180), sleep["Days"].to_numpy(float)])
    T = _template(fm)
    var = fm.sigma**2 * (np.einsum("ij,jk,ik->i", Z, T @ T.T, Z) + 1.0)
    _check_mean(values, fm.inputs.X @ fm.beta, var)
    _check_var(values, var)


def test_within_and_between_subject_covariance(fm, sims, sleep):
    values = sims.to_numpy()
    T = _template(fm)
    cov_b = fm.sigma**2 * T @ T.T
    z0, z9 = np.array([1.0, 0.0]), np.array([1.0, 9.0])
    same = np.cov(values[0], values[9])[0, 1]  # subject 308, days 0 and 9
    want = z0 @ cov_b @ z9
    sd = np.sqrt(values[0].var() * values[9].var() / NSIM)  # rough SE of a covariance
    assert abs(same - want) < Z_MAX * sd * 1.5
    other = np.cov(values[0], values[10])[0, 1]  # subjects 308 and 309
    assert abs(other) < Z_MAX * sd * 1.5


def test_use_u_conditions_on_the_fitted_effects(fm):
    values = simulate(fm, nsim=2000, seed=3, use_u=True).to_numpy()
    var = np.full(180, fm.sigma**2)
    _check_mean(values, fm.fitted(), var)
    _check_var(values, var)


def test_re_form_subset_penicillin():
    pen = pylme.datasets.load("Penicillin")
    fit = pylme.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", pen)
    values = simulate(fit, nsim=3000, seed=5, re_form="~(1 | plate)").to_numpy()
    plate = fit.predict(re_form="~(1 | plate)")
    re = fit.inputs.re_terms
    k = [t.group.name for t in re.terms].index("sample")
    theta_sample = fit.theta[re.theta_slices[k]][0]
    var = np.full(pen.shape[0], fit.sigma**2 * (theta_sample**2 + 1.0))
    _check_mean(values, plate, var)
    _check_var(values, var)


def test_prior_weights_are_ignored(sleep):
    w = 1.0 + (np.arange(180) % 3)
    fit = pylme.lmer("Reaction ~ Days + (1 | Subject)", sleep.assign(w=w), weights="w")
    values = simulate(fit, nsim=3000, seed=9, use_u=True).to_numpy()
    _check_var(values, np.full(180, fit.sigma**2))


def test_newdata_and_new_levels(fm):
    nd = pd.DataFrame({"Days": [0.0, 5.0, 5.0], "Subject": ["308", "new", "new"]}, index=["a", "b", "c"])
    out = simulate(fm, nsim=5, seed=1, newdata=nd, allow_new_levels=True)
    assert out.shape == (3, 5) and list(out.index) == ["a", "b", "c"]
    with pytest.raises(DataError, match="new levels detected in newdata: new"):
        simulate(fm, nsim=1, newdata=nd)
    values = simulate(fm, nsim=4000, seed=2, newdata=nd, allow_new_levels=True).to_numpy()
    # the two rows of the new level share one drawn effect: covariance σ² zᵀTTᵀz
    T = _template(fm)
    z = np.array([1.0, 5.0])
    assert np.cov(values[1], values[2])[0, 1] == pytest.approx(fm.sigma**2 * z @ T @ T.T @ z, rel=0.15)


def test_newdata_rows_with_missing_fixed_values_are_dropped(fm):
    nd = pd.DataFrame({"Days": [0.0, np.nan, 2.0], "Subject": ["308", "309", "310"]})
    out = simulate(fm, nsim=2, seed=1, newdata=nd)
    assert list(out.index) == [0, 2]


def test_exclude_fit_is_padded(sleep):
    data = sleep.copy()
    data.index = [f"r{i}" for i in range(180)]
    data.iloc[[4, 7], data.columns.get_loc("Reaction")] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("Reaction ~ Days + (1 | Subject)", data, na_action="exclude")
    out = simulate(fit, nsim=2, seed=1)
    assert out.shape == (180, 2) and out.index.equals(data.index)
    assert out.iloc[[4, 7]].isna().all().all() and out.drop(index=["r4", "r7"]).notna().all().all()


def test_errors(fm):
    with pytest.raises(DataError, match="should specify only one of"):
        simulate(fm, use_u=True, re_form="~0")
    for bad in (0, -1, 1.5):
        with pytest.raises(DataError, match="nsim"):
            simulate(fm, nsim=bad)
