"""The small-model fast paths give the numbers of the general ones, to the bit.

Each fast path replaces a general computation only to save its fixed cost (sparse-matrix
construction, parsing, a sort); every test here compares the two with ``==``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import block_diag

import pylme
from pylme.design import lformula
from pylme.errors import FormulaError
from pylme.fit import _grouped_sums, group_means
from pylme.linalg import crossprod
from pylme.linalg.pairmap import MARK_BELOW, sorted_unique, unique_with_inverse
from pylme.linalg.rankupdate import DenseUpdate, MapUpdate, make_rank_update
from pylme.linalg.templates import TemplateLayout
from pylme.rstats import r_ave


def _random_design(rng, trial):
    n = int(rng.integers(5, 400))
    blocks = []
    for _ in range(int(rng.integers(1, 4))):
        nl, k = int(rng.integers(1, 30)), int(rng.integers(1, 4))
        z = rng.standard_normal((n, k)) * 10.0 ** rng.integers(-3, 3)
        if trial % 3 == 0:
            z[:, 0] = 1.0
        if k > 1 and trial % 4 == 0:
            z[rng.random((n, k)) < 0.3] = 0.0  # exact zeros: products that add nothing
        blocks.append(crossprod.GroupedColumns(rng.integers(0, nl, n).astype(np.int64), z, nl))
    m = int(rng.integers(1, 5))
    weights = rng.random(n) * 3 if trial % 2 else np.ones(n)
    if trial % 7 == 0:
        weights[rng.random(n) < 0.2] = 0.0
    return blocks, rng.standard_normal((n, m)) * 100, weights


def _same(a, b):
    assert type(a) is type(b)
    if hasattr(a, "indptr"):
        for name in ("indptr", "indices", "data"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.dtype == y.dtype and np.array_equal(x, y), name
        assert a.shape == b.shape
    else:
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


@pytest.mark.parametrize("seed", range(6))
def test_small_cross_products_are_scipys_products(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    for trial in range(40):
        blocks, dense, weights = _random_design(rng, trial)
        first, rest = blocks[0], tuple(blocks[1:])
        offsets = np.concatenate([[0], np.cumsum([b.size for b in rest], dtype=np.int64)])
        assert crossprod._is_small(first, rest, offsets, dense.shape[0])
        fast = crossprod.cross_products(blocks, dense, weights)
        with monkeypatch.context() as patch:
            patch.setattr(crossprod, "_is_small", lambda *args: False)
            general = crossprod.cross_products(blocks, dense, weights)
        for name in ("a11", "r1_rows", "r1_levels", "r1_values", "a_d1", "a_dr", "a_dd", "a_r1", "a_rr"):
            _same(getattr(fast, name), getattr(general, name))


def test_large_designs_keep_the_sparse_products():
    n, nl = 50_000, 3_000
    rng = np.random.default_rng(0)
    first = crossprod.GroupedColumns(rng.integers(0, nl, n), np.ones((n, 1)), nl)
    rest = (crossprod.GroupedColumns(rng.integers(0, 500, n), np.ones((n, 1)), 500),)
    assert not crossprod._is_small(first, rest, np.array([0, 500]), n)


@pytest.mark.parametrize("high", [10, 5_000, MARK_BELOW, 2**40])
def test_unique_with_inverse_is_numpys(high):
    rng = np.random.default_rng(high % 97)
    keys = rng.integers(0, high, 20_000).astype(np.int64)
    uniq, inverse = unique_with_inverse(keys)
    expected, expected_inverse = np.unique(keys, return_inverse=True)
    _same(uniq, expected)
    assert np.array_equal(inverse, expected_inverse)
    _same(sorted_unique(keys), expected)
    assert unique_with_inverse(np.zeros(0, np.int64))[0].size == 0


def test_group_means_row_sums_and_running_prefix_agree():
    rng = np.random.default_rng(4)
    sizes = np.concatenate([[2_000], rng.integers(1, 6, 3_000)])  # padded rows would not fit
    codes = np.repeat(np.arange(sizes.size), sizes)
    rng.shuffle(codes)
    y = rng.normal(300.0, 50.0, codes.size) * 10.0 ** rng.integers(-8, 9, codes.size)
    np.testing.assert_array_equal(group_means(y, codes), r_ave(y, codes))
    small = rng.normal(size=60).astype(np.longdouble)
    group = np.repeat(np.arange(3), [30, 20, 10])
    padded_sums = _grouped_sums(small, group, np.array([30, 20, 10]))
    expected = [np.cumsum(small[group == g])[-1] for g in range(3)]
    assert np.array_equal(padded_sums, np.array(expected, dtype=np.longdouble))


def test_block_templates_are_the_block_diagonal_of_the_term_templates():
    layout = TemplateLayout([2, 1, 3, 1], [5, 5, 4, 7], [(0, 1), (2,), (3,)])
    par = np.arange(1.0, layout.n_par + 1.0)
    blocks = layout.block_templates(par)
    terms = layout.term_templates(par)
    assert np.array_equal(blocks[0], block_diag(terms[0], terms[1]))
    assert np.array_equal(blocks[1], terms[2]) and np.array_equal(blocks[2], terms[3])
    assert all(b.flags.c_contiguous and b.dtype == float for b in blocks)
    again = layout.block_templates(par)
    again[0][0, 0] = -1.0  # every call owns its arrays
    assert blocks[0][0, 0] == 1.0


def test_formula_pieces_are_shared_and_failures_raise_every_time():
    text = "Reaction ~ Days + (Days || Subject)"
    assert lformula._formula_pieces(text) is lformula._formula_pieces(text)
    for _ in range(2):
        with pytest.raises(FormulaError):
            pylme.lmer("Reaction ~ Days + (Days | )", pylme.datasets.load("sleepstudy"))


def test_rank_update_route_counts_the_dense_products_fixed_cost():
    pen = pylme.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", pylme.datasets.load("Penicillin"))
    assert isinstance(pen.problem._system._update, MapUpdate)  # 504 coefficients: one compiled pass
    rng = np.random.default_rng(2)
    n, nl, r = 4_000, 60, 40  # every level of block 1 meets every later row: a full A_r1
    first = crossprod.GroupedColumns(np.arange(n) % nl, rng.normal(size=(n, 3)), nl)
    rest = crossprod.GroupedColumns((np.arange(n) // nl) % r, np.ones((n, 1)), r)
    cp = crossprod.cross_products([first, rest], np.ones((n, 1)), np.ones(n))
    assert isinstance(make_rank_update(cp), DenseUpdate)


@pytest.mark.parametrize("seed", range(4))
def test_small_coefficient_maps_are_scipys_canonical_csr(seed, monkeypatch):
    from pylme.linalg import pairmap

    rng = np.random.default_rng(seed)
    for _ in range(30):
        n, nl, k = int(rng.integers(20, 600)), int(rng.integers(2, 40)), int(rng.integers(1, 4))
        first = crossprod.GroupedColumns(rng.integers(0, nl, n), rng.standard_normal((n, k)), nl)
        rest = crossprod.GroupedColumns(rng.integers(0, 15, n), rng.standard_normal((n, int(rng.integers(1, 3)))), 15)
        cp = crossprod.cross_products([first, rest], np.ones((n, 1)), np.ones(n))
        direct = MapUpdate(cp)
        with monkeypatch.context() as patch:
            patch.setattr(pairmap, "SMALL_OPERATOR", -1)
            general = MapUpdate(cp)
        assert np.array_equal(direct.keys, general.keys)
        for x, y in zip(direct.csr_arrays(), general.csr_arrays()):
            _same(x, y)
