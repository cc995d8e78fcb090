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

:mod:`conformance.spread` turns this into the envelope the comparisons use.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any, Callable, Iterable

from conformance.cases import Case
from conformance.machine import machine_info
from conformance.r_side import lmer_call, r_versions, value_record

__all__ = ["PERMUTATIONS", "SPREAD_HELPER", "case_spread", "write_spread", "SPREAD_FILE"]

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


def case_spread(session: Any, case: Case, k: int = PERMUTATIONS) -> dict:
    """lme4's spread for `case` over `k` row permutations (a value record of R's list)."""
    from conformance.r_inference_anova import bind_data

    env = session.new_env()
    session.run(SPREAD_HELPER, env)
    data = bind_data(session, env, case.dataset)
    fitted = value_record(session, env, f"{{fm <- {lmer_call(case)}; NULL}}")
    if fitted.get("kind") == "error":
        return {"data": data, "r_call": lmer_call(case), "error": fitted["error"]}
    expr = (f"pylme_case_spread(fm, {case.data_name}, k = {k}L, "
            f"reml = {'TRUE' if case.reml else 'FALSE'})")
    record = value_record(session, env, expr)
    return {"data": data, "r_call": lmer_call(case), "r_expr": expr, "spread": record}


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
        "versions": r_versions(session),
        "machine": machine_info(session),
        "cases": dict(sorted(out.items())),
    }
    write_text(path, canonical_json(document))
    return path
