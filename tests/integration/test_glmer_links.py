"""Every family/link pair of glmer against lme4 1.1-31 (frozen by tests/data/glmm/links/make_links.R).

The links lme4 evaluates in C++ with its clamps (logit, probit, cloglog, cauchit, log,
identity, inverse) and those it leaves to R's closures (sqrt, 1/mu^2), the scale
families (Gamma, inverse.gaussian, gaussian with a link) and lme4's errors where its
PIRLS fails.  Whole fits: the objective may not be worse than lme4's by 1e-6 and θ̂,
β̂ agree to 1e-5 relative (every path here is reproducible in lme4).
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import NumericalError

DATA = pathlib.Path(__file__).parents[1] / "data" / "glmm"
CASES = json.loads((DATA / "links" / "links.json").read_text())["cases"]
FAMILIES = {
    'binomial(link = "cloglog")': lambda: pylme.families.binomial(link="cloglog"),
    'binomial(link = "cauchit")': lambda: pylme.families.binomial(link="cauchit"),
    'binomial(link = "log")': lambda: pylme.families.binomial(link="log"),
    'poisson(link = "sqrt")': lambda: pylme.families.poisson(link="sqrt"),
    'poisson(link = "identity")': lambda: pylme.families.poisson(link="identity"),
    "Gamma()": lambda: pylme.families.Gamma(),
    'Gamma(link = "identity")': lambda: pylme.families.Gamma(link="identity"),
    'inverse.gaussian(link = "log")': lambda: pylme.families.inverse_gaussian(link="log"),
    "inverse.gaussian()": lambda: pylme.families.inverse_gaussian(),
    'gaussian(link = "log")': lambda: pylme.families.gaussian(link="log"),
}


def _data(name: str) -> pd.DataFrame:
    if name == "gdat":
        d = pd.read_csv(DATA / "devfun" / "gamma_sim.csv", dtype={"g": str})
        d["g"] = pd.Categorical(d["g"], categories=[str(i) for i in range(1, 41)])
        return d
    return pylme.datasets.load(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_family_link_fit_as_lme4(name):
    ref = CASES[name]
    data, family = _data(ref["data"]), FAMILIES[ref["family"]]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "error" in ref:
            with pytest.raises(NumericalError) as info:
                pylme.glmer(ref["formula"], data, family=family)
            assert str(info.value) == ref["error"]
            return
        fit = pylme.glmer(ref["formula"], data, family=family)
    assert fit.optimum.fval <= ref["m2ll"] + 1e-6
    assert fit.optimum.fval == pytest.approx(ref["m2ll"], rel=1e-8)
    np.testing.assert_allclose(fit.theta, np.atleast_1d(ref["theta"]), rtol=1e-5)
    np.testing.assert_allclose(fit.beta, np.atleast_1d(ref["beta"]), rtol=1e-5)
