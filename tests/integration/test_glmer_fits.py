"""Headline glmer fits against lme4 1.1-31 (frozen by tests/data/glmm/fits/make_fits.R).

The deviance functions are compared point by point in tests/unit/glmm; here the whole fit
and its accessors with their GLMM meanings: −2ℓ (Laplace or quadrature scale) versus
``deviance()`` (Σ squared deviance residuals), npar with σ for scale families, Hessian-based
standard errors, the four residual types, σ²-scaled conditional variances.

Optimizer-dependent values follow the machine-independence rules: the objective may not
be worse than lme4's by more than 1e-6; θ̂ and β̂ must be within 1e-5 relative where lme4's
own end point is reproducible (cbpp, Gamma), and within lme4's own spread over row
permutations where it is not (Contraception, 8 row orders in lme4: θ 0.4752186–0.4752361,
the ``age`` coefficient 0.0035322–0.0035358, i.e. 1e-3 relative; feval 358–412).
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme

DATA = pathlib.Path(__file__).parents[1] / "data" / "glmm"
REFS = json.loads((DATA / "fits" / "fits.json").read_text())["fits"]
CBPP = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


def _gamma_data() -> pd.DataFrame:
    d = pd.read_csv(DATA / "devfun" / "gamma_sim.csv", dtype={"g": str})
    d["g"] = pd.Categorical(d["g"], categories=[str(i) for i in range(1, 41)])
    return d


FITS = {
    "cbpp": lambda: pylme.glmer(CBPP, pylme.datasets.load("cbpp"), family="binomial"),
    "cbpp_agq25": lambda: pylme.glmer(CBPP, pylme.datasets.load("cbpp"), family="binomial", nAGQ=25),
    "cbpp_agq0": lambda: pylme.glmer(CBPP, pylme.datasets.load("cbpp"), family="binomial", nAGQ=0),
    "cbpp_probit": lambda: pylme.glmer(CBPP, pylme.datasets.load("cbpp"),
                                       family=pylme.families.binomial(link="probit")),
    "gamma_log": lambda: pylme.glmer("y ~ x + (1 | g)", _gamma_data(), family=pylme.families.Gamma(link="log")),
    "contraception": lambda: pylme.glmer("use ~ age + I(age^2) + urban + livch + (1 | district)",
                                         pylme.datasets.load("Contraception"), family="binomial"),
}
#: relative tolerance of θ̂/β̂: lme4's path is reproduced (1e-5, the issue's bar) or not (its spread)
PARAM_REL = {"contraception": 2e-3}


@pytest.fixture(scope="module", params=sorted(FITS))
def fitted(request):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = FITS[request.param]()
    return request.param, fit, REFS[request.param], [str(w.message) for w in caught]


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def test_objective_not_worse_than_lme4(fitted):
    name, fit, ref, _ = fitted
    assert fit.optimum.fval <= ref["m2ll"] + 1e-6
    assert -2 * fit.logLik() == pytest.approx(fit.optimum.fval, rel=1e-15)


def test_parameters(fitted):
    name, fit, ref, _ = fitted
    rel = PARAM_REL.get(name, 1e-5)
    assert _rel(fit.theta, np.atleast_1d(ref["theta"])) < rel
    beta = fit.fixef()
    assert list(beta.index) == list(ref["beta"])  # by name, in lme4's order
    assert _rel(beta.to_numpy(), list(ref["beta"].values())) < rel


def test_likelihood_accessors(fitted):
    name, fit, ref, _ = fitted
    assert fit.npar == ref["npar"] and fit.df_residual == ref["df_resid"]
    assert fit.AIC() - fit.optimum.fval == pytest.approx(ref["AIC"] - ref["m2ll"], abs=1e-9)
    assert fit.BIC() - fit.optimum.fval == pytest.approx(ref["BIC"] - ref["m2ll"], abs=1e-9)
    # deviance() is the sum of squared deviance residuals, not −2ℓ (glmer_spec.md trap 2)
    assert fit.deviance() == pytest.approx(ref["deviance"], rel=1e-4 if name in PARAM_REL else 1e-6)
    assert fit.deviance() == pytest.approx(float(np.sum(fit.residual_values("deviance") ** 2)), rel=1e-12)
    assert fit.sigma == pytest.approx(ref["sigma"], rel=1e-4 if name in PARAM_REL else 1e-6)


def test_standard_errors_and_vectors(fitted):
    name, fit, ref, _ = fitted
    rel = 1e-3 if name in PARAM_REL else 1e-5
    assert _rel(np.diag(fit.vcov().to_numpy()), ref["vcov_diag"]) < rel
    assert _rel(fit.fitted().to_numpy()[:5], ref["fitted"]) < rel
    for kind, values in ref["resid"].items():
        assert _rel(fit.residuals(kind).to_numpy()[:5], values) < (1e-2 if name in PARAM_REL else 1e-4), kind
    re = fit.ranef()
    first = next(iter(re.values()))
    assert _rel(first.iloc[:3, 0].to_numpy(), ref["ranef"]) < (1e-2 if name in PARAM_REL else 1e-4)
    assert _rel(first.attrs["postVar"].ravel()[:3], ref["condvar"]) < (1e-3 if name in PARAM_REL else 1e-5)
    assert _rel(fit.VarCorr().to_frame()["sdcor"].to_numpy(), ref["varcorr_sd"]) < rel


def test_warnings_as_lme4(fitted):
    name, fit, ref, caught = fitted
    if name == "contraception":
        # lme4's gradient value moves with its path (0.0025-0.0068 across row orders): compare the kinds
        assert [w.split(" = ")[0] for w in caught] == [w.split(" = ")[0] for w in ref["warnings"]]
    else:
        assert caught == ref["warnings"]
