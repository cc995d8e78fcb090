"""Plot rules of ``pylme migrate`` (ggplot2 -> plotnine, base graphics and lattice ->
matplotlib, merMod plots -> pylme.plots): each R case in
tests/data/migrate_rules/plots/ is translated and executed; it must write the files
R's devices write (names, PDF page counts, PNG pixel sizes), as frozen by
tests/data/migrate_rules/make_plots.R in plots/expected.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pylme.migrate.translate import migrate_source

DATA = Path(__file__).resolve().parents[1] / "data" / "migrate_rules"
EXPECTED = json.loads((DATA / "plots" / "expected.json").read_text())
CASES = sorted(k for k in EXPECTED if not k.startswith("_"))
SCRIPTS = Path(__file__).resolve().parents[1] / "data" / "bridge" / "scripts"
OWN = ("plot", "hist", "boxplot", "abline", "lines", "points", "legend", "qqnorm", "qqline",
       "par", "png", "pdf", "dev.off", "xyplot", "dotplot", "bwplot", "qqmath",
       "trellis.device", "interaction.plot", "ggplot", "aes", "ggsave", "geom_", "facet_", "theme", "labs")


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def _png_size(png: Path) -> tuple[int, int]:
    head = png.read_bytes()[16:24]
    return int.from_bytes(head[:4], "big"), int.from_bytes(head[4:], "big")


def run_translated(name: str, tmp_path: Path) -> str:
    """Translate plots/<name>.R and run it in a fresh interpreter inside ``tmp_path``
    (a fresh process, so that its devices are closed at exit as R closes them)."""
    result = migrate_source((DATA / "plots" / f"{name}.R").read_text(), f"{name}.R")
    assert not result.todos, result.report()
    shutil.copy(DATA / "dplyr_input.csv", tmp_path / "dplyr_input.csv")
    (tmp_path / f"{name}.py").write_text(result.python)
    env = dict(os.environ, MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, f"{name}.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-3000:] + "\n" + result.python
    return result.python


@pytest.mark.parametrize("name", CASES)
def test_plot_case_writes_what_r_writes(name, tmp_path):
    code = run_translated(name, tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".png", ".pdf"))
    assert written == sorted(EXPECTED[name]), code
    for fname, info in EXPECTED[name].items():
        path = tmp_path / fname
        assert path.stat().st_size > 0
        if "pages" in info:
            assert _pages(path) == info["pages"], (fname, code)
        else:
            assert _png_size(path) == (info["width"], info["height"]), (fname, code)


def test_translated_plotting_script_sets_agg_backend():
    py = migrate_source('png("a.png")\nhist(c(1, 2, 3))\ndev.off()\n').python
    assert 'matplotlib.use("Agg")' in py
    assert "plt.show" not in py


def test_ggplot_translation_reads_like_plotnine():
    src = ('p <- ggplot(d, aes(x, y, colour = g)) + geom_point() + facet_wrap(~ g) + '
           'theme(legend.position = "none")')
    py = migrate_source(src).python
    assert ('p9.ggplot(d, p9.aes(x="x", y="y", color="g")) + p9.geom_point() + '
            'p9.facet_wrap("~g") + p9.theme(legend_position="none")') in py


def test_mermod_plots_use_pylme_plots():
    src = ("library(lme4); library(lattice)\n"
           "fm <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy)\n"
           "plot(fm)\nprint(dotplot(ranef(fm, condVar = TRUE)))\n")
    py = migrate_source(src).python
    assert "pylme.plots.residuals_vs_fitted(fm)" in py
    assert "pylme.plots.caterpillar(fm)" in py


@pytest.mark.parametrize("script", ["02_sleepstudy_anova_boot.R", "05_cake.R", "07_dplyr_ggplot_csv.R",
                                    "12_tidyr_pivot_longer.R", "13_base_graphics.R",
                                    "14_lattice_xyplot.R", "18_predict_newdata.R",
                                    "19_confint_wald_profile.R", "25_pipes_split_apply.R"])
def test_fixture_plot_and_dplyr_parts_translate(script):
    """The dplyr/tidyr/ggplot2/lattice/base-graphics lines of the bridge fixtures leave
    no TODO (TODOs of other constructs belong to the core translator)."""
    path = SCRIPTS / script
    if not path.exists():
        pytest.skip(f"fixture {script} not present")
    result = migrate_source(path.read_text(), script)
    from pylme.migrate.rules.dplyr import VERBS

    mine = set(VERBS) | {"n_distinct", "if_else", "case_when", "bind_rows", "across"}
    for todo in result.todos:
        names = set(re.findall(r"([A-Za-z_.]+)\(", todo.reason))
        assert not names & mine, todo
        assert not any(n.startswith(OWN) for n in names), todo
