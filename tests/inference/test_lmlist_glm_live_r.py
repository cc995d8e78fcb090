"""``lmList(..., family=)`` against a live R/lme4 on fresh random data (``needs_r``).

The frozen tests (test_lmlist_glm.py) pin R's values for fixed cases; this one draws
new per-group data each run (binomial counts, Poisson counts, Gamma responses) and
compares pylme's coefficients and MASS profile intervals with R's.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pylme

pytestmark = pytest.mark.needs_r


def _doubles(r_session, code: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in r_session.get(code).value.values], dtype=float)


@pytest.mark.parametrize("r_family, family", [("binomial", "binomial"), ("poisson", "poisson"),
                                               ('Gamma(link = "log")', pylme.families.Gamma(link="log"))])
def test_random_groups_match_r(r_session, r_family, family):
    rng = np.random.default_rng()
    g = np.repeat(list("abcd"), 25)
    x = rng.normal(size=g.size)
    eta = 0.3 + 0.6 * x + np.repeat(rng.normal(scale=0.3, size=4), 25)
    d = pd.DataFrame({"g": pd.Categorical(g), "x": x})
    if r_family == "binomial":
        d["s"] = rng.binomial(12, 1 / (1 + np.exp(-eta))).astype(float)
        d["f"] = 12.0 - d["s"]
        formula = "cbind(s, f) ~ x | g"
    elif r_family == "poisson":
        d["y"] = rng.poisson(np.exp(eta)).astype(float)
        formula = "y ~ x | g"
    else:
        d["y"] = rng.gamma(4.0, np.exp(eta) / 4.0)
        formula = "y ~ x | g"
    r_session.assign_frame("d", d)
    r_session.run(f"fm <- lmList({formula}, d, family = {r_family}); ci <- suppressMessages(confint(fm))")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fm = pylme.lmList(formula, d, family=family, data_name="d")
        ci = fm.confint()
    np.testing.assert_allclose(fm.coef().to_numpy().ravel(order="F"), _doubles(r_session, "unlist(coef(fm))"),
                               rtol=1e-8)
    want = _doubles(r_session, 'as.vector(as(ci, "array"))')
    np.testing.assert_allclose(ci.array.ravel(order="F"), want, rtol=1e-6)
    assert fm.text == "\n".join(r_session.get("capture.output(print(fm))").value.values) + "\n"
