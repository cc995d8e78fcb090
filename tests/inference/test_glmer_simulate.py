"""GlmerFit.simulate, bootMer and bootstrap intervals.

Draws are numpy's, not R's, so values are not compared with R: the forms (columns,
types, levels), lme4's texts, the moments of many draws and reproducibility are.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from pylme.errors import DataError, PylmeMessage, PylmeWarning
from pylme.glmm.fit import glmer
from pylme.inference.bootstrap import BootResult
from pylme.results.glmer_predict import boot_confint

from glmer_methods_refs import REFS, cbpp, cbpp_fit, factor_fit, gamma_fit, num, poisson_fits, quiet

S = REFS["simulate"]


def test_simulate_cbind_gives_two_columns_per_simulation():
    fit = cbpp_fit()
    sim = fit.simulate(2, seed=1)
    assert list(sim.columns.get_level_values(0).unique()) == S["cbind_names"] == ["sim_1", "sim_2"]
    one = sim["sim_1"]
    assert one.shape == tuple(int(float(v)) for v in S["cbind_dim"]) == (56, 2)
    assert list(one.columns) == S["cbind_colnames"] == ["incidence", ""]
    np.testing.assert_array_equal(one.sum(axis=1), num(S["cbind_rowsum"]))
    assert np.all(one.to_numpy() == np.round(one.to_numpy())) and np.all(one.to_numpy() >= 0)
    assert list(sim.index) == list(cbpp().index)
    assert sim.attrs["seed"] == 1


def test_simulate_is_reproducible_and_columns_do_not_depend_on_nsim():
    fit = cbpp_fit()
    a, b = fit.simulate(3, seed=11), fit.simulate(3, seed=11)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(fit.simulate(1, seed=11)["sim_1"], a["sim_1"])
    assert not fit.simulate(1, seed=12)["sim_1"].equals(a["sim_1"])


def test_simulate_factor_response():
    sim = factor_fit().simulate(2, seed=1)
    assert list(sim.columns) == ["sim_1", "sim_2"]
    assert all(isinstance(sim[c].dtype, pd.CategoricalDtype) for c in sim)
    assert list(sim["sim_1"].cat.categories) == S["factor_levels"] == ["no", "yes"]


def test_simulate_moments_match_the_fitted_means():
    """With use_u the mean of many simulations is the fitted mean (binomial: trials·μ)."""
    fit = cbpp_fit()
    nsim = 4000
    sim = fit.simulate(nsim, seed=5, use_u=True)
    successes = sim.xs("incidence", axis=1, level=1).to_numpy()
    trials, mu = fit.weights(), fit.fitted().to_numpy()
    z = (successes.mean(axis=1) - trials * mu) / np.sqrt(trials * mu * (1 - mu) / nsim)
    assert np.max(np.abs(z)) < 5.5 and abs(np.mean(z)) < 5.5 / np.sqrt(z.size)


def test_simulate_population_draws_random_effects():
    """re_form NA (default): the herd effects vary between simulations with SD θ̂ (logit scale)."""
    fit = cbpp_fit()
    sim = fit.simulate(3000, seed=8)
    rows = np.flatnonzero(np.asarray(cbpp()["herd"] == "1"))
    props = sim.xs("incidence", axis=1, level=1).to_numpy()[rows].sum(axis=0) / fit.weights()[rows].sum()
    # between-simulation variance exceeds the binomial variance alone (≈ 3.6 times for θ̂ = 0.64);
    # conditioned on the fitted effects (use_u) it does not
    p = props.mean()
    assert props.var() > 2 * p * (1 - p) / fit.weights()[rows].sum()
    cond = fit.simulate(3000, seed=8, use_u=True).xs("incidence", axis=1, level=1).to_numpy()[rows]
    cprops = cond.sum(axis=0) / fit.weights()[rows].sum()
    assert cprops.var() < 1.5 * cprops.mean() * (1 - cprops.mean()) / fit.weights()[rows].sum()


def test_simulate_gamma_moments():
    fit = gamma_fit()
    nsim = 3000
    sim = fit.simulate(nsim, seed=2, use_u=True).to_numpy()
    mu = fit.fitted().to_numpy()
    sd = mu / np.sqrt(fit.sigma)  # Gamma with shape σ·w (w = 1): variance μ²/σ
    z = (sim.mean(axis=1) - mu) / (sd / np.sqrt(nsim))
    assert np.max(np.abs(z)) < 5.5 and abs(np.mean(z)) < 5.5 / np.sqrt(z.size)
    assert np.all(sim > 0)


def test_simulate_poisson_counts_and_weights_warning():
    _, term, _ = poisson_fits()
    sim = term.simulate(2, seed=3)
    assert np.all(sim.to_numpy() == np.round(sim.to_numpy()))
    data = cbpp()
    weighted = quiet(glmer, "incidence ~ period + (1 | herd)", data, "poisson", weights=np.full(56, 2.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        weighted.simulate(seed=1)
    assert [str(w.message) for w in caught if issubclass(w.category, PylmeWarning)] == [S["poisson_weights_warning"]]


def test_simulate_non_integer_binomial_weights_error():
    data = cbpp()
    fit = quiet(glmer, "incidence/size ~ period + (1 | herd)", data, "binomial", weights=data["size"] * 1.5)
    with pytest.raises(DataError) as err:
        fit.simulate(seed=1)
    assert str(err.value) == S["nonint_error"] == "cannot simulate from non-integer prior.weights"


def test_simulate_gamma_weights_message():
    from pylme.families import Gamma

    fit = gamma_fit()
    data = fit.call_args["data"]
    weighted = quiet(glmer, "y ~ x + (1 | g)", data, Gamma(link="log"), weights=np.full(len(data), 2.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        weighted.simulate(seed=1)
    texts = [str(w.message) for w in caught if issubclass(w.category, PylmeMessage)]
    assert texts == [REFS["gamma"]["gamma_weights_message"].strip()]


def test_simulate_newdata_and_proportions():
    fit = cbpp_fit()
    sim = fit.simulate(2, seed=4, newdata=cbpp())
    assert sim["sim_2"].shape == (56, 2)
    with pytest.raises(DataError, match="cbind"):
        fit.simulate(seed=4, newdata=cbpp().iloc[:5])
    data = cbpp()
    prop = quiet(glmer, "incidence/size ~ period + (1 | herd)", data, "binomial", weights="size")
    sims = prop.simulate(2, seed=4)
    np.testing.assert_allclose((sims["sim_1"] * data["size"]) % 1, 0, atol=1e-12)


def test_simulate_na_exclude_pads_rows():
    data = cbpp()
    data.loc[3, "period"] = np.nan
    fit = quiet(glmer, "cbind(incidence, size - incidence) ~ period + (1 | herd)", data, "binomial",
                na_action="exclude")
    sim = fit.simulate(1, seed=1)
    assert sim.shape == (56, 2) and sim.iloc[3].isna().all() and not sim.drop(index=3).isna().any().any()
    assert np.isnan(fit.predict().iloc[3])


# --- bootstrap ----------------------------------------------------------------------------------


def _stat(m):
    return m.fixef()


def test_bootmer_runs_is_reproducible_and_refits_simulate():
    fit = cbpp_fit()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = fit.bootMer(_stat, nsim=2, seed=21, progress=False, n_jobs=1)
        b = fit.bootMer(_stat, nsim=2, seed=21, progress=False, n_jobs=2)
    assert isinstance(a, BootResult) and a.t.shape == (2, 4)
    assert a.statistic_names == ("(Intercept)", "period2", "period3", "period4")
    np.testing.assert_array_equal(a.t, b.t)
    np.testing.assert_array_equal(a.t0, fit.beta)
    # replicate 2 is the refit of simulate's second response
    y = fit.simulate(2, seed=21)["sim_2"].to_numpy()
    np.testing.assert_array_equal(a.t[1], quiet(fit.refit, y).beta)
    assert "PARAMETRIC BOOTSTRAP" in str(a)


def test_bootmer_rejects_semiparametric():
    with pytest.raises(DataError, match="semiparametric"):
        cbpp_fit().bootMer(_stat, nsim=2, type="semi", progress=False)


def test_boot_confint_rows():
    fit = cbpp_fit()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ci = boot_confint(fit, nsim=2, seed=3, n_jobs=1, quiet=False)
    assert list(ci.index) == [".sig01", "(Intercept)", "period2", "period3", "period4"]
    assert list(ci.columns) == ["2.5 %", "97.5 %"]
    assert np.all(ci.iloc[:, 0] <= ci.iloc[:, 1])
    assert "Computing bootstrap confidence intervals ..." in [str(w.message) for w in caught]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sub = boot_confint(fit, parm="beta_", nsim=2, seed=3, n_jobs=1, boot_type="norm")
    assert list(sub.index) == ["(Intercept)", "period2", "period3", "period4"]
    # the same replicates: the percentile limits lie within their range, the normal ones differ
    assert not np.allclose(sub.to_numpy(), ci.iloc[1:].to_numpy())
