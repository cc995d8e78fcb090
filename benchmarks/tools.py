"""The Python tools of the comparison: pylme, mixedlm (Rust, PyPI ``mixedlm``) and statsmodels.

Every adapter has the same small interface, driven by :mod:`benchmarks.worker` inside its
own child process (so that peak RSS is the tool's alone):

* ``load(spec, csv, frame)`` — read the data (untimed; ``frame``: a pickled DataFrame the
  parent wrote); returns the tool's version;
* ``fit(count)`` — one whole fit from formula and data frame, timed with ``perf_counter``;
  with ``count`` the deviance evaluations of that fit are counted;
* ``result(budget)`` — θ, the objective the tool reports, the evaluation count, the time
  of one deviance evaluation at θ (median within ``budget`` seconds) and, for pylme, the
  dense-Cholesky floor (:mod:`benchmarks.floor`).

θ is always returned in lme4's parametrisation and order (column-wise lower triangles of
the relative covariance factors, terms in lme4's order), so that lme4's own deviance
function can judge every tool's end point.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from .models import ModelSpec, load_frame
from .timing import time_per_call

__all__ = ["ADAPTERS", "PylmeAdapter", "MixedlmAdapter", "StatsmodelsAdapter", "mixedlm_theta_to_lme4"]


class _PythonAdapter:
    name = "?"

    def __init__(self):
        self.spec: ModelSpec | None = None
        self.data = None
        self.model = None
        self.evals: int | None = None

    def load(self, spec: ModelSpec, csv: str | None, frame: str | None = None) -> dict:
        # the parent's pickled frame when given: mixedlm's and statsmodels' workers then
        # never import pylme (whose datasets module would count in their peak RSS)
        self.spec = spec
        self.data = pd.read_pickle(frame) if frame else load_frame(spec)
        return {"version": self.version()}

    def version(self) -> str:
        raise NotImplementedError

    def _fit_once(self):
        raise NotImplementedError

    def fit(self, count: bool) -> float:
        """Seconds per fit: one fit when ``count`` (the counted warm-up), else a sample of
        ``spec.batch`` consecutive fits divided by their number."""
        # the previous fit is dropped first, so the peak memory is that of one fit (not of
        # the last fit held while the next one runs); untimed, as lme4's worker does
        self.model = None
        batch = 1 if count else max(1, self.spec.batch)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            for _ in range(batch):
                self.model = self._fit_once()
            return (time.perf_counter() - start) / batch


class PylmeAdapter(_PythonAdapter):
    """``pylme.lmer``; evaluations counted by wrapping ``DevianceProblem.objective`` and
    ``.evaluate`` (only in the counted, untimed warm-up fit when there is one).

    The timed fits measure pylme's steady state: its linalg kernels compiled, as a process
    runs them once it has spent ``pylme.linalg.jit.INTERPRET_BUDGET`` in interpreted ones
    (large problems compile at once).  A small model's first fits in a process run them
    interpreted, without Numba's start-up; that cold path is what the whole-process
    comparison (:mod:`benchmarks.process`) times.
    """

    name = "pylme"

    def version(self) -> str:
        import pylme
        from pylme.linalg import jit

        jit.compile_kernels()  # the steady state (see the class docstring)
        return getattr(pylme, "__version__", "?")

    def _fit_once(self):
        import pylme

        return pylme.lmer(self.spec.formula, self.data, REML=self.spec.reml)

    def fit(self, count: bool) -> float:
        if not count:
            return super().fit(False)
        from pylme.deviance import DevianceProblem

        calls = [0]
        originals = {name: getattr(DevianceProblem, name) for name in ("objective", "evaluate")}

        def counting(method):
            def wrapper(self, theta):
                calls[0] += 1
                return method(self, theta)
            return wrapper

        for name, method in originals.items():
            setattr(DevianceProblem, name, counting(method))
        try:
            seconds = super().fit(True)
        finally:
            for name, method in originals.items():
                setattr(DevianceProblem, name, method)
        self.evals = calls[0]
        return seconds

    def result(self, budget: float) -> dict:
        from pylme.blas_threads import single_blas_thread

        from .floor import dense_floor

        fit = self.model
        theta = np.asarray(fit.theta, dtype=float)
        problem = fit.problem
        with single_blas_thread():  # as inside lmer()
            per_eval = time_per_call(lambda: problem.objective(theta), budget=budget)
        return {"theta": theta.tolist(), "objective": float(fit.opt.fval), "evals": self.evals,
                "optimizer_evals": int(fit.opt.feval), "per_eval": per_eval,
                "floor": dense_floor(problem, theta, budget=budget)}


def mixedlm_theta_to_lme4(theta: np.ndarray, structures) -> np.ndarray:
    """mixedlm's θ in lme4's order.

    Both list the terms in lme4's order, but mixedlm stores each correlated term's
    lower-triangular factor row by row and lme4 column by column (``theta`` of
    ``getME``); uncorrelated terms (``||``) hold the diagonal only, the same in both.
    """
    out, pos = [], 0
    for term in structures:
        k = int(term.n_terms)
        if not term.correlated or k == 1:
            out.append(theta[pos:pos + k])
            pos += k
            continue
        m = k * (k + 1) // 2
        low = np.zeros((k, k))
        low[np.tril_indices(k)] = theta[pos:pos + m]  # row-major lower triangle
        out.append(low.T[np.triu_indices(k)])  # column-major lower triangle
        pos += m
    if pos != theta.size:
        raise ValueError(f"mixedlm θ has {theta.size} values, its terms account for {pos}")
    return np.concatenate(out) if out else theta


class MixedlmAdapter(_PythonAdapter):
    """``mixedlm.lmer`` (Rust; not a parity reference): its own evaluation count
    (``function_evals``) and its deviance function (``mkLmerDevfun``) for the per-evaluation time."""

    name = "mixedlm"

    def version(self) -> str:
        import mixedlm

        return mixedlm.__version__

    def _formula(self) -> str:
        return self.spec.mixedlm_formula or self.spec.formula

    def _fit_once(self):
        import mixedlm

        return mixedlm.lmer(self._formula(), self.data, REML=self.spec.reml)

    def fit(self, count: bool) -> float:
        seconds = super().fit(count)
        self.evals = int(self.model.function_evals)
        return seconds

    def result(self, budget: float) -> dict:
        import mixedlm

        res = self.model
        theta = np.asarray(res.theta, dtype=float)
        lme4_theta = mixedlm_theta_to_lme4(theta, res.matrices.random_structures)
        objective = res.REMLcrit() if self.spec.reml else res.deviance
        objective = objective() if callable(objective) else objective
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            devfun = mixedlm.mkLmerDevfun(mixedlm.lFormula(self._formula(), self.data, REML=self.spec.reml))
            per_eval = time_per_call(lambda: devfun(theta), budget=budget)
        return {"theta": lme4_theta.tolist(), "objective": float(objective), "evals": self.evals,
                "optimizer_evals": int(getattr(res, "n_iter", 0)) or None, "per_eval": per_eval, "floor": None}


class StatsmodelsAdapter(_PythonAdapter):
    """statsmodels ``MixedLM`` (one grouping factor): θ from its ``cov_re`` and ``scale``
    (``chol(cov_re / scale)``, lme4's column-wise lower triangle); no evaluation count."""

    name = "statsmodels"

    def version(self) -> str:
        import statsmodels

        return statsmodels.__version__

    def _fit_once(self):
        import statsmodels.formula.api as smf

        fixed, groups, re_formula = self.spec.statsmodels
        return smf.mixedlm(fixed, self.data, groups=self.data[groups], re_formula=re_formula).fit(reml=self.spec.reml)

    def result(self, budget: float) -> dict:
        res = self.model
        cov = np.atleast_2d(np.asarray(res.cov_re, dtype=float)) / float(res.scale)
        chol = np.linalg.cholesky(cov)
        theta = chol.T[np.triu_indices(cov.shape[0])]  # column-major lower triangle (lme4's order)
        return {"theta": theta.tolist(), "objective": float(-2.0 * res.llf), "evals": None,
                "optimizer_evals": None, "per_eval": None, "floor": None}


ADAPTERS = {"pylme": PylmeAdapter, "mixedlm": MixedlmAdapter, "statsmodels": StatsmodelsAdapter}
