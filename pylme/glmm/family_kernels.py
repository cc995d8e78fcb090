"""lme4's C++ family and link computations as compiled array kernels (``src/glmFamily.cpp``).

PIRLS evaluates the inverse link, dμ/dη, the variance, the deviance residuals and (once
per deviance evaluation) the ``aic`` on every row, hundreds of times per fit; the NumPy
reference (:mod:`pylme.glmm.links`, :mod:`pylme.glmm.family_math`,
:mod:`pylme.glmm.densities`) spends milliseconds per call in temporaries and masks.
These kernels make one pass over the rows with the reference's operations in the
reference's order (so the same bits: ``tests/unit/glmm/test_kernels_family.py``) and add
sums left to right, as lme4's unvectorised loops do.

Four kernels, each compiled for one type signature (codes as ints, rows as read-only
contiguous float64 vectors, outputs writable), keep the compile time of a fresh
installation short:

* :func:`link_kernel`: lme4's clamped ``linkInv`` / ``muEta`` for the links lme4 writes in
  C++ (logit, probit, cauchit, cloglog, identity, log, inverse);
* :func:`variance_kernel`, :func:`dev_resids_kernel`, :func:`aic_kernel`: lme4's
  ``variance``, ``devResid`` and ``aic`` for binomial, poisson, Gamma, inverse.gaussian,
  gaussian and ``Negative Binomial(θ)``.

The binomial deviance residuals and ``aic`` of 0/1 responses (glmer's commonest case) take
a branch-free loop with one ``log`` per row; the row values are those of the general
formulas.  The Python functions at the end flatten and broadcast the arguments as the
reference does.
"""

from __future__ import annotations

import math

import numpy as np

from pylme.glmm.density_kernels import (bd01, constants, dbinom_log1, dgamma_count, dgamma_log_st, dpois_log1,
                                        dpois_stirlerr)
from pylme.glmm.jit import kernel, scalar_kernel
from pylme.glmm.nmath import DBL_EPSILON
from pylme.glmm.nmath_kernels import dcauchy1, dlogis1, dnorm1, pcauchy1, plogis1, pnorm1
from pylme.glmm.sums import left_sum

__all__ = ["LINK_CODES", "KIND_CODES", "link_kernel", "variance_kernel", "dev_resids_kernel",
           "aic_kernel", "linkinv", "mu_eta", "variance", "dev_resids", "aic"]

LINK_CODES = {"logit": 0, "probit": 1, "cauchit": 2, "cloglog": 3, "identity": 4, "log": 5, "inverse": 6}
"""The links lme4 evaluates in C++ (others use R's closures), and their kernel codes."""

KIND_CODES = {"binomial": 0, "poisson": 1, "Gamma": 2, "inverse.gaussian": 3, "gaussian": 4, "negbin": 5}
"""The families lme4 evaluates in C++ (:func:`pylme.glmm.family_math.family_kind`), and their codes."""

_EPS = DBL_EPSILON
_ONE_M_EPS = 1 - DBL_EPSILON
_M_PI = 3.141592653589793238462643383280


# --- links ----------------------------------------------------------------------------
@scalar_kernel
def _cpp_max_eps(v):
    """C++ ``std::max(ε, v)``: ``ε < v ? v : ε`` (a NaN v gives ε)."""
    return v if _EPS < v else _EPS


@scalar_kernel
def _cpp_min_one(v):
    """C++ ``std::min(1 − ε, v)``: ``v < 1 − ε ? v : 1 − ε`` (a NaN v gives 1 − ε)."""
    return v if v < _ONE_M_EPS else _ONE_M_EPS


@kernel
def link_kernel(code, derivative, eta, out):
    """``out = linkInv(η)`` (``derivative`` 0) or ``muEta(η)`` (1), lme4's C++ with its clamps."""
    n = eta.size
    if derivative == 0:
        if code == 0:
            for i in range(n):
                out[i] = _cpp_max_eps(_cpp_min_one(plogis1(eta[i])))
        elif code == 1:
            for i in range(n):
                out[i] = _cpp_min_one(pnorm1(eta[i]))
        elif code == 2:
            for i in range(n):
                out[i] = _cpp_min_one(pcauchy1(eta[i]))
        elif code == 3:
            for i in range(n):
                out[i] = _cpp_max_eps(_cpp_min_one(-math.expm1(-math.exp(eta[i]))))
        elif code == 4:
            for i in range(n):
                out[i] = eta[i]
        elif code == 5:
            for i in range(n):
                out[i] = _cpp_max_eps(math.exp(eta[i]))
        else:
            for i in range(n):
                out[i] = 1 / eta[i]
    else:
        if code == 0:
            for i in range(n):
                out[i] = _cpp_max_eps(dlogis1(eta[i]))
        elif code == 1:
            for i in range(n):
                out[i] = dnorm1(eta[i])
        elif code == 2:
            for i in range(n):
                out[i] = dcauchy1(eta[i])
        elif code == 3:
            for i in range(n):  # lme4's dgumbel2(x, 0, 1): exp(x − exp(x) − log(1))
                out[i] = _cpp_max_eps(math.exp(eta[i] - math.exp(eta[i]) - 0.0))
        elif code == 4:
            for i in range(n):
                out[i] = 1.0
        elif code == 5:
            for i in range(n):
                out[i] = _cpp_max_eps(math.exp(eta[i]))
        else:
            for i in range(n):
                inv = 1 / eta[i]
                out[i] = -(inv * inv)


# --- variance and deviance residuals ------------------------------------------------------
@kernel
def variance_kernel(code, mu, theta, out):
    """lme4's ``variance(μ)``: binomial max(ε, μ(1−μ)), μ, μ², μ³ (``cube()``), 1, μ + μ²/θ."""
    n = mu.size
    for i in range(n):
        m = mu[i]
        if code == 0:
            v = m * (1 - m)
            out[i] = v if _EPS < v else _EPS
        elif code == 1:
            out[i] = m
        elif code == 2:
            out[i] = m * m
        elif code == 3:
            out[i] = m * m * m
        elif code == 4:
            out[i] = 1.0
        else:
            out[i] = m + m * m / theta


@scalar_kernel
def _log_n0(v):
    """lme4's ``logN0``: ``v ? log(v) : 0`` (a NaN is truthy)."""
    return 0.0 if v == 0 else math.log(v)


@scalar_kernel
def _binomial_dev_resids(y, mu, wt, out):
    """Binomial ``devResid``: 2 wt (Y_log_Y(y, μ) + Y_log_Y(1 − y, 1 − μ)).

    For 0/1 responses one of the two ratios is 0 on every row and only the other needs a
    ``log``; which one varies at random, and branching on it costs more than the ``log``.
    So when no row has both ratios non-zero (a vectorised check), one branch-free loop
    takes the ``log`` of the non-zero ratio (of 1 when both are 0: log 1 = 0 exactly) and
    selects where it goes: the same values as ``logN0`` of each ratio.
    """
    n = y.size
    both = 0
    for i in range(n):
        both += (y[i] / mu[i] != 0) & ((1.0 - y[i]) / (1.0 - mu[i]) != 0)
    if both:
        for i in range(n):
            yi = y[i]
            m = mu[i]
            out[i] = 2.0 * wt[i] * (yi * _log_n0(yi / m) + (1.0 - yi) * _log_n0((1.0 - yi) / (1.0 - m)))
        return
    for i in range(n):
        yi = y[i]
        m = mu[i]
        a = yi / m
        b = (1.0 - yi) / (1.0 - m)
        a_zero = a == 0
        r = b if a_zero else a
        lr = math.log(1.0 if r == 0 else r)
        la = 0.0 if a_zero else lr
        lb = lr if a_zero else 0.0  # both ratios 0: lr = log 1 = 0 = logN0(0)
        out[i] = 2.0 * wt[i] * (yi * la + (1.0 - yi) * lb)


@kernel
def dev_resids_kernel(code, y, mu, wt, theta, out):
    """lme4's ``devResid(y, μ, wt)`` per row (``Y_log_Y(y, μ) = y·logN0(y/μ)``)."""
    if code == 0:
        _binomial_dev_resids(y, mu, wt, out)
        return
    n = y.size
    for i in range(n):
        yi = y[i]
        m = mu[i]
        w = wt[i]
        if code == 1:
            out[i] = 2.0 * w * (yi * _log_n0(yi / m) - (yi - m))
        elif code == 2:
            out[i] = -2.0 * w * (_log_n0(yi / m) - (yi - m) / m)
        elif code == 3:
            d = yi - m
            out[i] = w * (d * d) / (yi * (m * m))
        elif code == 4:
            d = yi - m
            out[i] = w * (d * d)
        else:
            out[i] = 2.0 * w * (yi * _log_n0(yi / m)
                                - (yi + theta) * math.log((yi + theta) / (m + theta)))


# --- aic ----------------------------------------------------------------------------------
@scalar_kernel
def _binomial_aic(y, n, mu, wt, consts):
    """Binomial ``aic``: −2 Σ (m > 0 ? wt/m : 0) log dbinom(round(m y), round(m), μ).

    When every row is one Bernoulli trial (round(m) = 1, round(m y) ∈ {0, 1}, 0 < μ < 1),
    R's ``dbinom`` reduces to its x = 0 / x = n branch — ``log(big)``, or Loader's
    ``−bd0(1, big) − small`` when ``small < 0.1`` — with (small, big) = (μ, 1 − μ) or
    (1 − μ, μ) and factor wt/1 = wt: that loop selects instead of branching on y and skips
    the checks those rows pass.  Any other row takes R's full ``dbinom``.
    """
    size = y.size
    use_n = False  # lme4: m = any(n > 1) ? n : wt
    for i in range(size):
        if n[i] > 1:
            use_n = True
            break
    trials = 0  # rows that are one Bernoulli trial (a count: `&` and `+=` vectorise, `and` does not)
    for i in range(size):
        mi = n[i] if use_n else wt[i]
        yy = np.rint(mi * y[i])
        trials += (np.rint(mi) == 1.0) & ((yy == 0.0) | (yy == 1.0)) & (mu[i] > 0.0) & (mu[i] < 1.0)
    s = 0.0
    if trials == size:
        for i in range(size):
            mi = n[i] if use_n else wt[i]
            p = mu[i]
            q = 1 - p
            x_zero = np.rint(mi * y[i]) == 0.0
            small = p if x_zero else q
            big = q if x_zero else p
            logd = 1.0 * math.log(big)
            if small < 0.1:
                logd = -bd01(1.0, 1.0 * big) - 1.0 * small
            term = wt[i] / 1.0 * logd
            s = term if i == 0 else s + term
        return -2.0 * s
    for i in range(size):
        mi = n[i] if use_n else wt[i]
        yy = np.rint(mi * y[i])
        mr = np.rint(mi)
        factor = 0.0 if mr <= 0.0 else wt[i] / mr
        logd, _ = dbinom_log1(yy, mr, mu[i], consts)
        term = factor * logd
        s = term if i == 0 else s + term
    return -2.0 * s


@kernel
def aic_kernel(code, y, n, mu, wt, dev, theta, consts, table):
    """lme4's ``aic(y, n, μ, wt, dev)``, every sum left to right (codes as :data:`KIND_CODES`)."""
    size = y.size
    if code == 0:
        return _binomial_aic(y, n, mu, wt, consts)
    if code == 1:
        s = 0.0
        for i in range(size):
            logd, _ = dpois_log1(y[i], mu[i], consts, table)
            term = logd * wt[i]
            s = term if i == 0 else s + term
        return -2.0 * s
    if code == 2:
        disp = dev / left_sum(wt)
        invdisp = 1.0 / disp
        st = dpois_stirlerr(dgamma_count(invdisp), consts)  # every row has this shape: once
        s = 0.0
        for i in range(size):
            term = wt[i] * dgamma_log_st(y[i], invdisp, mu[i] * disp, st, consts, table)
            s = term if i == 0 else s + term
        return -2.0 * s + 2.0
    if code == 3:
        wtsum = left_sum(wt)
        s = 0.0
        for i in range(size):
            term = math.log(y[i]) * wt[i]
            s = term if i == 0 else s + term
        return wtsum * (math.log(dev / wtsum * 2.0 * _M_PI) + 1.0) + 3.0 * s + 2.0
    if code == 4:
        nn = float(size)
        s = 0.0
        for i in range(size):
            term = math.log(wt[i])
            s = term if i == 0 else s + term
        return nn * (math.log(2.0 * _M_PI * dev / nn) + 1.0) + 2.0 - s
    lgt = math.lgamma(theta)
    tlt = theta * math.log(theta)
    s = 0.0
    for i in range(size):
        yi = y[i]
        term = (wt[i] * (yi + theta) * math.log(mu[i] + theta) - yi * math.log(mu[i])
                + math.lgamma(yi + 1) - tlt + lgt - math.lgamma(theta + yi))
        s = term if i == 0 else s + term
    return 2.0 * s


# --- Python entry points (the reference's broadcasting) ---------------------------------------
def _read_only(vector: np.ndarray) -> np.ndarray:
    """A read-only view: Numba compiles read-only and writable arrays separately, and the
    callers' arrays are either (a fitted model's are frozen), so kernels always get these."""
    view = vector.view()
    view.flags.writeable = False
    return view


def _vectors(*args):
    """The arguments as read-only contiguous float64 vectors of one length, and their shape."""
    arrays = [np.asarray(a, dtype=float) for a in args]
    shape = arrays[0].shape
    if not all(a.shape == shape and a.flags.c_contiguous for a in arrays):
        arrays = np.broadcast_arrays(*arrays)
        shape = arrays[0].shape
        arrays = [np.ascontiguousarray(a) for a in arrays]
    return shape, [_read_only(a.reshape(-1)) for a in arrays]



def _link(name: str, derivative: int, eta) -> np.ndarray:
    shape, (flat,) = _vectors(eta)
    out = np.empty(flat.size)
    link_kernel(LINK_CODES[name], derivative, flat, out)
    return out.reshape(shape)


def linkinv(name: str, eta) -> np.ndarray:
    """lme4's C++ ``linkInv`` for a link in :data:`LINK_CODES`, same shape as ``eta``."""
    return _link(name, 0, eta)


def mu_eta(name: str, eta) -> np.ndarray:
    """lme4's C++ ``muEta`` for a link in :data:`LINK_CODES`, same shape as ``eta``."""
    return _link(name, 1, eta)


def _theta(theta) -> float:
    return math.nan if theta is None else float(theta)


def variance(kind: str, mu, theta=None) -> np.ndarray:
    """lme4's C++ ``variance`` for a family kind in :data:`KIND_CODES`."""
    shape, (flat,) = _vectors(mu)
    out = np.empty(flat.size)
    variance_kernel(KIND_CODES[kind], flat, _theta(theta), out)
    return out.reshape(shape)


def dev_resids(kind: str, y, mu, wt, theta=None) -> np.ndarray:
    """lme4's C++ ``devResid`` for a family kind in :data:`KIND_CODES` (arguments broadcast)."""
    shape, (yv, muv, wtv) = _vectors(y, mu, wt)
    out = np.empty(yv.size)
    dev_resids_kernel(KIND_CODES[kind], yv, muv, wtv, _theta(theta), out)
    return out.reshape(shape)


def aic(kind: str, y, n, mu, wt, dev, theta=None) -> float:
    """lme4's C++ ``aic`` for a family kind in :data:`KIND_CODES` (arguments broadcast)."""
    _, (yv, nv, muv, wtv) = _vectors(y, n, mu, wt)
    consts, table = constants()
    return float(aic_kernel(KIND_CODES[kind], yv, nv, muv, wtv, float(dev), _theta(theta), consts, table))
