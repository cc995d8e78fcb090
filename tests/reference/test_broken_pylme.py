"""The harness must notice a broken pylme: stored and live comparisons both fail.

Two deliberate breaks, through clean hooks of ``pylme/deviance.py``:

* the constant ``log(2π)`` of the profiled criterion is nudged by 1e-3
  (``_LOG_2PI``): the criterion shifts by a constant, θ does not move, so
  only the deterministic and likelihood quantities may fail;
* the REML criterion uses ``n`` where it needs ``n − p``
  (``DevianceProblem._criterion``): the REML estimates themselves move.

Each failure must name the case and the quantity.
"""

from __future__ import annotations

import numpy as np
import pytest

import pylme.deviance
from conformance.__main__ import main
from conformance.cases import get_case
from conformance.compare import fit_and_compare
from conformance.regen import load_reference
from conformance.report import CaseRun, console_report

CASE = "sleepstudy_slope_reml"


@pytest.fixture
def wrong_constant(monkeypatch):
    monkeypatch.setattr(pylme.deviance, "_LOG_2PI", pylme.deviance._LOG_2PI + 1e-3)


def _wrong_reml_criterion():
    """lme4's criterion with the REML bug: ``n`` where ``n − p`` belongs (ML is unchanged)."""
    def criterion(self, ldL2, ldRX2, pwrss):
        if not pwrss > self._tiny:
            return -np.inf
        n = self._n
        return float(ldL2 + (ldRX2 if self._reml else 0.0)
                     + n * (1.0 + np.log(2 * np.pi * pwrss) - np.log(n)) - self._ldW)
    return criterion


@pytest.fixture
def wrong_reml(monkeypatch):
    monkeypatch.setattr(pylme.deviance.DevianceProblem, "_criterion", _wrong_reml_criterion())


def _failing(results) -> dict[str, object]:
    return {r.quantity: r for r in results if not r.passed}


def _check_named(failing: dict, case_id: str) -> None:
    for quantity, result in failing.items():
        assert result.case_id == case_id and result.quantity == quantity
        assert "R " in result.detail and "pylme" in result.detail


def test_stored_comparison_catches_a_wrong_constant(wrong_constant):
    failing = _failing(fit_and_compare(get_case(CASE), load_reference(CASE)))
    assert {"deterministic.devfun_theta_hat", "deterministic.devfun_theta_start",
            "optimizer.objective", "optimizer.logLik", "optimizer.AIC",
            "print.summary"} <= set(failing)
    assert "optimizer.theta" not in failing  # a constant shift leaves the optimum alone
    assert "pylme worse than lme4" in failing["optimizer.objective"].detail
    _check_named(failing, CASE)


def test_stored_comparison_catches_a_wrong_reml_criterion(wrong_reml):
    failing = _failing(fit_and_compare(get_case(CASE), load_reference(CASE)))
    assert {"deterministic.devfun_theta_hat", "optimizer.objective", "optimizer.theta",
            "optimizer.sigma", "optimizer.VarCorr"} <= set(failing)
    assert "Subject.(Intercept)" in failing["optimizer.theta"].detail
    _check_named(failing, CASE)
    ml_case = "sleepstudy_slope_ml"  # ML is untouched by this break
    assert not _failing(fit_and_compare(get_case(ml_case), load_reference(ml_case))).keys() - {
        "structure.term_order"}


def test_report_and_exit_status_name_the_failure(wrong_constant, capsys):
    results = tuple(fit_and_compare(get_case(CASE), load_reference(CASE)))
    text = console_report([CaseRun(CASE, "fast", results)])
    assert f"fail   {CASE}" in text and "optimizer.objective" in text
    assert main(["run", "--stored-only", "--case", CASE, "--html", "-"]) == 1
    assert "optimizer.objective" in capsys.readouterr().out


def test_unbroken_run_exits_zero(capsys):
    assert main(["run", "--stored-only", "--case", CASE, "--html", "-"]) == 0


@pytest.mark.needs_r
def test_live_comparison_catches_both_breaks(r_session, monkeypatch):
    from conformance.r_side import fit_case

    live = fit_case(r_session, get_case(CASE))
    with monkeypatch.context() as patch:
        patch.setattr(pylme.deviance, "_LOG_2PI", pylme.deviance._LOG_2PI + 1e-3)
        failing = _failing(fit_and_compare(get_case(CASE), live))
    assert {"deterministic.devfun_theta_hat", "optimizer.objective"} <= set(failing)
    _check_named(failing, CASE)
    with monkeypatch.context() as patch:
        patch.setattr(pylme.deviance.DevianceProblem, "_criterion",
                      _wrong_reml_criterion())
        failing = _failing(fit_and_compare(get_case(CASE), live))
    assert {"optimizer.objective", "optimizer.theta"} <= set(failing)
    _check_named(failing, CASE)

