"""``coef(summary(m))`` of a mixed model: the fixed-effects table as lme4/lmerTest gives it.

R 4.2.2, lmerTest 3.1-3: ``m <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy);
coef(summary(m))``::

                 Estimate Std. Error       df  t value     Pr(>|t|)
    (Intercept) 251.40510  9.7467163  22.8102 25.79383 2.241351e-18
    Days         10.46729  0.8042214 161.0000 13.01543 6.412601e-27
"""

from __future__ import annotations

import numpy as np

from pylme.migrate import migrate_source

R_TABLE = {"Estimate": [251.40510, 10.46729], "Std. Error": [9.7467163, 0.8042214],
           "df": [22.8102, 161.0], "t value": [25.79383, 13.01543],
           "Pr(>|t|)": [2.241351e-18, 6.412601e-27]}


def test_coef_of_a_lmertest_summary_is_its_coefficient_table():
    source = ("library(lmerTest)\nm <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy)\n"
              "tab <- coef(summary(m))\nest <- coef(summary(m))[, \"Estimate\"]\n")
    python = migrate_source(source).python
    assert "TODO" not in python
    scope: dict = {}
    exec(compile(python, "<migrated>", "exec"), scope)
    tab = scope["tab"]
    assert list(tab.index) == ["(Intercept)", "Days"]
    for column, values in R_TABLE.items():
        np.testing.assert_allclose(tab[column].to_numpy(), values, rtol=1e-6)
    np.testing.assert_allclose(scope["est"].to_numpy(), R_TABLE["Estimate"], rtol=1e-6)
