"""Variance, deviance residuals, ``aic`` and ``validmu`` of each GLM family, as lme4 evaluates them.

For ``binomial``, ``poisson``, ``Gamma``, ``inverse.gaussian``, ``gaussian`` and
``Negative Binomial(θ)`` lme4 replaces R's family closures with C++
(``src/glmFamily.cpp``): the same formulas with a few differences that matter for
parity — the binomial variance is clamped at ``DBL_EPSILON`` (C++ ``std::max``, so a NaN
becomes ε), ``0·log 0 := 0`` is ``y · (y/μ == 0 ? 0 : log(y/μ))``, the sums follow lme4's
loops (left to right, :mod:`pylme.glmm.sums`), and the negative binomial ``aic``
weights only its first term.  The quasi families (refused by ``glmer``) keep R's
closures.  Every function takes float64 arrays and returns arrays (or a float for
``aic``); the family is named by a *kind* string (see :func:`family_kind`).

:func:`variance`, :func:`dev_resids` and :func:`aic` run lme4's six C++ families as
compiled kernels (:mod:`pylme.glmm.family_kernels`) and the quasi families in NumPy;
``numpy_variance``, ``numpy_dev_resids`` and ``numpy_aic`` are the NumPy reference of
every family, which the kernels reproduce bit for bit.
"""

from __future__ import annotations

import numpy as np

from pylme.glmm import family_kernels as fk
from pylme.glmm.densities import c_lgamma, dbinom_log, dgamma_log, dpois_log
from pylme.glmm.nmath import DBL_EPSILON
from pylme.glmm.sums import sequential_sum

__all__ = ["family_kind", "variance", "dev_resids", "aic", "aic_nonint", "validmu", "numpy_variance",
           "numpy_dev_resids", "numpy_aic"]

M_PI = 3.141592653589793238462643383280
QUASI_VARIANCES = ("constant", "mu(1-mu)", "mu", "mu^2", "mu^3")


def family_kind(family: str, varfun: str | None = None) -> str:
    """The key the functions below dispatch on: R's family name, ``"negbin"``, or ``"quasi:<variance>"``."""
    if family.startswith("Negative Binomial("):
        return "negbin"  # lme4: d_family.substr(0, 18) == "Negative Binomial("
    if family == "quasi":
        return f"quasi:{varfun}"
    return family


def _log_n0(v: np.ndarray) -> np.ndarray:
    """lme4's ``logN0``: ``v ? log(v) : 0`` (a NaN is truthy, so log(NaN) = NaN)."""
    return np.where(v == 0, 0.0, np.log(v))


def _y_log_y(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """lme4's ``Y_log_Y``: y · logN0(y/μ)."""
    return y * _log_n0(y / mu)


def _r_y_log_y(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """R's ``y_log_y`` (binomial_dev_resids): ``y != 0 ? y log(y/μ) : 0``."""
    return np.where(y != 0, y * np.log(y / mu), 0.0)


def variance(kind: str, mu, theta: float | None = None) -> np.ndarray:
    """V(μ): lme4's C++ for the six C++ families (compiled), R's closures for the quasi families.

    :func:`variance`, :func:`dev_resids` and :func:`aic` take array-likes, broadcast them
    and ignore floating-point warnings (C semantics: ``x/0`` is ±Inf or NaN).
    """
    if kind in fk.KIND_CODES:
        return fk.variance(kind, mu, theta)
    with np.errstate(all="ignore"):
        return numpy_variance(kind, np.asarray(mu, dtype=float), theta)


def dev_resids(kind: str, y, mu, wt, theta: float | None = None) -> np.ndarray:
    """Per-observation deviance residuals d_i (``family$dev.resids``; lme4's C++ ``devResid``)."""
    if kind in fk.KIND_CODES:
        return fk.dev_resids(kind, y, mu, wt, theta)
    y, mu, wt = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, mu, wt)))
    with np.errstate(all="ignore"):
        return numpy_dev_resids(kind, y, mu, wt, theta)


def aic(kind: str, y, n, mu, wt, dev: float, theta: float | None = None) -> float:
    """lme4's ``aic(y, n, μ, wt, dev)`` (−2 log L plus lme4's constants; NaN for quasi)."""
    if kind in fk.KIND_CODES:
        return fk.aic(kind, y, n, mu, wt, dev, theta)
    y, n, mu, wt = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (y, n, mu, wt)))
    with np.errstate(all="ignore"):
        return float(numpy_aic(kind, y, n, mu, wt, dev, theta))


def numpy_variance(kind: str, mu: np.ndarray, theta: float | None = None) -> np.ndarray:
    """The NumPy reference of :func:`variance`."""
    if kind == "binomial":
        v = mu * (1 - mu)
        return np.where(DBL_EPSILON < v, v, DBL_EPSILON)  # std::max(eps, v)
    if kind in ("poisson", "quasipoisson", "quasi:mu"):
        return mu.copy()
    if kind in ("Gamma", "quasi:mu^2"):
        return mu * mu
    if kind == "inverse.gaussian":
        return mu * mu * mu  # Eigen's cube()
    if kind == "quasi:mu^3":
        return np.power(mu, 3.0)  # R's mu^3 is pow()
    if kind in ("gaussian", "quasi:constant"):
        return np.ones_like(mu)
    if kind == "negbin":
        return mu + mu * mu / theta
    if kind in ("quasibinomial", "quasi:mu(1-mu)"):
        return mu * (1 - mu)
    raise KeyError(kind)


def numpy_dev_resids(kind: str, y: np.ndarray, mu: np.ndarray, wt: np.ndarray,
                     theta: float | None = None) -> np.ndarray:
    """The NumPy reference of :func:`dev_resids`."""
    if kind == "binomial":
        return 2.0 * wt * (_y_log_y(y, mu) + _y_log_y(1.0 - y, 1.0 - mu))
    if kind == "poisson":
        return 2.0 * wt * (y * _log_n0(y / mu) - (y - mu))
    if kind == "Gamma":
        return -2.0 * wt * (_log_n0(y / mu) - (y - mu) / mu)
    if kind == "inverse.gaussian":
        d = y - mu
        return wt * (d * d) / (y * (mu * mu))
    if kind in ("gaussian", "quasi:constant"):
        d = y - mu
        return wt * (d * d)
    if kind == "negbin":
        return 2.0 * wt * (_y_log_y(y, mu) - (y + theta) * np.log((y + theta) / (mu + theta)))
    if kind in ("quasibinomial", "quasi:mu(1-mu)"):
        return 2 * wt * (_r_y_log_y(y, mu) + _r_y_log_y(1 - y, 1 - mu))
    if kind == "quasipoisson":
        r = mu * wt
        pos = y > 0
        r = np.where(pos, wt * (y * np.log(y / mu) - (y - mu)), r)
        return 2 * r
    if kind == "quasi:mu":
        return 2 * wt * (y * np.log(np.where(y == 0, 1.0, y / mu)) - (y - mu))
    if kind == "quasi:mu^2":
        d = -2 * wt * (np.log(np.where(y == 0, 1.0, y) / mu) - (y - mu) / mu)
        return np.where(np.isnan(d), d, np.maximum(d, 0.0))  # R's pmax(., 0)
    if kind == "quasi:mu^3":
        d = y - mu
        return wt * (d * d) / (y * (mu * mu))
    raise KeyError(kind)


def numpy_aic(kind: str, y: np.ndarray, n: np.ndarray, mu: np.ndarray, wt: np.ndarray, dev: float,
              theta: float | None = None) -> float:
    """The NumPy reference of :func:`aic`."""
    dev = np.float64(dev)  # C semantics: x/0 is ±Inf or NaN, not an exception
    if kind == "binomial":
        m = n if np.any(n > 1) else wt
        yy = np.rint(m * y)
        m = np.rint(m)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(m <= 0.0, 0.0, wt / m)
        logd, _ = dbinom_log(yy, m, mu)
        return -2.0 * sequential_sum(factor * logd)
    if kind == "poisson":
        logd, _ = dpois_log(y, mu)
        return -2.0 * sequential_sum(logd * wt)
    if kind == "Gamma":
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            disp = dev / sequential_sum(wt)
            invdisp = 1.0 / disp
            logd = dgamma_log(y, invdisp, mu * disp)
            return -2.0 * sequential_sum(wt * logd) + 2.0
    if kind == "gaussian":
        nn = float(mu.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(nn * (np.log(2.0 * M_PI * dev / nn) + 1.0) + 2.0 - sequential_sum(np.log(wt)))
    if kind == "inverse.gaussian":
        wtsum = sequential_sum(wt)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(wtsum * (np.log(dev / wtsum * 2.0 * M_PI) + 1.0)
                         + 3.0 * sequential_sum(np.log(y) * wt) + 2.0)
    if kind == "negbin":
        theta = float(theta)  # type: ignore[arg-type]
        with np.errstate(divide="ignore", invalid="ignore"):
            term = (wt * (y + theta) * np.log(mu + theta) - y * np.log(mu) + c_lgamma(y + 1)
                    - theta * np.log(theta) + float(c_lgamma(theta)) - c_lgamma(theta + y))
        return 2.0 * sequential_sum(term)
    if kind.startswith("quasi"):
        return float("nan")  # R: aic <- function(...) NA
    raise KeyError(kind)


def aic_nonint(kind: str, y: np.ndarray) -> np.ndarray:
    """The y values for which evaluating the ``aic`` makes R warn ``non-integer x = ...``.

    Only the Poisson ``aic`` can (R's ``dpois`` of a non-integer count is 0, with that
    warning, making the ``aic`` +Inf); the binomial ``aic`` rounds its counts first.
    """
    if kind != "poisson":
        return np.empty(0)
    _, bad = dpois_log(y, np.ones_like(y))
    return y[bad]


def validmu(kind: str, mu: np.ndarray) -> bool:
    """R's ``family$validmu``."""
    finite = bool(np.all(np.isfinite(mu)))
    if kind in ("binomial", "quasibinomial"):
        return finite and bool(np.all((mu > 0) & (mu < 1)))
    if kind in ("poisson", "Gamma", "quasipoisson"):
        return finite and bool(np.all(mu > 0))
    if kind in ("negbin", "quasi:mu", "quasi:mu^2", "quasi:mu^3"):
        return bool(np.all(mu > 0))  # no finiteness test; R's NA (NaN μ) reads as False
    if kind == "quasi:mu(1-mu)":
        return bool(np.all(mu > 0)) and bool(np.all(mu < 1))
    return True  # gaussian, inverse.gaussian, quasi constant
