"""dplyr/tidyr rules of ``pylme migrate``: each R snippet is translated, the Python is
executed on the same data, and its ``out`` must equal R's frozen ``out``.

R values: tests/data/migrate_rules/make_dplyr.R (R 4.2.2, dplyr and tidyr versions in
tests/data/migrate_rules/dplyr/VERSIONS.txt) wrote dplyr/<case>.csv for dplyr/<case>.R.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.migrate.translate import migrate_source

DATA = Path(__file__).resolve().parents[1] / "data" / "migrate_rules"
CASES = sorted(p.stem for p in (DATA / "dplyr").glob("*.R"))
HEADER = 'library(dplyr)\nlibrary(tidyr)\nd <- read.csv("dplyr_input.csv")\n'


def run_case(name: str, tmp_path: Path) -> tuple[str, dict]:
    """Translate dplyr/<name>.R (after the data-reading header) and execute it."""
    source = HEADER + (DATA / "dplyr" / f"{name}.R").read_text()
    result = migrate_source(source, f"{name}.R")
    assert not result.todos, result.report()
    for f in ("dplyr_input.csv", "wide_input.csv", "keys_input.csv"):
        shutil.copy(DATA / f, tmp_path / f)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        ns: dict = {}
        exec(compile(result.python, f"{name}.py", "exec"), ns)
    finally:
        os.chdir(cwd)
    return result.python, ns


def assert_frame_like_r(py: pd.DataFrame, r: pd.DataFrame, code: str) -> None:
    """Same column names, rows in the same order, equal values (NA where R has NA)."""
    py = pd.DataFrame(py).reset_index(drop=True)
    assert list(py.columns.astype(str)) == list(r.columns), code
    assert len(py) == len(r), code
    for col in r.columns:
        a, b = py[col], r[col]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            a = pd.to_numeric(pd.Series(np.asarray(a, dtype=object)), errors="coerce")
            np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-12,
                                       atol=1e-12, equal_nan=True, err_msg=f"{col}\n{code}")
        else:
            left = [None if pd.isna(v) else str(v) for v in a]
            right = [None if pd.isna(v) else str(v) for v in b]
            assert left == right, f"{col}\n{code}"


@pytest.mark.parametrize("name", CASES)
def test_case_matches_r(name, tmp_path):
    code, ns = run_case(name, tmp_path)
    expected = pd.read_csv(DATA / "dplyr" / f"{name}.csv", keep_default_na=False,
                           na_values=["NA"])
    assert_frame_like_r(ns["out"], expected, code)


def test_cases_are_frozen():
    assert len(CASES) >= 25
    for name in CASES:
        assert (DATA / "dplyr" / f"{name}.csv").exists(), name


def test_translation_is_idiomatic_pandas():
    """The chain reads as pandas: groupby with R's grouping options, agg, no helpers."""
    src = "out <- d %>% group_by(g) %>% summarise(m = mean(x, na.rm = TRUE), n = n())"
    py = migrate_source(src).python
    assert 'd.groupby(["g"], observed=True, sort=True, dropna=False)' in py
    assert '.agg(m=("x", "mean"), n=("g", "size")).reset_index()' in py


def test_mean_without_na_rm_propagates_na():
    py = migrate_source("out <- d %>% summarise(m = mean(x))").python
    assert "skipna=False" in py


def test_unknown_verb_argument_is_a_todo():
    result = migrate_source("out <- d %>% mutate(z = x, .keep = 'none')")
    assert len(result.todos) == 1 and ".keep" in result.todos[0].reason


@pytest.mark.needs_r
def test_frozen_values_are_current(tmp_path):
    """Re-run make_dplyr.R in a copy and compare with the frozen CSVs (needs R)."""
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("R not installed")
    work = tmp_path / "m"
    shutil.copytree(DATA, work)
    subprocess.run(["Rscript", "make_dplyr.R"], cwd=work, check=True, capture_output=True)
    for name in CASES:
        assert (work / "dplyr" / f"{name}.csv").read_text() == \
            (DATA / "dplyr" / f"{name}.csv").read_text(), name
