"""``VarCorr(fm)$Subject`` / ``[[1]]`` / ``names(VarCorr(fm))`` (lme4 1.1-31, R 4.2.2).

R: ``m <- lmer(Reaction ~ Days + (Days|Subject), sleepstudy); v <- VarCorr(m)``;
``print(v$Subject, digits = 17)`` gives 612.1001580247688025, 9.6044089511577564 and
35.0717144509388490, ``attr(, "stddev")`` 24.7406579949840619 and 5.9221376588980812,
``attr(, "correlation")`` off the diagonal 0.065551238238128209; ``names(v)`` is "Subject".
"""

from __future__ import annotations

import numpy as np
import pytest

import pylme


@pytest.fixture(scope="module")
def vc():
    return pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy")).VarCorr()


def test_a_term_by_name_and_position(vc):
    assert vc.keys() == ["Subject"] and len(vc) == 1
    m = vc["Subject"]
    assert list(m.index) == list(m.columns) == ["(Intercept)", "Days"]
    np.testing.assert_allclose(m.to_numpy(), [[612.1001580247688025, 9.6044089511577564],
                                              [9.6044089511577564, 35.0717144509388490]], rtol=1e-6)
    np.testing.assert_allclose(m.attrs["stddev"], [24.7406579949840619, 5.9221376588980812], rtol=1e-6)
    assert m.attrs["correlation"].loc["Days", "(Intercept)"] == pytest.approx(0.065551238238128209, rel=1e-4)
    assert vc[0].equals(m) and vc[-1].equals(m)


def test_unknown_terms_are_key_errors(vc):
    with pytest.raises(KeyError, match="'Subject'"):
        vc["Batch"]
    with pytest.raises(KeyError):
        vc[1]
