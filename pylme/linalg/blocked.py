"""Blocked Cholesky factorization of ``[ΛᵀZᵀWZΛ + I, ΛᵀZᵀWD; DᵀWZΛ, DᵀWD]``.

The counterpart of MixedModels.jl's ``updateL!``: cross-products are formed once
(:mod:`.crossprod`); for every set of templates ``T_f`` (``Λ_f = I ⊗ T_f``)

1. block 1 (uniform block diagonal) is scaled, inflated and factored without fill
   (:mod:`.blockdiag`);
2. its elimination updates the later blocks through a fixed linear map
   (:mod:`.pairmap`), and the dense columns through two small products;
3. the later grouped blocks and the dense columns are scaled by ``Λ`` and factored
   together, dense (:mod:`.dense_rest`, one ``dpotrf``) or, when that would be huge,
   sparse (:mod:`.sparse_rest`).

No step costs anything proportional to the number of observations.
"""

from __future__ import annotations

import threading
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .blockdiag import BlockDiagFactor, factor_inflated
from .crossprod import CrossProducts, cross_products, with_dense_columns
from .dense_rest import DenseRest, DenseRestFactor, lower_tail
from .pairmap import accumulate_csr, accumulate_csr_transposed, csr_times, sorted_unique
from .rankupdate import make_rank_update
from . import jit
from .fill import min_degree_cost
from .sparse_rest import SparseRest, close_levels, template_matrix
from .workspace import Workspace, eliminate_first

__all__ = ["BlockedSystem", "BlockedFactor"]

#: Trailing matrices up to this order are always factored dense (a few ms at most).
DENSE_ALWAYS = 700
#: Above this initial fill of the later blocks' lower triangle (crossed factors), the
#: factor fills in almost completely and dense wins without a sparse analysis.
DENSE_FILL = 0.10
#: Never allocate a dense trailing matrix above this many bytes.
DENSE_MAX_BYTES = 2 * 1024**3
#: Cost model (measured on the reference 2-core box, perf.md): SuperLU runs at about
#: 1/30 of dense LAPACK's flop rate and pays ~200 flop-equivalents per factor entry.
SPARSE_FLOP_PENALTY = 30.0
SPARSE_ENTRY_COST = 200.0


class BlockedSystem:
    """Cross-products of grouped blocks and dense columns, ready for repeated factorization.

    Parameters
    ----------
    blocks : sequence of GroupedColumns
        The first is eliminated first (choose the one with most columns).
    dense : ndarray, shape (n, m)
        Dense columns; the last one is treated as a response: if it lies in the span
        of everything before it, its pivot is reported as 0 instead of an error.
    weights : ndarray, shape (n,)
    method : {"auto", "dense", "sparse"}
        Back-end for the later blocks; "auto" compares estimated costs.

    Attributes
    ----------
    method : str
        The back-end in use, ``"dense"`` or ``"sparse"``.
    """

    def __init__(self, blocks, dense: np.ndarray, weights: np.ndarray, method: str = "auto"):
        if method not in ("auto", "dense", "sparse"):
            raise ValueError(f"unknown method {method!r}: use 'auto', 'dense' or 'sparse'")
        self._blocks_in, self._weights = list(blocks), weights
        self._cp: CrossProducts = cross_products(self._blocks_in, dense, weights)
        cp = self._cp
        self._a_1d = _level_major(cp.a_d1)
        self._update = make_rank_update(cp)
        self._rest_blocks = [(int(o), b.nlevels, b.width) for o, b in zip(cp.offsets[:-1], cp.rest)]
        self._local = threading.local()
        self.method, self._dense, self._sparse = self._choose(method)

    def with_dense(self, dense: np.ndarray) -> "BlockedSystem":
        """The same system with new dense columns (e.g. a new response): a new object.

        Everything that depends only on the grouped blocks and the weights — block 1's
        cross-products, the rank-update maps, the back-end choice — is shared; only the
        dense columns' cross-products are recomputed.  The sparse back-end rebuilds its
        factorization plan, so it is constructed afresh.
        """
        if self._dense is None:
            return BlockedSystem(self._blocks_in, dense, self._weights, method=self.method)
        new = object.__new__(BlockedSystem)
        new.__dict__.update(self.__dict__)
        new._cp = with_dense_columns(self._cp, dense, self._weights)
        new._a_1d = _level_major(new._cp.a_d1)
        new._local = threading.local()
        new._dense = DenseRest(new._cp, self._update)
        return new

    def reweighted(self, weights: np.ndarray, dense: np.ndarray) -> "BlockedSystem":
        """The same structure with new weights and new dense columns: a new object.

        The factor is that of ``BlockedSystem(blocks, dense, weights)`` (to rounding), at
        the cost of the new values only: the structure, the rank-update pattern and the
        back-end are derived once, on the first call, from the design's structural pattern
        (:class:`.reweight.ReweightPlan`) and shared by every system derived from this one.
        Zero weights never change the structure.  glmer's PIRLS calls this once per
        iteration.

        Parameters
        ----------
        weights : ndarray, shape (n,)
        dense : ndarray, shape (n, m)
            Same ``m`` as this system's.
        """
        plan = self.__dict__.get("_plan")
        if plan is None:
            from .reweight import ReweightPlan  # it builds BlockedSystems: imported on use

            plan = self._plan = ReweightPlan(self._blocks_in, self._cp.n_dense, method=self.method)
        return plan.system(weights, dense)

    def _reweighted_copy(self, plan, cp: CrossProducts, a_1d: np.ndarray, update, weights) -> "BlockedSystem":
        """A system on this one's structure with the values ``cp`` (``plan``'s pattern twin only)."""
        self._a_r1_rows()  # structural: computed once here, shared through the copied state
        new = object.__new__(BlockedSystem)
        new.__dict__.update(self.__dict__)  # _rest_blocks, method and the scratch workspace are shared
        new._blocks_in, new._weights, new._plan = plan.blocks, weights, plan
        new._cp, new._a_1d, new._update = cp, a_1d, update
        if self._dense is not None:
            new._dense = self._dense.reweighted(cp, update)
        else:
            new._sparse = self._sparse.reweighted(cp, update)
        return new

    # ------------------------------------------------------------------ pickling
    # Everything is plain arrays and scipy matrices except the per-thread workspace,
    # which is scratch memory (and a threading.local cannot be pickled): it is left
    # out and a fresh one is made, filled on the first evaluation as after __init__.
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_local"]
        state.pop("_work_shape", None)  # a cache, rebuilt on the first evaluation
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    # ------------------------------------------------------------------ set-up
    def _choose(self, method: str):
        """Pick the back-end for the later blocks by estimated cost (perf.md §4).

        Dense for small or well-filled trailing blocks; otherwise a minimum-degree
        elimination of the pattern (:mod:`.fill`) estimates the sparse factor's cost and
        stops as soon as it passes the dense one, so a crossed block that fills in is
        recognised without the SuperLU factorization the sparse back-end would compute.
        """
        size = self._cp.n_rest + self._cp.n_dense
        too_big = 8.0 * size * size > DENSE_MAX_BYTES
        r = self._cp.n_rest
        small = size <= DENSE_ALWAYS
        keys = None if small else self._pattern_keys()  # the pattern only where it can decide
        obvious = small or keys.size / max(1.0, r * (r + 1) / 2.0) > DENSE_FILL
        if method == "dense" or (method == "auto" and obvious and not too_big):
            return "dense", DenseRest(self._cp, self._update), None
        dense_cost = size**3 / 3.0
        if method == "auto" and not too_big:
            jit.prepare(size * size)  # a large problem: the elimination runs compiled
            if self._cp.rest and any(b.width > 1 for b in self._cp.rest):
                keys = close_levels(keys, r, self._rest_blocks)
            estimate = min_degree_cost(keys, r, SPARSE_FLOP_PENALTY, SPARSE_ENTRY_COST, dense_cost)
            if not estimate.complete:
                return "dense", DenseRest(self._cp, self._update), None
        sparse = self._make_sparse()
        sparse_cost = sparse.flops * SPARSE_FLOP_PENALTY + sparse.factor_nnz * SPARSE_ENTRY_COST
        if method == "auto" and not too_big and sparse_cost > dense_cost:
            return "dense", DenseRest(self._cp, self._update), None
        return "sparse", None, sparse

    def _pattern_keys(self) -> np.ndarray:
        """The later blocks' lower-triangle pattern once block 1 is eliminated (before factoring)."""
        r = self._cp.n_rest
        low = self._cp.a_rr.tocoo()
        row, col = low.row.astype(np.int64), low.col.astype(np.int64)
        return sorted_unique(np.concatenate([self._update.keys, (row * r + col)[row >= col]]))

    def _make_sparse(self) -> SparseRest:
        templates = [np.eye(b.width) for b in [self._cp.first, *self._cp.rest]]
        fac1 = factor_inflated(self._cp.a11, templates[0])
        corr = self._corrections(fac1)
        return SparseRest(self._cp, self._update, fac1.schur.ravel(), corr, templates[1:])

    # ------------------------------------------------------------------ properties
    @property
    def q(self) -> int:
        """Number of grouped columns (random effects)."""
        return self._cp.q

    @property
    def n_dense(self) -> int:
        return self._cp.n_dense

    @property
    def blocks(self) -> list:
        """(offset, nlevels, width) of every grouped block in the internal coordinates."""
        first = self._cp.first
        q1 = first.size
        return [(0, first.nlevels, first.width)] + [(q1 + o, nl, k) for o, nl, k in self._rest_blocks]

    def _a_r1_rows(self) -> np.ndarray:
        """Row of every stored entry of ``A_r1`` (structural; cached)."""
        rows = self.__dict__.get("_a_r1_rows_cache")
        if rows is None:
            a = self._cp.a_r1
            rows = self._a_r1_rows_cache = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
        return rows

    # ------------------------------------------------------------------ evaluation
    def _corrections(self, fac1: BlockDiagFactor):
        """``A_d1 B A_1r`` (m × r) and ``A_d1 B A_1d`` (m × m) from a NumPy block-1 factor.

        The evaluations use :func:`.workspace.eliminate_first` (the same association,
        compiled); this NumPy form serves the sparse back-end's one-off ordering at Λ = I
        and callers that assemble a trailing matrix themselves (the benchmarks' floor).

        Both go through ``R = K A_1d`` (``K = L⁻¹Tᵀ`` per level, lme4's ``RZX``):
        ``A_d1 B A_1d = RᵀR`` and ``A_d1 B = RᵀK``.  At large θ the dense columns' Schur
        complement ``A_dd − RᵀR`` is a small difference of large numbers, and this
        association keeps its rounding error at lme4's level (``A_d1 (KᵀK) A_1d`` loses
        up to two more digits).
        """
        cp = self._cp
        m = cp.n_dense
        rzx = fac1.scaled_forward(self._a_1d)  # (ℓ, k, m), level-major rows
        flat = rzx.reshape(-1, m)
        corr_dd = flat.T @ flat
        if not cp.n_rest:
            return np.zeros((m, 0)), corr_dd
        wd = np.einsum("lkm,lkd->mld", rzx, fac1.half).reshape(m, -1)
        dense_a_r1 = getattr(self._update, "a_r1_times", None)  # re-weighted systems with a dense A_r1
        return (csr_times(cp.a_r1, wd.T) if dense_a_r1 is None else dense_a_r1(wd.T)).T, corr_dd

    def _bvec(self, fac1: BlockDiagFactor):
        """Block 1's ``B`` flattened, for the rank update of the later blocks (the dense
        back-end skips it when there are none)."""
        return fac1.schur.ravel() if self._cp.n_rest or self._dense is None else None

    def _new_workspace(self) -> Workspace:
        size = self._dense.size if self._dense is not None and self._cp.n_rest else 0
        return Workspace(self._cp, size, self._update.keys.size)

    def _workspace(self) -> Workspace:
        """This thread's work arrays (never handed out): allocated on the first evaluation.

        Re-weighted copies share the thread-local object (same structure, same shapes); a
        workspace of other shapes is replaced.
        """
        work = getattr(self._local, "work", None)
        shape = self.__dict__.get("_work_shape")
        if shape is None or shape[0] is not self._cp:  # per system (copies share the thread's workspace)
            size = self._dense.size if self._dense is not None and self._cp.n_rest else 0
            cp = self._cp
            shape = self._work_shape = (cp, (cp.first.nlevels, cp.first.width, cp.n_dense, cp.n_rest, size,
                                             self._update.keys.size))
        shape = shape[1]
        if work is None or work.shape != shape:
            work = self._local.work = self._new_workspace()
        return work

    def _eliminate(self, template: np.ndarray, work: Workspace) -> float:
        """Block 1's factor and corrections into ``work`` (:func:`.workspace.eliminate_first`)."""
        return eliminate_first(self._cp, self._a_1d, template, self._update, work)

    def _assemble(self, work: Workspace, templates) -> None:
        """The dense trailing matrix into ``work.ws`` from the eliminated block 1."""
        self._dense.assemble(work.ws, work.bmat.reshape(-1), work.corr_rd.T, work.corr_dd, templates,
                             upd=work.upd, work=work.extra)

    def _check_templates(self, templates) -> list:
        widths = [self._cp.first.width] + [b.width for b in self._cp.rest]
        if len(templates) != len(widths):
            raise ValueError(f"expected {len(widths)} templates, got {len(templates)}")
        return [np.asarray(t, dtype=float).reshape(k, k) for t, k in zip(templates, widths)]

    def logdet_and_tail(self, templates):
        """The fast path: ``log det(ΛᵀZᵀWZΛ + I)`` and the dense Schur complement's pivots.

        Allocates nothing proportional to the problem: every array lives in this thread's
        :class:`.workspace.Workspace`, filled by compiled kernels; the trailing matrix is
        factored where it lies and the log-determinant read from its diagonal.

        Parameters
        ----------
        templates : sequence of ndarray
            Lower-triangular ``T_f``, one per block, in block order.

        Returns
        -------
        logdet : float
        tail : ndarray, shape (m,)
            Diagonal of the Cholesky factor of ``DᵀWD − DᵀWZΛ(ΛᵀZᵀWZΛ + I)⁻¹ΛᵀZᵀWD``.

        Raises
        ------
        PivotError
        """
        return self.logdet_and_tail_of(self._check_templates(templates))

    def logdet_and_tail_of(self, templates: list):
        """:meth:`logdet_and_tail` for templates known to be right (the optimizer's path:
        ``TemplateLayout.block_templates`` gives C-contiguous float ``(K, K)`` arrays, one
        per block), without checking them again on every evaluation."""
        work = self._workspace()
        logdet1 = self._eliminate(templates[0], work)
        if self._dense is not None and not self._cp.n_rest:
            return logdet1, self._dense.tail_only(work.corr_dd)
        if self._dense is not None:
            self._assemble(work, templates[1:])
            logdet, tail, _ = self._dense.factor_inplace(work.ws, work.logs)
        else:
            logdet, tail = self._sparse.logdet_and_tail(work.bmat.reshape(-1), (work.corr_rd.T, work.corr_dd),
                                                        templates[1:])
        return logdet1 + logdet, tail

    def factor(self, templates) -> "BlockedFactor":
        """The full factorization, for solves (lmer: once per fit, not per optimizer step;
        glmer's PIRLS: once per iteration, on a :meth:`reweighted` system).

        The kernels of :meth:`logdet_and_tail` on a workspace of its own, which the factor
        keeps (block 1's factor, the dense trailing factor): the same bits as the fast path,
        never the per-thread workspace.
        """
        templates = self._check_templates(templates)
        if self._dense is not None and not self._cp.n_rest:  # assemble's arithmetic, without its bookkeeping
            return factor_one_block(self._cp, self._a_1d, templates, self._update)
        work = self._new_workspace()
        logdet1 = self._eliminate(templates[0], work)
        fac1 = work.first_factor(logdet1, templates[0])
        if self._dense is not None:
            self._assemble(work, templates[1:])
            logdet, _, chol = self._dense.factor_inplace(work.ws, work.logs)
            r = self._cp.n_rest
            tail, rest = np.tril(chol[r:, r:]), DenseRestFactor(chol, r)
        else:
            logdet, tail, rest = self._sparse.factor(work.bmat.reshape(-1), (work.corr_rd.T, work.corr_dd),
                                                     templates[1:])
        return BlockedFactor(self._cp, self._a_1d, self._rest_blocks, templates, fac1, rest,
                             logdet1 + logdet, tail, a_r1_rows=self.__dict__.get("_a_r1_rows_cache"))


def factor_one_block(cp: CrossProducts, a_1d: np.ndarray, templates, update=None) -> "BlockedFactor":
    """:meth:`BlockedSystem.factor` of a system with one grouped block (no later blocks).

    Block 1 is eliminated level by level and the dense columns' Schur complement
    ``A_dd − RᵀR`` (``R = K A_1d``, see ``_corrections``) is factored directly: the
    arithmetic of the general path (assemble + factor of an ``m × m`` trailing matrix)
    without its bookkeeping.  One grouping factor is glmer's commonest model, and PIRLS
    factors once per iteration.

    Parameters
    ----------
    cp : CrossProducts
        With ``n_rest = 0``.
    a_1d : ndarray, shape (ℓ, k, m)
        ``A_1d`` level-major.
    templates : sequence of one ndarray
        ``T`` (k × k, lower triangular), already checked.
    """
    work = Workspace(cp, 0, 0)
    logdet1 = eliminate_first(cp, np.ascontiguousarray(a_1d), templates[0], update, work)
    fac1 = work.first_factor(logdet1, templates[0])
    tail = lower_tail(cp.a_dd, work.corr_dd)
    return BlockedFactor(cp, a_1d, [], templates, fac1, DenseRestFactor.empty(), logdet1, tail)


class BlockedFactor:
    """One factorization: log-determinant, the dense tail factor, and solves.

    Attributes
    ----------
    logdet : float
        ``log det(ΛᵀZᵀWZΛ + I)``.
    tail : ndarray, shape (m, m)
        Lower Cholesky factor of the dense columns' Schur complement.
    """

    def __init__(self, cp, a_1d, rest_blocks, templates, fac1, rest, logdet, tail, a_r1_rows=None):
        self._cp, self._a_1d, self._rest_blocks, self._templates = cp, a_1d, rest_blocks, templates
        self._fac1, self._rest = fac1, rest
        self.logdet, self.tail = logdet, tail
        self._a_r1_rows = a_r1_rows  # row of every entry of A_r1, when the system has it

    # Built on first use: a model with one grouped block, or a caller needing no solve,
    # never pays for the sparse Λ of the later blocks.
    @cached_property
    def _lam_rest(self) -> sp.csr_matrix:
        """``Λ_r``, the later blocks' relative covariance factor."""
        return template_matrix(self._rest_blocks, self._templates[1:])

    @cached_property
    def _lam_rest_diagonal(self):
        """``Λ_r``'s diagonal when every later block is scalar (``Λ_r`` is then diagonal), else None."""
        if any(k != 1 for _, _, k in self._rest_blocks):
            return None
        return np.repeat([float(t[0, 0]) for t in self._templates[1:]], [nl for _, nl, _ in self._rest_blocks])

    @cached_property
    def _m_r1(self) -> sp.csr_matrix:
        """``M_r1 = Λ_rᵀ A_r1 Λ_1``, the scaled off-diagonal block of ``ΛᵀZᵀWZΛ + I``."""
        cp = self._cp
        if not cp.n_rest:
            return sp.csr_matrix((0, cp.first.size))
        shape, indptr, indices, data = self._m_r1_arrays
        if data is None:
            lam1 = template_matrix([(0, cp.first.nlevels, cp.first.width)], self._templates[:1])
            return (self._lam_rest.T @ cp.a_r1 @ lam1).tocsr()
        return sp.csr_matrix((data, indices, indptr), shape=shape)

    @cached_property
    def _m_r1_arrays(self):
        """``M_r1``'s CSR arrays (shape, indptr, indices, data); data None unless Λ is diagonal.

        With Λ diagonal each entry is ``(λ_r a) λ_1``, the very products the sparse ones of
        :attr:`_m_r1` form, without building scipy matrices (each PIRLS iteration solves).
        """
        a = self._cp.a_r1
        lam_r = self._lam_rest_diagonal
        if lam_r is None or self._cp.first.width != 1:
            return a.shape, None, None, None
        rows = self._a_r1_rows
        if rows is None:
            rows = np.repeat(np.arange(self._cp.n_rest), np.diff(a.indptr))
        return a.shape, a.indptr, a.indices, (lam_r[rows] * a.data) * float(self._templates[0][0, 0])

    def scaled_dense_cross(self) -> np.ndarray:
        """``ΛᵀZᵀWD`` (q × m) in the internal coordinates."""
        cp = self._cp
        # block 1: T_1ᵀ applied to every level's k × m slice of A_1d
        top = np.matmul(self._templates[0].T, self._a_1d).reshape(-1, cp.n_dense)
        if not cp.n_rest:
            return top
        lam_r = self._lam_rest_diagonal
        rest = lam_r[:, None] * cp.a_dr.T if lam_r is not None else np.asarray(self._lam_rest.T @ cp.a_dr.T)
        return np.vstack([top, rest])

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``(ΛᵀZᵀWZΛ + I)⁻¹ rhs`` by block elimination (rhs of shape (q,))."""
        first = self._cp.first
        q1 = first.size
        y1 = self._fac1.solve(rhs[:q1].reshape(first.nlevels, first.width)).ravel()
        if not self._cp.n_rest:
            return y1
        shape, indptr, indices, data = self._m_r1_arrays
        if data is None:
            m = self._m_r1
            shape, indptr, indices, data = m.shape, m.indptr, m.indices, m.data
        prod = np.zeros(shape[0])  # M_r1 y1 and M_r1ᵀ x_r, as scipy's products compute them
        accumulate_csr(shape, indptr, indices, data, y1, prod)
        xr = self._rest.solve(rhs[q1:] - prod)
        back = np.zeros(shape[1])
        accumulate_csr_transposed(shape, indptr, indices, data, xr, back)
        back = back.reshape(first.nlevels, first.width)
        return np.concatenate([y1 - self._fac1.solve(back).ravel(), xr])

    def inverse_diag_blocks(self) -> list:
        """Diagonal ``k×k`` level blocks of ``(ΛᵀZᵀWZΛ + I)⁻¹``, one array per block."""
        first = self._cp.first
        g1inv = self._fac1.inverse()
        out = [g1inv]
        if not self._cp.n_rest:
            return out
        nl, k = first.nlevels, first.width
        blockdiag = sp.bsr_matrix((g1inv, np.arange(nl), np.arange(nl + 1)), shape=(nl * k, nl * k))
        kmat = (self._m_r1 @ blockdiag).tocsc()
        out[0] = g1inv + self._rest.quad_diag(kmat, k)
        for off, nlf, kf in self._rest_blocks:
            out.append(self._rest.inverse_diag(off, nlf, kf))
        return out


def _level_major(a_d1: np.ndarray) -> np.ndarray:
    """``A_1d`` as (ℓ, k, m) blocks, contiguous (``a_d1`` is stored (m, ℓ, k))."""
    return np.ascontiguousarray(np.transpose(a_d1, (1, 2, 0)))
