"""``profile``/``confint`` of glmer fits against lme4 1.1-31, R-free.

R values: ``tests/data/glmm/inference/expected.json`` (``make_expected.R`` there).  lme4
profiles every GLMM parameter (sd of the random effects and fixed effects) with glmer's
(θ, β) deviance, re-optimizing all the others by its Nelder–Mead at every point; pylme
runs the same optimizer on the same deviance, so the profile points follow lme4's
paths.  Tolerances: intervals 1e-6 relative (the lmer profile tests allow 1e-3); the
profile rows: see :func:`assert_profile_rows`.

The full cbpp profiles take about a minute each (lme4: 9 s) and are marked slow.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.datasets import load
from pylme.errors import ModelSpecError, PylmeMessage
from pylme.glmm.fit import glmer
from pylme.inference.glmm_profile import SCALE_FAMILY_ERROR, glmm_profile, make_glmm_devfun2

DATA = Path(__file__).resolve().parents[1] / "data" / "glmm"
CBPP_FORMULA = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


@lru_cache(maxsize=1)
def expected() -> dict:
    return json.loads((DATA / "inference" / "expected.json").read_text())


@lru_cache(maxsize=None)
def fit(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "gm1":
            return glmer(CBPP_FORMULA, load("cbpp"), family="binomial")
        if name == "gm25":
            return glmer(CBPP_FORMULA, load("cbpp"), family="binomial", nAGQ=25)
        if name == "gm_agq0":
            return glmer(CBPP_FORMULA, load("cbpp"), family="binomial", nAGQ=0)
        if name == "gt2":
            return glmer("TICKS ~ cHEIGHT + (1 | LOCATION)", load("grouseticks"), family="poisson")
        if name == "gg":
            gdat = pd.read_csv(DATA / "devfun" / "gamma_sim.csv")
            gdat["g"] = pd.Categorical(gdat["g"].astype(str), categories=sorted(set(gdat["g"].astype(str)), key=int))
            from pylme.families import Gamma

            return glmer("y ~ x + (1 | g)", gdat, family=Gamma(link="log"))
    raise KeyError(name)


@lru_cache(maxsize=None)
def profiled(name: str):
    return glmm_profile(fit(name))


def r_matrix(rec: dict) -> pd.DataFrame:
    values = np.array([[np.nan if v is None else float(v) for v in col] for col in rec["values"]]).T
    return pd.DataFrame(values, index=rec["rows"], columns=rec["columns"])


def assert_intervals(ours: pd.DataFrame, rec: dict) -> None:
    r = r_matrix(rec)
    assert list(ours.index) == list(r.index)
    assert list(ours.columns) == list(r.columns)
    np.testing.assert_allclose(ours.to_numpy(float), r.to_numpy(float), rtol=1e-6, equal_nan=True)


def assert_profile_rows(pr, rec: dict, only: str | None = None) -> None:
    """Rows of ``as.data.frame(profile(fit))``: same parameters, points and deviances.

    Each point's deviance is a Nelder–Mead minimum, exact only to the optimizer's slack
    (x-tolerance ~1e-5; cbpp's points agree with lme4's to 1e-10, the Poisson model's,
    whose deviance is steep in β, to 1e-6), so ζ is compared through ζ² (the deviance
    difference), the profiled value relatively and the re-optimized ones absolutely.
    """
    par = np.array(rec["par"])
    keep = np.ones(par.size, bool) if only is None else par == only
    frame = pr.frame
    assert list(frame[".par"].astype(str)) == list(par[keep])
    assert list(frame.columns[: len(rec["columns"])]) == rec["columns"]
    for j, column in enumerate(rec["columns"]):
        r = np.array([np.nan if v is None else float(v) for v in rec["values"][j]])[keep]
        ours = frame[column].to_numpy(float)
        if column == ".zeta":
            np.testing.assert_array_equal(np.sign(ours), np.sign(r))
            # each ζ² is a Nelder-Mead minimum over the other parameters: pylme's may be
            # lower than lme4's by the optimizer's slack (Poisson: up to 2.7e-5 of 12.77),
            # never higher by more than that
            assert np.all(ours**2 <= r**2 * (1 + 1e-6) + 1e-5), column
            np.testing.assert_allclose(ours**2, r**2, rtol=1e-5, atol=1e-5, err_msg=column)
            continue
        focal = par[keep] == column
        # the grid follows the ζ of the previous points, so it inherits their slack
        np.testing.assert_allclose(ours[focal], r[focal], rtol=1e-5, err_msg=column)
        np.testing.assert_allclose(ours, r, atol=1e-4, err_msg=column)


# ---------------------------------------------------------------------------- the deviance
def test_devfun2_is_lme4s_rebuilt_devfun():
    """lme4's devfun2 rebuilds glmer's devfun from θ̂ (joint PIRLS from mustart): its value at
    the optimum differs from the fit's −2ℓ in the 8th digit, as in lme4."""
    dd = make_glmm_devfun2(fit("gm1"))
    assert dd.names == [".sig01", "(Intercept)", "period2", "period3", "period4"]
    opt = np.array(list(dd.optimum.values()))
    r = float(expected()["errors"]["devfun_base"]["value"])
    assert dd(opt) == pytest.approx(r, rel=1e-12)
    assert dd.basedev == pytest.approx(float(expected()["fits"]["gm1"]["dev"]), rel=1e-12)
    assert dd(opt) != dd.basedev


def test_devfun2_names_without_signames():
    dd = make_glmm_devfun2(fit("gt2"), signames=False)
    assert dd.names == ["sd_(Intercept)|LOCATION", "(Intercept)", "cHEIGHT"]


# ---------------------------------------------------------------------------- Poisson (fast)
def test_poisson_profile_rows_match_lme4():
    assert_profile_rows(profiled("gt2"), expected()["profile"]["gt2"])


def test_poisson_profile_confint_matches_lme4():
    assert_intervals(profiled("gt2").confint(), expected()["confint"]["gt2"])


def test_confint_method_says_lme4s_message_and_matches():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = fit("gt2").confint(parm="cHEIGHT")
    assert [str(w.message) for w in caught if issubclass(w.category, PylmeMessage)] == \
        [expected()["messages"]["confint"]["text"]]
    r = expected()["confint"]["gt2"]
    np.testing.assert_allclose(ours.to_numpy(float)[0], [float(r["values"][0][2]), float(r["values"][1][2])],
                               rtol=1e-6)
    assert list(ours.index) == ["cHEIGHT"]


def test_profile_which_selects_one_parameter():
    pr = fit("gm1").profile(which=".sig01")
    assert pr.parameters == [".sig01"]
    assert_profile_rows(pr, expected()["profile"]["cbpp"], only=".sig01")
    r = r_matrix(expected()["confint"]["cbpp"]).loc[[".sig01"]]
    np.testing.assert_allclose(pr.confint().to_numpy(float), r.to_numpy(float), rtol=1e-6)


# ---------------------------------------------------------------------------- cbpp (slow)
@pytest.mark.slow
def test_cbpp_profile_rows_match_lme4():
    assert_profile_rows(profiled("gm1"), expected()["profile"]["cbpp"])


@pytest.mark.slow
@pytest.mark.parametrize("key, kwargs", [("cbpp", {}), ("cbpp_level90", {"level": 0.9}),
                                         ("cbpp_beta", {"parm": "beta_"})])
def test_cbpp_profile_confint_matches_lme4(key, kwargs):
    assert_intervals(profiled("gm1").confint(**kwargs), expected()["confint"][key])


@pytest.mark.slow
def test_cbpp_quadrature_profile_matches_lme4():
    assert_profile_rows(profiled("gm25"), expected()["profile"]["cbpp_agq25"])
    assert_intervals(profiled("gm25").confint(), expected()["confint"]["cbpp_agq25"])


def test_confint_of_nothing_is_an_empty_table_as_in_r():
    """R: warning ``Nothing selected by 'which="nothing"'``, the message, a 0-row matrix."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = fit("gt2").confint(parm="nothing")
    assert [str(w.message) for w in caught] == ["Nothing selected by 'which=\"nothing\"'",
                                                "Computing profile confidence intervals ..."]
    assert ours.shape == (0, 2) and list(ours.columns) == ["2.5 %", "97.5 %"]


# ---------------------------------------------------------------------------- other methods
def test_wald_method_is_silent_and_lme4s():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = fit("gm1").confint(method="W")  # R's match.arg
    assert_intervals(ours, expected()["confint"]["cbpp_wald"])
    assert list(fit("gm1").confint(parm="beta_", method="Wald").index) == ["(Intercept)", "period2", "period3",
                                                                           "period4"]


def test_boot_method_says_its_message_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = fit("gt2").confint(method="boot", nsim=3, seed=1, n_jobs=1, oldNames=False)
    said = [str(w.message) for w in caught if issubclass(w.category, PylmeMessage)]
    assert said.count("Computing bootstrap confidence intervals ...") == 1
    assert list(ours.index) == ["sd_(Intercept)|LOCATION", "(Intercept)", "cHEIGHT"]
    assert list(ours.columns) == ["2.5 %", "97.5 %"]


# ---------------------------------------------------------------------------- refusals
def test_scale_family_refused_with_lme4s_error():
    with pytest.raises(ModelSpecError) as err:
        fit("gg").profile()
    assert str(err.value) == expected()["errors"]["gamma_profile"]["text"] == SCALE_FAMILY_ERROR


def test_scale_family_confint_says_message_then_fails():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ModelSpecError) as err:
            fit("gg").confint()
    assert str(err.value) == expected()["errors"]["gamma_confint"]["text"]
    assert [str(w.message) for w in caught if issubclass(w.category, PylmeMessage)] == \
        [expected()["messages"]["confint"]["text"]]


def test_theta_only_fit_cannot_be_profiled():
    with pytest.raises(ModelSpecError) as err:
        fit("gm_agq0").profile(which=0)
    assert str(err.value) == expected()["errors"]["nagq0_profile"]["text"]


def test_confint_argument_checks_come_first():
    from pylme.errors import ArgumentError

    with pytest.raises(ArgumentError, match="should be one of"):
        fit("gt2").confint(method="nope")
    with pytest.raises(ArgumentError):
        fit("gt2").confint(level=1.5)
