"""R's log densities ``dbinom``, ``dpois`` and ``dgamma`` (R 4.2.2 nmath), vectorised.

lme4's family ``aic`` (−2 log-likelihood, the Laplace objective's data term) calls R's
C ``dbinom``/``dpois``/``dgamma`` with ``log = TRUE``.  Those use Catherine Loader's
saddle-point forms: the Stirling remainder ``stirlerr`` and the deviance term ``bd0``
(``dbinom``), and in R ≥ 4.1 Morten Welinder's table-driven ``ebd0`` (``dpois``, hence
``dgamma``).  SciPy's ``logpmf``/``logpdf`` use other formulas that differ from R's by up
to 1e-11 relative (binomial) and far more for large Poisson counts, so pylme follows R's
algorithms step by step (written from their description and R's sources, read only to
understand), R's own ``lgammafn`` included (:mod:`pylme.glmm.lgamma`).  Only the
``log = TRUE`` forms are needed.  These NumPy functions are the reference of the compiled
kernels PIRLS runs (:mod:`pylme.glmm.density_kernels`), which give the same bits.

The constant tables R stores (Stirling remainders at half-integers, and ``log(f/1024)``
split into four single-precision parts) are computed here, once and lazily, in decimal
arithmetic at 60 digits.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import decimal
import math
from functools import lru_cache

import numpy as np
from scipy.special import gammaln

from pylme.glmm.lgamma import r_lgamma

__all__ = ["stirlerr", "bd0", "ebd0", "log1pmx", "dpois_raw", "dpois_log", "dbinom_log",
           "dgamma_log", "nonint", "c_lgamma"]

DBL_MIN = np.finfo(float).tiny
DBL_MAX = np.finfo(float).max
M_LN2 = 0.693147180559945309417232121458
M_2PI = 6.283185307179586476925286766559
M_LN_2PI = 1.837877066409345483560659472811
M_LN_SQRT_2PI = 0.918938533204672741780329736406
M_SQRT_2PI = 2.50662827463100050241576528481104525301
X_LRG = 2.86111748575702815380240589208115399625e+307  # 2^1023 / pi: 2*pi*x overflows above

_EBD0_N = 128   # table rows - 1 (R's ebd0: 2N + 1 = 257 grid points on [1/2, 1))
_EBD0_SB = 10   # S = 2^10
_EBD0_S = 1024.0


# --- constant tables ---------------------------------------------------------------
def _dec_pi(ctx: decimal.Context) -> decimal.Decimal:
    """π to the context's precision (Machin: 16 atan(1/5) − 4 atan(1/239))."""
    def atan_inv(k: int) -> decimal.Decimal:
        x = ctx.divide(1, k)
        x2 = ctx.multiply(x, x)
        total, term, n, sign = x, x, 1, -1
        while True:
            term = ctx.multiply(term, x2)
            step = ctx.divide(term, 2 * n + 1)
            if step == 0 or step.adjusted() < -ctx.prec - 5:
                return total
            total = ctx.add(total, step if sign > 0 else -step)
            n, sign = n + 1, -sign
    return ctx.subtract(ctx.multiply(16, atan_inv(5)), ctx.multiply(4, atan_inv(239)))


@lru_cache(maxsize=1)
def _stirlerr_halves() -> np.ndarray:
    """``stirlerr(k/2)`` for k = 0..30, exactly rounded (entry 0 is R's placeholder 0).

    stirlerr(n) = log Γ(n+1) − (n + ½) log n + n − ½ log 2π.  At half-integers
    Γ(k + 3/2) = (2k+2)! √π / (4^(k+1) (k+1)!) and Γ(k+1) = k!, so everything is exact.
    """
    ctx = decimal.Context(prec=60)
    with decimal.localcontext(ctx):
        return _stirlerr_halves_in(ctx)


def _stirlerr_halves_in(ctx: decimal.Context) -> np.ndarray:
    ln_pi = _dec_pi(ctx).ln(ctx)
    half_ln_2pi = ctx.multiply(decimal.Decimal("0.5"), ctx.add(decimal.Decimal(2).ln(ctx), ln_pi))
    out = np.zeros(31)
    for k2 in range(1, 31):
        n = decimal.Decimal(k2) / 2
        if k2 % 2 == 0:
            lgam = decimal.Decimal(math.factorial(k2 // 2)).ln(ctx)
        else:
            k = (k2 - 1) // 2  # n = k + 1/2, Γ(n+1) = Γ(k + 3/2)
            num = decimal.Decimal(math.factorial(2 * k + 2)).ln(ctx)
            den = ctx.add(decimal.Decimal(4 ** (k + 1)).ln(ctx), decimal.Decimal(math.factorial(k + 1)).ln(ctx))
            lgam = ctx.add(ctx.subtract(num, den), ctx.multiply(decimal.Decimal("0.5"), ln_pi))
        val = lgam - (n + decimal.Decimal("0.5")) * n.ln(ctx) + n - half_ln_2pi
        out[k2] = float(val)
    return out


def _round_bits(ctx: decimal.Context, v: decimal.Decimal, bits: int) -> float:
    """``v`` rounded (half to even) to ``bits`` significant binary digits, as a double."""
    if v == 0:
        return 0.0
    _, exponent = math.frexp(float(v))
    scale = decimal.Decimal(2) ** (bits - exponent)
    whole = ctx.multiply(v, scale).to_integral_value(rounding=decimal.ROUND_HALF_EVEN)
    return float(ctx.divide(whole, scale))


@lru_cache(maxsize=1)
def _ebd0_table() -> np.ndarray:
    """``log(f_i / 1024)`` for R's 129 grid points f_i, each split into 4 parts.

    f_i = floor(1024 / (½ + i/256) + ½).  Parts 0–2 hold 23 significant bits and part 3
    24 (a float), each the rounding of what the previous parts leave, so x·part is exact
    for integer x and the sum carries ~95 bits.  This reproduces R's stored table except
    for the last part of 16 rows, where R's digits differ by one unit of that part
    (about 2^-105 relative: below what a double sum can see for integer x).
    """
    ctx = decimal.Context(prec=60)
    rows = np.zeros((_EBD0_N + 1, 4))
    for i in range(_EBD0_N + 1):
        f = math.floor(_EBD0_S / (0.5 + i / (2.0 * _EBD0_N)) + 0.5)
        rest = ctx.divide(decimal.Decimal(f), decimal.Decimal(1024)).ln(ctx)
        for j, bits in enumerate((23, 23, 23, 24)):
            part = _round_bits(ctx, rest, bits)
            rows[i, j] = part
            rest = ctx.subtract(rest, decimal.Decimal(part))
    return rows


@lru_cache(maxsize=1)
def _c_lgamma_ufunc():
    """The C library's ``lgamma`` as a ufunc, or None where it cannot be loaded."""
    try:
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        fun = libm.lgamma
    except (OSError, AttributeError):
        return None
    fun.restype = ctypes.c_double
    fun.argtypes = [ctypes.c_double]
    return np.frompyfunc(fun, 1, 1)


def c_lgamma(x) -> np.ndarray:
    """log|Γ(x)| from the C library, as lme4's C++ calls ``lgamma`` (negative binomial ``aic``).

    Falls back to SciPy's ``gammaln`` (within an ulp or two) where no C library loads.
    (R's densities call R's own ``lgammafn`` instead: :func:`pylme.glmm.lgamma.r_lgamma`.)
    """
    x = np.asarray(x, dtype=float)
    fun = _c_lgamma_ufunc()
    if fun is None:
        return gammaln(x)
    return np.asarray(fun(x), dtype=float)


# --- building blocks -----------------------------------------------------------------
def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def nonint(x) -> np.ndarray:
    """R's ``R_nonint``: ``|x − round(x)| > 1e-7·max(1, |x|)`` (round half to even)."""
    x = _arr(x)
    with np.errstate(invalid="ignore"):
        return np.abs(x - np.rint(x)) > 1e-7 * np.fmax(1.0, np.abs(x))


def stirlerr(n) -> np.ndarray:
    """R's ``stirlerr(n) = log Γ(n+1) − log(√(2πn) (n/e)^n)`` for n ≥ 0 (nmath ``stirlerr.c``).

    Exact table values at half-integers up to 15, R's ``lgammafn`` otherwise up to 15, and
    the asymptotic series with 2–5 terms above.
    """
    n = _arr(n)
    out = np.empty_like(n)
    small = n <= 15.0
    nn2 = n + n
    half = small & (nn2 == np.trunc(nn2))
    out[half] = _stirlerr_halves()[nn2[half].astype(int)]
    other = small & ~half
    if other.any():
        m = n[other]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[other] = r_lgamma(m + 1.0) - (m + 0.5) * np.log(m) + m - M_LN_SQRT_2PI
    big = ~small
    if big.any():
        s0, s1, s2, s3, s4 = (0.083333333333333333333, 0.00277777777777777777778,
                              0.00079365079365079365079365, 0.000595238095238095238095238,
                              0.0008417508417508417508417508)
        m = n[big]
        m2 = m * m
        val = np.where(m > 500, (s0 - s1 / m2) / m,
              np.where(m > 80, (s0 - (s1 - s2 / m2) / m2) / m,
              np.where(m > 35, (s0 - (s1 - (s2 - s3 / m2) / m2) / m2) / m,
                       (s0 - (s1 - (s2 - (s3 - s4 / m2) / m2) / m2) / m2) / m)))
        out[big] = val
    return out


def bd0(x, np_) -> np.ndarray:
    """Loader's deviance term ``x log(x/np) + np − x``, computed stably (nmath ``bd0``).

    Near x = np it sums the series in v = (x − np)/(x + np) until a term no longer
    changes the sum; non-finite arguments or np = 0 give NaN.
    """
    x, np_ = np.broadcast_arrays(_arr(x), _arr(np_))
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x) & np.isfinite(np_) & (np_ != 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        near = ok & (np.abs(x - np_) < 0.1 * (x + np_))
        far = ok & ~near
        out[far] = x[far] * np.log(x[far] / np_[far]) + np_[far] - x[far]
        if near.any():
            xs, ms = x[near], np_[near]
            v = (xs - ms) / (xs + ms)
            s = (xs - ms) * v
            tiny = np.abs(s) < DBL_MIN
            ej = 2 * xs * v
            v = v * v
            active = ~tiny
            for j in range(1, 1000):  # R's cap; |v| < 0.1 converges in a few dozen terms
                idx = np.flatnonzero(active)
                if idx.size == 0:
                    break
                ej[idx] *= v[idx]
                s_old = s[idx]
                s_new = s_old + ej[idx] / ((j << 1) + 1)
                s[idx] = s_new
                active[idx[s_new == s_old]] = False
            if active.any():  # R falls back to the direct formula (never reached in practice)
                xa, ma = xs[active], ms[active]
                s[active] = xa * np.log(xa / ma) + ma - xa
            out[near] = s
    return out


_SCALEFACTOR = 4294967296.0 ** 8  # R's logcf rescaling constant, 2^256


def _logcf(x: np.ndarray, i: float, d: float, eps: float) -> np.ndarray:
    """R's continued fraction for Σ_k x^k / (i + k d) (nmath ``pgamma.c``), element-wise."""
    c1, c2 = 2 * d, i + d
    c4 = c2 + d
    a1 = np.full_like(x, c2)
    b1 = i * (c2 - i * x)
    b2 = d * d * x
    a2 = c4 * c2 - b2
    b2 = c4 * b1 - i * b2
    active = np.abs(a2 * b1 - a1 * b2) > np.abs(eps * b1 * b2)
    # the c's advance by the same steps for every element; finished ones stop updating
    while active.any():
        idx = np.flatnonzero(active)
        xa, a1a, b1a, a2a, b2a = x[idx], a1[idx], b1[idx], a2[idx], b2[idx]
        c3 = c2 * c2 * xa
        c2 += d
        c4 += d
        a1a = c4 * a2a - c3 * a1a
        b1a = c4 * b2a - c3 * b1a
        c3 = c1 * c1 * xa
        c1 += d
        c4 += d
        a2a = c4 * a1a - c3 * a2a
        b2a = c4 * b1a - c3 * b2a
        up = np.abs(b2a) > _SCALEFACTOR
        down = ~up & (np.abs(b2a) < 1 / _SCALEFACTOR)
        for arr in (a1a, b1a, a2a):
            arr[up] /= _SCALEFACTOR
            arr[down] *= _SCALEFACTOR
        b2a = np.where(up, b2a / _SCALEFACTOR, np.where(down, b2a * _SCALEFACTOR, b2a))
        a1[idx], b1[idx], a2[idx], b2[idx] = a1a, b1a, a2a, b2a
        active[idx] = np.abs(a2a * b1a - a1a * b2a) > np.abs(eps * b1a * b2a)
    return a2 / b2


def log1pmx(x) -> np.ndarray:
    """R's ``log1pmx(x) = log(1 + x) − x``, accurate near 0 (nmath ``pgamma.c``)."""
    x = _arr(x)
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        outer = (x > 1) | (x < -0.79149064)
        out[outer] = np.log1p(x[outer]) - x[outer]
        inner = ~outer
        xi = x[inner]
        r = xi / (2 + xi)
        y = r * r
        two = 2.0
        series = r * ((((two / 9 * y + two / 7) * y + two / 5) * y + two / 3) * y - xi)
        mid = np.abs(xi) >= 1e-2
        if mid.any():
            series[mid] = r[mid] * (2 * y[mid] * _logcf(y[mid], 3.0, 2.0, 1e-14) - xi[mid])
        out[inner] = series
    return out


def ebd0(x, M) -> tuple[np.ndarray, np.ndarray]:
    """Welinder's ``bd0(x, M)`` as a sum ``yh + yl`` of a whole and a fractional part.

    R ≥ 4.1's ``ebd0`` (nmath ``bd0.c``): M/x = r·2^e is moved next to 1 by a table
    factor f·2^−(e+10) whose logarithm is stored in four single-precision parts, so
    x·log(f) is accumulated without rounding error for integer x.
    """
    x, M = np.broadcast_arrays(_arr(x), _arr(M))
    yh = np.zeros(x.shape)
    yl = np.zeros(x.shape)
    with np.errstate(all="ignore"):
        ratio = M / x
        # the early returns of R's ebd0, in its order
        done = x == M
        z = ~done & (x == 0)
        yh[z] = M[z]
        done |= z
        z = ~done & (M == 0)
        yh[z] = np.inf
        done |= z
        z = ~done & (ratio == np.inf)
        yh[z] = M[z]
        done |= z
        r, e = np.frexp(ratio)
        e = e.astype(float)
        z = ~done & (M_LN2 * (-e) > 1.0 + DBL_MAX / x)
        yh[z] = np.inf
        done |= z
        i = np.floor((r - 0.5) * (2 * _EBD0_N) + 0.5)
        i = np.where(done, 0, i).astype(int)
        f = np.floor(_EBD0_S / (0.5 + i / (2.0 * _EBD0_N)) + 0.5)
        fg = np.ldexp(f, np.where(done, 0, -(e + _EBD0_SB)).astype(int))
        z = ~done & (fg == np.inf)
        yh[z] = np.inf
        done |= z
        live = np.flatnonzero(~done)
        if live.size == 0:
            return yh, yl
        xl, Ml, fgl, el, il = x[live], M[live], fg[live], e[live], i[live]
        h = np.zeros(live.size)
        lo = np.zeros(live.size)

        def add1(mask: np.ndarray | slice, d: np.ndarray) -> None:
            # R's ADD1: whole part to yh, the rest (in [-1/2, 1/2)) to yl
            d1 = np.floor(d + 0.5)
            h[mask] += d1
            lo[mask] += d - d1

        add1(slice(None), -xl * log1pmx((Ml * fgl - xl) / xl))
        more = fgl != 1
        tab = _ebd0_table()
        for j in range(4):
            add1(more, xl[more] * tab[il[more], j])          # x log(fg 2^e)
            add1(more, -xl[more] * tab[0, j] * el[more])     # x log(2^-e)
            bad = more & ~np.isfinite(h)
            h[bad] = np.inf
            lo[bad] = 0.0
            more &= ~bad
        add1(more, Ml[more])
        add1(more, -Ml[more] * fgl[more])
        yh[live] = h
        yl[live] = lo
    return yh, yl


def dpois_raw(x, lam) -> np.ndarray:
    """R's ``dpois_raw(x, λ, log = TRUE)`` for real x ≥ 0 (also ``dgamma``'s kernel)."""
    x, lam = np.broadcast_arrays(_arr(x), _arr(lam))
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        done = lam == 0
        out[done] = np.where(x[done] == 0, 0.0, -np.inf)
        z = ~done & ~np.isfinite(lam)
        out[z] = -np.inf
        done |= z
        z = ~done & (x < 0)
        out[z] = -np.inf
        done |= z
        z = ~done & (x <= lam * DBL_MIN)
        out[z] = -lam[z]
        done |= z
        z = ~done & (lam < x * DBL_MIN)
        xz, lz = x[z], lam[z]
        out[z] = np.where(np.isfinite(xz), -lz + xz * np.log(lz) - r_lgamma(xz + 1), -np.inf)
        done |= z
        live = ~done & ~np.isnan(x) & ~np.isnan(lam)
        if live.any():
            xs = x[live]
            yh, yl = ebd0(xs, lam[live])
            yl = yl + stirlerr(xs)
            large = xs >= X_LRG
            r = np.where(large, M_SQRT_2PI * np.sqrt(xs), M_2PI * xs)
            out[live] = -yl - yh - np.where(large, np.log(r), 0.5 * np.log(r))
    return out


def dpois_log(x, lam) -> tuple[np.ndarray, np.ndarray]:
    """R's ``dpois(x, λ, log = TRUE)``, and where R warns ``non-integer x = ...``.

    Returns
    -------
    (logdens, nonint_mask)
        ``nonint_mask`` marks the x for which R's ``dpois`` warns and returns −Inf.
    """
    x, lam = np.broadcast_arrays(_arr(x), _arr(lam))
    out = np.full(x.shape, np.nan)
    bad = np.zeros(x.shape, dtype=bool)
    with np.errstate(all="ignore"):
        isnan = np.isnan(x) | np.isnan(lam)
        out[isnan] = (x + lam)[isnan]
        neg = ~isnan & (lam < 0)
        bad = ~isnan & ~neg & nonint(x)
        out[bad] = -np.inf
        rest = ~isnan & ~neg & ~bad
        zero = rest & ((x < 0) | ~np.isfinite(x))
        out[zero] = -np.inf
        live = rest & ~zero
        out[live] = dpois_raw(np.rint(x[live]), lam[live])
    return out, bad


def dbinom_log(x, n, p) -> tuple[np.ndarray, np.ndarray]:
    """R's ``dbinom(x, n, p, log = TRUE)`` (Loader's saddle point), and R's warning mask.

    Returns
    -------
    (logdens, nonint_mask)
        ``nonint_mask`` marks the x for which R warns ``non-integer x = ...``.
    """
    x, n, p = np.broadcast_arrays(_arr(x), _arr(n), _arr(p))
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        isnan = np.isnan(x) | np.isnan(n) | np.isnan(p)
        out[isnan] = (x + n + p)[isnan]
        invalid = ~isnan & ((p < 0) | (p > 1) | (n < 0) | nonint(n))
        bad = ~isnan & ~invalid & nonint(x)
        out[bad] = -np.inf
        rest = ~isnan & ~invalid & ~bad
        zero = rest & ((x < 0) | ~np.isfinite(x))
        out[zero] = -np.inf
        live = rest & ~zero
        if live.any():
            pl = p[live]
            out[live] = _dbinom_raw(np.rint(x[live]), np.rint(n[live]), pl, 1 - pl)
    return out, bad


def _dbinom_raw(x: np.ndarray, n: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """R's ``dbinom_raw(x, n, p, q, log = TRUE)`` for integer-valued x, n."""
    out = np.full(x.shape, np.nan)
    done = p == 0
    out[done] = np.where(x[done] == 0, 0.0, -np.inf)
    z = ~done & (q == 0)
    out[z] = np.where(x[z] == n[z], 0.0, -np.inf)
    done |= z
    z = ~done & (x == 0)
    z_n0 = z & (n == 0)
    out[z_n0] = 0.0
    z &= ~z_n0
    done |= z_n0
    if z.any():
        nz, pz, qz = n[z], p[z], q[z]
        out[z] = np.where(pz < 0.1, -bd0(nz, nz * qz) - nz * pz, nz * np.log(qz))
    done |= z
    z = ~done & (x == n)
    if z.any():
        nz, pz, qz = n[z], p[z], q[z]
        out[z] = np.where(qz < 0.1, -bd0(nz, nz * pz) - nz * qz, nz * np.log(pz))
    done |= z
    z = ~done & ((x < 0) | (x > n))
    out[z] = -np.inf
    done |= z
    live = ~done
    if live.any():
        xs, ns, ps, qs = x[live], n[live], p[live], q[live]
        lc = (stirlerr(ns) - stirlerr(xs) - stirlerr(ns - xs)
              - bd0(xs, ns * ps) - bd0(ns - xs, ns * qs))
        lf = M_LN_2PI + np.log(xs) + np.log1p(-xs / ns)
        out[live] = lc - 0.5 * lf
    return out


def dgamma_log(x, shape, scale) -> np.ndarray:
    """R's ``dgamma(x, shape, scale = scale, log = TRUE)`` (via ``dpois_raw``, nmath ``dgamma.c``)."""
    x, shape, scale = np.broadcast_arrays(_arr(x), _arr(shape), _arr(scale))
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        isnan = np.isnan(x) | np.isnan(shape) | np.isnan(scale)
        out[isnan] = (x + shape + scale)[isnan]
        done = isnan | (shape < 0) | (scale <= 0)
        z = ~done & (x < 0)
        out[z] = -np.inf
        done |= z
        z = ~done & (shape == 0)
        out[z] = np.where(x[z] == 0, np.inf, -np.inf)
        done |= z
        z = ~done & (x == 0)
        sz = shape[z]
        out[z] = np.where(sz < 1, np.inf, np.where(sz > 1, -np.inf, -np.log(scale[z])))
        done |= z
        lt1 = ~done & (shape < 1)
        if lt1.any():
            xs, ss, cs = x[lt1], shape[lt1], scale[lt1]
            ratio = ss / xs
            out[lt1] = dpois_raw(ss, xs / cs) + np.where(np.isfinite(ratio), np.log(ratio),
                                                         np.log(ss) - np.log(xs))
        ge1 = ~done & ~lt1
        if ge1.any():
            xs, ss, cs = x[ge1], shape[ge1], scale[ge1]
            out[ge1] = dpois_raw(ss - 1, xs / cs) - np.log(cs)
    return out
