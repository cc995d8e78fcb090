"""R drift is reported as drift, never as a failure (no R needed: live R is simulated).

A machine whose R no longer reproduces the stored references (seen: InstEval's θ̂ moving
by ~2e-7 relative and its evaluation count going from 33 to 31 on another CPU) must get
``python -m conformance run`` exit 0 when pylme agrees with both, with a report that names
the drifted quantities and their size; pylme is still judged against live R and against
the stored file separately, so a broken pylme still fails.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest

import conformance.r_side
import conformance.run
import pylme.deviance
from conformance.__main__ import main
from conformance.regen import load_reference

CASE = "sleepstudy_slope_reml"


class _FakeR:
    """Answers the one question the report asks R directly: its BLAS and LAPACK."""

    def get(self, code: str, env=None):
        names = ("blas", "lapack", "lapack_version")
        values = ("libblas.so.3", "liblapack.so.3", "3.11.0")
        return SimpleNamespace(value=SimpleNamespace(attr_values=lambda _: names, values=values))


def _drifted(reference: dict) -> dict:
    """The stored record as R on a drifting machine gives it: one evaluation fewer, the
    fitted values moved in their 8th digit (above the drift tier's 1e-8, far inside the
    optimizer tier). θ̂ stays, so what pylme evaluates at R's θ̂ is unchanged."""
    live = copy.deepcopy(reference)
    live["optimizer"]["feval"]["value"] -= 1
    fitted = live["optimizer"]["fitted"]
    fitted["value"] = [v * (1 + 5e-8) for v in fitted["value"]]
    return live


@pytest.fixture
def drifting_r(monkeypatch):
    """A live R session whose fits are the stored records, drifted."""
    monkeypatch.setattr(conformance.run, "_live_session", _FakeR)
    monkeypatch.setattr(conformance.r_side, "fit_case",
                        lambda session, case, *a, **k: _drifted(load_reference(case.id)))


def _run(capsys) -> tuple[int, str]:
    status = main(["run", "--case", CASE, "--html", "-", "--generated", "0", "--generated-glmm", "0",
                   "--no-inference"])
    return status, capsys.readouterr().out


def test_drift_alone_does_not_fail_the_run(drifting_r, capsys):
    status, out = _run(capsys)
    assert status == 0, out
    assert "== R drift: live R on this machine vs the stored references" in out
    drift = out.split("== R drift", 1)[1]
    assert "optimizer.fitted" in drift and "optimizer.feval" in drift
    assert "5.00e-08" in drift  # the size of the move
    assert "DRIFT" in out  # the per-case column says so
    assert "this machine:" in out and "stored reference machine:" in out


def test_a_broken_pylme_still_fails_against_both(drifting_r, capsys, monkeypatch):
    monkeypatch.setattr(pylme.deviance, "_LOG_2PI", pylme.deviance._LOG_2PI + 1e-3)
    status, out = _run(capsys)
    assert status == 1
    assert "fail   " + CASE in out


def test_no_drift_says_so(monkeypatch, capsys):
    monkeypatch.setattr(conformance.run, "_live_session", _FakeR)
    monkeypatch.setattr(conformance.r_side, "fit_case",
                        lambda session, case, *a, **k: load_reference(case.id))
    status, out = _run(capsys)
    assert status == 0
    assert "none: live R reproduces all" in out
