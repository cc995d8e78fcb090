"""Work arrays of one evaluation, allocated once per thread, and block 1's elimination into them.

:meth:`.blocked.BlockedSystem.logdet_and_tail` runs for every optimizer step; it allocates
nothing proportional to the problem: every array it writes lives in a :class:`Workspace`
kept per thread by the system (``threading.local``), so concurrent evaluations from several
threads never share one.  :meth:`.blocked.BlockedSystem.factor` fills a fresh workspace
that the factor then owns, through the same kernels, so both paths give the same bits.
"""

from __future__ import annotations

import numpy as np

from .blockdiag import BlockDiagFactor
from .crossprod import CrossProducts
from .errors import PivotError
from . import eval_kernels as kernels
from . import jit

__all__ = ["Workspace", "eliminate_first"]


class Workspace:
    """Preallocated arrays of one evaluation.

    Parameters
    ----------
    cp : CrossProducts
        Its shapes only: block 1's levels and width, ``r`` and ``m``.
    size : int
        Order of the dense trailing matrix (0 without the dense back-end).
    n_keys : int
        Positions of block 1's rank update.
    """

    def __init__(self, cp: CrossProducts, size: int, n_keys: int):
        nl, k, m, r = cp.first.nlevels, cp.first.width, cp.n_dense, cp.n_rest
        self.shape = (nl, k, m, r, size, n_keys)
        jit.prepare(_work_per_evaluation(cp, size, n_keys))
        self.chol = np.zeros((nl, k, k))
        self.half = np.zeros((nl, k, k))
        self.bmat = np.zeros((nl, k, k))
        self.rzx = np.zeros((nl, k, m))
        self.wd = np.zeros((nl, k, m)) if r else np.zeros((0, k, m))
        self.logs = np.zeros(max(nl, r))
        self.corr_rd = np.zeros((r, m))
        self.corr_dd = np.zeros((m, m))
        self.upd = np.zeros(n_keys)
        # the trailing matrix: its upper triangle is never read, zeroed once so it stays finite
        self.ws = np.zeros((size, size))
        self.extra: dict = {}  # scratch of a rank-update route (e.g. a dense product's buffers)

    def first_factor(self, logdet: float, template: np.ndarray) -> BlockDiagFactor:
        """Block 1's factor from this workspace's arrays (the workspace must not be reused)."""
        return BlockDiagFactor.from_arrays(logdet, template, self.chol, self.half, self.bmat)


def _work_per_evaluation(cp: CrossProducts, size: int, n_keys: int) -> float:
    """The kernels' scalar operations per evaluation, roughly (:func:`.jit.prepare` decides on it).

    Block 1's factors and products, ``A_r1 W``, the trailing matrix's passes, and block 1's
    rank update: every pair of later rows sharing a level of block 1 (``Σ c²`` over
    block 1's columns, ``c`` the later rows touching the column) costs ``k`` multiply-adds.
    """
    nl, k, m = cp.first.nlevels, cp.first.width, cp.n_dense
    work = nl * k * k * (k + m) + size * size + n_keys
    if cp.n_rest:
        per_column = np.bincount(cp.a_r1.indices, minlength=cp.a_r1.shape[1]).astype(float)
        work += cp.a_r1.nnz * m + k * float(per_column @ per_column)
    return work


def eliminate_first(cp: CrossProducts, a_1d: np.ndarray, template: np.ndarray, update, work: Workspace) -> float:
    """Block 1's factor, ``B``, and the dense columns' corrections, into ``work``.

    Fills ``work.chol``/``half``/``bmat`` (every level's ``L``, ``K = L⁻¹Tᵀ``, ``B = KᵀK``),
    ``work.rzx`` (lme4's ``RZX = K A_1d``), ``work.corr_dd = RZXᵀRZX`` (``A_d1 B A_1d``) and,
    with later blocks, ``work.corr_rd = A_r1 (KᵀRZX)`` (``A_r1 B A_1d``).  At large θ the
    dense columns' Schur complement is a small difference of large numbers; forming it from
    ``RZX`` keeps its rounding error at lme4's level (``A_d1 (KᵀK) A_1d`` loses up to two
    more digits).

    Parameters
    ----------
    cp : CrossProducts
    a_1d : ndarray, shape (ℓ, k, m)
        ``A_1d`` level-major, C-contiguous.
    template : ndarray, shape (k, k)
    update : rank-update object
        Its ``a_r1_times`` is used for ``A_r1 W`` when it has one (``A_r1`` held dense).
    work : Workspace

    Returns
    -------
    float
        ``log det(TᵀA_lT + I)`` over block 1's levels.

    Raises
    ------
    PivotError
        A level's pivot is not positive (only through overflow: every ``G_l ≥ I``).
    """
    r, m = cp.n_rest, cp.n_dense
    logdet = kernels.first_block(template, cp.a11, a_1d, work.chol, work.half, work.bmat, work.rzx, work.wd, work.logs,
                         r > 0)
    if logdet != logdet:
        raise PivotError(-1, "random")
    flat = work.rzx.reshape(-1, m)
    np.matmul(flat.T, flat, out=work.corr_dd)  # NumPy's syrk path, as ``flat.T @ flat``
    if r:
        wd = work.wd.reshape(-1, m)
        dense_a_r1 = getattr(update, "a_r1_times", None)  # re-weighted systems with a dense A_r1
        if dense_a_r1 is None:
            a = cp.a_r1
            kernels.csr_rows_times(a.indptr, a.indices, a.data, wd, work.corr_rd)
        else:
            np.copyto(work.corr_rd, dense_a_r1(wd))
    return float(logdet)
