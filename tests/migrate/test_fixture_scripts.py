"""End to end on the bridge's fixture scripts (tests/data/bridge/scripts/*.R).

Every script translates (no exception), the Python compiles, and the report at the
end of the file lists exactly the TODOs.  The scripts in ``RUNS`` translate with 0
TODOs and their translation runs to the end (in the scripts' folder, as
``pylme verify`` runs them).  The others still hold TODOs: datasets pylme does not
ship (nlme/mlmRev/lmerTest data), ``drop1`` of a glm.
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
RUNS = [
    "01_dyestuff_penicillin_pastes.R",
    "02_sleepstudy_anova_boot.R",
    "04_pulp_faraway.R",
    "05_cake.R",
    "06_star.R",
    "07_dplyr_ggplot_csv.R",
    "09_glmer_cbpp_poisson.R",
    "12_tidyr_pivot_longer.R",
    "15_base_data_manip.R",
    "16_read_rds_rdata.R",
    "17_read_table_tab.R",
    "19_confint_wald_profile.R",
    "20_ranef_coef_varcorr_update.R",
    "23_power_simulation.R",
]


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
