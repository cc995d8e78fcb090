"""Cost of the GLM family computations PIRLS calls, per call on VerbAgg's 7584 rows.

Run: ``.venv/bin/python benchmarks/bench_families.py [--repeat 200] [--fit 3] [--cold]``.

Printed:

* CPU µs per call of the public methods PIRLS uses on every iteration (``Family.aic``,
  ``Family.dev_resids``, ``Family.variance``, ``Link.linkinv``, ``Link.mu_eta``) for the
  binomial family with the logit link (and, for comparison, probit, cloglog, Poisson,
  Gamma and inverse Gaussian) on 7584 rows shaped like VerbAgg's Bernoulli response: the
  minimum over ``--repeat`` timed batches (on a shared box the minimum estimates the cost);
* ``--fit N``: CPU and elapsed seconds for the whole
  ``pylme.glmer("r2 ~ (Anger + Gender + btype + situ) + (1|id) + (1|item)", VerbAgg,
  family="binomial")`` (median and minimum of N fits after one warm-up fit; lme4 1.1-31
  takes 2.646 s CPU on the 2-core reference box, glmer_spec.md §8.1);
* ``--cold``: in fresh interpreters, the seconds of ``import pylme`` and of the first
  calls of the family methods, twice: with an empty kernel cache (``NUMBA_CACHE_DIR`` set to
  a new temporary folder: every kernel compiles, as after a fresh clone or an edit of a
  kernel module) and again with the cache that run left (what every later process pays).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pylme  # noqa: E402
from pylme.families import Gamma, binomial, inverse_gaussian, poisson  # noqa: E402

N = 7584  # VerbAgg rows

_COLD = """
import time, sys
t0 = time.perf_counter()
import numpy as np
import pylme
from pylme.families import binomial, poisson, Gamma
t1 = time.perf_counter()
rng = np.random.default_rng(1)
eta = rng.normal(0, 1.5, 7584); y = (rng.random(7584) < 0.5).astype(float); one = np.ones(7584)
fam = binomial()
mu = fam.link.linkinv(eta); fam.link.mu_eta(eta); fam.variance(mu)
d = fam.dev_resids(y, mu, one); fam.aic(y, one, mu, one, float(d.sum()))
t2 = time.perf_counter()
p = poisson(); mu = p.link.linkinv(eta); p.aic(np.rint(mu * 3), one, mu, one, 1.0)
g = Gamma(link="log"); mu = g.link.linkinv(eta); g.aic(mu + 0.5, one, mu, one, 10.0)
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f}")
"""


def _inputs(rng: np.random.Generator):
    eta = rng.normal(0.0, 1.5, N)
    y = (rng.random(N) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    return eta, y, np.ones(N)


def _per_call_us(fun, repeat: int) -> float:
    """Minimum over ``repeat`` batches of the CPU µs one call takes (process time: the
    box is shared, and CPU time is also what lme4's anchor measures)."""
    fun()  # first call outside the timing (compilation / cache load)
    number = 20
    return min(timeit.repeat(fun, number=number, repeat=repeat, timer=time.process_time)) / number * 1e6


def bench_calls(repeat: int) -> list[tuple[str, float]]:
    rng = np.random.default_rng(20240531)
    eta, y, one = _inputs(rng)
    rows = []
    for label, fam in (("binomial/logit", binomial()), ("binomial/probit", binomial("probit")),
                       ("binomial/cloglog", binomial("cloglog"))):
        mu = fam.link.linkinv(eta)
        dev = float(np.sum(fam.dev_resids(y, mu, one)))
        rows += [
            (f"{label} aic", _per_call_us(lambda: fam.aic(y, one, mu, one, dev), repeat)),
            (f"{label} dev_resids", _per_call_us(lambda: fam.dev_resids(y, mu, one), repeat)),
            (f"{label} linkinv", _per_call_us(lambda: fam.link.linkinv(eta), repeat)),
            (f"{label} mu_eta", _per_call_us(lambda: fam.link.mu_eta(eta), repeat)),
            (f"{label} variance", _per_call_us(lambda: fam.variance(mu), repeat)),
        ]
    counts = rng.poisson(3.0, N).astype(float)
    pois = poisson()
    mu = pois.link.linkinv(eta * 0.3 + 1.0)
    rows.append(("poisson/log aic", _per_call_us(lambda: pois.aic(counts, one, mu, one, 1.0), repeat)))
    rows.append(("poisson/log dev_resids", _per_call_us(lambda: pois.dev_resids(counts, mu, one), repeat)))
    gam = Gamma(link="log")
    yg = rng.gamma(2.0, 1.0, N)
    mu = gam.link.linkinv(eta * 0.3)
    dev = float(np.sum(gam.dev_resids(yg, mu, one)))
    rows.append(("Gamma/log aic", _per_call_us(lambda: gam.aic(yg, one, mu, one, dev), repeat)))
    rows.append(("Gamma/log dev_resids", _per_call_us(lambda: gam.dev_resids(yg, mu, one), repeat)))
    ig = inverse_gaussian()
    mu = np.exp(eta * 0.2)
    rows.append(("inverse.gaussian/1/mu^2 dev_resids",
                 _per_call_us(lambda: ig.dev_resids(yg, mu, one), repeat)))
    return rows


def bench_fit(times: int) -> list[tuple[float, float]]:
    data = pylme.datasets.load("VerbAgg")
    formula = "r2 ~ (Anger + Gender + btype + situ) + (1|id) + (1|item)"
    pylme.glmer(formula, data, family="binomial")  # warm-up
    out = []
    for _ in range(times):
        t0, c0 = time.perf_counter(), time.process_time()
        fit = pylme.glmer(formula, data, family="binomial")
        out.append((time.perf_counter() - t0, time.process_time() - c0))
    print(f"  -2 logLik of the last fit: {fit.optimum.fval!r}")
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--fit", type=int, default=0, help="time N whole VerbAgg glmer fits")
    parser.add_argument("--cold", action="store_true", help="time the first calls in a fresh interpreter")
    args = parser.parse_args(argv)
    print(f"per call on {N} rows (CPU µs, min of {args.repeat} batches of 20):")
    for label, us in bench_calls(args.repeat):
        print(f"  {label:38s} {us:10.1f}")
    if args.cold:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            for label in ("empty kernel cache", "cached kernels"):
                out = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True,
                                     check=True, cwd=str(ROOT), env=env).stdout.split()
                print(f"fresh interpreter, {label}: import pylme {out[0]} s, first binomial calls "
                      f"{out[1]} s, then first poisson/Gamma calls {out[2]} s")
    if args.fit:
        times = bench_fit(args.fit)
        wall, cpu = [t[0] for t in times], [t[1] for t in times]
        print(f"VerbAgg glmer fit over {len(times)} fits: CPU median {statistics.median(cpu):.3f} s, "
              f"min {min(cpu):.3f} s; elapsed median {statistics.median(wall):.3f} s, min {min(wall):.3f} s")


if __name__ == "__main__":
    main()
