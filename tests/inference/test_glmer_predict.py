"""GlmerFit.predict, getME, hatvalues, vcov and Wald intervals against lme4 1.1-31 (frozen)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from pylme.errors import ArgumentError, DataError
from pylme.results.glmer_predict import wald_confint

from glmer_methods_refs import EXACT_RTOL, FIT_RTOL, REFS, cbpp, cbpp_fit, gamma_fit, num, poisson_fits

C = REFS["cbpp"]
#: cbpp follows lme4's path to the last evaluation: its estimates agree to ~2e-11
CBPP_RTOL = 1e-8
#: Standard errors come from deriv12's finite-difference Hessian (δ = 1e-4): deviance
#: differences of ~1e-13 are divided by δ² = 1e-8, so vcov agrees to ~2e-6 relative
HESSIAN_RTOL = 2e-5


def close(actual, expected, rtol=CBPP_RTOL, atol=1e-12):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), num(expected), rtol=rtol, atol=atol)


# --- predict ------------------------------------------------------------------------------------


def test_predict_defaults_are_link_scale_eta():
    fit = cbpp_fit()
    pred = fit.predict()
    assert isinstance(pred, pd.Series) and pred.name == "predicted"
    close(pred, C["predict_link"])
    close(pred, C["eta"])
    assert pred.iloc[0] == pytest.approx(-0.808713428, abs=1e-9)  # glmer_spec.md §5.1


def test_predict_response_is_lme4_mu_without_newdata():
    fit = cbpp_fit()
    close(fit.predict(type="response"), C["predict_response"])
    close(fit.predict(type="resp"), C["mu"])  # R's match.arg
    np.testing.assert_array_equal(fit.predict(type="response"), fit.fitted())


def test_predict_population_level():
    fit = cbpp_fit()
    close(fit.predict(re_form=np.nan), C["predict_pop_link"])
    close(fit.predict(re_form="~0", type="response"), C["predict_pop_response"])
    close(fit.predict(re_form="NA"), C["predict_pop_link"])
    assert fit.predict(re_form=np.nan).iloc[0] == pytest.approx(-1.398342864, abs=1e-9)
    assert fit.predict(re_form=np.nan, type="response").iloc[0] == pytest.approx(0.19807920551, abs=1e-10)


def test_predict_with_an_explicit_re_form_uses_r_linkinv():
    close(cbpp_fit().predict(re_form="~(1 | herd)", type="response"), C["predict_reform_response"])


def test_predict_newdata():
    fit = cbpp_fit()
    rows = [int(i) - 1 for i in C["newdata_old_rows"]]
    nd = cbpp().iloc[rows]
    pred = fit.predict(nd)
    close(pred, C["predict_newdata_link"])
    assert list(pred.index) == list(nd.index)
    close(fit.predict(nd, type="response"), C["predict_newdata_response"])
    close(fit.predict(nd, re_form=np.nan), C["predict_newdata_pop"])


def _new_levels() -> pd.DataFrame:
    spec = C["new_level_data"]
    return pd.DataFrame({"period": pd.Categorical(spec["period"], categories=["1", "2", "3", "4"]),
                         "herd": spec["herd"]})


def test_predict_new_level_error_text():
    with pytest.raises(DataError) as err:
        cbpp_fit().predict(_new_levels())
    assert str(err.value) == C["new_level_error"] == "new levels detected in newdata: 16"


def test_predict_allow_new_levels():
    fit = cbpp_fit()
    close(fit.predict(_new_levels(), allow_new_levels=True), C["new_level_link"])
    close(fit.predict(_new_levels(), allow_new_levels=True, type="response"), C["new_level_response"])


def test_predict_argument_checks():
    fit = cbpp_fit()
    with pytest.raises(ArgumentError, match="should be one of"):
        fit.predict(type="probability")
    with pytest.raises(DataError, match="na_action"):
        fit.predict(cbpp(), na_action="drop")


def test_predict_offset_term_and_argument_on_newdata():
    """glmer_spec.md §1.3: newdata uses only the formula's offset() terms."""
    o = REFS["offset"]
    data, term, argument = poisson_fits()
    close(term.theta, o["term"]["theta"], rtol=FIT_RTOL)
    close(argument.theta, o["argument"]["theta"], rtol=FIT_RTOL)
    nd = data.iloc[:6]
    for name, fit in (("term", term), ("argument", argument)):
        close(fit.predict(), o[f"{name}_link"], rtol=FIT_RTOL, atol=1e-7)
        close(fit.predict(re_form=np.nan), o[f"{name}_pop"], rtol=FIT_RTOL, atol=1e-7)
        close(fit.predict(nd), o[f"{name}_newdata_link"], rtol=FIT_RTOL, atol=1e-7)
        close(fit.predict(nd, type="response"), o[f"{name}_newdata_response"], rtol=FIT_RTOL, atol=1e-7)
    # the offset= argument is dropped for newdata: log(size) apart
    diff = term.predict(nd) - argument.predict(nd)
    np.testing.assert_allclose(diff, np.log(nd["size"]), rtol=1e-6)
    np.testing.assert_allclose(argument.getME("offset"), num(o["getme_offset"]), rtol=EXACT_RTOL)


def test_predict_gamma_response():
    g = REFS["gamma"]
    fit = gamma_fit()
    close(fit.predict(type="response"), g["predict_response"], rtol=FIT_RTOL)
    close(fit.predict(re_form=np.nan, type="response"), g["predict_pop_response"], rtol=FIT_RTOL)


# --- getME --------------------------------------------------------------------------------------


def test_getme_vectors():
    fit, ref = cbpp_fit(), C["getME"]
    theta = fit.getME("theta")
    assert list(theta.index) == [ref["theta_names"]]
    close(theta, ref["theta"])
    close(fit.getME("beta"), ref["beta"])
    close(fit.getME("u"), ref["u"])
    close(fit.getME("b"), ref["b"])
    close(fit.getME("mu"), ref["mu"])
    close(fit.getME("eta"), C["eta"])  # pylme's addition (lme4: fit@resp$eta)
    close(fit.getME("y"), ref["y"], rtol=EXACT_RTOL)
    close(fit.getME("offset"), ref["offset"], rtol=EXACT_RTOL)
    close(fit.getME("weights"), ref["weights"], rtol=EXACT_RTOL)
    close(fit.getME("n_trials"), ref["trials"], rtol=EXACT_RTOL)
    close(fit.weights("working"), ref["working_weights"])
    close(fit.getME("lower"), np.atleast_1d(num(ref["lower"])), rtol=EXACT_RTOL)
    close(np.abs(fit.getME("RX")), np.abs(num(ref["RX"])))
    assert fit.getME("n") == fit.getME("N") == int(float(ref["n"])) == 56  # lme4: observations
    assert fit.getME("p") == 4 and fit.getME("q") == 15
    assert np.isnan(fit.getME("glmer.nb.theta")) and np.isnan(num(ref["nb_theta"]))
    assert fit.getME("sigma") == 1.0
    assert list(fit.getME("flist")["herd"].categories) == ref["flist_levels"]
    assert {g: list(c) for g, c in fit.getME("cnms")} == {g: [c] for g, c in ref["cnms"].items()}


def test_getme_devcomp():
    dc, ref = cbpp_fit().getME("devcomp"), C["getME"]
    for key, value in ref["devcomp_cmp"].items():
        if np.isnan(num(value)):
            assert np.isnan(dc["cmp"][key]), key
        else:
            assert dc["cmp"][key] == pytest.approx(float(value), rel=CBPP_RTOL), key
    assert {k: dc["dims"][k] for k in ref["devcomp_dims"]} == {k: int(float(v)) for k, v in ref["devcomp_dims"].items()}


def test_getme_matrices():
    fit = cbpp_fit()
    Z, Lam = fit.getME("Z"), fit.getME("Lambda")
    assert sp.issparse(Z) and Z.shape == (56, 15)
    assert sp.issparse(Lam) and Lam.shape == (15, 15)
    np.testing.assert_allclose(Lam.diagonal(), np.full(15, fit.theta[0]))
    X = fit.getME("X")
    assert list(X.columns) == ["(Intercept)", "period2", "period3", "period4"]
    # L, RZX and RX are one factorization of the PWLS system with the working weights
    L, RZX, RX = fit.getME("L"), fit.getME("RZX"), fit.getME("RX")
    A = fit.getME("A") @ sp.diags(np.sqrt(fit.weights("working")))
    np.testing.assert_allclose(L @ L.T, (A @ A.T).toarray() + np.eye(15), atol=1e-10)
    Xw = X.to_numpy() * np.sqrt(fit.weights("working"))[:, None]
    np.testing.assert_allclose(RX.T @ RX + RZX.T @ RZX, Xw.T @ Xw, atol=1e-9)


def test_getme_matching_and_all():
    fit = cbpp_fit()
    np.testing.assert_array_equal(fit.getME("the"), fit.getME("theta"))
    both = fit.getME(["theta", "mu"])
    assert set(both) == {"theta", "mu"}
    every = fit.getME("ALL")
    assert {"devfun", "glmer.nb.theta", "eta", "n_trials", "optinfo"} <= set(every)
    with pytest.raises(ArgumentError, match="should be one of"):
        fit.getME("nonsense")


def test_getme_devfun_is_lme4s_rebuilt_devfun():
    ref = C["devfun"]
    f = cbpp_fit().getME("devfun")
    for par, value in zip(ref["par"], ref["value"]):
        assert f(num(par)) == pytest.approx(float(value), rel=1e-10)
    with pytest.raises(DataError):
        f([0.5])


# --- vcov, Wald intervals, hatvalues -------------------------------------------------------------


def test_vcov_hessian_and_rx():
    fit = cbpp_fit()
    close(fit.vcov(), C["vcov"], rtol=HESSIAN_RTOL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        close(fit.vcov(use_hessian=False), C["vcov_rx"], rtol=1e-7)


def test_wald_confint():
    fit = cbpp_fit()
    ci = wald_confint(fit)
    assert list(ci.index) == C["wald95_rows"] and list(ci.columns) == C["wald_cols"]
    close(ci, C["wald95"], rtol=HESSIAN_RTOL)
    close(wald_confint(fit, level=0.9), C["wald90"], rtol=HESSIAN_RTOL)
    close(wald_confint(fit, parm="beta_"), C["wald_beta"], rtol=HESSIAN_RTOL)
    sub = wald_confint(fit, parm=[1, 2])  # R's parm = 2:3
    assert list(sub.index) == C["wald_23_rows"]
    close(sub, C["wald_23"], rtol=HESSIAN_RTOL)
    assert list(wald_confint(fit, oldNames=False).index)[0] == "sd_(Intercept)|herd"


def test_wald_confint_scale_family_has_a_sigma_row():
    g = REFS["gamma"]
    ci = wald_confint(gamma_fit())
    assert list(ci.index) == g["wald_rows"] == [".sig01", ".sigma", "(Intercept)", "x"]
    close(ci, g["wald"], rtol=HESSIAN_RTOL)


def test_wald_confint_level_check():
    with pytest.raises(ArgumentError):
        wald_confint(cbpp_fit(), level=1.5)


def test_hatvalues():
    fit = cbpp_fit()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = fit.hatvalues()
    assert [str(w.message) for w in caught] == [C["hat_warning"]]
    close(h, C["hat"], rtol=1e-7)
    assert list(h.index) == list(cbpp().index)
