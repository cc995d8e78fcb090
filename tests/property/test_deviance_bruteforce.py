"""The profiled criterion at a fixed θ against a dense brute-force computation (no R).

The brute force writes the penalized least-squares problem out in full: dense Z
and Λ, the whole system

    [ΛᵀZᵀWZΛ + I   ΛᵀZᵀWX] [u]   [ΛᵀZᵀW(y − o)]
    [XᵀWZΛ         XᵀWX  ] [β] = [XᵀW(y − o)  ]

solved by ``numpy.linalg.solve``, with ``ldL2 = log det(ΛᵀZᵀWZΛ + I)`` and
``ldRX2 = log det(system) − ldL2`` (the Schur complement) by ``slogdet``, and
lme4's criteria

* ML:   ``ldL2 − Σlog w + n (1 + log(2π·pwrss/n))``
* REML: ``ldL2 + ldRX2 − Σlog w + (n − p)(1 + log(2π·pwrss/(n − p)))``.

Two routes reach pylme's blocked Cholesky:

* :func:`pylme.deviance.make_deviance` on random terms whose Z and Λ the test
  builds itself (lme4's layout: term-major, level-major, components adjacent;
  θ fills each T_i's lower triangle column by column);
* :func:`pylme.devfun` on generated designs (every feature of
  ``conformance.strategies``), checked against the dense computation on the
  model's own ``X``, ``Zt`` and ``Λᵀ(θ)``.

θ is drawn at random, diagonal entries in [0, 3] (exact zeros included) and
off-diagonal entries in [−2, 2] (negative correlations).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, seed, settings
from hypothesis import strategies as st

import pylme
from conformance.strategies import designs
from pylme.deviance import TermData, make_deviance
from pylme.errors import PylmeError

SEED = 20240607
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
RTOL = 1e-9  # dense solve vs blocked Cholesky on well-conditioned problems


# ---------------------------------------------------------------- brute force
def dense_criterion(X, y, Z, Lam, w, o, reml: bool) -> dict:
    """lme4's criterion and PLS solution at one θ by dense linear algebra.

    ``Lam`` is Λ (q×q, ``b = Λu``); lme4's ``Lambdat`` is its transpose.
    """
    n, p = X.shape
    q = Z.shape[1]
    sw = np.sqrt(w)
    A, B, r = (Z @ Lam) * sw[:, None], X * sw[:, None], (y - o) * sw
    # equilibrate X's columns (badly scaled predictors) and undo it exactly below:
    # ldRX2 shifts by 2·Σ log d and β scales by 1/d
    d = np.sqrt(np.sum(B * B, axis=0)) if p else np.ones(0)
    d[d == 0] = 1.0
    B = B / d
    M = np.block([[A.T @ A + np.eye(q), A.T @ B], [B.T @ A, B.T @ B]])
    sol = np.linalg.solve(M, np.concatenate([A.T @ r, B.T @ r]))
    u, beta = sol[:q], sol[q:] / d
    resid = r - A @ u - B @ (beta * d)
    pwrss = float(resid @ resid + u @ u)
    ldL2 = float(np.linalg.slogdet(A.T @ A + np.eye(q))[1])
    ldRX2 = float(np.linalg.slogdet(M)[1]) - ldL2 + 2.0 * float(np.sum(np.log(d)))
    ldW = float(np.sum(np.log(w)))
    if reml and p > 0:
        nmp = n - p
        crit = ldL2 + ldRX2 - ldW + nmp * (1 + np.log(2 * np.pi * pwrss / nmp))
    else:
        crit = ldL2 - ldW + n * (1 + np.log(2 * np.pi * pwrss / n))
    return {"objective": float(crit), "beta": beta, "u": u, "b": Lam @ u, "pwrss": pwrss,
            "ldL2": ldL2, "ldRX2": ldRX2}


def relative_factor(theta: np.ndarray, k: int) -> np.ndarray:
    """T (k×k lower triangular) filled column by column from θ."""
    T = np.zeros((k, k))
    idx = 0
    for col in range(k):
        for row in range(col, k):
            T[row, col] = theta[idx]
            idx += 1
    return T


def dense_z_lambda(terms: list[TermData], theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense Z (n×q) and Λ (q×q) in lme4's layout, independently of pylme."""
    n = terms[0].refs.size
    blocks_z, blocks_l, start = [], [], 0
    for term in terms:
        k = term.z.shape[1]
        Zi = np.zeros((n, term.nlevels * k))
        for c in range(k):
            Zi[np.arange(n), term.refs * k + c] = term.z[:, c]
        T = relative_factor(theta[start:start + k * (k + 1) // 2], k)
        blocks_z.append(Zi)
        blocks_l.append(np.kron(np.eye(term.nlevels), T))
        start += k * (k + 1) // 2
    q = sum(b.shape[1] for b in blocks_z)
    Lam = np.zeros((q, q))
    at = 0
    for L in blocks_l:
        Lam[at:at + L.shape[0], at:at + L.shape[0]] = L
        at += L.shape[0]
    return np.hstack(blocks_z), Lam


# ---------------------------------------------------------------- strategies
def theta_values(k_per_term: list[int]) -> st.SearchStrategy[np.ndarray]:
    """Random θ: diagonals in [0, 3] (zeros likely), off-diagonals in [−2, 2]."""
    diag = st.one_of(st.just(0.0), st.floats(0.0, 3.0, allow_subnormal=False))
    off = st.floats(-2.0, 2.0, allow_subnormal=False)
    parts = []
    for k in k_per_term:
        for col in range(k):
            for row in range(col, k):
                parts.append(diag if row == col else off)
    return st.tuples(*parts).map(lambda t: np.array(t, dtype=float))


@st.composite
def raw_problems(draw):
    """Random terms (intercepts, slopes, 1–3 components), X, y, weights and offset."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(8, 40))
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        nlevels = draw(st.integers(2, max(2, n // 3)))
        refs = np.concatenate([np.arange(nlevels), rng.integers(0, nlevels, size=n - nlevels)])
        k = draw(st.integers(1, 3))
        z = rng.normal(size=(n, k))
        if draw(st.booleans()):  # an intercept column, as in (x | g)
            z[:, 0] = 1.0
        terms.append(TermData(rng.permutation(refs), z, nlevels))
    p = draw(st.integers(0, 3))
    X = np.column_stack([np.ones(n), rng.normal(size=(n, p - 1))]) if p else np.zeros((n, 0))
    w = rng.uniform(0.2, 4.0, size=n) if draw(st.booleans()) else np.ones(n)
    o = rng.normal(size=n) if draw(st.booleans()) else np.zeros(n)
    y = rng.normal(size=n) * 2 + 5 + o
    theta = draw(theta_values([t.z.shape[1] for t in terms]))
    return terms, X, y, w, o, theta


def assert_close(actual, expected, rtol=RTOL, what=""):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    err = float(np.max(np.abs(actual - expected), initial=0.0))
    assert err <= rtol * scale, f"{what}: max abs err {err:.3e} (scale {scale:.3e})"


# ---------------------------------------------------------------- tests
@seed(SEED)
@SETTINGS
@pytest.mark.parametrize("reml", [True, False], ids=["REML", "ML"])
@given(problem=raw_problems())
def test_make_deviance_equals_dense(problem, reml):
    terms, X, y, w, o, theta = problem
    Z, Lam = dense_z_lambda(terms, theta)
    expected = dense_criterion(X, y, Z, Lam, w, o, reml)
    dev = make_deviance(terms, X, y, w, o, reml=reml)
    assert_close(dev.objective(theta), expected["objective"], what="objective")
    sol = dev.evaluate(theta)
    assert_close(sol.objective, expected["objective"], what="evaluate().objective")
    assert_close(sol.pwrss, expected["pwrss"], what="pwrss")
    assert_close(sol.ldL2, expected["ldL2"], what="ldL2")
    assert_close(sol.ldRX2, expected["ldRX2"], what="ldRX2")
    assert_close(sol.beta, expected["beta"], rtol=1e-7, what="beta")
    assert_close(sol.u, expected["u"], rtol=1e-7, what="u")
    assert_close(sol.b, expected["b"], rtol=1e-7, what="b")


def _devfun(design):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pylme.devfun(design.formula, design.frame, **design.fit_kwargs())
        except PylmeError:
            reject()  # an incidentally invalid design: nothing to compare


@seed(SEED)
@SETTINGS
@given(design=designs(exclude=frozenset({"invalid"})), data=st.data())
def test_devfun_equals_dense_on_generated_designs(design, data):
    f = _devfun(design)
    inputs = f.inputs
    re = inputs.re_terms
    theta = data.draw(theta_values([t.p for t in re.terms]), label="theta")
    n = inputs.n
    if n <= inputs.p:
        reject()  # no residual degrees of freedom: the criterion is -inf (not a design to test)
    w = np.ones(n) if inputs.weights is None else inputs.weights
    o = np.zeros(n) if inputs.offset is None else inputs.offset
    Z = re.Zt().T.toarray()
    Lam = re.Lambdat(theta).T.toarray()
    expected = dense_criterion(inputs.X, inputs.y, Z, Lam, w, o, design.reml)
    assert_close(f(theta), expected["objective"], rtol=1e-8, what=design.describe())
