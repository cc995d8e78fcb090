"""Whole-fit timings of pylme.glmer, lme4::glmer and (when installed) mixedlm, side by side.

Usage::

    .venv/bin/python benchmarks/bench_glmer_vs_lme4.py [--repeat 3] [--only cbpp verbagg] [--json out.json]
                                                        [--readme]

lme4 is timed inside one ``Rscript`` process (``glmer()`` in ``system.time`` after one
warm-up fit, data in memory), pylme in this process (after one warm-up fit), mixedlm
(PyPI ``mixedlm``, a Rust GLMM; not a parity reference) likewise when importable.
Reported: median wall time of ``--repeat`` fits, −2ℓ each reached (lme4 / pylme), and the
ratio lme4 / pylme.  ``--readme`` writes the table into README.md (its
``glmer-speed-table`` block).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import statistics
import subprocess
import sys
import time
import warnings

import pandas as pd

import pylme
from readme_block import machine_line, replace_block

GAMMA_CSV = pathlib.Path(__file__).parents[1] / "tests" / "data" / "glmm" / "devfun" / "gamma_sim.csv"
CBPP = "cbind(incidence, size - incidence) ~ period + (1 | herd)"
#: (key, pylme dataset, R data expression, formula, family (R text), pylme family, nAGQ)
MODELS = [
    ("cbpp", "cbpp", "lme4::cbpp", CBPP, "binomial", "binomial", 1),
    ("cbpp_agq25", "cbpp", "lme4::cbpp", CBPP, "binomial", "binomial", 25),
    ("cbpp_probit", "cbpp", "lme4::cbpp", CBPP, 'binomial(link = "probit")', ("binomial", "probit"), 1),
    ("contraception", "Contraception", "mlmRev::Contraception",
     "use ~ age + I(age^2) + urban + livch + (1 | district)", "binomial", "binomial", 1),
    ("gamma_log", "gamma", f'within(read.csv("{GAMMA_CSV}"), g <- factor(g, levels = 1:40))',
     "y ~ x + (1 | g)", 'Gamma(link = "log")', ("Gamma", "log"), 1),
    ("grouseticks", "grouseticks", "lme4::grouseticks",
     "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", "poisson", "poisson", 1),
    ("verbagg", "VerbAgg", "lme4::VerbAgg", "r2 ~ (Anger + Gender + btype + situ) + (1 | id) + (1 | item)",
     "binomial", "binomial", 1),
]

R_TEMPLATE = """
suppressMessages(library(lme4))
d <- {data}
fit <- function() suppressWarnings(suppressMessages(glmer({formula}, data = d, family = {family}, nAGQ = {nagq})))
invisible(fit())
times <- replicate({repeat}, system.time(m <<- fit())[["elapsed"]])
cat(sprintf("%.6f", median(times)), sprintf("%.12f", -2 * as.numeric(logLik(m))), "\\n")
"""


def _data(dataset: str) -> pd.DataFrame:
    if dataset == "gamma":
        d = pd.read_csv(GAMMA_CSV, dtype={"g": str})
        d["g"] = pd.Categorical(d["g"], categories=[str(i) for i in range(1, 41)])
        return d
    return pylme.datasets.load(dataset)


def _family(spec):
    if isinstance(spec, tuple):
        return getattr(pylme.families, spec[0])(link=spec[1])
    return spec


def time_lme4(data_expr: str, formula: str, family: str, nagq: int, repeat: int) -> tuple[float, float]:
    script = R_TEMPLATE.format(data=data_expr, formula=formula, family=family, nagq=nagq, repeat=repeat)
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    seconds, objective = out.stdout.split()
    return float(seconds), float(objective)


def time_pylme(dataset: str, formula: str, family, nagq: int, repeat: int) -> tuple[float, float]:
    data = _data(dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pylme.glmer(formula, data, family=_family(family), nAGQ=nagq)  # warm-up (imports, compiled kernels)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fit = pylme.glmer(formula, data, family=_family(family), nAGQ=nagq)
            times.append(time.perf_counter() - start)
    return statistics.median(times), float(fit.optimum.fval)


#: the same models in mixedlm's formula dialect (no outer parentheses, ``**`` for powers)
MIXEDLM_FORMULAS = {
    "use ~ age + I(age^2) + urban + livch + (1 | district)": "use ~ age + I(age**2) + urban + livch + (1 | district)",
    "r2 ~ (Anger + Gender + btype + situ) + (1 | id) + (1 | item)":
        "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)",
}


def time_mixedlm(dataset: str, formula: str, family, nagq: int, repeat: int) -> float | None:
    """mixedlm's glmer when it is installed and accepts the model (no cbind() there)."""
    formula = MIXEDLM_FORMULAS.get(formula, formula)
    try:
        import mixedlm  # noqa: F401
    except ImportError:
        return None
    if "cbind(" in formula or isinstance(family, tuple) and family[0] == "Gamma":
        return None
    data = _data(dataset)
    fam = getattr(mixedlm.families, family.capitalize())() if isinstance(family, str) else None
    try:
        mixedlm.glmer(formula, data, family=fam, nAGQ=nagq)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            mixedlm.glmer(formula, data, family=fam, nAGQ=nagq)
            times.append(time.perf_counter() - start)
    except Exception:  # noqa: BLE001 - a peer that cannot fit the model is left out
        return None
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--json", default=None)
    parser.add_argument("--readme", action="store_true",
                        help="write the table into README.md (between its glmer-speed-table markers)")
    args = parser.parse_args(argv)
    if shutil.which("Rscript") is None:
        print("Rscript not found: install r-base-core and r-cran-lme4 to compare with lme4", file=sys.stderr)
        return 2
    machine = machine_line()
    rows = []
    print(f"{'model':14s} {'lme4 s':>8s} {'pylme s':>8s} {'mixedlm':>8s} {'speed-up':>9s}  -2logLik (lme4 / pylme)")
    for key, dataset, r_data, formula, r_family, family, nagq in MODELS:
        if args.only and key not in args.only:
            continue
        r_time, r_obj = time_lme4(r_data, formula, r_family, nagq, args.repeat)
        p_time, p_obj = time_pylme(dataset, formula, family, nagq, args.repeat)
        m_time = time_mixedlm(dataset, formula, family, nagq, args.repeat)
        rows.append({"model": key, "formula": formula, "family": r_family, "nAGQ": nagq, "lme4_seconds": r_time,
                     "pylme_seconds": p_time, "mixedlm_seconds": m_time, "lme4_m2ll": r_obj, "pylme_m2ll": p_obj})
        mtxt = f"{m_time:8.3f}" if m_time is not None else f"{'-':>8s}"
        print(f"{key:14s} {r_time:8.3f} {p_time:8.3f} {mtxt} {r_time / p_time:8.1f}x  {r_obj:.9f} / {p_obj:.9f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    if args.readme:
        replace_block("glmer-speed-table", readme_table(rows, args.repeat, machine))
    return 0


LABELS = {
    "cbpp": "cbpp `cbind(incidence, size - incidence) ~ period + (1\\|herd)`",
    "cbpp_agq25": "cbpp, nAGQ = 25",
    "cbpp_probit": "cbpp, probit link",
    "contraception": "Contraception `use ~ age + I(age^2) + urban + livch + (1\\|district)`",
    "gamma_log": "Gamma(log), 400 rows, 40 groups",
    "grouseticks": "grouseticks Poisson, `(1\\|BROOD) + (1\\|INDEX) + (1\\|LOCATION)`",
    "verbagg": "VerbAgg `r2 ~ Anger + Gender + btype + situ + (1\\|id) + (1\\|item)` (7,584 rows)",
}


def _seconds(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1e3:.0f} ms" if x < 1 else f"{x:.2f} s"


def readme_table(rows: list[dict], repeat: int, machine: str) -> str:
    """The README's glmer speed table (markdown) for `rows`."""
    lines = [f"glmer whole fits, median of {repeat}, measured by `benchmarks/bench_glmer_vs_lme4.py --readme` on "
             f"{machine}:", "", "| model | lme4 1.1-31 | pylme | | mixedlm 1.3 |", "|---|---|---|---|---|"]
    for row in rows:
        ratio = row["lme4_seconds"] / row["pylme_seconds"]
        lines.append(f"| {LABELS.get(row['model'], row['model'])} | {_seconds(row['lme4_seconds'])} | "
                     f"{_seconds(row['pylme_seconds'])} | {ratio:.1f}× | {_seconds(row['mixedlm_seconds'])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
