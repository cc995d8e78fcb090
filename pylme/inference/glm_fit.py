"""R's ``glm.fit``: iteratively reweighted least squares for one GLM (no random effects).

Used by :func:`pylme.lmList` with a ``family`` (lme4 fits ``glm`` per group) and by the
profile intervals of those fits (MASS ``profile.glm`` refits with ``glm.fit``).  The
iteration is R 4.2's, step for step, so the coefficients agree with R's to rounding:

* the family's ``initialize`` gives the starting means (``mustart``; η starts at
  ``etastart`` when given, else ``linkfun(mustart)``), with R's response checks;
* each step solves the weighted least squares of the working response on the rows
  with positive prior weight and non-zero dμ/dη, by LINPACK's limited-pivoting QR with
  ``tol = min(1e-7, epsilon / 1000)`` (R's ``C_Cdqrls``); an aliased column keeps
  coefficient 0 during the iteration and is NA (NaN) at the end;
* the step is halved while the deviance is not finite or μ/η leave their domain;
* convergence: ``|dev - devold| / (|dev| + 0.1) < epsilon`` (1e-8), at most ``maxit``
  (25) steps;
* R's closures are used for the family (R's ``binomial()$variance`` is ``μ(1−μ)``, not
  lme4's clamped C++ version), and R's ``sum`` (long double accumulation).

The warnings R gives (``glm.fit: algorithm did not converge``, ``glm.fit: fitted
probabilities numerically 0 or 1 occurred``, ...) are returned with the fit, verbatim;
errors (R's ``stop()``) raise :class:`~pylme.errors.NumericalError` with R's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg

from ..design.rank import qr_rank
from ..errors import NumericalError
from ..glmm import family_math as fm
from ..rstats import r_sum

__all__ = ["GlmFit", "glm_fit", "r_dev_resids", "r_variance"]

_DBL_EPSILON = float(np.finfo(float).eps)

#: The pylme family-math kind whose NumPy formulas are R's closures for this family
#: (binomial and Poisson: R's deviance residuals and variance differ from lme4's C++).
_R_KIND = {"binomial": "quasibinomial", "poisson": "quasipoisson", "Gamma": "Gamma",
           "inverse.gaussian": "inverse.gaussian", "gaussian": "gaussian"}
_R_VARIANCE_KIND = {"binomial": "quasibinomial", "poisson": "poisson", "Gamma": "Gamma",
                    "inverse.gaussian": "quasi:mu^3", "gaussian": "gaussian"}


def _kind(family) -> str:
    return fm.family_kind(family.family, family.varfun)


def r_variance(family, mu: np.ndarray) -> np.ndarray:
    """R's ``family$variance(mu)``."""
    kind = _kind(family)
    with np.errstate(all="ignore"):
        return fm.numpy_variance(_R_VARIANCE_KIND.get(kind, kind), np.asarray(mu, dtype=float), family.theta)


def r_dev_resids(family, y: np.ndarray, mu: np.ndarray, wt: np.ndarray) -> np.ndarray:
    """R's ``family$dev.resids(y, mu, wt)``."""
    kind = _kind(family)
    y, mu, wt = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, mu, wt)))
    with np.errstate(all="ignore"):
        return fm.numpy_dev_resids(_R_KIND.get(kind, kind), y, mu, wt, family.theta)


def _deviance(family, y, mu, wt) -> float:
    return float(r_sum(r_dev_resids(family, y, mu, wt)))


def _valid(family, eta: np.ndarray, mu: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        return bool(family.link.valideta(eta)) and bool(fm.validmu(_kind(family), mu))


@dataclass(frozen=True, eq=False)
class GlmFit:
    """What R's ``glm.fit`` returns (the parts pylme uses).

    Attributes
    ----------
    coefficients : ndarray
        One per column of ``x``, NaN (R's NA) for aliased columns.
    rank : int
    pivot : ndarray
        0-based column order of the final QR (the first ``rank`` are the estimable).
    cov_unscaled : ndarray, shape (rank, rank)
        ``chol2inv`` of the final QR's R factor (R ``summary.glm``'s ``cov.unscaled``),
        estimable columns in pivot order.
    fitted, linear_predictors, residuals : ndarray
        μ, η and the working residuals ``(y − μ) / μ.eta(η)``.
    weights : ndarray
        The working weights of the last iteration (0 where a row was not used).
    prior_weights, y, n : ndarray
        After the family's ``initialize`` (binomial: proportions, trials × weights).
    deviance, null_deviance : float
    iter : int
    converged, boundary : bool
    df_residual, df_null : int
    warnings : tuple of str
        R's warnings, verbatim and in R's order.
    """

    coefficients: np.ndarray = field(repr=False)
    rank: int
    pivot: np.ndarray = field(repr=False)
    cov_unscaled: np.ndarray = field(repr=False)
    fitted: np.ndarray = field(repr=False)
    linear_predictors: np.ndarray = field(repr=False)
    residuals: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    prior_weights: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    n: np.ndarray = field(repr=False)
    deviance: float
    null_deviance: float
    iter: int
    converged: bool
    boundary: bool
    df_residual: int
    df_null: int
    warnings: tuple = ()


def _wls(xw: np.ndarray, zw: np.ndarray, tol: float):
    """R's ``C_Cdqrls(x * w, z * w, tol)``: coefficients in pivot order (0 beyond the rank),
    rank, pivot and the R factor of the estimable columns."""
    qr = qr_rank(xw, tol)
    kept = qr.pivot[:qr.rank]
    coef = np.zeros(xw.shape[1])
    if qr.rank == 0:
        return coef, 0, qr.pivot, np.zeros((0, 0))
    q, r = np.linalg.qr(xw[:, kept])
    coef[:qr.rank] = linalg.solve_triangular(r, q.T @ zw)
    return coef, qr.rank, qr.pivot, r


def glm_fit(x: np.ndarray, y, family, weights=None, offset=None, etastart=None, mustart=None,
            epsilon: float = 1e-8, maxit: int = 25, intercept: bool = True) -> GlmFit:
    """Fit a GLM by R's ``glm.fit`` (``stats::glm.fit``, R 4.2).

    Parameters
    ----------
    x : ndarray, shape (n, p)
        The model matrix.
    y : array_like
        The response as ``glm`` passes it: numeric, logical, a pandas categorical
        (binomial), or an (n, 2) ``cbind(successes, failures)`` matrix.
    family : pylme.families.Family
    weights, offset : array_like, optional
        Prior weights (ones) and offset (zeros).
    etastart, mustart : array_like, optional
        Starting linear predictor / means (R's arguments of the same names).
    epsilon, maxit : float, int
        R's ``glm.control()``.
    intercept : bool
        Whether the model has an intercept (only the null deviance uses it).

    Raises
    ------
    NumericalError
        R's ``glm.fit`` errors (``cannot find valid starting values: please specify
        some``, ``no valid set of coefficients has been found: please supply starting
        values``, ``inner loop 1; cannot correct step size``, ...).
    pylme.errors.DataError
        The family's ``initialize`` rejects the response (R's texts).
    """
    x = np.asarray(x, dtype=float)
    nobs, nvars = x.shape
    start = family.initialize(y, weights, mustart=mustart)
    warns: list[str] = list(start.warnings)
    y = np.asarray(start.y, dtype=float)
    prior = np.asarray(start.weights, dtype=float)
    off = np.zeros(nobs) if offset is None else np.asarray(offset, dtype=float).reshape(-1)
    mu_start = np.asarray(mustart if mustart is not None else start.mustart, dtype=float)
    linkinv, mu_eta = family.link.r_linkinv, family.link.r_mu_eta
    coef = np.full(nvars, np.nan)
    rank, pivot, rfac = 0, np.arange(nvars), np.zeros((0, 0))
    w = np.zeros(nobs)
    good = prior > 0
    conv = boundary = False
    it = 0
    if nvars == 0:  # R's EMPTY model: η is the offset
        eta = off.copy()
        mu = linkinv(eta)
        if not _valid(family, eta, mu):
            raise NumericalError("invalid linear predictor values in empty model")
        dev = _deviance(family, y, mu, prior)
        me = mu_eta(eta)
        with np.errstate(all="ignore"):
            w = np.sqrt(prior * me**2 / r_variance(family, mu))
        conv = True
        coef = np.zeros(0)
    else:
        eta = (np.asarray(etastart, dtype=float).reshape(-1) if etastart is not None
               else family.link.linkfun(mu_start))
        mu = linkinv(eta)
        if not _valid(family, eta, mu):
            raise NumericalError("cannot find valid starting values: please specify some")
        devold = _deviance(family, y, mu, prior)
        coefold = None
        beta = np.zeros(nvars)
        tol = min(1e-7, epsilon / 1000)
        for it in range(1, maxit + 1):
            good = prior > 0
            varmu = r_variance(family, mu)[good]
            if np.any(np.isnan(varmu)):
                raise NumericalError("NAs in V(mu)")
            if np.any(varmu == 0):
                raise NumericalError("0s in V(mu)")
            me = mu_eta(eta)
            if np.any(np.isnan(me[good])):
                raise NumericalError("NAs in d(mu)/d(eta)")
            good = (prior > 0) & (me != 0)
            if not np.any(good):
                conv = False
                warns.append(f"no observations informative at iteration {it}")
                break
            with np.errstate(all="ignore"):
                z = (eta - off)[good] + (y - mu)[good] / me[good]
                wg = np.sqrt(prior[good] * me[good] ** 2 / r_variance(family, mu)[good])
            b, rank, pivot, rfac = _wls(x[good] * wg[:, None], z * wg, tol)
            w = np.zeros(nobs)
            w[good] = wg
            if not np.all(np.isfinite(b)):
                conv = False
                warns.append(f"non-finite coefficients at iteration {it}")
                break
            if int(good.sum()) < rank:
                raise NumericalError(f"X matrix has rank {rank}, but only {int(good.sum())} observations")
            beta = np.empty(nvars)
            beta[pivot] = b
            eta = x @ beta + off
            mu = linkinv(eta)
            dev = _deviance(family, y, mu, prior)
            boundary = False
            if not np.isfinite(dev):
                if coefold is None:
                    raise NumericalError("no valid set of coefficients has been found: please supply starting values")
                warns.append("step size truncated due to divergence")
                ii = 1
                while not np.isfinite(dev):
                    if ii > maxit:
                        raise NumericalError("inner loop 1; cannot correct step size")
                    ii += 1
                    beta = (beta + coefold) / 2
                    eta = x @ beta + off
                    mu = linkinv(eta)
                    dev = _deviance(family, y, mu, prior)
                boundary = True
            if not _valid(family, eta, mu):
                if coefold is None:
                    raise NumericalError("no valid set of coefficients has been found: please supply starting values")
                warns.append("step size truncated: out of bounds")
                ii = 1
                while not _valid(family, eta, mu):
                    if ii > maxit:
                        raise NumericalError("inner loop 2; cannot correct step size")
                    ii += 1
                    beta = (beta + coefold) / 2
                    eta = x @ beta + off
                    mu = linkinv(eta)
                boundary = True
                dev = _deviance(family, y, mu, prior)
            if abs(dev - devold) / (abs(dev) + 0.1) < epsilon:
                conv = True
                coef = beta
                break
            devold = dev
            coef = coefold = beta
        if not conv:
            warns.append("glm.fit: algorithm did not converge")
        if boundary:
            warns.append("glm.fit: algorithm stopped at boundary value")
        eps = 10 * _DBL_EPSILON
        if family.family == "binomial" and (np.any(mu > 1 - eps) or np.any(mu < eps)):
            warns.append("glm.fit: fitted probabilities numerically 0 or 1 occurred")
        if family.family == "poisson" and np.any(mu < eps):
            warns.append("glm.fit: fitted rates numerically 0 occurred")
        coef = np.array(coef, dtype=float)
        if rank < nvars:
            coef[pivot[rank:]] = np.nan
    with np.errstate(all="ignore"):
        residuals = (y - mu) / mu_eta(eta)
    wtdmu = r_sum(prior * y) / r_sum(prior) if intercept else linkinv(off)
    null_dev = _deviance(family, y, np.broadcast_to(float(wtdmu) if intercept else wtdmu, y.shape), prior)
    n_ok = nobs - int(np.sum(prior == 0))
    return GlmFit(coefficients=coef, rank=int(rank), pivot=np.asarray(pivot), cov_unscaled=_chol2inv(rfac),
                  fitted=mu, linear_predictors=eta, residuals=residuals, weights=w**2,
                  prior_weights=prior, y=y, n=np.asarray(start.n, dtype=float), deviance=float(dev),
                  null_deviance=null_dev, iter=it, converged=conv, boundary=boundary,
                  df_residual=n_ok - int(rank), df_null=n_ok - int(intercept), warnings=tuple(warns))


def _chol2inv(r: np.ndarray) -> np.ndarray:
    """R's ``chol2inv(R)``: ``(R'R)^{-1}`` from an upper-triangular R."""
    if r.size == 0:
        return np.zeros((0, 0))
    rinv = linalg.solve_triangular(r, np.eye(r.shape[0]))
    return rinv @ rinv.T
