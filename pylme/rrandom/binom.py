"""R's binomial generator (R 4.2 ``rbinom.c``): inversion for ``n min(p,1-p) < 30``, else BTPE.

Kachitvichyanukul & Schmeiser (1988).  R keeps the set-up of the last ``(n, p)`` in
static variables and reuses it when the next call has the same parameters; here that
memory is the array ``cache`` (one per stream).  Every cached value is a function of
``(n, p)`` alone, so reusing it changes no draw; it is kept to mirror R's code path.

Layout of ``cache``: ``c, fm, npq, p1, p2, p3, p4, qn, xl, xll, xlr, xm, xr, psave,
nsave, m``; a fresh cache has ``psave = nsave = -1``.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import rkernel
from .mersenne import unif_rand

__all__ = ["new_cache", "rbinom_fill"]

_INT_MAX = 2147483647.0


def new_cache() -> np.ndarray:
    """The state of R's statics before the first call."""
    cache = np.zeros(16)
    cache[13] = -1.0
    cache[14] = -1.0
    return cache


@rkernel
def _int32(v):
    # the value C's 32-bit int arithmetic leaves (it wraps on the x86-64 build of R)
    return ((v + 2147483648) % 4294967296) - 2147483648


@rkernel
def _stirling(x):
    # the correction term of R's final acceptance test, for one argument
    x2 = x * x
    return (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2) / x / 166320.0


@rkernel
def _rbinom1(st, cache, nin, pp):
    if not math.isfinite(nin):
        return math.nan
    r = nin
    if math.floor(r) != nin:  # R: R_forceint(nin) != nin
        return math.nan
    if not math.isfinite(pp) or r < 0 or pp < 0.0 or pp > 1.0:
        return math.nan
    if r == 0 or pp == 0.0:
        return 0.0
    if pp == 1.0:
        return r
    n = int(r)
    p = min(pp, 1.0 - pp)
    q = 1.0 - p
    np_ = n * p
    r = p / q
    g = r * (n + 1)
    if pp != cache[13] or n != cache[14]:
        cache[13] = pp
        cache[14] = n
        if np_ < 30.0:
            cache[7] = _pow_di(q, n)
        else:
            ffm = np_ + p
            m = int(ffm)
            fm = float(m)
            npq = np_ * q
            p1 = int(2.195 * math.sqrt(npq) - 4.6 * q) + 0.5
            xm = fm + 0.5
            xl = xm - p1
            xr = xm + p1
            c = 0.134 + 20.5 / (15.3 + fm)
            al = (ffm - xl) / (ffm - xl * p)
            xll = al * (1.0 + 0.5 * al)
            al = (xr - ffm) / (xr * q)
            xlr = al * (1.0 + 0.5 * al)
            p2 = p1 * (1.0 + c + c)
            p3 = p2 + c / xll
            p4 = p3 + c / xlr
            cache[0] = c
            cache[1] = fm
            cache[2] = npq
            cache[3] = p1
            cache[4] = p2
            cache[5] = p3
            cache[6] = p4
            cache[8] = xl
            cache[9] = xll
            cache[10] = xlr
            cache[11] = xm
            cache[12] = xr
            cache[15] = m
    if np_ < 30.0:
        ix = _inversion(st, cache[7], g, r)
    else:
        ix = _btpe(st, cache, n, p, q, g, r)
    if cache[13] > 0.5:
        ix = n - ix
    return float(ix)


@rkernel
def _pow_di(x, n):
    # R's R_pow_di: x^n by binary powering, in R's order of products
    pow_ = 1.0
    if math.isnan(x):
        return x
    if n != 0:
        if not math.isfinite(x):
            return x ** n
        is_neg = n < 0
        if is_neg:
            n = -n
        while True:
            if n & 1:
                pow_ *= x
            n >>= 1
            if n:
                x *= x
            else:
                break
        if is_neg:
            pow_ = 1.0 / pow_
    return pow_


@rkernel
def _inversion(st, qn, g, r):
    while True:
        ix = 0
        f = qn
        u = unif_rand(st)
        while True:
            if u < f:
                return ix
            if ix > 110:
                break
            u -= f
            ix += 1
            f *= (g / ix - r)


@rkernel
def _btpe(st, cache, n, p, q, g, r):
    c = cache[0]
    fm = cache[1]
    npq = cache[2]
    p1 = cache[3]
    p2 = cache[4]
    p3 = cache[5]
    p4 = cache[6]
    xl = cache[8]
    xll = cache[9]
    xlr = cache[10]
    xm = cache[11]
    xr = cache[12]
    m = int(cache[15])
    while True:
        u = unif_rand(st) * p4
        v = unif_rand(st)
        if u <= p1:  # triangular region
            return int(xm - p1 * v + u)
        if u <= p2:  # parallelogram
            x = xl + (u - p1) / c
            v = v * c + 1.0 - math.fabs(xm - x) / p1
            if v > 1.0 or v <= 0.0:
                continue
            ix = int(x)
        elif u > p3:  # right tail
            ix = int(xr - math.log(v) / xlr)
            if ix > n:
                continue
            v = v * (u - p3) * xlr
        else:  # left tail
            ix = int(xl + math.log(v) / xll)
            if ix < 0:
                continue
            v = v * (u - p2) * xll
        k = abs(ix - m)
        if k <= 20 or k >= npq / 2 - 1:
            f = 1.0
            if m < ix:
                for i in range(m + 1, ix + 1):
                    f *= (g / i - r)
            elif m != ix:
                for i in range(ix + 1, m + 1):
                    f /= (g / i - r)
            if v <= f:
                return ix
        else:
            amaxp = (k / npq) * ((k * (k / 3. + 0.625) + 0.1666666666666) / npq + 0.5)
            ynorm = _int32(-k * k) / (2.0 * npq)  # C's int product, 32-bit
            alv = math.log(v)
            if alv < ynorm - amaxp:
                return ix
            if alv <= ynorm + amaxp:
                x1 = ix + 1
                f1 = fm + 1.0
                z = n + 1 - fm
                w = n - ix + 1.0
                bound = (xm * math.log(f1 / x1) + (n - m + 0.5) * math.log(z / w)
                         + (ix - m) * math.log(w * p / (x1 * q))
                         + _stirling(f1) + _stirling(z) + _stirling(x1) + _stirling(w))
                if alv <= bound:
                    return ix


@rkernel
def rbinom_fill(st, cache, out, size, prob):
    """R's ``rbinom`` with ``size``/``prob`` recycled; returns whether a NaN was produced.

    ``size >= 2^31 - 1`` (where R switches to ``qbinom``) is refused by the caller.
    """
    ns = size.size
    npr = prob.size
    nan_made = False
    for i in range(out.size):
        out[i] = _rbinom1(st, cache, size[i % ns], prob[i % npr])
        if math.isnan(out[i]):
            nan_made = True
    return nan_made
