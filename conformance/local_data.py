"""Data sets the harness makes in R and ships as CSV (``r_reference/data``): write, read.

A :class:`~conformance.cases.LocalData` is R code with ``set.seed`` (glmer_spec.md §4.4's
simulated Gamma data, for instance). :func:`write_local_data` runs it once in R and writes

* ``r_reference/data/<name>.csv``: a header, then doubles as ``%.17g`` (R's ``read.csv``
  then parses them with C's correctly rounded ``strtod``, as Python's ``float`` does:
  ``conformance.generated_cases.format_float``) and factors as labels;
* ``r_reference/data/<name>.json``: the R code, R's version, the columns and the CSV's
  sha256.

R reads the CSV back with :func:`read_csv_r` (the declared factor levels), pylme with
:func:`load_local_data`; so both sides fit the very same doubles.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conformance.cases import LocalData

__all__ = ["REPO", "read_csv_r", "load_local_data", "write_local_data", "in_repo_r",
           "check_local_data"]

REPO = Path(__file__).resolve().parents[1]


def read_csv_r(local: LocalData) -> str:
    """R expression reading ``local``'s CSV (path relative to the repository root)."""
    factor_names = [name for name, _ in local.factors]
    classes = ", ".join(f'{name} = "character"' for name in factor_names)
    lines = [f'local({{d <- read.csv("{local.csv_path}"'
             + (f", colClasses = c({classes})" if classes else "") + ")"]
    for name, levels in local.factors:
        lines.append(f"  d${name} <- factor(d${name}, levels = c("
                     + ", ".join(f'"{lv}"' for lv in levels) + "))")
    return "\n".join(lines + ["  d})"])


def in_repo_r(r_expr: str) -> str:
    """`r_expr` evaluated with the repository root as R's working directory."""
    return (f'local({{.owd <- setwd("{REPO.as_posix()}"); on.exit(setwd(.owd))\n'
            f"{r_expr}}})")


def load_local_data(local: LocalData) -> pd.DataFrame:
    """``local``'s CSV as pylme reads it: numbers through ``float()``, factors with their
    declared levels."""
    raw = pd.read_csv(REPO / local.csv_path, dtype=str, keep_default_na=False)
    levels = dict(local.factors)
    data: dict[str, Any] = {}
    for column in raw.columns:
        values = raw[column].tolist()
        if column in levels:
            data[column] = pd.Categorical(values, categories=list(levels[column]))
        else:
            data[column] = np.array([np.nan if v == "NA" else float(v) for v in values])
    return pd.DataFrame(data)


def write_local_data(session: Any, local: LocalData, root: Path = REPO) -> list[Path]:
    """Run ``local.make_r`` in R and write its CSV and provenance JSON under `root`."""
    from conformance.generated_cases import format_float
    from conformance.regen import canonical_json, write_text
    from conformance.r_side import r_versions

    env = session.new_env()
    session.run(f".pylme_data <- {local.make_r}", env)
    frame = session.get("as.list(.pylme_data)", env).value
    names = list(frame.attr_values("names"))
    declared = dict(local.factors)
    cells = []
    for name, column in zip(names, frame.values):
        if column.is_factor:
            levels = tuple(column.attr_values("levels"))
            if levels != declared.get(name):
                raise ValueError(f"{local.name}: factor {name} has levels {levels}, "
                                 f"declared {declared.get(name)}")
            cells.append(["NA" if v is None else levels[v - 1] for v in column.values])
        else:
            cells.append([format_float(np.nan if v is None else float(v)) for v in column.values])
    text = "\n".join([",".join(names)] + [",".join(row) for row in zip(*cells)]) + "\n"
    csv_path = root / local.csv_path
    write_text(csv_path, text)
    versions = r_versions(session)
    meta = {"name": local.name, "make_r": local.make_r, "notes": local.notes,
            "R": versions["R"], "columns": names,
            "factors": {name: list(levels) for name, levels in local.factors},
            "format": "csv; doubles as %.17g (read.csv and Python float() give the same "
                      "doubles); factors as labels; NA as NA",
            "nrow": len(cells[0]) if cells else 0,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    json_path = csv_path.with_suffix(".json")
    write_text(json_path, canonical_json(meta))
    return [csv_path, json_path]


def check_local_data(local: LocalData, root: Path = REPO) -> bool:
    """True when the shipped CSV is the one its provenance file describes."""
    csv_path = root / local.csv_path
    meta = json.loads(csv_path.with_suffix(".json").read_text(encoding="utf-8"))
    return hashlib.sha256(csv_path.read_bytes()).hexdigest() == meta["sha256"]
