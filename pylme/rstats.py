"""R's summary statistics to the last bit (R: ``mean.default``, ``var``, ``ave``).

R accumulates sums in long double and corrects means with a second pass
(``src/main/summary.c`` ``real_mean``, ``src/library/stats/src/cov.c``).  lme4's start
values for intercept-only models are built from these, and a start θ one ulp away
changes BOBYQA's path (and its evaluation count), so pylme computes them R's way.
"""

from __future__ import annotations

import numpy as np

__all__ = ["r_sum", "r_mean", "r_var", "r_ave"]

_LD = np.longdouble


def r_sum(x: np.ndarray) -> np.longdouble:
    """R's ``sum()`` accumulator: sequential, in long double (numpy's ``sum`` is pairwise)."""
    x = np.asarray(x)
    return np.cumsum(x, dtype=_LD)[-1] if x.size else _LD(0)


def r_mean(x: np.ndarray, integer: bool = False) -> float:
    """``mean(x)``: long-double sum, then (for doubles only) a long-double correction pass.

    R's mean of an *integer* vector is the long-double sum divided by n, with no
    correction pass (``src/main/summary.c``).
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    s = r_sum(x) / n
    if not integer and np.isfinite(s):
        s = s + r_sum(x.astype(_LD) - s) / n
    return float(s)


def r_var(x: np.ndarray) -> float:
    """``var(x)``: R's two-pass mean (kept as a double), then a long-double sum of squares / (n − 1)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 2:
        return float("nan")
    m = r_sum(x) / n
    if np.isfinite(m):
        m = m + r_sum(x - m) / n  # (x[k] - tmp) is computed in long double in R
    # cov.c stores the mean as a double, then forms deviations and products in long double
    d = x.astype(_LD) - _LD(float(m))
    return float(r_sum(d * d) / (n - 1))


def r_ave(x: np.ndarray, codes: np.ndarray, integer: bool = False) -> np.ndarray:
    """``ave(x, f)``: each observation replaced by its group's ``mean()``."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for members in np.split(order, bounds):
        out[members] = r_mean(x[members], integer)
    return out
