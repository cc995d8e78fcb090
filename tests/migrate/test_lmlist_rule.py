"""``lmList`` in a migrated script: lme4's becomes :func:`pylme.lmList`, nlme's stays a TODO.

R 4.2.2 + lme4 1.1-31 values (``print(coef(x)[row, ], digits = 17)``):

* ``lmList(Reaction ~ Days | Subject, sleepstudy)``, Subject 308: 244.19266909090925,
  21.764702424242412;
* ``lmList(cbind(incidence, size - incidence) ~ period | herd, data = cbpp, family = binomial)``,
  herd 1: -1.7917594692280543, 0.69314718055994473, 1.5686159179138446, -22.744740509454616
  (herd 8 fails to fit, with lme4's warning).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pylme.migrate import migrate_source

SCRIPT = """library(lme4)
fm <- lmList(Reaction ~ Days | Subject, sleepstudy)
cf <- coef(fm)
g <- lmList(cbind(incidence, size - incidence) ~ period | herd, data = cbpp, family = binomial)
cg <- coef(g)
"""


def test_lme4_lmlist_translates_and_matches_r():
    python = migrate_source(SCRIPT).python
    assert "TODO" not in python
    assert 'pylme.lmList("Reaction ~ Days | Subject", sleepstudy, data_name="sleepstudy")' in python
    assert 'family="binomial"' in python
    scope: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(python, "<migrated>", "exec"), scope)
    assert any("Fitting failed for 1 group(s)" in str(w.message) for w in caught)
    np.testing.assert_allclose(scope["cf"].loc["308"], [244.19266909090925, 21.764702424242412], rtol=1e-12)
    np.testing.assert_allclose(scope["cg"].loc["1"], [-1.7917594692280543, 0.69314718055994473,
                                                      1.5686159179138446, -22.744740509454616], rtol=1e-7)
    assert list(scope["cg"].columns) == ["(Intercept)", "period2", "period3", "period4"]
    assert scope["cg"].loc["8"].isna().all()


@pytest.mark.parametrize("source", [
    "library(lme4)\nlibrary(nlme)\nfm <- lmList(Reaction ~ Days | Subject, sleepstudy)\n",
    "library(lme4)\nfm <- nlme::lmList(Reaction ~ Days | Subject, sleepstudy)\n",
])
def test_nlme_lmlist_is_left_to_a_person(source):
    result = migrate_source(source)
    assert "nlme's lmList()" in result.python and len(result.todos) == 1
