"""R's GLM families (``binomial()``, ``poisson()``, ``gaussian()``, ``Gamma()``,
``inverse.gaussian()``) as ``glm.fit`` uses them: link, inverse link and ``mu.eta`` as
R's C code and R functions compute them (``exp``/``log`` element by element through
the C library, as R calls them: NumPy's vectorised ``exp`` may differ in the last bit),
variance, deviance residuals, ``aic`` and the ``initialize`` start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy import special, stats

from ..errors import ArgumentError

__all__ = ["RLink", "r_link", "r_family_name", "dev_resids", "variance", "aic", "mustart"]

_EPS = np.finfo(float).eps
_THRESH, _MTHRESH, _INVEPS = 30.0, -30.0, 1 / _EPS


def _exp(v: np.ndarray) -> np.ndarray:
    return np.array([math.exp(t) if t < 709.78 else math.inf for t in np.ravel(v)])


def _log(v: np.ndarray) -> np.ndarray:
    return np.array([math.log(t) if t > 0 else (-math.inf if t == 0 else math.nan)
                     for t in np.ravel(v)])


@dataclass(frozen=True)
class RLink:
    """One of R's ``make.link()`` links."""

    name: str
    linkfun: Callable
    linkinv: Callable
    mu_eta: Callable


def _logit_inv(eta):
    tmp = np.where(eta < _MTHRESH, _EPS, np.where(eta > _THRESH, _INVEPS, _exp(np.clip(eta, -50, 50))))
    return tmp / (1 + tmp)


def _logit_mu_eta(eta):
    e = _exp(np.clip(eta, -50, 50))
    opexp = 1 + e
    return np.where((eta > _THRESH) | (eta < _MTHRESH), _EPS, e / (opexp * opexp))


_PROBIT_THRESH = -stats.norm.ppf(_EPS)
_LINKS = {
    "logit": RLink("logit", lambda mu: _log(mu / (1 - mu)), _logit_inv, _logit_mu_eta),
    "probit": RLink("probit", lambda mu: stats.norm.ppf(mu),
                    lambda eta: special.ndtr(np.clip(eta, -_PROBIT_THRESH, _PROBIT_THRESH)),
                    lambda eta: np.maximum(stats.norm.pdf(eta), _EPS)),
    "cloglog": RLink("cloglog", lambda mu: _log(-np.log1p(-mu)),
                     lambda eta: np.maximum(np.minimum(-np.expm1(-_exp(eta)), 1 - _EPS), _EPS),
                     lambda eta: np.maximum(_exp(np.minimum(eta, 700)) *
                                            _exp(-_exp(np.minimum(eta, 700))), _EPS)),
    "log": RLink("log", _log, lambda eta: np.maximum(_exp(eta), _EPS),
                 lambda eta: np.maximum(_exp(eta), _EPS)),
    "identity": RLink("identity", lambda mu: mu, lambda eta: eta, lambda eta: np.ones_like(eta)),
    "inverse": RLink("inverse", lambda mu: 1 / mu, lambda eta: 1 / eta,
                     lambda eta: -1 / (eta ** 2)),
    "sqrt": RLink("sqrt", np.sqrt, lambda eta: eta ** 2, lambda eta: 2 * eta),
    "1/mu^2": RLink("1/mu^2", lambda mu: 1 / mu ** 2, lambda eta: 1 / np.sqrt(eta),
                    lambda eta: -1 / (2 * eta ** 1.5)),
}
_SM_LINKS = {"Logit": "logit", "Probit": "probit", "CLogLog": "cloglog", "Log": "log",
             "Identity": "identity", "InversePower": "inverse", "Sqrt": "sqrt",
             "InverseSquared": "1/mu^2"}
_FAMILY = {"Binomial": "binomial", "Poisson": "poisson", "Gaussian": "gaussian",
           "Gamma": "Gamma", "InverseGaussian": "inverse.gaussian"}


def r_family_name(family: Any) -> str:
    """R's family name of a statsmodels family object."""
    name = _FAMILY.get(type(family).__name__)
    if name is None:
        raise ArgumentError(f"summary() as R prints it: family {type(family).__name__} "
                            "is not one of R's")
    return name


def r_link(family: Any) -> RLink:
    """R's link for a statsmodels family's link object."""
    name = _SM_LINKS.get(type(family.link).__name__)
    if name is None:
        raise ArgumentError(f"summary() as R prints it: link {type(family.link).__name__} "
                            "is not one of R's")
    return _LINKS[name]


def mustart(family: str, y: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The family's ``initialize`` start: binomial ``(n y + 0.5) / (n + 1)``,
    poisson ``y + 0.1``, the others ``y``."""
    if family == "binomial":
        return (n * y + 0.5) / (n + 1)
    if family == "poisson":
        return y + 0.1
    return y.copy()


def _ylogy(y, mu):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y > 0, y * _log(y / mu), 0.0)


def dev_resids(family: str, y, mu, wt):
    """The family's ``dev.resids`` (R's formulas)."""
    if family == "binomial":
        return 2 * wt * (_ylogy(y, mu) + _ylogy(1 - y, 1 - mu))
    if family == "poisson":
        return 2 * wt * (_ylogy(y, mu) - (y - mu))
    if family == "gaussian":
        return wt * (y - mu) ** 2
    if family == "Gamma":
        with np.errstate(divide="ignore"):
            return -2 * wt * (np.log(np.where(y == 0, 1, y / mu)) - (y - mu) / mu)
    return wt * ((y - mu) ** 2) / (y * mu ** 2)  # inverse.gaussian


def variance(family: str, mu):
    """The family's variance function ``V(mu)``."""
    return {"binomial": lambda m: m * (1 - m), "poisson": lambda m: m,
            "gaussian": lambda m: np.ones_like(m), "Gamma": lambda m: m ** 2,
            "inverse.gaussian": lambda m: m ** 3}[family](mu)


def aic(family: str, y, n, mu, wt, dev) -> float:
    """The family's ``aic()`` (without glm's ``2 * rank``)."""
    if family == "binomial":
        m = n if np.any(n > 1) else wt
        with np.errstate(divide="ignore", invalid="ignore"):
            dens = stats.binom.logpmf(np.round(m * y), np.round(m), mu)
            scale = np.where(m > 0, wt / m, 0.0)
        return float(-2 * np.sum(scale * dens))
    if family == "poisson":
        return float(-2 * np.sum(stats.poisson.logpmf(y, mu) * wt))
    if family == "gaussian":
        nobs = len(y)
        return float(nobs * (np.log(dev / nobs * 2 * np.pi) + 1) + 2 - np.sum(np.log(wt)))
    if family == "Gamma":
        disp = dev / np.sum(wt)
        return float(-2 * np.sum(stats.gamma.logpdf(y, 1 / disp, scale=mu * disp) * wt) + 2)
    return float(np.sum(wt) * (1 + np.log(dev / np.sum(wt) * 2 * np.pi))
                 + 3 * np.sum(np.log(y) * wt) + 2)
