"""Whole-fit timings of pylme and lme4 side by side, on the same machine.

Usage::

    .venv/bin/python benchmarks/bench_vs_lme4.py [--repeat 3] [--only insteval] [--json out.json]

A quick two-tool check; the README's speed table now comes from the full comparison,
``python -m benchmarks compare --readme`` (lme4, pylme, mixedlm, statsmodels interleaved,
per-evaluation times, the Cholesky floor, memory, objectives judged by lme4).

For each model, lme4 is timed inside one ``Rscript`` process (``lmer()`` wrapped in
``system.time``, after one warm-up fit, data already in memory) and pylme in this
process (``pylme.lmer()`` after one warm-up fit, data already loaded), so both exclude
start-up and data loading.  Reported: the median wall time of ``--repeat`` fits, the
objective both reached, and the ratio lme4 / pylme.  Needs R with lme4 (Rscript).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import warnings

import pylme

MODELS = [
    ("dyestuff", "Dyestuff", "lme4::Dyestuff", "Yield ~ 1 + (1 | Batch)", True),
    ("sleepstudy", "sleepstudy", "lme4::sleepstudy", "Reaction ~ Days + (Days | Subject)", True),
    ("penicillin", "Penicillin", "lme4::Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", True),
    ("pastes", "Pastes", "lme4::Pastes", "strength ~ 1 + (1 | batch/cask)", True),
    ("insteval", "InstEval", "lme4::InstEval", "y ~ service * dept + (1 | s) + (1 | d)", False),
    ("insteval_reml", "InstEval", "lme4::InstEval", "y ~ service * dept + (1 | s) + (1 | d)", True),
    ("insteval_3re", "InstEval", "lme4::InstEval", "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)", False),
]

R_TEMPLATE = """
suppressMessages(library(lme4))
d <- {data}
fit <- function() lmer({formula}, data = d, REML = {reml})
invisible(fit())
times <- replicate({repeat}, system.time(m <<- fit())[["elapsed"]])
cat(sprintf("%.6f", median(times)), sprintf("%.12f", if (isREML(m)) REMLcrit(m) else deviance(m)), "\\n")
"""


def time_lme4(data_expr: str, formula: str, reml: bool, repeat: int) -> tuple[float, float]:
    script = R_TEMPLATE.format(data=data_expr, formula=formula, reml="TRUE" if reml else "FALSE", repeat=repeat)
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    seconds, objective = out.stdout.split()
    return float(seconds), float(objective)


def time_pylme(dataset: str, formula: str, reml: bool, repeat: int) -> tuple[float, float]:
    data = pylme.datasets.load(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pylme.lmer(formula, data, REML=reml)  # warm-up (imports, caches)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fit = pylme.lmer(formula, data, REML=reml)
            times.append(time.perf_counter() - start)
    objective = fit.REMLcrit() if fit.is_REML else fit.deviance()
    return statistics.median(times), objective


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    if shutil.which("Rscript") is None:
        print("Rscript not found: install r-base-core and r-cran-lme4 to compare with lme4", file=sys.stderr)
        return 2
    rows = []
    print(f"{'model':15s} {'lme4 s':>9s} {'pylme s':>9s} {'speed-up':>9s}  objective (lme4 / pylme)")
    for key, dataset, r_data, formula, reml in MODELS:
        if args.only and key not in args.only:
            continue
        r_time, r_obj = time_lme4(r_data, formula, reml, args.repeat)
        p_time, p_obj = time_pylme(dataset, formula, reml, args.repeat)
        rows.append({"model": key, "formula": formula, "REML": reml, "lme4_seconds": r_time,
                     "pylme_seconds": p_time, "lme4_objective": r_obj, "pylme_objective": p_obj})
        print(f"{key:15s} {r_time:9.3f} {p_time:9.3f} {r_time / p_time:8.1f}x  {r_obj:.10f} / {p_obj:.10f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
