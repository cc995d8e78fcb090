"""R's normal generator with ``normal.kind = "Inversion"`` (R 4.2 ``snorm.c``, ``qnorm.c``).

``norm_rand`` widens one uniform to 27 + 32 bits with a second one,
``u = (int)(2^27 u1) + u2``, and returns ``qnorm(u / 2^27)``.  The quantile is
Wichura's AS 241 (``PPND16``) exactly as R's ``qnorm5`` evaluates it for
``lower_tail = TRUE, log_p = FALSE`` (the rational functions in R's Horner order,
``1 - p`` as ``0.5 - p + 0.5``), so the draws are R's to the bit.
"""

from __future__ import annotations

import math

from ._jit import rkernel
from .mersenne import unif_rand

__all__ = ["qnorm_std", "norm_rand", "rnorm_fill"]

_BIG = 134217728.0  # 2^27


@rkernel
def qnorm_std(p):
    """R's ``qnorm5(p, 0, 1, TRUE, FALSE)`` (AS 241) for ``p`` in [0, 1]."""
    if math.isnan(p):
        return p
    if p == 0.0:
        return -math.inf
    if p == 1.0:
        return math.inf
    if p < 0.0 or p > 1.0:
        return math.nan
    q = p - 0.5
    if math.fabs(q) <= 0.425:
        r = 0.180625 - q * q
        return (q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                         + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                      + 133.14166789178437745) * r + 3.387132872796366608)
                / (((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r
                       + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1.0))
    # the tail: r = sqrt(-log(min(p, 1 - p))); R forms 1 - p as 0.5 - p + 0.5
    r = math.log((0.5 - p + 0.5) if q > 0 else p)
    r = math.sqrt(-r)
    if r <= 5.0:
        r += -1.6
        val = ((((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                 + 4.6303378461565452959) * r + 1.42343711074968357734)
               / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                      + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                   + 2.05319162663775882187) * r + 1.0))
    else:
        r += -5.0
        val = ((((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                    + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                 + 5.4637849111641143699) * r + 6.6579046435011037772)
               / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                      + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                   + 0.59983220655588793769) * r + 1.0))
    if q < 0.0:
        val = -val
    return val


@rkernel
def norm_rand(st):
    """R's ``norm_rand`` (Inversion): two uniforms, one quantile."""
    u1 = unif_rand(st)
    u1 = int(_BIG * u1) + unif_rand(st)
    return qnorm_std(u1 / _BIG)


@rkernel
def rnorm_fill(st, out, mean, sd):
    """R's ``rnorm`` over ``out`` with ``mean``/``sd`` recycled (stats ``random2``).

    Like R, ``sd == 0`` or an infinite mean returns the mean without a draw, and
    an invalid pair gives NaN without a draw.  Returns whether a NaN was produced.
    """
    na = mean.size
    nb = sd.size
    nan_made = False
    for i in range(out.size):
        mu = mean[i % na]
        sigma = sd[i % nb]
        if math.isnan(mu) or not math.isfinite(sigma) or sigma < 0.0:
            out[i] = math.nan
            nan_made = True
        elif sigma == 0.0 or not math.isfinite(mu):
            out[i] = mu
        else:
            out[i] = mu + sigma * norm_rand(st)
    return nan_made
