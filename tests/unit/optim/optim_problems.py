"""The deterministic test problems of ``tests/data/optim/make_optim_reference.R`` and its results.

Each objective does exactly the R function's arithmetic in the same order (only ``+``,
``-``, ``*`` and ``/`` on doubles), so its values are bit-identical to R's on every
machine and an optimizer's path can be compared evaluation by evaluation.
"""

from __future__ import annotations

import json
import math
import pathlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

REFERENCE = pathlib.Path(__file__).resolve().parents[2] / "data" / "optim" / "optim_reference.json"
INF = math.inf


@dataclass(frozen=True)
class Problem:
    """One test problem: objective, start and lower bounds (upper bounds are +Inf)."""

    fn: Callable[[np.ndarray], float]
    start: tuple[float, ...]
    lower: tuple[float, ...]


def _quad1(x):
    a = x[0] - 0.3
    return 4 * a * a + 1


def _bound1(x):
    a = x[0] + 0.5
    return a * a


def _quad2(x):
    a, b = x[0] - 0.5, x[1] - 3
    return 100 * a * a + 0.01 * b * b + 0.5 * a * b


def _rosen2(x):
    a, b = 1 - x[0], x[1] - x[0] * x[0]
    return a * a + 100 * b * b


def _bound2(x):
    a, b = x[0] + 0.2, x[1] - x[0] - 1
    return a * a + 2 * b * b + 0.3 * a * b


def _flat2(x):
    a, b = x[0] - 0.5, x[1] - 0.2
    return a * a * (a * a) + b * b * (b * b) + 1


def _quad3(x):
    a, b, c = x[0] - 0.7, x[1] + 0.4, x[2] - 0.2
    return a * a + 2 * b * b + 3 * c * c + a * b + 0.5 * b * c + 10


def _bound3(x):
    a, b, c = x[0] - 0.5, x[1] - 0.3, x[2] + 0.4
    return a * a + b * b + c * c + 0.8 * a * c


def _quad5(x):
    a, b, c, d, e = x[0] - 1.3, x[1] + 0.25, x[2] - 2, x[3] - 0.05, x[4] + 0.1
    return (a * a + 10 * b * b + 0.1 * c * c + 5 * d * d + e * e
            + 0.3 * a * b + 0.2 * c * d + 0.1 * a * e)


def _rosen5(x):
    f = 0.0
    for i in range(4):
        a, b = 1 - x[i], x[i + 1] - x[i] * x[i]
        f = f + 100 * b * b + a * a
    return f


def _const2(x):
    return 1.0


def _nan2(x):
    if x[0] > 1.1:
        return math.nan
    a, b = x[0] - 2, x[1] - 0.5
    return a * a + b * b


def _step2(x):
    return float(math.floor(10 * (x[0] * x[0] + x[1] * x[1])))


def _abs2(x):
    return abs(x[0] - 0.3) + 2 * abs(x[1] + 0.1)


def _noisy2(x):
    a, b, z = x[0] - 0.5, x[1] - 0.25, x[0] * 1e4 + x[1] * 7e3
    return a * a + b * b + 1e-3 * (z - math.floor(z))


def _abs3(x):
    return abs(x[0]) + abs(x[1] - 1) + abs(x[2] + 2) + 0.01 * x[0] * x[1]


def _max3(x):
    return max(abs(x[0] - 1), abs(x[1]), abs(x[2] + 0.5))


def _edge2(x):
    a, b = x[0] + 1e-4, x[1] - 0.5
    return a * a + b * b + 0.1 * a * b


def rescue_fn(x):
    """The objective of the RESCUE reference run (``rescue_fn`` in the R script)."""
    c0, c1, h21 = -0.50819871367212066, -0.9533936915894925, -0.87146749979961746
    s0, s1 = 0.17958197300767079, 3.264829610339913
    f = 0.0
    a = x[0] - c0
    f = f + s0 * a * a
    a = x[1] - c1
    f = f + s1 * a * a
    f = f + 0.6 / 2 * h21 * math.sqrt(s1 * s0) * a * (x[0] - c0)
    return f + abs(x[0] - c0 * 0.5) + abs(x[1] - c1 * 0.5)


def rescue_reference() -> dict:
    """minqa's points on :func:`rescue_fn` up to its first RESCUE evaluation."""
    return json.loads(REFERENCE.read_text())["rescue"]


PROBLEMS = {
    "quad1": Problem(_quad1, (1.0,), (-INF,)),
    "bound1": Problem(_bound1, (1.0,), (0.0,)),
    "quad2": Problem(_quad2, (1.0, 1.0), (-INF, -INF)),
    "rosen2": Problem(_rosen2, (-1.2, 1.0), (-INF, -INF)),
    "bound2": Problem(_bound2, (1.0, 0.0), (0.0, -INF)),
    "flat2": Problem(_flat2, (1.0, 1.0), (-INF, -INF)),
    "quad3": Problem(_quad3, (1.0, 0.0, 1.0), (0.0, -INF, 0.0)),
    "bound3": Problem(_bound3, (1.0, 0.0, 1.0), (0.0, -INF, 0.0)),
    "quad5": Problem(_quad5, (1.0, 0.0, 0.0, 1.0, 1.0), (0.0, -INF, -INF, 0.0, 0.0)),
    "rosen5": Problem(_rosen5, (0.5,) * 5, (-INF,) * 5),
    "const2": Problem(_const2, (1.0, 1.0), (-INF, -INF)),
    "nan2": Problem(_nan2, (1.0, 1.0), (-INF, -INF)),
    "step2": Problem(_step2, (1.0, 1.0), (-INF, -INF)),
    "abs2": Problem(_abs2, (1.0, 1.0), (-INF, -INF)),
    "noisy2": Problem(_noisy2, (1.0, 1.0), (-INF, -INF)),
    "abs3": Problem(_abs3, (1.0, 1.0, 1.0), (0.0, -INF, -INF)),
    "max3": Problem(_max3, (0.3, 0.3, 0.3), (-INF, -INF, -INF)),
    "edge2": Problem(_edge2, (1.0, 1.0), (0.0, -INF)),
}


def vector(value) -> np.ndarray:
    """A JSON value of the reference file as a float vector (R's length-1 vectors are unboxed)."""
    items = value if isinstance(value, list) else [value]
    return np.array([float(v) for v in items], dtype=float)


def reference_runs(optimizer: str) -> list[dict]:
    """The frozen R runs of one optimizer (``"bobyqa"`` or ``"Nelder_Mead"``)."""
    runs = json.loads(REFERENCE.read_text())["runs"]
    out = []
    for run in runs:
        if run["optimizer"] != optimizer:
            continue
        run = dict(run)
        run["control"] = run["control"] if isinstance(run["control"], dict) else {}
        run["calls"] = vector(run["calls"]) if run["calls"] else np.array([])
        run["warnings"] = run["warnings"] if isinstance(run["warnings"], list) else [run["warnings"]]
        out.append(run)
    return out


def run_id(run: dict) -> str:
    """A readable pytest id: problem plus control settings."""
    settings = ",".join(f"{k}={v}" for k, v in run["control"].items())
    return run["problem"] + (f"[{settings}]" if settings else "")


def printed_outputs(optimizer: str) -> list[dict]:
    """R's printed output of the optimizer with its printing on (``capture.output``)."""
    entries = json.loads(REFERENCE.read_text()).get("printed", [])
    out = []
    for entry in entries:
        if entry["optimizer"] == optimizer:
            entry = dict(entry)
            entry["output"] = entry["output"] if isinstance(entry["output"], list) else [entry["output"]]
            out.append(entry)
    return out
