"""lme4's own reproducibility per case: ``r_reference/spread.json`` (R needed to write it).

lme4's optimum moves when only the last bits of its arithmetic change: BOBYQA's path
follows the objective's last bits, so on a flat criterion the end point, the number of
evaluations and the printed digits change with the row order of the data, the BLAS, the
CPU or the memory layout.  pylme meets the same effect from numpy's BLAS kernels.  A
check that demanded one path would give a different verdict on every machine; instead,
every case is refitted by lme4 on :data:`PERMUTATIONS` seeded row permutations of its
data (``set.seed(s); data[sample(nrow(data)), ]``, s = 1..k; the model is the same, only
the summation order changes), and for each quantity that follows the optimizer the file
keeps how far lme4 moved from its own fit on the original rows:

* ``feval``, ``objective``: every value (the original fit first);
* ``message``: the optimizer's distinct stopping messages;
* ``abs_dev``: the largest ``|lme4_perm - lme4|`` over the permutations, per component
  for θ (aligned by position: permuting rows changes neither θ's layout nor the level
  order), one number for every other quantity (fitted values and residuals aligned by
  row name); ``rel_dev``: the largest relative move of one entry (entries above 1e-6 of the
  quantity's largest), which sizes the slack of printed digits.

GLMM cases (:data:`GLMM_SPREAD_HELPER`) also keep the first stage's counts and criteria
(``feval_stage1``, ``objective_stage1``: the same model with ``nAGQ = 0`` on each
permutation, which is glmer's stage 1) and the distinct texts of lme4's convergence
checks (``conv``: a gradient quoted in ``Model failed to converge with max|grad| = ...``
moves with the end point), and the moves of the GLMM's own quantities (``-2*logLik`` as
the objective, the four residual types, ``predict`` on both scales, ``deviance()``, the
Hessian-based ``vcov`` and stage 1's θ̂ and β).

:mod:`conformance.spread` turns this into the envelope the comparisons use.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any, Callable, Iterable

from conformance.cases import Case
from conformance.machine import machine_info
from conformance.r_side import evaluable_data_r_expr, fit_call, r_versions, value_record

__all__ = ["PERMUTATIONS", "SPREAD_HELPER", "GLMM_SPREAD_HELPER", "case_spread", "write_spread",
           "SPREAD_FILE"]

PERMUTATIONS = 8
SPREAD_FILE = "spread.json"

#: R: the optimizer-dependent quantities of a fit, and their spread over row permutations.
SPREAD_HELPER = """pylme_case_spread <- function(fm, data, k = 8L, reml = TRUE) {
  pick <- function(f) {
    re <- ranef(f, condVar = TRUE)
    vc <- as.data.frame(VarCorr(f))
    list(theta = unname(getME(f, "theta")),
         objective = unname(if (reml) REMLcrit(f) else deviance(f)),
         fixef = unname(fixef(f)), sigma = sigma(f),
         se = unname(sqrt(diag(as.matrix(vcov(f))))),
         ranef = unname(unlist(lapply(re, as.matrix))),
         condVar = unname(unlist(lapply(re, attr, "postVar"))),
         fitted = fitted(f), residuals_response = residuals(f, type = "response"),
         residuals_pearson = residuals(f, type = "pearson"),
         logLik = as.numeric(logLik(f)), AIC = AIC(f), BIC = BIC(f),
         VarCorr = c(vc$vcov, vc$sdcor), feval = f@optinfo$feval,
         message = if (is.null(f@optinfo$message)) NA_character_ else f@optinfo$message)
  }
  ref <- pick(fm)
  perms <- lapply(seq_len(k), function(s) {
    set.seed(s)
    d <- data[sample(nrow(data)), , drop = FALSE]
    pick(suppressMessages(suppressWarnings(update(fm, data = d))))
  })
  by_row <- c("fitted", "residuals_response", "residuals_pearson")
  dev <- function(q) {
    d <- sapply(perms, function(p) {
      x <- if (q %in% by_row) p[[q]][names(ref[[q]])] else p[[q]]
      abs(unname(x) - unname(ref[[q]]))
    })
    if (q == "theta") apply(matrix(d, nrow = length(ref$theta)), 1, max) else max(d)
  }
  rel <- function(q) {
    x <- abs(unname(ref[[q]]))
    keep <- x > 1e-6 * max(x, 0)
    d <- unlist(lapply(perms, function(p) {
      y <- if (q %in% by_row) p[[q]][names(ref[[q]])] else p[[q]]
      abs(unname(y) - unname(ref[[q]]))[keep] / x[keep]
    }))
    if (length(d)) max(d) else 0
  }
  shifted <- setdiff(names(ref), c("objective", "feval", "message"))
  list(feval = c(ref$feval, sapply(perms, `[[`, "feval")),
       message = unique(c(ref$message, sapply(perms, `[[`, "message"))),
       objective = c(ref$objective, sapply(perms, `[[`, "objective")),
       abs_dev = setNames(lapply(shifted, dev), shifted),
       rel_dev = setNames(lapply(shifted, rel), shifted))
}"""


#: R: the GLMM's optimizer-dependent quantities and their spread (stage 1 = nAGQ = 0).
GLMM_SPREAD_HELPER = """pylme_glmm_spread <- function(fm, data, k = 8L) {
  staged <- getME(fm, "devcomp")$dims[["nAGQ"]] > 0
  quiet <- function(x) suppressMessages(suppressWarnings(x))
  pick <- function(f, f0) {
    re <- ranef(f, condVar = TRUE)
    vc <- as.data.frame(VarCorr(f))
    v <- as.matrix(vcov(f))
    res <- function(type) residuals(f, type = type)
    out <- list(theta = unname(getME(f, "theta")), objective = -2 * as.numeric(logLik(f)),
         fixef = unname(fixef(f)), sigma = sigma(f), se = unname(sqrt(diag(v))),
         vcov = unname(as.vector(v)),
         ranef = unname(unlist(lapply(re, as.matrix))),
         condVar = unname(unlist(lapply(re, attr, "postVar"))),
         fitted = fitted(f), residuals_deviance = res("deviance"),
         residuals_pearson = res("pearson"), residuals_working = res("working"),
         residuals_response = res("response"), predict_link = predict(f),
         predict_response = predict(f, type = "response"), deviance = deviance(f),
         logLik = as.numeric(logLik(f)), AIC = AIC(f), BIC = BIC(f),
         VarCorr = c(vc$vcov, vc$sdcor), feval = f@optinfo$feval,
         message = if (is.null(f@optinfo$message)) NA_character_ else f@optinfo$message,
         conv = paste(unlist(f@optinfo$conv$lme4$messages), collapse = " ;; "))
    if (staged) out <- c(out, list(theta_stage1 = unname(getME(f0, "theta")),
                                   beta_stage1 = unname(fixef(f0)),
                                   objective_stage1 = -2 * as.numeric(logLik(f0)),
                                   feval_stage1 = f0@optinfo$feval))
    out
  }
  ref <- pick(fm, if (staged) quiet(update(fm, nAGQ = 0)))
  perms <- lapply(seq_len(k), function(s) {
    set.seed(s)
    d <- data[sample(nrow(data)), , drop = FALSE]
    pick(quiet(update(fm, data = d)), if (staged) quiet(update(fm, data = d, nAGQ = 0)))
  })
  by_row <- c("fitted", "residuals_deviance", "residuals_pearson", "residuals_working",
              "residuals_response", "predict_link", "predict_response")
  at <- function(p, q) if (q %in% by_row) p[[q]][names(ref[[q]])] else p[[q]]
  dev <- function(q) {
    d <- sapply(perms, function(p) abs(unname(at(p, q)) - unname(ref[[q]])))
    if (q == "theta") apply(matrix(d, nrow = length(ref$theta)), 1, max) else max(d)
  }
  rel <- function(q) {
    x <- abs(unname(ref[[q]]))
    keep <- x > 1e-6 * max(x, 0)
    d <- unlist(lapply(perms, function(p) abs(unname(at(p, q)) - unname(ref[[q]]))[keep] / x[keep]))
    if (length(d)) max(d) else 0
  }
  series <- c("objective", "feval", "message", "conv", "objective_stage1", "feval_stage1")
  shifted <- setdiff(names(ref), series)
  out <- list(feval = c(ref$feval, sapply(perms, `[[`, "feval")),
       message = unique(c(ref$message, sapply(perms, `[[`, "message"))),
       conv = unique(c(ref$conv, sapply(perms, `[[`, "conv"))),
       objective = c(ref$objective, sapply(perms, `[[`, "objective")),
       abs_dev = setNames(lapply(shifted, dev), shifted),
       rel_dev = setNames(lapply(shifted, rel), shifted))
  if (staged) out <- c(out, list(
       feval_stage1 = c(ref$feval_stage1, sapply(perms, `[[`, "feval_stage1")),
       objective_stage1 = c(ref$objective_stage1, sapply(perms, `[[`, "objective_stage1"))))
  out
}"""


def case_spread(session: Any, case: Case, k: int = PERMUTATIONS) -> dict:
    """lme4's spread for `case` over `k` row permutations (a value record of R's list)."""
    env = session.new_env()
    session.run(GLMM_SPREAD_HELPER if case.is_glmm else SPREAD_HELPER, env)
    data = _bind_data(session, env, case)
    call = fit_call(case)
    fitted = value_record(session, env, f"{{fm <- {call}; NULL}}")
    if fitted.get("kind") == "error":
        return {"data": data, "r_call": call, "error": fitted["error"]}
    if case.is_glmm:
        expr = f"pylme_glmm_spread(fm, {case.data_name}, k = {k}L)"
    else:
        expr = (f"pylme_case_spread(fm, {case.data_name}, k = {k}L, "
                f"reml = {'TRUE' if case.reml else 'FALSE'})")
    record = value_record(session, env, expr)
    return {"data": data, "r_call": call, "r_expr": expr, "spread": record}


def _bind_data(session: Any, env: Any, case: Case) -> dict:
    """Bind the case's data to its name in `env`; return its provenance."""
    from conformance.r_side import data_r_expr

    name = case.data_name
    session.run(f"{name} <- {evaluable_data_r_expr(case.dataset)}", env)
    dims = session.get(f"dim({name})", env).value.values
    return {"name": name, "r_expr": data_r_expr(case.dataset), "nrow": dims[0], "ncol": dims[1]}


def write_spread(out_dir: Path, cases: Iterable[Case], log: Callable[[str], None] = print,
                 k: int = PERMUTATIONS) -> Path:
    """Measure every case's spread in R and write ``<out_dir>/spread.json``."""
    import time

    from conformance.r_session import RSession
    from conformance.regen import canonical_json, write_text

    session = RSession()
    path = out_dir / SPREAD_FILE
    # measuring some cases keeps the others' entries (each names its own R call)
    out: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["cases"] if path.exists() else {}
    for case in cases:
        start = time.perf_counter()
        out[case.id] = case_spread(session, case, k)
        log(f"{case.id:34s} {time.perf_counter() - start:8.2f}s")
    document = {
        "generator": "python -m conformance spread",
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "permutations": k,
        "method": ("each case refitted by lme4 on k seeded row permutations of its data "
                   "(set.seed(s); data[sample(nrow(data)), ], s = 1..k) with update(fm, data = d)"),
        "helper": SPREAD_HELPER,
        "glmm_helper": GLMM_SPREAD_HELPER,
        "versions": r_versions(session),
        "machine": machine_info(session),
        "cases": dict(sorted(out.items())),
    }
    write_text(path, canonical_json(document))
    return path
