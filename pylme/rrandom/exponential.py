"""R's exponential generator (R 4.2 ``sexp.c``, ``rexp.c``): Ahrens & Dieter (1972) algorithm SA.

The integer part of the deviate counts the doublings of one uniform until it exceeds 1
(each worth ``log 2``); the fraction is accepted at once when the remainder is at most
``log 2``, otherwise it is ``log 2`` times the minimum of further uniforms, drawn until the
remainder falls below the cumulative Poisson-like table ``q``.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import rkernel
from .mersenne import unif_rand

__all__ = ["exp_rand", "rexp_fill"]

# q[k-1] = sum_{j=1..k} log(2)^j / j!, the constants of R's sexp.c (q[15] == 1 in double precision)
_Q = np.array([
    0.6931471805599453, 0.9333736875190459, 0.9888777961838675, 0.9984959252914960,
    0.9998292811061389, 0.9999833164100727, 0.9999985691438767, 0.9999998906925558,
    0.9999999924734159, 0.9999999995283275, 0.9999999999728814, 0.9999999999985598,
    0.9999999999999289, 0.9999999999999968, 0.9999999999999999, 1.0000000000000000,
])


@rkernel
def exp_rand(st):
    """R's ``exp_rand``: one standard exponential deviate."""
    q = _Q
    a = 0.0
    u = unif_rand(st)
    while u <= 0.0 or u >= 1.0:
        u = unif_rand(st)
    while True:
        u += u
        if u > 1.0:
            break
        a += q[0]
    u -= 1.0
    if u <= q[0]:
        return a + u
    i = 0
    ustar = unif_rand(st)
    umin = ustar
    while True:
        ustar = unif_rand(st)
        if umin > ustar:
            umin = ustar
        i += 1
        if not (u > q[i]):
            break
    return a + umin * q[0]


@rkernel
def rexp_fill(st, out, scale):
    """R's ``rexp(n, rate)`` (``scale = 1/rate`` recycled): ``scale * exp_rand()``.

    ``scale == 0`` gives 0 and a non-finite or negative scale NaN, without a draw.
    Returns whether a NaN was produced.
    """
    ns = scale.size
    nan_made = False
    for i in range(out.size):
        sc = scale[i % ns]
        if not math.isfinite(sc) or sc <= 0.0:
            if sc == 0.0:
                out[i] = 0.0
            else:
                out[i] = math.nan
                nan_made = True
        else:
            out[i] = sc * exp_rand(st)
    return nan_made
