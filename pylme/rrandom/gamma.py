"""R's gamma generator (R 4.2 ``rgamma.c``).

``shape >= 1``: Ahrens & Dieter (1982) algorithm GD (a normal deviate, then squeeze,
quotient and double-exponential hat tests); ``shape < 1``: Ahrens & Dieter (1974)
algorithm GS.  R caches the shape-dependent constants of GD in static variables
(``aa`` for step 1, ``aaa`` for step 4); here they are ``cache``:
``aa, aaa, s, s2, d, q0, b, si, c``.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import rkernel
from .exponential import exp_rand
from .mersenne import unif_rand
from .normal import norm_rand

__all__ = ["new_cache", "rgamma_fill"]

_SQRT32 = 5.656854
_EXP_M1 = 0.36787944117144232159
_Q1, _Q2, _Q3, _Q4, _Q5, _Q6, _Q7 = 0.04166669, 0.02083148, 0.00801191, 0.00144121, -7.388e-5, 2.4511e-4, 2.424e-4
_A1, _A2, _A3, _A4 = 0.3333333, -0.250003, 0.2000062, -0.1662921
_A5, _A6, _A7 = 0.1423657, -0.1367177, 0.1233795
_AA, _AAA, _S, _S2, _D, _Q0, _B, _SI, _C = range(9)


def new_cache() -> np.ndarray:
    """R's statics before the first call (``aa = aaa = 0``)."""
    return np.zeros(9)


@rkernel
def _quotient(q0, s, s2, t, v):
    # log of the quotient of the gamma and normal densities (R's steps 6 and 10)
    if math.fabs(v) <= 0.25:
        return q0 + 0.5 * t * t * ((((((_A7 * v + _A6) * v + _A5) * v + _A4) * v + _A3) * v + _A2) * v + _A1) * v
    return q0 - s * t + 0.25 * t * t + (s2 + s2) * math.log(1.0 + v)


@rkernel
def _rgamma1(st, cs, a, scale):
    if math.isnan(a) or math.isnan(scale):
        return math.nan
    if a <= 0.0 or scale <= 0.0:
        if scale == 0. or a == 0.:
            return 0.
        return math.nan
    if not math.isfinite(a) or not math.isfinite(scale):
        return math.inf
    if a < 1.0:  # GS
        e = 1.0 + _EXP_M1 * a
        while True:
            p = e * unif_rand(st)
            if p >= 1.0:
                x = -math.log((e - p) / a)
                if exp_rand(st) >= (1.0 - a) * math.log(x):
                    break
            else:
                x = math.exp(math.log(p) / a)
                if exp_rand(st) >= x:
                    break
        return scale * x
    # GD, step 1
    if a != cs[_AA]:
        cs[_AA] = a
        cs[_S2] = a - 0.5
        cs[_S] = math.sqrt(cs[_S2])
        cs[_D] = _SQRT32 - cs[_S] * 12.0
    s = cs[_S]
    s2 = cs[_S2]
    # step 2: immediate acceptance
    t = norm_rand(st)
    x = s + 0.5 * t
    ret_val = x * x
    if t >= 0.0:
        return scale * ret_val
    # step 3: squeeze
    u = unif_rand(st)
    if cs[_D] * u <= t * t * t:
        return scale * ret_val
    # step 4
    if a != cs[_AAA]:
        cs[_AAA] = a
        r = 1.0 / a
        cs[_Q0] = ((((((_Q7 * r + _Q6) * r + _Q5) * r + _Q4) * r + _Q3) * r + _Q2) * r + _Q1) * r
        if a <= 3.686:
            cs[_B] = 0.463 + s + 0.178 * s2
            cs[_SI] = 1.235
            cs[_C] = 0.195 / s - 0.079 + 0.16 * s
        elif a <= 13.022:
            cs[_B] = 1.654 + 0.0076 * s2
            cs[_SI] = 1.68 / s + 0.275
            cs[_C] = 0.062 / s + 0.024
        else:
            cs[_B] = 1.77
            cs[_SI] = 0.75
            cs[_C] = 0.1515 / s
    q0 = cs[_Q0]
    # steps 5-7: quotient acceptance
    if x > 0.0:
        v = t / (s + s)
        q = _quotient(q0, s, s2, t, v)
        if math.log(1.0 - u) <= q:
            return scale * ret_val
    # steps 8-11: double exponential hat
    b = cs[_B]
    si = cs[_SI]
    c = cs[_C]
    while True:
        e = exp_rand(st)
        u = unif_rand(st)
        u = u + u - 1.0
        if u < 0.0:
            t = b - si * e
        else:
            t = b + si * e
        if t >= -0.71874483771719:
            v = t / (s + s)
            q = _quotient(q0, s, s2, t, v)
            if q > 0.0:
                w = math.expm1(q)
                if c * math.fabs(u) <= w * math.exp(e - 0.5 * t * t):
                    break
    x = s + 0.5 * t
    return scale * x * x


@rkernel
def rgamma_fill(st, cache, out, shape, scale):
    """R's ``rgamma`` with ``shape``/``scale`` recycled; returns whether a NaN was produced."""
    na = shape.size
    nb = scale.size
    nan_made = False
    for i in range(out.size):
        out[i] = _rgamma1(st, cache, shape[i % na], scale[i % nb])
        if math.isnan(out[i]):
            nan_made = True
    return nan_made
