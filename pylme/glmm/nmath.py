"""R's normal, logistic and Cauchy distribution functions (R 4.2.2 nmath), vectorised.

The probit, logit and cauchit links are built on ``pnorm``/``dnorm``/``qnorm``,
``plogis``/``dlogis``/``qlogis`` and ``pcauchy``/``dcauchy``/``qcauchy``; lme4's C++
links call R's C versions (``Rf_pnorm5`` ...) and R's family closures the R ones.  SciPy's
``ndtr`` differs from R's ``pnorm`` by up to 2e-8 relative in the lower tail and its
``ndtri`` from ``qnorm`` in the last bits, so the algorithms R uses are followed here:
W. J. Cody's rational Chebyshev approximations for ``pnorm`` (ACM TOMS Algorithm 715,
1993), M. J. Wichura's AS 241 (Applied Statistics 37, 1988) for ``qnorm``, and R's own
formulas for the others (written from R's sources, read only to understand).  Only the
lower-tail, non-log forms are needed.  NaN arguments give NaN.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pnorm", "dnorm", "qnorm", "plogis", "dlogis", "qlogis", "pcauchy", "dcauchy",
           "qcauchy", "DBL_EPSILON"]

DBL_EPSILON = float(np.finfo(float).eps)
M_PI = 3.141592653589793238462643383280
M_1_SQRT_2PI = 0.398942280401432677939946059934
M_SQRT_32 = 5.656854249492380195206754896838
M_LN2 = 0.693147180559945309417232121458

# Cody (1993), pnorm_both: |x| <= 0.67448975
_A = (2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582,
      18154.981253343561249, 0.065682337918207449113)
_B = (47.20258190468824187, 976.09855173777669322, 10260.932208618978205,
      45507.789335026729956)
# 0.67448975 < |x| <= sqrt(32)
_C = (0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979,
      597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326,
      11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8)
_D = (22.266688044328115691, 235.38790178262499861, 1519.377599407554805,
      6485.558298266760755, 18615.571640885098091, 34900.952721145977266,
      38912.003286093271411, 19685.429676859990727)
# sqrt(32) < |x|
_P = (0.21589853405795699, 0.1274011611602473639, 0.022235277870649807,
      0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303)
_Q = (1.28426009614491121, 0.468238212480865118, 0.0659881378689285515,
      0.00378239633202758244, 7.29751555083966205e-5)


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _tail_product(x: np.ndarray, temp: np.ndarray) -> np.ndarray:
    """exp(−x²/2)·temp with x² split at 1/16 so the leading square is exact (Cody/R's do_del)."""
    xsq = np.trunc(x * 16) / 16
    dl = (x - xsq) * (x + xsq)
    return np.exp(-xsq * (xsq * 0.5)) * np.exp(-(dl * 0.5)) * temp


def pnorm(x) -> np.ndarray:
    """R's ``pnorm(x)`` (lower tail), Cody's algorithm as in R's ``pnorm_both``."""
    x = _arr(x)
    out = np.full(x.shape, np.nan)
    y = np.abs(x)
    with np.errstate(all="ignore"):
        inf = np.isinf(x)
        out[inf] = np.where(x[inf] > 0, 1.0, 0.0)
        centre = y <= 0.67448975
        if centre.any():
            xc = x[centre]
            xsq = xc * xc
            xnum = _A[4] * xsq
            xden = xsq.copy()
            for i in range(3):
                xnum = (xnum + _A[i]) * xsq
                xden = (xden + _B[i]) * xsq
            tiny = np.abs(xc) <= DBL_EPSILON * 0.5
            xnum[tiny] = 0.0
            xden[tiny] = 0.0
            out[centre] = 0.5 + xc * (xnum + _A[3]) / (xden + _B[3])
        mid = (y > 0.67448975) & (y <= M_SQRT_32)
        if mid.any():
            ym = y[mid]
            xnum = _C[8] * ym
            xden = ym.copy()
            for i in range(7):
                xnum = (xnum + _C[i]) * ym
                xden = (xden + _D[i]) * ym
            temp = (xnum + _C[7]) / (xden + _D[7])
            cum = _tail_product(ym, temp)
            out[mid] = np.where(x[mid] > 0, 1.0 - cum, cum)
        far = (y > M_SQRT_32) & ~inf & (x > -37.5193) & (x < 8.2924)
        if far.any():
            xf, yf = x[far], y[far]
            xsq = 1.0 / (xf * xf)
            xnum = _P[5] * xsq
            xden = xsq.copy()
            for i in range(4):
                xnum = (xnum + _P[i]) * xsq
                xden = (xden + _Q[i]) * xsq
            temp = xsq * (xnum + _P[4]) / (xden + _Q[4])
            temp = (M_1_SQRT_2PI - temp) / yf
            cum = _tail_product(xf, temp)
            out[far] = np.where(xf > 0, 1.0 - cum, cum)
        beyond = (y > M_SQRT_32) & ~inf & ~far & ~np.isnan(x)
        out[beyond] = np.where(x[beyond] > 0, 1.0, 0.0)
    return out


def dnorm(x) -> np.ndarray:
    """R's ``dnorm(x)``: for |x| ≥ 5 the square is split (Welinder, PR#15620) as in R."""
    x = np.abs(_arr(x))
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        out[np.isinf(x)] = 0.0
        small = x < 5
        out[small] = M_1_SQRT_2PI * np.exp(-0.5 * x[small] * x[small])
        big = (x >= 5) & np.isfinite(x)
        # above sqrt(-2 log 2 (DBL_MIN_EXP + 1 - DBL_MANT_DIG)) the density underflows to 0
        under = big & (x > np.sqrt(-2 * M_LN2 * (-1021 + 1 - 53)))
        out[under] = 0.0
        split = big & ~under
        if split.any():
            xs = x[split]
            x1 = np.ldexp(np.rint(np.ldexp(xs, 16)), -16)
            x2 = xs - x1
            out[split] = M_1_SQRT_2PI / 1.0 * (np.exp(-0.5 * x1 * x1) * np.exp((-0.5 * x2 - x1) * x2))
    return out


def qnorm(p) -> np.ndarray:
    """R's ``qnorm(p)`` (lower tail): Wichura's AS 241; p outside [0, 1] gives NaN."""
    p = _arr(p)
    out = np.full(p.shape, np.nan)
    with np.errstate(all="ignore"):
        out[p == 0] = -np.inf
        out[p == 1] = np.inf
        live = (p > 0) & (p < 1)
        q = p - 0.5
        centre = live & (np.abs(q) <= 0.425)
        if centre.any():
            qc = q[centre]
            r = 0.180625 - qc * qc
            out[centre] = (qc * (((((((r * 2509.0809287301226727 +
                                       33430.575583588128105) * r + 67265.770927008700853) * r +
                                     45921.953931549871457) * r + 13731.693765509461125) * r +
                                   1971.5909503065514427) * r + 133.14166789178437745) * r +
                                 3.387132872796366608)
                           / (((((((r * 5226.495278852854561 +
                                    28729.085735721942674) * r + 39307.89580009271061) * r +
                                  21213.794301586595867) * r + 5394.1960214247511077) * r +
                                687.1870074920579083) * r + 42.313330701600911252) * r + 1.0))
        tail = live & ~centre
        if tail.any():
            qt, pt = q[tail], p[tail]
            r = np.sqrt(-np.log(np.where(qt > 0, 0.5 - pt + 0.5, pt)))
            val = np.empty_like(r)
            near = r <= 5.0
            rn = r[near] - 1.6
            val[near] = ((((((((rn * 7.7454501427834140764e-4 +
                                .0227238449892691845833) * rn + .24178072517745061177) *
                              rn + 1.27045825245236838258) * rn +
                             3.64784832476320460504) * rn + 5.7694972214606914055) *
                           rn + 4.6303378461565452959) * rn +
                          1.42343711074968357734)
                         / (((((((rn * 1.05075007164441684324e-9 + 5.475938084995344946e-4) *
                                 rn + .0151986665636164571966) * rn +
                                .14810397642748007459) * rn + .68976733498510000455) *
                              rn + 1.6763848301838038494) * rn +
                             2.05319162663775882187) * rn + 1.0))
            rf = r[~near] - 5.0
            val[~near] = ((((((((rf * 2.01033439929228813265e-7 +
                                 2.71155556874348757815e-5) * rf +
                                .0012426609473880784386) * rf + .026532189526576123093) *
                              rf + .29656057182850489123) * rf +
                             1.7848265399172913358) * rf + 5.4637849111641143699) *
                           rf + 6.6579046435011037772)
                          / (((((((rf * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) *
                                  rf + 1.8463183175100546818e-5) * rf +
                                 7.868691311456132591e-4) * rf + .0148753612908506148525)
                               * rf + .13692988092273580531) * rf +
                              .59983220655588793769) * rf + 1.0))
            out[tail] = np.where(qt < 0.0, -val, val)
    return out


def plogis(x) -> np.ndarray:
    """R's ``plogis(x) = 1 / (1 + exp(−x))`` (±Inf give 1 and 0)."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-_arr(x)))


def dlogis(x) -> np.ndarray:
    """R's ``dlogis(x) = e / (1 + e)²`` with e = exp(−|x|)."""
    x = np.abs(_arr(x))
    e = np.exp(-x)
    f = 1.0 + e
    return e / (f * f)


def qlogis(p) -> np.ndarray:
    """R's ``qlogis(p) = log(p / (1 − p))``; 0 and 1 give ∓Inf, p outside [0, 1] NaN."""
    p = _arr(p)
    with np.errstate(all="ignore"):
        out = np.log(p / (1.0 - p))
    out[(p < 0) | (p > 1)] = np.nan
    return out


def pcauchy(x) -> np.ndarray:
    """R's ``pcauchy(x)``: ``atan(1/x)/π`` for |x| > 1 to avoid cancellation (Welinder)."""
    x = _arr(x)
    with np.errstate(all="ignore"):
        y = np.arctan(1.0 / x) / M_PI
        out = np.where(np.abs(x) > 1, np.where(x > 0, 0.5 - y + 0.5, -y), 0.5 + np.arctan(x) / M_PI)
    out[np.isinf(x)] = np.where(x[np.isinf(x)] > 0, 1.0, 0.0)
    return out


def dcauchy(x) -> np.ndarray:
    """R's ``dcauchy(x) = 1 / (π (1 + x²))``."""
    x = _arr(x)
    with np.errstate(over="ignore"):
        return 1.0 / (M_PI * 1.0 * (1.0 + x * x))


def _tanpi(x: np.ndarray) -> np.ndarray:
    """R's ``tanpi`` on (0, 1/2]: exact at 1/4, NaN at 1/2."""
    x = np.fmod(x, 1.0)
    x = np.where(x <= -0.5, x + 1, np.where(x > 0.5, x - 1, x))
    with np.errstate(all="ignore"):
        t = np.tan(M_PI * x)
    return np.where(x == 0.0, 0.0, np.where(x == 0.5, np.nan, np.where(
        x == 0.25, 1.0, np.where(x == -0.25, -1.0, t))))


def qcauchy(p) -> np.ndarray:
    """R's ``qcauchy(p)`` (lower tail) through ``tanpi``; p outside [0, 1] gives NaN."""
    p = _arr(p)
    out = np.full(p.shape, np.nan)
    with np.errstate(all="ignore"):
        upper = p > 0.5
        pp = np.where(upper, 1 - p, p)
        t = _tanpi(pp)
        val = np.where(upper, 1.0, -1.0) / t
        val = np.where(pp == 0.5, 0.0, val)
        val = np.where(pp == 0.0, np.where(upper, np.inf, -np.inf), val)
        ok = (p >= 0) & (p <= 1)
        out[ok] = val[ok]
    return out
