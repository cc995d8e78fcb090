"""Sparse back-end for the later grouped blocks, for designs where dense would be huge.

When several large grouping factors are crossed, the later diagonal blocks stay
sparse after block 1 is eliminated, and a dense ``r × r`` factor would waste time
and memory (MixedModels.jl issue #591; lme4 lets CHOLMOD pick a fill-reducing
ordering).  Here the Schur complement ``S_rr = Λ_rᵀ C_rr Λ_r + I`` is assembled on
a fixed sparsity pattern and factored by SuperLU under a fill-reducing ordering
computed once (``MMD_AT_PLUS_A``; the symmetric analogue of CHOLMOD's analysis).
``S_rr`` is symmetric positive definite, so ``|det| = Π|U_ii|`` and no pivoting is
needed.  The dense columns are then eliminated by a small dense Schur complement.

The numbers are those of the dense back-end up to rounding.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from scipy.sparse.linalg import splu

from .crossprod import CrossProducts
from .errors import PivotError
from .pairmap import sorted_unique

__all__ = ["SparseRest", "SparseRestFactor", "template_matrix", "close_levels"]

_LU_OPTIONS = dict(permc_spec="NATURAL", diag_pivot_thresh=0.0, options=dict(SymmetricMode=True))


def template_matrix(blocks, templates) -> sp.csr_matrix:
    """``Λ = blockdiag_f(I_ℓf ⊗ T_f)`` as a sparse matrix (the non-zero entries of every ``T_f``).

    Built directly in CSR form, rows in order and columns sorted within rows (what
    ``sp.block_diag`` of ``sp.kron`` products gives, at a fraction of their cost: the
    factor of every PIRLS iteration needs it).
    """
    indptr, indices, data = [np.zeros(1, np.int64)], [], []
    start = 0
    for (_, nl, k), t in zip(blocks, templates):
        t = np.asarray(t, dtype=float).reshape(k, k)
        a, b = np.nonzero(t)  # row-major: by row, then column
        per_row = np.bincount(a, minlength=k)
        indptr.append(indptr[-1][-1] + np.cumsum(np.tile(per_row, nl)))
        indices.append((start + np.arange(nl, dtype=np.int64)[:, None] * k + b[None, :]).ravel())
        data.append(np.tile(t[a, b], nl))
        start += nl * k
    if not indices:
        return sp.csr_matrix((0, 0))
    return sp.csr_matrix((np.concatenate(data), np.concatenate(indices), np.concatenate(indptr)), shape=(start, start))


class SparseRest:
    """Assemble ``S_rr`` on a fixed pattern and factor it with a precomputed ordering.

    Parameters
    ----------
    cp : CrossProducts
    update : MapUpdate, DenseUpdate or ProductUpdate
        Block 1's rank update of the later blocks (:mod:`.rankupdate`).
    bvec0, corr0, templates0 :
        Block 1's ``B``, the dense-column corrections and the later templates at a
        representative point (Λ = I), used once for the fill-reducing ordering.

    Attributes
    ----------
    factor_nnz : int
        Entries of the ``L`` factor under that ordering.
    flops : float
        ``Σ_j (column count of L)²``, the factorization's flop estimate.
    """

    def __init__(self, cp: CrossProducts, update, bvec0, corr0, templates0):
        r = cp.n_rest
        self.r, self.m = r, cp.n_dense
        self._blocks = [(int(o), b.nlevels, b.width) for o, b in zip(cp.offsets[:-1], cp.rest)]
        self._scalar = all(k == 1 for _, _, k in self._blocks)
        low = sp.tril(cp.a_rr).tocoo()
        keys_a = low.row.astype(np.int64) * r + low.col
        keys_p = update.keys
        keys = sorted_unique(np.concatenate([keys_a, keys_p, np.arange(r, dtype=np.int64) * (r + 1)]))
        if not self._scalar:  # Λ mixes the components of a level: keep whole k×k level blocks
            keys = close_levels(keys, r, self._blocks)
        self._prow, self._pcol = keys // r, keys % r
        self._base = np.zeros(keys.size)
        self._base[np.searchsorted(keys, keys_a)] = low.data
        self._diag = np.searchsorted(keys, np.arange(r, dtype=np.int64) * (r + 1))
        self._update, self._update_at = update, np.searchsorted(keys, keys_p)
        self._a_dr, self._a_dd = cp.a_dr, cp.a_dd
        self._coord_block = np.repeat(np.arange(len(self._blocks)), [nl * k for _, nl, k in self._blocks])
        self._order = np.arange(r)
        self._build_structure()
        vals, _ = self._scaled_values(bvec0, corr0[0], templates0)
        lu = splu(self._csc(vals), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options=dict(SymmetricMode=True))
        self._order = np.argsort(lu.perm_c)
        self._build_structure()
        self._build_bordered()
        counts = np.diff(lu.L.tocsc().indptr)  # the ordering is fixed: this is every later factor's size
        self.factor_nnz = int(lu.L.nnz)
        self.flops = float(np.sum(counts.astype(float) ** 2))

    def reweighted(self, cp: CrossProducts, update) -> "SparseRest":
        """The same pattern and ordering with ``cp``'s values and ``update`` (a new object).

        ``cp`` and ``update`` share the structure and keys of those this object was built
        from (:class:`.reweight.ReweightPlan`'s systems).
        """
        lower = self.__dict__.get("_rr_lower")
        if lower is None:  # where a_rr's lower entries go on the pattern, once per structure
            rows = np.repeat(np.arange(self.r, dtype=np.int64), np.diff(cp.a_rr.indptr))
            sel = np.flatnonzero(rows >= cp.a_rr.indices)
            keys = self._prow * max(self.r, 1) + self._pcol
            lower = self._rr_lower = (sel, np.searchsorted(keys, rows[sel] * max(self.r, 1) + cp.a_rr.indices[sel]))
        base = np.zeros(self._base.size)
        base[lower[1]] = cp.a_rr.data[lower[0]]
        new = object.__new__(SparseRest)
        new.__dict__.update(self.__dict__)
        new._base, new._update, new._a_dr, new._a_dd = base, update, cp.a_dr, cp.a_dd
        return new

    def _build_structure(self) -> None:
        """CSC structure of the permuted full symmetric matrix; data filled per evaluation."""
        inv = np.empty(self.r, dtype=np.int64)
        inv[self._order] = np.arange(self.r)
        off = np.flatnonzero(self._prow != self._pcol)
        rows = np.concatenate([inv[self._prow], inv[self._pcol[off]]])
        cols = np.concatenate([inv[self._pcol], inv[self._prow[off]]])
        src = np.arange(rows.size, dtype=float)
        mat = sp.coo_matrix((src, (rows, cols)), shape=(self.r, self.r)).tocsc()
        mat.sort_indices()
        self._src = mat.data.astype(np.int64)
        self._off = off
        self._indices, self._indptr = mat.indices, mat.indptr

    def _build_bordered(self) -> None:
        """CSC structure of ``[S_rr, ·; S_dr, S_dd]`` (lower pattern mirrored), dense columns last."""
        r, m = self.r, self.m
        inv = np.empty(r, dtype=np.int64)
        inv[self._order] = np.arange(r)
        drow = np.repeat(np.arange(m, dtype=np.int64), r)
        dcol = np.tile(inv, m)  # S_dr entries, row-major over (dense row, rest column)
        ti, tj = np.tril_indices(m)
        lo_r = np.concatenate([inv[self._prow], r + drow, r + ti])
        lo_c = np.concatenate([inv[self._pcol], dcol, r + tj])
        off = np.flatnonzero(lo_r != lo_c)
        rows, cols = np.concatenate([lo_r, lo_c[off]]), np.concatenate([lo_c, lo_r[off]])
        mat = sp.coo_matrix((np.arange(rows.size, dtype=float), (rows, cols)), shape=(r + m, r + m)).tocsc()
        mat.sort_indices()
        self._b_src, self._b_off = mat.data.astype(np.int64), off
        self._b_indices, self._b_indptr = mat.indices, mat.indptr
        self._dd_tril = (ti, tj)

    def logdet_and_tail(self, bvec, corr, templates):
        """Fast path: one SuperLU factorization of the bordered matrix.

        With the dense columns ordered last and no pivoting, the trailing pivots of
        ``LU`` are the squares of the dense Schur complement's Cholesky pivots.
        Falls back to :meth:`factor` when SuperLU reorders them (or hits an exact
        zero pivot, i.e. a perfect fit).
        """
        vals, s_dr = self._scaled_values(bvec, corr[0], templates)
        c_dd = (self._a_dd - corr[1])[self._dd_tril]
        low = np.concatenate([vals, s_dr.ravel(), c_dd])
        full = np.concatenate([low, low[self._b_off]])[self._b_src]
        size = self.r + self.m
        try:
            lu = splu(sp.csc_matrix((full, self._b_indices, self._b_indptr), shape=(size, size)), **_LU_OPTIONS)
        except RuntimeError:  # exactly singular: let the Schur path sort it out
            lu = None
        pos = None if lu is None else lu.perm_c
        if pos is None or not (np.array_equal(pos, lu.perm_r) and np.all(np.diff(pos[self.r :]) > 0)
                               and (self.r == 0 or pos[self.r :].min() > pos[: self.r].max())):
            logdet, chol, _ = self.factor(bvec, corr, templates)
            return logdet, np.diagonal(chol).copy()
        piv = lu.U.diagonal()[pos]
        return _split_pivots(piv, self.r)

    def _csc(self, vals: np.ndarray) -> sp.csc_matrix:
        full = np.concatenate([vals, vals[self._off]])
        return sp.csc_matrix((full[self._src], self._indices, self._indptr), shape=(self.r, self.r))

    def _scaled_values(self, bvec, corr_dr, templates):
        """Pattern values of ``S_rr`` (lower) and the dense block ``S_dr = C_dr Λ_r``."""
        vals = self._base.copy()
        update = np.zeros(self._update_at.size)
        self._update.subtract(bvec, update)
        vals[self._update_at] += update
        c_dr = self._a_dr - corr_dr
        if self._scalar:
            lam = np.array([t[0, 0] for t in templates])[self._coord_block]
            vals *= lam[self._prow] * lam[self._pcol]
            s_dr = c_dr * lam[None, :]
        else:
            vals, s_dr = self._scale_general(vals, c_dr, templates)
        vals[self._diag] += 1.0
        return vals, s_dr

    def _scale_general(self, vals, c_dr, templates):
        """``Λᵀ C Λ`` through sparse products, read back on the (closed) pattern."""
        r = self.r
        off = self._prow != self._pcol
        rows = np.concatenate([self._prow, self._pcol[off]])
        cols = np.concatenate([self._pcol, self._prow[off]])
        full = sp.coo_matrix((np.concatenate([vals, vals[off]]), (rows, cols)), shape=(r, r)).tocsr()
        lam = template_matrix(self._blocks, templates)
        scaled = (lam.T @ full @ lam).tocsr()
        out = np.asarray(scaled[self._prow, self._pcol]).ravel()
        return out, np.asarray((lam.T @ c_dr.T).T)

    def factor(self, bvec, corr, templates):
        """Factor ``S_rr`` and the dense Schur complement.

        Returns
        -------
        logdet : float
            ``log det S_rr``.
        tail : ndarray, shape (m, m)
            Lower Cholesky factor of ``C_dd − S_dr S_rr⁻¹ S_rd``.
        rest : SparseRestFactor
        """
        vals, s_dr = self._scaled_values(bvec, corr[0], templates)
        lu = splu(self._csc(vals), **_LU_OPTIONS)
        udiag = lu.U.diagonal()
        if not np.all(udiag > 0):
            raise PivotError(int(np.argmin(udiag > 0)), "random")
        rest = SparseRestFactor(lu, self._order)
        schur = self._a_dd - corr[1] - s_dr @ rest.solve(s_dr.T)
        chol, info = lapack.dpotrf(schur, lower=1, clean=1)
        if info == self.m:  # only the last pivot failed (see DenseRest.factor_inplace)
            chol[-1, -1], info = 0.0, 0
        if info > 0:
            raise PivotError(info - 1, "dense")
        return float(np.sum(np.log(udiag))), chol, rest


def _split_pivots(piv: np.ndarray, r: int):
    """LU pivots of the bordered matrix → (log det of S_rr, dense Cholesky pivots)."""
    head, tail = piv[:r], piv[r:].copy()
    if not np.all(head > 0):
        raise PivotError(int(np.argmin(head > 0)), "random")
    bad = np.flatnonzero(~(tail > 0))
    if bad.size and bad[0] == tail.size - 1:
        tail[-1] = 0.0  # only the last pivot: a perfect fit
    elif bad.size:
        raise PivotError(int(bad[0]), "dense")
    return float(np.sum(np.log(head))), np.sqrt(tail)


def close_levels(keys: np.ndarray, r: int, blocks) -> np.ndarray:
    """Extend a lower-triangle pattern so that it holds whole level-by-level blocks."""
    widths = np.concatenate([np.full(nl, k, dtype=np.int64) for _, nl, k in blocks])
    starts = np.concatenate([off + np.arange(nl, dtype=np.int64) * k for off, nl, k in blocks])
    node_of = np.repeat(np.arange(widths.size), widths)
    nodes = sorted_unique(node_of[keys // r] * widths.size + node_of[keys % r])
    na, nb = nodes // widths.size, nodes % widths.size
    ka, kb = widths[na], widths[nb]
    count = ka * kb
    first = np.cumsum(count) - count
    local = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(first, count)
    kb_rep = np.repeat(kb, count)
    rows = np.repeat(starts[na], count) + local // kb_rep
    cols = np.repeat(starts[nb], count) + local % kb_rep
    keep = rows >= cols
    return sorted_unique(np.concatenate([keys, rows[keep] * r + cols[keep]]))


class SparseRestFactor:
    """Solves with ``S_rr`` through its SuperLU factor (same interface as ``DenseRestFactor``)."""

    def __init__(self, lu, order: np.ndarray):
        self._lu, self._order = lu, order
        self.r = order.size

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        if self.r == 0:
            return np.zeros_like(rhs)
        out = np.empty_like(rhs, dtype=float)
        out[self._order] = self._lu.solve(np.ascontiguousarray(rhs[self._order], dtype=float))
        return out

    def quad_diag(self, kmat, width: int, chunk: int = 512) -> np.ndarray:
        """Diagonal ``width × width`` blocks of ``Kᵀ S_rr⁻¹ K``."""
        ncol = kmat.shape[1]
        out = np.zeros((ncol // width, width, width))
        step = max(width, chunk - chunk % width)
        kcsc = kmat.tocsc()
        for start in range(0, ncol, step):
            stop = min(ncol, start + step)
            k = kcsc[:, start:stop].toarray()
            y = self.solve(k)
            k3, y3 = k.reshape(self.r, -1, width), y.reshape(self.r, -1, width)
            out[start // width : stop // width] = np.einsum("rla,rlb->lab", k3, y3)
        return out

    def inverse_diag(self, offset: int, nlevels: int, width: int) -> np.ndarray:
        eye = sp.identity(self.r, format="csc")[:, offset : offset + nlevels * width]
        return self.quad_diag(eye, width)
