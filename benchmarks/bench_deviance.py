"""Per-evaluation cost of ``DevianceProblem.objective`` (the optimizer's fast path).

Two ways to run it:

* plain script:   ``.venv/bin/python benchmarks/bench_deviance.py [--repeat 50]``
  prints construction time and the median / min per-evaluation time per model;
* pytest-benchmark: ``.venv/bin/python -m pytest benchmarks/bench_deviance.py``.

Models: sleepstudy ``Reaction ~ Days + (Days|Subject)``, Penicillin
``diameter ~ 1 + (1|plate) + (1|sample)``, Pastes ``strength ~ 1 + (1|batch/cask)``
(inputs in tests/data/deviance, exported from lme4), and InstEval
``y ~ service*dept + (1|s) + (1|d)`` (n = 73,421, p = 28) when
``/tmp/pylme_insteval/insteval.csv`` exists (``Rscript tests/data/deviance/make_insteval.R``).
Every model is evaluated at lme4's optimum.  Reference point (perf.md): lme4 1.1-31
spends ~150 ms per InstEval evaluation on the 2-core research box.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pylme.deviance import TermData, make_deviance  # noqa: E402

DATA = ROOT / "tests" / "data" / "deviance"
INSTEVAL = Path("/tmp/pylme_insteval/insteval.csv")
SMALL = {"sleepstudy": "sleepstudy_reml", "Penicillin": "penicillin_reml", "Pastes": "pastes_reml"}


def small_case(name: str):
    """(problem builder, θ̂) of an exported lme4 case."""
    frame = pd.read_csv(DATA / f"{name}.csv")
    ref = json.loads((DATA / f"{name}.json").read_text())
    X = frame[[c for c in frame.columns if c.startswith("X_")]].to_numpy(float)
    terms = [TermData(frame[f"g{t}"].to_numpy(), frame[[f"z{t}_{c}" for c in range(1, tm["p"] + 1)]].to_numpy(float),
                      tm["nlevels"]) for t, tm in enumerate(ref["terms"], start=1)]
    y, w, o = (frame[c].to_numpy(float) for c in ("y", "w", "o"))
    theta = np.atleast_1d(np.array(ref["solution"]["theta"], float))
    return (lambda: make_deviance(terms, X, y, w, o, True)), theta


def insteval_case():
    """(problem builder, θ̂) of InstEval, or None when the exported data are absent."""
    if not INSTEVAL.exists():
        return None
    frame = pd.read_csv(INSTEVAL)
    ref = json.loads((DATA / "insteval.json").read_text())
    n = len(frame)
    X = frame.iloc[:, 3:].to_numpy(float)
    terms = [TermData(frame["s"].to_numpy(), np.ones((n, 1)), ref["nlevels"][0]),
             TermData(frame["d"].to_numpy(), np.ones((n, 1)), ref["nlevels"][1])]
    y = frame["y"].to_numpy(float)
    theta = np.array(ref["theta_hat"], float)
    return (lambda: make_deviance(terms, X, y, None, None, True)), theta


def cases() -> dict:
    out = {label: small_case(name) for label, name in SMALL.items()}
    inst = insteval_case()
    if inst is not None:
        out["InstEval"] = inst
    return out


def time_case(build, theta, repeat: int) -> dict:
    t0 = time.perf_counter()
    prob = build()
    built = time.perf_counter() - t0
    prob.objective(theta)  # warm-up (thread pools, caches)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        prob.objective(theta)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    prob.evaluate(theta)
    evaluate = time.perf_counter() - t
    return dict(build_s=built, median_ms=1e3 * statistics.median(times), min_ms=1e3 * min(times),
                evaluate_ms=1e3 * evaluate, method=prob.method, n=prob.n, q=prob.q)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    if not INSTEVAL.exists():
        print(f"(InstEval skipped: {INSTEVAL} absent; run Rscript tests/data/deviance/make_insteval.R)")
    header = f"{'model':<11}{'n':>7}{'q':>6} {'back-end':<8}{'build':>9}{'median/eval':>13}{'min/eval':>11}"
    print(header + f"{'evaluate':>10}")
    for label, (build, theta) in cases().items():
        r = time_case(build, theta, args.repeat)
        print(f"{label:<11}{r['n']:>7}{r['q']:>6} {r['method']:<8}{r['build_s'] * 1e3:>7.1f}ms"
              f"{r['median_ms']:>11.3f}ms{r['min_ms']:>9.3f}ms{r['evaluate_ms']:>8.1f}ms")


# ------------------------------------------------------------------ pytest-benchmark
def _bench(benchmark, label):
    found = cases().get(label)
    if found is None:
        import pytest

        pytest.skip(f"{INSTEVAL} absent (run Rscript tests/data/deviance/make_insteval.R)")
    build, theta = found
    prob = build()
    benchmark(prob.objective, theta)


def test_bench_sleepstudy(benchmark):
    _bench(benchmark, "sleepstudy")


def test_bench_penicillin(benchmark):
    _bench(benchmark, "Penicillin")


def test_bench_pastes(benchmark):
    _bench(benchmark, "Pastes")


def test_bench_insteval(benchmark):
    _bench(benchmark, "InstEval")


if __name__ == "__main__":
    main()
