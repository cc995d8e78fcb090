"""R's summary statistics to the last bit (R: ``mean.default``, ``var``, ``ave``).

R accumulates sums in long double and corrects means with a second pass
(``src/main/summary.c`` ``real_mean``, ``src/library/stats/src/cov.c``).  lme4's start
values for intercept-only models are built from these, and a start θ one ulp away
changes BOBYQA's path (and its evaluation count), so pylme computes them R's way.
"""

from __future__ import annotations

import numpy as np

__all__ = ["r_mean", "r_var", "r_ave"]

_LD = np.longdouble


def r_mean(x: np.ndarray) -> float:
    """``mean(x)``: long-double sum, then a long-double correction pass."""
    x = np.asarray(x, dtype=float)
    n = x.size
    s = np.sum(x, dtype=_LD) / n
    if np.isfinite(s):
        s = s + np.sum(x.astype(_LD) - s, dtype=_LD) / n
    return float(s)


def r_var(x: np.ndarray) -> float:
    """``var(x)``: R's two-pass mean (kept as a double), then a long-double sum of squares / (n − 1)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 2:
        return float("nan")
    m = np.sum(x, dtype=_LD) / n
    if np.isfinite(m):
        m = m + np.sum(x - m, dtype=_LD) / n  # (x[k] - tmp) is computed in long double in R
    m = float(m)
    d = x - m  # double differences, as R's cov.c after storing the mean as a double
    return float(np.sum(d * d, dtype=_LD) / (n - 1))


def r_ave(x: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``ave(x, f)``: each observation replaced by its group's ``mean()``."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for members in np.split(order, bounds):
        out[members] = r_mean(x[members])
    return out
