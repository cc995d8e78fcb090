"""GLM link functions as R's ``make.link`` defines them and as lme4's C++ evaluates them.

A :class:`Link` is identified by its R name alone (so it pickles, compares and hashes
by name) and carries two versions of the inverse link and of dμ/dη:

* :meth:`Link.linkinv` / :meth:`Link.mu_eta` — lme4's C++ (``src/glmFamily.cpp``), which
  PIRLS uses.  For ``logit``, ``probit``, ``cauchit``, ``cloglog``, ``log``, ``identity``
  and ``inverse`` lme4 replaces R's closures with its own code and its own clamps
  (ε = ``DBL_EPSILON``): logit μ ∈ [ε, 1−ε] and μ' ≥ ε; probit/cauchit μ ≤ 1−ε only;
  cloglog μ ∈ [ε, 1−ε], μ' ≥ ε; log μ = μ' ≥ ε; inverse unclamped.  The clamps are C++
  ``std::max``/``std::min``, which turn a NaN into the bound (``std::max(ε, NaN) = ε``).
  ``sqrt`` and ``1/mu^2`` have no C++ version: lme4 calls R's closures for them.
  These run as compiled kernels (:mod:`pylme.glmm.family_kernels`); the NumPy versions
  here (:func:`numpy_linkinv`, :func:`numpy_mu_eta`) are their reference, bit for bit.
* :meth:`Link.r_linkinv` / :meth:`Link.r_mu_eta` — R's ``family$linkinv``/``mu.eta``
  closures (``stats::make.link``; logit's are C code clamping η at ±30), which lme4 uses in
  ``predict(type = "response")`` and ``simulate``.

:meth:`Link.linkfun` is R's ``family$linkfun`` (lme4's ``mkRespMod`` starts η at
``family$linkfun(mustart)``).  Link name errors use R's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pylme.errors import DataError, ModelSpecError
from pylme.glmm import family_kernels
from pylme.glmm.nmath import (DBL_EPSILON, dcauchy, dlogis, dnorm, pcauchy, plogis, pnorm,
                              qcauchy, qnorm)

__all__ = ["Link", "make_link", "LINK_NAMES", "numpy_linkinv", "numpy_mu_eta"]

LINK_NAMES = ("logit", "probit", "cauchit", "cloglog", "identity", "log", "sqrt", "1/mu^2",
              "inverse")
"""The names R's ``make.link`` recognises, in its ``switch`` order."""

_EPS = DBL_EPSILON
_Fun = Callable[[np.ndarray], np.ndarray]
_THRESH = 30.0               # R's logit closures (stats/src/family.c)
_INVEPS = 1.0 / DBL_EPSILON


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _cpp_max(a, b):
    """C++ ``std::max(a, b)``: ``a < b ? b : a`` (a NaN ``b`` yields ``a``)."""
    return np.where(a < b, b, a)


def _cpp_min(a, b):
    """C++ ``std::min(a, b)``: ``b < a ? b : a`` (a NaN ``b`` yields ``a``)."""
    return np.where(b < a, b, a)


def _r_pmax(x, bound: float):
    """R's ``pmax(x, bound)``: NaN stays NaN."""
    return np.where(np.isnan(x), x, np.maximum(x, bound))


def _r_pmin(x, bound: float):
    """R's ``pmin(x, bound)``: NaN stays NaN."""
    return np.where(np.isnan(x), x, np.minimum(x, bound))


def _r_pow15(x):
    """R's ``x^1.5`` (``R_pow``): C's ``pow`` except that ``(-Inf)^1.5`` is NaN in R."""
    return np.where(x == -np.inf, np.nan, np.power(x, 1.5))


# --- R's family$linkfun ------------------------------------------------------------
def _logit_linkfun(mu):
    bad = (mu < 0) | (mu > 1)
    if bad.any():
        # R's C_logit_link stops at the first value outside [0, 1]
        raise DataError(f"Value {float(mu[bad][0]):g} out of range (0, 1)")
    return np.log(mu / (1 - mu))


_LINKFUN: dict[str, _Fun] = {
    "logit": _logit_linkfun,
    "probit": qnorm,
    "cauchit": qcauchy,
    "cloglog": lambda mu: np.log(-np.log(1 - mu)),
    "identity": lambda mu: mu.copy(),
    "log": np.log,
    "sqrt": np.sqrt,
    "1/mu^2": lambda mu: 1 / (mu * mu),
    "inverse": lambda mu: 1 / mu,
}


# --- R's family$linkinv / mu.eta ---------------------------------------------------------
def _r_logit_linkinv(eta):
    tmp = np.where(eta < -_THRESH, _EPS, np.where(eta > _THRESH, _INVEPS, np.exp(eta)))
    return tmp / (1 + tmp)


def _r_logit_mu_eta(eta):
    opexp = 1 + np.exp(eta)
    return np.where((eta > _THRESH) | (eta < -_THRESH), _EPS, np.exp(eta) / (opexp * opexp))


def _r_clamped(cdf, quantile):
    """R's probit/cauchit ``linkinv``: η clamped to ±(−quantile(ε)) before the cdf."""
    thresh = -float(quantile(np.array([_EPS]))[0])
    return lambda eta: cdf(_r_pmin(_r_pmax(eta, -thresh), thresh))


def _r_cloglog_mu_eta(eta):
    eta = _r_pmin(eta, 700.0)
    return _r_pmax(np.exp(eta) * np.exp(-np.exp(eta)), _EPS)


_R_LINKINV: dict[str, _Fun] = {
    "logit": _r_logit_linkinv,
    "probit": _r_clamped(pnorm, qnorm),
    "cauchit": _r_clamped(pcauchy, qcauchy),
    "cloglog": lambda eta: _r_pmax(_r_pmin(-np.expm1(-np.exp(eta)), 1 - _EPS), _EPS),
    "identity": lambda eta: eta.copy(),
    "log": lambda eta: _r_pmax(np.exp(eta), _EPS),
    "sqrt": lambda eta: eta * eta,
    "1/mu^2": lambda eta: 1 / np.sqrt(eta),
    "inverse": lambda eta: 1 / eta,
}

_R_MU_ETA: dict[str, _Fun] = {
    "logit": _r_logit_mu_eta,
    "probit": lambda eta: _r_pmax(dnorm(eta), _EPS),
    "cauchit": lambda eta: _r_pmax(dcauchy(eta), _EPS),
    "cloglog": _r_cloglog_mu_eta,
    "identity": lambda eta: np.ones_like(eta),
    "log": lambda eta: _r_pmax(np.exp(eta), _EPS),
    "sqrt": lambda eta: 2 * eta,
    "1/mu^2": lambda eta: -1 / (2 * _r_pow15(eta)),
    "inverse": lambda eta: -1 / (eta * eta),
}


# --- lme4's C++ linkInv / muEta (glmFamily.cpp); other links fall back to R's closures -----
def _cpp_cloglog_mu_eta(eta):
    # lme4's dgumbel2(x, 0, 1): exp(x - exp(x) - log(1))
    return _cpp_max(_EPS, np.exp(eta - np.exp(eta) - 0.0))


def _cpp_inverse_mu_eta(eta):
    inv = 1 / eta
    return -(inv * inv)


_CPP_LINKINV: dict[str, _Fun] = {
    "logit": lambda eta: _cpp_max(_EPS, _cpp_min(1 - _EPS, plogis(eta))),
    "probit": lambda eta: _cpp_min(1 - _EPS, pnorm(eta)),
    "cauchit": lambda eta: _cpp_min(1 - _EPS, pcauchy(eta)),
    "cloglog": lambda eta: _cpp_max(_EPS, _cpp_min(1 - _EPS, -np.expm1(-np.exp(eta)))),
    "identity": lambda eta: eta.copy(),
    "log": lambda eta: _cpp_max(_EPS, np.exp(eta)),
    "inverse": lambda eta: 1 / eta,
}

_CPP_MU_ETA: dict[str, _Fun] = {
    "logit": lambda eta: _cpp_max(_EPS, dlogis(eta)),
    "probit": dnorm,
    "cauchit": dcauchy,
    "cloglog": _cpp_cloglog_mu_eta,
    "identity": lambda eta: np.ones_like(eta),
    "log": lambda eta: _cpp_max(_EPS, np.exp(eta)),
    "inverse": _cpp_inverse_mu_eta,
}


def _valideta_positive(eta) -> bool:
    return bool(np.all(np.isfinite(eta)) and np.all(eta > 0))


_VALIDETA: dict[str, Callable[[np.ndarray], bool]] = {
    "sqrt": _valideta_positive,
    "1/mu^2": _valideta_positive,
    "inverse": lambda eta: bool(np.all(np.isfinite(eta)) and np.all(eta != 0)),
}


def _unrecognised(name) -> ModelSpecError:
    return ModelSpecError(f"\u2018{name}\u2019 link not recognised")


@dataclass(frozen=True)
class Link:
    """A GLM link function, R's ``link-glm`` object (``stats::make.link``).

    Parameters
    ----------
    name : str
        R's link name: ``"logit"``, ``"probit"``, ``"cloglog"``, ``"cauchit"``, ``"log"``,
        ``"identity"``, ``"inverse"``, ``"sqrt"`` or ``"1/mu^2"``.

    Notes
    -----
    All methods take array-likes and return float64 arrays of the same shape.
    ``linkinv``/``mu_eta`` are lme4's C++ versions with lme4's clamps (what PIRLS uses);
    ``r_linkinv``/``r_mu_eta`` are R's closures (``predict(type = "response")``,
    ``simulate``).  See the module docstring for the clamps.
    """

    name: str

    def __post_init__(self):
        if not isinstance(self.name, str) or self.name not in LINK_NAMES:
            raise _unrecognised(self.name)

    def linkfun(self, mu) -> np.ndarray:
        """η = g(μ), R's ``family$linkfun`` (logit: R's error for μ outside [0, 1])."""
        with np.errstate(all="ignore"):
            return _LINKFUN[self.name](_arr(mu))

    def linkinv(self, eta) -> np.ndarray:
        """μ = g⁻¹(η) as lme4's C++ ``linkInv`` computes it, with lme4's clamps."""
        if self.name in family_kernels.LINK_CODES:
            return family_kernels.linkinv(self.name, eta)
        with np.errstate(all="ignore"):
            return _R_LINKINV[self.name](_arr(eta))

    def mu_eta(self, eta) -> np.ndarray:
        """dμ/dη as lme4's C++ ``muEta`` computes it, with lme4's clamps."""
        if self.name in family_kernels.LINK_CODES:
            return family_kernels.mu_eta(self.name, eta)
        with np.errstate(all="ignore"):
            return _R_MU_ETA[self.name](_arr(eta))

    def r_linkinv(self, eta) -> np.ndarray:
        """μ = g⁻¹(η), R's ``family$linkinv`` closure (logit clamps η at ±30)."""
        with np.errstate(all="ignore"):
            return _R_LINKINV[self.name](_arr(eta))

    def r_mu_eta(self, eta) -> np.ndarray:
        """dμ/dη, R's ``family$mu.eta`` closure."""
        with np.errstate(all="ignore"):
            return _R_MU_ETA[self.name](_arr(eta))

    def valideta(self, eta) -> bool:
        """R's ``family$valideta``: η finite and > 0 (``sqrt``, ``1/mu^2``), ≠ 0 (``inverse``)."""
        check = _VALIDETA.get(self.name)
        return True if check is None else check(_arr(eta))


def numpy_linkinv(name: str, eta) -> np.ndarray:
    """The NumPy reference of :meth:`Link.linkinv` (lme4's C++ ``linkInv``, R's closure otherwise)."""
    with np.errstate(all="ignore"):
        return _CPP_LINKINV.get(name, _R_LINKINV[name])(_arr(eta))


def numpy_mu_eta(name: str, eta) -> np.ndarray:
    """The NumPy reference of :meth:`Link.mu_eta` (lme4's C++ ``muEta``, R's closure otherwise)."""
    with np.errstate(all="ignore"):
        return _CPP_MU_ETA.get(name, _R_MU_ETA[name])(_arr(eta))


def make_link(name: str) -> Link:
    """The link called ``name`` (R: ``make.link(name)``).

    Raises
    ------
    ModelSpecError
        ``‘foo’ link not recognised`` (R's text) for a name R does not know.
    """
    return Link(name)
