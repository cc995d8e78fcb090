"""Re-weighting a blocked system: the structure once, new weights and dense columns per call.

glmer's PIRLS decomposes ``[ΛᵀZᵀWZΛ + I, ΛᵀZᵀWD; DᵀWZΛ, DᵀWD]`` (``D = [X z]``) with new
working weights ``W`` and a new working response at every iteration (lme4
``merPredD::updateXwts`` + ``updateDecomp``).  Everything structural — which entries of
``ZᵀWZ`` can be non-zero, the rank-update pattern, the back-end and its fill-reducing
ordering — depends only on which observations share levels, never on the weights: lme4
likewise analyses ``ΛᵀZᵀZΛ + I`` once (CHOLMOD's symbolic factorization) and refactors it
numerically per iteration.

A :class:`ReweightPlan` derives the structure once from a *pattern twin* of the design: the
same grouping with every ``z`` replaced by ``|z| + 1`` and unit weights, so no sum cancels
and the pattern is the structural one (zero weights or cancelling ``z`` later give explicit
zeros, never a missing entry).  It records, for every observation, where each of its
products ``z_a z_b`` lands among the grouped cross-products (one scatter index per product),
so a new system costs

* one ``np.bincount`` for all of ``Z₁ᵀWZ₁`` (block diagonal), ``Z_rᵀWZ₁`` and ``Z_rᵀWZ_r``;
* one sparse × dense product ``Zᵀ(WD)`` and one ``Dᵀ(WD)`` for the dense columns;
* the rank update's values on its fixed pattern (:mod:`.reweight_update`);

— O(nnz(Z)·k) in all, with the twin's back-end (dense or sparse) and ordering.  The plan's
systems are :class:`.blocked.BlockedSystem` objects like any other (same factors, to
rounding, as ``BlockedSystem(blocks, dense, weights)`` built from scratch).

:meth:`ReweightPlan.pls_solve` is glmer's per-iteration path where it applies (dense
back-end, later blocks scalar): the same decomposition and the PWLS solve in one compiled
call (:func:`.pls_kernels.pls_step`), the factor object itself built only on demand;
:meth:`ReweightPlan.kernel_structure` hands the same arrays to glmer's compiled PIRLS loop.
"""

from __future__ import annotations

import copy

import numpy as np
import scipy.sparse as sp

from .blocked import BlockedFactor, BlockedSystem, factor_one_block
from .crossprod import CrossProducts, GroupedColumns
from .dense_rest import _check_info
from .errors import PivotError
from .pairmap import csr_times
from .reweight_update import DensePattern, update_pattern

__all__ = ["ReweightPlan", "PlsSolution", "DeferredFactor"]


class ReweightPlan:
    """The fixed structure of a grouped design, for systems with any weights and dense columns.

    Parameters
    ----------
    blocks : sequence of GroupedColumns
        As for :class:`.blocked.BlockedSystem` (the first is eliminated first).
    n_dense : int
        Number of dense columns ``m`` of every system.
    method : {"auto", "dense", "sparse"}
        Back-end, chosen once for all systems (from the structure).
    update : {"auto", "map", "dense", "product"}
        How block 1's rank update is re-formed (:mod:`.reweight_update`); "auto" picks
        the cheapest from the structure.  The numbers agree to rounding.

    Attributes
    ----------
    method : str
        The back-end in use.
    """

    def __init__(self, blocks, n_dense: int, method: str = "auto", update: str = "auto"):
        self.blocks = list(blocks)
        first = self.blocks[0]
        n = first.refs.size
        self.n, self.n_dense = n, int(n_dense)
        pattern = [GroupedColumns(b.refs, np.abs(b.z) + 1.0, b.nlevels) for b in self.blocks]
        self._twin = BlockedSystem(pattern, np.ones((n, self.n_dense)), np.ones(n), method=method)
        self.method = self._twin.method
        cp = self._twin._cp
        for mat in (cp.a_r1, cp.a_rr):  # scatter positions below assume sorted, unique entries
            mat.sum_duplicates()
            mat.sort_indices()
        self._structure = cp
        self._scatter(cp)
        self._zt = _transpose_design(self.blocks, cp)
        self._r1_gather = _r1_gather(cp)
        self._update = update_pattern(cp, self._twin._update, update) if cp.n_rest else None
        self._one_block = not cp.n_rest and self.method == "dense"
        self._compiled = self._compiled_layout(cp)

    # ------------------------------------------------------------------ set-up
    def _scatter(self, cp: CrossProducts) -> None:
        """Scatter index and ``z`` product of every (observation, cross-product entry) pair.

        Three parts, one per target (``a11``, ``a_r1.data``, ``a_rr.data``), each one
        ``np.bincount``; a part whose products are all 1 (random intercepts) takes the
        weights as they are.
        """
        first, rest = self.blocks[0], self.blocks[1:]
        k1, q1 = first.width, first.size
        r = cp.n_rest
        c, d = np.divmod(np.arange(k1 * k1), k1)
        cols1 = first.refs[:, None] * k1 + np.arange(k1)[None, :]
        rows = [int(o) + b.refs[:, None] * b.width + np.arange(b.width)[None, :] for o, b in zip(cp.offsets[:-1], rest)]
        parts = [(first.refs[:, None] * (k1 * k1) + np.arange(k1 * k1)[None, :], first.z[:, c] * first.z[:, d],
                  first.nlevels * k1 * k1)]
        if r:
            r1_keys, rr_keys = _csr_keys(cp.a_r1), _csr_keys(cp.a_rr)
            index = [_find(r1_keys, (rows_f[:, :, None] * q1 + cols1[:, None, :]).reshape(self.n, -1)) for rows_f in rows]
            prod = [(blk.z[:, :, None] * first.z[:, None, :]).reshape(self.n, -1) for blk in rest]
            parts.append((np.concatenate(index, axis=1), np.concatenate(prod, axis=1), cp.a_r1.nnz))
            index, prod = [], []
            for blk_f, rows_f in zip(rest, rows):
                for blk_g, rows_g in zip(rest, rows):
                    index.append(_find(rr_keys, (rows_f[:, :, None] * r + rows_g[:, None, :]).reshape(self.n, -1)))
                    prod.append((blk_f.z[:, :, None] * blk_g.z[:, None, :]).reshape(self.n, -1))
            parts.append((np.concatenate(index, axis=1), np.concatenate(prod, axis=1), cp.a_rr.nnz))
        # np.intp: bincount converts any other index type on every call
        self._parts = [(np.ascontiguousarray(idx, dtype=np.intp).ravel(), idx.shape[1],
                        None if np.all(prd == 1.0) else np.ascontiguousarray(prd), size)
                       for idx, prd, size in parts]

    def _grouped_values(self, weights: np.ndarray) -> list:
        """``a11``, ``a_r1.data`` and ``a_rr.data`` (flat) for these weights."""
        out = []
        for index, width, prod, size in self._parts:
            if prod is not None:
                wts = (prod * weights[:, None]).ravel()
            else:
                wts = weights if width == 1 else np.repeat(weights, width)
            out.append(np.bincount(index, weights=wts, minlength=size))
        return out

    def _compiled_layout(self, cp: CrossProducts):
        """The arrays :mod:`.pls_kernels` read, or None where they do not apply.

        The kernels cover the dense back-end with later blocks of width 1 (scalar terms);
        everything else keeps the general path.
        """
        if self.method != "dense" or any(b.width != 1 for b in self.blocks[1:]):
            return None
        first, rest = self.blocks[0], self.blocks[1:]
        n, k = self.n, first.width
        rest_rows = np.zeros((n, len(rest)), dtype=np.intp)
        rest_z = np.zeros((n, len(rest)))
        for f, (off, blk) in enumerate(zip(cp.offsets[:-1], rest)):
            rest_rows[:, f] = int(off) + blk.refs
            rest_z[:, f] = blk.z[:, 0]
        if cp.n_rest:
            r1_pos = self._parts[1][0].reshape(n, len(rest) * k)
            counts = np.bincount(cp.r1_levels, minlength=first.nlevels)
            level_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
            pair_row = np.ascontiguousarray(cp.r1_rows, dtype=np.intp)
            pair_pos = np.ascontiguousarray(self._r1_gather.reshape(-1, k), dtype=np.intp)
        else:
            r1_pos = np.zeros((n, 0), dtype=np.intp)
            level_ptr = np.zeros(first.nlevels + 1, dtype=np.intp)
            pair_row, pair_pos = np.zeros(0, dtype=np.intp), np.zeros((0, k), dtype=np.intp)
        col_ptr, col_rows = _sparse_columns(cp, level_ptr, pair_row, self.n_dense,
                                            isinstance(self._update, DensePattern))
        return {
            "col_ptr": col_ptr, "col_rows": col_rows,
            "refs1": np.ascontiguousarray(first.refs, dtype=np.intp), "z1": np.ascontiguousarray(first.z, dtype=float),
            "rest_rows": rest_rows, "rest_z": rest_z, "r1_pos": np.ascontiguousarray(r1_pos, dtype=np.intp),
            "level_ptr": level_ptr, "pair_row": pair_row, "pair_pos": pair_pos,
            "dense_update": isinstance(self._update, DensePattern),
            "rest_levels": [b.nlevels for b in rest],
        }

    @property
    def compiled(self) -> bool:
        """Whether :meth:`pls_solve` runs the compiled kernels (else it returns None)."""
        return self._compiled is not None

    def pls_solve(self, weights: np.ndarray, x: np.ndarray, z: np.ndarray, templates, u_only: bool):
        """One PIRLS decomposition and solve in compiled code (lme4 ``updateDecomp`` + ``solve``).

        The numbers of ``self.factor(weights, [X z], templates)`` followed by the block
        solve of :class:`.blocked.BlockedFactor` (to rounding), ``z`` being the response:
        ``β`` from ``R_X β = r_Xy`` (zeros when ``u_only``), then ``u``.

        Parameters
        ----------
        weights : ndarray, shape (n,)
        x : ndarray, shape (n, p)
            The dense columns but the last (``m = p + 1``); C-contiguous float64 avoids a copy.
        z : ndarray, shape (n,)
            The last dense column.
        templates : sequence of ndarray
            Block templates (block order).
        u_only : bool

        Returns
        -------
        PlsSolution or None
            None when the kernels do not cover this structure (:attr:`compiled`).

        Raises
        ------
        PivotError
            As :meth:`factor`.
        """
        structure = self.kernel_structure(x)
        if structure is None:
            return None
        from .pls_kernels import PLS_RANDOM_PIVOT, pls_step  # compiled on first use

        n, p = self.n, self.n_dense - 1
        w = np.ascontiguousarray(weights, dtype=float).ravel()
        z = np.ascontiguousarray(z, dtype=float).ravel()
        if w.size != n or z.size != n:
            raise ValueError(f"expected weights and a response of length {n} and X of shape ({n}, {p}), "
                             f"got {w.shape}, {z.shape} and {structure[0].shape}")
        t1, lam = self.kernel_templates(templates)
        u, beta, rx = np.empty(self.blocks[0].size + lam.size), np.empty(p), np.empty((p, p))
        ws = np.empty((lam.size + p + 1,) * 2)
        info, logdet = pls_step(w, structure[0], z, *structure[1:], t1, lam, bool(u_only), ws, u, beta, rx)
        if info == PLS_RANDOM_PIVOT:
            raise PivotError(-1, "random")  # G ≥ I, so only inf/nan get here
        _check_info(int(info), lam.size)
        return PlsSolution(u=u, beta=beta, logdet=float(logdet), RX=rx,
                           factor=DeferredFactor(self, w, structure[0], z,
                                                 [np.asarray(t, dtype=float) for t in templates]))

    def kernel_structure(self, x: np.ndarray):
        """The arguments of :func:`.pls_kernels.pls_step` that stay fixed for a fit, or None.

        ``(x, refs1, z1, rest_rows, rest_z, r1_pos, xrow, xuniq, level_ptr, pair_row,
        pair_pos, dense_update, r1_nnz, col_ptr, col_rows)``: ``X`` as a C-contiguous float64
        array and the structure as the kernel reads it; None where the kernels do not apply.
        """
        lay = self._compiled
        if lay is None:
            return None
        n, p = self.n, self.n_dense - 1
        x = np.ascontiguousarray(x, dtype=float)
        if x.shape != (n, p):
            raise ValueError(f"expected weights and a response of length {n} and X of shape ({n}, {p}), "
                             f"got X of shape {x.shape}")
        xrow, xuniq = self._distinct_rows(x)
        return (x, lay["refs1"], lay["z1"], lay["rest_rows"], lay["rest_z"], lay["r1_pos"], xrow, xuniq,
                lay["level_ptr"], lay["pair_row"], lay["pair_pos"], lay["dense_update"], self._structure.a_r1.nnz,
                lay["col_ptr"], lay["col_rows"])

    def kernel_templates(self, templates):
        """``(t1, lam)`` of :func:`.pls_kernels.pls_step`: block 1's template and ``Λ_r``'s diagonal."""
        k = self.blocks[0].width
        if len(templates) != len(self.blocks):
            raise ValueError(f"expected {len(self.blocks)} templates, got {len(templates)}")
        t1 = np.ascontiguousarray(np.asarray(templates[0], dtype=float).reshape(k, k))
        return t1, self.rest_lambda([float(np.asarray(t).reshape(-1)[0]) for t in templates[1:]])

    def rest_lambda(self, values) -> np.ndarray:
        """``Λ_r``'s diagonal from the later (scalar) blocks' template values."""
        if not len(values):
            return np.zeros(0)
        return np.repeat(np.asarray(values, dtype=float), self._compiled["rest_levels"])

    def _distinct_rows(self, x: np.ndarray):
        """``X``'s distinct rows and every observation's, when they are few (else empty arrays).

        Cached for the last ``X`` object seen (glmer passes the same fixed-effects matrix
        at every iteration); factors and their interactions make ``X`` highly repetitive.
        """
        cached = self.__dict__.get("_xrows")
        if cached is not None and cached[0] is x:
            return cached[1], cached[2]
        xrow, xuniq = np.zeros(0, dtype=np.intp), np.zeros((0, x.shape[1]))
        if x.shape[1] > 1 and x.shape[0] >= 64:
            uniq, inverse = np.unique(x, axis=0, return_inverse=True)
            if 2 * uniq.shape[0] <= x.shape[0]:
                xrow, xuniq = np.ascontiguousarray(inverse.ravel(), dtype=np.intp), np.ascontiguousarray(uniq)
        self._xrows = (x, xrow, xuniq)
        return xrow, xuniq

    # ------------------------------------------------------------------ systems
    def cross_products(self, weights: np.ndarray, dense: np.ndarray):
        """``[Z D]ᵀW[Z D]`` on the fixed structure.

        Parameters
        ----------
        weights : ndarray, shape (n,)
        dense : ndarray, shape (n, m)

        Returns
        -------
        cp : CrossProducts
        a_1d : ndarray, shape (ℓ₁, k₁, m)
            ``Z₁ᵀWD`` level-major (what :class:`.blocked.BlockedSystem` keeps as ``_a_1d``).
        """
        weights = np.ascontiguousarray(weights, dtype=float).ravel()
        wd, a_dd = self._dense_products(weights, dense)
        cp = self._structure
        first = self.blocks[0]
        nl, k1, q1 = first.nlevels, first.width, first.size
        m = self.n_dense
        vals = self._grouped_values(weights)
        zd = csr_times(self._zt, wd)
        a_1d = zd[:q1].reshape(nl, k1, m)
        if cp.n_rest:
            a_r1, a_rr = _with_data(cp.a_r1, vals[1]), _with_data(cp.a_rr, vals[2])
            r1_values = vals[1][self._r1_gather].reshape(-1, k1)
        else:
            a_r1, a_rr, r1_values = cp.a_r1, cp.a_rr, cp.r1_values
        new = CrossProducts(
            first=first, rest=tuple(self.blocks[1:]), offsets=cp.offsets, a11=vals[0].reshape(nl, k1, k1),
            a_r1=a_r1, r1_rows=cp.r1_rows, r1_levels=cp.r1_levels, r1_values=r1_values, a_rr=a_rr,
            a_d1=zd[:q1].T.reshape(m, nl, k1), a_dr=zd[q1:].T, a_dd=a_dd,
        )
        return new, a_1d

    def _dense_products(self, weights: np.ndarray, dense):
        """``WD`` and ``DᵀWD``."""
        n, m = self.n, self.n_dense
        dense = np.ascontiguousarray(dense, dtype=float)
        if dense.shape != (n, m) or weights.size != n:
            raise ValueError(f"expected weights of length {n} and dense columns of shape ({n}, {m}), "
                             f"got {weights.shape} and {dense.shape}")
        wd = dense * weights[:, None]
        return wd, dense.T @ wd

    def system(self, weights: np.ndarray, dense: np.ndarray) -> BlockedSystem:
        """A :class:`.blocked.BlockedSystem` with these weights and dense columns (new object)."""
        cp, a_1d = self.cross_products(weights, dense)
        update = self._update.values(cp) if self._update is not None else self._twin._update
        return self._twin._reweighted_copy(self, cp, a_1d, update, np.asarray(weights, dtype=float))

    def factor(self, weights: np.ndarray, dense: np.ndarray, templates) -> BlockedFactor:
        """``self.system(weights, dense).factor(templates)`` (glmer: one PIRLS decomposition).

        With one grouped block and the dense back-end, the factor is formed straight from
        the cross-products (:func:`.blocked.factor_one_block`, the same arithmetic) without
        building the intermediate system.
        """
        if self._one_block:
            cp, a_1d = self.cross_products(weights, dense)
            k = cp.first.width
            if len(templates) != 1:
                raise ValueError(f"expected 1 templates, got {len(templates)}")
            return factor_one_block(cp, a_1d, [np.asarray(templates[0], dtype=float).reshape(k, k)])
        return self.system(weights, dense).factor(templates)


#: The trailing matrix is factored column by column on its pattern when that costs at most
#: this share of a dense factorization's multiply-adds (LAPACK's blocked code is faster per
#: operation, so a pattern must save much to win).
_SPARSE_SHARE = 0.25
_SPARSE_MAX_SIZE = 4000  # above, the symbolic analysis (dense boolean) is not attempted


def _sparse_columns(cp: CrossProducts, level_ptr, pair_row, m: int, dense_update: bool):
    """Below-diagonal rows of every column of the trailing matrix's Cholesky factor, if sparse.

    The trailing matrix ``[Λ_rᵀ(A_rr − A_r1BA_1r)Λ_r + I, ·; ·, ·]`` has the pattern of ``A_rr``,
    of block 1's rank update (every pair of later rows sharing a level of block 1) and full
    dense rows.  Its factor's pattern (with fill) comes from a symbolic elimination; nested
    designs (grouseticks: observation within brood within location) keep it almost as
    sparse as the matrix, and a factorization on it costs a fraction of LAPACK's dense one.

    Returns
    -------
    col_ptr, col_rows : ndarray of intp
        Column ``j``'s rows ``col_rows[col_ptr[j]:col_ptr[j + 1]]`` (increasing, all > j),
        or two empty arrays: factor densely (LAPACK), the pattern saves too little.
    """
    r = cp.n_rest
    size = r + m
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp))
    if dense_update or not r or size > _SPARSE_MAX_SIZE:
        return empty
    pattern = np.zeros((size, size), dtype=bool)
    pattern[r:, :] = True  # the dense rows
    a_rr = cp.a_rr.tocoo()
    pattern[a_rr.row, a_rr.col] = True
    for lv in range(level_ptr.size - 1):
        rows = pair_row[level_ptr[lv]:level_ptr[lv + 1]]
        if rows.size > 1:
            pattern[np.ix_(rows, rows)] = True
    pattern |= pattern.T
    ptr, cols, cost = [0], [], 0.0
    for j in range(size):  # symbolic elimination: column j's rows connect pairwise
        rows = j + 1 + np.flatnonzero(pattern[j + 1:, j])
        if rows.size > 1:
            pattern[np.ix_(rows, rows)] = True
        cols.append(rows)
        ptr.append(ptr[-1] + rows.size)
        cost += rows.size * (rows.size + 1) / 2.0
    if cost > _SPARSE_SHARE * size ** 3 / 6.0:
        return empty
    return np.asarray(ptr, dtype=np.intp), np.concatenate(cols).astype(np.intp)


def _csr_keys(mat: sp.csr_matrix) -> np.ndarray:
    """``row · ncol + col`` of every stored entry, in storage order (increasing: canonical CSR)."""
    rows = np.repeat(np.arange(mat.shape[0], dtype=np.int64), np.diff(mat.indptr))
    return rows * mat.shape[1] + mat.indices


def _find(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions of ``wanted`` among the sorted ``keys``; every one must be there."""
    pos = np.searchsorted(keys, wanted)
    if wanted.size and not np.array_equal(keys[np.minimum(pos, keys.size - 1)], wanted):
        raise AssertionError("observation outside the structural pattern")  # a bug, never data
    return pos


def _r1_gather(cp: CrossProducts) -> np.ndarray:
    """Where every ``r1_values[pair, c]`` sits in ``a_r1.data`` (every component is stored)."""
    k1 = cp.first.width
    q1 = cp.first.size
    wanted = (cp.r1_rows[:, None] * q1 + cp.r1_levels[:, None] * k1 + np.arange(k1)[None, :]).ravel()
    return _find(_csr_keys(cp.a_r1), wanted)


def _transpose_design(blocks, cp: CrossProducts) -> sp.csr_matrix:
    """``Zᵀ`` (q × n) in the internal coordinates: block 1, then the later blocks."""
    n = blocks[0].refs.size
    starts = [0] + [blocks[0].size + int(o) for o in cp.offsets[:-1]]
    rows, cols, vals = [], [], []
    for start, blk in zip(starts, blocks):
        rows.append((start + blk.refs[:, None] * blk.width + np.arange(blk.width)[None, :]).ravel())
        cols.append(np.repeat(np.arange(n), blk.width))
        vals.append(blk.z.ravel())
    q = blocks[0].size + cp.n_rest
    zt = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(q, n))
    zt.sum_duplicates()
    return zt


def _with_data(template: sp.csr_matrix, data: np.ndarray) -> sp.csr_matrix:
    """``template``'s structure (shared, never modified) with new values.

    A shallow copy: scipy's constructor re-checks the structure, which costs more than
    everything else a small system needs.
    """
    new = copy.copy(template)
    new.data = data
    return new


class PlsSolution:
    """What :meth:`ReweightPlan.pls_solve` returns.

    Attributes
    ----------
    u : ndarray, shape (q,)
        Random effects in the internal (block) order.
    beta : ndarray, shape (p,)
    logdet : float
        ``log det(ΛᵀZᵀWZΛ + I)``.
    RX : ndarray, shape (p, p)
        Upper-triangular ``R_X``.
    factor : DeferredFactor
    """

    __slots__ = ("u", "beta", "logdet", "RX", "factor")

    def __init__(self, u, beta, logdet, RX, factor):
        self.u, self.beta, self.logdet, self.RX, self.factor = u, beta, logdet, RX, factor


class DeferredFactor:
    """The :class:`.blocked.BlockedFactor` of one compiled decomposition, built on first use.

    The compiled path keeps no factor object (PIRLS discards all but the last one); the
    rare callers of the factor itself (conditional variances) get the general path's,
    formed from the same weights and dense columns.  Picklable.
    """

    def __init__(self, plan: ReweightPlan, weights: np.ndarray, x: np.ndarray, z: np.ndarray, templates):
        self._plan, self._weights, self._x, self._z, self._templates = plan, weights, x, z, templates
        self._built = None

    def _factor(self) -> BlockedFactor:
        if self._built is None:
            dense = np.column_stack([self._x, self._z])
            self._built = self._plan.factor(self._weights, dense, list(self._templates))  # any iterable
        return self._built

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("_plan", "_weights", "_x", "_z", "_templates", "_built"):
            raise AttributeError(name)  # pickling and copying look these up before __init__ state exists
        return getattr(self._factor(), name)
