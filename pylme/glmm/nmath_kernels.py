"""R's normal, logistic and Cauchy functions as compiled scalar kernels (R 4.2.2 nmath).

The scalar counterparts of :mod:`pylme.glmm.nmath` (the NumPy reference, tested against
R's values), for lme4's C++ links (``Rf_pnorm5``, ``Rf_dnorm4``, ``Rf_plogis``,
``Rf_dlogis``, ``Rf_pcauchy``, ``Rf_dcauchy`` with location 0, scale 1, lower tail, not
log).  Every operation is the reference's, in the reference's order, so the two agree to
the last bit (``tests/unit/glmm/test_kernels_nmath.py``).
"""

from __future__ import annotations

import math

import numpy as np

from pylme.glmm.jit import scalar_kernel
from pylme.glmm.nmath import _A, _B, _C, _D, _P, _Q, DBL_EPSILON, M_1_SQRT_2PI, M_LN2, M_PI, M_SQRT_32

__all__ = ["pnorm1", "dnorm1", "plogis1", "dlogis1", "pcauchy1", "dcauchy1"]

_HALF_EPS = DBL_EPSILON * 0.5
# above this |x| the normal density underflows to 0 (R: sqrt(-2 M_LN2 (DBL_MIN_EXP + 1 - DBL_MANT_DIG)))
_DNORM_UNDER = float(np.sqrt(-2 * M_LN2 * (-1021 + 1 - 53)))


@scalar_kernel
def _tail_product(x, temp):
    """exp(−x²/2)·temp with x² split at 1/16 (Cody's ``do_del``), as the reference."""
    xsq = np.trunc(x * 16) / 16
    dl = (x - xsq) * (x + xsq)
    return math.exp(-xsq * (xsq * 0.5)) * math.exp(-(dl * 0.5)) * temp


@scalar_kernel
def pnorm1(x):
    """R's ``pnorm(x)`` (lower tail): Cody's algorithm (nmath ``pnorm_both``)."""
    if math.isnan(x):
        return x
    if math.isinf(x):
        return 1.0 if x > 0 else 0.0
    y = abs(x)
    if y <= 0.67448975:
        xnum = 0.0
        xden = 0.0
        if y > _HALF_EPS:
            xsq = x * x
            xnum = _A[4] * xsq
            xden = xsq
            for i in range(3):
                xnum = (xnum + _A[i]) * xsq
                xden = (xden + _B[i]) * xsq
        return 0.5 + x * (xnum + _A[3]) / (xden + _B[3])
    if y <= M_SQRT_32:
        xnum = _C[8] * y
        xden = y
        for i in range(7):
            xnum = (xnum + _C[i]) * y
            xden = (xden + _D[i]) * y
        temp = (xnum + _C[7]) / (xden + _D[7])
        cum = _tail_product(y, temp)
        return 1.0 - cum if x > 0 else cum
    if x > -37.5193 and x < 8.2924:
        xsq = 1.0 / (x * x)
        xnum = _P[5] * xsq
        xden = xsq
        for i in range(4):
            xnum = (xnum + _P[i]) * xsq
            xden = (xden + _Q[i]) * xsq
        temp = xsq * (xnum + _P[4]) / (xden + _Q[4])
        temp = (M_1_SQRT_2PI - temp) / y
        cum = _tail_product(x, temp)
        return 1.0 - cum if x > 0 else cum
    return 1.0 if x > 0 else 0.0


@scalar_kernel
def dnorm1(x):
    """R's ``dnorm(x)``; for |x| ≥ 5 the square is split as R splits it."""
    x = abs(x)
    if math.isnan(x):
        return x
    if x < 5:
        return M_1_SQRT_2PI * math.exp(-0.5 * x * x)
    if math.isinf(x) or x > _DNORM_UNDER:
        return 0.0
    # x·2^16 and its rounding back by 2^-16 are exact power-of-two scalings
    x1 = np.rint(x * 65536.0) / 65536.0
    x2 = x - x1
    return M_1_SQRT_2PI * (math.exp(-0.5 * x1 * x1) * math.exp((-0.5 * x2 - x1) * x2))


@scalar_kernel
def plogis1(x):
    """R's ``plogis(x) = 1 / (1 + exp(−x))``."""
    return 1.0 / (1.0 + math.exp(-x))


@scalar_kernel
def dlogis1(x):
    """R's ``dlogis(x) = e / (1 + e)²`` with e = exp(−|x|)."""
    e = math.exp(-abs(x))
    f = 1.0 + e
    return e / (f * f)


@scalar_kernel
def pcauchy1(x):
    """R's ``pcauchy(x)``: ``atan(1/x)/π`` for |x| > 1 (Welinder), ±Inf give 1 and 0."""
    if math.isinf(x):
        return 1.0 if x > 0 else 0.0
    if abs(x) > 1:
        y = math.atan(1.0 / x) / M_PI
        return 0.5 - y + 0.5 if x > 0 else -y
    return 0.5 + math.atan(x) / M_PI


@scalar_kernel
def dcauchy1(x):
    """R's ``dcauchy(x) = 1 / (π (1 + x²))``."""
    return 1.0 / (M_PI * (1.0 + x * x))
