"""The compiled PIRLS loop (pylme.glmm.pirls_kernel) against the Python loop it replaces.

``pirls`` runs lme4's ``pwrssUpdate`` in one compiled call where the compiled decomposition
and family kernels apply; ``python_pirls`` is the general path and the reference.  Both
must reach the same state — u, β, η, μ, deviance residuals, the last decomposition's
weights, log-determinant and R_X, the iteration count — to ~1e-12 (relative to each
vector's largest entry), at lme4's parameters of the frozen devfun cases (joint PIRLS of
the θ-only deviance, u-only PIRLS of stage 2 and of adaptive quadrature), through step
halvings, and fail with the same lme4 errors.  The R values themselves are checked by
test_devfun_parity.py (whose frozen cases these reuse).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from test_devfun_parity import REFS, _modules

import pylme
from pylme.errors import NumericalError
from pylme.glmm import devfun as devfun_module
from pylme.glmm import pirls as pirls_module
from pylme.glmm.control import GlmerControl
from pylme.glmm.devfun import ThetaBetaDevfun, ThetaDevfun
from pylme.glmm.fit import model_modules
from pylme.glmm.glformula import gl_formula
from pylme.glmm.pirls import pirls, python_pirls
from pylme.linalg.reweight import DeferredFactor

REL = 1e-12
FIELDS = ("u", "beta", "eta", "mu", "dev_resid", "weights")


@pytest.fixture(scope="module", params=sorted(REFS))
def case(request):
    ref = REFS[request.param]
    inputs, predictor, resp = _modules(ref)
    return request.param, ref, inputs, predictor, resp


def _same_state(compiled, reference):
    assert compiled.iterations == reference.iterations
    for name in FIELDS:
        a, b = getattr(compiled, name), getattr(reference, name)
        scale = max(float(np.max(np.abs(b))), 1e-300) if b.size else 1.0
        np.testing.assert_allclose(a, b, rtol=0, atol=REL * scale, err_msg=name)
    assert compiled.ldL2 == pytest.approx(reference.ldL2, rel=REL, abs=REL)
    rx = reference.step.RX
    np.testing.assert_allclose(compiled.step.RX, rx, rtol=0, atol=REL * max(float(np.max(np.abs(rx))), 1.0))
    np.testing.assert_allclose(compiled.step.u, compiled.u, rtol=0, atol=0)


def test_every_frozen_case_takes_the_compiled_loop(case, monkeypatch):
    name, ref, inputs, predictor, resp = case
    assert predictor.kernel_args(np.asarray(ref["theta0"], float).ravel()) is not None
    assert pirls_module._family_codes(resp.family) is not None

    def refuse(*args, **kwargs):
        raise AssertionError("the Python loop ran")

    monkeypatch.setattr(pirls_module, "python_pirls", refuse)
    th = np.asarray(ref["theta_devfun"]["theta"][0], float).ravel()
    state = pirls(predictor, resp, th, resp.offset + np.asarray(ref["init_lp0"], float), resp.offset,
                  u_only=False, tol=1e-7)
    assert state.iterations >= 2


def test_joint_pirls_of_the_theta_devfun(case):
    """θ-only deviance (nAGQ = 0, stage 1): joint (u, β) PIRLS from lp0."""
    name, ref, inputs, predictor, resp = case
    lp0 = np.asarray(ref["init_lp0"], float)
    base = resp.offset
    for theta in ref["theta_devfun"]["theta"]:
        th = np.asarray(theta, float).ravel()
        a = pirls(predictor, resp, th, base + lp0, base, u_only=False, tol=1e-7)
        b = python_pirls(predictor, resp, th, base + lp0, base, u_only=False, tol=1e-7)
        assert isinstance(a.step.factor, DeferredFactor)
        _same_state(a, b)


def test_u_only_pirls_of_stage_two(case):
    """(θ, β) deviance: β in the offset, u-only PIRLS, with the previous increments carried."""
    name, ref, inputs, predictor, resp = case
    lp0 = np.asarray(ref["stage2_lp0"], float)
    base = resp.offset
    previous = None
    for par in ref["stage2_devfun"]["par"]:
        par = np.asarray(par, float)
        theta, beta = par[: predictor.n_theta], par[predictor.n_theta:]
        offset = base + predictor.X @ beta
        a = pirls(predictor, resp, theta, base + lp0, offset, u_only=True, tol=1e-7, previous=previous)
        b = python_pirls(predictor, resp, theta, base + lp0, offset, u_only=True, tol=1e-7, previous=previous)
        _same_state(a, b)
        assert not np.any(a.beta)
        previous = (b.u, b.beta)


def _python_devfun(monkeypatch):
    monkeypatch.setattr(devfun_module, "pirls", python_pirls)


@pytest.mark.parametrize("kind", ["theta", "stage2", "agq25"])
def test_devfun_values_equal_the_python_loop(case, kind, monkeypatch):
    """The deviances the optimizers see (Laplace, quadrature) do not depend on the path.

    Quadrature is compared on the references lme4 computed it for (one scalar term)."""
    name, ref, inputs, predictor, resp = case
    if kind == "agq25" and "agq" not in ref:
        kind = "stage2"  # lme4 refuses quadrature here: the Laplace deviance again
    if kind == "theta":
        make, points = (lambda: ThetaDevfun(predictor, resp, np.asarray(ref["init_lp0"], float), 1e-7),
                        ref["theta_devfun"]["theta"])
    else:
        nodes = 25 if kind == "agq25" else 1
        make = lambda: ThetaBetaDevfun(predictor, resp, np.asarray(ref["stage2_lp0"], float), 1e-7,  # noqa: E731
                                       n_agq=nodes)
        points = ref["agq"]["par"] if kind == "agq25" else ref["stage2_devfun"]["par"]
    compiled = make()
    values = [compiled(np.asarray(x, float).ravel()) for x in points]
    _python_devfun(monkeypatch)
    reference = make()
    expected = [reference(np.asarray(x, float).ravel()) for x in points]
    np.testing.assert_allclose(values, expected, rtol=REL, atol=0)


def _cbpp():
    ref = REFS["cbpp"]
    inputs, predictor, resp = _modules(ref)
    return ref, predictor, resp


@pytest.mark.parametrize("shift, theta", [(5.0, 10.0), (10.0, 10.0)])
def test_step_halvings(shift, theta, monkeypatch):
    """A start far from the mode: the deviance rises and steps are halved (same states)."""
    ref, predictor, resp = _cbpp()
    eta0 = resp.offset + np.asarray(ref["init_lp0"], float) + shift
    updates = []
    original = pirls_module._update
    monkeypatch.setattr(pirls_module, "_update", lambda *a: updates.append(1) or original(*a))
    b = python_pirls(predictor, resp, np.array([theta]), eta0, resp.offset, u_only=False, tol=1e-7)
    assert len(updates) > b.iterations  # the Python loop did halve
    a = pirls(predictor, resp, np.array([theta]), eta0, resp.offset, u_only=False, tol=1e-7)
    _same_state(a, b)


@pytest.mark.parametrize("shift, tol", [(5.0, 1e-7), (0.0, 0.0)])
def test_maxstephalfit(shift, tol):
    """Halvings that cannot reduce the deviance (a far start; lme4's tolPwrss = 0)."""
    ref, predictor, resp = _cbpp()
    eta0 = resp.offset + np.asarray(ref["init_lp0"], float) + shift
    message = "(maxstephalfit) PIRLS step-halvings failed to reduce deviance in pwrssUpdate"
    for run in (pirls, python_pirls):
        with pytest.raises(NumericalError) as err:
            run(predictor, resp, np.array([0.5]), eta0, resp.offset, u_only=False, tol=tol)
        assert str(err.value) == message


def test_nan_in_the_loop():
    """Poisson with the identity link on cbpp: negative means, lme4's NaN error."""
    inputs = gl_formula("incidence ~ period + (1 | herd)", pylme.datasets.load("cbpp"),
                        pylme.families.poisson(link="identity"), control=GlmerControl())
    predictor, resp = model_modules(inputs)
    assert pirls_module._family_codes(resp.family) is not None
    eta0 = resp.family.link.linkfun(inputs.mustart)
    for run in (pirls, python_pirls):
        with pytest.raises(NumericalError, match=r"^PIRLS loop resulted in NaN value$"):
            run(predictor, resp, np.array([1.0]), eta0, resp.offset, u_only=False, tol=1e-7)


def test_rank_deficient_x_is_lme4s_downdated_vtv():
    ref, predictor, resp = _cbpp()
    twin = type(predictor)(predictor.terms, np.column_stack([predictor.X, predictor.X[:, 1]]))
    eta0 = resp.offset + np.asarray(ref["init_lp0"], float)
    for run in (pirls, python_pirls):
        with pytest.raises(NumericalError, match=r"^Downdated VtV is not positive definite$"):
            run(twin, resp, np.array([1.0]), eta0, resp.offset, u_only=False, tol=1e-7)


def test_families_without_kernels_keep_the_python_loop():
    """poisson(link = "sqrt"): lme4 evaluates the link by R closures, pylme by the Python loop."""
    inputs = gl_formula("incidence ~ period + (1 | herd)", pylme.datasets.load("cbpp"),
                        pylme.families.poisson(link="sqrt"), control=GlmerControl())
    predictor, resp = model_modules(inputs)
    assert pirls_module._family_codes(resp.family) is None
    eta0 = resp.family.link.linkfun(inputs.mustart)
    a = pirls(predictor, resp, np.array([0.7]), eta0, resp.offset, u_only=False, tol=1e-7)
    b = python_pirls(predictor, resp, np.array([0.7]), eta0, resp.offset, u_only=False, tol=1e-7)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


@pytest.mark.parametrize("name", ["cbpp", "cbpp_slope", "verbagg"])
def test_deferred_factor_gives_the_conditional_variances(name):
    """The last decomposition's factor, built on demand, is the Python loop's; states pickle."""
    ref = REFS[name]
    inputs, predictor, resp = _modules(ref)
    th = np.asarray(ref["theta_devfun"]["theta"][-1], float).ravel()
    eta0 = resp.offset + np.asarray(ref["init_lp0"], float)
    a = pirls(predictor, resp, th, eta0, resp.offset, u_only=False, tol=1e-7)
    b = python_pirls(predictor, resp, th, eta0, resp.offset, u_only=False, tol=1e-7)
    a2 = pickle.loads(pickle.dumps(a))
    for state in (a, a2):
        for x, y in zip(predictor.cond_var(th, state.step), predictor.cond_var(th, b.step)):
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(a2.u, a.u)
