"""Dense brute-force reference for the profiled deviance (lme4 ``lmer.Rnw`` §3, literally).

Builds the dense n × q ``Z`` in lme4's order and the full normal equations; no
blocking, no elimination order, no centering.  Only for small designs in tests.
"""

from __future__ import annotations

import numpy as np


def dense_z(terms, n: int) -> np.ndarray:
    """``Z`` (n × q), term-major, level-major, components adjacent (lme4 ``t(Zt)``)."""
    cols = []
    for term in terms:
        k = term.z.shape[1]
        zt = np.zeros((n, term.nlevels * k))
        for c in range(k):
            zt[np.arange(n), term.refs * k + c] = term.z[:, c]
        cols.append(zt)
    return np.hstack(cols)


def dense_lambda(terms, theta: np.ndarray) -> np.ndarray:
    """``Λ = blockdiag_t(I_ℓt ⊗ T_t)`` with T_t filled column-major from θ."""
    blocks, pos = [], 0
    for term in terms:
        k = term.z.shape[1]
        tmpl = np.zeros((k, k))
        for c in range(k):
            for r in range(c, k):
                tmpl[r, c] = theta[pos]
                pos += 1
        blocks.append(np.kron(np.eye(term.nlevels), tmpl))
    q = sum(b.shape[0] for b in blocks)
    lam = np.zeros((q, q))
    off = 0
    for b in blocks:
        lam[off : off + b.shape[0], off : off + b.shape[0]] = b
        off += b.shape[0]
    return lam


def brute_force(terms, X, y, w, o, theta, reml):
    """Everything ``DevianceProblem.evaluate``/``cond_var``/``unscaled_vcov`` return."""
    n, p = X.shape
    z = dense_z(terms, n)
    lam = dense_lambda(terms, np.asarray(theta, float))
    zs = z @ lam
    q = zs.shape[1]
    W = np.diag(w)
    m = zs.T @ W @ zs + np.eye(q)
    chol = np.linalg.cholesky(m)
    ldL2 = 2 * np.sum(np.log(np.diag(chol)))
    rzx = np.linalg.solve(chol, zs.T @ W @ X)
    vtv = X.T @ W @ X - rzx.T @ rzx
    rx = np.linalg.cholesky(vtv).T if p else np.zeros((0, 0))
    ldRX2 = 2 * np.sum(np.log(np.abs(np.diag(rx)))) if p else 0.0
    big = np.block([[m, zs.T @ W @ X], [X.T @ W @ zs, X.T @ W @ X]])
    rhs = np.concatenate([zs.T @ W @ (y - o), X.T @ W @ (y - o)])
    sol = np.linalg.solve(big, rhs)
    u, beta = sol[:q], sol[q:]
    mu = o + X @ beta + zs @ u
    wrss = float(np.sum(w * (y - mu) ** 2))
    pwrss = wrss + float(u @ u)
    use_reml = reml and p > 0
    ldW = float(np.sum(np.log(w)))
    if use_reml:
        nmp = n - p
        obj = ldL2 - ldW + ldRX2 + nmp * (1 + np.log(2 * np.pi * pwrss) - np.log(nmp))
    else:
        obj = ldL2 - ldW + n * (1 + np.log(2 * np.pi * pwrss) - np.log(n))
    cv_full = lam @ np.linalg.inv(m) @ lam.T
    cond, off = [], 0
    for term in terms:
        k = term.z.shape[1]
        idx = [slice(off + lev * k, off + (lev + 1) * k) for lev in range(term.nlevels)]
        blocks = np.array([cv_full[i, i] for i in idx])
        cond.append(blocks)
        off += term.nlevels * k
    unsc = np.linalg.inv(vtv) if p else np.zeros((0, 0))
    return dict(objective=obj, beta=beta, u=u, b=lam @ u, mu=mu, ldL2=ldL2, ldRX2=ldRX2, wrss=wrss,
                pwrss=pwrss, RX=rx, cond_var=cond, unsc=unsc, reml=use_reml)
