"""lme4 through rpy2, timed inside R (``system.time``), in its own worker process.

The same interface as :mod:`benchmarks.tools`, plus ``judge(thetas)``: lme4's own deviance
function (``lmer(..., devFunOnly = TRUE)``) evaluated at every tool's θ, the common
yardstick of the objective column.  Evaluations are counted, in the counted (warm-up) fit
only, by tracing lme4's ``optwrap`` so that its ``fn`` (the deviance function handed to
the optimizer and to the finite-difference derivative check ``deriv12``) counts its calls;
the evaluations of ``restart_edge`` outside ``optwrap`` are not counted.

``--r-openblas`` runs a second worker of this kind whose process starts with
``LD_LIBRARY_PATH`` pointing at an OpenBLAS ``libblas.so.3``; :func:`blas` reports what R
actually loaded (``extSoftVersion()["BLAS"]``), so a substitution that did not happen is
visible.
"""

from __future__ import annotations

from .models import ModelSpec, r_data_expression

__all__ = ["Lme4Adapter"]

_SETUP = r"""
suppressMessages(library(lme4))
.bench <- new.env()
.bench$n <- 0
.bench$time_per_call <- function(f, budget) {
  # median seconds per call; small calls are batched so that a sample lasts >= 50 ms
  # (system.time counts whole milliseconds: at most 2% rounding)
  batch <- 1
  repeat {
    s <- system.time(for (i in seq_len(batch)) f())[["elapsed"]]
    if (s >= 0.05 || batch >= 2^20 || s >= budget) break
    batch <- batch * 4
  }
  samples <- s / batch; total <- s
  while (length(samples) < 50 && (total < budget || (length(samples) < 3 && total < 10 * budget))) {
    s <- system.time(for (i in seq_len(batch)) f())[["elapsed"]]
    samples <- c(samples, s / batch); total <- total + s
  }
  median(samples)
}
"""

_COUNT_ON = r"""
trace("optwrap", where = asNamespace("lme4"), print = FALSE,
      tracer = quote({ .bench_fn <- fn; fn <- function(x) { .bench$n <- .bench$n + 1; .bench_fn(x) } }))
"""


class Lme4Adapter:
    """``lme4::lmer`` in an embedded R (rpy2)."""

    name = "lme4"

    def __init__(self):
        import rpy2.robjects as ro

        self.ro = ro
        ro.r(_SETUP)
        self.spec: ModelSpec | None = None
        self.evals: int | None = None
        self._devfun_ready = False

    def _r(self, code: str):
        return self.ro.r(code)

    def version(self) -> str:
        return str(self._r('as.character(packageVersion("lme4"))')[0])

    def blas(self) -> dict:
        """What this R runs on: R version, the BLAS and LAPACK libraries it loaded."""
        return {"R": str(self._r("R.version.string")[0]),
                "blas": str(self._r('extSoftVersion()[["BLAS"]]')[0]),
                "lapack": str(self._r("La_library()")[0])}

    def load(self, spec: ModelSpec, csv: str | None, frame: str | None = None) -> dict:
        self.spec = spec
        self._r(f".bench$d <- {r_data_expression(spec, csv)}")
        reml = "TRUE" if spec.reml else "FALSE"
        self._r(f".bench$fit <- function() suppressWarnings(suppressMessages("
                f"lmer({spec.formula}, data = .bench$d, REML = {reml})))")
        self._r(f".bench$devfun <- function() lmer({spec.formula}, data = .bench$d, REML = {reml}, devFunOnly = TRUE)")
        return {"version": self.version(), **self.blas()}

    def fit(self, count: bool) -> float:
        if count:
            self._r(".bench$n <- 0")
            self._r(_COUNT_ON)
        # the previous fit is dropped (and collected) first, untimed, so the peak memory is
        # that of one fit, as for the Python tools
        self._r(".bench$m <- NULL; invisible(gc())")
        try:
            batch = 1 if count else max(1, self.spec.batch)
            seconds = float(self._r(f'system.time(for (i in seq_len({batch})) .bench$m <- .bench$fit())'
                                    '[["elapsed"]]')[0]) / batch
        finally:
            if count:
                self._r('untrace("optwrap", where = asNamespace("lme4"))')
        if count:
            self.evals = int(self._r(".bench$n")[0])
        return seconds

    def _ensure_devfun(self) -> None:
        if not self._devfun_ready:
            self._r(".bench$df <- .bench$devfun()")
            self._devfun_ready = True

    def result(self, budget: float) -> dict:
        theta = [float(x) for x in self._r('getME(.bench$m, "theta")')]
        objective = float(self._r("if (isREML(.bench$m)) REMLcrit(.bench$m) else deviance(.bench$m)")[0])
        feval = int(self._r(".bench$m@optinfo$feval")[0])
        self._ensure_devfun()
        per_eval = float(self._r(f'.bench$time_per_call(function() .bench$df(getME(.bench$m, "theta")), {budget})')[0])
        return {"theta": theta, "objective": objective, "evals": self.evals, "optimizer_evals": feval,
                "per_eval": per_eval, "floor": None}

    def judge(self, thetas: dict) -> dict:
        """lme4's deviance function at each tool's θ (``None`` where the length is wrong);
        also the time of those evaluations (median), a per-evaluation time for lme4 when
        its own fit did not finish."""
        self._ensure_devfun()
        n_theta = int(self._r("length(environment(.bench$df)$pp$theta)")[0])
        out, seconds = {}, []
        for tool, theta in thetas.items():
            if theta is None or len(theta) != n_theta:
                out[tool] = None
                continue
            # handed over as doubles (no decimal text: R's parser need not round it exactly)
            self.ro.globalenv[".bench_theta"] = self.ro.FloatVector([float(x) for x in theta])
            res = self._r("local({ s <- system.time(v <- .bench$df(.bench_theta))[['elapsed']]; c(v, s) })")
            out[tool] = float(res[0])
            seconds.append(float(res[1]))
        return {"objectives": out, "eval_seconds": sorted(seconds)[len(seconds) // 2] if seconds else None,
                "n_theta": n_theta}
