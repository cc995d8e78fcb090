"""Unit tests of the pylme.linalg building blocks against plain numpy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from pylme.errors import NumericalError
from pylme.linalg import BlockedSystem, GroupedColumns, PivotError, TemplateLayout, factor_inflated, grouped_matrix
from pylme.linalg.pairmap import level_pairs, pair_operator
from pylme.linalg.sparse_rest import close_levels
from pylme.linalg.templates import lower_tri_colmajor


def _random_gram(rng, nl, k):
    a = rng.standard_normal((nl, k + 2, k))
    return np.swapaxes(a, 1, 2) @ a


@pytest.mark.parametrize("k", [1, 2, 3])
def test_factor_inflated_matches_numpy(k):
    rng = np.random.default_rng(k)
    gram = _random_gram(rng, 5, k)
    tmpl = np.tril(rng.standard_normal((k, k)))
    tmpl[0, 0] = -abs(tmpl[0, 0])  # negative diagonal entries are allowed
    fac = factor_inflated(gram, tmpl)
    g = np.array([tmpl.T @ a @ tmpl + np.eye(k) for a in gram])
    assert fac.logdet == pytest.approx(sum(np.linalg.slogdet(x)[1] for x in g), rel=1e-13)
    np.testing.assert_allclose(fac.schur, [tmpl @ np.linalg.inv(x) @ tmpl.T for x in g], atol=1e-13)
    np.testing.assert_allclose(fac.inverse(), np.linalg.inv(g), atol=1e-13)
    rhs = rng.standard_normal((5, k))
    np.testing.assert_allclose(fac.solve(rhs), np.linalg.solve(g, rhs[..., None])[..., 0], atol=1e-13)


def test_factor_inflated_overflow_is_a_pivot_error():
    with pytest.raises(PivotError) as info:
        factor_inflated(np.full((2, 1, 1), np.inf), np.ones((1, 1)))
    assert isinstance(info.value, NumericalError) and info.value.part == "random"


@pytest.mark.parametrize("k", [1, 2, 3])
def test_pair_operator_reproduces_rank_update(k):
    """The fixed linear map gives the lower triangle of A_r1 B A_1r for any B."""
    rng = np.random.default_rng(10 + k)
    nl, r = 6, 9
    a_r1 = sp.random(r, nl * k, density=0.4, random_state=rng, format="csr")
    coo = a_r1.tocoo()
    lev, comp = coo.col // k, coo.col % k
    key = lev * r + coo.row
    uniq, inv = np.unique(key, return_inverse=True)
    values = np.zeros((uniq.size, k))
    values[inv, comp] = coo.data
    pairs = level_pairs(uniq % r, uniq // r, values, nl)
    op = pair_operator(pairs, pairs.row * r + pairs.col, r * r, nl * k * k)
    blocks = _random_gram(rng, nl, k)
    full = a_r1 @ sp.block_diag(list(blocks)) @ a_r1.T
    got = (op @ blocks.ravel()).reshape(r, r)
    np.testing.assert_allclose(got, np.tril(full.toarray()), atol=1e-12)


def test_template_layout_column_major_and_amalgamation():
    rows, cols = lower_tri_colmajor(3)
    assert list(zip(rows, cols)) == [(0, 0), (1, 0), (2, 0), (1, 1), (2, 1), (2, 2)]
    # terms: (1|g) with 3 levels, (x|h) with 2 levels, (0+z|g) shares g -> block [0, 2]
    layout = TemplateLayout([1, 2, 1], [3, 2, 3], [[0, 2], [1]])
    theta = np.array([1.5, 2.0, 0.5, 3.0, 4.0])
    t0, t1, t2 = layout.term_templates(theta)
    assert t0[0, 0] == 1.5 and t2[0, 0] == 4.0
    np.testing.assert_array_equal(t1, [[2.0, 0.0], [0.5, 3.0]])
    b0, b1 = layout.block_templates(theta)
    np.testing.assert_array_equal(b0, np.diag([1.5, 4.0]))
    # internal block 0 is level-major over (term0, term2); term-major puts term 2 at 7..9
    np.testing.assert_array_equal(layout.internal_to_term, [0, 7, 1, 8, 2, 9, 3, 4, 5, 6])
    np.testing.assert_array_equal(layout.to_terms(np.arange(10.0)), [0, 2, 4, 6, 7, 8, 9, 1, 3, 5])
    np.testing.assert_array_equal(layout.diagonal_mask(), [True, True, False, True, True])


def test_close_levels_keeps_whole_level_blocks():
    blocks = [(0, 2, 2), (4, 3, 1)]  # two levels of width 2, then three of width 1
    keys = np.array([1 * 7 + 0, 4 * 7 + 2, 6 * 7 + 6])  # (1,0), (4,2), (6,6)
    closed = set(close_levels(keys, 7, blocks).tolist())
    assert {(0 * 7 + 0), (1 * 7 + 0), (1 * 7 + 1)} <= closed  # level block 0 of block 0
    assert {(4 * 7 + 2), (4 * 7 + 3)} <= closed  # row 4 against both components of level 1
    assert all(k // 7 >= k % 7 for k in closed)


def test_grouped_matrix_layout():
    g = GroupedColumns(np.array([1, 0, 1]), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), 2)
    np.testing.assert_array_equal(grouped_matrix(g).toarray(),
                                  [[0, 0, 1, 2], [3, 4, 0, 0], [0, 0, 5, 6]])


def test_blocked_system_fast_path_equals_full_factor():
    rng = np.random.default_rng(5)
    n = 40
    blocks = [GroupedColumns(rng.integers(0, 7, n), rng.standard_normal((n, 2)), 7),
              GroupedColumns(rng.integers(0, 4, n), rng.standard_normal((n, 1)), 4)]
    dense = rng.standard_normal((n, 3))
    templates = [np.array([[1.0, 0.0], [0.3, 0.8]]), np.array([[0.6]])]
    for method in ("dense", "sparse"):
        system = BlockedSystem(blocks, dense, np.ones(n), method=method)
        assert system.method == method and system.q == 18 and system.n_dense == 3
        logdet, tail = system.logdet_and_tail(templates)
        fac = system.factor(templates)
        assert logdet == pytest.approx(fac.logdet, rel=1e-14)
        np.testing.assert_allclose(tail, np.diagonal(fac.tail), rtol=1e-12)
    with pytest.raises(ValueError, match="templates"):
        system.logdet_and_tail(templates[:1])
    with pytest.raises(ValueError, match="method"):
        BlockedSystem(blocks, dense, np.ones(n), method="cholmod")


def test_auto_picks_sparse_for_large_sparse_trailing_blocks():
    """Two big crossed factors with local co-occurrence: dense would be r³/3 flops."""
    rng = np.random.default_rng(2)
    n, la, lb = 20000, 6000, 1500
    a = rng.integers(0, la, n)
    b = np.clip(a * lb // la + rng.integers(-2, 3, n), 0, lb - 1)
    blocks = [GroupedColumns(a, np.ones((n, 1)), la), GroupedColumns(b, np.ones((n, 1)), lb)]
    dense = np.column_stack([np.ones(n), rng.standard_normal(n)])
    auto = BlockedSystem(blocks, dense, np.ones(n))
    assert auto.method == "sparse"
    forced = BlockedSystem(blocks, dense, np.ones(n), method="dense")
    templates = [np.array([[0.7]]), np.array([[1.3]])]
    got, want = auto.logdet_and_tail(templates), forced.logdet_and_tail(templates)
    assert got[0] == pytest.approx(want[0], rel=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-10)
