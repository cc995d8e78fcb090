"""Eliminating block 1 from the later blocks: ``A_r1 B A_1r`` on its lower-triangle pattern.

Two strategies with one interface (``keys``, ``subtract``), chosen by memory:

* :class:`MapUpdate` — the coefficients of the fixed linear map ``B ↦ A_r1 B A_1r``
  are stored (:mod:`.pairmap`); one compiled sparse mat-vec per evaluation.  Memory
  is ``Σ_l c_l(c_l+1)/2`` coefficients (``c_l``: later rows touched by level ``l``),
  1.3 M for InstEval.
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
from .pairmap import accumulate_matvec, level_pairs, pair_operator, sorted_unique

__all__ = ["MapUpdate", "ProductUpdate", "make_rank_update", "count_coefficients"]

#: Above this many stored coefficients (≈ 12 bytes each, ~5× that while building),
#: the update is recomputed by a sparse product on every evaluation instead.
MAX_COEFFICIENTS = 15_000_000


def count_coefficients(cp: CrossProducts) -> int:
    """How many coefficients :class:`MapUpdate` would store (before dropping zeros)."""
    k = cp.first.width
    per_level = np.bincount(cp.r1_levels, minlength=cp.first.nlevels).astype(np.int64)
    return int(np.sum(per_level * (per_level + 1) // 2)) * (k * (k + 1) // 2)


def make_rank_update(cp: CrossProducts, max_coefficients: int | None = None):
    """Stored coefficients when they fit in ``max_coefficients`` (default :data:`MAX_COEFFICIENTS`)."""
    limit = MAX_COEFFICIENTS if max_coefficients is None else max_coefficients
    if count_coefficients(cp) <= limit:
        return MapUpdate(cp)
    return ProductUpdate(cp)


class MapUpdate:
    """Stored coefficients; ``subtract`` is one CSR mat-vec (see :mod:`.pairmap`)."""

    def __init__(self, cp: CrossProducts):
        r = max(cp.n_rest, 1)
        pairs = level_pairs(cp.r1_rows, cp.r1_levels, cp.r1_values, cp.first.nlevels)
        # many pairs land on one position: the operator's rows are the distinct positions
        self.keys, slot = np.unique(pairs.row * r + pairs.col, return_inverse=True)
        nterms = cp.first.nlevels * cp.first.width**2
        self._op = pair_operator(pairs, slot, self.keys.size, nterms, scale=-1.0)

    @property
    def n_coefficients(self) -> int:
        return int(self._op.nnz)

    def subtract(self, bvec: np.ndarray, out: np.ndarray) -> None:
        accumulate_matvec(self._op, bvec, out)


class ProductUpdate:
    """``A_r1 (B A_1r)`` by a sparse product on every evaluation (no stored coefficients)."""

    def __init__(self, cp: CrossProducts):
        first = cp.first
        self._r, self._k, self._nl = max(cp.n_rest, 1), first.width, first.nlevels
        self._a_r1 = cp.a_r1.tocsr()
        self._a_1r = cp.a_r1.T.tocsr()
        self._row_level = np.repeat(np.arange(first.size) // first.width, np.diff(self._a_1r.indptr))
        # structural pattern: levels merged, so B's cross-component entries are covered
        by_level = sp.csr_matrix((np.ones(self._a_r1.nnz), self._a_r1.indices // first.width, self._a_r1.indptr),
                                 shape=(cp.n_rest, first.nlevels))
        struct = (by_level @ by_level.T).tocoo()
        row, col = struct.row.astype(np.int64), struct.col.astype(np.int64)
        keep = row >= col
        self.keys = sorted_unique(row[keep] * self._r + col[keep])

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

    def subtract(self, bvec: np.ndarray, out: np.ndarray) -> None:
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
