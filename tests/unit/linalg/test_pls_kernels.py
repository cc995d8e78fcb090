"""The compiled PIRLS decomposition (``ReweightPlan.pls_solve``) against the general path.

``pls_solve`` must give what ``ReweightPlan.factor`` followed by the block solve gives —
``u``, ``β`` (from ``R_X β = r_Xy``), ``log det`` and ``R_X`` — to rounding, for every
structure it covers (block 1 of width 1, 2 or 3; later scalar blocks, crossed, nested,
with non-unit ``z``; both rank-update routes), with zero weights, for u-only steps, and
for a response in the span of ``X`` (the last pivot reported as 0).  Structures it does
not cover say so (``compiled`` False, ``pls_solve`` None).
"""

from __future__ import annotations

import pickle
import zlib

import numpy as np
import pytest

from pylme.linalg import GroupedColumns, PivotError, ReweightPlan
from pylme.linalg.reweight import DeferredFactor
from _random_templates import random_templates

RTOL = 1e-12


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _design(kind: str, rng, n: int = 90):
    ones = np.ones((n, 1))
    if kind == "one":
        return [GroupedColumns(rng.integers(0, 9, n), ones, 9)]
    if kind == "one_slope":
        return [GroupedColumns(rng.integers(0, 7, n), np.column_stack([ones, rng.standard_normal(n)]), 7)]
    if kind == "one_k3":
        return [GroupedColumns(rng.integers(0, 6, n), np.column_stack([ones, rng.standard_normal((n, 2))]), 6)]
    if kind == "crossed":
        return [GroupedColumns(rng.integers(0, 12, n), ones, 12), GroupedColumns(rng.integers(0, 5, n), ones, 5)]
    if kind == "crossed3":
        return [GroupedColumns(rng.integers(0, 15, n), ones, 15), GroupedColumns(rng.integers(0, 6, n), ones, 6),
                GroupedColumns(rng.integers(0, 4, n), rng.standard_normal((n, 1)), 4)]
    if kind == "nested":  # grouseticks' shape: every row its own level, brood within location
        brood = rng.integers(0, 20, n)
        return [GroupedColumns(np.arange(n), ones, n), GroupedColumns(brood, ones, 20),
                GroupedColumns(brood // 4, ones, 5)]
    if kind == "slope_first":  # (x | g) eliminated first, a crossed scalar term after it
        return [GroupedColumns(rng.integers(0, 10, n), np.column_stack([ones, rng.standard_normal(n)]), 10),
                GroupedColumns(rng.integers(0, 4, n), ones, 4)]
    raise ValueError(kind)


def _reference(plan, weights, dense, templates, p, u_only):
    """The general path: BlockedFactor, β by the triangular solve, u by the block solve."""
    fac = plan.factor(weights, dense, templates)
    cross = fac.scaled_dense_cross()
    lx = fac.tail[:p, :p]
    if u_only or not p:
        beta, rhs = np.zeros(p), cross[:, p]
    else:
        beta = np.linalg.solve(lx.T, fac.tail[p, :p])
        rhs = cross[:, p] - cross[:, :p] @ beta
    return fac.solve(rhs), beta, fac.logdet, lx.T


def _close(a, b, rtol=RTOL):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = max(float(np.max(np.abs(b), initial=0.0)), 1e-300)
    assert float(np.max(np.abs(a - b), initial=0.0)) <= rtol * scale


def _case(kind, route, p=3, zero_weights=False):
    rng = _rng(kind, route, p, zero_weights)
    blocks = _design(kind, rng)
    n = blocks[0].refs.size
    plan = ReweightPlan(blocks, p + 1, method="dense", update=route)
    weights = rng.uniform(0.05, 2.0, n)
    if zero_weights:
        weights[rng.random(n) < 0.3] = 0.0
    dense = np.column_stack([np.ones(n), rng.standard_normal((n, p - 1)), rng.standard_normal(n)])
    return plan, weights, dense, random_templates(blocks, rng)


@pytest.mark.parametrize("kind", ["one", "one_slope", "one_k3", "crossed", "crossed3", "nested", "slope_first"])
@pytest.mark.parametrize("route", ["map", "dense"])
@pytest.mark.parametrize("u_only", [False, True])
def test_compiled_solve_equals_general_path(kind, route, u_only):
    plan, weights, dense, templates = _case(kind, route)
    assert plan.compiled
    p = dense.shape[1] - 1
    sol = plan.pls_solve(weights, dense[:, :-1], dense[:, -1], templates, u_only)
    u, beta, logdet, rx = _reference(plan, weights, dense, templates, p, u_only)
    _close(sol.u, u)
    _close(sol.beta, beta)
    _close(sol.RX, rx)
    assert sol.logdet == pytest.approx(logdet, rel=1e-13)
    assert np.array_equal(sol.RX, np.triu(sol.RX))


@pytest.mark.parametrize("kind", ["crossed3", "nested", "slope_first"])
def test_zero_weights(kind):
    plan, weights, dense, templates = _case(kind, "map", zero_weights=True)
    sol = plan.pls_solve(weights, dense[:, :-1], dense[:, -1], templates, False)
    u, beta, logdet, rx = _reference(plan, weights, dense, templates, 3, False)
    _close(sol.u, u)
    _close(sol.beta, beta)
    assert sol.logdet == pytest.approx(logdet, rel=1e-13)


def test_response_in_span_reports_zero_last_pivot():
    plan, weights, dense, templates = _case("crossed", "dense")
    dense = dense.copy()
    dense[:, -1] = 2.0 * dense[:, 1] - dense[:, 0]
    sol = plan.pls_solve(weights, dense[:, :-1], dense[:, -1], templates, False)
    _close(sol.beta, [-1.0, 2.0, 0.0], rtol=1e-10)
    assert np.all(np.abs(sol.u) < 1e-8)
    fac = plan.factor(weights, dense, templates)
    assert fac.tail[-1, -1] == 0.0


def test_rank_deficient_x_raises_dense_pivot_as_general_path():
    plan, weights, dense, templates = _case("crossed", "map")
    dense = dense.copy()
    dense[:, 2] = 0.0  # an exactly zero pivot (lme4: "Downdated VtV is not positive definite")
    for solve in (lambda: plan.pls_solve(weights, dense[:, :-1], dense[:, -1], templates, False),
                  lambda: plan.factor(weights, dense, templates)):
        with pytest.raises(PivotError) as err:
            solve()
        assert (err.value.part, err.value.index) == ("dense", 2)


def test_deferred_factor_is_the_general_factor_and_pickles():
    plan, weights, dense, templates = _case("crossed3", "map")
    sol = plan.pls_solve(weights, dense[:, :-1], dense[:, -1], templates, False)
    assert isinstance(sol.factor, DeferredFactor)
    ref = plan.factor(weights, dense, templates)
    for got, want in zip(sol.factor.inverse_diag_blocks(), ref.inverse_diag_blocks()):
        assert np.array_equal(got, want)
    again = pickle.loads(pickle.dumps(sol.factor))
    assert again.logdet == ref.logdet


def test_uncovered_structure_keeps_general_path():
    rng = _rng("uncovered")
    n = 60
    ones = np.ones((n, 1))
    blocks = [GroupedColumns(rng.integers(0, 8, n), ones, 8),
              GroupedColumns(rng.integers(0, 3, n), np.column_stack([ones, rng.standard_normal(n)]), 3)]
    plan = ReweightPlan(blocks, 2, method="dense")
    assert not plan.compiled
    assert plan.pls_solve(np.ones(n), np.ones((n, 1)), np.ones(n), random_templates(blocks, rng), False) is None
    sparse = ReweightPlan(_design("crossed", rng), 2, method="sparse")
    assert not sparse.compiled


def test_shapes_are_checked():
    plan, weights, dense, templates = _case("crossed", "map")
    with pytest.raises(ValueError):
        plan.pls_solve(weights[:-1], dense[:, :-1], dense[:, -1], templates, False)
    with pytest.raises(ValueError):
        plan.pls_solve(weights, dense[:, :-1], dense[:, -1], templates[:1], False)


@pytest.mark.parametrize("kind", ["crossed", "nested", "one_slope"])
def test_repeated_x_rows_take_the_grouped_sums(kind):
    """``X`` of factors (few distinct rows): ``XᵀWX`` is summed over the distinct rows."""
    plan, weights, dense, templates = _case(kind, "dense")
    rng = _rng("factor-x", kind)
    n = dense.shape[0]
    x = np.column_stack([np.ones(n), rng.integers(0, 2, n), rng.integers(0, 3, n) * 0.5]).astype(float)
    xrow, xuniq = plan._distinct_rows(x)
    assert xrow.size == n and xuniq.shape[0] <= 6 and np.array_equal(xuniq[xrow], x)
    sol = plan.pls_solve(weights, x, dense[:, -1], templates, False)
    u, beta, logdet, rx = _reference(plan, weights, np.column_stack([x, dense[:, -1]]), templates, 3, False)
    _close(sol.u, u)
    _close(sol.beta, beta)
    _close(sol.RX, rx)
