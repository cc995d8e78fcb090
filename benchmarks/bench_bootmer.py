"""Parametric bootstrap: pylme's ``bootMer`` next to lme4's, on the same machine.

    .venv/bin/python benchmarks/bench_bootmer.py [--nsim 1000] [--jobs 2] [--repeat 3] [--no-r]

Model: sleepstudy ``Reaction ~ Days + (Days | Subject)`` (REML), statistic ``fixef``.
lme4 is timed with ``Rscript`` (``system.time(bootMer(fm1, fixef, nsim = 1000))``, one
R process, as ``bootMer``'s default ``parallel = "no"``); pylme with ``n_jobs`` worker
processes (default 2: the reference machine has 2 cores) and, for comparison, with one.
Each timing is the best of ``--repeat`` runs (the box is shared: the minimum is the
least disturbed).  Prints one line per configuration and the speed-up over lme4, and
the CPU seconds pylme used (this process plus its workers): on a shared box, CPU / jobs
is what the wall time would be with the cores to itself.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pylme  # noqa: E402
from readme_block import machine_line, replace_block  # noqa: E402

R_SCRIPT = """suppressPackageStartupMessages(library(lme4))
fm1 <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
invisible(bootMer(fm1, fixef, nsim = 20, seed = 1))  # warm-up
best <- Inf
for (i in seq_len({repeat})) {{
  tm <- system.time(b <- bootMer(fm1, fixef, nsim = {nsim}, seed = i))[["elapsed"]]
  best <- min(best, tm)
}}
cat(sprintf("%.3f\\n", best))
"""


def time_lme4(nsim: int, repeat: int) -> float | None:
    """Best elapsed seconds of lme4's bootMer, or None without Rscript."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    out = subprocess.run([rscript, "-e", R_SCRIPT.format(nsim=nsim, repeat=repeat)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_pylme(nsim: int, jobs: int, repeat: int) -> tuple[float, float, pylme.BootResult]:
    """Best elapsed seconds of pylme's bootMer (the fit itself not included) and its CPU seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
        pylme.bootMer(fit, lambda m: m.fixef(), nsim=8, seed=0, n_jobs=1, progress=False)  # warm-up
        best, cpu, result = float("inf"), float("inf"), None
        for i in range(repeat):
            t0, c0 = time.perf_counter(), _cpu_seconds()
            result = pylme.bootMer(fit, lambda m: m.fixef(), nsim=nsim, seed=i + 1, n_jobs=jobs,
                                   progress=False)
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, _cpu_seconds() - c0)
    return best, cpu, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nsim", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-r", action="store_true", help="skip the lme4 timing")
    parser.add_argument("--readme", action="store_true",
                        help="write the figures into README.md (between its bootmer markers)")
    args = parser.parse_args(argv)
    machine = machine_line()
    load = os.getloadavg()[0]
    r_time = None if args.no_r else time_lme4(args.nsim, args.repeat)
    rows = []
    for jobs in sorted({args.jobs, 1}, reverse=True):
        seconds, cpu, result = time_pylme(args.nsim, jobs, args.repeat)
        rows.append((f"pylme bootMer n_jobs={jobs}", seconds, cpu, result))
    print(f"sleepstudy (Days|Subject), FUN = fixef, nsim = {args.nsim}, best of {args.repeat}")
    if r_time is not None:
        print(f"  {'lme4 1.1-31 bootMer (Rscript)':34s} {r_time:8.2f} s")
    print(f"  (1-min load average at the start: {load:.2f}, {os.cpu_count()} CPUs)")
    for label, seconds, cpu, result in rows:
        speed = f"  ({r_time / seconds:4.1f}x lme4)" if r_time else ""
        print(f"  {label:34s} {seconds:8.2f} s  {1e3 * seconds / args.nsim:6.2f} ms/replicate{speed}"
              f"  CPU {cpu:6.2f} s  failed={result.n_failed}")
    if args.readme and r_time is not None:
        both, one = rows[0][1], rows[-1][1]
        replace_block("bootmer", (
            f"`bootMer(fm1, fixef, nsim = {args.nsim})` on sleepstudy, best of {args.repeat}: lme4 "
            f"{r_time:.1f} s, pylme {both:.1f} s with {args.jobs} workers ({r_time / both:.1f}×; "
            f"{one:.1f} s on one core; `benchmarks/bench_bootmer.py --readme` on {machine})."))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
