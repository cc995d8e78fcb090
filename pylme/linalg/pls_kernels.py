"""Compiled kernels of one re-weighted PIRLS decomposition and solve (lme4 ``merPredD``).

glmer's PIRLS forms ``[ΛᵀZᵀWZΛ + I, ΛᵀZᵀWD; DᵀWZΛ, DᵀWD]`` (``D = [X z]``) with new
working weights at every iteration, factors it and solves the penalized weighted least
squares problem (lme4 ``updateXwts`` + ``updateDecomp`` + ``solve``).  With NumPy each
iteration is dozens of small calls whose fixed costs dominate; these kernels do the same
arithmetic in three compiled passes (:class:`.reweight.ReweightPlan` drives them):

* :func:`cross_kernel`: one pass over the rows scatters every weighted cross-product —
  block 1's diagonal blocks, ``A_r1`` on its fixed CSR positions, the lower triangle of
  ``A_rr`` straight into the dense trailing matrix, ``Z₁ᵀWD``, ``Z_rᵀWD`` and ``DᵀWD``;
* :func:`assemble_kernel`: block 1's level-by-level Cholesky factors, the dense columns'
  corrections through lme4's ``RZX`` and block 1's rank update of the later blocks,
  scaled by ``Λ`` (the trailing matrix is then factored by LAPACK's ``dpotrf``, whose
  pivot report the caller needs);
* :func:`solve_kernel`: ``ΛᵀZᵀWD``, the right-hand side and the block elimination solve;
* :func:`pls_step`: the three passes and LAPACK's ``dpotrf``/``dtrtrs`` between them, one
  call per decomposition, callable from other compiled code (glmer's compiled PIRLS loop,
  :mod:`pylme.glmm.pirls_kernel`).

LAPACK is scipy's, called from compiled code (:mod:`.chol_kernels`), so the compiled step
makes the calls the NumPy path makes, with the same bits.

They cover block 1 of any width and later blocks of width 1 (scalar terms), on the dense
back-end: the general path (:mod:`.blocked`) keeps everything else.  Sums over
observations run in row order, as ``np.bincount`` and scipy's CSR products do, so the
cross-products of ``Z`` are those of the NumPy path to the bit; the other sums differ
from BLAS's order by rounding only.

Compiled under pylme's rules for Numba kernels (:mod:`pylme.numba_compile`): ``cache=True``
(keyed also on the linalg kernel sources it inlines), no ``fastmath`` (no reassociation, no
fused multiply-adds) and the C error model.
"""

from __future__ import annotations

import math

import numpy as np

from .chol_kernels import dpotrf_lower, dtrtrs_lower_t, linalg_kernel, pairwise_sum, sparse_potrf

__all__ = ["cross_kernel", "assemble_kernel", "solve_kernel", "pls_step", "PLS_RANDOM_PIVOT"]

_njit = linalg_kernel

#: :func:`pls_step`'s report of a failed block-1 pivot (LAPACK's ``info`` reports the others).
PLS_RANDOM_PIVOT = -1


@_njit
def cross_kernel(w, x, z, refs1, z1, rest_rows, rest_z, r1_pos, xrow, xuniq, a11, a1d, r1_data, adr, add, ws):
    """Scatter ``[Z D]ᵀW[Z D]``, ``D = [X z]`` (``ws``, ``a11``, ``a1d``, ``r1_data``, ``adr``,
    ``add``: zeroed on entry).

    Parameters
    ----------
    w : (n,) working weights.  x : (n, p) ``X``.  z : (n,) working response.
    refs1 : (n,) block 1's level per row.  z1 : (n, k) block 1's columns.
    rest_rows : (n, nb) row of every later (scalar) block in the rest coordinates.
    rest_z : (n, nb) its ``z`` value.
    r1_pos : (n, nb·k) position of ``z_b z₁_c`` in ``r1_data`` (``A_r1``'s CSR values).
    xrow : (n,) row of every observation among ``X``'s distinct rows ``xuniq`` (u, p), or
        empty: ``XᵀWX = Σ_u (Σ_{i∈u} w_i) x_u x_uᵀ`` then costs O(u·p²) instead of O(n·p²).
    ws : (R, R) trailing matrix; ``A_rr``'s lower triangle is added to ``ws[:r, :r]``.
    """
    n, p = x.shape
    grouped = xrow.shape[0] > 0
    wsum = np.zeros(xuniq.shape[0])
    m = p + 1
    k = z1.shape[1]
    nb = rest_rows.shape[1]
    d = np.empty(m)
    wd = np.empty(m)
    for i in range(n):
        wi = w[i]
        lv = refs1[i]
        for j in range(p):
            d[j] = x[i, j]
        d[p] = z[i]
        for j in range(m):
            wd[j] = d[j] * wi
        if k == 1:  # the products np.bincount sums, (z_c z_d) w; Z₁ᵀ(WD) as scipy's z (d w)
            zc = z1[i, 0]
            a11[lv, 0, 0] += (zc * zc) * wi
            for j in range(m):
                a1d[lv, 0, j] += zc * wd[j]
        else:
            for c in range(k):
                zc = z1[i, c]
                for e in range(k):
                    a11[lv, c, e] += (zc * z1[i, e]) * wi
                for j in range(m):
                    a1d[lv, c, j] += zc * wd[j]
        for f in range(nb):
            rf = rest_rows[i, f]
            zf = rest_z[i, f]
            for c in range(k):
                r1_data[r1_pos[i, f * k + c]] += (zf * z1[i, c]) * wi
            for g in range(f + 1):  # later blocks have increasing rows: (f, g ≤ f) is lower
                ws[rf, rest_rows[i, g]] += (zf * rest_z[i, g]) * wi
            for j in range(m):
                adr[rf, j] += zf * wd[j]
        if grouped:
            wsum[xrow[i]] += wi
            dj = d[p]
            for e in range(m):
                add[p, e] += dj * wd[e]
        else:
            for j in range(m):
                dj = d[j]
                for e in range(j + 1):
                    add[j, e] += dj * wd[e]
    if grouped:
        for u in range(xuniq.shape[0]):
            wu = wsum[u]
            for j in range(p):
                xj = xuniq[u, j]
                for e in range(j + 1):
                    add[j, e] += xj * (xuniq[u, e] * wu)


@_njit
def _factor_block(t, a, chol, half):
    """``L = chol(TᵀAT + I)`` and ``K = L⁻¹Tᵀ`` of one level (k × k); False if not positive."""
    k = t.shape[0]
    g = np.empty((k, k))
    for c in range(k):
        for d in range(k):
            s = 0.0
            for e in range(k):
                te = 0.0
                for f in range(k):
                    te += a[e, f] * t[f, d]
                s += t[e, c] * te
            g[c, d] = s
        g[c, c] += 1.0
    for j in range(k):
        s = g[j, j]
        for e in range(j):
            s -= chol[j, e] * chol[j, e]
        if not s > 0.0 or not math.isfinite(s):
            return False
        ljj = math.sqrt(s)
        chol[j, j] = ljj
        for i in range(j + 1, k):
            s = g[i, j]
            for e in range(j):
                s -= chol[i, e] * chol[j, e]
            chol[i, j] = s / ljj
        for i in range(j):
            chol[i, j] = 0.0
    for c in range(k):  # K[:, c] = L⁻¹ (Tᵀ)[:, c], forward substitution
        for i in range(k):
            s = t[c, i]
            for e in range(i):
                s -= chol[i, e] * half[e, c]
            half[i, c] = s / chol[i, i]
    return True


@_njit
def assemble_kernel(t1, lam, a11, a1d, r1_data, level_ptr, pair_row, pair_pos, dense_update, adr, add, ws,
                    chol1, half1, col_ptr, col_rows):
    """Factor block 1 and assemble the scaled trailing matrix in ``ws`` (lower triangle).

    ``ws[:r, :r]`` holds ``A_rr``'s lower triangle on entry.  On return ``ws`` holds
    ``[Λ_rᵀ(A_rr − A_r1BA_1r)Λ_r + I, ·; (A_dr − A_d1BA_1r)Λ_r, A_dd − RZXᵀRZX]`` (lower),
    ``chol1``/``half1`` every level's ``L_l`` and ``K_l = L_l⁻¹T``ᵀ.

    Parameters
    ----------
    t1 : (k, k) block 1's template.  lam : (r,) ``Λ_r``'s diagonal.
    level_ptr, pair_row, pair_pos : the (level, row) pairs of ``A_r1`` by level, then row,
        and where each pair's ``k`` values sit in ``r1_data``.
    dense_update : bool
        Rank update through a dense ``A_1r`` (rows touched by most levels) or by pairs.
    col_ptr, col_rows : the trailing factor's column patterns (:func:`sparse_potrf`), or
        empty: ``Λ_r`` then scales only the entries they hold (the others are 0).

    Returns
    -------
    logdet : float
        ``log det`` of block 1's part; NaN if a level's pivot failed (only through
        overflow: every ``G_l ≥ I``).
    """
    nl, k, m = a1d.shape
    r = lam.shape[0]
    logdet = 0.0
    rzx = np.empty((k, m))
    corr_dd = np.zeros((m, m))
    corr_rd = np.zeros((r, m))  # A_r1 B A_1d, row-major by later row
    wdl = np.empty((k, m))
    bl = np.empty((k, k))
    if dense_update:  # A_1r dense (level-major rows) and A_1r-shaped B A_1r, for one GEMM
        full = np.zeros((nl * k, r))
        for l in range(nl):
            for p in range(level_ptr[l], level_ptr[l + 1]):
                for c in range(k):
                    full[l * k + c, pair_row[p]] = r1_data[pair_pos[p, c]]
        scaled = np.zeros((nl * k, r))
    else:
        full = scaled = np.zeros((0, 0))
    srow = np.empty(k)
    for l in range(nl):
        if k == 1:  # the scalar path of blockdiag: g = a t² + 1, K = t / √g
            t = t1[0, 0]
            g = a11[l, 0, 0] * (t * t) + 1.0
            if not math.isfinite(g):
                return math.nan
            logdet += math.log(g)
            ll = math.sqrt(g)
            chol1[l, 0, 0] = ll
            half1[l, 0, 0] = t / ll
        else:
            if not _factor_block(t1, a11[l], chol1[l], half1[l]):
                return math.nan
            for c in range(k):
                logdet += 2.0 * math.log(chol1[l, c, c])
        h = half1[l]
        for c in range(k):  # RZX_l = K_l A_1d[l]
            for j in range(m):
                s = 0.0
                for e in range(k):
                    s += h[c, e] * a1d[l, e, j]
                rzx[c, j] = s
        for j in range(m):
            for i in range(j + 1):
                s = corr_dd[j, i]
                for c in range(k):
                    s += rzx[c, j] * rzx[c, i]
                corr_dd[j, i] = s
        if r == 0:
            continue
        for c in range(k):  # B_l A_1d[l] = K_lᵀ RZX_l, and B_l = K_lᵀ K_l
            for j in range(m):
                s = 0.0
                for e in range(k):
                    s += rzx[e, j] * h[e, c]
                wdl[c, j] = s
            for d in range(k):
                s = 0.0
                for e in range(k):
                    s += h[e, c] * h[e, d]
                bl[c, d] = s
        if k == 1:  # the common case, without the loops over components
            b00 = bl[0, 0]
            for p in range(level_ptr[l], level_ptr[l + 1]):
                row = pair_row[p]
                v = r1_data[pair_pos[p, 0]]
                for j in range(m):
                    corr_rd[row, j] += v * wdl[0, j]
                if dense_update:
                    scaled[l, row] = v * b00
                else:
                    s = v * b00
                    for q in range(level_ptr[l], p + 1):
                        ws[row, pair_row[q]] -= s * r1_data[pair_pos[q, 0]]
            continue
        for p in range(level_ptr[l], level_ptr[l + 1]):
            row = pair_row[p]
            for c in range(k):
                v = r1_data[pair_pos[p, c]]
                for j in range(m):
                    corr_rd[row, j] += v * wdl[c, j]
            for d in range(k):  # (A_r1 B)[row, (l, d)]
                s = 0.0
                for c in range(k):
                    s += r1_data[pair_pos[p, c]] * bl[c, d]
                srow[d] = s
            if dense_update:
                for d in range(k):
                    scaled[l * k + d, row] = srow[d]
            else:
                for q in range(level_ptr[l], p + 1):  # rows sorted: pair_row[q] ≤ row
                    s = 0.0
                    for d in range(k):
                        s += srow[d] * r1_data[pair_pos[q, d]]
                    ws[row, pair_row[q]] -= s
    if dense_update and r:  # A_r1 B A_1r = (B A_1r)ᵀ A_1r, one BLAS product
        upd = np.dot(scaled.T, full)
        for a in range(r):
            for b in range(a + 1):
                ws[a, b] -= upd[a, b]
    if col_ptr.shape[0]:  # S_rr = Λ_rᵀ C_rr Λ_r + I on the pattern (rows of column b, then b's diagonal)
        for b in range(r):
            lb = lam[b]
            for p in range(col_ptr[b], col_ptr[b + 1]):
                a = col_rows[p]
                if a < r:
                    ws[a, b] *= lam[a] * lb
            ws[b, b] *= lb * lb
            ws[b, b] += 1.0
    else:
        for a in range(r):  # S_rr = Λ_rᵀ C_rr Λ_r + I
            la = lam[a]
            for b in range(a + 1):
                ws[a, b] *= la * lam[b]
            ws[a, a] += 1.0
    for j in range(m):
        for b in range(r):
            ws[r + j, b] = (adr[b, j] - corr_rd[b, j]) * lam[b]
        for i in range(j + 1):
            ws[r + j, r + i] = add[j, i] - corr_dd[j, i]
    return logdet


@_njit
def solve_kernel(ws, r, p, u_only, beta, t1, lam, a1d, adr, chol1, r1_data, level_ptr, pair_row, pair_pos, u,
                 col_ptr, col_rows):
    """``u = (ΛᵀZᵀWZΛ + I)⁻¹ (ΛᵀZᵀW(z − Xβ))`` by block elimination (internal order).

    ``ws`` holds the factored trailing matrix (its lower triangle, ``L_rr`` first); with a
    factor pattern (``col_ptr``, ``col_rows``) the triangular solves visit only its entries.
    """
    nl, k, m = a1d.shape
    q1 = nl * k
    rhs = np.empty(q1 + r)
    for l in range(nl):  # block 1: T₁ᵀ A_1d[l]
        for c in range(k):
            s = 0.0
            for e in range(k):
                s += t1[e, c] * a1d[l, e, p]
            if not u_only:  # ΛᵀZᵀWz − (ΛᵀZᵀWX)β, the product summed first
                xb = 0.0
                for j in range(p):
                    sj = 0.0
                    for e in range(k):
                        sj += t1[e, c] * a1d[l, e, j]
                    xb += sj * beta[j]
                s -= xb
            rhs[l * k + c] = s
    for a in range(r):
        s = lam[a] * adr[a, p]
        if not u_only:
            xb = 0.0
            for j in range(p):
                xb += (lam[a] * adr[a, j]) * beta[j]
            s -= xb
        rhs[q1 + a] = s
    y1 = np.empty(q1)
    _block_solve(chol1, rhs[:q1], y1)
    if r == 0:
        u[:] = y1
        return
    prod = np.zeros(r)  # M_r1 y1, M_r1 = Λ_rᵀ A_r1 Λ_1
    mval = np.empty((pair_row.shape[0], k))
    for l in range(nl):
        for p_ in range(level_ptr[l], level_ptr[l + 1]):
            row = pair_row[p_]
            for d in range(k):
                if k == 1:
                    mv = (lam[row] * r1_data[pair_pos[p_, 0]]) * t1[0, 0]
                else:
                    s = 0.0
                    for c in range(k):
                        s += r1_data[pair_pos[p_, c]] * t1[c, d]
                    mv = lam[row] * s
                mval[p_, d] = mv
                prod[row] += mv * y1[l * k + d]
    xr = np.empty(r)
    if col_ptr.shape[0]:
        for a in range(r):
            xr[a] = rhs[q1 + a] - prod[a]
        for b in range(r):  # L_rr y = rhs_r − prod, by columns
            xb = xr[b] / ws[b, b]
            xr[b] = xb
            for p_ in range(col_ptr[b], col_ptr[b + 1]):
                a = col_rows[p_]
                if a < r:
                    xr[a] -= ws[a, b] * xb
        for a in range(r - 1, -1, -1):  # L_rrᵀ x = y: column a of L_rr holds row a of L_rrᵀ
            s = xr[a]
            for p_ in range(col_ptr[a], col_ptr[a + 1]):
                b = col_rows[p_]
                if b < r:
                    s -= ws[b, a] * xr[b]
            xr[a] = s / ws[a, a]
    else:
        for a in range(r):  # L_rr y = rhs_r − prod
            s = rhs[q1 + a] - prod[a]
            for b in range(a):
                s -= ws[a, b] * xr[b]
            xr[a] = s / ws[a, a]
        for a in range(r - 1, -1, -1):  # L_rrᵀ x = y
            s = xr[a]
            for b in range(a + 1, r):
                s -= ws[b, a] * xr[b]
            xr[a] = s / ws[a, a]
    back = np.zeros(q1)
    for l in range(nl):
        for p_ in range(level_ptr[l], level_ptr[l + 1]):
            for d in range(k):
                back[l * k + d] += mval[p_, d] * xr[pair_row[p_]]
    corr = np.empty(q1)
    _block_solve(chol1, back, corr)
    for i in range(q1):
        u[i] = y1[i] - corr[i]
    for a in range(r):
        u[q1 + a] = xr[a]


@_njit
def _block_solve(chol1, b, x):
    """``x = G⁻¹ b`` level by level (``G_l = L_l L_lᵀ``; k = 1: ``b / (l·l)`` as blockdiag)."""
    nl, k, _ = chol1.shape
    if k == 1:
        for l in range(nl):
            ll = chol1[l, 0, 0]
            x[l] = b[l] / (ll * ll)
        return
    y = np.empty(k)
    for l in range(nl):
        o = l * k
        for i in range(k):
            s = b[o + i]
            for e in range(i):
                s -= chol1[l, i, e] * y[e]
            y[i] = s / chol1[l, i, i]
        for i in range(k - 1, -1, -1):
            s = y[i]
            for e in range(i + 1, k):
                s -= chol1[l, e, i] * x[o + e]
            x[o + i] = s / chol1[l, i, i]


@_njit
def pls_step(w, x, z, refs1, z1, rest_rows, rest_z, r1_pos, xrow, xuniq, level_ptr, pair_row, pair_pos,
             dense_update, r1_nnz, col_ptr, col_rows, t1, lam, u_only, ws, u, beta, rx):
    """One decomposition and PWLS solve, the whole of :meth:`.reweight.ReweightPlan.pls_solve`.

    :func:`cross_kernel`, :func:`assemble_kernel`, LAPACK's ``dpotrf`` of the trailing
    matrix (or :func:`sparse_potrf` on its factor's pattern, when given; a failed last pivot only — the response in the span of ``X`` — is set to 0 and
    accepted), ``R_X β = r_Xy`` by LAPACK's ``dtrtrs`` on ``L_Xᵀ`` (skipped, β = 0, when
    ``u_only`` or ``p = 0``), then :func:`solve_kernel`.  The calls, their arguments'
    layouts and the log-determinant's sum (NumPy's pairwise order) are the NumPy driver's.

    Parameters
    ----------
    w, x, z, refs1 … pair_pos, dense_update : as :func:`cross_kernel` / :func:`assemble_kernel`.
    r1_nnz : int
        Number of stored entries of ``A_r1``.
    col_ptr, col_rows : the trailing factor's pattern for :func:`sparse_potrf`, or empty
        (LAPACK's dense ``dpotrf``).
    t1, lam : block 1's template and ``Λ_r``'s diagonal.
    u_only : bool
    ws : (r + p + 1, r + p + 1) work
        The trailing matrix (zeroed here), then its factor (lower triangle).
    u : (q,) out
        Random effects, internal (block) order.
    beta : (p,) out
    rx : (p, p) out
        Upper-triangular ``R_X``.

    Returns
    -------
    info : int
        0; :data:`PLS_RANDOM_PIVOT` when a level of block 1 failed; else LAPACK's ``info``
        (``k`` = failed pivot + 1 in the trailing matrix: the later blocks, then ``[X z]``).
    logdet : float
        ``log det(ΛᵀZᵀWZΛ + I)``.
    """
    n, p = x.shape
    m = p + 1
    k = z1.shape[1]
    nl = level_ptr.shape[0] - 1
    r = lam.shape[0]
    size = r + m
    ws[:, :] = 0.0
    a11 = np.zeros((nl, k, k))
    a1d = np.zeros((nl, k, m))
    r1_data = np.zeros(r1_nnz)
    adr = np.zeros((r, m))
    add = np.zeros((m, m))
    cross_kernel(w, x, z, refs1, z1, rest_rows, rest_z, r1_pos, xrow, xuniq, a11, a1d, r1_data, adr, add, ws)
    chol1 = np.zeros((nl, k, k))
    half1 = np.zeros((nl, k, k))
    logdet1 = assemble_kernel(t1, lam, a11, a1d, r1_data, level_ptr, pair_row, pair_pos, dense_update, adr, add,
                              ws, chol1, half1, col_ptr, col_rows)
    if not math.isfinite(logdet1):
        return PLS_RANDOM_PIVOT, math.nan
    info = sparse_potrf(ws, col_ptr, col_rows) if col_ptr.shape[0] else dpotrf_lower(ws)
    if info == size:  # only the last pivot failed: the response is in the span of X (perfect fit)
        ws[size - 1, size - 1] = 0.0
        info = 0
    if info != 0:
        return info, math.nan
    logdet = logdet1
    if r:
        logs = np.empty(r)
        for a in range(r):
            logs[a] = math.log(ws[a, a])
        logdet = logdet1 + 2.0 * pairwise_sum(logs, r)
    for i in range(p):
        for j in range(p):
            rx[i, j] = ws[r + j, r + i] if j >= i else 0.0
    if u_only or p == 0:
        for j in range(p):
            beta[j] = 0.0
    else:  # R_X β = r_Xy: dtrtrs('L', 'T') on L_X, as the NumPy path calls it
        lx = np.empty((p, p))
        for i in range(p):
            for j in range(p):
                lx[i, j] = ws[r + i, r + j] if j <= i else 0.0
        for j in range(p):
            beta[j] = ws[r + p, r + j]
        dtrtrs_lower_t(lx, beta)
    solve_kernel(ws, r, p, u_only or p == 0, beta, t1, lam, a1d, adr, chol1, r1_data, level_ptr, pair_row,
                 pair_pos, u, col_ptr, col_rows)
    return 0, logdet
