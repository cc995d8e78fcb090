"""Random and extreme inputs on which the compiled kernels must equal the NumPy reference bit for bit.

The extremes sit on every branch point of the algorithms (Cody's pnorm intervals, the
normal density's split and underflow, lme4's clamps, the saddle-point switches of
``dbinom``/``dpois``/``dgamma``) and their neighbouring doubles, plus the IEEE specials.
"""

from __future__ import annotations

import numpy as np

EPS = float(np.finfo(float).eps)
TINY = float(np.finfo(float).tiny)
HUGE = float(np.finfo(float).max)
SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -5e-324, TINY, -TINY, HUGE, -HUGE])


def neighbours(points) -> np.ndarray:
    """Each point, the doubles on either side of it, and their negatives."""
    p = np.asarray(points, dtype=float)
    out = np.concatenate([p, np.nextafter(p, np.inf), np.nextafter(p, -np.inf)])
    return np.concatenate([out, -out])


# the switch points of the links and of R's pnorm/dnorm/pcauchy
ETA_EDGES = neighbours([0.67448975, np.sqrt(32), 37.5193, 8.2924, 5.0, 38.56804181549334, 30.0, 1.0,
                        EPS / 2, 1e-8, 36.04365338911715, 709.782712893384, 745.1332191019411,
                        np.log(EPS), np.log1p(-EPS), 3.6, 1e300])


def etas(rng: np.random.Generator) -> np.ndarray:
    """Linear predictors: several scales, a wide uniform grid, the edges and the specials."""
    parts = [rng.normal(0.0, s, 300) for s in (0.1, 1.0, 3.0, 10.0, 40.0)]
    parts += [np.linspace(-800, 800, 801), ETA_EDGES, SPECIALS]
    return np.concatenate(parts)


def probabilities(rng: np.random.Generator, size: int) -> np.ndarray:
    """μ in (0, 1) spread over the tails as well as the middle, with exact 0, 1 and specials."""
    mu = 1.0 / (1.0 + np.exp(-rng.normal(0.0, 4.0, size)))
    mu[: size // 10] = rng.uniform(0, 1e-12, size // 10)
    mu[size // 10: size // 5] = 1 - rng.uniform(0, 1e-12, size // 10)
    edges = np.array([0.0, 1.0, EPS, 1 - EPS, 0.1, 0.9, 0.5, np.nan, -0.5, 1.5, TINY, 1e-300])
    mu[-edges.size:] = edges
    return mu
