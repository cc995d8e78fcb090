"""Seeded random bound-constrained problems for the comparison with Powell's own Fortran.

``tests/data/optim/make_powell_reference.py`` runs Powell's BOBYQA Fortran (the classical
routine shipped in PyPI's ``pdfo`` 2.1.0) on :func:`make` ``(seed)`` and freezes what
it evaluates; ``test_powell_fortran.py`` runs pylme's port on the same problems.  Python's
``random`` is reproducible across platforms and versions for a given seed, and the
objectives use only +, -, *, /, ``sqrt``, ``floor`` and ``abs``, so the values are
bit-identical everywhere.  The problems exercise the rarer branches of BOBYQA (tight
boxes, starts on or near bounds, every ``npt``, small ``maxfun``, RESCUE) far more than
the R reference problems do.
"""

from __future__ import annotations

import hashlib
import math
import random

__all__ = ["make", "calls_digest"]


def make(seed: int):
    """``(fn, x0, lower, upper, npt, rhobeg, rhoend, maxfun)`` of problem ``seed``."""
    rnd = random.Random(seed)
    n = rnd.choice([1, 2, 2, 3, 3, 4, 5])
    kind = rnd.choice(["quad", "quad", "abs", "noisy", "rosen"])
    c = [rnd.uniform(-2, 2) for _ in range(n)]
    h = [[rnd.uniform(-1, 1) for _ in range(n)] for _ in range(n)]
    scale = [10 ** rnd.uniform(-1, 2) for _ in range(n)]

    def fn(x):
        if kind == "rosen" and n > 1:
            f = 0.0
            for i in range(n - 1):
                a = 1 - x[i]
                b = x[i + 1] - x[i] * x[i]
                f = f + scale[i] * b * b + a * a
            return f
        f = 0.0
        for i in range(n):
            a = x[i] - c[i]
            f = f + scale[i] * a * a
            for j in range(i):
                f = f + 0.6 / n * h[i][j] * math.sqrt(scale[i] * scale[j]) * a * (x[j] - c[j])
        if kind == "abs":
            for i in range(n):
                f = f + abs(x[i] - c[i] * 0.5)
        if kind == "noisy":
            z = 0.0
            for i in range(n):
                z = z + x[i] * (1000.0 + 37.0 * i)
            f = f + 1e-4 * (z - math.floor(z))
        return f

    rhobeg = rnd.choice([0.05, 0.1, 0.2, 0.5])
    rhoend = rhobeg * rnd.choice([1e-6, 1e-4, 1e-8])
    lower, upper, x0 = [], [], []
    for _ in range(n):
        lo = rnd.choice([-math.inf, -math.inf, 0.0, rnd.uniform(-2, 0)])
        up = rnd.choice([math.inf, math.inf, rnd.uniform(0.5, 2)])
        if up - lo < 2 * rhobeg:
            up = lo + 2 * rhobeg + rnd.uniform(0, 1)
        lower.append(lo)
        upper.append(up)
        base_lo = lo if math.isfinite(lo) else -3.0
        base_up = up if math.isfinite(up) else 3.0
        r = rnd.random()
        if r < 0.15 and math.isfinite(lo):
            x0.append(lo)
        elif r < 0.25 and math.isfinite(lo):
            x0.append(lo + rnd.uniform(0, rhobeg))
        elif r < 0.35 and math.isfinite(up):
            x0.append(up - rnd.uniform(0, rhobeg))
        elif r < 0.4 and math.isfinite(up):
            x0.append(up)
        else:
            x0.append(rnd.uniform(base_lo, base_up))
    npt = rnd.randint(n + 2, (n + 1) * (n + 2) // 2)
    maxfun = rnd.choice([10000, 10000, 10000, 40, 15])
    return fn, x0, lower, upper, npt, rhobeg, rhoend, maxfun


def calls_digest(values) -> str:
    """SHA-256 of the exact sequence of objective values (``float.hex``, comma-separated)."""
    return hashlib.sha256(",".join(float(v).hex() for v in values).encode()).hexdigest()
