"""Compiled kernels of one blocked factorization for the optimizer's fast path (MixedModels.jl ``updateL!``).

One evaluation of the profiled deviance (:meth:`.blocked.BlockedSystem.logdet_and_tail`)
is a handful of passes over preallocated arrays, each a compiled loop with no Python work
per level or per block:

* :func:`first_block`: block 1 level by level — ``L_l = chol(TᵀA_lT + I)``,
  ``K_l = L_l⁻¹Tᵀ``, ``B_l = K_lᵀK_l``, lme4's ``RZX_l = L_l⁻¹TᵀA_1d[l]`` and
  ``W_l = K_lᵀRZX_l = B_lA_1d[l]`` (star: 10,767 levels of 2 × 2, formerly a dozen
  batched NumPy calls with their temporaries);
* :func:`csr_rows_times`: ``A_r1 W`` (the dense columns' correction of the later rows);
* :func:`base_and_update`: the trailing matrix's base and block 1's rank update, row by
  row from ``A_r1`` and its transpose (a precomputed sparse pattern, no stored
  coefficients), each row of the matrix written while it is in cache;
* :func:`copy_lower`, :func:`scatter_map`, :func:`scatter_add`: the same from the other
  update routes (stored coefficients summed and scattered in one pass, or a dense product's
  values at their positions);
* :func:`finish_dense`: the dense columns' corrections, ``Λ`` on every level block and
  the identity, in place (then LAPACK ``dpotrf`` factors the matrix where it lies);
* :func:`log_diagonal_sum`: ``Σ log L_ii`` read from the factor's diagonal.

Sums run in the order of the NumPy code they replace where it is a plain loop (scipy's CSR
kernels, ``einsum``, NumPy's pairwise ``sum``); products that were BLAS calls on tiny
blocks are written out, so they differ from before by rounding only.  Each is a
:func:`.jit.kernel`: interpreted for small problems, compiled (``cache=True``, no
``fastmath``: no reassociation, no fused multiply-adds; ``nogil``) for large ones, with
the same bits.  Every kernel writes only into the arrays it is given, so threads with
their own work arrays run concurrently.  Callers look the kernels up through this module
at call time (``eval_kernels.first_block(...)``): compiling replaces them here.
"""

from __future__ import annotations

import math

import numpy as np

from .jit import kernel
from .sums import pairwise_sum

__all__ = ["first_block", "csr_rows_times", "times_blocks", "copy_lower", "base_and_update", "sweep_scalar", "scatter_map",
           "map_accumulate", "scatter_add", "finish_dense", "log_diagonal_sum"]

@kernel
def first_block(t, a11, a1d, chol, half, bmat, rzx, wd, logs, want_wd):
    """Factor block 1 level by level and form its products with the dense columns.

    Parameters
    ----------
    t : (k, k) lower-triangular template ``T``.
    a11 : (ℓ, k, k) ``A_l``.  a1d : (ℓ, k, m) ``A_1d`` level-major.
    chol, half, bmat : (ℓ, k, k) outputs ``L_l``, ``K_l = L_l⁻¹Tᵀ``, ``B_l = K_lᵀK_l``.
    rzx : (ℓ, k, m) output ``L_l⁻¹TᵀA_1d[l]`` (lme4's ``RZX``).
    wd : (ℓ, k, m) output ``K_lᵀ RZX_l``, written when ``want_wd``.
    logs : (ℓ,) scratch: every level's share of the log-determinant.

    Returns
    -------
    float
        ``log det(TᵀA_lT + I)`` summed over levels (NumPy's pairwise order); NaN when a
        pivot is not positive and finite (only through overflow: every ``G_l ≥ I``).
    """
    nl, k, m = a1d.shape
    if k == 1:  # blockdiag's scalar path: g = a t² + 1, K = t / √g, RZX = a (t / √g)
        tt = t[0, 0]
        t2 = tt * tt
        for l in range(nl):
            g = a11[l, 0, 0] * t2 + 1.0
            if not math.isfinite(g):
                return math.nan
            ll = math.sqrt(g)
            logs[l] = math.log(g)
            chol[l, 0, 0] = ll
            h = tt / ll
            half[l, 0, 0] = h
            bmat[l, 0, 0] = h * h
            for j in range(m):
                v = a1d[l, 0, j] * h
                rzx[l, 0, j] = v
                if want_wd:
                    wd[l, 0, j] = v * h
        return pairwise_sum(logs, nl)
    if k == 2:
        return 2.0 * _first_block_pair(t, a11, a1d, chol, half, bmat, rzx, wd, logs, want_wd)
    g = np.empty((k, k))
    at = np.empty((k, k))
    for l in range(nl):
        a = a11[l]
        lo = chol[l]
        for e in range(k):  # (A T)[e, d], T lower: rows f ≥ d only
            for d in range(k):
                s = 0.0
                for f in range(d, k):
                    s += a[e, f] * t[f, d]
                at[e, d] = s
        for c in range(k):  # G = Tᵀ(A T) + I, lower triangle: Tᵀ[c, e] = T[e, c], e ≥ c
            for d in range(c + 1):
                s = 0.0
                for e in range(c, k):
                    s += t[e, c] * at[e, d]
                g[c, d] = s
            g[c, c] += 1.0
        for j in range(k):  # dpotrf's arithmetic, column by column
            s = g[j, j]
            for e in range(j):
                s -= lo[j, e] * lo[j, e]
            if not (s > 0.0 and math.isfinite(s)):
                return math.nan
            ljj = math.sqrt(s)
            lo[j, j] = ljj
            for i in range(j + 1, k):
                s = g[i, j]
                for e in range(j):
                    s -= lo[i, e] * lo[j, e]
                lo[i, j] = s / ljj
            for i in range(j):
                lo[i, j] = 0.0
        if k == 2:  # blockdiag's closed form: log(l00 l11)
            logs[l] = math.log(lo[0, 0] * lo[1, 1])
        else:
            s = 0.0
            for c in range(k):
                s += math.log(lo[c, c])
            logs[l] = s
        h = half[l]
        for c in range(k):  # K[:, c] = L⁻¹ (Tᵀ)[:, c] by forward substitution (Tᵀ[i, c] = T[c, i])
            for i in range(k):
                s = t[c, i] if c >= i else 0.0
                for e in range(i):
                    s -= lo[i, e] * h[e, c]
                h[i, c] = s / lo[i, i]
        b = bmat[l]
        for c in range(k):  # B = KᵀK
            for d in range(k):
                s = 0.0
                for e in range(k):
                    s += h[e, c] * h[e, d]
                b[c, d] = s
        x = a1d[l]
        y = rzx[l]
        for j in range(m):  # RZX = L⁻¹(TᵀA_1d): blockdiag.scaled_forward's order
            for i in range(k):
                s = 0.0
                for e in range(i, k):
                    s += t[e, i] * x[e, j]
                for e in range(i):
                    s -= lo[i, e] * y[e, j]
                y[i, j] = s / lo[i, i]
        if want_wd:
            w = wd[l]
            for d in range(k):  # W = KᵀRZX, summed over c in order (einsum's)
                for j in range(m):
                    s = 0.0
                    for c in range(k):
                        s += y[c, j] * h[c, d]
                    w[d, j] = s
    return 2.0 * pairwise_sum(logs, nl)


@kernel
def _first_block_pair(t, a11, a1d, chol, half, bmat, rzx, wd, logs, want_wd):
    """``k = 2`` written out (blockdiag's closed form): the loops of the general path cost
    more in overhead than in flops on blocks this small (star: 10,767 levels).

    ``G = TᵀAT + I`` as ``[a, b, b, c]`` times the template's products (the order of
    blockdiag's product), ``l00 = √g00``, ``l10 = g10/l00``, ``l11 = √(g11 + 1 − l10²)``;
    ``RZX`` and ``K`` (``RZX`` of the unit vectors) by blockdiag.scaled_forward's two lines.
    Returns ``Σ_l log(l00 l11)`` (pairwise).
    """
    nl, _, m = a1d.shape
    t00, t10, t11 = t[0, 0], t[1, 0], t[1, 1]
    c00, c01, c03 = t00 * t00, t00 * t10, t10 * t10
    c11, c13, c23 = t00 * t11, t10 * t11, t11 * t11
    for l in range(nl):
        a, b01, b10, c = a11[l, 0, 0], a11[l, 0, 1], a11[l, 1, 0], a11[l, 1, 1]
        g00 = ((a * c00 + b01 * c01) + b10 * c01) + c * c03
        g10 = b01 * c11 + c * c13
        g11 = c * c23
        l00 = math.sqrt(g00 + 1.0)
        l10 = g10 / l00
        l11 = math.sqrt(g11 + 1.0 - l10 * l10)
        lg = math.log(l00 * l11)
        if not math.isfinite(lg):
            return math.nan
        logs[l] = lg
        chol[l, 0, 0], chol[l, 0, 1], chol[l, 1, 0], chol[l, 1, 1] = l00, 0.0, l10, l11
        k00 = t00 / l00
        k10 = -(l10 * k00) / l11
        k01 = t10 / l00
        k11 = (t11 - l10 * k01) / l11
        half[l, 0, 0], half[l, 0, 1], half[l, 1, 0], half[l, 1, 1] = k00, k01, k10, k11
        b00 = k00 * k00 + k10 * k10
        b01 = k00 * k01 + k10 * k11
        bmat[l, 0, 0], bmat[l, 0, 1], bmat[l, 1, 0], bmat[l, 1, 1] = b00, b01, b01, k01 * k01 + k11 * k11
        for j in range(m):
            a0, a1 = a1d[l, 0, j], a1d[l, 1, j]
            r0 = (t00 * a0 + t10 * a1) / l00
            r1 = (t11 * a1 - l10 * r0) / l11
            rzx[l, 0, j] = r0
            rzx[l, 1, j] = r1
            if want_wd:
                wd[l, 0, j] = r0 * k00 + r1 * k10
                wd[l, 1, j] = r0 * k01 + r1 * k11
    return pairwise_sum(logs, nl)


@kernel
def csr_rows_times(indptr, indices, data, x, out):
    """``out = A x`` for CSR ``A`` (r × q) and dense ``x`` (q × m), C-ordered ``out`` (r × m).

    scipy's ``csr_matvecs`` order: every row starts at 0 and adds its entries in turn.
    """
    r, m = out.shape
    for i in range(r):
        for j in range(m):
            out[i, j] = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            v = data[p]
            c = indices[p]
            for j in range(m):
                out[i, j] += v * x[c, j]


@kernel
def times_blocks(a, bmat, out):
    """``out[i, l, :] = a[i, l, :] B_l`` for every row ``i`` and level ``l`` (``A_r1 B`` with
    ``A_r1`` dense, (r, ℓ, k); each entry summed over ``c`` in order, as ``einsum``)."""
    r, nl, k = a.shape
    for i in range(r):
        for l in range(nl):
            for d in range(k):
                s = 0.0
                for c in range(k):
                    s += a[i, l, c] * bmat[l, c, d]
                out[i, l, d] = s


@kernel
def copy_lower(dst, src):
    """``dst``'s lower triangle (diagonal included) from ``src``'s (the upper is left as it is)."""
    n = dst.shape[0]
    for a in range(n):
        for b in range(a + 1):
            dst[a, b] = src[a, b]


@kernel
def base_and_update(ws, base, r, indptr, cols, vals, t_indptr, t_rows, t_vals, bmat):
    """``ws``'s lower triangle: ``base − A_r1 B A_1r`` on the later rows, ``base`` on the others.

    Row by row (Gustavson's order): for row ``a`` of ``A_r1`` and each level ``l`` it
    touches, ``y_d = Σ_c A_r1[a, (l, c)] B_l[c, d]``, then ``ws[a, b] −= y_d A_1r[(l, d), b]``
    for the entries ``b ≤ a`` of row ``(l, d)`` of ``A_1r``.  Every write of a row lands in
    that row of ``ws`` (cache-resident), right after it is copied from ``base``; nothing is
    stored per coefficient (MixedModels.jl ``rankUpdate!`` scatters the same products level
    by level).  O(Σ_l c_l² k²) multiply-adds, ``c_l`` the later rows level ``l`` touches.

    Parameters
    ----------
    indptr, cols, vals : ``A_r1`` (r × ℓk) in CSR form, columns sorted within rows.
    t_indptr, t_rows, t_vals : ``A_1r = A_r1ᵀ`` in CSR form, columns sorted within rows.
    bmat : (ℓ, k, k) ``B_l``.
    """
    size = ws.shape[0]
    k = bmat.shape[1]
    y = np.empty(k)
    for a in range(size):
        for b in range(a + 1):
            ws[a, b] = base[a, b]
        if a >= r:
            continue
        p = indptr[a]
        stop = indptr[a + 1]
        while p < stop:
            lvl = cols[p] // k
            q = p
            while q < stop and cols[q] // k == lvl:
                q += 1
            for d in range(k):  # y = A_r1[a, level l] B_l
                acc = 0.0
                for e in range(p, q):
                    acc += vals[e] * bmat[lvl, cols[e] - lvl * k, d]
                y[d] = acc
            for d in range(k):
                yd = y[d]
                row = lvl * k + d
                for e in range(t_indptr[row], t_indptr[row + 1]):
                    b = t_rows[e]
                    if b > a:
                        break
                    ws[a, b] -= yd * t_vals[e]
            p = q


@kernel
def sweep_scalar(ws, base, r, pos, key_ptr, indptr, indices, data, bvec, corr_rd, corr_dd, lam):
    """The whole trailing matrix in one pass, row by row, when every later block is scalar.

    Row ``a`` is copied from ``base``, receives block 1's rank update from the stored map
    (keys of row ``a``: ``key_ptr[a]:key_ptr[a+1]``, positions ``pos``), then, for a later
    row, is scaled by ``λ_a λ_b`` with 1 added on the diagonal, or, for a dense row, has
    its corrections subtracted and is scaled by ``λ_b`` — each entry the operations of
    :func:`copy_lower` + :func:`scatter_map` + :func:`finish_dense` in their order, while
    the row is in cache (InstEval: one pass over 1157² instead of three).

    Parameters
    ----------
    lam : (r,) ``Λ_r``'s diagonal.
    """
    size = ws.shape[0]
    for a in range(size):
        for b in range(a + 1):
            ws[a, b] = base[a, b]
        if a < r:
            start = a * size
            for i in range(key_ptr[a], key_ptr[a + 1]):
                s = 0.0
                for p in range(indptr[i], indptr[i + 1]):
                    s += np.float64(data[p]) * bvec[indices[p]]
                ws[a, pos[i] - start] += s
            la = lam[a]
            for b in range(a + 1):
                ws[a, b] *= la * lam[b]
            ws[a, a] += 1.0
        else:
            j = a - r
            for b in range(r):
                ws[a, b] -= corr_rd[b, j]
            for i in range(j + 1):
                ws[a, r + i] -= corr_dd[j, i]
            for b in range(r):
                ws[a, b] *= lam[b]


@kernel
def scatter_map(flat, pos, indptr, indices, data, x):
    """``flat[pos[i]] += (M x)[i]`` for the CSR map ``M`` (scipy's ``csr_matvec`` sum per row)."""
    for i in range(pos.shape[0]):
        s = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            s += np.float64(data[p]) * x[indices[p]]
        flat[pos[i]] += s


@kernel
def map_accumulate(indptr, indices, data, x, out):
    """``out += M x`` for the CSR map ``M`` (scipy's ``csr_matvec``: each row's sum starts
    from ``out[i]``; narrow stored types are widened to float64 before the product)."""
    for i in range(out.shape[0]):
        s = out[i]
        for p in range(indptr[i], indptr[i + 1]):
            s += np.float64(data[p]) * x[indices[p]]
        out[i] = s


@kernel
def scatter_add(flat, pos, values):
    """``flat[pos] += values`` (positions distinct)."""
    for i in range(pos.shape[0]):
        flat[pos[i]] += values[i]


@kernel
def _scale_block(ws, r0, c0, kf, kg, tf, tg, z):
    """``ws[r0:r0+kf, c0:c0+kg] = T_fᵀ X T_g`` in place (``z``: kf × kg scratch)."""
    for c in range(kf):  # Z = T_fᵀ X (T_f lower: rows e ≥ c)
        for d in range(kg):
            s = 0.0
            for e in range(c, kf):
                s += tf[e, c] * ws[r0 + e, c0 + d]
            z[c, d] = s
    for c in range(kf):  # Z T_g (rows e ≥ d of T_g)
        for d in range(kg):
            s = 0.0
            for e in range(d, kg):
                s += z[c, e] * tg[e, d]
            ws[r0 + c, c0 + d] = s


@kernel
def finish_dense(ws, r, corr_rd, corr_dd, blk_off, blk_nl, blk_k, tmpl):
    """The trailing matrix from ``C`` (block 1 eliminated): ``S = [Λ_rᵀC_rrΛ_r + I, ·; C_drΛ_r, C_dd]``.

    On entry ``ws``'s lower triangle holds ``A − A_r1BA_1r`` for the later grouped rows and
    ``A`` for the dense rows; ``corr_rd`` (r × m) and ``corr_dd`` (m × m) are subtracted from
    the dense rows, every within-level ``k × k`` block is made full (``Λ`` mixes its rows),
    then each lower level block is scaled (``T_fᵀ X T_g``; scalar blocks by ``t_f t_g``, the
    product formed first as :mod:`.dense_rest` does) and 1 is added to the first ``r``
    diagonal entries.

    Parameters
    ----------
    blk_off, blk_nl, blk_k : (nb,) offset, levels and width of every later block.
    tmpl : (nb, kmax, kmax) their templates (top-left ``k × k`` significant).
    """
    size = ws.shape[0]
    m = size - r
    for j in range(m):
        row = r + j
        for b in range(r):
            ws[row, b] -= corr_rd[b, j]
        for i in range(j + 1):
            ws[row, r + i] -= corr_dd[j, i]
    nb = blk_off.shape[0]
    kmax = tmpl.shape[1]
    z = np.empty((max(kmax, 1), max(kmax, 1)))
    for f in range(nb):  # within-level blocks full before Λ mixes their rows
        k = blk_k[f]
        if k == 1:
            continue
        for lvl in range(blk_nl[f]):
            base = blk_off[f] + lvl * k
            for a in range(k):
                for b in range(a):
                    ws[base + b, base + a] = ws[base + a, base + b]
    for f in range(nb):
        kf, of, nf = blk_k[f], blk_off[f], blk_nl[f]
        tf = tmpl[f]
        for g in range(f + 1):
            kg, og, ng = blk_k[g], blk_off[g], blk_nl[g]
            tg = tmpl[g]
            if kf == 1 and kg == 1:
                lam = tf[0, 0] * tg[0, 0]
                for i in range(nf):
                    row = of + i
                    stop = ng if g < f else i + 1
                    for jl in range(stop):
                        ws[row, og + jl] *= lam
                continue
            for i in range(nf):
                stop = ng if g < f else i + 1
                for jl in range(stop):
                    _scale_block(ws, of + i * kf, og + jl * kg, kf, kg, tf, tg, z)
    for g in range(nb):  # dense rows: C_dg Λ_g
        kg, og, ng = blk_k[g], blk_off[g], blk_nl[g]
        tg = tmpl[g]
        if kg == 1:
            lam = tg[0, 0]
            for j in range(m):
                for jl in range(ng):
                    ws[r + j, og + jl] *= lam
            continue
        for j in range(m):
            for jl in range(ng):
                c0 = og + jl * kg
                for d in range(kg):  # X T_g (rows e ≥ d of T_g)
                    s = 0.0
                    for e in range(d, kg):
                        s += ws[r + j, c0 + e] * tg[e, d]
                    z[0, d] = s
                for d in range(kg):
                    ws[r + j, c0 + d] = z[0, d]
    for a in range(r):
        ws[a, a] += 1.0


@kernel
def log_diagonal_sum(chol_t, start, stop, buf):
    """``Σ log chol_t[i, i]`` for ``start ≤ i < stop`` in NumPy's pairwise order (``buf``: scratch)."""
    n = stop - start
    for i in range(n):
        buf[i] = math.log(chol_t[start + i, start + i])
    return pairwise_sum(buf, n)
