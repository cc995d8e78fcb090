"""The symbolic rank update: eliminating block 1 as one sparse matrix–vector product.

After block 1 (block diagonal, ``ℓ₁`` blocks of ``k₁×k₁``) is eliminated, the
later grouped blocks see the unscaled Schur complement

    C = A_rr − A_r1 B A_1r,      B = blockdiag_l(B_l),  B_l = T G_l⁻¹ Tᵀ,

(MixedModels.jl ``rankUpdate!`` of ``L[j,1] L[k,1]ᵀ`` into ``L[j,k]``).  ``A_r1`` does
not depend on θ, so every entry of ``A_r1 B A_1r`` is a *fixed* linear combination
of the entries of ``B``:

    C[r, s] −= Σ_l Σ_{c,d} A_r1[r, (l,c)] · A_r1[s, (l,d)] · B_l[c, d].

The coefficients are formed once here; each evaluation then costs one sparse
matrix–vector product in compiled code (scipy's CSR kernel), with no Python loop
and no per-evaluation sparse matrix product.  This replaces MixedModels' hand-written
scatter of ``L21 L21ᵀ`` (a precomputed pattern, as perf.md recommends).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["PairList", "level_pairs", "pair_operator", "accumulate_matvec", "accumulate_csr",
           "accumulate_csr_transposed", "csr_times", "sorted_unique", "unique_with_inverse"]

try:  # scipy's compiled y += A x; the public ``A @ x`` allocates and adds a pass
    from scipy.sparse._sparsetools import csc_matvec as _csc_matvec
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - private module moved
    _csr_matvec = _csc_matvec = _csr_matvecs = None


@dataclass(frozen=True)
class PairList:
    """Coefficients of ``A_r1 B A_1r`` on the lower triangle (``row ≥ col``).

    Attributes
    ----------
    row, col : ndarray of int
        Position in ``C`` (rest coordinates), ``row ≥ col``.
    term : ndarray of int
        Index into ``B`` flattened as ``(ℓ₁, k₁, k₁)``; only ``c ≤ d`` is used
        (``B_l`` is symmetric, so the ``(d, c)`` coefficient is folded in).
    coef : ndarray of float
    """

    row: np.ndarray
    col: np.ndarray
    term: np.ndarray
    coef: np.ndarray


#: Keys below this bound are made unique with a marker array of that many entries (O(n),
#: no sort): the positions of a dense trailing block of up to ~5,800 columns.
MARK_BELOW = 1 << 25


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """``np.unique`` of non-negative integer keys: by marking when their range is small,
    else by sorting (numpy's hash-based unique is several times slower on large int keys)."""
    return unique_with_inverse(keys, inverse=False)[0]


def unique_with_inverse(keys: np.ndarray, inverse: bool = True):
    """``np.unique(keys, return_inverse=inverse)`` for non-negative integer keys.

    Keys under :data:`MARK_BELOW`, in a range not much wider than their number, are marked
    in a boolean array and numbered by a running count (two passes over the keys, one over
    the range); others are sorted.
    """
    keys = np.asarray(keys)
    top = int(keys.max()) + 1 if keys.size else 0
    if keys.size and top <= min(MARK_BELOW, 16 * keys.size + 4096) and keys.min() >= 0:
        mark = np.zeros(top, dtype=bool)
        mark[keys] = True
        uniq = np.flatnonzero(mark).astype(keys.dtype, copy=False)
        if not inverse:
            return uniq, None
        rank = np.cumsum(mark, dtype=np.int64 if uniq.size >= 2**31 else np.int32)
        return uniq, (rank[keys] - 1).astype(np.intp)
    if inverse:
        return np.unique(keys, return_inverse=True)
    return _sort_unique(keys), None


def _sort_unique(keys: np.ndarray) -> np.ndarray:
    keys = np.sort(keys)
    if keys.size == 0:
        return keys
    keep = np.empty(keys.size, dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def _within_level_pairs(levels: np.ndarray, nlevels: int):
    """Indices (a, b), a ≥ b, of every pair of entries sharing a level (sorted input)."""
    nnz = levels.size
    counts = np.bincount(levels, minlength=nlevels)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    npairs = np.arange(nnz, dtype=np.int64) - starts[levels] + 1
    total = int(npairs.sum())
    a = np.repeat(np.arange(nnz, dtype=np.int64), npairs)
    run_start = np.cumsum(npairs) - npairs
    b = np.repeat(starts[levels], npairs) + (np.arange(total, dtype=np.int64) - np.repeat(run_start, npairs))
    return a, b


def level_pairs(rows: np.ndarray, levels: np.ndarray, values: np.ndarray, nlevels: int) -> PairList:
    """All coefficients of the rank update of block 1 into the later blocks.

    Parameters
    ----------
    rows, levels : ndarray of int
        The (row of ``A_r1``, level of block 1) pairs, sorted by level then row.
    values : ndarray, shape (len(rows), k)
        ``A_r1[row, level·k + c]``.
    nlevels : int

    Returns
    -------
    PairList
    """
    k = values.shape[1]
    a, b = _within_level_pairs(levels, nlevels)
    va, vb = values[a], values[b]
    base = levels[a] * (k * k)
    terms, coefs = [], []
    for c in range(k):
        for d in range(c, k):
            coef = va[:, c] * vb[:, d]
            if d != c:  # B_l[d, c] = B_l[c, d]
                coef = coef + va[:, d] * vb[:, c]
            terms.append(base + (c * k + d))
            coefs.append(coef)
    npair = len(terms)
    row = np.tile(rows[a], npair)
    col = np.tile(rows[b], npair)
    term, coef = np.concatenate(terms), np.concatenate(coefs)
    keep = coef != 0.0
    return PairList(row[keep], col[keep], term[keep], coef[keep])


#: Operators of at most this many coefficients are built directly in CSR form.
SMALL_OPERATOR = 1 << 16


def pair_operator(pairs: PairList, out_index: np.ndarray, n_out: int, n_terms: int,
                  scale: float = 1.0) -> sp.csr_matrix:
    """The ``n_out × n_terms`` CSR operator mapping flattened ``B`` to output positions.

    Parameters
    ----------
    pairs : PairList
    out_index : ndarray of int
        Output position of every coefficient (same length as ``pairs.coef``).
    n_out, n_terms : int
    scale : float
        Multiplies every coefficient (``-1`` turns accumulation into subtraction).
    """
    if pairs.coef.size <= SMALL_OPERATOR:  # scipy's canonical CSR without its constructors' cost
        index_dtype = np.int32 if max(n_out, n_terms, pairs.coef.size) < 2**31 - 1 else np.int64
        order = np.lexsort((pairs.term, out_index))  # rows, then columns (no (row, column) twice)
        indptr = np.zeros(n_out + 1, dtype=index_dtype)
        np.cumsum(np.bincount(out_index, minlength=n_out), out=indptr[1:])
        mat = sp.csr_matrix(((pairs.coef * scale)[order], pairs.term[order].astype(index_dtype), indptr),
                            shape=(n_out, n_terms))
        mat.has_canonical_format = True
        return mat
    mat = sp.coo_matrix((pairs.coef * scale, (out_index, pairs.term)), shape=(n_out, n_terms)).tocsr()
    mat.sum_duplicates()
    index_dtype = np.int32 if max(n_out, n_terms, mat.nnz) < 2**31 - 1 else np.int64
    mat.indptr = mat.indptr.astype(index_dtype, copy=False)
    mat.indices = mat.indices.astype(index_dtype, copy=False)
    return mat


def accumulate_matvec(mat: sp.csr_matrix, x: np.ndarray, out: np.ndarray) -> None:
    """``out += mat @ x`` in place (``out``: a contiguous float64 1-D array or view)."""
    accumulate_csr(mat.shape, mat.indptr, mat.indices, mat.data, x, out)


def accumulate_csr(shape, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, x: np.ndarray,
                   out: np.ndarray) -> None:
    """``out += A @ x`` for the CSR arrays of ``A`` (no scipy matrix object: building one
    costs more than a small product, and re-weighted systems make a new ``A`` per call)."""
    global _csr_matvec
    if _csr_matvec is not None and out.flags.c_contiguous and x.dtype == np.float64:
        try:
            _csr_matvec(shape[0], shape[1], indptr, indices, data, x, out)
            return
        except (TypeError, ValueError):  # pragma: no cover - private signature changed
            _csr_matvec = None
    out += sp.csr_matrix((data, indices, indptr), shape=shape) @ x


def accumulate_csr_transposed(shape, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, x: np.ndarray,
                              out: np.ndarray) -> None:
    """``out += Aᵀ @ x`` for the CSR arrays of ``A`` (``shape`` is A's), as scipy's ``A.T @ x``."""
    global _csc_matvec
    if _csc_matvec is not None and out.flags.c_contiguous and x.dtype == np.float64:
        try:  # the CSR arrays of A are the CSC arrays of Aᵀ
            _csc_matvec(shape[1], shape[0], indptr, indices, data, x, out)
            return
        except (TypeError, ValueError):  # pragma: no cover - private signature changed
            _csc_matvec = None
    out += sp.csr_matrix((data, indices, indptr), shape=shape).T @ x


def csr_times(mat: sp.csr_matrix, x: np.ndarray) -> np.ndarray:
    """``mat @ x`` for a dense 2-D ``x``: scipy's own kernel, without its dispatch overhead."""
    global _csr_matvecs
    x = np.ascontiguousarray(x, dtype=float)
    if _csr_matvecs is not None:
        out = np.zeros((mat.shape[0], x.shape[1]))
        try:
            _csr_matvecs(mat.shape[0], mat.shape[1], x.shape[1], mat.indptr, mat.indices, mat.data, x.ravel(),
                         out.ravel())
            return out
        except (TypeError, ValueError):  # pragma: no cover - private signature changed
            _csr_matvecs = None
    return np.asarray(mat @ x)
