"""R's ``runif`` and its uniform integer index ``R_unif_index`` (R 4.2 ``runif.c``, ``RNG.c``).

``sample.kind = "Rejection"`` (R >= 3.6): an index below ``dn`` is drawn as
``bits = ceil(log2(dn))`` random bits, built from 16-bit chunks
``floor(65536 * unif_rand())`` (one more chunk than ``bits / 16``, the excess masked
off), and redrawn while it is ``>= dn``.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import rkernel
from .mersenne import unif_rand

__all__ = ["runif_fill", "unif_index", "rbits"]


@rkernel
def runif_fill(st, out, lo, hi):
    """R's ``runif`` with ``min``/``max`` recycled: ``a + (b - a) * u``.

    ``a == b`` returns ``a`` and an invalid pair NaN, without a draw.
    Returns whether a NaN was produced.
    """
    na = lo.size
    nb = hi.size
    nan_made = False
    for i in range(out.size):
        a = lo[i % na]
        b = hi[i % nb]
        if not math.isfinite(a) or not math.isfinite(b) or b < a:
            out[i] = math.nan
            nan_made = True
        elif a == b:
            out[i] = a
        else:
            u = unif_rand(st)
            while u <= 0.0 or u >= 1.0:
                u = unif_rand(st)
            out[i] = a + (b - a) * u
    return nan_made


@rkernel
def rbits(st, bits):
    """R's ``rbits``: a random integer below ``2^bits`` from 16-bit chunks."""
    v = np.int64(0)
    n = 0
    while n <= bits:
        v1 = np.int64(math.floor(unif_rand(st) * 65536.0))
        v = 65536 * v + v1
        n += 16
    return float(v & ((np.int64(1) << bits) - 1))


@rkernel
def unif_index(st, dn):
    """R's ``R_unif_index(dn)`` with rejection sampling: uniform on 0 .. dn-1 (as a double)."""
    if dn <= 0.0:
        return 0.0
    bits = int(math.ceil(math.log2(dn)))
    dv = rbits(st, bits)
    while dn <= dv:
        dv = rbits(st, bits)
    return dv
