"""Dense back-end for everything after block 1 (MixedModels.jl: dense ``L[j,k]`` blocks).

The later grouped blocks and the dense columns form one ``R × R`` symmetric matrix
(``R = r + m``), stored in the lower triangle of a C-ordered array:

    S = [ Λ_rᵀ C_rr Λ_r + I    ·    ]        C = A − A_·1 B A_1·   (pairmap)
        [ C_dr Λ_r           C_dd  ]

It is filled by compiled passes over a preallocated array (:mod:`.eval_kernels`) and one
LAPACK ``dpotrf`` factors it in place.  Its leading ``r`` pivots complete
``log det(ΛᵀZᵀWZΛ + I)``; the trailing ``m × m`` corner is the Cholesky factor of
the dense columns' Schur complement (for a mixed model: ``R_X`` and ``r_yy``).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack, solve_triangular

from ..errors import NumericalError
from .crossprod import CrossProducts
from .errors import PivotError
from . import eval_kernels as kernels
from .rankupdate import ProductUpdate

__all__ = ["DenseRest", "DenseRestFactor", "lower_tail"]

_EMPTY = np.zeros((0, 0))
_EMPTY.flags.writeable = False


class DenseRest:
    """Assemble and factor the dense trailing matrix for given templates.

    Parameters
    ----------
    cp : CrossProducts
    update : MapUpdate, DenseUpdate or ProductUpdate
        Block 1's rank update of the later blocks (:mod:`.rankupdate`).
    """

    def __init__(self, cp: CrossProducts, update):
        r, m = cp.n_rest, cp.n_dense
        self.r, self.m, self.size = r, m, r + m
        size = r + m
        base = np.zeros((size, size))
        if r:  # a_rr's lower entries scattered (no dense copy of a_rr: 200 MB at r = 5,000)
            low = cp.a_rr.tocoo()
            keep = low.row >= low.col
            base[low.row[keep], low.col[keep]] = low.data[keep]
        base[r:, :r] = cp.a_dr
        base[r:, r:] = np.tril(cp.a_dd)
        self._base = base
        self._update = update
        rdiv = max(r, 1)
        self._pos = (update.keys // rdiv) * size + update.keys % rdiv  # flat, C order
        self._blocks = [(int(o), b.nlevels, b.width) for o, b in zip(cp.offsets[:-1], cp.rest)]
        self._blk = _block_arrays(self._blocks)
        # designs whose coefficient map would not fit (ProductUpdate): block 1's rank update
        # row by row from A_r1 and its transpose, straight into the matrix, instead of a
        # sparse product and a search of its positions per evaluation.  (Where the map fits,
        # streaming its coefficients is faster: InstEval 3.4 ms against 5.9 ms by rows.)
        self._rows = _row_scatter_arrays(cp) if r and isinstance(update, ProductUpdate) else None
        self._rows_b_shape = (cp.first.nlevels, cp.first.width, cp.first.width)
        # scalar later blocks: the map's keys by row, for the one-pass assembly (sweep_scalar)
        self._scalar = bool(r) and all(k == 1 for _, _, k in self._blocks)
        self._key_ptr = np.searchsorted(update.keys // rdiv, np.arange(r + 1)).astype(np.int64) if self._scalar else None
        self._levels = np.array([nl for _, nl, _ in self._blocks], dtype=np.int64)

    def reweighted(self, cp: CrossProducts, update) -> "DenseRest":
        """The same structure with ``cp``'s values and ``update`` (a new object).

        ``cp`` shares the structure of the cross-products this object was built from
        (:class:`.reweight.ReweightPlan`'s systems): only the base matrix is refilled.
        """
        lower = self.__dict__.get("_rr_lower")
        if lower is None and self.r:  # where a_rr's lower entries go, once per structure
            rows = np.repeat(np.arange(self.r, dtype=np.int64), np.diff(cp.a_rr.indptr))
            sel = np.flatnonzero(rows >= cp.a_rr.indices)
            lower = self._rr_lower = (sel, rows[sel] * self.size + cp.a_rr.indices[sel])
        r = self.r
        base = np.zeros((self.size, self.size))
        if r:
            base.ravel()[lower[1]] = cp.a_rr.data[lower[0]]
            base[r:, :r] = cp.a_dr
        base[r:, r:] = cp.a_dd  # its upper triangle is never read (dpotrf reads the lower one)
        new = object.__new__(DenseRest)
        new.__dict__.update(self.__dict__)
        new._base, new._update = base, update
        new._rows = None  # the re-weighted update's own route (A_r1's values change per system)
        return new

    def assemble(self, out: np.ndarray, bvec: np.ndarray, corr_dr: np.ndarray, corr_dd: np.ndarray, templates,
                 upd: np.ndarray | None = None, work: dict | None = None) -> None:
        """Fill ``out`` (R × R, C order) with ``S``'s lower triangle (the upper is not written
        but for the within-level blocks; nothing reads it).

        Compiled passes (:mod:`.eval_kernels`): the base's lower triangle, block 1's rank
        update on its positions (stored coefficients summed and scattered in one pass), the
        dense columns' corrections, ``Λ`` on every level block and the identity.

        Parameters
        ----------
        out : ndarray, shape (R, R)
            Workspace; overwritten.
        bvec : ndarray
            Block 1's ``B`` flattened (``BlockDiagFactor.schur.ravel()``).
        corr_dr, corr_dd : ndarray, shapes (m, r), (m, m)
            ``A_d1 B A_1r`` and ``A_d1 B A_1d`` (``corr_dr`` may be a transposed view).
        templates : sequence of ndarray
            ``T_f`` of every later grouped block.
        upd : ndarray, optional
            Scratch for the rank update's values (one per position), when it is not a map.
        work : dict, optional
            Scratch of the rank update's route (:meth:`.rankupdate.DenseUpdate.subtract`).
        """
        csr = getattr(self._update, "csr_arrays", None)
        if self._rows is None and self._scalar and csr is not None:
            lam = np.repeat(np.array([float(t[0, 0]) for t in templates]), self._levels)
            kernels.sweep_scalar(out, self._base, self.r, self._pos, self._key_ptr, *csr(), bvec, corr_dr.T, corr_dd, lam)
            return
        if self._rows is not None:
            kernels.base_and_update(out, self._base, self.r, *self._rows, bvec.reshape(self._rows_b_shape))
        else:
            kernels.copy_lower(out, self._base)
        flat = out.reshape(-1)
        if self._rows is None and self._pos.size:
            if csr is not None:
                indptr, indices, data = csr()
                kernels.scatter_map(flat, self._pos, indptr, indices, data, bvec)
            else:
                if upd is None:
                    upd = np.zeros(self._pos.size)
                else:
                    upd.fill(0.0)
                self._update.subtract(bvec, upd, work)
                kernels.scatter_add(flat, self._pos, upd)
        off, nl, k, kmax = self._blk
        tmpl = np.zeros((len(templates), kmax, kmax))
        for f, t in enumerate(templates):
            tmpl[f, : k[f], : k[f]] = t
        kernels.finish_dense(out, self.r, corr_dr.T, corr_dd, off, nl, k, tmpl)

    def tail_only(self, corr_dd: np.ndarray) -> np.ndarray:
        """With no later grouped blocks (r = 0): the pivots of ``chol(A_dd − corr_dd)``.

        The same arithmetic as :meth:`assemble` + :meth:`factor_inplace` for that case,
        without their bookkeeping (one-factor models are the optimizer's common case).
        """
        upper, info = lapack.dpotrf((self._base - corr_dd).T, lower=0, overwrite_a=1, clean=0)
        if info == self.size:  # only the last pivot failed (see factor_inplace)
            upper[-1, -1] = 0.0
            info = 0
        _check_info(info, 0)
        return np.diagonal(upper).copy()

    def factor_inplace(self, out: np.ndarray, buf: np.ndarray | None = None):
        """``dpotrf`` of the assembled ``out``, in place; the log-determinant read from its diagonal.

        Parameters
        ----------
        out : ndarray, shape (R, R)
        buf : ndarray, shape (≥ r,), optional
            Scratch for the pivots' logarithms.

        Returns
        -------
        logdet : float
            Log-determinant of the leading ``r × r`` part.
        tail : ndarray, shape (m,)
            Trailing pivots; the last one is 0 when only it failed.
        chol : ndarray, shape (R, R)
            View of ``out`` holding the lower factor in its lower triangle.

        Raises
        ------
        PivotError
            At the first non-positive pivot (``part`` "random" or "dense").
        """
        upper, info = lapack.dpotrf(out.T, lower=0, overwrite_a=1, clean=0)
        if info == self.size:  # only the last pivot failed: the last column is in the span
            upper[-1, -1] = 0.0  # of the others (a perfect fit); everything else is final
            info = 0
        _check_info(info, self.r)
        r = self.r
        if buf is None:
            buf = np.empty(r)
        logdet = 2.0 * float(kernels.log_diagonal_sum(upper, 0, r, buf))
        return logdet, np.diagonal(upper)[r:].copy(), upper.T


def lower_tail(a_dd: np.ndarray, corr_dd: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of ``A_dd − corr_dd`` (lower triangles read), the last pivot 0
    when only it fails (a perfect fit, as in :meth:`DenseRest.factor_inplace`)."""
    upper, info = lapack.dpotrf((a_dd - corr_dd).T, lower=0, overwrite_a=1, clean=1)
    if info == a_dd.shape[0]:
        upper[-1, -1] = 0.0
        info = 0
    _check_info(info, 0)
    return upper.T  # clean=1 zeroed the other triangle


def _check_info(info: int, r: int) -> None:
    if info < 0:  # pragma: no cover - would be a bug in the call
        raise NumericalError(f"dpotrf: illegal argument {-info}")
    if info > 0:
        k = info - 1
        raise PivotError(k, "random") if k < r else PivotError(k - r, "dense")


def _row_scatter_arrays(cp: CrossProducts):
    """``A_r1`` and ``A_1r`` in CSR form, indices sorted (the arrays of :func:`.eval_kernels.base_and_update`)."""
    a = cp.a_r1.tocsr(copy=True)
    a.sum_duplicates()
    a.sort_indices()
    t = a.T.tocsr()
    t.sort_indices()
    return (a.indptr.astype(np.int64), a.indices.astype(np.int64), a.data, t.indptr.astype(np.int64),
            t.indices.astype(np.int64), t.data)


def _block_arrays(blocks):
    """(offsets, levels, widths, largest width) of the later blocks, as the kernels read them."""
    off = np.array([o for o, _, _ in blocks], dtype=np.int64)
    nl = np.array([n for _, n, _ in blocks], dtype=np.int64)
    k = np.array([w for _, _, w in blocks], dtype=np.int64)
    return off, nl, k, int(k.max()) if k.size else 1


class DenseRestFactor:
    """Solves with the leading ``r × r`` factor of a factored dense trailing matrix.

    Parameters
    ----------
    chol : ndarray, shape (R, R)
        Lower Cholesky factor in its lower triangle (upper triangle ignored).
    r : int
    """

    def __init__(self, chol: np.ndarray, r: int):
        self._l = chol[:r, :r]  # only its lower triangle is ever read (trtrs, trtri with lower=1)
        self.r = r
        self._linv = None

    @classmethod
    def empty(cls) -> "DenseRestFactor":
        """The factor of a system without later grouped blocks (r = 0)."""
        return cls(_EMPTY, 0)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``S_rr⁻¹ rhs`` (``rhs`` of shape (r,) or (r, k)).

        LAPACK's ``trtrs`` on ``Lᵀ`` (transposed, then not): the calls
        ``solve_triangular(L, ·, lower=True)`` makes for a C-ordered ``L``, without its
        checks (each PIRLS iteration solves).
        """
        if self.r == 0:
            return np.zeros_like(rhs)
        upper = self._l.T
        y, info = lapack.dtrtrs(upper, rhs, lower=0, trans=1)
        x, info2 = lapack.dtrtrs(upper, y, lower=0, trans=0)
        if info or info2:  # pragma: no cover - the factor has positive pivots
            raise PivotError(max(info, info2) - 1, "random")
        return x

    def quad_diag(self, kmat, width: int, chunk: int = 2048) -> np.ndarray:
        """Diagonal ``width × width`` blocks of ``Kᵀ S_rr⁻¹ K`` (``K`` sparse, r × N)."""
        ncol = kmat.shape[1]
        out = np.zeros((ncol // width, width, width))
        if self.r == 0 or ncol == 0:
            return out
        step = max(width, chunk - chunk % width)
        kcsc = kmat.tocsc()
        for start in range(0, ncol, step):
            stop = min(ncol, start + step)
            v = solve_triangular(self._l, kcsc[:, start:stop].toarray(), lower=True, check_finite=False)
            v = v.reshape(self.r, -1, width)
            out[start // width : stop // width] = np.einsum("rla,rlb->lab", v, v)
        return out

    def inverse_diag(self, offset: int, nlevels: int, width: int) -> np.ndarray:
        """Diagonal ``width × width`` blocks of ``S_rr⁻¹`` for one later block."""
        if self._linv is None:
            linv, info = lapack.dtrtri(self._l, lower=1)
            if info != 0:  # pragma: no cover - the factor has positive pivots
                raise PivotError(info - 1, "random")
            self._linv = np.tril(linv)
        cols = self._linv[:, offset : offset + nlevels * width].reshape(self.r, nlevels, width)
        return np.einsum("rla,rlb->lab", cols, cols)
