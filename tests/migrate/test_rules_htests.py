"""``pylme migrate`` of R's classical tests and ``summary()`` of data: the translation
calls pylme.migrate.rhtest / rsummary, and the migrated script prints what R prints.

tests/data/migrate/rhtest/script.R's R output is frozen (first line: how) in
script_r_output.txt.
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from pathlib import Path

import pytest

from pylme.migrate.translate import migrate_source

DATA = Path(__file__).resolve().parents[1] / "data" / "migrate" / "rhtest"


def run_python(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<migrated>", "exec"), {"__name__": "__migrated__"})
    return out.getvalue()


def test_migrated_script_prints_r_text():
    result = migrate_source((DATA / "script.R").read_text(), "script.R")
    assert not result.todos
    expected = (DATA / "script_r_output.txt").read_text().split("\n", 1)[1]
    assert run_python(result.python) == expected


@pytest.mark.parametrize("r_code, fragment", [
    ("t.test(extra ~ group, data = sleep)", 'rhtest.t_test("extra ~ group", data=sleep)'),
    ("t.test(a, b, var.equal = TRUE, mu = 1)",
     'rhtest.t_test(a, b, mu=1, var_equal=True, data_name="a and b")'),
    ("chisq.test(tab, correct = FALSE)",
     'rhtest.chisq_test(tab, correct=False, data_name="tab")'),
    ('cor.test(u, v, method = "spearman")',
     'rhtest.cor_test(u, v, method="spearman", data_name="u and v")'),
    ("summary(iris)", "rsummary.summary_df(iris)"),
    ("summary(iris$Species)", 'rsummary.summary_default(iris["Species"])'),
])
def test_rule_output(r_code, fragment):
    prelude = "a <- c(1, 2, 3)\nb <- c(2, 4, 7)\ntab <- table(c(1, 2), c(1, 2))\n" \
              "u <- c(1, 2, 3)\nv <- c(3, 1, 2)\n"
    assert fragment in migrate_source(prelude + r_code).python


def test_dollar_and_double_bracket_read_htest_components():
    r = json.loads((DATA / "r_output.json").read_text())["cases"]["t_formula_sleep"]
    code = migrate_source("tt <- t.test(extra ~ group, data = sleep)\n"
                          "p1 <- tt$p.value\np2 <- tt[[\"p.value\"]]\n"
                          "ci <- tt$conf.int[2]\nest <- tt$estimate[1]\n").python
    assert "tt.p_value" in code and 'tt["p.value"]' in code
    scope: dict = {}
    exec(compile(code, "<migrated>", "exec"), scope)
    p = float(r["numbers"]["p.value"][0])
    assert scope["p1"] == scope["p2"] == pytest.approx(p, rel=1e-12)
    assert scope["ci"] == pytest.approx(float(r["numbers"]["conf.int"][1]), rel=1e-12)
    assert scope["est"] == pytest.approx(0.75, rel=1e-15)


def test_summary_of_a_model_is_not_taken():
    code = migrate_source("fit <- lm(mpg ~ wt, data = mtcars)\ns <- summary(fit)\n").python
    assert "rsummary" not in code


def test_unsupported_arguments_become_todos():
    result = migrate_source("r <- chisq.test(tab, simulate.p.value = TRUE)\n")
    assert any("simulate.p.value" in t.reason for t in result.todos)


# R 4.2.2: deparse1(str2lang(<left>)) gives <right> (run by hand, frozen here)
@pytest.mark.parametrize("script, r_deparse", [
    ("sleep$extra[sleep$group==1]", "sleep$extra[sleep$group == 1]"),
    ("c(20,30,50)", "c(20, 30, 50)"),
    ("-x + y", "-x + y"),
    ('df[df$a>1 & !is.na(df$b), "y"]', 'df[df$a > 1 & !is.na(df$b), "y"]'),
    ("a%in%b", "a %in% b"),
    ("log(x)^2", "log(x)^2"),
    ("matrix(c(12, 5,7, 9),nrow=2)", "matrix(c(12, 5, 7, 9), nrow = 2)"),
    ("rep(-1,times=3)", "rep(-1, times = 3)"),
    ("x[-1]", "x[-1]"),
    ("x[, 1]", "x[, 1]"),
])
def test_data_name_is_r_deparse(script, r_deparse):
    test = "chisq.test" if script.startswith("matrix") else "t.test"
    result = migrate_source(f"y <- 1\nres <- {test}({script})\n")
    assert not result.todos
    code = result.python
    assert f"data_name={json.dumps(r_deparse)}" in code
