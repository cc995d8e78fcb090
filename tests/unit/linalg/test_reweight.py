"""Re-weighted systems (``BlockedSystem.reweighted`` / ``ReweightPlan``) against fresh ones.

A system re-formed on a fixed structure must give the factor of
``BlockedSystem(blocks, dense, weights)`` built from scratch — log-determinant, dense
tail, solves, ``ΛᵀZᵀWD`` and the conditional-variance blocks — to ~1e-13 relative, for
every back-end and every rank-update route, with zero weights and with ``z`` values whose
unit-weight cross-products cancel (the structure must be the structural pattern, not the
pattern of one set of values).
"""

from __future__ import annotations

import pickle
import zlib

import numpy as np
import pytest
import scipy.sparse as sp

from pylme.linalg import BlockedSystem, GroupedColumns, ReweightPlan, grouped_matrix
from pylme.linalg.reweight_update import DensePattern, MapPattern, ProductPattern
from pylme.linalg.sparse_rest import template_matrix
from _random_templates import random_templates

RTOL = 1e-13


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _design(kind: str, rng, n: int = 80):
    """Grouped blocks of a named random design (first block = the one eliminated first)."""
    ones = np.ones((n, 1))
    if kind == "one":
        return [GroupedColumns(rng.integers(0, 9, n), ones, 9)]
    if kind == "one_slope":
        return [GroupedColumns(rng.integers(0, 7, n), np.column_stack([ones, rng.standard_normal(n)]), 7)]
    if kind == "crossed":
        return [GroupedColumns(rng.integers(0, 12, n), ones, 12), GroupedColumns(rng.integers(0, 5, n), ones, 5)]
    if kind == "crossed3":
        return [GroupedColumns(rng.integers(0, 15, n), ones, 15), GroupedColumns(rng.integers(0, 6, n), ones, 6),
                GroupedColumns(rng.integers(0, 4, n), rng.standard_normal((n, 1)), 4)]
    if kind == "nested":  # every obs its own level, then brood within location (grouseticks' shape)
        brood = rng.integers(0, 20, n)
        return [GroupedColumns(np.arange(n), ones, n), GroupedColumns(brood, ones, 20),
                GroupedColumns(brood // 4, ones, 5)]
    if kind == "slopes":  # k = 2 first and later blocks
        a = rng.integers(0, 10, n)
        return [GroupedColumns(a, np.column_stack([ones, rng.standard_normal(n)]), 10),
                GroupedColumns(rng.integers(0, 4, n), rng.standard_normal((n, 2)), 4),
                GroupedColumns(a // 3, ones, 4)]
    raise ValueError(kind)


def _close(got, want, rtol=RTOL):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=0.0, atol=rtol * scale)


def _assert_same_factor(got: BlockedSystem, want: BlockedSystem, templates, rng):
    assert got.method == want.method and got.q == want.q and got.n_dense == want.n_dense
    fg, fw = got.factor(templates), want.factor(templates)
    _close(fg.logdet, fw.logdet)
    _close(fg.tail, fw.tail)
    rhs = rng.standard_normal(want.q)
    _close(fg.solve(rhs), fw.solve(rhs))
    _close(fg.scaled_dense_cross(), fw.scaled_dense_cross())
    for bg, bw in zip(fg.inverse_diag_blocks(), fw.inverse_diag_blocks()):
        _close(bg, bw)
    lg, tg = got.logdet_and_tail(templates)
    lw, tw = want.logdet_and_tail(templates)
    _close(lg, lw)
    _close(tg, tw)


KINDS = ["one", "one_slope", "crossed", "crossed3", "nested", "slopes"]


@pytest.mark.parametrize("method", ["dense", "sparse"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("m", [1, 4])
def test_reweighted_equals_fresh_system(kind, method, m):
    rng = _rng(kind, method, m)
    blocks = _design(kind, rng)
    n = blocks[0].refs.size
    template = BlockedSystem(blocks, np.ones((n, m)), np.ones(n), method=method)
    for trial in range(3):
        w = rng.uniform(0.05, 3.0, n)
        if trial:  # zero weights (glmer: zero prior weights) never change the structure
            w[rng.random(n) < 0.3] = 0.0
        dense = rng.standard_normal((n, m))
        templates = random_templates(blocks, rng)
        got = template.reweighted(w, dense)
        _assert_same_factor(got, BlockedSystem(blocks, dense, w, method=method), templates, rng)


@pytest.mark.parametrize("route", ["map", "dense", "product"])
@pytest.mark.parametrize("method", ["dense", "sparse"])
@pytest.mark.parametrize("kind", ["crossed", "crossed3", "nested", "slopes"])
def test_every_rank_update_route(kind, method, route):
    rng = _rng(kind, method, route)
    blocks = _design(kind, rng)
    n = blocks[0].refs.size
    plan = ReweightPlan(blocks, 3, method=method, update=route)
    expected = {"map": MapPattern, "dense": DensePattern, "product": ProductPattern}[route]
    assert isinstance(plan._update, expected)
    w = rng.uniform(0.0, 2.0, n)
    dense = rng.standard_normal((n, 3))
    _assert_same_factor(plan.system(w, dense), BlockedSystem(blocks, dense, w, method=method),
                        random_templates(blocks, rng), rng)


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_structure_is_structural_not_of_unit_weights(method):
    """z = ±1 in the same (level, level) cell: with unit weights Z_rᵀZ₁ has exact zeros
    there, with other weights it does not; the plan's structure must still hold them."""
    rng = np.random.default_rng(7)
    n = 48
    a = np.repeat(np.arange(12), 4)
    b = np.tile(np.repeat(np.arange(2), 2), 12)
    sign = np.tile([1.0, -1.0], n // 2)
    blocks = [GroupedColumns(a, np.ones((n, 1)), 12), GroupedColumns(b, sign[:, None], 2)]
    unit = BlockedSystem(blocks, np.ones((n, 2)), np.ones(n), method=method)
    assert unit._cp.a_r1.nnz < 24  # the unit-weight values cancel: their pattern misses entries
    w = rng.uniform(0.2, 2.0, n)
    dense = rng.standard_normal((n, 2))
    templates = random_templates(blocks, rng)
    _assert_same_factor(unit.reweighted(w, dense), BlockedSystem(blocks, dense, w, method=method), templates, rng)


def test_chained_reweighting_shares_one_plan_and_auto_routes():
    rng = np.random.default_rng(3)
    blocks = _design("crossed3", rng)
    n = blocks[0].refs.size
    first = BlockedSystem(blocks, np.ones((n, 2)), np.ones(n)).reweighted(np.ones(n), np.ones((n, 2)))
    w, dense = rng.uniform(0.1, 2.0, n), rng.standard_normal((n, 2))
    second = first.reweighted(w, dense)
    assert second._plan is first._plan
    _assert_same_factor(second, BlockedSystem(blocks, dense, w), random_templates(blocks, rng), rng)
    # a small dense A_r1 (few later levels crossed with all) takes the dense product,
    # a one-observation-per-level first block the coefficient map
    assert isinstance(first._plan._update, DensePattern)
    nested = _design("nested", rng, n=400)
    assert isinstance(ReweightPlan(nested, 2)._update, MapPattern)


def test_reweighted_system_pickles_and_keeps_with_dense():
    rng = np.random.default_rng(11)
    blocks = _design("slopes", rng)
    n = blocks[0].refs.size
    w, dense = rng.uniform(0.1, 2.0, n), rng.standard_normal((n, 3))
    system = ReweightPlan(blocks, 3).system(w, dense)
    templates = random_templates(blocks, rng)
    copy = pickle.loads(pickle.dumps(system))
    _close(copy.logdet_and_tail(templates)[1], system.logdet_and_tail(templates)[1])
    other = rng.standard_normal((n, 3))
    _assert_same_factor(system.with_dense(other), BlockedSystem(blocks, other, w), templates, rng)


def test_plan_checks_shapes():
    rng = np.random.default_rng(0)
    blocks = _design("crossed", rng)
    n = blocks[0].refs.size
    plan = ReweightPlan(blocks, 2)
    with pytest.raises(ValueError, match="dense columns"):
        plan.system(np.ones(n), np.ones((n, 3)))
    with pytest.raises(ValueError, match="weights"):
        plan.system(np.ones(n - 1), np.ones((n, 2)))
    with pytest.raises(ValueError, match="route"):
        ReweightPlan(blocks, 2, update="cholmod")


def _brute_force(blocks, dense, w, templates):
    """logdet, tail factor, M⁻¹ and ΛᵀZᵀWD of ``M = ΛᵀZᵀWZΛ + I`` with dense numpy."""
    z = np.hstack([grouped_matrix(b).toarray() for b in blocks])
    lam = np.zeros((z.shape[1], z.shape[1]))
    start = 0
    for b, t in zip(blocks, templates):
        size = b.nlevels * b.width
        lam[start : start + size, start : start + size] = np.kron(np.eye(b.nlevels), t)
        start += size
    zl = z @ lam
    m = zl.T @ (w[:, None] * zl) + np.eye(z.shape[1])
    cross = zl.T @ (w[:, None] * dense)
    minv = np.linalg.inv(m)
    schur = dense.T @ (w[:, None] * dense) - cross.T @ minv @ cross
    return np.linalg.slogdet(m)[1], np.linalg.cholesky(schur), minv, cross


@pytest.mark.parametrize("kind", KINDS)
def test_plan_factor_against_dense_algebra(kind):
    """ReweightPlan.factor (one block: factor_one_block) = the system's factor = dense algebra."""
    rng = _rng("brute", kind)
    blocks = _design(kind, rng, n=60)
    n = blocks[0].refs.size
    plan = ReweightPlan(blocks, 3, method="dense")
    w, dense = rng.uniform(0.1, 2.0, n), rng.standard_normal((n, 3))
    templates = random_templates(blocks, rng)
    fac = plan.factor(w, dense, templates)
    system = plan.system(w, dense)
    via_system = system.factor(templates)
    assert fac.logdet == via_system.logdet and np.array_equal(fac.tail, via_system.tail)
    # the optimizer's path (DenseRest.tail_only / assemble) gives the same pivots, bit for bit
    logdet, tail = system.logdet_and_tail(templates)
    assert logdet == fac.logdet and np.array_equal(tail, np.diagonal(fac.tail))
    want_logdet, want_tail, minv, cross = _brute_force(blocks, dense, w, templates)
    q1 = blocks[0].nlevels * blocks[0].width
    _close(fac.logdet, want_logdet, 1e-11)
    _close(fac.tail, want_tail, 1e-10)
    rhs = rng.standard_normal(fac.solve(np.zeros(system.q)).size)
    _close(fac.solve(rhs), minv @ rhs, 1e-10)
    _close(fac.scaled_dense_cross(), cross, 1e-12)
    _close(fac.inverse_diag_blocks()[0], [minv[i : i + blocks[0].width, i : i + blocks[0].width]
                                          for i in range(0, q1, blocks[0].width)], 1e-10)
    with pytest.raises(ValueError, match="templates"):
        plan.factor(w, dense, templates + [np.eye(1)])


def test_template_matrix_is_the_kronecker_block_diagonal():
    """Built directly in CSR: the same matrix, pattern and order as sp.block_diag of sp.kron."""
    rng = _rng("template")
    for _ in range(30):
        blocks, templates, start = [], [], 0
        for _ in range(int(rng.integers(1, 4))):
            k, nl = int(rng.integers(1, 4)), int(rng.integers(1, 6))
            t = np.tril(rng.standard_normal((k, k)))
            t[rng.random((k, k)) < 0.3] = 0.0
            blocks.append((start, nl, k))
            templates.append(t)
            start += nl * k
        got = template_matrix(blocks, templates)
        want = sp.block_diag([sp.kron(sp.identity(nl, format="csr"), sp.csr_matrix(t), format="csr")
                              for (_, nl, _), t in zip(blocks, templates)], format="csr")
        want.sort_indices()
        assert got.shape == want.shape
        np.testing.assert_array_equal(got.indptr, want.indptr)
        np.testing.assert_array_equal(got.indices, want.indices)
        np.testing.assert_array_equal(got.data, want.data)
