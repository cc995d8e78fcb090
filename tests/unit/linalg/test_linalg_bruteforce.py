"""The blocked deviance against a dense brute-force implementation, on random designs.

Hypothesis draws crossed, nested, shared-factor (amalgamated) and vector-valued
terms, with and without weights, offsets and fixed effects, any θ (negative
diagonals included), and both back-ends.
"""

from __future__ import annotations

import numpy as np
import pytest
from _deviance_bruteforce import brute_force
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pylme.deviance import TermData, make_deviance

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def designs(draw):
    """(terms, X, y, weights, offset, theta, reml) of a small random mixed model."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(12, 50))
    relation = draw(st.sampled_from(["crossed", "nested", "shared"]))
    terms, prev = [], None
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(1, 3))
        if prev is not None and relation == "shared":
            refs, nl = prev.refs, prev.nlevels
        elif prev is not None and relation == "nested":
            nl = max(1, (prev.nlevels + 1) // 2)
            refs = prev.refs // 2
        else:
            nl = draw(st.integers(2, 8))
            refs = rng.integers(0, nl, n)
        z = rng.standard_normal((n, k))
        if draw(st.booleans()):
            z[:, 0] = 1.0
        prev = TermData(refs, z, nl)
        terms.append(prev)
    p = draw(st.integers(0, 3))
    X = np.column_stack([np.ones(n), rng.standard_normal((n, p - 1))]) if p else np.zeros((n, 0))
    y = 10.0 * rng.standard_normal() + rng.standard_normal(n) * draw(st.sampled_from([0.1, 1.0, 5.0]))
    w = rng.uniform(0.3, 2.0, n) if draw(st.booleans()) else np.ones(n)
    o = rng.standard_normal(n) if draw(st.booleans()) else np.zeros(n)
    theta = []
    for term in terms:
        k = term.z.shape[1]
        for c in range(k):
            for r in range(c, k):
                theta.append(rng.uniform(-1.5, 1.5) if (r != c or draw(st.booleans())) else 0.0)
    return terms, X, y, w, o, np.array(theta), draw(st.booleans())


def _close(got, want, rtol=1e-7):
    got, want = np.asarray(got, float), np.asarray(want, float)
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


@SETTINGS
@given(design=designs(), method=st.sampled_from(["dense", "sparse"]))
def test_blocked_equals_brute_force(design, method):
    terms, X, y, w, o, theta, reml = design
    ref = brute_force(terms, X, y, w, o, theta, reml)
    prob = make_deviance(terms, X, y, w, o, reml, method=method)
    assert prob.objective(theta) == pytest.approx(ref["objective"], rel=1e-9, abs=1e-9)
    sol = prob.evaluate(theta)
    assert sol.reml == ref["reml"]
    assert sol.objective == pytest.approx(ref["objective"], rel=1e-9, abs=1e-9)
    assert sol.ldL2 == pytest.approx(ref["ldL2"], rel=1e-9, abs=1e-9)
    assert sol.ldRX2 == pytest.approx(ref["ldRX2"], rel=1e-8, abs=1e-8)
    assert sol.pwrss == pytest.approx(ref["pwrss"], rel=1e-8)
    for key in ("beta", "u", "b", "mu", "RX"):
        _close(getattr(sol, key), ref[key])
    _close(prob.unscaled_vcov(theta), ref["unsc"])
    for got, want in zip(prob.cond_var(theta), ref["cond_var"]):
        _close(got, want)


@SETTINGS
@given(design=designs())
def test_dense_and_sparse_back_ends_agree(design):
    terms, X, y, w, o, theta, reml = design
    dense = make_deviance(terms, X, y, w, o, reml, method="dense")
    sparse = make_deviance(terms, X, y, w, o, reml, method="sparse")
    assert sparse.objective(theta) == pytest.approx(dense.objective(theta), rel=1e-12, abs=1e-12)
    a, b = dense.evaluate(theta), sparse.evaluate(theta)
    _close(a.u, b.u, rtol=1e-10)
    _close(a.beta, b.beta, rtol=1e-10)


def test_empty_level_and_zero_theta():
    """A level with no observations and θ = 0 (Λ = 0) are both fine."""
    rng = np.random.default_rng(0)
    n = 20
    refs = rng.integers(0, 4, n)  # level 4 of 5 never occurs
    terms = [TermData(refs, np.column_stack([np.ones(n), rng.standard_normal(n)]), 5)]
    X, y = np.ones((n, 1)), rng.standard_normal(n)
    w, o = np.ones(n), np.zeros(n)
    for theta in (np.zeros(3), np.array([0.7, -0.2, 0.4])):
        ref = brute_force(terms, X, y, w, o, theta, True)
        prob = make_deviance(terms, X, y, None, None, True)
        assert prob.objective(theta) == pytest.approx(ref["objective"], rel=1e-12)
        _close(prob.cond_var(theta)[0], ref["cond_var"][0], rtol=1e-10)


@settings(max_examples=30, deadline=None)
@given(design=designs(), method=st.sampled_from(["dense", "sparse"]))
def test_product_rank_update_equals_brute_force(design, method):
    """Designs too big for stored coefficients recompute the update by a sparse product."""
    from pylme.linalg import rankupdate

    terms, X, y, w, o, theta, reml = design
    saved = rankupdate.MAX_COEFFICIENTS
    rankupdate.MAX_COEFFICIENTS = -1
    try:
        prob = make_deviance(terms, X, y, w, o, reml, method=method)
    finally:
        rankupdate.MAX_COEFFICIENTS = saved
    ref = brute_force(terms, X, y, w, o, theta, reml)
    assert prob.objective(theta) == pytest.approx(ref["objective"], rel=1e-9, abs=1e-9)
    _close(prob.evaluate(theta).u, ref["u"])
