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


def _row_columns(block: GroupedColumns, offset: int = 0) -> np.ndarray:
    """Column of every entry of ``block``'s rows, shape (n, k)."""
    k = block.width
    return offset + block.refs[:, None] * k + np.arange(k)[None, :]


def grouped_matrix(block: GroupedColumns, weights: np.ndarray | None = None) -> sp.csr_matrix:
    """The sparse ``n × ℓk`` matrix of a grouped block (times ``weights`` row-wise if given)."""
    n, k = block.z.shape
    cols = _row_columns(block).ravel()
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
    if _is_small(first, rest, offsets, dense.shape[0]):
        return _small_cross_products(first, rest, offsets, dense, wd, weights)
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


#: Designs whose accumulators ``r × ℓ₁k₁`` and ``r × r`` have at most this many entries
#: (and whose rows carry few products) take :func:`_small_cross_products`.
SMALL_ENTRIES = 1 << 18


def _is_small(first: GroupedColumns, rest: tuple, offsets: np.ndarray, n: int) -> bool:
    r, q1 = int(offsets[-1]), first.size
    k_rest = sum(b.width for b in rest)
    return (r * max(q1, r) <= SMALL_ENTRIES and n * k_rest * max(first.width, k_rest) <= 4 * SMALL_ENTRIES
            and n * first.width <= SMALL_ENTRIES)


def _row_sums(cols_a, vals_a, cols_b, vals_b, n_b: int, size: int) -> np.ndarray:
    """``Σ_i a[i, s] b[i, t]`` for every (s, t), flattened ``s·n_b + t``.

    ``np.bincount`` adds in the order of its input, observation after observation: the
    additions of scipy's sparse products (``csr_matmat``, ``csc_matvecs``) in their order,
    each term the same rounded product, so the sums are the same to the bit.
    """
    keys = (cols_a[:, :, None] * n_b + cols_b[:, None, :]).ravel()
    return np.bincount(keys, weights=(vals_a[:, :, None] * vals_b[:, None, :]).ravel(), minlength=size)


def _csr_from_dense(mat: np.ndarray) -> sp.csr_matrix:
    """The non-zero entries of ``mat`` as a CSR matrix with sorted int32 indices (scipy's
    product of small operands has that form)."""
    rows, cols = np.nonzero(mat)
    indptr = np.zeros(mat.shape[0] + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=mat.shape[0]), out=indptr[1:])
    out = sp.csr_matrix((mat[rows, cols], cols.astype(np.int32), indptr), shape=mat.shape)
    out.has_sorted_indices = True
    return out


def _small_cross_products(first: GroupedColumns, rest: tuple, offsets: np.ndarray, dense: np.ndarray,
                          wd: np.ndarray, weights: np.ndarray) -> CrossProducts:
    """:func:`cross_products` of a small design by grouped sums (no sparse matrices: their
    construction costs more than a small model's whole product), the same numbers."""
    n, m = dense.shape
    r, q1, k1 = int(offsets[-1]), first.size, first.width
    cols1 = _row_columns(first)
    z1w = first.z * weights[:, None]
    cols_d = np.broadcast_to(np.arange(m, dtype=np.int64), (n, m))  # D's column of every entry
    a_d1 = _row_sums(cols1, z1w, cols_d, dense, m, q1 * m)
    a_d1 = a_d1.reshape(first.nlevels, k1, m).transpose(2, 0, 1)
    if rest:
        cols_r = np.hstack([_row_columns(b, int(o)) for b, o in zip(rest, offsets[:-1])])
        z_r = np.hstack([b.z for b in rest])
        a_r1_dense = _row_sums(cols_r, z_r, cols1, z1w, q1, r * q1).reshape(r, q1)
        a_r1 = _csr_from_dense(a_r1_dense)
        by_level = a_r1_dense.reshape(r, first.nlevels, k1)
        levels, rows = np.nonzero((by_level != 0.0).any(axis=2).T)  # by level, then row
        values = by_level[rows, levels, :]
        a_rr = _csr_from_dense(_row_sums(cols_r, z_r, cols_r, z_r * weights[:, None], r, r * r).reshape(r, r))
        a_dr = _row_sums(cols_r, z_r, cols_d, wd, m, r * m).reshape(r, m).T
    else:
        a_r1 = sp.csr_matrix((0, q1))
        rows, levels, values = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, k1))
        a_rr, a_dr = sp.csr_matrix((0, 0)), np.zeros((m, 0))
    return CrossProducts(
        first=first, rest=rest, offsets=offsets, a11=_level_gram(first, weights),
        a_r1=a_r1, r1_rows=rows.astype(np.int64), r1_levels=levels.astype(np.int64), r1_values=values,
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
