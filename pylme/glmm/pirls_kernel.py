"""lme4's ``pwrssUpdate`` as one compiled call (the common case of :func:`pylme.glmm.pirls.pirls`).

A glmer deviance evaluation runs two or three PIRLS iterations; written with NumPy each
is dozens of small calls (working weights, decomposition, ``η``, ``μ``, deviance
residuals, sums) whose fixed costs dominate small and medium models.  :func:`pirls_loop`
runs the whole loop of :func:`pylme.glmm.pirls.pirls` — the same steps in the same order,
the same stopping test, halvings and failures — in compiled code, calling

* the family kernels (:mod:`.family_kernels`: lme4's clamped ``linkInv``/``muEta``,
  ``variance``, ``devResid``) on the whole rows, as the NumPy path calls them;
* :func:`pylme.linalg.pls_kernels.pls_step` for every decomposition (the same kernels and
  LAPACK calls :meth:`pylme.linalg.ReweightPlan.pls_solve` makes);
* ``η = o + ZΛu + Xβ`` term by term as :meth:`.predictor.Predictor.lin_pred` forms it,
  and lme4's left-to-right sums of ``d_i`` and ``u²``.

It applies where both compiled pieces do: the dense back-end with scalar later blocks
(:attr:`pylme.linalg.ReweightPlan.compiled`) and a family and link of the kernels.
Failures come back as codes (:data:`OK` …), raised by the caller with lme4's texts.  The
Python loop stays the general path and the reference the tests compare against.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from pylme.glmm.family_kernels import dev_resids_kernel, link_kernel, variance_kernel
from pylme.glmm.jit import KERNEL_SOURCES
from pylme.linalg import chol_kernels, pls_kernels, sums
from pylme.linalg.pls_kernels import pls_step
from pylme.numba_compile import kernel_compiler

__all__ = ["OK", "NAN", "MAXSTEPHALFIT", "MAXIT", "PIVOT", "pirls_loop"]

#: Outcome codes of :func:`pirls_loop` (lme4's failures, raised by the caller).
OK, NAN, MAXSTEPHALFIT, MAXIT, PIVOT = 0, 1, 2, 3, 4

_DBL_MAX = float(np.finfo(float).max)


def _sources() -> list[Path]:
    """The sources compiled into :func:`pirls_loop` besides its own file (family and PLS kernels)."""
    glmm = Path(__file__).resolve().parent
    linalg = [Path(mod.__file__).resolve() for mod in (pls_kernels, chol_kernels, sums)]
    return [glmm / name for name in KERNEL_SOURCES] + linalg


#: ``numba.njit`` as pylme's kernels, the cache keyed on every inlined source so an edit to
#: any of them recompiles instead of loading stale code (:mod:`pylme.numba_compile`)
_kernel = kernel_compiler(_sources())


@_kernel
def _lin_pred(beta, u, x, t_refs, t_z, t_zoff, t_uoff, t_k, t_unit, t_tmpl, t_toff, b, out):
    """``out = ZΛu + Xβ`` as :meth:`.predictor.Predictor.lin_pred` (``b`` a work vector).

    ``b = Λu`` term by term (a scalar term ``θu``), then every term's ``z_i·b`` added to a
    zero vector in term order, then ``Xβ`` (one BLAS product) when β has a non-zero entry.
    """
    nt = t_k.shape[0]
    for t in range(nt):
        k = t_k[t]
        o = t_uoff[t]
        to = t_toff[t]
        if k == 1:
            th = t_tmpl[to]
            for j in range(o, t_uoff[t + 1]):
                b[j] = u[j] * th
        else:
            for l in range((t_uoff[t + 1] - o) // k):
                for c in range(k):
                    s = 0.0
                    for e in range(k):
                        s += u[o + l * k + e] * t_tmpl[to + c * k + e]
                    b[o + l * k + c] = s
    n = out.shape[0]
    for i in range(n):
        out[i] = 0.0
    for t in range(nt):
        k = t_k[t]
        o = t_uoff[t]
        zo = t_zoff[t]
        if t_unit[t]:  # (1 | g): z_i·b = b exactly
            for i in range(n):
                out[i] += b[o + t_refs[t, i]]
        elif k == 1:
            for i in range(n):
                out[i] += t_z[i, zo] * b[o + t_refs[t, i]]
        else:
            for i in range(n):
                lv = o + t_refs[t, i] * k
                s = 0.0
                for j in range(k):
                    s += t_z[i, zo + j] * b[lv + j]
                out[i] += s
    p = x.shape[1]
    nonzero = False
    for j in range(p):
        if beta[j] != 0.0:
            nonzero = True
    if nonzero:
        xb = np.dot(x, beta)
        for i in range(n):
            out[i] = out[i] + xb[i]


@_kernel
def _update(link, kind, ftheta, y, pw, offset, beta, u, x, t_refs, t_z, t_zoff, t_uoff, t_k, t_unit, t_tmpl,
            t_toff, b, eta, mu, dev):
    """η, μ, ``d_i`` and ``Σ d_i + ‖u‖²`` (each sum left to right) for the increments (lme4 ``updateMu``)."""
    _lin_pred(beta, u, x, t_refs, t_z, t_zoff, t_uoff, t_k, t_unit, t_tmpl, t_toff, b, eta)
    n = eta.shape[0]
    for i in range(n):
        eta[i] = offset[i] + eta[i]
    link_kernel(link, 0, eta, mu)
    dev_resids_kernel(kind, y, mu, pw, ftheta, dev)
    s = 0.0
    for i in range(n):
        s = dev[i] if i == 0 else s + dev[i]
    s2 = 0.0
    for i in range(u.shape[0]):
        sq = u[i] * u[i]
        s2 = sq if i == 0 else s2 + sq
    return s + s2


@_kernel
def pirls_loop(link, kind, ftheta, y, pw, offset, eta0, u0, beta0, u_only, tol, maxit, maxhalf,
               x, refs1, z1, rest_rows, rest_z, r1_pos, xrow, xuniq, level_ptr, pair_row, pair_pos, dense_update,
               r1_nnz, col_ptr, col_rows, t1, lam, to_term, t_refs, t_z, t_zoff, t_uoff, t_k, t_unit, t_tmpl, t_toff,
               u, beta, eta, mu, dev, w, wz, rx):
    """lme4's ``pwrssUpdate`` from ``η₀``: :func:`pylme.glmm.pirls.pirls`'s loop, compiled.

    Parameters
    ----------
    link, kind : int
        :data:`.family_kernels.LINK_CODES` / :data:`.family_kernels.KIND_CODES`.
    ftheta : float
        The negative binomial θ (NaN otherwise).
    y, pw, offset, eta0 : (n,)
        Response, prior weights, offset of this run, η before the first iteration.
    u0, beta0 : (q,), (p,)
        The increments before this call (the first halving's target).
    u_only : bool
    tol : float
    maxit, maxhalf : int
        Iterations and halvings per iteration.
    x … lam : the arguments of :func:`pylme.linalg.pls_kernels.pls_step` (structure, ``X``).
    to_term : (q,) or empty
        Where each internal (block-order) effect goes in term order (empty: the same order).
    t_refs … t_toff : the terms' levels, ``z`` columns, offsets, widths, unit flags and
        templates (flattened row-major), for ``η``.
    u, beta, eta, mu, dev, w, wz : out
        Final increments, η, μ, deviance residuals; working weights and response of the
        last decomposition.
    rx : (p, p) out
        ``R_X`` of the last decomposition.

    Returns
    -------
    status : int
        :data:`OK`, :data:`NAN`, :data:`MAXSTEPHALFIT`, :data:`MAXIT` or :data:`PIVOT`.
    iterations : int
    ldL2 : float
        Log-determinant of the last decomposition.
    info : int
        :func:`pls_step`'s pivot report (status :data:`PIVOT`).
    """
    n = y.shape[0]
    q = u.shape[0]
    p = beta.shape[0]
    b = np.empty(q)
    ustep = np.empty(q)
    old_u = np.empty(q)
    old_beta = np.empty(p)
    ws = np.empty((lam.shape[0] + p + 1, lam.shape[0] + p + 1))  # the decompositions' workspace
    mu_eta = np.empty(n)
    var = np.empty(n)
    for i in range(n):
        eta[i] = eta0[i]
    link_kernel(link, 0, eta, mu)
    for j in range(q):
        u[j] = u0[j]
    for j in range(p):
        beta[j] = beta0[j]
    oldpdev = _DBL_MAX
    for it in range(maxit):
        old_u[:] = u
        old_beta[:] = beta
        link_kernel(link, 1, eta, mu_eta)
        variance_kernel(kind, mu, ftheta, var)
        finite = True
        for i in range(n):  # lme4's sqrtWrkWt()² and wrkResp(), in the NumPy path's order
            me = mu_eta[i]
            w[i] = pw[i] * me * me / var[i]
            wz[i] = (eta[i] - offset[i]) + (y[i] - mu[i]) / me
            if not (math.isfinite(w[i]) and math.isfinite(wz[i])):
                finite = False
        if not finite:
            return NAN, it, math.nan, 0
        info, ldl2 = pls_step(w, x, wz, refs1, z1, rest_rows, rest_z, r1_pos, xrow, xuniq, level_ptr, pair_row,
                              pair_pos, dense_update, r1_nnz, col_ptr, col_rows, t1, lam, u_only, ws, ustep, beta,
                              rx)
        if info != 0:
            return PIVOT, it, math.nan, info
        if to_term.shape[0]:
            for j in range(q):
                u[to_term[j]] = ustep[j]
        else:
            u[:] = ustep
        pdev = _update(link, kind, ftheta, y, pw, offset, beta, u, x, t_refs, t_z, t_zoff, t_uoff, t_k, t_unit,
                       t_tmpl, t_toff, b, eta, mu, dev)
        if abs((oldpdev - pdev) / pdev) < tol:
            return OK, it + 1, ldl2, 0
        if math.isnan(pdev) or pdev > oldpdev:
            for _ in range(maxhalf):
                if not (math.isnan(pdev) or pdev > oldpdev):
                    break
                for j in range(q):
                    u[j] = (old_u[j] + u[j]) / 2.0
                if not u_only:
                    for j in range(p):
                        beta[j] = (old_beta[j] + beta[j]) / 2.0
                pdev = _update(link, kind, ftheta, y, pw, offset, beta, u, x, t_refs, t_z, t_zoff, t_uoff, t_k,
                               t_unit, t_tmpl, t_toff, b, eta, mu, dev)
            if math.isnan(pdev):
                return NAN, it + 1, math.nan, 0
            if pdev - oldpdev > tol:
                return MAXSTEPHALFIT, it + 1, math.nan, 0
        oldpdev = pdev
    return MAXIT, maxit, math.nan, 0
