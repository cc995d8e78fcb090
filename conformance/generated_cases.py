"""Case directories of generated designs: write, read back, reproduce.

A case directory holds ``data.csv`` (floats as ``%.17g``, which R's
``read.csv`` and Python both parse to the same double; ``NA`` for missing),
``design.json`` (factor levels and ordered flags, formula, REML, weights,
offset, features, the failing quantities with their numbers, and a
registry-ready :class:`~conformance.cases.Case` whose dataset is an R
expression reading the CSV), ``repro.R`` and ``repro.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conformance.cases import Case
from conformance.generated_policy import is_known
from conformance.strategies import FactorMeta, GeneratedDesign, make_frame

REPO = Path(__file__).resolve().parents[1]

def format_float(value: float) -> str:
    """A CSV cell for a double: ``NA`` when missing, else ``%.17g``.

    R's ``read.csv`` parses numbers with fewer than 15 significant digits by a
    long-double division that is off by one ulp for about one value in 5000
    (e.g. ``2.132077``); with 17 significant digits it uses C's correctly
    rounded ``strtod``, so R and Python read back the very same doubles.
    """
    return "NA" if value is None or np.isnan(value) else "%.17g" % value


def write_csv(design: GeneratedDesign, path: Path) -> None:
    """The design's data as CSV: floats via :func:`format_float`, factor labels bare."""
    factors = {f.name for f in design.factors}
    lines = [",".join(design.frame.columns)]
    for row in design.frame.itertuples(index=False):
        cells = []
        for name, value in zip(design.frame.columns, row):
            if name in factors:
                cells.append("NA" if pd.isna(value) else str(value))
            else:
                cells.append(format_float(float(value)))
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def r_data_expr(design: GeneratedDesign, csv_path: str) -> str:
    """R expression that rebuilds the frame from the CSV (declared levels and order)."""
    factors = {f.name: f for f in design.factors}
    classes = ", ".join(f"{c} = \"{'character' if c in factors else 'numeric'}\""
                        for c in design.frame.columns)
    lines = ["local({", f"  d <- read.csv(\"{csv_path}\", colClasses = c({classes}),",
             "                na.strings = \"NA\")"]
    for f in design.factors:
        levels = ", ".join(f'"{lv}"' for lv in f.levels)
        ordered = ", ordered = TRUE" if f.ordered else ""
        lines.append(f"  d${f.name} <- factor(d${f.name}, levels = c({levels}){ordered})")
    lines += ["  d", "})"]
    return "\n".join(lines)


def registry_case(design: GeneratedDesign, csv_path: str, notes: str = "") -> Case:
    """A :class:`Case` for ``conformance.cases`` whose dataset reads the CSV in R."""
    return design.to_case(case_id=design.id.replace("gen_", "generated_", 1),
                          dataset=r_data_expr(design, csv_path), notes=notes)


def _relative(path: Path) -> str:
    """`path` relative to the repository root when inside it (regen runs there)."""
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def write_case_dir(design: GeneratedDesign, path: Path | str, results: Iterable = (),
                   seed_value: int | None = None) -> Path:
    """Write a reproducible case directory for `design` (see the module docstring).

    Parameters
    ----------
    design : GeneratedDesign
    path : path
        Directory to create (or overwrite files in).
    results : iterable of QuantityResult
        The comparison; its failing quantities and their numbers are recorded.
    seed_value : int, optional
        The Hypothesis seed of the run that found it.

    Returns
    -------
    Path
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    design = trimmed(design)
    write_csv(design, path / "data.csv")
    csv_path = _relative(path / "data.csv")
    results = list(results)
    bad = [r for r in results if not r.passed and not is_known(r)]
    known = [r for r in results if not r.passed and is_known(r)]
    notes = ("generated design, minimal failing example: "
             + "; ".join(f"{r.quantity} ({r.detail})" for r in bad)) if bad else ""
    case = registry_case(design, csv_path, notes)
    meta = {"id": design.id, "formula": design.formula, "reml": design.reml,
            "weights": design.weights, "offset": design.offset,
            "family": design.family, "nAGQ": design.nAGQ,
            "columns": list(design.frame.columns),
            "factors": {f.name: {"levels": list(f.levels), "ordered": f.ordered}
                        for f in design.factors},
            "features": list(design.features), "nrow": len(design.frame), "seed": seed_value,
            "failing": [_result_record(r) for r in bad],
            "known": [_result_record(r) for r in known],
            "registry_case": case.to_dict()}
    (path / "design.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    (path / "repro.R").write_text(_repro_r(design, case), encoding="utf-8")
    (path / "repro.py").write_text(_REPRO_PY, encoding="utf-8")
    return path


def trimmed(design: GeneratedDesign) -> GeneratedDesign:
    """The design without the columns its formula, weights and offset never use.

    model.frame only evaluates those variables, so the fit cannot change.
    """
    named = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", design.formula))
    named |= {c for c in (design.weights, design.offset) if c}
    keep = [c for c in design.frame.columns if c in named]
    factors = tuple(f for f in design.factors if f.name in named)
    return GeneratedDesign(design.frame[keep], factors, design.formula, design.reml,
                           design.weights, design.offset, design.features,
                           family=design.family, nAGQ=design.nAGQ)


def _result_record(r: Any) -> dict:
    return {"quantity": r.quantity, "tier": r.tier, "max_abs_err": _json_number(r.max_abs_err),
            "max_rel_err": _json_number(r.max_rel_err), "detail": r.detail}


def _json_number(x: float) -> float | str:
    return repr(x) if isinstance(x, float) and not np.isfinite(x) else x


def _repro_r(design: GeneratedDesign, case: Case) -> str:
    from conformance.r_side import fit_call  # no R needed: text only

    return ("# Reproduce in R (run from the repository root)\n"
            "suppressPackageStartupMessages(library(lme4))\n"
            f"data <- {case.dataset}\n"
            f"fm <- {fit_call(design.to_case())}\n"
            "print(summary(fm))\nprint(getME(fm, \"theta\"), digits = 17)\n"
            "print(if (isGLMM(fm)) -2 * c(logLik(fm)) else if (isREML(fm)) REMLcrit(fm) "
            "else deviance(fm), digits = 17)\n")


_REPRO_PY = """\"\"\"Reproduce with pylme (run from the repository root).\"\"\"
from pathlib import Path

import pylme
from conformance.generated_cases import load_design

design = load_design(Path(__file__).parent)
fit_function = pylme.glmer if design.family else pylme.lmer
fit = fit_function(design.formula, design.frame, **design.fit_kwargs())
print(fit.summary())
print(repr(fit.theta.tolist()), repr(float(fit.opt.fval)))
"""


def load_design(path: Path | str) -> GeneratedDesign:
    """Read a case directory written by :func:`write_case_dir` back into a design."""
    path = Path(path)
    meta = json.loads((path / "design.json").read_text(encoding="utf-8"))
    factors = tuple(FactorMeta(name, tuple(spec["levels"]), bool(spec["ordered"]))
                    for name, spec in meta["factors"].items())
    # cells as text, numbers through Python's float() (correctly rounded in every
    # pandas version; the C parser's fast path is not)
    raw = pd.read_csv(path / "data.csv", dtype=str, keep_default_na=False)
    columns = {c: [None if v == "NA" else v if c in meta["factors"] else float(v)
                   for v in raw[c]] for c in meta["columns"]}
    return GeneratedDesign(make_frame(columns, factors), factors, meta["formula"],
                           bool(meta["reml"]), meta["weights"], meta["offset"],
                           tuple(meta["features"]), family=meta.get("family"),
                           nAGQ=int(meta.get("nAGQ", 1)))
