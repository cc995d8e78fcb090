"""``rng="R"``: simulate / bootMer / confint(method="boot") draw what lme4 1.1-31 draws in R.

Reference: tests/data/rng_r/lme4_rng_r.json, written by tests/data/rng_r/freeze_rng_r.R
(R 4.2.2, lme4 1.1-31; numbers as "%.17g").

Tolerances.  A simulated value is a deterministic function of R's draws (which
pylme.rrandom reproduces bit for bit) and of the fitted parameters.  So

* GLMM responses (counts) are compared exactly;
* Gamma responses (lme4 draws them with shape σ̂ w, here σ̂ ≈ 0.105) amplify the 1e-8
  relative difference of σ̂ (``x = exp(log(p)/a)``): compared at 1e-5 relative;
* Gaussian responses ``η̂ + σ̂ (Z Λ̂ u + ε)`` inherit the ~1e-10 relative agreement of
  pylme's θ̂, β̂, σ̂ with lme4's: compared at 1e-9 relative;
* bootstrap statistics are refits of those responses: the fixed effects of the
  sleepstudy and cbpp replicates agree to ~1e-11, so 1e-8.  The refits reproduce lme4
  1.1-31's ``refit()``, which optimises a REML model's criterion with n − 1 in place of
  n − p (``REMLcrit(refit(fm))`` 1751.95 vs ``REMLcrit(fm)`` 1743.63).  The variance rows
  of ``confint(method="boot")`` are percentiles of 50 refitted standard deviations, each
  an optimizer end point that agrees with lme4's to ~1e-5 relative (NLopt's BOBYQA stops
  where its tolerances say, not on the same last bits): measured 3.6e-5, compared at 1e-4.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme import rrandom
from pylme.errors import ArgumentError, DataError
from pylme.inference.confint import boot_fun

REF = json.loads((Path(__file__).resolve().parents[1] / "data" / "rng_r" / "lme4_rng_r.json").read_text())
LOAD = pylme.datasets.load


def num(x):
    """A number or nested list of "%.17g" strings as a float array."""
    return np.asarray(np.vectorize(float, otypes=[float])(np.asarray(x, dtype=object)), dtype=float)


@pytest.fixture(scope="module")
def fits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "sleepstudy": pylme.lmer("Reaction ~ Days + (Days | Subject)", LOAD("sleepstudy")),
            "penicillin": pylme.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", LOAD("Penicillin")),
            "penicillin_swapped": pylme.lmer("diameter ~ 1 + (1 | sample) + (1 | plate)", LOAD("Penicillin")),
            "cbpp": pylme.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", LOAD("cbpp"),
                                family="binomial"),
            "cbpp_prop": pylme.glmer("incidence / size ~ period + (1 | herd)", LOAD("cbpp"), family="binomial",
                                     weights="size"),
            "sleepstudy_gamma": pylme.glmer("Reaction ~ Days + (1 | Subject)", LOAD("sleepstudy"),
                                            family=pylme.families.Gamma(link="log")),
            "grouseticks_nb": pylme.glmer("TICKS ~ YEAR + (1 | LOCATION)", LOAD("grouseticks"),
                                          family=pylme.families.negative_binomial(2)),
            "contraception_factor": pylme.glmer("use ~ urban + (1 | district)", LOAD("Contraception"),
                                                family="binomial"),
            "grouseticks": pylme.glmer("TICKS ~ YEAR + (1 | BROOD) + (1 | LOCATION)", LOAD("grouseticks"),
                                       family="poisson"),
        }


def _column(frame, j):
    col = frame[f"sim_{j + 1}"]
    if col.ndim == 1 and isinstance(col.dtype, pd.CategoricalDtype):  # a factor response: R's as.numeric() codes
        return np.asarray(col.cat.codes, dtype=float) + 1
    return np.asarray(col.iloc[:, 0] if col.ndim == 2 else col, dtype=float)  # cbind: the successes


@pytest.mark.parametrize("case, rtol", [("sleepstudy", 1e-9), ("sleepstudy_use_u", 1e-9), ("penicillin", 1e-9),
                                        ("penicillin_swapped", 1e-9), ("cbpp", 0), ("cbpp_prop", 0),
                                        ("grouseticks", 0), ("grouseticks_nb", 0), ("contraception_factor", 0),
                                        ("sleepstudy_gamma", 1e-5)])
def test_simulate_equals_lme4_after_set_seed(fits, case, rtol):
    ref = REF[case]
    fit = fits[case.replace("_use_u", "")]
    kwargs = {"use_u": True} if case.endswith("_use_u") else {}
    out = fit.simulate(3, seed=13, rng="R", **kwargs)
    for j in range(3):
        want = num(ref["sim"][f"sim_{j + 1}"])
        got = _column(out, j)
        if rtol == 0:
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=rtol, atol=0)
    # lme4's "seed" attribute: .Random.seed before the draws, i.e. right after set.seed(13)
    np.testing.assert_array_equal(out.attrs["seed"], rrandom.RRandom(13).get_state())


def test_seed_none_continues_the_global_stream(fits):
    fm = fits["sleepstudy"]
    rrandom.set_seed(13)
    first = fm.simulate(3, rng="R")
    np.testing.assert_allclose(_column(first, 0), num(REF["sleepstudy"]["sim"]["sim_1"]), rtol=1e-9)
    again = fm.simulate(3, rng="R")  # the stream moved on: new draws
    assert not np.allclose(_column(again, 0), _column(first, 0))


def test_numpy_remains_the_default(fits):
    fm = fits["sleepstudy"]
    a = fm.simulate(2, seed=13)
    b = fm.simulate(2, seed=13, rng="R")
    assert not np.allclose(a.to_numpy(), b.to_numpy())
    with pytest.raises(ArgumentError, match="rng"):
        fm.simulate(1, seed=13, rng="r")
    with pytest.raises(DataError, match="set.seed"):
        fm.simulate(1, seed=np.random.SeedSequence(1), rng="R")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_bootmer_equals_lme4(fits, n_jobs):
    b = fits["sleepstudy"].bootMer(lambda m: m.fixef(), nsim=20, seed=101, rng="R", progress=False, n_jobs=n_jobs)
    np.testing.assert_allclose(b.t, num(REF["bootmer"]["t"]), rtol=1e-8, atol=0)


def test_glmer_bootmer_equals_lme4(fits):
    b = fits["cbpp"].bootMer(lambda m: m.fixef(), nsim=10, seed=7, rng="R", progress=False, n_jobs=1)
    np.testing.assert_allclose(b.t, num(REF["bootmer_cbpp"]["t"]), rtol=1e-8, atol=0)


def test_confint_boot_equals_lme4(fits):
    ref = REF["confint_boot"]
    ci = fits["sleepstudy"].confint(method="boot", nsim=50, seed=1, rng="R", quiet=True, n_jobs=1)
    assert list(ci.index) == ref["rows"]
    want = num(ref["ci"])
    nvar = 4  # .sig01 .sig02 .sig03 .sigma: refits of a flat REML surface (module notes)
    np.testing.assert_allclose(ci.to_numpy()[nvar:], want[nvar:], rtol=1e-8, atol=0)
    np.testing.assert_allclose(ci.to_numpy()[:nvar], want[:nvar], rtol=1e-4, atol=0)


def test_semiparametric_draws_residuals_with_r_sample(fits):
    fm = fits["sleepstudy"]
    b = pylme.bootMer(fm, lambda m: m.fixef(), nsim=3, seed=11, use_u=True, type="semiparametric", rng="R",
                      progress=False, n_jobs=1)
    # lme4: replicate(nsim, fitted(x) + sample(residuals(x, "response"), replace = TRUE)) after set.seed(11)
    stream = rrandom.RRandom(11)
    mu = fm.solution.mu
    res = fm.inputs.y - mu
    for j in range(3):
        expected = fm.refit(mu + stream.sample(res, replace=True)).fixef().to_numpy()
        np.testing.assert_allclose(b.t[j], expected, rtol=1e-10)
    assert b.seed == 11


@pytest.mark.needs_r
def test_live_simulate_poisson_with_new_seed(r_session, fits):
    gm = fits["grouseticks"]
    r_session.run("gt <- glmer(TICKS ~ YEAR + (1 | BROOD) + (1 | LOCATION), grouseticks, poisson)")
    want = np.asarray(r_session.get("set.seed(2024); unlist(simulate(gt, nsim = 2))").value.values, dtype=float)
    out = gm.simulate(2, seed=2024, rng="R")
    np.testing.assert_array_equal(np.concatenate([_column(out, 0), _column(out, 1)]), want)
