"""R's Poisson generator (R 4.2 ``rpois.c``): Ahrens & Dieter (1982).

``mu < 10``: inversion against a table of cumulative probabilities ``pp[]`` that R
builds lazily and keeps between calls with the same ``mu``.  ``mu >= 10``: a normal
deviate ``mu + sqrt(mu) N`` accepted at once or by a squeeze, else the exponential
"hat" with Hermite-corrected discrete normal probabilities.

R keeps all of this in static variables; here they live in ``cache`` (one per stream),
read and written exactly where R's code does, so a stream reproduces R's values after
any history of parameters.  Layout: ``l, m, b1, b2, c, c0, c1, c2, c3, p0, p, q, s, d,
omega, big_l, muprev, muprev2`` then ``pp[0..35]``.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import rkernel
from .exponential import exp_rand
from .mersenne import unif_rand
from .normal import norm_rand

__all__ = ["new_cache", "rpois_fill"]

_FACT = np.array([1., 1., 2., 6., 24., 120., 720., 5040., 40320., 362880.])
_A0, _A1, _A2, _A3 = -0.5, 0.3333333, -0.2500068, 0.2000118
_A4, _A5, _A6, _A7 = -0.1661269, 0.1421878, -0.1384794, 0.1250060
_ONE_7 = 0.1428571428571428571
_ONE_12 = 0.0833333333333333333
_ONE_24 = 0.0416666666666666667
_M_1_SQRT_2PI = 0.398942280401432677939946059934
_L, _M, _B1, _B2, _C, _C0, _C1, _C2, _C3, _P0, _P, _Q, _S, _D, _OMEGA, _BIGL, _MUPREV, _MUPREV2 = range(18)
_PP = 18


def new_cache() -> np.ndarray:
    """R's statics before the first call (all zero: ``muprev = muprev2 = 0``)."""
    return np.zeros(_PP + 36)


@rkernel
def _small_mu(st, cs, mu):
    # Case B: inversion with the table pp[] (persistent while mu is unchanged)
    if mu != cs[_MUPREV]:
        cs[_MUPREV] = mu
        cs[_M] = max(1, int(mu))
        cs[_L] = 0
        cs[_P0] = math.exp(-mu)
        cs[_P] = cs[_P0]
        cs[_Q] = cs[_P0]
    m = int(cs[_M])
    while True:
        u = unif_rand(st)
        if u <= cs[_P0]:
            return 0.0
        l = int(cs[_L])
        if l != 0:
            k = 1 if u <= 0.458 else min(l, m)
            while k <= l:
                if u <= cs[_PP + k]:
                    return float(k)
                k += 1
            if l == 35:
                continue
        l += 1
        p = cs[_P]
        q = cs[_Q]
        for k in range(l, 36):
            p *= mu / k
            q += p
            cs[_PP + k] = q
            if u <= q:
                cs[_P] = p
                cs[_Q] = q
                cs[_L] = k
                return float(k)
        cs[_P] = p
        cs[_Q] = q
        cs[_L] = 35


@rkernel
def _procedure_f(cs, mu, pois, fk, difmuk):
    # R's 'subroutine' F: px, py (Poisson) and fx, fy (discrete normal) at pois
    s = cs[_S]
    if pois < 10:
        px = -mu
        py = mu ** pois / _FACT[int(pois)]
    else:
        dl = _ONE_12 / fk
        dl = dl * (1. - 4.8 * dl * dl)
        v = difmuk / fk
        if math.fabs(v) <= 0.25:
            px = fk * v * v * (((((((_A7 * v + _A6) * v + _A5) * v + _A4) * v + _A3) * v + _A2) * v + _A1) * v
                               + _A0) - dl
        else:
            px = fk * math.log(1. + v) - difmuk - dl
        py = _M_1_SQRT_2PI / math.sqrt(fk)
    x = (0.5 - difmuk) / s
    x *= x
    fx = -0.5 * x
    fy = cs[_OMEGA] * (((cs[_C3] * x + cs[_C2]) * x + cs[_C1]) * x + cs[_C0])
    return px, py, fx, fy


@rkernel
def _rpois1(st, cs, mu):
    if not math.isfinite(mu) or mu < 0:
        return math.nan
    if mu <= 0.0:
        return 0.0
    big_mu = mu >= 10.0
    new_big_mu = False
    if not (big_mu and mu == cs[_MUPREV]):
        if big_mu:
            new_big_mu = True
            cs[_MUPREV] = mu
            cs[_S] = math.sqrt(mu)
            cs[_D] = 6. * mu * mu
            cs[_BIGL] = math.floor(mu - 1.1484)
        else:
            return _small_mu(st, cs, mu)
    s = cs[_S]
    pois = -1.0
    fk = 0.0
    difmuk = 0.0
    u = 0.0
    # Step N: normal sample
    g = mu + s * norm_rand(st)
    if g >= 0.0:
        pois = math.floor(g)
        if pois >= cs[_BIGL]:  # Step I: immediate acceptance
            return pois
        fk = pois
        difmuk = mu - fk
        u = unif_rand(st)  # Step S: squeeze acceptance
        if cs[_D] * u >= difmuk * difmuk * difmuk:
            return pois
    # Step P: the hat's constants, recomputed when mu changed since they were last set
    if new_big_mu or mu != cs[_MUPREV2]:
        cs[_MUPREV2] = mu
        cs[_OMEGA] = _M_1_SQRT_2PI / s
        b1 = _ONE_24 / mu
        b2 = 0.3 * b1 * b1
        c3 = _ONE_7 * b1 * b2
        cs[_B1] = b1
        cs[_B2] = b2
        cs[_C3] = c3
        cs[_C2] = b2 - 15. * c3
        cs[_C1] = b1 - 6. * b2 + 45. * c3
        cs[_C0] = 1. - b1 + 3. * b2 - 15. * c3
        cs[_C] = 0.1069 / mu
    if g >= 0.0:
        # Step Q: quotient acceptance (rare)
        px, py, fx, fy = _procedure_f(cs, mu, pois, fk, difmuk)
        if fy - u * fy <= py * math.exp(px - fx):
            return pois
    while True:
        # Step E: double exponential ("Laplace") hat
        e = exp_rand(st)
        u = 2 * unif_rand(st) - 1.
        t = 1.8 + (math.fabs(e) if u >= 0 else -math.fabs(e))
        if t > -0.6744:
            pois = math.floor(mu + s * t)
            fk = pois
            difmuk = mu - fk
            px, py, fx, fy = _procedure_f(cs, mu, pois, fk, difmuk)
            # Step H: hat acceptance
            if cs[_C] * math.fabs(u) <= py * math.exp(px + e) - fy * math.exp(fx + e):
                return pois


@rkernel
def rpois_fill(st, cache, out, lam):
    """R's ``rpois`` with ``lambda`` recycled; returns whether a NaN was produced."""
    nl = lam.size
    nan_made = False
    for i in range(out.size):
        out[i] = _rpois1(st, cache, lam[i % nl])
        if math.isnan(out[i]):
            nan_made = True
    return nan_made
