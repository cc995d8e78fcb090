"""Freeze Powell's own BOBYQA Fortran on the seeded problems of tests/unit/optim/powell_problems.py.

Writes tests/data/optim/powell_reference.json.  Needs PyPI's ``pdfo`` 2.1.0, whose wheels
import only under NumPy 1 (hence not in pylme's environment)::

    python -m venv /tmp/pdfo && /tmp/pdfo/bin/pip install "numpy<2" pdfo==2.1.0
    /tmp/pdfo/bin/python tests/data/optim/make_powell_reference.py

It calls pdfo's private ``fbobyqa_classical.mbobyqa`` (Powell's Fortran BOBYQA, the code
minqa compiles, less minqa's two changes: ALTMOV's reset of IBDSAV and RESCUE's
undefined evaluation point) directly, so that none of pdfo's preprocessing (start
projection, rhobeg revision, scaling) is applied.
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pdfo
from pdfo import fbobyqa_classical

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "unit" / "optim"))
from powell_problems import calls_digest, make  # noqa: E402

#: 0..299, plus two seeds whose runs go through RESCUE
SEEDS = list(range(300)) + [798, 4577]


def main() -> None:
    out = {}
    for seed in SEEDS:
        fn, x0, lower, upper, npt, rhobeg, rhoend, maxfun = make(seed)
        calls = []

        def f(x):
            value = fn([float(v) for v in x])
            calls.append(value)
            return value

        x, _, info, *_ = fbobyqa_classical.mbobyqa(npt, np.array(x0), np.array(lower), np.array(upper),
                                                   rhobeg, rhoend, 0, maxfun, -np.inf, f)
        out[str(seed)] = {"nf": len(calls), "x": [float(v).hex() for v in x], "calls_sha256": calls_digest(calls),
                          "pdfo_info": int(info)}
    header = {"produced_by": "python tests/data/optim/make_powell_reference.py",
              "pdfo": pdfo.__version__, "numpy": np.__version__,
              "routine": "pdfo.fbobyqa_classical.mbobyqa(npt, x0, lower, upper, rhobeg, rhoend, 0, maxfun, -inf, fn)",
              "note": "x as float.hex; calls_sha256 = sha256 of the objective values in order (float.hex, ',')"}
    (HERE / "powell_reference.json").write_text(json.dumps({"header": header, "runs": out}, indent=0))


if __name__ == "__main__":
    main()
