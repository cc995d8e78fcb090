"""Per-iteration and per-evaluation cost of glmer's PIRLS (``Predictor.solve``, ``ThetaBetaDevfun``).

Run: ``.venv/bin/python benchmarks/bench_pirls.py [--repeat 200] [--profile cbpp]``.

Every PIRLS iteration decomposes ``ΛᵀZᵀWZΛ + I`` and ``[X z]`` with new working weights
``W``; a deviance evaluation runs 2–4 iterations and a glmer fit hundreds of
evaluations.  Printed per model:

* ``solve``: ms per ``Predictor.solve`` (weights and working response of the start);
* ``devfun``: ms per stage-2 evaluation (``ThetaBetaDevfun``, Laplace) near lme4's optimum,
  the part of it spent inside ``Predictor.solve`` (the rest is the family's link, variance,
  deviance residuals and ``aic``, and PIRLS's own updates), and the number of PIRLS
  iterations it ran.

Medians and minima over ``--repeat`` runs: on a shared box the minimum is the better
estimate of the cost.  Every run is under :func:`pylme.blas_threads.single_blas_thread`,
as fits are.

Models (lme4 1.1-31 anchors: glmer_spec.md §8.1, CPU seconds for the whole fit / its
evaluations, on the 2-core reference box):

* cbpp ``cbind(incidence, size - incidence) ~ period + (1 | herd)``, binomial
  (56 rows, 15 levels; lme4 0.071 s / 303 evaluations ≈ 0.23 ms per evaluation);
* VerbAgg ``r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)``, binomial
  (7584 rows, 316 × 24 crossed; lme4 2.646 s / 433 ≈ 6.1 ms per evaluation);
* grouseticks ``TICKS ~ YEAR + cHEIGHT + (1 | INDEX) + (1 | BROOD) + (1 | LOCATION)``,
  poisson (403 rows, 403 / 118 / 63 levels; lme4 0.707 s / 1114 ≈ 0.63 ms per evaluation).

The family is :mod:`pylme.glmm.families`' when that module exists, otherwise the minimal
logit-binomial / log-poisson family below (lme4's clamps; its ``aic`` only enters the
value, once per evaluation).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pylme  # noqa: E402
from pylme.blas_threads import single_blas_thread  # noqa: E402
from pylme.deviance import TermData  # noqa: E402
from pylme.design.lformula import model_parts  # noqa: E402
from pylme.glmm.devfun import ThetaBetaDevfun, ThetaDevfun  # noqa: E402
from pylme.glmm.pirls import Response, pirls  # noqa: E402
from pylme.glmm.predictor import Predictor  # noqa: E402

_EPS = float(np.finfo(float).eps)


# ---------------------------------------------------------------------------- fallback family
class _Logit:
    def linkfun(self, mu):
        return np.log(mu / (1.0 - mu))

    def linkinv(self, eta):
        return np.clip(1.0 / (1.0 + np.exp(-eta)), _EPS, 1.0 - _EPS)

    def mu_eta(self, eta):
        e = np.exp(-np.abs(eta))
        return np.maximum(_EPS, e / (1.0 + e) ** 2)


class _Log:
    def linkfun(self, mu):
        return np.log(mu)

    def linkinv(self, eta):
        return np.maximum(_EPS, np.exp(eta))

    def mu_eta(self, eta):
        return np.maximum(_EPS, np.exp(eta))


class _Binomial:
    link = _Logit()

    def variance(self, mu):
        return np.maximum(_EPS, mu * (1.0 - mu))

    def dev_resids(self, y, mu, wt):
        with np.errstate(all="ignore"):
            a = np.where(y > 0, y * np.log(y / mu), 0.0)
            b = np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
        return 2.0 * wt * (a + b)

    def aic(self, y, n, mu, wt, dev):
        from scipy.stats import binom

        m = n if np.any(n > 1) else wt
        return -2.0 * np.sum(np.where(m > 0, wt / m, 0.0) * binom.logpmf(np.round(m * y), np.round(m), mu))


class _Poisson:
    link = _Log()

    def variance(self, mu):
        return mu

    def dev_resids(self, y, mu, wt):
        with np.errstate(all="ignore"):
            r = np.where(y > 0, y * np.log(y / mu) - (y - mu), mu)
        return 2.0 * wt * r

    def aic(self, y, n, mu, wt, dev):
        from scipy.stats import poisson

        return -2.0 * np.sum(poisson.logpmf(y, mu) * wt)


def _family(name: str):
    try:
        from pylme.glmm import families  # type: ignore[attr-defined]
    except ImportError:
        return {"binomial": _Binomial, "poisson": _Poisson}[name]()
    return getattr(families, name)()


# ---------------------------------------------------------------------------- models
def _build(formula: str, data, family: str, trials=None):
    """Predictor, Response and glmer's start η (``linkfun(mustart)``) for a formula (no NAs)."""
    parts = model_parts(formula, data, allow_n=True)  # lme4 glFormula's allow.n = TRUE
    terms = [TermData(refs=t.group.codes, z=t.z, nlevels=t.nlevels) for t in parts.re_terms.terms]
    pred = Predictor(terms, parts.X)
    n = parts.X.shape[0]
    fam = _family(family)
    y = data[formula.split("~")[0].strip()].to_numpy(float)
    wt = np.ones(n) if trials is None else trials
    if trials is not None:
        y = y / trials
    resp = Response(y=y, weights=wt, n_trials=wt if trials is not None else np.ones(n),
                    offset=np.zeros(n), family=fam)
    mustart = (wt * y + 0.5) / (wt + 1.0) if family == "binomial" else y + 0.1
    return pred, resp, fam.link.linkfun(mustart)


def models():
    """(name, predictor, response, start η, θ near lme4's optimum)."""
    cbpp = pylme.datasets.load("cbpp")
    size = cbpp["size"].to_numpy(float)
    yield ("cbpp", *_build("incidence ~ period + (1 | herd)", cbpp, "binomial", trials=size), [0.642])
    va = pylme.datasets.load("VerbAgg").copy()
    va["r2n"] = (va["r2"] == "Y").astype(float)
    yield ("VerbAgg", *_build("r2n ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", va, "binomial"),
           [1.3397, 0.4953])
    gt = pylme.datasets.load("grouseticks")
    yield ("grouseticks", *_build("TICKS ~ YEAR + cHEIGHT + (1 | INDEX) + (1 | BROOD) + (1 | LOCATION)", gt,
                                  "poisson"), [0.5415, 0.7500, 0.5287])


def _time(fn, repeat: int):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times), 1e3 * min(times)


def stage2(pred, resp, eta0, theta):
    """A stage-2 deviance function at (θ, β̂(θ)) as glmer builds it (lp0 from stage 1)."""
    n = pred.n
    st = pirls(pred, resp, np.ones(pred.n_theta), eta0, np.zeros(n), u_only=False, tol=1e-7)
    f0 = ThetaDevfun(pred, resp, st.eta, 1e-7)
    f0(theta)
    par = np.concatenate([theta, f0.last.beta])
    return ThetaBetaDevfun(pred, resp, f0.last.eta - resp.offset, 1e-7), par


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--profile", default=None, help="model name to profile the deviance function of")
    args = ap.parse_args(argv)
    with single_blas_thread():  # as every pylme fit runs
        _run(args)


def _time_split(dev, par, pred, repeat: int):
    """Per evaluation: (median, min) of the total, and the least time spent inside ``Predictor.solve``."""
    inner = []
    solve = pred.solve

    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return solve(*a, **k)
        finally:
            inner[-1] += time.perf_counter() - t0

    pred.solve = timed  # shadows the method on this instance only
    try:
        totals = []
        for _ in range(repeat + 1):
            inner.append(0.0)
            t0 = time.perf_counter()
            dev(par)
            totals.append(time.perf_counter() - t0)
    finally:
        del pred.solve
    return 1e3 * statistics.median(totals[1:]), 1e3 * min(totals[1:]), 1e3 * min(inner[1:])


def _run(args) -> None:
    print(f"{'model':<12} {'solve ms (med/min)':>19} {'devfun ms (med/min)':>20} {'in solves':>10} {'iters':>6}"
          "  value")
    for name, pred, resp, eta0, theta in models():
        theta = np.asarray(theta, float)
        w, z = resp.working(eta0, resp.mu(eta0), resp.offset)
        solve = _time(lambda: pred.solve(theta, w, z, False), args.repeat)
        dev, par = stage2(pred, resp, eta0, theta)
        value = dev(par)
        med, low, inside = _time_split(dev, par, pred, args.repeat)
        print(f"{name:<12} {solve[0]:8.3f} / {solve[1]:8.3f} {med:9.3f} / {low:8.3f} {inside:10.3f} "
              f"{dev.last.iterations:6d}  {value!r}")
        if args.profile == name:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.repeat):
                dev(par)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
