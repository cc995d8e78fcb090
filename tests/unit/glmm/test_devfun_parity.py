"""lme4's glmer deviance functions at fixed parameters (frozen from R: tests/data/glmm/devfun/devrefs.R).

Deterministic quantities first: the initial PIRLS (β start, lp0), the θ-only deviance
(nAGQ = 0 and stage 1), the (θ, β) deviance of stage 2 (Laplace) and adaptive
Gauss–Hermite quadrature with 5 and 25 nodes, for binomial (logit, probit, cbind,
proportions with weights), Poisson, Gamma(log), crossed and vector-valued random effects.
"""

from __future__ import annotations

import gzip
import json
import pathlib

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.glmm.control import GlmerControl
from pylme.glmm.devfun import ThetaBetaDevfun, ThetaDevfun
from pylme.glmm.families import family_from_arg
from pylme.glmm.fit import model_modules
from pylme.glmm.glformula import gl_formula
from pylme.glmm.pirls import pirls

DATA = pathlib.Path(__file__).parents[2] / "data" / "glmm" / "devfun"
REFS = json.loads(gzip.decompress((DATA / "devfun_refs.json.gz").read_bytes()))["cases"]
REL = 1e-10  # the issue's bar for deterministic deviances at lme4's parameters


def _family(text: str):
    fams = pylme.families
    table = {"binomial()": fams.binomial(), "binomial(link='probit')": fams.binomial(link="probit"),
             "poisson()": fams.poisson(), "Gamma(link='log')": fams.Gamma(link="log")}
    return table[text]


def _data(name: str) -> pd.DataFrame:
    if name == "gdat":
        d = pd.read_csv(DATA / "gamma_sim.csv", dtype={"g": str})
        d["g"] = pd.Categorical(d["g"], categories=[str(i) for i in range(1, 41)])
        return d
    return pylme.datasets.load(name)


def _modules(ref):
    data = _data(ref["data"])
    formula = " ".join(ref["formula"]) if isinstance(ref["formula"], list) else ref["formula"]
    inputs = gl_formula(formula, data, _family(ref["family"]), weights=ref.get("weights") or None,
                        control=GlmerControl())
    return inputs, *model_modules(inputs)


@pytest.fixture(scope="module", params=sorted(REFS))
def case(request):
    ref = REFS[request.param]
    return request.param, ref, *_modules(ref)


def _close(actual, expected, rel=REL):
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=rel, atol=0)


def test_initial_pirls(case):
    name, ref, inputs, predictor, resp = case
    eta0 = resp.family.link.linkfun(inputs.mustart)
    state = pirls(predictor, resp, np.asarray(ref["theta0"], float).ravel(), eta0, resp.offset,
                  u_only=False, tol=1e-7)
    _close(state.beta, ref["init_beta"], 1e-9)
    _close(state.eta - resp.offset, ref["init_lp0"], 1e-9)


def test_theta_devfun(case):
    name, ref, inputs, predictor, resp = case
    f = ThetaDevfun(predictor, resp, np.asarray(ref["init_lp0"], float), 1e-7)
    for theta, value in zip(ref["theta_devfun"]["theta"], ref["theta_devfun"]["value"]):
        _close(f(np.asarray(theta, float).ravel()), value)


def test_stage2_devfun(case):
    name, ref, inputs, predictor, resp = case
    f = ThetaBetaDevfun(predictor, resp, np.asarray(ref["stage2_lp0"], float), 1e-7)
    for par, value in zip(ref["stage2_devfun"]["par"], ref["stage2_devfun"]["value"]):
        _close(f(np.asarray(par, float)), value)


#: the references with quadrature values (lme4 computes them for cbpp and Contraception)
AGQ_CASES = sorted(name for name, ref in REFS.items() if "agq" in ref)


@pytest.mark.parametrize("nodes", [5, 25])
@pytest.mark.parametrize("name", AGQ_CASES)
def test_agq_devfun(name, nodes):
    ref = REFS[name]
    inputs, predictor, resp = _modules(ref)
    f = ThetaBetaDevfun(predictor, resp, np.asarray(ref["stage2_lp0"], float), 1e-7, n_agq=nodes)
    for par, value in zip(ref["agq"]["par"], ref["agq"][f"value{nodes}"]):
        _close(f(np.asarray(par, float)), value)
