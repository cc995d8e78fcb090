"""pylme's BOBYQA port against Powell's own Fortran on 302 seeded random problems.

The reference (tests/data/optim/powell_reference.json) is Powell's BOBYQA Fortran as
shipped in pdfo 2.1.0.  It differs from minqa 1.2.5 only where minqa changed Powell's
code: ALTMOV snaps its line-search point onto the limiting bound (minqa resets the index
first, so never does), and RESCUE evaluates Powell's point (minqa an undefined one).  The
port is therefore run with Powell's ALTMOV rule (``snap=True``) here; every value the
objective returned, in order, the count and the end point must be the Fortran's.
"""

from __future__ import annotations

import json
import pathlib

from powell_problems import calls_digest, make
from pylme.optim import _powell

REFERENCE = json.loads((pathlib.Path(__file__).resolve().parents[2] / "data" / "optim"
                        / "powell_reference.json").read_text())["runs"]


def _run(seed: int, snap: bool):
    fn, x0, lower, upper, npt, rhobeg, rhoend, maxfun = make(seed)
    calls = []

    def traced(x):
        value = fn(x)
        calls.append(value)
        return value

    x, _, nf, _ = _powell.run(list(x0), lower, upper, npt, rhobeg, rhoend, maxfun, traced, snap=snap)
    return x, nf, calls


def test_reference_includes_runs_through_rescue():
    assert {"798", "4577"} <= set(REFERENCE) and len(REFERENCE) == 302


def test_every_seed_follows_powells_fortran():
    wrong = []
    for seed, ref in REFERENCE.items():
        x, nf, calls = _run(int(seed), snap=True)
        if (len(calls), calls_digest(calls), [v.hex() for v in x]) != (ref["nf"], ref["calls_sha256"], ref["x"]):
            wrong.append(seed)
    assert not wrong, f"paths differ from Powell's Fortran for seeds {wrong}"
