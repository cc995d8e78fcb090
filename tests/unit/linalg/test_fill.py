"""The minimum-degree cost estimate (:mod:`pylme.linalg.fill`) and the back-end choice it drives.

* the elimination equals a plain reference (Python sets, same tie rule) on random patterns:
  the factor's entries and ``Σ c²``, exactly, interpreted and compiled;
* closed forms: a path fills nothing, a clique is full;
* it stops once the cost passes the limit;
* ``BlockedSystem`` picks dense for a crossed design that fills in without building the
  sparse back-end (no SuperLU factorization), and sparse where the factor stays sparse.
"""

from __future__ import annotations

import numpy as np
import pytest

from pylme.linalg import BlockedSystem, GroupedColumns, blocked, jit
from pylme.linalg.fill import min_degree_cost


def _reference(keys: np.ndarray, n: int) -> tuple[int, float]:
    adj = [set() for _ in range(n)]
    for key in keys.tolist():
        a, b = divmod(key, n)
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    alive, nnz, flops = set(range(n)), 0, 0.0
    while alive:
        v = min(alive, key=lambda i: (len(adj[i]), i))
        c = len(adj[v]) + 1
        nnz, flops = nnz + c, flops + c * c
        for u in adj[v]:
            adj[u] |= adj[v] - {u}
            adj[u].discard(v)
        alive.discard(v)
        adj[v] = set()
    return nnz, flops


def _random_keys(rng, n: int, edges: int) -> np.ndarray:
    a, b = rng.integers(0, n, edges), rng.integers(0, n, edges)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return np.unique(np.concatenate([hi * n + lo, np.arange(n) * (n + 1)]))


@pytest.mark.parametrize("n, edges", [(1, 0), (7, 5), (40, 60), (130, 400), (200, 150)])
def test_elimination_equals_the_reference(n, edges):
    keys = _random_keys(np.random.default_rng(n + edges), n, edges)
    want = _reference(keys, n)
    with jit.interpreted_kernels():
        est = min_degree_cost(keys, n, 30.0, 200.0, np.inf)
        assert est.complete and (est.factor_nnz, est.flops) == want
    jit.compile_kernels()
    est = min_degree_cost(keys, n, 30.0, 200.0, np.inf)
    assert est.complete and (est.factor_nnz, est.flops) == want


def test_closed_forms_and_the_early_stop():
    n = 50
    path = np.arange(1, n) * n + np.arange(n - 1)  # (i, i-1)
    est = min_degree_cost(path, n, 1.0, 0.0, np.inf)
    assert est.factor_nnz == 2 * n - 1 and est.complete
    rows, cols = np.tril_indices(n)
    clique = rows * n + cols
    est = min_degree_cost(clique, n, 1.0, 0.0, np.inf)
    assert est.factor_nnz == n * (n + 1) // 2 and est.flops == sum(c * c for c in range(1, n + 1))
    stopped = min_degree_cost(clique, n, 1.0, 0.0, 10_000.0)
    assert not stopped.complete and stopped.flops > 10_000.0 and stopped.factor_nnz < n * (n + 1) // 2


def _crossed(rng, n, first, second):
    ones = np.ones((n, 1))
    return [GroupedColumns(rng.integers(0, first, n), ones, first),
            GroupedColumns(rng.integers(0, second, n), ones, second)]


def test_a_crossed_block_that_fills_in_is_dense_without_a_sparse_factorization(monkeypatch):
    rng = np.random.default_rng(5)
    blocks = _crossed(rng, 12_000, 3_000, 900)  # 4 ratings a user: the 900 items' graph fills in
    def no_superlu(*args, **kwargs):
        raise AssertionError("the sparse back-end (a SuperLU factorization) was built")
    monkeypatch.setattr(blocked, "SparseRest", no_superlu)
    n = blocks[0].refs.size
    system = BlockedSystem(blocks, rng.standard_normal((n, 2)), np.ones(n))
    assert system.method == "dense"


def test_a_factor_that_stays_sparse_is_sparse():
    rng = np.random.default_rng(6)
    n, second = 6_000, 1_500
    b = rng.integers(0, second, n)
    a = b * 2 + rng.integers(0, 2, n)  # each first-block level within one later level: nested
    ones = np.ones((n, 1))
    blocks = [GroupedColumns(a, ones, 2 * second), GroupedColumns(b, ones, second)]
    system = BlockedSystem(blocks, rng.standard_normal((n, 2)), np.ones(n))
    assert system.method == "sparse"
