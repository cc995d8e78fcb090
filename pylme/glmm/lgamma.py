"""R's ``lgammafn`` for x > 0 (R 4.2.2 nmath ``lgamma.c``, ``gamma.c``, ``lgammacor.c``), vectorised.

R's densities call R's own log-gamma — ``stirlerr(n)`` off the half-integers (every
``dgamma`` with a non-integer shape) and ``dpois_raw``'s λ ≪ x branch — and neither the
C library's ``lgamma`` nor SciPy's ``gammaln`` gives its bits.  R follows W. Fullerton's
SLATEC FNLIB routines: for x ≤ 10, ``log|Γ(x)|`` with Γ(1 + y), 0 ≤ y < 1, from a
22-term Chebyshev series (then multiplied up by (y + 1)···(y + n)); above 10, Stirling's
formula plus the correction Δ(x) = log Γ(x) − (x − ½) log x + x − ½ log 2π from a
5-term Chebyshev series in 2(10/x)² − 1 (dropped above 4934720, and x (log x − 1) above
1e17).

The Chebyshev coefficients are computed here, once and lazily, in 40-digit decimal
arithmetic (Γ from Stirling's series after shifting the argument by 40, coefficients by
the discrete cosine transform at Chebyshev nodes): they round to the same doubles as
Fullerton's published 31-digit values.  The compiled form is
:func:`pylme.glmm.density_kernels.r_lgamma1`; only x > 0 is needed (NaN otherwise).
"""

from __future__ import annotations

import decimal
from fractions import Fraction
from functools import lru_cache

import numpy as np

__all__ = ["r_lgamma", "gamma_series", "chebyshev_eval", "GAMMA_TERMS", "DELTA_TERMS"]

GAMMA_TERMS = 22  # R's ngam: the terms whose tail exceeds DBL_EPSILON/20 (chebyshev_init)
DELTA_TERMS = 5   # R's nalgm: the terms whose tail exceeds DBL_EPSILON/2
M_LN_SQRT_2PI = 0.918938533204672741780329736406
XMAX = 2.5327372760800758e+305   # DBL_MAX / log(DBL_MAX): log Γ overflows above
XSML = 2.2474362225598545e-308   # exp(.01) DBL_MIN: Γ(x) overflows below
_PREC = 40


def _bernoulli(m: int) -> list[Fraction]:
    """B_0 … B_m (Akiyama–Tanigawa; only the even ones are used)."""
    a = [Fraction(0)] * (m + 1)
    out = []
    for n in range(m + 1):
        a[n] = Fraction(1, n + 1)
        for j in range(n, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        out.append(a[0])
    return out


def _pi(ctx: decimal.Context) -> decimal.Decimal:
    """π (Machin's formula)."""
    def atan_inv(k: int) -> decimal.Decimal:
        x = ctx.divide(1, k)
        total, term, n, sign = x, x, 1, -1
        while True:
            term = ctx.multiply(term, ctx.multiply(x, x))
            step = ctx.divide(term, 2 * n + 1)
            if step.is_zero() or step.adjusted() < -ctx.prec - 5:
                return total
            total = ctx.add(total, step if sign > 0 else -step)
            n, sign = n + 1, -sign
    return ctx.subtract(ctx.multiply(16, atan_inv(5)), ctx.multiply(4, atan_inv(239)))


def _cos(x: decimal.Decimal, pi: decimal.Decimal) -> decimal.Decimal:
    """cos(x) by its Taylor series after reduction to [−π, π]."""
    x = x % (2 * pi)
    if x > pi:
        x -= 2 * pi
    term = total = decimal.Decimal(1)
    n = 0
    while True:
        n += 2
        term = -term * x * x / (n * (n - 1))
        total += term
        if abs(term) < decimal.Decimal(10) ** (-_PREC - 2):
            return total


def _chebyshev(fun, nodes: int, terms: int, pi: decimal.Decimal) -> list[decimal.Decimal]:
    """The first ``terms`` c_k of f(t) = c_0/2 + Σ c_k T_k(t) on [−1, 1] (DCT at ``nodes`` nodes).

    cos(π k (2j + 1) / 2N) = cos(π m / 2N) with m = k (2j + 1) mod 4N: 4N cosines serve all.
    """
    quarter = [_cos(pi * m / (2 * nodes), pi) for m in range(4 * nodes)]
    values = [fun(quarter[2 * j + 1]) for j in range(nodes)]
    return [2 * sum(values[j] * quarter[k * (2 * j + 1) % (4 * nodes)] for j in range(nodes)) / nodes
            for k in range(terms)]


@lru_cache(maxsize=1)
def gamma_series() -> tuple[np.ndarray, np.ndarray]:
    """Fullerton's series as R uses them: (``gamcs``[:22], ``algmcs``[:5]) as doubles.

    ``gamcs``: Γ(1 + y) − 15/16 = Σ' c_k T_k(2y − 1), 0 ≤ y ≤ 1; ``algmcs``:
    x Δ(x) = Σ' a_k T_k(2 (10/x)² − 1), x ≥ 10 (Σ' halves the first term).
    """
    ctx = decimal.Context(prec=_PREC)
    with decimal.localcontext(ctx):
        pi = _pi(ctx)
        half_ln_2pi = (2 * pi).ln() / 2
        bern = [decimal.Decimal(b.numerator) / decimal.Decimal(b.denominator) for b in _bernoulli(60)]

        def lgamma(z: decimal.Decimal) -> decimal.Decimal:
            w = z + 40  # Stirling's series at w ≥ 40 is good to ~1e-100 with 30 terms
            series = sum(bern[2 * k] / (2 * k * (2 * k - 1) * w ** (2 * k - 1)) for k in range(1, 31))
            product = decimal.Decimal(1)
            for k in range(40):
                product *= z + k
            return (w - decimal.Decimal("0.5")) * w.ln() - w + half_ln_2pi + series - product.ln()

        def gamma_part(t):
            return lgamma(1 + (t + 1) / 2).exp() - decimal.Decimal("0.9375")

        def delta_part(t):
            x = 10 / ((t + 1) / 2).sqrt()
            return x * (lgamma(x) - ((x - decimal.Decimal("0.5")) * x.ln() - x + half_ln_2pi))

        gamcs = _chebyshev(gamma_part, 48, GAMMA_TERMS, pi)
        algmcs = _chebyshev(delta_part, 40, DELTA_TERMS, pi)
    return np.array([float(c) for c in gamcs]), np.array([float(c) for c in algmcs])


def chebyshev_eval(x: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """R's ``chebyshev_eval``: Σ' coef_k T_k(x) by Clenshaw's recurrence (NaN outside ±1.1)."""
    twox = x * 2
    b0 = np.zeros_like(x)
    b1 = np.zeros_like(x)
    b2 = np.zeros_like(x)
    for c in coef[::-1]:
        b2 = b1
        b1 = b0
        b0 = twox * b1 - b2 + c
    out = (b0 - b2) * 0.5
    return np.where((x < -1.1) | (x > 1.1), np.nan, out)


def _gammafn_small(x: np.ndarray) -> np.ndarray:
    """R's ``gammafn(x)`` for 0 < x ≤ 10."""
    gamcs, _ = gamma_series()
    n = np.trunc(x)          # C's (int)x
    y = x - n
    n = n - 1
    value = chebyshev_eval(y * 2 - 1, gamcs) + .9375
    # x < 1: one division by x (n = −1); Γ overflows for y < xsml
    value = np.where(n < 0, np.where(y < XSML, np.inf, value / x), value)
    for i in range(1, 10):   # 2 ≤ x ≤ 10: multiplied up by (y + 1)···(y + n), in that order
        value = np.where(n >= i, value * (y + i), value)
    return value


def _lgammacor(x: np.ndarray) -> np.ndarray:
    """R's ``lgammacor(x)`` = Δ(x) for 10 ≤ x < 94906265.62 (the only range lgammafn uses)."""
    _, algmcs = gamma_series()
    tmp = 10 / x
    return chebyshev_eval(tmp * tmp * 2 - 1, algmcs) / x


def r_lgamma(x) -> np.ndarray:
    """R's ``lgammafn(x)`` = log Γ(x) for x > 0, to R's last bit (NaN for x ≤ 0 or NaN)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        tiny = (x > 0) & (x < 1e-306)
        out[tiny] = -np.log(x[tiny])
        small = (x >= 1e-306) & (x <= 10)
        out[small] = np.log(np.abs(_gammafn_small(x[small])))
        out[x > XMAX] = np.inf
        huge = (x > 1e17) & (x <= XMAX)
        out[huge] = x[huge] * (np.log(x[huge]) - 1.)
        large = (x > 4934720.) & (x <= 1e17)
        xl = x[large]
        out[large] = M_LN_SQRT_2PI + (xl - 0.5) * np.log(xl) - xl
        mid = (x > 10) & (x <= 4934720.)
        xm = x[mid]
        out[mid] = M_LN_SQRT_2PI + (xm - 0.5) * np.log(xm) - xm + _lgammacor(xm)
    return out
