"""A family's ``initialize`` with lme4's response checks (lme4 ``mkRespMod`` + R ``family$initialize``).

lme4 builds the GLMM response in ``mkRespMod``: the response must be numeric (binomial:
also a factor or logical; a logical is made integer for other families) and finite, the
prior weights must have one value per observation and be ≥ 0, then the family's R
``initialize`` expression runs with ``y``, ``weights``, ``nobs``, ``mustart``,
``etastart`` and ``start`` in scope.  It may rewrite ``y`` (binomial proportions) and
``weights`` (× trials for ``cbind``), sets ``n`` (trials) and ``mustart``.  A user
``mustart`` then replaces the family's; η starts at ``etastart`` or
``linkfun(mustart)``.  Errors and warnings carry R's text; warnings are returned, not
emitted (the caller emits them where R would).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pylme.errors import DataError

__all__ = ["FamilyStart", "initialize_response"]


@dataclass(frozen=True, eq=False)
class FamilyStart:
    """The response module's starting state (R: what ``family$initialize`` leaves behind).

    Attributes
    ----------
    y : ndarray
        Internal response, float64 (proportions for binomial).
    weights : ndarray
        Prior weights after ``initialize`` (trials × prior weights for ``cbind``).
    n : ndarray
        Binomial trial counts (R's ``n``); ones for other families.
    mustart : ndarray
        Starting means (a user ``mustart`` replaces the family's).
    warnings : tuple of str
        R's warnings from ``initialize``, verbatim (not emitted here).
    eta : ndarray
        Starting linear predictor: ``etastart`` if given, else ``linkfun(mustart)``
        (lme4's ``updateMu``).
    """

    y: np.ndarray
    weights: np.ndarray
    n: np.ndarray
    mustart: np.ndarray
    warnings: tuple[str, ...] = ()
    eta: np.ndarray | None = None


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


def _as_response(y, family: str) -> tuple[np.ndarray, str]:
    """y as R's ``mkRespMod`` sees it: (values, "numeric" | "logical" | "factor").

    Raises R's ``response must be numeric [or factor]`` for anything else.
    """
    binomial = family == "binomial"
    wrong = DataError("response must be numeric or factor" if binomial else "response must be numeric")
    if isinstance(y, pd.DataFrame):
        y = y.to_numpy()
    if isinstance(y, (pd.Series, pd.Index, pd.Categorical)):
        dtype = y.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            if not binomial:
                raise wrong
            codes = np.asarray(pd.Categorical(y).codes)
            # first level = failure, every other level = success; a missing code is NA
            return np.where(codes < 0, np.nan, (codes != 0).astype(float)), "factor"
        if pd.api.types.is_bool_dtype(dtype):
            return np.asarray(y.to_numpy(dtype=float, na_value=np.nan)), "logical"
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
            return np.asarray(y.to_numpy(dtype=float, na_value=np.nan)), "numeric"
        raise wrong
    arr = np.asarray(y)
    if arr.dtype == bool:
        return arr.astype(float), "logical"
    if arr.dtype.kind in "iuf":
        return arr.astype(float), "numeric"
    raise wrong


def _stop_if_not(ok: bool, expr: str) -> None:
    if not ok:
        raise DataError(f"{expr} is not TRUE")


def initialize_response(family: str, link: str, y, weights=None, *, mustart=None, etastart=None,
                        start=None, varfun: str | None = None, linkfun=None) -> FamilyStart:
    """Run lme4's ``mkRespMod`` checks and the family's ``initialize`` (see :class:`FamilyStart`).

    Parameters
    ----------
    family, link : str
        R's family and link names; ``varfun`` the ``quasi`` variance name.
    y : array_like
        (n,) numeric/logical/factor response, or (n, 2) ``cbind(successes, failures)``.
    weights : array_like, optional
        Prior weights (ones when omitted).
    mustart, etastart : array_like, optional
        User starting means / linear predictor (R's ``mustart=``, ``etastart=``).
    start : object, optional
        Any non-None value stands for ``start$fixef`` (only gaussian's check reads it).
    linkfun : callable
        The link's ``linkfun`` for the starting η.
    """
    values, kind = _as_response(y, family)
    if values.ndim == 0:
        values = values.reshape(1)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]  # R: NCOL(y) == 1
    if not np.all(np.isfinite(values)):
        raise DataError("NA/NaN/Inf in 'y'")
    nobs = values.shape[0]
    if weights is None:
        w = np.ones(nobs)
    else:
        w = np.asarray(weights, dtype=float).reshape(-1)
        _stop_if_not(w.size == nobs, "length(weights) == n")
        _stop_if_not(bool(np.all(w >= 0)), "all(weights >= 0)")
    user_mu = None if mustart is None else np.asarray(mustart, dtype=float).reshape(-1)
    if family == "quasi":
        run = _QUASI_INITIALIZE[str(varfun)]
    elif family.startswith("Negative Binomial("):
        run = _negbin_init
    else:
        run = _INITIALIZE[family]
    ctx = _Context(family=family, link=link, user_mustart=user_mu, etastart=etastart, start=start)
    yv, wv, n, mu0, warns = run(values, w, ctx)
    if yv.ndim != 1:
        # lme4 builds the response module anyway and fails in its first PIRLS step
        raise DataError("updateXwts: dimension mismatch")
    if user_mu is not None:
        mu0 = user_mu
    eta: np.ndarray | None
    if etastart is not None:
        eta = np.asarray(etastart, dtype=float).reshape(-1)
    else:
        eta = linkfun(mu0) if linkfun is not None else None
    return FamilyStart(y=_frozen(yv), weights=_frozen(wv), n=_frozen(n), mustart=_frozen(mu0),
                       warnings=tuple(warns), eta=None if eta is None else _frozen(eta))


@dataclass(frozen=True)
class _Context:
    family: str
    link: str
    user_mustart: np.ndarray | None
    etastart: object
    start: object


def _binomial_init(y: np.ndarray, w: np.ndarray, ctx: _Context):
    """R's ``binomInitialize(family)`` (shared by binomial and quasibinomial)."""
    warns: list[str] = []
    ncol = 1 if y.ndim == 1 else y.shape[1]
    is_binomial = ctx.family == "binomial"  # only binomial warns about non-integers
    if ncol == 1:
        n = np.ones(y.shape[0])
        y = np.where(w == 0, 0.0, y)
        if np.any((y < 0) | (y > 1)):
            raise DataError("y values must be 0 <= y <= 1")
        mustart = (w * y + 0.5) / (w + 1)
        m = w * y
        if is_binomial and np.any(np.abs(m - np.rint(m)) > 0.001):
            warns.append("non-integer #successes in a binomial glm!")
        return y, w, n, mustart, warns
    if ncol == 2:
        if is_binomial and np.any(np.abs(y - np.rint(y)) > 0.001):
            warns.append("non-integer counts in a binomial glm!")
        n = y[:, 0] + y[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            prop = y[:, 0] / n
        prop = np.where(n == 0, 0.0, prop)
        return prop, w * n, n, (n * prop + 0.5) / (n + 1), warns
    raise DataError(f"for the '{ctx.family}' family, y must be a vector of 0 and 1's\n"
                    "or a 2 column matrix where col 1 is no. successes and col 2 is no. failures")


def _ones(y: np.ndarray) -> np.ndarray:
    return np.ones(y.shape[0])


def _poisson_init(y, w, ctx):
    if np.any(y < 0):
        raise DataError("negative values not allowed for the 'Poisson' family")
    return y, w, _ones(y), y + 0.1, []


def _quasipoisson_init(y, w, ctx):
    if np.any(y < 0):
        raise DataError("negative values not allowed for the 'quasiPoisson' family")
    return y, w, _ones(y), y + 0.1, []


def _gamma_init(y, w, ctx):
    if np.any(y <= 0):
        raise DataError("non-positive values not allowed for the 'Gamma' family")
    return y, w, _ones(y), y.copy(), []


def _inverse_gaussian_init(y, w, ctx):
    if np.any(y <= 0):
        raise DataError("positive values only are allowed for the 'inverse.gaussian' family")
    return y, w, _ones(y), y.copy(), []


def _gaussian_init(y, w, ctx):
    if (ctx.etastart is None and ctx.start is None and ctx.user_mustart is None
            and ((ctx.link == "inverse" and np.any(y == 0)) or (ctx.link == "log" and np.any(y <= 0)))):
        raise DataError("cannot find valid starting values: please specify some")
    return y, w, _ones(y), y.copy(), []


def _negbin_init(y, w, ctx):
    if np.any(y < 0):
        raise DataError("negative values not allowed for the negative binomial family")
    return y, w, _ones(y), y + (y == 0) / 6, []


_Init = Callable[[np.ndarray, np.ndarray, "_Context"], tuple]

_INITIALIZE: dict[str, _Init] = {
    "binomial": _binomial_init,
    "quasibinomial": _binomial_init,
    "poisson": _poisson_init,
    "quasipoisson": _quasipoisson_init,
    "Gamma": _gamma_init,
    "inverse.gaussian": _inverse_gaussian_init,
    "gaussian": _gaussian_init,
}

_QUASI_INITIALIZE: dict[str, _Init] = {
    "constant": lambda y, w, ctx: (y, w, _ones(y), y.copy(), []),
    "mu(1-mu)": lambda y, w, ctx: (y, w, _ones(y), np.maximum(0.001, np.minimum(0.999, y)), []),
    "mu": lambda y, w, ctx: (y, w, _ones(y), y + 0.1 * (y == 0), []),
    "mu^2": lambda y, w, ctx: (y, w, _ones(y), y + 0.1 * (y == 0), []),
    "mu^3": lambda y, w, ctx: (y, w, _ones(y), y + 0.1 * (y == 0), []),
}
