"""End to end on the bridge's fixture scripts (tests/data/bridge/scripts/*.R).

Every script translates (no exception), the Python compiles, and the report at the
end of the file lists exactly the TODOs.  Every script translates with 0 TODOs and its
translation runs to the end (in the scripts' folder, as ``pylme verify`` runs them);
tests/bridge/test_fixture_migrate.py audits the translations against R with
``pylme verify --python``.
The plots of 07/12 are translated by the ggplot2/tidyr rules of the same registry.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pylme.migrate import migrate_source

SCRIPTS_DIR = Path(__file__).parents[1] / "data" / "bridge" / "scripts"
SCRIPTS = sorted(p.name for p in SCRIPTS_DIR.glob("*.R"))
#: every fixture translates with 0 TODOs and its translation runs to the end
RUNS = SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_translates_and_compiles(name):
    result = migrate_source((SCRIPTS_DIR / name).read_text(), script=name)
    compile(result.python, name.replace(".R", ".py"), "exec")
    for todo in result.todos:
        assert f"{name}:{todo.line}: TODO(pylme-migrate): {todo.reason}" in result.python
        assert f"# TODO(pylme-migrate): {todo.reason} (R line {todo.line})" in result.python


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in RUNS if n in SCRIPTS])
def test_translation_has_no_todo_and_runs(name, tmp_path):
    result = migrate_source((SCRIPTS_DIR / name).read_text(), script=name)
    assert result.todos == ()
    script = tmp_path / name.replace(".R", ".py")
    script.write_text(result.python)
    proc = subprocess.run([sys.executable, str(script)], cwd=SCRIPTS_DIR, capture_output=True,
                          text=True, timeout=600, env={"MPLBACKEND": "Agg", **_env()})
    assert proc.returncode == 0, proc.stderr[-3000:]


def _env() -> dict:
    import os

    return dict(os.environ)
