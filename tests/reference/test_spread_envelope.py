"""lme4's own spread (``r_reference/spread.json``) decides path-dependent verdicts, and only
those: each rule passes inside lme4's envelope and fails outside it.

The envelope is what makes the verdict the same on every CPU and BLAS kernel (the kernel
matrix, ``scripts/kernel_matrix.sh``, runs the suite under several); these tests pin what
it allows, so that it can never quietly swallow a real difference.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from conformance.cases import CASES, get_case
from conformance.compare import compare_case
from conformance.py_side import fit_case
from conformance.regen import load_reference
from conformance.spread import FEVAL_SLACK, REACH, envelope, spread_meta
from conformance.tiers import Tolerance, numeric_text_close


def test_every_case_has_a_measured_envelope():
    missing = [c.id for c in CASES if not envelope(c.id).measured]
    assert not missing, f"run `python -m conformance spread --case ID` for {missing}"
    meta = spread_meta()
    assert meta["permutations"] == 8 and meta["versions"]["lme4"] == "1.1-31"
    assert meta["machine"]["r_blas"]["blas"]  # provenance: which BLAS R used


@pytest.mark.parametrize(("case_id", "low", "high"), [
    ("sleepstudy_slope_reml", 0.0, 1e-7),           # reproducible: θ moves by ~5e-11
    ("penicillin_reml", 0.0, 1e-7),
    ("pastes_cask_batch_reml", 1e-3, 1e-1),         # flat ridges: lme4 itself moves far
    ("cake_temperature_slope_reml", 1e-4, 1e-2),
    ("sleepstudy_poly_reml", 1e-4, 1e-1),
])
def test_envelopes_are_lme4s_measured_reach(case_id, low, high):
    assert low <= envelope(case_id).extra_atol("optimizer.theta") <= high


def test_feval_range_is_lme4s_own_widened_by_its_width():
    env = envelope("cake_temp_ml")  # lme4: 15 with the rows in order, 14 on every permutation
    assert set(env.feval) == {14, 15}
    assert env.feval_range(15) == (14 - FEVAL_SLACK, 15 + FEVAL_SLACK)
    wide = envelope("cake_temperature_slope_reml")
    low, high = wide.feval_range(None)
    width = max(wide.feval) - min(wide.feval)
    assert (low, high) == (min(wide.feval) - width, max(wide.feval) + width)


@pytest.fixture(scope="module")
def sleepstudy():
    case = get_case("sleepstudy_slope_reml")
    reference = load_reference(case.id)
    return case, reference, fit_case(case, reference)


def _verdicts(reference, py):
    return {r.quantity: r for r in compare_case("sleepstudy_slope_reml", reference, py)}


def _moved(py, group, name, factor=None, add=None):
    out = copy.deepcopy(py)
    record = out.groups[group][name]
    value = record["value"]
    if factor is not None:
        record["value"] = (np.asarray(value, dtype=float) * factor).tolist()
    else:
        record["value"] = value + add
    return out


def test_a_count_outside_lme4s_range_fails(sleepstudy):
    _, reference, py = sleepstudy
    r = reference["optimizer"]["feval"]["value"]
    low, high = envelope("sleepstudy_slope_reml").feval_range(r)
    inside = _moved(py, "optimizer", "feval", add=high - py.groups["optimizer"]["feval"]["value"])
    assert _verdicts(reference, inside)["optimizer.feval"].passed
    outside = _moved(py, "optimizer", "feval", add=high + 1 - py.groups["optimizer"]["feval"]["value"])
    verdict = _verdicts(reference, outside)["optimizer.feval"]
    assert not verdict.passed and "lme4's own counts" in verdict.detail


def test_theta_outside_the_tier_fails_where_lme4_is_reproducible(sleepstudy):
    _, reference, py = sleepstudy
    # 1e-4 relative: 10x the optimizer tier, far beyond lme4's reach here (~1e-10)
    verdict = _verdicts(reference, _moved(py, "optimizer", "theta", factor=1 + 1e-4))
    assert not verdict["optimizer.theta"].passed


def test_reach_is_applied_and_bounded():
    env = envelope("pastes_cask_batch_reml")
    raw = float(np.max(env.abs_dev["theta"]))
    assert env.extra_atol("optimizer.theta") == pytest.approx(REACH * raw)
    assert env.extra_atol("optimizer.not_measured") == 0.0


@pytest.mark.parametrize(("r", "p", "rtol", "close"), [
    ("caskb       19.979   4.4697", "caskb       19.978   4.4697", 0.0, True),   # last digit
    ("caskb       19.979   4.4697", "caskb       19.977   4.4697", 0.0, False),  # two units
    ("x  94.52", "x  94.50", 0.0, False),                                        # 2 units
    ("x  94.52", "x   94.5", 0.0, False),        # another number of digits: formatting
    ("x  94.52", "x   94.5", 1e-3, True),        # allowed where lme4 itself moves by 1e-3
    ("Days  10.467", "Days 10.467", 0.0, False),  # spacing
    ("REML criterion at convergence: 1743.6", "REML criterion at convergence: 1743.7", 0.0, True),
    ("REML criterion at convergence: 1743.6", "REML criteria at convergence: 1743.6", 0.0, False),
    ("  9.99", "  10.0", 0.0, True),             # a carry of one unit in the same width
])
def test_printed_numbers_may_flip_their_last_digit_only(r, p, rtol, close):
    assert numeric_text_close(r, p, Tolerance(rtol=rtol)) is close


def test_a_flipped_digit_passes_flagged_and_a_changed_word_fails(sleepstudy):
    _, reference, py = sleepstudy
    lines = list(py.groups["print"]["summary"]["value"])
    i = next(k for k, line in enumerate(lines) if "REML criterion" in line)
    flipped = copy.deepcopy(py)
    flipped.groups["print"]["summary"]["value"] = (
        lines[:i] + [lines[i].replace("1743.6", "1743.7")] + lines[i + 1:])
    verdict = _verdicts(reference, flipped)["print.summary"]
    assert verdict.passed and verdict.flagged and "printed digits" in verdict.detail
    worded = copy.deepcopy(py)
    worded.groups["print"]["summary"]["value"] = (
        lines[:i] + [lines[i].replace("criterion", "criteria")] + lines[i + 1:])
    assert not _verdicts(reference, worded)["print.summary"].passed
