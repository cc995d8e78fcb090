"""pylme against live R (lme4 1.1-31) on the fast tier, and live R against the stored files.

Two separate questions, two separate tests per case:

* ``test_pylme_matches_live_lme4`` -- pylme's differences (tolerance tiers of
  ``conformance.tiers``; recorded discrepancies excluded, as in
  ``tests/reference``);
* ``test_toolchain_drift_is_reported_not_failed`` -- does today's R still produce
  ``r_reference/cases/<id>.json``? (tier ``drift``; a difference is about R, lme4, the
  CPU or the BLAS, not pylme: it is reported as a warning, never failed, unless the R or
  lme4 version itself differs; see ``r_reference/README.md``).
"""

from __future__ import annotations

import warnings

import pytest

from conformance.cases import FAST, select
from conformance.compare import QuantityResult, compare_references, fit_and_compare
from conformance.regen import load_reference
from conformance.tiers import known_discrepancy

pytestmark = pytest.mark.needs_r

FAST_CASES = [c.id for c in select(tiers=(FAST,))]
_LIVE: dict[str, dict] = {}


@pytest.fixture
def live(r_session):
    """The live R record of a case, computed once per session."""
    from conformance.cases import get_case
    from conformance.r_side import fit_case

    def get(case_id: str) -> dict:
        if case_id not in _LIVE:
            _LIVE[case_id] = fit_case(r_session, get_case(case_id))
        return _LIVE[case_id]

    return get


def _describe(r: QuantityResult) -> str:
    return (f"{r.case_id}: {r.quantity} [{r.tier}] max abs {r.max_abs_err:.3g}, "
            f"max rel {r.max_rel_err:.3g}: {r.detail}")


@pytest.mark.parametrize("case_id", FAST_CASES)
def test_pylme_matches_live_lme4(case_id: str, live):
    from conformance.cases import get_case

    results = fit_and_compare(get_case(case_id), live(case_id))
    failing = [r for r in results
               if not r.passed and known_discrepancy(r.case_id, r.quantity) is None]
    assert not failing, "pylme differs from live lme4:\n" + "\n".join(map(_describe, failing))


@pytest.mark.parametrize("case_id", FAST_CASES)
def test_toolchain_drift_is_reported_not_failed(case_id: str, live):
    """R drift is R's, not pylme's: it is reported (a warning naming the quantities and their
    size), and fails only when live R is not the R/lme4 that made the stored files."""
    results = compare_references(case_id, load_reference(case_id), live(case_id))
    versions = next(r for r in results if r.quantity == "versions")
    assert versions.passed, f"live R is not the toolchain of the stored files: {versions.detail}"
    drifted = [r for r in results if not r.passed]
    if drifted:
        warnings.warn("live R no longer reproduces the stored reference (toolchain drift, not "
                      "pylme; pylme is judged against both):\n"
                      + "\n".join(map(_describe, drifted)), UserWarning, stacklevel=1)


def test_live_record_has_the_stored_schema(live):
    """Same groups and quantity names live as stored: compare_case accepts both."""
    stored, fresh = load_reference("sleepstudy_slope_reml"), live("sleepstudy_slope_reml")
    for group in ("structure", "deterministic", "optimizer", "print", "extras"):
        assert set(stored[group]) == set(fresh[group]), group
    stored, fresh = load_reference("cbpp_binomial_ml"), live("cbpp_binomial_ml")
    for group in ("structure", "deterministic", "optimizer", "print", "extras", "devfun_inputs",
                  "lrt"):
        assert set(stored[group]) == set(fresh[group]), group
