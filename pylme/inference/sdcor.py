"""θ ↔ standard deviations and correlations (lme4: ``Cv_to_Sv``, ``Sv_to_Cv``, ``profnames``).

lme4 parametrizes each random-effects term by the lower triangle of its relative
covariance factor ``T_i`` (θ, column-major).  Profiles and bootstrap intervals are on
the σ-scaled standard-deviation/correlation scale instead: per term the lower triangle
(column-major, diagonal included) of the matrix holding the standard deviations of
``Σ_i = σ² T_i T_iᵀ`` on its diagonal and the correlations below it, followed by σ.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..errors import PylmeWarning

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["cv_to_sv", "sv_to_cv", "cv_to_vv", "vv_to_cv", "term_sizes", "profnames"]


def term_sizes(fit: "LmerFit") -> tuple[int, ...]:
    """Number of components of every term, in θ order (lme4 ``lengths(fm@cnms)``)."""
    return tuple(t.p for t in fit.inputs.re_terms.terms)


def _lower_tri(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of a k×k lower triangle in column-major order (R ``lower.tri``)."""
    cols, rows = np.triu_indices(k)  # (col, row) with row >= col, ordered by column
    return rows, cols


def _split(v: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    """Per-term lower triangles as full k×k matrices (lme4 ``vec2mlist(symm = FALSE)``)."""
    out, start = [], 0
    for k in sizes:
        m = np.zeros((k, k))
        rows, cols = _lower_tri(k)
        m[rows, cols] = v[start : start + rows.size]
        out.append(m)
        start += rows.size
    if start != v.size:
        raise ValueError(f"parameter vector has {v.size} elements, the terms need {start}")
    return out


def _join(mats: Sequence[np.ndarray]) -> np.ndarray:
    """Lower triangles, column-major, concatenated (lme4 ``mlist2vec``)."""
    parts = []
    for m in mats:
        rows, cols = _lower_tri(m.shape[0])
        parts.append(m[rows, cols])
    return np.concatenate(parts) if parts else np.zeros(0)


def _symmetric(m: np.ndarray) -> np.ndarray:
    return np.tril(m) + np.tril(m, -1).T


def _cov2sdcor(V: np.ndarray) -> np.ndarray:
    """Standard deviations on the diagonal, correlations off it (lme4 ``cov2sdcor``)."""
    sd = np.sqrt(np.diagonal(V))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = V / np.outer(sd, sd)
    np.fill_diagonal(r, sd)
    if np.any(np.isnan(r)):
        warnings.warn("NA values in sdcor matrix converted to 0", PylmeWarning, stacklevel=4)
        r = np.where(np.isnan(r), 0.0, r)
    return r


def _sdcor2cov(m: np.ndarray) -> np.ndarray:
    """The covariance matrix of an sd/cor matrix (lme4 ``sdcor2cov``)."""
    sd = np.diagonal(m).copy()
    r = m.copy()
    np.fill_diagonal(r, 1.0)
    return r * np.outer(sd, sd)


def _psd_cholesky(m: np.ndarray) -> np.ndarray:
    """Lower factor L with L Lᵀ = m for a positive semi-definite m (zero pivots allowed).

    lme4's ``safe_chol`` falls back to R's pivoted Cholesky here (a correlation at ±1);
    any factor with the same L Lᵀ gives the same deviance, because the criterion depends
    on Λ only through ΛΛᵀ.
    """
    k = m.shape[0]
    L = np.zeros_like(m)
    tol = 1e-14 * max(float(np.max(np.abs(np.diagonal(m)))), 1e-300)
    for j in range(k):
        d = m[j, j] - L[j, :j] @ L[j, :j]
        if d <= tol:  # zero pivot of a semi-definite matrix: its column is 0
            continue
        L[j, j] = np.sqrt(d)
        L[j + 1 :, j] = (m[j + 1 :, j] - L[j + 1 :, :j] @ L[j, :j]) / L[j, j]
    return L


def _safe_chol(m: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor (lme4 ``t(safe_chol(m))``)."""
    if np.any(np.isnan(m)) or np.all(m == 0):
        return m
    if m.shape[0] == 1:
        return np.sqrt(m)
    if np.count_nonzero(m - np.diag(np.diagonal(m))) == 0:
        return np.diag(np.sqrt(np.diagonal(m)))
    try:
        return np.linalg.cholesky(m)
    except np.linalg.LinAlgError:
        return _psd_cholesky(m)


def cv_to_sv(theta, sizes: Sequence[int], s: float | None = None) -> np.ndarray:
    """θ → σ-scaled sd/cor per term, then σ (lme4 ``Cv_to_Sv(v, n, s)``).

    Parameters
    ----------
    theta : array_like
        θ in lme4's layout.
    sizes : sequence of int
        Components per term (lme4 ``lengths(cnms)``).
    s : float, optional
        σ; when given the result is scaled by it and ends with it.
    """
    scale = 1.0 if s is None else float(s)
    mats = [_cov2sdcor((T @ T.T) * scale**2) for T in _split(np.asarray(theta, float), sizes)]
    out = _join(mats)
    return out if s is None else np.append(out, scale)


def sv_to_cv(v, sizes: Sequence[int], s: float | None = None) -> np.ndarray:
    """sd/cor per term (then σ when ``s`` is given) → θ (lme4 ``Sv_to_Cv(v, n, s)``).

    Scalar and 2×2 terms use the closed-form Cholesky factor (this runs at every
    deviance evaluation of a profile); larger terms go through ``safe_chol``.
    """
    v = np.asarray(v, float)
    scale = 1.0
    if s is not None:
        v, scale = v[:-1], float(s)
    if all(k <= 2 for k in sizes):
        return _sv_to_cv_small(v, sizes, scale)
    mats = [_safe_chol(_sdcor2cov(_symmetric(m)) / scale**2) for m in _split(v, sizes)]
    return _join(mats)


def _sv_to_cv_small(v: np.ndarray, sizes: Sequence[int], scale: float) -> np.ndarray:
    """θ of 1×1 and 2×2 terms: ``sd/σ`` and ``(a, ρb, b·sqrt(1 − ρ²))/σ``.

    Where lme4's ``safe_chol`` takes a shortcut (a zero sd) the factor may differ, but
    its ``T Tᵀ`` — all the deviance depends on — is the same.
    """
    out = np.empty(v.size)
    start = 0
    for k in sizes:
        if k == 1:
            out[start] = v[start] / scale
            start += 1
            continue
        a, rho, b = v[start : start + 3]
        with np.errstate(invalid="ignore"):
            out[start : start + 3] = (a, rho * b, b * np.sqrt(max(0.0, 1.0 - rho * rho)))
        out[start : start + 3] /= scale
        start += 3
    if start != v.size:
        raise ValueError(f"parameter vector has {v.size} elements, the terms need {start}")
    return out


def cv_to_vv(theta, sizes: Sequence[int], s: float | None = None) -> np.ndarray:
    """θ → σ²-scaled variances/covariances, then σ² (lme4 ``Cv_to_Vv``)."""
    scale = 1.0 if s is None else float(s)
    out = _join([(T @ T.T) * scale**2 for T in _split(np.asarray(theta, float), sizes)])
    return out if s is None else np.append(out, scale**2)


def vv_to_cv(v, sizes: Sequence[int], s: float | None = None) -> np.ndarray:
    """Variances/covariances (then σ² when ``s`` is given) → θ (lme4 ``Vv_to_Cv``).

    As in lme4, ``s`` is the residual standard deviation (the caller takes the square
    root of the last element).
    """
    v = np.asarray(v, float)
    scale = 1.0
    if s is not None:
        v, scale = v[:-1], float(s)
    return _join([_safe_chol(_symmetric(m) / scale**2) for m in _split(v, sizes)])


def _term_names(group: str, cnms: Sequence[str], prefix: tuple[str, str]) -> list[str]:
    """lme4 ``tnames(old = FALSE, prefix =)`` for one term (lower triangle, column-major)."""
    names = []
    rows, cols = _lower_tri(len(cnms))
    for r, c in zip(rows, cols):
        if r == c:
            names.append(f"{prefix[0]}_{cnms[r]}|{group}")
        else:
            names.append(f"{prefix[1]}_{cnms[r]}.{cnms[c]}|{group}")
    return names


def profnames(fit: "LmerFit", signames: bool = True, prefix: tuple[str, str] = ("sd", "cor")) -> list[str]:
    """Names of the variance parameters and σ (lme4 ``profnames``).

    ``signames=True``: ``.sig01, .sig02, ...`` then ``.sigma``; otherwise
    ``sd_(Intercept)|Subject``, ``cor_Days.(Intercept)|Subject``, ... then ``sigma``.
    """
    terms = fit.inputs.re_terms.terms
    if signames:
        k = sum(t.n_theta for t in terms)
        return [f".sig{i:02d}" for i in range(1, k + 1)] + [".sigma"]
    names: list[str] = []
    for t in terms:
        names += _term_names(t.group.name, t.cnms, prefix)
    return names + ["sigma"]
