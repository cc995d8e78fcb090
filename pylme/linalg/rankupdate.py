"""Eliminating block 1 from the later blocks: ``A_r1 B A_1r`` on its lower-triangle pattern.

Three strategies with one interface (``keys``, ``subtract``), chosen by cost and memory:

* :class:`MapUpdate` — the coefficients of the fixed linear map ``B ↦ A_r1 B A_1r``
  are stored (:mod:`.pairmap`); one compiled sparse mat-vec per evaluation.  Memory
  is ``Σ_l c_l(c_l+1)/2`` coefficients (``c_l``: later rows touched by level ``l``),
  1.3 M for InstEval.
* :class:`DenseUpdate` — when ``A_r1`` is a small, nearly full matrix (a few later
  levels crossed with every level of block 1: kb07's 32 items against 56 subjects, whose
  map would hold 4.4 M coefficients), ``A_r1`` is held dense and the update is one
  BLAS product ``(A_r1 B) A_1r`` per evaluation;
* :class:`ProductUpdate` — for designs whose levels touch so many later rows that
  the coefficients would not fit (e.g. MovieLens-sized crossings), a sparse matrix
  product ``A_r1 (B A_1r)`` per evaluation (MixedModels.jl ``rankUpdate!`` does the
  same work by a scatter).

``keys`` are the distinct positions ``row·r + col`` (``row ≥ col``) the update can
touch, sorted; ``subtract(bvec, out)`` does ``out[i] −= (A_r1 B A_1r)[keys[i]]``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .crossprod import CrossProducts
from . import eval_kernels as kernels
from .pairmap import level_pairs, pair_operator, sorted_unique, unique_with_inverse

__all__ = ["MapUpdate", "DenseUpdate", "ProductUpdate", "make_rank_update", "count_coefficients",
           "structural_keys"]

#: Above this many stored coefficients (≈ 12 bytes each, ~5× that while building),
#: the update is recomputed by a sparse product on every evaluation instead.
MAX_COEFFICIENTS = 15_000_000
#: Never hold a dense ``A_r1`` above this many entries (8 bytes each).
DENSE_MAX_ENTRIES = 4_000_000
#: Relative per-evaluation costs, in element operations: a stored coefficient of the map
#: is streamed once (value and index, ≈1.4 ns on the 2-core reference box: InstEval's
#: 1.29 M in 1.8 ms); a dense entry of ``A_r1`` is scaled by ``B`` (``k`` multiply-adds)
#: and the BLAS product costs about 1/16 of an operation per multiply-add.
MAP_EVAL_COST = 1.5
GEMM_FLOP_COST = 1.0 / 16.0
#: The dense route's fixed cost per evaluation in the same units (≈ 10 µs): its five NumPy
#: calls and their temporaries, where the map is summed inside the one compiled pass that
#: also assembles the trailing matrix.  It decides small designs (Penicillin's 504
#: coefficients cost ≈ 1 µs as a map, ≈ 10 µs dense).
DENSE_FIXED_COST = 10_000.0


def count_coefficients(cp: CrossProducts) -> int:
    """How many coefficients :class:`MapUpdate` would store (before dropping zeros)."""
    k = cp.first.width
    per_level = np.bincount(cp.r1_levels, minlength=cp.first.nlevels).astype(np.int64)
    return int(np.sum(per_level * (per_level + 1) // 2)) * (k * (k + 1) // 2)


def make_rank_update(cp: CrossProducts, max_coefficients: int | None = None):
    """The cheapest route per evaluation: a dense ``A_r1`` when it is small and the map would
    cost more, else stored coefficients when they fit in ``max_coefficients`` (default
    :data:`MAX_COEFFICIENTS`), else a sparse product."""
    limit = MAX_COEFFICIENTS if max_coefficients is None else max_coefficients
    count = count_coefficients(cp)
    r, q1, k = cp.n_rest, cp.first.size, cp.first.width
    dense_cost = DENSE_FIXED_COST + r * q1 * (k + 1) + GEMM_FLOP_COST * r * r * q1 + r * r
    if r and r * q1 <= DENSE_MAX_ENTRIES and dense_cost < MAP_EVAL_COST * count:
        return DenseUpdate.from_cross_products(cp)
    if count <= limit:
        return MapUpdate(cp)
    return ProductUpdate(cp)


def structural_keys(cp: CrossProducts) -> np.ndarray:
    """Every position ``row·r + col`` (``row ≥ col``) of two later rows sharing a level of block 1.

    The pattern of ``A_r1 B A_1r`` whatever ``B`` (levels merged, so ``B``'s cross-component
    entries are covered), sorted.
    """
    first = cp.first
    a_r1 = cp.a_r1.tocsr()
    by_level = sp.csr_matrix((np.ones(a_r1.nnz), a_r1.indices // first.width, a_r1.indptr),
                             shape=(cp.n_rest, first.nlevels))
    struct = (by_level @ by_level.T).tocoo()
    row, col = struct.row.astype(np.int64), struct.col.astype(np.int64)
    keep = row >= col
    return sorted_unique(row[keep] * max(cp.n_rest, 1) + col[keep])


class MapUpdate:
    """Stored coefficients; ``subtract`` is one compiled CSR mat-vec (see :mod:`.pairmap`).

    The coefficients are streamed from memory on every evaluation (InstEval: 1.29 M), so
    they are kept in the narrowest types that hold them exactly: column indices as
    ``uint16`` when ``B`` has at most 65,535 entries, values as ``float32`` when every one
    of them converts exactly (products of small counts: unit ``z`` and weights).  The
    arithmetic is float64 throughout; the numbers are those of the float64 operator.
    """

    def __init__(self, cp: CrossProducts):
        r = max(cp.n_rest, 1)
        nterms = cp.first.nlevels * cp.first.width**2
        if cp.n_rest == 0:  # one grouped block: nothing to update (the arrays an empty map has)
            self.keys = np.zeros(0, dtype=np.int64)
            self._indptr = np.zeros(1, dtype=np.int32)
            self._indices = np.zeros(0, dtype=np.uint16 if nterms <= np.iinfo(np.uint16).max else np.int32)
            self._data = np.zeros(0, dtype=np.float32)
            return
        pairs = level_pairs(cp.r1_rows, cp.r1_levels, cp.r1_values, cp.first.nlevels)
        # many pairs land on one position: the operator's rows are the distinct positions
        self.keys, slot = unique_with_inverse(pairs.row * r + pairs.col)
        op = pair_operator(pairs, slot, self.keys.size, nterms, scale=-1.0)
        self._indptr = op.indptr
        self._indices = op.indices.astype(np.uint16) if nterms <= np.iinfo(np.uint16).max else op.indices
        narrow = op.data.astype(np.float32)
        self._data = narrow if np.array_equal(narrow.astype(np.float64), op.data) else op.data

    @property
    def n_coefficients(self) -> int:
        return int(self._data.size)

    def csr_arrays(self):
        """The map's CSR arrays ``(indptr, indices, data)``: rows are the keys (compiled scatter)."""
        return self._indptr, self._indices, self._data

    def subtract(self, bvec: np.ndarray, out: np.ndarray, work: dict | None = None) -> None:
        """``out += M bvec`` (the map's coefficients carry the minus sign): scipy's order."""
        kernels.map_accumulate(self._indptr, self._indices, self._data, np.ascontiguousarray(bvec, dtype=float), out)


class DenseUpdate:
    """``out −= (A_r1 B A_1r)[keys]`` through one dense matrix product (``A_r1`` held dense).

    Parameters
    ----------
    keys : ndarray of int
        The positions of the update (:func:`structural_keys`).
    a : ndarray, shape (r, ℓ₁, k₁)
        ``A_r1`` dense.
    """

    def __init__(self, keys: np.ndarray, a: np.ndarray):
        self.keys, self._a = keys, a

    @classmethod
    def from_cross_products(cls, cp: CrossProducts) -> "DenseUpdate":
        r = cp.n_rest
        a = np.zeros((r, cp.first.nlevels, cp.first.width))
        a_r1 = cp.a_r1
        rows = np.repeat(np.arange(r, dtype=np.int64), np.diff(a_r1.indptr))
        a.reshape(-1)[rows * cp.first.size + a_r1.indices] = a_r1.data
        return cls(structural_keys(cp), a)

    @property
    def n_coefficients(self) -> int:
        return 0

    def a_r1_times(self, x: np.ndarray) -> np.ndarray:
        """``A_r1 x`` (x of shape (ℓ₁k₁, m)) by the dense product (``A_r1`` is held dense anyway)."""
        r = self._a.shape[0]
        return self._a.reshape(r, -1) @ x

    def subtract(self, bvec: np.ndarray, out: np.ndarray, work: dict | None = None) -> None:
        """``out −= (A_r1 B A_1r)[keys]``; ``work`` (a dict) keeps the buffers between calls."""
        a = self._a
        r, nl, k = a.shape
        if work is None:
            work = {}
        if work.get("full") is None or work["full"].shape != (r, r):
            work.update(scaled=np.empty((r, nl, k)), full=np.empty((r, r)), gather=np.empty(self.keys.size))
        scaled, full, gather = work["scaled"], work["full"], work["gather"]
        if k == 1:
            flat = a[:, :, 0]
            np.multiply(flat, bvec, out=scaled[:, :, 0])
            np.matmul(scaled[:, :, 0], flat.T, out=full)
        else:  # (A_r1 B)[r, (l, d)] = Σ_c A_r1[r, (l, c)] B_l[c, d]
            flat = a.reshape(r, nl * k)
            kernels.times_blocks(a, bvec.reshape(nl, k, k), scaled)
            np.matmul(scaled.reshape(r, nl * k), flat.T, out=full)
        np.take(full.reshape(-1), self.keys, out=gather)
        out -= gather


class ProductUpdate:
    """``A_r1 (B A_1r)`` by a sparse product on every evaluation (no stored coefficients)."""

    def __init__(self, cp: CrossProducts):
        first = cp.first
        self._r, self._k, self._nl = max(cp.n_rest, 1), first.width, first.nlevels
        self._a_r1 = cp.a_r1.tocsr()
        self._a_1r = cp.a_r1.T.tocsr()
        self._row_level = np.repeat(np.arange(first.size) // first.width, np.diff(self._a_1r.indptr))
        self.keys = structural_keys(cp)

    @property
    def n_coefficients(self) -> int:
        return 0

    def with_matrix(self, a_r1: sp.csr_matrix) -> "ProductUpdate":
        """The update for new values of ``A_r1`` on the same structure (keys and level map kept)."""
        new = object.__new__(ProductUpdate)
        new.__dict__.update(self.__dict__)
        new._a_r1 = a_r1
        new._a_1r = a_r1.T.tocsr()
        return new

    def subtract(self, bvec: np.ndarray, out: np.ndarray, work: dict | None = None) -> None:
        blocks = bvec.reshape(self._nl, self._k, self._k)
        if self._k == 1:
            scaled = self._a_1r.copy()
            scaled.data = scaled.data * blocks[self._row_level, 0, 0]
        else:
            bdiag = sp.bsr_matrix((blocks, np.arange(self._nl), np.arange(self._nl + 1)),
                                  shape=(self._nl * self._k, self._nl * self._k))
            scaled = (bdiag @ self._a_1r).tocsr()
        prod = (self._a_r1 @ scaled).tocoo()
        row, col = prod.row.astype(np.int64), prod.col.astype(np.int64)
        keep = row >= col
        idx = np.searchsorted(self.keys, row[keep] * self._r + col[keep])
        out[idx] -= prod.data[keep]  # positions are distinct in a canonical product
