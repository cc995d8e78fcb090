"""Generated designs against live R (lme4 1.1-31): pylme must agree on all of them.

``run_generated`` draws 200 designs with a fixed seed (2000 with
``PYLME_GENERATED_PROFILE=long``), fits each in R and in pylme and compares
every quantity under the tiers and the generated-design policy
(``conformance.generated_policy``). A failure is shrunk to a minimal design
whose case directory goes to ``PYLME_GENERATED_OUT`` (default: a temporary
directory, printed in the assertion message).

Skipped, with the install hint, when R or rpy2 is missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import find, settings

from conformance.generated import (DEFAULT_OUT, DEFAULT_SEED, KNOWN_GENERATED, compare_design,
                                   failing, load_design, profile_size, run_generated,
                                   write_case_dir)
from conformance.generated_cases import r_data_expr, trimmed
from conformance.r_session import R_UNAVAILABLE_HINT, r_available
from conformance.strategies import DEFAULT_EXCLUDED, FEATURES, designs

R_OK, _REASON = r_available()
pytestmark = [pytest.mark.needs_r, pytest.mark.skipif(not R_OK, reason=R_UNAVAILABLE_HINT)]

MIN_DESIGNS = 200
RECORDED = sorted(p for p in DEFAULT_OUT.glob("*/design.json")) if DEFAULT_OUT.is_dir() else []


@pytest.fixture(scope="module")
def session():
    from conformance.r_session import RSession

    return RSession()


@pytest.fixture(scope="module")
def run(session, tmp_path_factory):
    out = os.environ.get("PYLME_GENERATED_OUT") or tmp_path_factory.mktemp("generated")
    return run_generated(profile_size(MIN_DESIGNS), DEFAULT_SEED, session, out_dir=Path(out))


def test_generated_designs_match_lme4(run):
    assert len(run.designs) >= profile_size(MIN_DESIGNS), run.summary()
    assert not run.failed, run.summary()


def test_every_feature_is_exercised(run):
    missing = set(FEATURES) - DEFAULT_EXCLUDED - set(run.features)
    assert not missing, f"features never generated: {sorted(missing)}\n{run.summary()}"


def test_invalid_designs_fail_alike_in_r_and_pylme(run):
    errors = [r for r in run if r.quantity == "fit.error"]
    assert errors, "no generated design was rejected by lme4"
    assert all(r.passed for r in errors), [r.detail for r in errors if not r.passed]


def test_run_is_fast_enough(run):
    per_design = run.seconds["total"] / max(1, len(run.designs))
    assert per_design < 1.0, run.summary()  # 200 designs well under the 3-minute budget


def test_case_directory_round_trips_exactly(session, tmp_path):
    """CSV written as %.17g: Python reads the same frame, R's read.csv the same doubles."""
    design = find(designs(exclude=DEFAULT_EXCLUDED | {"invalid"}),
                  lambda d: {"missing", "weights"} <= set(d.features) and len(d.factors) >= 2,
                  settings=settings(database=None, derandomize=True, max_examples=2000))
    path = write_case_dir(design, tmp_path / "case")
    back = load_design(path)
    assert back.digest == trimmed(design).digest
    env = session.new_env()
    session.assign_frame("sent", back.frame, env)
    code = f"identical(sent, {r_data_expr(back, (path / 'data.csv').as_posix())})"
    assert session.get(code, env).value.values[0] is True


@pytest.mark.parametrize("design_json", RECORDED, ids=[p.parent.name for p in RECORDED])
def test_recorded_discrepancies_still_reproduce(session, design_json):
    """Each case directory under r_reference/generated documents a real discrepancy.

    Once pylme is fixed this fails on purpose: then re-enable the feature in
    ``strategies.DEFAULT_EXCLUDED`` (or drop the ``KNOWN_GENERATED`` entry)
    and delete the directory.
    """
    recorded = json.loads(design_json.read_text())
    expected = {f["quantity"] for f in recorded["failing"]}
    results = compare_design(load_design(design_json.parent), session)
    still = {r.quantity for r in results if not r.passed}
    assert expected & still, (f"{design_json.parent.name} no longer fails on {sorted(expected)}: "
                              "pylme was fixed, remove its exclusion / KNOWN_GENERATED entry")
    assert set(failing(results)) <= expected | set(KNOWN_GENERATED), sorted(failing(results))
