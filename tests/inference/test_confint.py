"""``confint``/``profile`` against lme4 1.1-31, R-free (``r_reference/inference/confint.json``).

The reference file is written by ``python -m conformance.r_inference_confint``; each
value there carries the R expression that produced it.  Tolerances (issue "Inference and
methods"): Wald intervals 1e-6 relative, profile intervals 1e-3 relative, parametric
bootstrap intervals within Monte-Carlo error of lme4's (different random streams).
"""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import pylme
from conformance import inference_refs as refs
from conformance.inference_refs import confint_fit as fitted
from conformance.inference_refs import confint_profile as profiled
from conformance.inference_refs import matrix as r_matrix
from conformance.inference_refs import numbers as _num
from pylme.errors import PylmeMessage, PylmeWarning
from pylme.inference import confint as ci_mod
from pylme.inference.profile import format_perc, get_which, profile
from pylme.inference.sdcor import cv_to_sv, cv_to_vv, sv_to_cv
from pylme.inference.splines import back_spline, interp_spline

MODELS = ("hsb_null_reml", "sleepstudy_slope_reml", "dyestuff_ml", "dyestuff_reml",
          "penicillin_reml", "dyestuff2_reml")
quantity = partial(refs.quantity, file="confint")


def reference() -> dict:
    return refs.load("confint")


def assert_frame_close(ours: pd.DataFrame, r: pd.DataFrame, rtol: float, atol: float = 0.0):
    assert list(ours.index) == list(r.index)
    assert list(ours.columns) == list(r.columns)
    np.testing.assert_allclose(ours.to_numpy(float), r.to_numpy(float), rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------- provenance
def test_reference_has_provenance():
    ref = reference()
    assert ref["versions"]["lme4"] == "1.1-31"
    assert ref["versions"]["R"].startswith("R version 4.2.2")
    for model_id in MODELS:
        m = ref["models"][model_id]
        assert m["r_call"].startswith("lmer(")
        for rec in m["quantities"].values():
            assert rec["kind"] == "value" and rec["r_expr"]


# ---------------------------------------------------------------------------- Wald
@pytest.mark.parametrize("model_id", MODELS)
def test_wald_matches_lme4(model_id):
    ours = fitted(model_id).confint(method="Wald")
    assert_frame_close(ours, r_matrix(quantity(model_id, "wald")), rtol=1e-6)


def test_wald_level_parm_and_new_names():
    hsb = fitted("hsb_null_reml")
    assert_frame_close(hsb.confint(method="Wald", level=0.9), r_matrix(quantity("hsb_null_reml", "wald_level90")),
                       rtol=1e-6)
    assert_frame_close(hsb.confint(parm="beta_", method="Wald"), r_matrix(quantity("hsb_null_reml", "wald_beta")),
                       rtol=1e-6)
    sleep = fitted("sleepstudy_slope_reml")
    assert_frame_close(sleep.confint(method="Wald", oldNames=False),
                       r_matrix(quantity("sleepstudy_slope_reml", "wald_newnames")), rtol=1e-6)


def test_wald_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted("dyestuff_ml").confint(method="Wald")


# ---------------------------------------------------------------------------- profile
@pytest.mark.parametrize("model_id", MODELS)
def test_profile_intervals_match_lme4(model_id):
    ours = profiled(model_id).confint()
    assert_frame_close(ours, r_matrix(quantity(model_id, "profile")), rtol=1e-3, atol=1e-8)


def test_hsb_profile_intervals_closely():
    """The issue's target model: lme4's profile intervals to 1e-3 (we get ~1e-9)."""
    ours = profiled("hsb_null_reml").confint()
    assert_frame_close(ours, r_matrix(quantity("hsb_null_reml", "profile")), rtol=1e-6)
    assert_frame_close(profiled("hsb_null_reml").confint(level=0.9),
                       r_matrix(quantity("hsb_null_reml", "profile_level90")), rtol=1e-6)


def test_confint_method_profile_says_so_and_selects():
    sleep = fitted("sleepstudy_slope_reml")
    with pytest.warns(PylmeMessage, match=r"^Computing profile confidence intervals \.\.\.$"):
        days = sleep.confint(parm="Days")
    assert_frame_close(days, r_matrix(quantity("sleepstudy_slope_reml", "profile_days")), rtol=1e-3)
    theta = sleep.confint(parm="theta_", oldNames=False, quiet=True)
    assert_frame_close(theta, r_matrix(quantity("sleepstudy_slope_reml", "profile_theta")), rtol=1e-3)


@pytest.mark.parametrize("model_id", ["hsb_null_reml", "dyestuff_ml", "dyestuff2_reml"])
def test_profile_frame_matches_lme4(model_id):
    rec = quantity(model_id, "profile_frame")
    r = pd.DataFrame({c: rec["value"][c] for c in rec["columns"]})
    ours = profiled(model_id).frame
    assert list(ours.columns) == rec["columns"]
    # same points visited: the step rule saw the same ζ values
    assert list(ours[".par"].astype(str)) == list(r[".par"])
    for col in rec["columns"]:
        if col != ".par":
            np.testing.assert_allclose(ours[col].to_numpy(float), _num(list(r[col])), rtol=2e-5, atol=1e-6,
                                       err_msg=col)


def test_profile_object():
    pr = profiled("sleepstudy_slope_reml")
    assert pr.parameters == [".sig01", ".sig02", ".sig03", ".sigma", "(Intercept)", "Days"]
    assert pr.base_deviance == pytest.approx(quantity("sleepstudy_slope_reml", "ml_deviance")["value"][0],
                                             rel=1e-9)
    assert pr.cutoff == pytest.approx(4.100230948345584, rel=1e-12)  # R: sqrt(qchisq(0.99, 6))
    for name in pr.parameters:  # ζ is increasing along each profile, 0 at the optimum
        rows = pr.frame[pr.frame[".par"] == name]
        assert np.all(np.diff(rows[".zeta"].to_numpy()) > 0)
        assert np.all(rows[".focal"].to_numpy() == rows[name].to_numpy())
        spline = pr.backward[name]
        assert spline(0.0)[0] == pytest.approx(pr.optimum[name], rel=1e-6, abs=1e-9)
        assert pr.forward[name](pr.optimum[name])[0] == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_array_equal(pr.lower, [0, -1, 0, 0])
    np.testing.assert_array_equal(pr.upper, [np.inf, 1, np.inf, np.inf])


def test_singular_profile_uses_the_bound():
    ours = profiled("dyestuff2_reml").confint()
    assert ours.loc[".sig01", "2.5 %"] == 0.0  # the profile never goes below 0: lme4 puts the bound


def test_profile_which_subset_and_zeta():
    pr = profile(fitted("dyestuff_ml"), which="beta_")
    assert pr.parameters == ["(Intercept)"]
    both = pr.confint(zeta=[-1.959963984540054, 1.959963984540054])
    assert list(both.columns) == [0, 1]
    np.testing.assert_allclose(both.to_numpy(), r_matrix(quantity("dyestuff_ml", "profile")).iloc[[2]].to_numpy(),
                               rtol=1e-3)


# ---------------------------------------------------------------------------- pieces
def test_get_which():
    names = [".sig01", ".sig02", ".sigma", "(Intercept)", "x"]
    assert get_which(None, 3, 5, names) == [0, 1, 2, 3, 4]
    assert get_which("theta_", 3, 5, names) == [0, 1, 2]
    assert get_which("beta_", 3, 5, names) == [3, 4]
    assert get_which(["x", ".sig02"], 3, 5, names) == [1, 4]
    assert get_which([4, 0], 3, 5, names) == [4, 0]
    with pytest.warns(PylmeWarning, match="Nothing selected"):
        assert get_which("nope", 3, 5, names) == []


def test_format_perc():
    assert format_perc([0.025, 0.975]) == ["2.5 %", "97.5 %"]
    assert format_perc([0.05, 0.95]) == ["5 %", "95 %"]
    assert format_perc([0.0005, 0.9995]) == ["0.05 %", "99.95 %"]
    assert format_perc([1 / 30, 2 / 30]) == ["3.33 %", "6.67 %"]


def _piece(name):
    return reference()["pieces"][name]


def test_splines_match_r():
    x, y = np.arange(1.0, 7.0), np.array([1, 3, 4, 4.5, 7, 9.0])
    fwd = interp_spline(x, y)
    np.testing.assert_allclose(fwd.coef, _num(_piece("interp_spline_coef")["value"]), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fwd([0, 1.5, 3.7, 6, 7]), _num(_piece("interp_spline_predict")["value"]),
                               rtol=1e-12)
    bak = back_spline(fwd)
    np.testing.assert_allclose(bak.coef, _num(_piece("back_spline_coef")["value"]), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(bak([0.5, 1, 2.2, 5.5, 9, 9.5]), _num(_piece("back_spline_predict")["value"]),
                               rtol=1e-12)


def test_sdcor_conversions_match_r():
    sv = cv_to_sv([0.9667, 0.0152, 0.2309, 1.5], (2, 1), s=25.59)
    np.testing.assert_allclose(sv, _num(_piece("cv_to_sv")["value"]), rtol=1e-13)
    cv = sv_to_cv([24.74, 0.066, 5.92, 38.4, 25.59], (2, 1), s=25.59)
    np.testing.assert_allclose(cv, _num(_piece("sv_to_cv")["value"]), rtol=1e-13)
    # round trips, also through variances
    np.testing.assert_allclose(sv_to_cv(sv, (2, 1), s=25.59), [0.9667, 0.0152, 0.2309, 1.5], rtol=1e-13)
    vv = cv_to_vv([0.9667, 0.0152, 0.2309, 1.5], (2, 1), s=25.59)
    assert vv[-1] == pytest.approx(25.59**2)


def test_boot_interval_functions_match_boot():
    x = _num(_piece("boot_x")["value"])
    with pytest.warns(PylmeWarning, match="extreme order statistics used as endpoints"):
        perc = ci_mod.perc_ci(x, 0.95)
    np.testing.assert_allclose(perc, _num(_piece("perc_ci_30")["value"])[0, 3:5], rtol=1e-13)
    basic = ci_mod.basic_ci(1.0, x, 0.9)  # (R + 1)·0.05 = 1.55 > 1: no extreme endpoints
    np.testing.assert_allclose(basic, _num(_piece("basic_ci_30")["value"])[0, 3:5], rtol=1e-13)
    np.testing.assert_allclose(ci_mod.norm_ci(1.0, x, 0.95), _num(_piece("norm_ci_30")["value"])[0, 1:3],
                               rtol=1e-13)


def test_boot_confint_reproduces_lme4_from_its_replicates():
    """boot.ci's three interval types on lme4's own bootstrap replicates: exact."""
    boot = reference()["bootstrap"]["quantities"]
    t0, t = _num(boot["t0"]["value"]), _num(boot["t"]["value"])
    names = boot["t0"]["names"]
    for kind, key, level in (("perc", "perc", 0.95), ("basic", "basic", 0.95), ("norm", "norm", 0.95),
                             ("perc", "perc_level90", 0.9)):
        ours = ci_mod.boot_confint(t0, t, level=level, type=kind, names=names)
        assert_frame_close(ours, r_matrix(boot[key]), rtol=1e-12)
    # the t0 statistic is lme4's bootFun at the fit
    np.testing.assert_allclose(ci_mod.boot_fun(fitted("hsb_null_reml")).to_numpy(), t0, rtol=1e-6)


# ---------------------------------------------------------------------------- parametric bootstrap
def _quantile_se(sd: np.ndarray, a: float, R: int) -> np.ndarray:
    """Monte-Carlo standard error of a normal-theory a-quantile from R replicates."""
    return sd * np.sqrt(a * (1 - a) / R) / norm.pdf(norm.ppf(a))


def test_parametric_bootstrap_within_monte_carlo_error():
    pytest.importorskip("pylme.inference.bootstrap", reason="bootMer (pylme.inference.bootstrap) not available yet")
    boot = reference()["bootstrap"]
    R = boot["nsim"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeWarning)
        ours = fitted("hsb_null_reml").confint(method="boot", nsim=R, seed=boot["seed"])
    r = r_matrix(boot["quantities"]["perc"])
    assert list(ours.index) == list(r.index) and list(ours.columns) == list(r.columns)
    sd = _num(boot["quantities"]["t_sd"]["value"])
    # two independent estimates of each endpoint: 5 standard errors of their difference
    tol = 5 * np.sqrt(2) * _quantile_se(sd, 0.025, R)
    diff = np.abs(ours.to_numpy() - r.to_numpy())
    assert np.all(diff <= tol[:, None]), (ours, r, tol)
    # the seed tutorial's intervals, to their printed precision and Monte-Carlo error
    tutorial = np.array([[2.59, 3.35], [6.15, 6.36], [12.16, 13.09]])
    assert np.all(np.abs(ours.to_numpy() - tutorial) <= tol[:, None] + 0.01)


# ---------------------------------------------------------------------------- lme4's conditions
def test_lower_deviance_is_an_error():
    from pylme.control import LmerControl
    from pylme.errors import OptimizerError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeWarning)
        stopped = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"), REML=False,
                             control=LmerControl(opt_ctrl={"maxeval": 8}))  # far from the optimum
        with pytest.raises(OptimizerError, match="^profiling detected new, lower deviance$"):
            stopped.profile()


def test_spline_fallbacks_of_confint():
    from dataclasses import replace

    pr = profiled("dyestuff_ml")
    broken = replace(pr, backward={**pr.backward, ".sigma": None})
    with pytest.warns(PylmeWarning, match=r"^bad spline fit for \.sigma: falling back to linear interpolation$"):
        ci = broken.confint(parm=".sigma")
    np.testing.assert_allclose(ci.to_numpy(), pr.confint(parm=".sigma").to_numpy(), rtol=2e-3)
    frame = pr.frame.copy()
    rows = frame[".par"] == ".sigma"
    frame.loc[rows, ".zeta"] = -frame.loc[rows, ".zeta"].to_numpy()  # every step decreases
    with pytest.warns(PylmeWarning, match=r"^non-monotonic profile for \.sigma$"):
        ci = replace(broken, frame=frame).confint(parm=".sigma")
    assert np.all(np.isnan(ci.to_numpy()))


def test_devfun2_fast_path_equals_the_pls_solution():
    from pylme.inference.devfun2 import make_devfun2

    dd = make_devfun2(fitted("sleepstudy_slope_reml"))
    pars = np.array([20.0, 0.3, 5.0, 27.0])
    sol = dd.ml_fit.problem.evaluate(dd.theta(pars))
    n, sig2 = dd.ml_fit.nobs, pars[-1] ** 2
    expected = sol.ldL2 + sol.pwrss / sig2 + n * np.log(2 * np.pi * sig2)
    assert dd(pars) == pytest.approx(expected, rel=1e-12)
    at_optimum = np.array(list(dd.optimum.values())[: dd.n_var])
    assert dd(at_optimum) == pytest.approx(dd.basedev, rel=1e-10)
