"""R's print() and cat() of plain values in translated scripts (pylme.migrate.rprint).

Expected text: R 4.2.2's ``capture.output(print(<R code>))`` of each case in
tests/data/migrate/rprint/values/rprint_cases.py, frozen by freeze.py in that folder
into r_print.json (and, for cat(), the exact text R writes, sunk to a file).  Compared
line by line, trailing blanks included.
"""

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.migrate import rbase
from pylme.migrate.rprint import rcat, rprint

DATA = Path(__file__).parent.parent / "data" / "migrate" / "rprint" / "values"
sys.path.insert(0, str(DATA))
from rprint_cases import CASES, CAT_CASES  # noqa: E402

_FROZEN_ALL = json.loads((DATA / "r_print.json").read_text())
FROZEN, CAT_FROZEN = _FROZEN_ALL["cases"], _FROZEN_ALL["cat"]
_NS = {"np": np, "pd": pd, "rbase": rbase, "pylme": pylme,
       **{n: pylme.datasets.load(n) for n in ("mtcars", "iris", "ToothGrowth", "sleepstudy")}}


def _printed(fn, *args, **kwargs) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn(*args, **kwargs)
    return buf.getvalue()


def test_frozen_cases_cover_the_brief():
    assert set(FROZEN) == set(CASES) and len(CASES) >= 25
    assert set(CAT_FROZEN) == set(CAT_CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_print_matches_r(name):
    _, py, options = CASES[name]
    value = eval(py, dict(_NS))
    got = _printed(rprint, value, **options).split("\n")
    assert got[-1] == ""  # every printout ends with a newline
    assert got[:-1] == FROZEN[name]["text"]


def test_rprint_returns_its_argument():
    x = np.array([1.0, 2.0])
    with contextlib.redirect_stdout(io.StringIO()):
        assert rprint(x) is x


def test_objects_that_print_themselves_are_unchanged():
    class Printed:
        def __str__(self):
            return "R text\n  of a summary"

    assert _printed(rprint, Printed()) == "R text\n  of a summary\n"


@pytest.mark.parametrize("name", sorted(CAT_CASES))
def test_cat_writes_what_r_writes(name):
    expected = CAT_FROZEN[name]["written"]
    assert _printed(lambda: eval(CAT_CASES[name][1], {**_NS, "rcat": rcat})) == expected


# ---------------------------------------------------------------- translation
def _migrate(source: str) -> str:
    from pylme.migrate.translate import migrate_source

    return migrate_source(source).python


def test_auto_print_and_print_become_rprint():
    py = _migrate("x <- c(1.5, 2)\nx\nprint(x, digits = 3)\ntab <- table(x)\ntab\n"
                  "l <- list(1, 2)\nl\ncat(x, 1/3, sep = ', ')\n")
    assert "from pylme.migrate.rprint import rprint" in py
    assert "\nrprint(x)\n" in py
    assert "\nrprint(x, digits=3)\n" in py
    assert '\nrprint(tab, kind="table")\n' in py
    assert '\nrprint(l, kind="list")\n' in py
    assert "\nrcat(x, 1 / 3, sep=', ')\n" in py
    py = _migrate("d <- head(iris)\nprint(d, row.names = FALSE)\n")
    assert "rprint(d, row_names=False)" in py


def test_columns_print_unnamed():
    py = _migrate("mtcars$mpg\nhead(mtcars$mpg)\nmtcars[, 'wt'] * 2\nx <- c(a = 1)\nx\n")
    assert py.count("names=False") == 3 and "\nrprint(x)\n" in py


def test_self_printing_values_keep_their_text():
    py = _migrate("library(lme4)\nfm <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)\n"
                  "fm\nsummary(fm)\ntt <- t.test(sleepstudy$Reaction)\ntt\n")
    # pylme's results through rprint (their text, no blank line print() would add);
    # the migrate runtime's HTest keeps Python's print
    assert "\nrprint(fm)\nrprint(fm.summary())\n" in py
    assert "\nprint(tt)\n" in py


def _run_translated(tmp_path) -> str:
    script = DATA / "script.R"
    target = tmp_path / "script.py"
    target.write_text(_migrate(script.read_text()))
    proc = subprocess.run([sys.executable, str(target)], cwd=DATA, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_translated_script_prints_what_rscript_prints(tmp_path):
    expected = json.loads((DATA / "r_print.json").read_text())["script_stdout"]
    assert _run_translated(tmp_path).split("\n") == expected.split("\n")


@pytest.mark.needs_r
def test_translated_script_prints_what_rscript_prints_live(tmp_path):
    r = subprocess.run(["Rscript", "script.R"], cwd=DATA, capture_output=True, text=True,
                       check=True)
    assert _run_translated(tmp_path) == r.stdout
