"""lm/glm/aov translations honour R's contrasts (``options(contrasts=)``, ``contrasts=``,
``contrasts<-``, ordered factors -> ``contr.poly``): the translated script's coefficients
equal R's by name (frozen in tests/data/migrate/contrasts_r.json by freeze_contrasts.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError
from pylme.migrate import migrate_source, rbase

DATA = Path(__file__).parents[1] / "data" / "migrate"
sys.path.insert(0, str(DATA))
from contrasts_cases import CONTRAST_CASES  # noqa: E402

R_VALUES = json.loads((DATA / "contrasts_r.json").read_text())["values"]


def run(code: str) -> dict:
    result = migrate_source(code)
    assert result.todos == (), result.python
    namespace: dict = {"__name__": "__translated__"}
    cwd = os.getcwd()
    os.chdir(DATA)
    try:
        with pylme.options(contrasts=None):  # the snippet's options() stay in the snippet
            exec(compile(result.python, "<translated>", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace


@pytest.mark.parametrize("name", sorted(CONTRAST_CASES))
def test_coefficients_equal_r_by_name(name):
    got = run(CONTRAST_CASES[name])["result"]
    want = dict(zip(R_VALUES[name]["names"], R_VALUES[name]["values"]))
    assert isinstance(got, pd.Series)
    assert sorted(got.index) == sorted(want), (list(got.index), list(want))
    for key, value in want.items():  # measured: <= 2e-12 (glm binomial), lm ~1e-14
        assert got[key] == pytest.approx(value, rel=1e-10, abs=1e-10), key


def test_sum_translation_reads_r_formula_and_anova_terms():
    code = CONTRAST_CASES["pulp_sum_aov"] + "\ntab <- summary(lmod)\n"
    python = migrate_source(code).python
    assert 'rbase.r_formula("bright ~ operator", pulp)' in python
    tab = run(code)["tab"]
    assert list(tab.index) == ["operator", "Residuals"]  # R's term name, not C(operator, Sum)
    assert tab.loc["operator", "Mean Sq"] == pytest.approx(0.446666666666664, rel=1e-12)


def test_plain_scripts_keep_plain_formulas():
    python = migrate_source("fit <- lm(y ~ g, data = d)\n").python
    assert 'smf.ols("y ~ g", data=d)' in python


def test_r_formula_codes_by_options_and_arguments():
    d = pd.DataFrame({"y": np.arange(6.0), "f": pd.Categorical(list("abcabc")),
                      "o": pd.Categorical(list("xyzxyz"), ordered=True), "s": list("pqpqpq"),
                      "x": np.arange(6.0)})
    assert rbase.r_formula("y ~ f + o + x", d) == "y ~ f + C(o, Poly) + x"
    with pylme.options(contrasts=("contr.sum", "contr.poly")):
        assert rbase.r_formula("y ~ f * s + np.log(x)", d) == \
            "y ~ C(f, Sum) * C(s, Sum) + np.log(x)"
        assert rbase.r_formula("y ~ C(f, Treatment)", d) == "y ~ C(f, Treatment)"
    assert rbase.r_formula("y ~ f", d, {"f": "contr.SAS"}) == \
        "y ~ C(f, Treatment(reference='c'))"
    with pytest.raises(ArgumentError):
        rbase.r_formula("y ~ f", d, {"f": "contr.nope"})


@pytest.mark.parametrize("patsy_name, r_name", [
    ("C(f, Sum)[S.b]", "f2"), ("C(f, Helmert)[H.c]", "f2"), ("C(o, Poly).Linear", "o.L"),
    ("C(o, Poly)^4", "o^4"), ("g[T.b]:C(o, Poly).Cubic", "gb:o.C"),
    ("C(f, Treatment(reference='c'))[T.a]", "fa"), ("C(f, Sum)", "f"), ("I(x ** 2)", "I(x^2)"),
])
def test_r_term_names(patsy_name, r_name):
    assert rbase.r_term_name(patsy_name, {"f": ["a", "b", "c"]}) == r_name
