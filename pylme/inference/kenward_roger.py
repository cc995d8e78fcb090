"""Kenward-Roger adjusted covariance and degrees of freedom as pbkrtest 0.5.2 computes them.

pbkrtest (``vcovAdj``) writes the marginal covariance of y as
``Σ = Σ_r γ_r G_r``: one ``G_r = Z E_r Zᵀ`` per variance-covariance parameter of the
random effects and ``G = I`` for the residual (prior weights are ignored, as pbkrtest
ignores them), and forms n×n matrices.  Every quantity it needs is of the form
``Aᵀ Σ⁻ᵏ B`` with A, B columns of ``V = [Z X]`` or a trace, so here they come from
the (q+p)×(q+p) cross-product ``S = VᵀV`` instead: with ``Σ = σ²(I + ZΛΛᵀZᵀ)``,
``Σ⁻¹V = V C`` where ``C = σ⁻²(I − E K⁻¹ Eᵀ S)``, ``E = [Λ; 0]`` and
``K = ΛᵀZᵀZΛ + I`` (Woodbury), so ``Vᵀ Σ⁻ᵏ V = S Cᵏ``.  The algebra after that
(``IE2``, ``W``, ``U``, ``Φ_A = Φ + 2ΦUΦ``, ``Lb_ddf``, ``.KR_adjust``) is pbkrtest's.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import linalg

from ..errors import ModelSpecError

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["KRAdjusted", "vcov_adj", "lb_ddf", "kr_ftest", "KR_REML_ONLY"]

KR_REML_ONLY = "Kenward-Roger's method is only available for REML model fits"
_CACHE: "weakref.WeakKeyDictionary[LmerFit, KRAdjusted]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True, eq=False)
class KRAdjusted:
    """pbkrtest's ``vcovAdj(model)`` with its attributes.

    Attributes
    ----------
    vcov : ndarray, shape (p, p)
        Φ_A, the Kenward-Roger adjusted covariance of β̂.
    vcov_unadjusted : ndarray, shape (p, p)
        Φ = ``vcov(model)``.
    P : tuple of ndarray
        ``attr(, "P")``: ``−Xᵀ Σ⁻¹ G_r Σ⁻¹ X`` per parameter.
    W : ndarray
        ``attr(, "W")``: twice the inverse expected information of the parameters.
    condi : float
        ``attr(, "condi")``: the smallest absolute eigenvalue of that information.
    """

    vcov: np.ndarray
    vcov_unadjusted: np.ndarray
    P: tuple
    W: np.ndarray
    condi: float


def vcov_adj(fit: "LmerFit") -> KRAdjusted:
    """The Kenward-Roger adjusted covariance of β̂ (pbkrtest ``vcovAdj``), once per fit.

    Raises
    ------
    ModelSpecError
        For an ML fit (lmerTest refuses Kenward-Roger there).
    """
    if not fit.is_REML:
        raise ModelSpecError(KR_REML_ONLY)
    cached = _CACHE.get(fit)
    if cached is None:
        cached = _compute(fit)
        _CACHE[fit] = cached
    return cached


def _g_matrices(fit: "LmerFit") -> list[np.ndarray]:
    """``E_r`` (q×q) with ``G_r = Z E_r Zᵀ`` for each covariance parameter, in pbkrtest's
    order: per term, the upper triangle of the term's covariance row by row."""
    re = fit.inputs.re_terms
    q = re.q
    out = []
    for term, start in zip(re.terms, re.Gp[:-1]):
        k = term.p
        base = start + np.arange(term.nlevels) * k  # first component of every level
        for i in range(k):
            for j in range(i, k):
                E = np.zeros((q, q))
                E[base + i, base + j] = 1.0
                E[base + j, base + i] = 1.0
                out.append(E)
    return out


def _sigma_powers(fit: "LmerFit"):
    """``Vᵀ Σ⁻ᵏ V`` for k = 1, 2, 3 and ``tr(Σ⁻²)``, V = [Z X] (see the module notes)."""
    re = fit.inputs.re_terms
    Zt = re.Zt()
    X = fit.inputs.X
    q = re.q
    V_t_Z = np.vstack([(Zt @ Zt.T).toarray(), (Zt @ X).T])  # (q+p) × q
    S = np.hstack([V_t_Z, np.vstack([Zt @ X, X.T @ X])])
    Lam = re.Lambdat(fit.theta).toarray().T
    E = np.vstack([Lam, np.zeros((X.shape[1], q))])
    UtU = Lam.T @ S[:q, :q] @ Lam
    K = UtU + np.eye(q)
    K_inv_EtS = linalg.solve(K, E.T @ S, assume_a="pos")
    sigma2 = fit.sigma**2
    C = (np.eye(S.shape[0]) - E @ K_inv_EtS) / sigma2
    W1 = S @ C
    W2 = W1 @ C
    W3 = W2 @ C
    R = np.eye(q) - linalg.inv(K)  # K⁻¹UᵀU
    tr_m2 = (fit.nobs - 2 * np.trace(R) + np.sum(R * R.T)) / sigma2**2
    return W1, W2, W3, tr_m2, q


def _compute(fit: "LmerFit") -> KRAdjusted:
    Phi = fit.vcov().to_numpy()
    W1, W2, W3, tr_m2, q = _sigma_powers(fit)
    A1, B1 = W1[:q, :q], W1[:q, q:]
    A2, B2, Xm2X, Xm3X = W2[:q, :q], W2[:q, q:], W2[q:, q:], W3[q:, q:]
    Es = _g_matrices(fit)
    ng = len(Es) + 1  # + the residual
    P = [-(B1.T @ E @ B1) for E in Es] + [-Xm2X]
    EA = [E @ A1 for E in Es]

    def QQ(r: int, s: int) -> np.ndarray:  # Xᵀ Σ⁻¹ G_r Σ⁻¹ G_s Σ⁻¹ X, r <= s
        if s < ng - 1:
            return B1.T @ Es[r] @ A1 @ Es[s] @ B1
        if r < ng - 1:
            return B1.T @ Es[r] @ B2
        return Xm3X

    def ktrace(r: int, s: int) -> float:  # tr(G_r Σ⁻¹ G_s Σ⁻¹)
        if s < ng - 1:
            return float(np.sum(EA[r] * EA[s].T))
        if r < ng - 1:
            return float(np.sum(Es[r] * A2))
        return float(tr_m2)

    Q = {(r, s): QQ(r, s) for r in range(ng) for s in range(r, ng)}
    IE2 = np.empty((ng, ng))
    for i in range(ng):
        PhiP = Phi @ P[i]
        for j in range(i, ng):
            IE2[i, j] = IE2[j, i] = (ktrace(i, j) - 2 * np.sum(Phi * Q[i, j])
                                     + np.sum(PhiP * (P[j] @ Phi)))
    condi = float(np.min(np.abs(np.linalg.eigvals(IE2))))
    W = 2 * (np.linalg.inv(IE2) if condi > 1e-10 else np.linalg.pinv(IE2))
    W = (W + W.T) / 2  # forceSymmetric
    U = np.zeros_like(Phi)
    for i in range(ng - 1):
        for j in range(i + 1, ng):
            U += W[i, j] * (Q[i, j] - P[i] @ Phi @ P[j])
    U = U + U.T
    for i in range(ng):
        U += W[i, i] * (Q[i, i] - P[i] @ Phi @ P[i])
    return KRAdjusted(vcov=Phi + 2 * (Phi @ U @ Phi), vcov_unadjusted=Phi,
                      P=tuple(P), W=W, condi=condi)


def _a1_a2(adj: KRAdjusted, L: np.ndarray) -> tuple[float, float]:
    """pbkrtest's ``A1``, ``A2`` for the hypothesis ``L β = 0``."""
    V0 = adj.vcov_unadjusted
    Theta = L.T @ np.linalg.solve(L @ V0 @ L.T, L)
    ThetaV0 = Theta @ V0
    u = [ThetaV0 @ Pi @ V0 for Pi in adj.P]
    A1 = A2 = 0.0
    n = len(u)
    for i in range(n):
        for j in range(i, n):
            e = 1.0 if i == j else 2.0
            A1 += e * adj.W[i, j] * (np.trace(u[i]) * np.trace(u[j]))
            A2 += e * adj.W[i, j] * np.sum(u[i] * u[j].T)
    return float(A1), float(A2)


def _div_zero(x: float, y: float, tol: float = 1e-14) -> float:
    """pbkrtest ``.divZero``."""
    return 1.0 if abs(x) < tol and abs(y) < tol else x / y


def _ddf_and_scaling(A1: float, A2: float, q: int) -> tuple[float, float]:
    """pbkrtest's denominator df and F scaling (``Lb_ddf`` / ``.KR_adjust``)."""
    B = (1 / (2 * q)) * (A1 + 6 * A2)
    g = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2)
    c1 = g / (3 * q + 2 * (1 - g))
    c2 = (q - g) / (3 * q + 2 * (1 - g))
    c3 = (q + 2 - g) / (3 * q + 2 * (1 - g))
    V0 = 1 + c1 * B
    V1 = 1 - c2 * B
    V2 = 1 - c3 * B
    V0 = 0.0 if abs(V0) < 1e-10 else V0
    rho = 1 / q * _div_zero(1 - A2 / q, V1) ** 2 * V0 / V2
    df2 = 4 + (q + 2) / (q * rho - 1)
    scaling = 1.0 if abs(df2 - 2) < 0.01 else df2 * (1 - A2 / q) / (df2 - 2)
    return float(df2), float(scaling)


def lb_ddf(adj: KRAdjusted, L) -> float:
    """Kenward-Roger denominator df for ``L β`` (pbkrtest ``Lb_ddf(L, vcov, vcovAdj)``)."""
    L = np.atleast_2d(np.asarray(L, dtype=float))
    A1, A2 = _a1_a2(adj, L)
    return _ddf_and_scaling(A1, A2, L.shape[0])[0]


def kr_ftest(adj: KRAdjusted, L, beta: np.ndarray) -> dict:
    """pbkrtest's ``KRmodcomp(model, L)`` statistics for ``L β = 0`` (``.KR_adjust``).

    Returns
    -------
    dict
        ``ndf``, ``ddf``, ``FstatU`` (unscaled Wald F with Φ_A), ``F_scaling``.
    """
    L = np.atleast_2d(np.asarray(L, dtype=float))
    q = int(np.linalg.matrix_rank(L))
    A1, A2 = _a1_a2(adj, L)
    ddf, scaling = _ddf_and_scaling(A1, A2, q)
    Lb = L @ beta
    wald = float(Lb @ np.linalg.solve(L @ adj.vcov @ L.T, Lb))
    return {"ndf": q, "ddf": ddf, "FstatU": wald / q, "F_scaling": scaling}
