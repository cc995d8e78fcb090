"""R's log densities ``dbinom``, ``dpois`` and ``dgamma`` as compiled scalar kernels.

The scalar counterparts of :mod:`pylme.glmm.densities` (the NumPy reference, tested
against R 4.2.2's values): Loader's ``stirlerr`` and ``bd0``, Welinder's ``ebd0`` with its
four-part table, ``log1pmx`` with its continued fraction, ``dpois_raw``, ``dbinom_raw``
and R's argument checks, each operation in the reference's order so that both give the
same bits (``tests/unit/glmm/test_kernels_densities.py``), and R's ``lgammafn``
(:func:`r_lgamma1`, the compiled :mod:`pylme.glmm.lgamma`).

The constant tables are arguments, computed once per process by the reference modules
(:func:`constants`): ``consts`` packs the Stirling remainders at half-integers
(``_stirlerr_halves()``, 31) and Fullerton's two Chebyshev series (``gamma_series()``,
22 + 5); ``table`` is ``ebd0``'s (``_ebd0_table()``).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from pylme.glmm.densities import (_EBD0_N, _EBD0_S, _EBD0_SB, _SCALEFACTOR, DBL_MAX, DBL_MIN, M_2PI,
                                  M_LN2, M_LN_2PI, M_LN_SQRT_2PI, M_SQRT_2PI, X_LRG, _ebd0_table,
                                  _stirlerr_halves)
from pylme.glmm.jit import kernel, scalar_kernel
from pylme.glmm.lgamma import DELTA_TERMS, GAMMA_TERMS, XMAX, XSML, gamma_series

__all__ = ["constants", "r_lgamma1", "nonint1", "stirlerr1", "bd01", "log1pmx1", "ebd01", "dpois_raw1",
           "dpois_raw_st", "dpois_stirlerr", "dpois_log1", "dbinom_raw1", "dbinom_log1", "dgamma_count",
           "dgamma_log1", "dgamma_log_st", "densities_many"]

_INV_SCALE = 1 / _SCALEFACTOR
_S0, _S1, _S2, _S3, _S4 = (0.083333333333333333333, 0.00277777777777777777778,
                           0.00079365079365079365079365, 0.000595238095238095238095238,
                           0.0008417508417508417508417508)
_TWO_N = 2 * _EBD0_N
_TWO_N_F = 2.0 * _EBD0_N
_ROWS = _EBD0_N + 1
_GAMCS = 31                    # where gamcs starts in ``consts`` (after the 31 half-integer values)
_ALGMCS = _GAMCS + GAMMA_TERMS  # and algmcs


@lru_cache(maxsize=1)
def constants() -> tuple[np.ndarray, np.ndarray]:
    """``(consts, table)``, the kernels' constant arguments (read-only; see the module docstring)."""
    gamcs, algmcs = gamma_series()
    consts = np.concatenate([_stirlerr_halves(), gamcs, algmcs])
    table = np.array(_ebd0_table())
    consts.flags.writeable = False
    table.flags.writeable = False
    return consts, table


@kernel
def _chebyshev1(x, consts, start, count):
    """R's ``chebyshev_eval``: Clenshaw's recurrence over ``consts[start:start + count]``."""
    if x < -1.1 or x > 1.1:
        return math.nan
    twox = x * 2
    b0 = 0.0
    b1 = 0.0
    b2 = 0.0
    for i in range(1, count + 1):
        b2 = b1
        b1 = b0
        b0 = twox * b1 - b2 + consts[start + count - i]
    return (b0 - b2) * 0.5


@kernel
def r_lgamma1(x, consts):
    """R's ``lgammafn(x)`` for x > 0 (NaN otherwise), as :func:`pylme.glmm.lgamma.r_lgamma`."""
    if not x > 0:
        return math.nan
    if x < 1e-306:
        return -math.log(x)
    if x <= 10:
        n = np.trunc(x)  # gammafn: Γ(1 + y) from the series, then multiplied up or divided
        y = x - n
        n = n - 1
        value = _chebyshev1(y * 2 - 1, consts, _GAMCS, GAMMA_TERMS) + .9375
        if n < 0:
            value = math.inf if y < XSML else value / x
        for i in range(1, int(n) + 1):
            value = value * (y + i)
        return math.log(abs(value))
    if x > XMAX:
        return math.inf
    if x > 1e17:
        return x * (math.log(x) - 1.)
    if x > 4934720.:
        return M_LN_SQRT_2PI + (x - 0.5) * math.log(x) - x
    tmp = 10 / x
    return (M_LN_SQRT_2PI + (x - 0.5) * math.log(x) - x
            + _chebyshev1(tmp * tmp * 2 - 1, consts, _ALGMCS, DELTA_TERMS) / x)


@scalar_kernel
def nonint1(x):
    """R's ``R_nonint``: ``|x − round(x)| > 1e-7·max(1, |x|)``."""
    ax = abs(x)
    return abs(x - np.rint(x)) > 1e-7 * (ax if ax > 1.0 else 1.0)


@kernel
def stirlerr1(n, consts):
    """``log Γ(n+1) − log(√(2πn) (n/e)^n)``: table at half-integers ≤ 15, series above 15."""
    if n <= 15.0:
        nn2 = n + n
        if nn2 == np.trunc(nn2):
            return consts[int(nn2)]
        return r_lgamma1(n + 1.0, consts) - (n + 0.5) * math.log(n) + n - M_LN_SQRT_2PI
    m2 = n * n
    if n > 500:
        return (_S0 - _S1 / m2) / n
    if n > 80:
        return (_S0 - (_S1 - _S2 / m2) / m2) / n
    if n > 35:
        return (_S0 - (_S1 - (_S2 - _S3 / m2) / m2) / m2) / n
    return (_S0 - (_S1 - (_S2 - (_S3 - _S4 / m2) / m2) / m2) / m2) / n


@scalar_kernel
def bd01(x, mean):
    """Loader's ``bd0(x, np) = x log(x/np) + np − x``, by its series near x = np."""
    if not (math.isfinite(x) and math.isfinite(mean)) or mean == 0.0:
        return math.nan
    if abs(x - mean) < 0.1 * (x + mean):
        v = (x - mean) / (x + mean)
        s = (x - mean) * v
        if abs(s) < DBL_MIN:
            return s
        ej = 2 * x * v
        v = v * v
        for j in range(1, 1000):
            ej *= v
            s1 = s + ej / ((j << 1) + 1)
            if s1 == s:
                return s1
            s = s1
    return x * math.log(x / mean) + mean - x


@kernel
def _logcf(x, i, d, eps):
    """R's continued fraction for Σ_k x^k / (i + k d) (nmath ``logcf``)."""
    c1 = 2 * d
    c2 = i + d
    c4 = c2 + d
    a1 = c2
    b1 = i * (c2 - i * x)
    b2 = d * d * x
    a2 = c4 * c2 - b2
    b2 = c4 * b1 - i * b2
    while abs(a2 * b1 - a1 * b2) > abs(eps * b1 * b2):
        c3 = c2 * c2 * x
        c2 += d
        c4 += d
        a1 = c4 * a2 - c3 * a1
        b1 = c4 * b2 - c3 * b1
        c3 = c1 * c1 * x
        c1 += d
        c4 += d
        a2 = c4 * a1 - c3 * a2
        b2 = c4 * b1 - c3 * b2
        if abs(b2) > _SCALEFACTOR:
            a1 /= _SCALEFACTOR
            b1 /= _SCALEFACTOR
            a2 /= _SCALEFACTOR
            b2 /= _SCALEFACTOR
        elif abs(b2) < _INV_SCALE:
            a1 *= _SCALEFACTOR
            b1 *= _SCALEFACTOR
            a2 *= _SCALEFACTOR
            b2 *= _SCALEFACTOR
    return a2 / b2


@kernel
def log1pmx1(x):
    """``log(1 + x) − x``, accurate near 0 (nmath ``log1pmx``)."""
    if x > 1 or x < -0.79149064:
        return math.log1p(x) - x
    r = x / (2 + x)
    y = r * r
    if abs(x) >= 1e-2:
        return r * (2 * y * _logcf(y, 3.0, 2.0, 1e-14) - x)
    return r * ((((2.0 / 9 * y + 2.0 / 7) * y + 2.0 / 5) * y + 2.0 / 3) * y - x)


@kernel
def ebd01(x, M, table):
    """Welinder's ``bd0(x, M)`` as ``(yh, yl)``: a whole and a fractional part (R ≥ 4.1 ``ebd0``)."""
    if x == M:
        return 0.0, 0.0
    if x == 0:
        return M, 0.0
    if M == 0:
        return math.inf, 0.0
    ratio = M / x
    if ratio == math.inf:
        return M, 0.0
    r, e_int = math.frexp(ratio)
    e = float(e_int)
    if M_LN2 * (-e) > 1.0 + DBL_MAX / x:
        return math.inf, 0.0
    i = int(np.floor((r - 0.5) * _TWO_N + 0.5))
    f = np.floor(_EBD0_S / (0.5 + i / _TWO_N_F) + 0.5)
    fg = math.ldexp(f, -(e_int + _EBD0_SB))
    if fg == math.inf:
        return math.inf, 0.0
    if i < 0:  # the reference indexes its table from the end (never reached for M/x >= DBL_MIN)
        i += _ROWS
    h = 0.0
    lo = 0.0
    # ADD1: the whole part of each term to h, the rest (in [-1/2, 1/2)) to lo
    d = -x * log1pmx1((M * fg - x) / x)
    d1 = np.floor(d + 0.5)
    h += d1
    lo += d - d1
    if fg == 1:
        return h, lo
    for j in range(4):
        d = x * table[i, j]
        d1 = np.floor(d + 0.5)
        h += d1
        lo += d - d1
        d = -x * table[0, j] * e
        d1 = np.floor(d + 0.5)
        h += d1
        lo += d - d1
        if not math.isfinite(h):
            return math.inf, 0.0
    d = M
    d1 = np.floor(d + 0.5)
    h += d1
    lo += d - d1
    d = -M * fg
    d1 = np.floor(d + 0.5)
    h += d1
    lo += d - d1
    return h, lo


@scalar_kernel
def dpois_stirlerr(x, consts):
    """``stirlerr(x)`` where ``dpois_raw(x, ·)`` may need it (x ≥ 0), NaN (unused) elsewhere."""
    return stirlerr1(x, consts) if x >= 0 else math.nan


@scalar_kernel
def dpois_raw1(x, lam, consts, table):
    """R's ``dpois_raw(x, λ, log = TRUE)`` for real x (also ``dgamma``'s kernel)."""
    return dpois_raw_st(x, lam, dpois_stirlerr(x, consts), consts, table)


@kernel
def dpois_raw_st(x, lam, st, consts, table):
    """``dpois_raw`` given ``st = stirlerr(x)``: ``dgamma`` over many rows has one x (its shape)."""
    if lam == 0:
        return 0.0 if x == 0 else -math.inf
    if not math.isfinite(lam):
        return -math.inf
    if x < 0:
        return -math.inf
    if x <= lam * DBL_MIN:
        return -lam
    if lam < x * DBL_MIN:
        if not math.isfinite(x):
            return -math.inf
        return -lam + x * math.log(lam) - r_lgamma1(x + 1, consts)
    if math.isnan(x):
        return x
    yh, yl = ebd01(x, lam, table)
    yl = yl + st
    if x >= X_LRG:
        return -yl - yh - math.log(M_SQRT_2PI * math.sqrt(x))
    return -yl - yh - 0.5 * math.log(M_2PI * x)


@scalar_kernel
def dpois_log1(x, lam, consts, table):
    """R's ``dpois(x, λ, log = TRUE)`` and whether R warns ``non-integer x``: ``(value, warns)``."""
    if math.isnan(x) or math.isnan(lam):
        return x + lam, False
    if lam < 0:
        return math.nan, False
    if nonint1(x):
        return -math.inf, True
    if x < 0 or not math.isfinite(x):
        return -math.inf, False
    return dpois_raw1(np.rint(x), lam, consts, table), False


@kernel
def _dbinom_interior(x, n, p, q, consts):
    """``dbinom_raw`` for 0 < x < n: Loader's saddle point (a call of its own: it is rare in glmer)."""
    lc = (stirlerr1(n, consts) - stirlerr1(x, consts) - stirlerr1(n - x, consts)
          - bd01(x, n * p) - bd01(n - x, n * q))
    lf = M_LN_2PI + math.log(x) + math.log1p(-x / n)
    return lc - 0.5 * lf


@scalar_kernel
def dbinom_raw1(x, n, p, q, consts):
    """R's ``dbinom_raw(x, n, p, q, log = TRUE)`` for integer-valued x, n."""
    if p == 0:
        return 0.0 if x == 0 else -math.inf
    if q == 0:
        return 0.0 if x == n else -math.inf
    if x == 0 and n == 0:
        return 0.0
    if x == 0 or x == n:
        # x = 0 and x = n are one formula with p and q exchanged (one inlined bd0)
        small, big = (p, q) if x == 0 else (q, p)
        if small < 0.1:
            return -bd01(n, n * big) - n * small
        return n * math.log(big)
    if x < 0 or x > n:
        return -math.inf
    return _dbinom_interior(x, n, p, q, consts)


@scalar_kernel
def dbinom_log1(x, n, p, consts):
    """R's ``dbinom(x, n, p, log = TRUE)`` and whether R warns ``non-integer x``: ``(value, warns)``."""
    if math.isnan(x) or math.isnan(n) or math.isnan(p):
        return x + n + p, False
    if p < 0 or p > 1 or n < 0 or nonint1(n):
        return math.nan, False
    if nonint1(x):
        return -math.inf, True
    if x < 0 or not math.isfinite(x):
        return -math.inf, False
    return dbinom_raw1(np.rint(x), np.rint(n), p, 1 - p, consts), False


@scalar_kernel
def dgamma_count(shape):
    """The count ``dgamma`` hands ``dpois_raw``: the shape below 1, shape − 1 above."""
    return shape if shape < 1 else shape - 1


@scalar_kernel
def dgamma_log1(x, shape, scale, consts, table):
    """R's ``dgamma(x, shape, scale = scale, log = TRUE)`` (nmath ``dgamma.c``)."""
    return dgamma_log_st(x, shape, scale, dpois_stirlerr(dgamma_count(shape), consts), consts, table)


@scalar_kernel
def dgamma_log_st(x, shape, scale, st, consts, table):
    """``dgamma`` given ``st = stirlerr(dgamma_count(shape))`` (the Gamma ``aic``'s one shape)."""
    if math.isnan(x) or math.isnan(shape) or math.isnan(scale):
        return x + shape + scale
    if shape < 0 or scale <= 0:
        return math.nan
    if x < 0:
        return -math.inf
    if shape == 0:
        return math.inf if x == 0 else -math.inf
    if x == 0:
        if shape < 1:
            return math.inf
        if shape > 1:
            return -math.inf
        return -math.log(scale)
    if shape < 1:
        ratio = shape / x
        extra = math.log(ratio) if math.isfinite(ratio) else math.log(shape) - math.log(x)
    else:
        extra = -math.log(scale)  # a − b is a + (−b) exactly: one call site for both cases
    return dpois_raw_st(dgamma_count(shape), x / scale, st, consts, table) + extra


@kernel
def densities_many(which, a, b, c, consts, table, out, warns):
    """One density over arrays (``which``: 0 dbinom(a; b, c), 1 dpois(a; b), 2 dgamma(a; b, c)).

    The array form of the scalar kernels, for the tests that hold them to R's grids and to
    the reference; ``warns`` marks R's ``non-integer x`` warnings.
    """
    for k in range(a.size):
        if which == 0:
            out[k], warns[k] = dbinom_log1(a[k], b[k], c[k], consts)
        elif which == 1:
            out[k], warns[k] = dpois_log1(a[k], b[k], consts, table)
        else:
            out[k] = dgamma_log1(a[k], b[k], c[k], consts, table)
            warns[k] = False
