"""GlmerFit.refit and update against lme4 1.1-31 (frozen, see glmer_methods_refs)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from pylme.errors import DataError, FormulaError, ModelSpecError

from glmer_methods_refs import FEVAL_SLACK, REFS, cbpp, cbpp_fit, factor_fit, num, poisson_fits, quiet

#: refits follow lme4's Nelder–Mead path evaluation for evaluation (same counts), so the
#: estimates agree as closely as the original fit's (~1e-11); 1e-8 leaves room for other
#: machines' last bits
RTOL = 1e-8


def check_fit(fit, ref, rtol=RTOL):
    np.testing.assert_allclose(fit.theta, np.atleast_1d(num(ref["theta"])), rtol=rtol, atol=1e-10)
    np.testing.assert_allclose(fit.beta, np.atleast_1d(num(ref["beta"])), rtol=rtol)
    assert -2 * float(fit.logLik()) == pytest.approx(float(ref["dev"]), rel=1e-10)
    assert abs(fit.opt.feval - int(float(ref["feval"]))) <= FEVAL_SLACK
    assert fit.opt.optimizer == ref["optimizer"]


def test_refit_own_response_is_one_nelder_mead_from_the_fit():
    """glmer_spec.md §5.7, trap 18: θ 0.6422425309, −2ℓ 184.052703351, 189 evaluations."""
    ref = REFS["refit"]["own"]
    fit = cbpp_fit()
    new = fit.refit()
    check_fit(new, ref)
    # an optimizer's end point and count follow the CPU's last bits (OPENBLAS_CORETYPE moves
    # θ by ~1e-9 here): θ within Nelder-Mead's x-tolerance (xt = 0.02·5e-4 = 1e-5), the
    # count near lme4's 189, the objective no worse than lme4's
    assert new.theta[0] == pytest.approx(0.6422425309, abs=1e-6)
    assert abs(new.opt.feval - 189) <= 19
    assert new.optimum.fval <= 184.052703351 + 1e-6
    np.testing.assert_allclose(new.opt.derivs.gradient, num(REFS["refit"]["own_derivs_gradient"]), atol=1e-6)
    assert new.optimum.stage1 is None
    # the original is untouched
    assert fit.optimum.fval == pytest.approx(184.053132779, abs=1e-8)


def test_refit_to_an_r_simulated_cbind_response():
    ref = REFS["refit"]
    y = np.column_stack([num(ref["sim_response"]), num(ref["sim_failures"])])
    new = cbpp_fit().refit(y)
    check_fit(new, ref["sim"])
    np.testing.assert_array_equal(new.getME("y"), y[:, 0] / y.sum(axis=1))
    np.testing.assert_array_equal(new.weights(), y.sum(axis=1))
    assert new.inputs.response_kind == "cbind"
    # the same response as a one-simulation frame of simulate() (R: simulate(gm1)[[1]])
    frame = pd.DataFrame(y, columns=pd.MultiIndex.from_tuples([("sim_1", "incidence"), ("sim_1", "")]))
    again = cbpp_fit().refit(frame)
    np.testing.assert_array_equal(again.theta, new.theta)
    np.testing.assert_array_equal(again.beta, new.beta)


def test_refit_keeps_the_call_and_update_still_works():
    new = cbpp_fit().refit()
    assert new.call_args is cbpp_fit().call_args
    pickle.loads(pickle.dumps(new))


def test_refit_factor_response_and_proportions():
    fit = factor_fit()
    y = fit.inputs.frame.response
    cat = pd.Categorical.from_codes(y.codes, categories=list(y.levels))
    new = quiet(fit.refit, cat)
    np.testing.assert_allclose(new.theta, fit.theta, atol=1e-4)
    np.testing.assert_array_equal(new.getME("y"), fit.getME("y"))
    zeros_ones = quiet(fit.refit, (cat.codes == 1).astype(float))
    np.testing.assert_array_equal(zeros_ones.getME("y"), fit.getME("y"))


def test_refit_errors():
    fit = cbpp_fit()
    with pytest.raises(DataError, match=r"length\(newresp"):
        fit.refit(np.zeros((10, 2)))
    with pytest.raises(DataError, match="lists of length > 1"):
        fit.refit(pd.DataFrame({"a": np.ones(56), "b": np.ones(56), "c": np.ones(56)}))
    with pytest.raises(DataError, match=r"NA/NaN/Inf in 'y'"):
        fit.refit(np.full((56, 2), np.nan))
    _, term, _ = poisson_fits()
    with pytest.raises(DataError, match="response must be numeric"):
        term.refit(pd.Categorical(["a", "b"] * 28))
    with pytest.raises(ModelSpecError, match="updateXwts: dimension mismatch"):
        term.refit(np.ones((56, 2)))


def test_refit_with_missing_rows_takes_the_fits_rows():
    data = cbpp()
    data.loc[3, "period"] = np.nan
    fit = quiet(cbpp_fit().update, data=data)
    assert fit.nobs == 55
    full = np.column_stack([data["incidence"], data["size"] - data["incidence"]]).astype(float)
    a = quiet(fit.refit, full)
    b = quiet(fit.refit, np.delete(full, 3, axis=0))
    np.testing.assert_array_equal(a.theta, b.theta)


def test_update_nagq9():
    ref = REFS["update"]["nAGQ9"]
    new = cbpp_fit().update(nAGQ=9)
    assert new.n_agq == 9
    check_fit(new, ref)
    assert -2 * float(new.logLik()) == pytest.approx(100.010036067, abs=1e-8)


def test_update_formula():
    ref = REFS["update"]
    new = quiet(cbpp_fit().update, ". ~ . - period")
    check_fit(new, ref["no_period"])
    assert new.call_args["formula"] == ref["no_period_formula"]


def test_update_errors():
    with pytest.raises(FormulaError):
        cbpp_fit().update(formula=3)


def test_refit_uses_default_glmer_control_unless_given():
    from pylme.glmm.control import GlmerControl

    fit = cbpp_fit()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        short = fit.refit(control=GlmerControl(opt_ctrl={"maxfun": 20}))
    # lme4: refit(gm1, control = glmerControl(optCtrl = list(maxfun = 20))) stops after 21
    assert short.opt.feval == 21
    assert "failure to converge in 20 evaluations" in [str(w.message) for w in caught]
    assert fit.refit().opt.feval > 21  # without control: glmerControl()'s empty optCtrl


@pytest.mark.parametrize("n_agq", [0, 9])
def test_refit_other_nagq(n_agq):
    """nAGQ = 0: one BOBYQA over θ with joint PIRLS; nAGQ = 9: quadrature deviance."""
    ref = REFS["refit"][f"nAGQ{n_agq}"]
    fit = quiet(cbpp_fit().update, nAGQ=n_agq)
    new = quiet(fit.refit)
    check_fit(new, ref)
    assert new.n_agq == n_agq
