"""Penalized iteratively reweighted least squares, literally as lme4 runs it (``pwrssUpdate``).

lme4's GLMM objective is only piecewise smooth: its value depends on how many PIRLS
iterations ran and on which decomposition ``log det`` was taken from.  Any "better"
PIRLS moves the optimum (glmer_spec.md §2.2, trap 3), so this module reproduces the
loop of lme4 1.1-31's ``src/external.cpp`` step for step:

* every call starts from a given linear predictor (lme4 restarts each deviance
  evaluation from the stored ``lp0``), the working weights of the first iteration
  come from it;
* convergence is the relative change of ``Σ d_i + ‖u‖²`` below ``tol`` (tested before
  any step halving, so at least two iterations run);
* an increase (or NaN) is fixed by up to 20 halvings towards the previous iterate,
  without a new decomposition; at most 100 iterations (glmer passes maxit = 100);
* ``ldL2`` is the one of the *last* decomposition (the penultimate μ's weights).

:func:`pirls` runs the loop in one compiled call (:mod:`.pirls_kernel`) where the compiled
pieces apply — the dense back-end with scalar later blocks, a family and link of the
compiled family kernels — and the Python loop (:func:`python_pirls`, also the reference
the tests compare against) everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import NumericalError
from . import pirls_kernel as pk
from .family_kernels import KIND_CODES, LINK_CODES
from .family_math import family_kind
from .predictor import PlsStep, Predictor
from .sums import sequential_sum

__all__ = ["Response", "PirlsResult", "pirls", "python_pirls", "MAXIT", "MAXSTEPHALF"]

#: lme4 ``pwrssUpdate``: iterations and step halvings per iteration.
MAXIT = 100
MAXSTEPHALF = 20
_DBL_MAX = float(np.finfo(float).max)
_NAN_MESSAGE = "PIRLS loop resulted in NaN value"
_HALVING_MESSAGE = "(maxstephalfit) PIRLS step-halvings failed to reduce deviance in pwrssUpdate"
_MAXIT_MESSAGE = "pwrssUpdate did not converge in (maxit) iterations"


@dataclass(frozen=True, eq=False)
class Response:
    """The fixed parts of lme4's ``glmResp``: response, weights, trials, offset, family.

    Attributes
    ----------
    y : ndarray, shape (n,)
        The response as the family's ``initialize`` leaves it (proportions for binomial).
    weights : ndarray, shape (n,)
        Prior weights (trials × prior weights for ``cbind`` responses).
    n_trials : ndarray, shape (n,)
        Binomial trials (R's ``n``; ones otherwise), used by the family's ``aic``.
    offset : ndarray, shape (n,)
        The model offset (lme4 ``baseOffset``).
    family : Family
    """

    y: np.ndarray
    weights: np.ndarray
    n_trials: np.ndarray
    offset: np.ndarray
    family: object

    def mu(self, eta: np.ndarray) -> np.ndarray:
        """``μ = g⁻¹(η)`` with lme4's clamps."""
        return self.family.link.linkinv(eta)

    def dev_resid(self, mu: np.ndarray) -> np.ndarray:
        """Per-observation deviance residuals ``d_i`` (lme4 ``devResid``)."""
        return self.family.dev_resids(self.y, mu, self.weights)

    def aic(self, mu: np.ndarray, dev: float) -> float:
        """The family's ``aic`` at μ (−2 log-likelihood plus lme4's constants)."""
        return float(self.family.aic(self.y, self.n_trials, mu, self.weights, dev))

    def working(self, eta: np.ndarray, mu: np.ndarray, offset: np.ndarray):
        """Working weights and response (lme4 ``sqrtWrkWt()²`` and ``wrkResp()``)."""
        mu_eta = self.family.link.mu_eta(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = self.weights * mu_eta * mu_eta / self.family.variance(mu)
            z = (eta - offset) + (self.y - mu) / mu_eta
        return w, z

    def pearson(self, mu: np.ndarray) -> np.ndarray:
        """``(y − μ)·sqrt(w/V(μ))`` (lme4 ``wtres`` after ``updateWts``)."""
        return (self.y - mu) * np.sqrt(self.weights / self.family.variance(mu))


@dataclass(frozen=True, eq=False)
class PirlsResult:
    """The state lme4's predictor and response modules hold after ``pwrssUpdate``.

    Attributes
    ----------
    theta : ndarray
    u, beta : ndarray
        Final random (term-major, spherical) and fixed effects; ``beta`` is zero for a
        u-only run (β then lives in ``offset``).
    eta, mu : ndarray
        Final linear predictor (with ``offset``) and mean.
    offset : ndarray
        The offset this run used (stage 2: base offset + Xβ).
    dev_resid : ndarray
        Deviance residuals at the final μ.
    ldL2 : float
        Log-determinant of the last decomposition.
    step : PlsStep
        The last decomposition (R_X, conditional variances, its weights).
    weights : ndarray
        Working weights ``W`` of the last decomposition (lme4 ``pp$Xwts²``).
    iterations : int
    """

    theta: np.ndarray
    u: np.ndarray
    beta: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    offset: np.ndarray
    dev_resid: np.ndarray
    ldL2: float
    step: PlsStep
    weights: np.ndarray
    iterations: int

    @property
    def ussq(self) -> float:
        """``‖u‖²`` (lme4 ``pp$sqrL(1)``), summed in lme4's order."""
        return sequential_sum(self.u * self.u)

    @property
    def drsum(self) -> float:
        """``Σ d_i`` (lme4 ``resp$resDev()``), summed in lme4's order."""
        return sequential_sum(self.dev_resid)


def pirls(predictor: Predictor, resp: Response, theta: np.ndarray, eta_start: np.ndarray,
          offset: np.ndarray, *, u_only: bool, tol: float,
          previous: tuple[np.ndarray, np.ndarray] | None = None) -> PirlsResult:
    """Run lme4's ``pwrssUpdate`` at θ from the linear predictor ``eta_start``.

    Parameters
    ----------
    predictor : Predictor
    resp : Response
    theta : ndarray
    eta_start : ndarray, shape (n,)
        η before the first iteration (its weights drive the first decomposition).
    offset : ndarray, shape (n,)
        The offset of this run (stage 2: base offset + Xβ).
    u_only : bool
        lme4's ``uOnly``: solve for u alone (β fixed in the offset) or for (u, β).
    tol : float
        lme4 ``tolPwrss``.
    previous : (u, beta), optional
        The predictor's increments before this call (lme4 keeps them between
        evaluations); they matter only when the first iteration gives NaN.

    Returns
    -------
    PirlsResult

    Raises
    ------
    NumericalError
        lme4's ``PIRLS loop resulted in NaN value``, ``(maxstephalfit) PIRLS step-halvings
        failed to reduce deviance in pwrssUpdate``, ``pwrssUpdate did not converge in
        (maxit) iterations`` or ``Downdated VtV is not positive definite``.
    """
    codes = _family_codes(resp.family)
    args = predictor.kernel_args(theta) if codes is not None else None
    if args is None:
        return python_pirls(predictor, resp, theta, eta_start, offset, u_only=u_only, tol=tol, previous=previous)
    return _compiled_pirls(predictor, resp, theta, eta_start, offset, u_only, tol, previous, codes, args)


def python_pirls(predictor: Predictor, resp: Response, theta: np.ndarray, eta_start: np.ndarray,
                 offset: np.ndarray, *, u_only: bool, tol: float,
                 previous: tuple[np.ndarray, np.ndarray] | None = None) -> PirlsResult:
    """:func:`pirls` in Python: the general path (any structure and family) and the reference.

    Same parameters, result and errors as :func:`pirls`.
    """
    eta = eta_start
    mu = resp.mu(eta)
    if previous is None:
        u, beta = np.zeros(predictor.q), np.zeros(predictor.p)
    else:
        u, beta = previous
    oldpdev = _DBL_MAX
    for it in range(MAXIT):
        old_u, old_beta = u, beta
        w, z = resp.working(eta, mu, offset)
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(z))):
            raise NumericalError(_NAN_MESSAGE)
        step = predictor.solve(theta, w, z, u_only)
        u, beta = step.u, step.beta
        eta, mu, pdev = _update(predictor, resp, theta, offset, beta, u)
        with np.errstate(divide="ignore", invalid="ignore"):
            if abs((oldpdev - pdev) / pdev) < tol:
                return _result(theta, u, beta, eta, mu, offset, resp, step, w, it + 1)
        if np.isnan(pdev) or pdev > oldpdev:
            for _ in range(MAXSTEPHALF):
                if not (np.isnan(pdev) or pdev > oldpdev):
                    break
                u = (old_u + u) / 2.0
                if not u_only:
                    beta = (old_beta + beta) / 2.0
                eta, mu, pdev = _update(predictor, resp, theta, offset, beta, u)
            if np.isnan(pdev):
                raise NumericalError(_NAN_MESSAGE)
            if pdev - oldpdev > tol:
                raise NumericalError(_HALVING_MESSAGE)
        oldpdev = pdev
    raise NumericalError(_MAXIT_MESSAGE)


def _family_codes(family) -> tuple[int, int, float] | None:
    """(link, kind, θ) codes of the compiled family kernels, or None where lme4 uses R closures."""
    kind = family_kind(family.family, family.varfun)
    if kind not in KIND_CODES or family.link.name not in LINK_CODES:
        return None
    return LINK_CODES[family.link.name], KIND_CODES[kind], np.nan if family.theta is None else float(family.theta)


def _vector(a) -> np.ndarray:
    """A read-only contiguous float64 view (the compiled loop's one argument type)."""
    out = np.ascontiguousarray(a, dtype=float).reshape(-1).view()
    out.flags.writeable = False
    return out


def _compiled_pirls(predictor: Predictor, resp: Response, theta, eta_start, offset, u_only: bool, tol: float,
                    previous, codes, args) -> PirlsResult:
    """:func:`python_pirls` in one call of :func:`.pirls_kernel.pirls_loop`."""
    pls, terms = args
    n, p, q = predictor.n, predictor.p, predictor.q
    if previous is None:
        u0, beta0 = np.zeros(q), np.zeros(p)
    else:
        u0, beta0 = previous
    offset = np.ascontiguousarray(offset, dtype=float).reshape(-1)
    u, beta, eta, mu, dev, w, wz = (np.empty(q), np.empty(p), np.empty(n), np.empty(n), np.empty(n), np.empty(n),
                                    np.empty(n))
    rx = np.empty((p, p))
    status, iterations, ldl2, info = pk.pirls_loop(
        *codes, _vector(resp.y), _vector(resp.weights), _vector(offset), _vector(eta_start), _vector(u0),
        _vector(beta0), bool(u_only), float(tol), MAXIT, MAXSTEPHALF, *pls, *terms, u, beta, eta, mu, dev, w, wz, rx)
    if status != pk.OK:
        if status == pk.PIVOT:
            raise predictor.pivot_failure(int(info), pls[-1].size)
        raise NumericalError({pk.NAN: _NAN_MESSAGE, pk.MAXSTEPHALFIT: _HALVING_MESSAGE}.get(status, _MAXIT_MESSAGE))
    step = predictor.kernel_step(theta, u, beta, ldl2, rx, w, wz)
    return PirlsResult(theta=np.array(theta, dtype=float), u=u, beta=beta, eta=eta, mu=mu, offset=offset,
                       dev_resid=dev, ldL2=float(ldl2), step=step, weights=w, iterations=int(iterations))


def _update(predictor: Predictor, resp: Response, theta, offset, beta, u):
    """η, μ and ``Σ d_i + ‖u‖²`` for the increments (lme4 ``updateMu(linPred(1))``)."""
    eta = offset + predictor.lin_pred(theta, beta, u)
    mu = resp.mu(eta)
    with np.errstate(all="ignore"):
        # lme4 adds left to right (unvectorised Eigen): the PIRLS stopping test and the
        # halving decisions compare these sums, so they are formed in the same order
        pdev = sequential_sum(resp.dev_resid(mu)) + sequential_sum(u * u)
    return eta, mu, pdev


def _result(theta, u, beta, eta, mu, offset, resp: Response, step: PlsStep, w, iterations) -> PirlsResult:
    return PirlsResult(theta=np.array(theta, dtype=float), u=u, beta=beta, eta=eta, mu=mu, offset=offset,
                       dev_resid=resp.dev_resid(mu), ldL2=step.ldL2, step=step, weights=w,
                       iterations=iterations)
