"""Weighted cross-products ``[Z D]ᵀ W [Z D]`` of a grouped design, computed once.

``Z`` is made of *grouped blocks*: a block has ``ℓ`` levels and ``k`` columns, and
observation ``i`` contributes its row ``z_i`` (length ``k``) to the columns of its
level ``refs[i]`` only (lme4: ``Zᵢᵀ = KhatriRao(Jᵢᵀ, Xᵢᵀ)``; columns are level-major,
the ``k`` components of a level adjacent).  ``D`` is a small dense matrix (in a
mixed model: the fixed-effects columns and the response).

The first block is the one eliminated first; its self cross-product is block
diagonal (``ℓ₁`` blocks of ``k₁×k₁``) and is kept as such.  Everything else is
kept in the form both factorization back-ends need (MixedModels.jl: the blocked
lower triangle of ``A`` built by ``createAL``).  Nothing here is ever an
``n × q`` dense array: all accumulations are grouped (``np.bincount``) or sparse.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

__all__ = ["GroupedColumns", "CrossProducts", "cross_products", "grouped_matrix"]


@dataclass(frozen=True)
class GroupedColumns:
    """One grouped block of ``Z``.

    Attributes
    ----------
    refs : ndarray of int, shape (n,)
        Level (0-based) of every observation.
    z : ndarray of float, shape (n, k)
        The block's columns before expansion by level.
    nlevels : int
        Number of levels ``ℓ``.
    """

    refs: np.ndarray
    z: np.ndarray
    nlevels: int

    @property
    def width(self) -> int:
        return self.z.shape[1]

    @property
    def size(self) -> int:
        return self.nlevels * self.z.shape[1]


def grouped_matrix(block: GroupedColumns, weights: np.ndarray | None = None) -> sp.csr_matrix:
    """The sparse ``n × ℓk`` matrix of a grouped block (times ``weights`` row-wise if given)."""
    n, k = block.z.shape
    cols = (block.refs[:, None] * k + np.arange(k)[None, :]).ravel()
    vals = block.z if weights is None else block.z * weights[:, None]
    indptr = np.arange(0, n * k + 1, k)
    return sp.csr_matrix((vals.ravel(), cols, indptr), shape=(n, block.size))


def _level_gram(block: GroupedColumns, weights: np.ndarray) -> np.ndarray:
    """``Σ_{i in level l} w_i z_i z_iᵀ`` for every level, shape (ℓ, k, k)."""
    k = block.width
    out = np.empty((block.nlevels, k, k))
    for a in range(k):
        for b in range(a + 1):
            col = np.bincount(block.refs, weights=weights * block.z[:, a] * block.z[:, b], minlength=block.nlevels)
            out[:, a, b] = col
            out[:, b, a] = col
    return out


@dataclass(frozen=True)
class CrossProducts:
    """The blocked cross-products (block 1 = ``first``; ``rest`` = later grouped blocks).

    Attributes
    ----------
    first : GroupedColumns
    rest : tuple of GroupedColumns
    offsets : ndarray of int
        Start of every later block in the "rest" coordinates; ``offsets[-1] = r``.
    a11 : ndarray, shape (ℓ₁, k₁, k₁)
        Diagonal blocks of ``Z₁ᵀ W Z₁``.
    a_r1 : scipy.sparse.csr_matrix, shape (r, ℓ₁k₁)
        ``Z_rᵀ W Z₁``.
    r1_rows, r1_levels : ndarray of int
        The distinct (level of block 1, row of rest) pairs of ``a_r1``, sorted by
        level then row.
    r1_values : ndarray, shape (len(r1_rows), k₁)
        ``a_r1[row, level·k₁ + c]`` for every pair and component ``c``.
    a_rr : scipy.sparse.csr_matrix, shape (r, r)
        ``Z_rᵀ W Z_r`` (both triangles).
    a_d1 : ndarray, shape (m, ℓ₁, k₁)
        ``Dᵀ W Z₁``.
    a_dr : ndarray, shape (m, r)
        ``Dᵀ W Z_r``.
    a_dd : ndarray, shape (m, m)
        ``Dᵀ W D``.
    """

    first: GroupedColumns
    rest: tuple
    offsets: np.ndarray
    a11: np.ndarray
    a_r1: sp.csr_matrix
    r1_rows: np.ndarray
    r1_levels: np.ndarray
    r1_values: np.ndarray
    a_rr: sp.csr_matrix
    a_d1: np.ndarray
    a_dr: np.ndarray
    a_dd: np.ndarray

    @property
    def n_rest(self) -> int:
        """Number of grouped columns after block 1 (``r``)."""
        return int(self.offsets[-1])

    @property
    def n_dense(self) -> int:
        """Number of dense columns (``m``)."""
        return self.a_dd.shape[0]

    @property
    def q(self) -> int:
        """Total number of grouped columns."""
        return self.first.size + self.n_rest


def cross_products(blocks, dense: np.ndarray, weights: np.ndarray) -> CrossProducts:
    """Form every cross-product once: O(n·(Σk + m)²) with grouped/sparse accumulations.

    Parameters
    ----------
    blocks : sequence of GroupedColumns
        At least one; the first is eliminated first (choose the largest).
    dense : ndarray, shape (n, m)
    weights : ndarray, shape (n,)
        Non-negative observation weights (the diagonal of ``W``).

    Returns
    -------
    CrossProducts
    """
    first, rest = blocks[0], tuple(blocks[1:])
    sizes = [b.size for b in rest]
    offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
    wd = dense * weights[:, None]
    z1w = grouped_matrix(first, weights)
    if rest:
        zr = _rest_matrix(rest, offsets, dense.shape[0])
        a_r1 = (zr.T @ z1w).tocsr()
        a_r1.sum_duplicates()
        a_r1.sort_indices()
        rows, levels, values = _pairs_by_level(a_r1, first.width)
        zrw = _rest_matrix(rest, offsets, dense.shape[0], weights)
        a_rr = (zr.T @ zrw).tocsr()
        a_rr.sum_duplicates()
    else:  # one grouped block (sleepstudy): the empty later parts, without sparse products
        a_r1 = sp.csr_matrix((0, z1w.shape[1]))
        rows, levels, values = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, first.width))
        a_rr = sp.csr_matrix((0, 0))
    m = dense.shape[1]
    a_d1 = np.asarray(z1w.T @ dense).T.reshape(m, first.nlevels, first.width)
    a_dr = np.asarray(zr.T @ wd).T if rest else np.zeros((m, 0))
    return CrossProducts(
        first=first, rest=rest, offsets=offsets, a11=_level_gram(first, weights),
        a_r1=a_r1, r1_rows=rows, r1_levels=levels, r1_values=values,
        a_rr=a_rr, a_d1=np.ascontiguousarray(a_d1), a_dr=np.ascontiguousarray(a_dr),
        a_dd=dense.T @ wd,
    )


def with_dense_columns(cp: CrossProducts, dense: np.ndarray, weights: np.ndarray) -> CrossProducts:
    """``cp`` with new dense columns D: only ``a_d1``, ``a_dr`` and ``a_dd`` change (O(n·m·Σk))."""
    n, m = dense.shape
    wd = dense * weights[:, None]
    z1w = grouped_matrix(cp.first, weights)
    a_d1 = np.asarray(z1w.T @ dense).T.reshape(m, cp.first.nlevels, cp.first.width)
    if len(cp.rest):
        a_dr = np.asarray(_rest_matrix(cp.rest, cp.offsets, n).T @ wd).T
    else:
        a_dr = np.zeros((m, 0))
    return replace(cp, a_d1=np.ascontiguousarray(a_d1), a_dr=np.ascontiguousarray(a_dr), a_dd=dense.T @ wd)


def _rest_matrix(rest, offsets, n, weights=None) -> sp.csr_matrix:
    """``Z_r`` (n × r), the later blocks side by side (optionally row-weighted)."""
    if not rest:
        return sp.csr_matrix((n, 0))
    parts = [grouped_matrix(b, weights) for b in rest]
    return sp.hstack(parts, format="csr") if len(parts) > 1 else parts[0]


def _pairs_by_level(a_r1: sp.csr_matrix, k: int):
    """Group ``a_r1``'s entries into (level, row) pairs with a ``k``-vector of values."""
    coo = a_r1.tocoo()
    keep = coo.data != 0.0
    rows, cols, data = coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64), coo.data[keep]
    levels, comp = cols // k, cols % k
    nrow = max(a_r1.shape[0], 1)
    key = levels * nrow + rows
    uniq, inv = np.unique(key, return_inverse=True)
    values = np.zeros((uniq.size, k))
    values[inv, comp] = data  # (row, column) entries are unique after sum_duplicates
    return uniq % nrow, uniq // nrow, values
