"""The optimizer's fast path (``BlockedSystem.logdet_and_tail``) on compiled kernels and work arrays.

* every route of block 1's rank update (stored coefficients, a dense ``A_r1``, rows of
  ``A_r1`` and its transpose) and both back-ends give the dense linear algebra's
  log-determinant and Schur pivots;
* :meth:`BlockedSystem.factor` gives the fast path's numbers bit for bit (same kernels);
* the compiled block-1 kernel agrees with the NumPy block-diagonal factor it replaced;
* one work array set per thread: repeated evaluations allocate no new workspace, and
  concurrent evaluations from several threads give the sequential bits.
"""

from __future__ import annotations

import threading
import zlib

import numpy as np
import pytest

from pylme.linalg import BlockedSystem, GroupedColumns, factor_inflated, grouped_matrix
from pylme.linalg import rankupdate
from pylme.linalg.dense_rest import DenseRest
from pylme.linalg.eval_kernels import first_block
from pylme.linalg.rankupdate import DenseUpdate, MapUpdate, ProductUpdate
from _random_templates import random_templates


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _design(kind: str, rng, n: int = 90):
    ones = np.ones((n, 1))
    if kind == "crossed":
        return [GroupedColumns(rng.integers(0, 14, n), ones, 14), GroupedColumns(rng.integers(0, 5, n), ones, 5)]
    if kind == "slopes":  # star's shape: (x | id) + (x | school), k = 2 first and later
        a = rng.integers(0, 12, n)
        return [GroupedColumns(a, np.column_stack([ones, rng.standard_normal(n)]), 12),
                GroupedColumns(rng.integers(0, 4, n), np.column_stack([ones, rng.standard_normal(n)]), 4)]
    if kind == "wide":  # kb07's shape: k = 3 on both crossed factors
        return [GroupedColumns(rng.integers(0, 8, n), rng.standard_normal((n, 3)), 8),
                GroupedColumns(rng.integers(0, 5, n), rng.standard_normal((n, 3)), 5)]
    if kind == "mixed":  # k = 2 first, then scalar and k = 2 later blocks
        a = rng.integers(0, 10, n)
        return [GroupedColumns(a, np.column_stack([ones, rng.standard_normal(n)]), 10),
                GroupedColumns(rng.integers(0, 4, n), rng.standard_normal((n, 2)), 4),
                GroupedColumns(a // 3, ones, 4)]
    if kind == "one_k3":
        return [GroupedColumns(rng.integers(0, 9, n), rng.standard_normal((n, 3)), 9)]
    raise ValueError(kind)


def _brute(blocks, dense, w, templates):
    """log det(ΛᵀZᵀWZΛ + I) and the dense columns' Schur pivots, by dense algebra."""
    z = np.hstack([grouped_matrix(b).toarray() for b in blocks])
    lam = np.zeros((z.shape[1], z.shape[1]))
    at = 0
    for b, t in zip(blocks, templates):
        for _ in range(b.nlevels):
            lam[at : at + b.width, at : at + b.width] = t
            at += b.width
    zl = z @ lam
    m = zl.T @ (w[:, None] * zl) + np.eye(z.shape[1])
    cross = zl.T @ (w[:, None] * dense)
    schur = dense.T @ (w[:, None] * dense) - cross.T @ np.linalg.solve(m, cross)
    return np.linalg.slogdet(m)[1], np.diagonal(np.linalg.cholesky(schur))


def _system(kind, route, method, rng):
    blocks = _design(kind, rng)
    n = blocks[0].refs.size
    dense, w = rng.standard_normal((n, 3)), rng.uniform(0.2, 2.0, n)
    saved = rankupdate.MAX_COEFFICIENTS, rankupdate.DENSE_MAX_ENTRIES, rankupdate.MAP_EVAL_COST
    try:
        if route == "product":
            rankupdate.MAX_COEFFICIENTS, rankupdate.DENSE_MAX_ENTRIES = -1, -1
        elif route == "map":
            rankupdate.DENSE_MAX_ENTRIES = -1
        else:  # dense: make the dense product look cheaper than any map
            rankupdate.MAP_EVAL_COST = 1e12
        system = BlockedSystem(blocks, dense, w, method=method)
    finally:
        rankupdate.MAX_COEFFICIENTS, rankupdate.DENSE_MAX_ENTRIES, rankupdate.MAP_EVAL_COST = saved
    expected = {"map": MapUpdate, "dense": DenseUpdate, "product": ProductUpdate}[route]
    if len(blocks) > 1:
        assert isinstance(system._update, expected)
    return blocks, dense, w, system


@pytest.mark.parametrize("method", ["dense", "sparse"])
@pytest.mark.parametrize("route", ["map", "dense", "product"])
@pytest.mark.parametrize("kind", ["crossed", "slopes", "wide", "mixed", "one_k3"])
def test_fast_path_equals_dense_algebra_and_the_factor(kind, route, method):
    rng = _rng(kind, route, method)
    blocks, dense, w, system = _system(kind, route, method, rng)
    for _ in range(3):
        templates = random_templates(blocks, rng)
        logdet, tail = system.logdet_and_tail(templates)
        want_logdet, want_tail = _brute(blocks, dense, w, templates)
        assert logdet == pytest.approx(want_logdet, rel=1e-11)
        np.testing.assert_allclose(tail, want_tail, rtol=1e-9)
        fac = system.factor(templates)  # the same kernels on the factor's own arrays
        if system.method == "dense":
            assert fac.logdet == logdet and np.array_equal(np.diagonal(fac.tail), tail)
        else:
            assert fac.logdet == pytest.approx(logdet, rel=1e-13)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_first_block_kernel_equals_the_numpy_factor(k):
    rng = _rng("first", k)
    nl, m = 11, 4
    z = rng.standard_normal((nl, 5, k))
    gram = np.einsum("lic,lid->lcd", z, z)
    a1d = rng.standard_normal((nl, k, m))
    t = np.tril(rng.uniform(-1.0, 1.0, (k, k)))
    t[np.diag_indices(k)] = rng.uniform(0.2, 1.5, k)
    shape3, shapem = (nl, k, k), (nl, k, m)
    chol, half, bmat = np.zeros(shape3), np.zeros(shape3), np.zeros(shape3)
    rzx, wd, logs = np.zeros(shapem), np.zeros(shapem), np.zeros(nl)
    logdet = first_block(t, gram, a1d, chol, half, bmat, rzx, wd, logs, True)
    ref = factor_inflated(gram, t)
    assert logdet == pytest.approx(ref.logdet, rel=1e-14)
    np.testing.assert_allclose(chol, ref.chol, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(half, ref.half, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(bmat, ref.schur, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(rzx, ref.scaled_forward(a1d), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(wd, np.einsum("lkm,lkd->ldm", rzx, ref.half), rtol=1e-13, atol=1e-14)
    bad = gram.copy()
    bad[3] = np.inf
    assert np.isnan(first_block(t, bad, a1d, chol, half, bmat, rzx, wd, logs, False))


def test_one_workspace_per_thread_and_concurrent_evaluations_give_the_same_bits():
    rng = _rng("threads")
    blocks, dense, w, system = _system("mixed", "map", "dense", rng)
    thetas = [random_templates(blocks, rng) for _ in range(8)]
    want = [system.logdet_and_tail(t) for t in thetas]
    work = system._workspace()
    for t in thetas:
        system.logdet_and_tail(t)
    assert system._workspace() is work  # reused, never re-allocated

    results, errors = {}, []

    def run(i):
        try:
            for _ in range(20):
                for j, t in enumerate(thetas):
                    got = system.logdet_and_tail(t)
                    results.setdefault((i, j), []).append(got)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for (_, j), values in results.items():
        for logdet, tail in values:
            assert logdet == want[j][0] and np.array_equal(tail, want[j][1])


def test_dense_rest_keeps_the_floor_benchmark_interface():
    """``assemble(ws, bvec, corr_dr, corr_dd, templates)`` as benchmarks/floor.py calls it."""
    rng = _rng("floor")
    blocks, dense, w, system = _system("slopes", "map", "dense", rng)
    templates = random_templates(blocks, rng)
    fac1 = factor_inflated(system._cp.a11, templates[0])
    corr_dr, corr_dd = system._corrections(fac1)
    rest = system._dense
    assert isinstance(rest, DenseRest)
    ws = np.empty((rest.size, rest.size))
    rest.assemble(ws, system._bvec(fac1), corr_dr, corr_dd, templates[1:])
    logdet, tail, _ = rest.factor_inplace(ws)
    got_logdet, got_tail = system.logdet_and_tail(templates)
    assert fac1.logdet + logdet == pytest.approx(got_logdet, rel=1e-13)
    np.testing.assert_allclose(tail, got_tail, rtol=1e-11)


@pytest.mark.parametrize("width,nlevels", [(1, 6), (3, 9), (2, 40_000)])
def test_one_block_map_is_the_empty_map_without_building_it(width, nlevels):
    """With no later block, MapUpdate skips the pair list and the sparse operator (a
    small model's setup) and holds the arrays, dtypes included, that building them gives."""
    from pylme.linalg.crossprod import cross_products
    from pylme.linalg.pairmap import level_pairs, pair_operator

    rng = _rng("empty map", width, nlevels)
    n = 2 * nlevels
    block = GroupedColumns(rng.integers(0, nlevels, n), rng.standard_normal((n, width)), nlevels)
    cp = cross_products([block], rng.standard_normal((n, 2)), np.ones(n))
    assert cp.n_rest == 0
    fast = MapUpdate(cp)
    pairs = level_pairs(cp.r1_rows, cp.r1_levels, cp.r1_values, cp.first.nlevels)
    keys, slot = np.unique(pairs.row + pairs.col, return_inverse=True)
    nterms = nlevels * width**2
    op = pair_operator(pairs, slot, keys.size, nterms, scale=-1.0)
    built = (keys, op.indptr, op.indices.astype(np.uint16) if nterms <= 65_535 else op.indices,
             op.data.astype(np.float32))
    for mine, theirs in zip((fast.keys, *fast.csr_arrays()), built):
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
    assert fast.n_coefficients == 0
