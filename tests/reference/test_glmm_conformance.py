"""GLMM cases in the conformance harness (no R needed): what the glmer references hold, the
rules that judge them, and that a broken pylme.glmer is caught.

The per-case comparison of every quantity is ``test_r_reference.test_case_matches_lme4``
(it runs every case file, the GLMM ones included); these tests pin what is GLMM-specific:

* the registry covers the families, links, nAGQ values, response forms, weights, offsets,
  crossed and vector-valued random effects the task names;
* every GLMM case file holds lme4's linear predictors (``devfun_inputs``) at full length, so
  the deterministic quantities are pylme's deviance functions at lme4's (θ̂, β̂), compared
  to 1e-10 relative;
* stage 1's count and the quoted ``max|grad|`` of a convergence warning are judged
  against lme4's own spread, and fail outside it;
* a deviance shifted by 1e-6 fails the deterministic tier.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import pylme.glmm.pirls
import test_r_reference
from conformance.cases import CASES, GAMMA_SIM, get_case
from conformance.compare import compare_case, fit_and_compare
from conformance.local_data import check_local_data, load_local_data
from conformance.py_side_glmm import family_from_r, glmer_control_from_r
from conformance.regen import load_reference
from conformance.spread import envelope

GLMM = [c.id for c in CASES if c.is_glmm]
results = test_r_reference.results  # one fit per case per session, shared


def test_registry_covers_the_glmm_kinds():
    cases = [get_case(i) for i in GLMM]
    families = {c.family for c in cases}
    assert {"binomial", 'binomial(link = "probit")', "poisson", 'Gamma(link = "log")'} <= families
    assert {0, 1, 25} <= {c.nAGQ for c in cases}
    formulas = " ".join(c.formula for c in cases)
    assert "cbind(" in formulas and "offset(log(size))" in formulas
    assert any(c.weights == "size" for c in cases)
    assert "(1 | id) + (1 | item)" in formulas  # crossed (VerbAgg)
    assert "(1 + as.numeric(period) | herd)" in formulas  # a correlated random slope
    assert {"VerbAgg", "grouseticks", "Contraception", GAMMA_SIM.name} <= {c.dataset for c in cases}
    assert all(c.id.endswith("_ml") and not c.reml for c in cases)
    assert get_case("cbpp_binomial_ml").lrt_with == "cbpp_binomial_null_ml"


@pytest.mark.parametrize("case_id", GLMM)
def test_case_file_holds_the_glmm_record(case_id):
    ref = load_reference(case_id)
    case = get_case(case_id)
    assert ref["r_call"].startswith("glmer(") and f"family = {case.family}" in ref["r_call"]
    n = ref["optimizer"]["nobs"]["value"]
    for name in ("lp0", "lp0_start"):  # full length: pylme restarts PIRLS from them
        assert len(ref["devfun_inputs"][name]["value"]) == n
    assert {"devfun_theta_hat", "devfun0_theta_start", "u", "mu", "RX", "vcov_RX",
            "devcomp_cmp"} <= set(ref["deterministic"])
    optimizer = set(ref["optimizer"])
    assert {"objective", "deviance", "vcov", "se", "predict_link", "predict_response",
            *(f"residuals_{t}" for t in ("deviance", "pearson", "working", "response"))} <= optimizer
    assert ({"theta_stage1", "beta_stage1", "objective_stage1", "feval_stage1"} <= optimizer) \
        == (case.nAGQ > 0)
    assert ref["print"]["summary"]["value"][0].startswith("Generalized linear mixed model")
    assert envelope(case_id).measured


@pytest.mark.parametrize("case_id", GLMM)
def test_every_quantity_is_compared(case_id):
    compared = [r for r in results(case_id) if not r.skipped]
    assert len(compared) == len(results(case_id)) and len(compared) >= 70
    by_name = {r.quantity: r for r in compared}
    devfun = by_name["deterministic.devfun_theta_hat"]
    assert devfun.tier == "deterministic" and devfun.max_rel_err <= 1e-10, devfun.detail


def test_stage1_count_is_judged_by_lme4s_spread():
    case_id = "cbpp_probit_ml"  # lme4's own stage 1: 17 or 18 evaluations
    reference = load_reference(case_id)
    py = _fit(case_id)
    low, high = envelope(case_id).feval_range(reference["optimizer"]["feval_stage1"]["value"],
                                              "optimizer.feval_stage1")
    for count, passes in ((low, True), (high, True), (high + 1, False), (low - 1, False)):
        moved = copy.deepcopy(py)
        moved.groups["optimizer"]["feval_stage1"]["value"] = count
        verdict = _verdicts(case_id, reference, moved)["optimizer.feval_stage1"]
        assert verdict.passed is passes, verdict.detail


def test_quoted_gradient_is_judged_by_lme4s_spread():
    case_id = "contraception_binomial_ml"  # lme4 quotes other max|grad| on other row orders
    reference = load_reference(case_id)
    py = _fit(case_id)
    text = "Model failed to converge with max|grad| = {} (tol = 0.002, component 1)"
    for value, passes in (("0.00253327", True), ("0.00677722", True), ("0.9", False)):
        moved = copy.deepcopy(py)
        hessian = [m for m in moved.fit["warnings"] if "max|grad|" not in m]
        moved.fit["warnings"][:] = [text.format(value)] + hessian
        moved.groups["optimizer"]["conv_lme4_messages"]["value"] = [text.format(value)] + hessian
        verdicts = _verdicts(case_id, reference, moved)
        for quantity in ("fit.warnings", "optimizer.conv_lme4_messages"):
            assert verdicts[quantity].passed is passes, verdicts[quantity].detail
    worded = copy.deepcopy(py)
    worded.fit["warnings"][0] = worded.fit["warnings"][0].replace("converge", "convergence")
    assert not _verdicts(case_id, reference, worded)["fit.warnings"].passed


def test_a_shifted_deviance_fails_the_deterministic_tier(monkeypatch):
    """lme4's Laplace deviance plus 1e-6 (the family's aic term): the deviance at lme4's
    parameters is then off by ~5e-9 relative, far above the tier's 1e-10."""
    aic = pylme.glmm.pirls.Response.aic
    monkeypatch.setattr(pylme.glmm.pirls.Response, "aic", lambda self, mu, dev: aic(self, mu, dev) + 1e-6)
    case_id = "cbpp_binomial_agq0_ml"
    failing = {r.quantity for r in fit_and_compare(get_case(case_id), load_reference(case_id))
               if not r.passed}
    assert {"deterministic.devfun_theta_hat", "deterministic.devfun0_theta_start",
            "deterministic.devcomp_cmp"} <= failing


def test_gamma_data_are_shipped_exactly():
    assert check_local_data(GAMMA_SIM)
    data = load_local_data(GAMMA_SIM)
    assert data.shape == (400, 3) and list(data["g"].cat.categories) == [str(i) for i in range(1, 41)]
    assert np.isfinite(data[["y", "x"]].to_numpy()).all()


def test_family_and_control_texts_are_translated():
    probit = family_from_r('binomial(link = "probit")')
    assert (probit.family, probit.link.name) == ("binomial", "probit")
    gamma = family_from_r('Gamma(link = "log")')
    assert (gamma.family, gamma.link.name) == ("Gamma", "log")
    assert family_from_r("poisson").family == "poisson"
    assert glmer_control_from_r("") is None
    assert glmer_control_from_r("optimizer = 'bobyqa'").optimizer == ("bobyqa", "bobyqa")


def _fit(case_id: str):
    from conformance.py_side import fit_case

    return fit_case(get_case(case_id), load_reference(case_id))


def _verdicts(case_id: str, reference: dict, py) -> dict:
    return {r.quantity: r for r in compare_case(case_id, reference, py)}
