"""R's negative-binomial generator (R 4.2 ``rnbinom.c``): a Poisson-gamma mixture.

``rnbinom(size, prob)`` is ``rpois(rgamma(size, scale = (1 - prob) / prob))`` and
``rnbinom_mu(size, mu)`` is ``rpois(rgamma(size, scale = mu / size))``; an infinite
``size`` becomes ``DBL_MAX / 2`` (so that ``rgamma`` stays finite), ``prob == 1`` or
``mu == 0`` gives 0 without a draw.  The gamma and Poisson steps share R's static
caches with ``rgamma`` and ``rpois`` (here: the stream's caches).
"""

from __future__ import annotations

import math

from ._jit import rkernel
from .gamma import _rgamma1
from .pois import _rpois1

__all__ = ["rnbinom_fill"]

_HALF_DBL_MAX = 1.7976931348623157e308 / 2.0


@rkernel
def _rnbinom1(st, gcache, pcache, size, par, use_mu):
    if use_mu:
        mu = par
        if not math.isfinite(mu) or math.isnan(size) or size <= 0 or mu < 0:
            return math.nan
        if not math.isfinite(size):
            size = _HALF_DBL_MAX
        if mu == 0:
            return 0.0
        return _rpois1(st, pcache, _rgamma1(st, gcache, size, mu / size))
    prob = par
    if not math.isfinite(prob) or math.isnan(size) or size <= 0 or prob <= 0 or prob > 1:
        return math.nan
    if not math.isfinite(size):
        size = _HALF_DBL_MAX
    if prob == 1:
        return 0.0
    return _rpois1(st, pcache, _rgamma1(st, gcache, size, (1 - prob) / prob))


@rkernel
def rnbinom_fill(st, gcache, pcache, out, size, par, use_mu):
    """R's ``rnbinom`` (``use_mu`` False: ``prob``) or ``rnbinom_mu`` with arguments recycled.

    Returns whether a NaN was produced.
    """
    ns = size.size
    npar = par.size
    nan_made = False
    for i in range(out.size):
        out[i] = _rnbinom1(st, gcache, pcache, size[i % ns], par[i % npar], use_mu)
        if math.isnan(out[i]):
            nan_made = True
    return nan_made
