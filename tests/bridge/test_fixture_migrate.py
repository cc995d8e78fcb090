"""``pylme migrate`` on every bridge fixture script, audited by ``pylme verify --python``.

For each ``tests/data/bridge/scripts/*.R``:

* the translation has no ``TODO(pylme-migrate)`` (fast, no R needed);
* ``python -m pylme verify script.R --python script.py`` exits 0 with every model R fits
  paired with a pylme fit of the translation and passing (``fixture_sweep``/``needs_r``);
* scripts that draw under ``set.seed`` (bootstraps, simulations) give the same draws in
  the translation: the values named in :data:`DRAWS` are evaluated at the end of the R
  script and of the Python translation and compared.

The fixture folder is copied to ``tmp_path`` and the translation written beside the R
script in the copy: ``verify`` runs the Python script in its own folder, and the scripts'
data paths are relative to the fixture folder.  ``TMPDIR`` points into ``tmp_path`` so
the plots the scripts write to ``tempdir()`` (``tempfile.gettempdir()`` in Python) land
there; the test checks the fixture folder is unchanged.  Minutes in all: run with
``pytest -m fixture_sweep tests/bridge/test_fixture_migrate.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pylme.migrate import migrate_source

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS_DIR = ROOT / "tests" / "data" / "bridge" / "scripts"
SCRIPTS = sorted(SCRIPTS_DIR.glob("*.R"))
#: --timeout of each verify run (04's 100-fit parametric bootstrap is the slowest)
TIMEOUT_S = 400

#: script -> [(R expression, Python expression, rtol, atol)] compared after both ran.
#: Raw draws agree to the last bits; what is computed from refitted models agrees to the
#: optimizers' tolerance (the fits themselves are judged by verify); an LRT statistic of a
#: singular fit is 0 up to rounding (1e-13) on both sides.
DRAWS = {
    "02_sleepstudy_anova_boot.R": [
        # variance rows of refits: lme4's optimizer tolerance (3.6e-5 at worst, see the
        # rng='R' confint tests)
        ("ci_boot", "np.asarray(ci_boot, dtype=float).ravel(order='F')", 1e-4, 0),
        ("b$t", "np.asarray(b.t, dtype=float).ravel(order='F')", 1e-6, 0),
    ],
    "04_pulp_faraway.R": [("lrstat", "lrstat", 1e-5, 1e-9), ("pval", "pval", 0, 0)],
    "23_power_simulation.R": [
        ("d1$y", "d1['y']", 1e-13, 0),
        ("pvals", "pvals", 1e-5, 0),
        ("as.matrix(sims)", "np.asarray(sims, dtype=float).ravel(order='F')", 1e-8, 0),
        ("ysim", "ysim", 1e-8, 0),
    ],
}


def _translate(script: Path) -> str:
    return migrate_source(script.read_text(), script=script.name).python


def _entries() -> set[str]:
    return {str(p.relative_to(SCRIPTS_DIR)) for p in SCRIPTS_DIR.rglob("*")}


def _workdir(tmp_path: Path, script: Path) -> tuple[Path, Path, dict]:
    """A copy of the fixture folder with the translation beside the R script."""
    work = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, work)
    py = work / script.name.replace(".R", ".py")
    py.write_text(_translate(script))
    (tmp_path / "tmp").mkdir()
    env = dict(os.environ, TMPDIR=str(tmp_path / "tmp"), R_DEFAULT_DEVICE="pdf",
               MPLBACKEND="Agg")
    return work, py, env


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_fixture_migrates_without_todo(script: Path) -> None:
    result = migrate_source(script.read_text(), script=script.name)
    assert [(t.line, t.reason) for t in result.todos] == []
    compile(result.python, script.name.replace(".R", ".py"), "exec")


@pytest.mark.needs_r
@pytest.mark.fixture_sweep
@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_translation_verifies_against_r(script: Path, tmp_path: Path) -> None:
    before = _entries()
    work, py, env = _workdir(tmp_path, script)
    out = tmp_path / "verify.json"
    proc = subprocess.run([sys.executable, "-m", "pylme", "verify", str(work / script.name),
                           "--python", str(py), "--quiet", "--json", str(out),
                           "--timeout", str(TIMEOUT_S)],
                          capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=3 * TIMEOUT_S)
    text = proc.stdout[-6000:] + proc.stderr[-3000:]
    assert out.exists(), text
    data = json.loads(out.read_text())
    assert data["script_error"] is None, text
    assert data["models"], f"{script.name}: no model captured\n{text}"
    assert not [n for n in data["notes"] if "Python script" in n], data["notes"]
    bad = [(m["index"], m["site"], m["python_site"], m["status"], m["reason"][:300])
           for m in data["models"] if m["status"] != "pass"]
    assert not bad, bad
    assert proc.returncode == 0, text
    assert _entries() == before, "the fixture folder changed"


def _r_values(work: Path, script: Path, exprs: list[str], env: dict) -> list[np.ndarray]:
    """The R expressions evaluated after ``source()`` of the script in its folder."""
    dump = work.parent / "r_values.txt"
    lines = [f'source("{script.name}", chdir = TRUE)', f'con <- file("{dump}", "w")']
    for e in exprs:
        lines.append(f'writeLines(paste(sprintf("%.17g", as.numeric(unlist({e}))), '
                     f'collapse = " "), con)')
    lines.append("close(con)")
    proc = subprocess.run(["Rscript", "-e", "; ".join(lines)], cwd=work, env=env,
                          capture_output=True, text=True, timeout=3 * TIMEOUT_S)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [np.array([float(v) for v in line.split()]) for line in dump.read_text().splitlines()]


def _py_values(work: Path, py: Path, exprs: list[str], env: dict) -> list[np.ndarray]:
    """The Python expressions evaluated after running the translation in its folder."""
    dump = work.parent / "py_values.json"
    code = (f"import runpy, json, numpy as np\n"
            f"g = runpy.run_path({str(py)!r}, run_name='__main__')\n"
            f"g['np'] = np\n"
            f"out = [np.ravel(np.asarray(eval(e, g), dtype=float)).tolist() for e in {exprs!r}]\n"
            f"open({str(dump)!r}, 'w').write(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=work, env=env,
                          capture_output=True, text=True, timeout=3 * TIMEOUT_S)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [np.array(v, dtype=float) for v in json.loads(dump.read_text())]


@pytest.mark.needs_r
@pytest.mark.fixture_sweep
@pytest.mark.parametrize("name", sorted(DRAWS))
def test_seeded_draws_match_r(name: str, tmp_path: Path) -> None:
    script = SCRIPTS_DIR / name
    before = _entries()
    work, py, env = _workdir(tmp_path, script)
    pairs = DRAWS[name]
    r_vals = _r_values(work, script, [pair[0] for pair in pairs], env)
    py_vals = _py_values(work, py, [pair[1] for pair in pairs], env)
    for (r_expr, py_expr, rtol, atol), r, p in zip(pairs, r_vals, py_vals):
        assert r.shape == p.shape, (r_expr, r.shape, py_expr, p.shape)
        np.testing.assert_allclose(p, r, rtol=rtol, atol=atol, err_msg=f"{r_expr} vs {py_expr}")
    assert _entries() == before, "the fixture folder changed"
