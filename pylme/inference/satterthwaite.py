"""Satterthwaite's degrees of freedom as lmerTest 3.1-3 computes them.

lmerTest (``as_lmerModLT``) treats the variance parameters ``(θ, σ)`` as the
unknowns of the deviance (``devfun_vp``), takes their asymptotic covariance from
twice the inverse numerical Hessian of that deviance (numDeriv, Richardson), and the
derivative of ``vcov(β̂)`` with respect to them from a numerical Jacobian.  For a
contrast ``L`` (lmerTest ``contest1D``)::

    var_con = L V Lᵀ,   g_i = L (∂V/∂φ_i) Lᵀ,   df = 2 var_con² / (gᵀ A g)

with ``A`` the covariance of φ = (θ, σ).  Multi-row contrasts (``contestMD``) are
rotated onto the eigenvectors of ``L V Lᵀ`` and their per-direction df combined.
"""

from __future__ import annotations

import warnings
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConvergenceWarning
from . import numderiv

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["VarparInfo", "varpar_info", "devfun_vp", "satterthwaite_1d", "fstat_ddf"]

_LOG_2PI = float(np.log(2 * np.pi))
#: lmerTest's eigenvalue tolerance in ``as_lmerModLT`` (``tol = 1e-8``).
_EIGEN_TOL = 1e-8
_CACHE: "weakref.WeakKeyDictionary[LmerFit, VarparInfo]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True, eq=False)
class VarparInfo:
    """What lmerTest adds to a fit (slots of ``lmerModLmerTest``).

    Attributes
    ----------
    sigma : float
        ``sigma(model)``.
    vcov_beta : ndarray, shape (p, p)
        ``vcov(model)``.
    vcov_varpar : ndarray, shape (k + 1, k + 1)
        Asymptotic covariance of (θ, σ): ``2 H⁺`` (H the Hessian of ``devfun_vp``).
    jacobian : tuple of ndarray, each (p, p)
        ``∂ vcov(β) / ∂φ_i`` for every variance parameter (lmerTest ``Jac_list``).
    hessian_eigenvalues : ndarray
        Eigenvalues of the Hessian in decreasing order.
    """

    sigma: float
    vcov_beta: np.ndarray
    vcov_varpar: np.ndarray
    jacobian: tuple
    hessian_eigenvalues: np.ndarray


def devfun_vp(fit: "LmerFit", varpar: np.ndarray, reml: bool) -> float:
    """The deviance as a function of ``(θ, σ)`` (lmerTest ``devfun_vp``).

    ``ldL2 + pwrss/σ² + n log(2πσ²)`` (ML), plus ``log|R_X|² − p log(2πσ²)`` (REML);
    lmerTest leaves out the constant ``−Σ log w``, and so does this.
    """
    sigma2 = varpar[-1] ** 2
    s = fit.problem.evaluate(varpar[:-1])
    n = fit.nobs
    dev = s.ldL2 + (s.wrss + s.ussq) / sigma2 + n * np.log(2 * np.pi * sigma2)
    if not reml:
        return float(dev)
    return float(dev + s.ldRX2 - fit.inputs.p * np.log(2 * np.pi * sigma2))


def _covbeta(fit: "LmerFit", varpar: np.ndarray) -> np.ndarray:
    """``σ² (R_XᵀR_X)⁻¹`` at ``(θ, σ)``, column-major flattened (lmerTest ``get_covbeta``)."""
    return (varpar[-1] ** 2 * fit.problem.unscaled_vcov(varpar[:-1])).ravel(order="F")


def varpar_info(fit: "LmerFit") -> VarparInfo:
    """lmerTest's ``as_lmerModLT(model, devfun)`` for ``fit`` (computed once per fit).

    Warns (:class:`~pylme.errors.ConvergenceWarning`, lmerTest's texts) when the
    Hessian has negative or near-zero eigenvalues; those directions are left out of
    the pseudo-inverse, as lmerTest does.
    """
    cached = _CACHE.get(fit)
    if cached is None:
        cached = _compute(fit)
        _CACHE[fit] = cached
    return cached


def _compute(fit: "LmerFit") -> VarparInfo:
    from ..fit import single_blas_thread

    varpar = np.concatenate([fit.theta, [fit.sigma]])
    reml = fit.is_REML
    with single_blas_thread():
        H = numderiv.hessian(lambda vp: devfun_vp(fit, vp, reml), varpar)
        jac = numderiv.jacobian(lambda vp: _covbeta(fit, vp), varpar)
    values, vectors = np.linalg.eigh(H)
    order = np.argsort(values)[::-1]  # R's eigen(): decreasing
    values, vectors = values[order], vectors[:, order]
    _warn_eigenvalues(values)
    pos = values > _EIGEN_TOL
    h_inv = (vectors[:, pos] / values[pos]) @ vectors[:, pos].T
    p = fit.inputs.p
    jac_list = tuple(jac[:, i].reshape(p, p, order="F") for i in range(jac.shape[1]))
    return VarparInfo(sigma=fit.sigma, vcov_beta=fit.vcov().to_numpy(), vcov_varpar=2 * h_inv,
                      jacobian=jac_list, hessian_eigenvalues=values)


def _warn_eigenvalues(values: np.ndarray) -> None:
    """lmerTest's warnings about a Hessian that is not positive definite."""
    neg = values < -_EIGEN_TOL
    zero = (values > -_EIGEN_TOL) & (values < _EIGEN_TOL)
    if neg.any():
        word = "eigenvalues" if neg.sum() > 1 else "eigenvalue"
        nums = " ".join(f"{v:1.1e}" for v in values[neg])
        warnings.warn(f"Model failed to converge with {int(neg.sum())} negative {word}: {nums}",
                      ConvergenceWarning, stacklevel=4)
    if zero.any():
        word = "eigenvalues" if zero.sum() > 1 else "eigenvalue"
        nums = " ".join(f"{v:1.1e}" for v in values[zero])
        warnings.warn(f"Model may not have converged with {int(zero.sum())} {word} close to zero: {nums}",
                      ConvergenceWarning, stacklevel=4)


def _qform(x: np.ndarray, A: np.ndarray) -> float:
    """lmerTest ``qform``: ``sum(x * (A %*% x))``."""
    return float(np.sum(x * (A @ x)))


def satterthwaite_1d(info: VarparInfo, L: np.ndarray) -> tuple[float, float]:
    """Variance and Satterthwaite df of ``L β̂`` (lmerTest ``contest1D``).

    Returns
    -------
    (var_con, ddf) : (float, float)
    """
    L = np.asarray(L, dtype=float).ravel()
    var_con = _qform(L, info.vcov_beta)
    grad = np.array([_qform(L, J) for J in info.jacobian])
    denom = _qform(grad, info.vcov_varpar)
    return var_con, float(2 * var_con**2 / denom)


def fstat_ddf(nu: np.ndarray, tol: float = 1e-8) -> float:
    """Denominator df of an F test from per-direction t-test df (lmerTest ``get_Fstat_ddf``)."""
    nu = np.asarray(nu, dtype=float)
    if nu.size == 1:
        return float(nu[0])
    if np.all(np.abs(np.diff(nu)) < tol):
        return float(np.mean(nu))
    if np.any(nu <= 2):
        return 2.0
    E = float(np.sum(nu / (nu - 2)))
    return 2 * E / (E - nu.size)


def satterthwaite_md(info: VarparInfo, PtL: np.ndarray, d: np.ndarray) -> float:
    """Denominator df of a rotated multi-row contrast (lmerTest ``contestMD``).

    ``PtL`` holds the contrast rotated onto the eigenvectors of ``L V Lᵀ`` (the
    ``q`` directions with positive eigenvalues ``d``).
    """
    nu = []
    for m in range(PtL.shape[0]):
        grad = np.array([_qform(PtL[m], J) for J in info.jacobian])
        nu.append(2 * d[m] ** 2 / _qform(grad, info.vcov_varpar))
    return fstat_ddf(np.array(nu))
