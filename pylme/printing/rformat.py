"""R's number-formatting primitives, reproduced bit for bit.

Everything here mirrors a routine of R 4.2.2 (``src/main/format.c``,
``src/main/printutils.c``, ``src/nmath/fround.c``, ``src/nmath/fprec.c``,
``src/library/base/R/zapsmall.R``, ``src/library/stats/R/quantile.R``).
The functions take plain Python / NumPy numbers and return strings or
doubles; nothing here knows about mixed models.

R distinguishes ``NA`` from ``NaN``: ``NA_real_`` is the NaN whose low word
is 1954.  :data:`R_NA` is that bit pattern and :func:`is_na` tests for it, so
a value that R would print as ``NA`` survives the trip through JSON and NumPy
(plain ``float('nan')`` prints as ``NaN``, as in R).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "R_NA", "is_na", "parse_r_double", "RealFormat", "format_info_real",
    "encode_real", "format_real", "format_integer", "format_character",
    "encode_number_cat", "r_round", "signif", "zapsmall", "quantile7",
]

#: R's ``NA_real_``: a quiet NaN with low word 1954 (``R_NaReal`` in arithmetic.c).
R_NA: float = struct.unpack("<d", struct.pack("<Q", 0x7FF00000000007A2))[0]

#: R_print.digits used by cat() and print() unless told otherwise.
DEFAULT_DIGITS = 7
#: getOption("scipen") default: no penalty for fixed notation.
SCIPEN = 0
#: Width of "NA" (R_print.na_width).
NA_WIDTH = 2
#: KP_MAX in format.c on platforms with an 80-bit long double.
_KP_MAX = 27
# format.c's tbl[]: *double* literals 1e-1, 1e0 ... 1e27 stored as long double;
# 1e23..1e27 are therefore not exact powers of ten, exactly as in R.
_TBL = [np.longdouble(float(f"1e{k}")) for k in range(-1, _KP_MAX + 1)]
_DBL_DIG = 15


def is_na(x: float) -> bool:
    """Return True when ``x`` is R's ``NA_real_`` (R_IsNA), not any other NaN."""
    if not isinstance(x, (float, np.floating)) or not math.isnan(x):
        return False
    bits = struct.unpack("<Q", struct.pack("<d", float(x)))[0]
    return (bits & 0xFFFFFFFF) == 1954


def parse_r_double(text: str) -> float:
    """Parse R's ``sprintf("%.17g")`` spelling of a double (``NA`` -> :data:`R_NA`)."""
    if text == "NA":
        return R_NA
    return float(text)


# --------------------------------------------------------------- formatReal
def _scientific(x: float, digits: int) -> tuple[bool, int, int, bool]:
    """R's ``scientific()`` (format.c): sign, decimal exponent, significant
    digits needed (at most ``digits``) and whether rounding widens the number.

    R scales in 80-bit long double and rounds with ``nearbyintl``; NumPy's
    ``longdouble`` is the same x87 type on x86-64, which reproduces R's
    double-rounding behaviour exactly.
    """
    if x == 0.0:
        return False, 0, 1, False
    neg = x < 0.0
    r = -x if neg else x
    if digits >= _DBL_DIG + 1:
        # format_via_sprintf(): let the C library pick the digits.
        buff = "%#.*e" % (digits - 1, r)
        kpower = int(buff[digits + 2:])
        i = digits
        while i >= 2 and buff[i] == "0":
            i -= 1
        return neg, kpower, i, False
    kp = math.floor(math.log10(r)) - digits + 1
    r_prec = np.longdouble(r)
    if abs(kp) <= _KP_MAX:
        if kp > 0:
            r_prec /= _TBL[kp + 1]
        elif kp < 0:
            r_prec *= _TBL[-kp + 1]
    else:
        r_prec /= np.power(np.longdouble(10.0), np.longdouble(kp))
    if r_prec < _TBL[digits]:
        r_prec *= np.longdouble(10.0)
        kp -= 1
    alpha = float(np.rint(r_prec))  # nearbyintl: round half to even
    nsig = digits
    for _ in range(digits):
        alpha /= 10.0
        if alpha == math.floor(alpha):
            nsig -= 1
        else:
            break
    if nsig == 0 and digits > 0:
        nsig = 1
        kp += 1
    kpower = kp + digits - 1
    # Scientific notation may round more than fixed notation (9996 with 3
    # digits is 1e+04 but 9996 fixed); R then needs one digit fewer left of '.'.
    rgt = min(max(digits - kpower, 0), _KP_MAX)
    fuzz = 0.5 / float(_TBL[1 + rgt])
    widens = (0 < kpower <= _KP_MAX
              and np.longdouble(r) < _TBL[kpower + 1] - np.longdouble(fuzz))
    return neg, kpower, nsig, bool(widens)


@dataclass(frozen=True)
class RealFormat:
    """Common format R chose for a double vector (formatReal's outputs).

    Attributes
    ----------
    width : int
        Field width ``w``; every element is right-justified to it.
    decimals : int
        ``d``: decimals for fixed notation, mantissa decimals for scientific.
    exponent : int
        ``e``: 0 for fixed notation, else number of exponent digits - 1.
    """

    width: int
    decimals: int
    exponent: int


def format_info_real(x: Sequence[float], digits: int = DEFAULT_DIGITS,
                     nsmall: int = 0) -> RealFormat:
    """R's ``formatReal()``: the common width/decimals/notation for ``x``.

    Each finite element needs up to ``digits`` significant digits; fixed
    notation is used when it is no wider than scientific (``scipen = 0``);
    ``nsmall`` only raises the decimals of fixed notation afterwards.  A non-integer
    ``digits`` or ``nsmall`` is truncated toward zero, as R's ``format()`` and
    ``print()`` read them (``asInteger``): ``format(x, digits = 3.7)`` is
    ``format(x, digits = 3)``.
    """
    digits, nsmall = int(digits), int(nsmall)
    naflag = nanflag = posinf = neginf = False
    neg = False
    rgt = mxl = mxsl = mxns = -(2**31)
    mnl = 2**31 - 1
    for v in x:
        v = float(v)
        if not math.isfinite(v):
            if is_na(v):
                naflag = True
            elif math.isnan(v):
                nanflag = True
            elif v > 0:
                posinf = True
            else:
                neginf = True
            continue
        neg_i, kpower, nsig, widens = _scientific(v, digits)
        left = kpower + 1
        if widens:
            left -= 1
        sleft = neg_i + (1 if left <= 0 else left)
        right = nsig - left
        neg = neg or neg_i
        rgt = max(rgt, right)
        mxl = max(mxl, left)
        mnl = min(mnl, left)
        mxsl = max(mxsl, sleft)
        mxns = max(mxns, nsig)
    if digits == 0:
        rgt = 0
    if mxl < 0:
        mxsl = 1 + neg  # leading "0." is always printed
    rgt = max(rgt, 0)
    w_fixed = mxsl + rgt + (rgt != 0)
    e = 2 if (mxl > 100 or mnl <= -99) else 1
    if mxns != -(2**31):
        d = mxns - 1
        w = neg + (d > 0) + d + 4 + e
        if w_fixed <= w + SCIPEN:  # fixed notation if it needs no more space
            e = 0
            if nsmall > rgt:
                rgt = nsmall
                w_fixed = mxsl + rgt + (rgt != 0)
            d = rgt
            w = w_fixed
    else:  # every element is non-finite
        w = d = e = 0
    if naflag:
        w = max(w, NA_WIDTH)
    if nanflag or posinf:
        w = max(w, 3)
    if neginf:
        w = max(w, 4)
    return RealFormat(w, d, e)


def encode_real(x: float, fmt: RealFormat, na_string: str = "NA") -> str:
    """R's ``EncodeReal0()``: one double in the common format ``fmt``."""
    w, d, e = fmt.width, fmt.decimals, fmt.exponent
    x = float(x)
    if x == 0.0:
        x = 0.0  # R prints -0 as 0
    if not math.isfinite(x):
        if is_na(x):
            s = na_string
        elif math.isnan(x):
            s = "NaN"
        else:
            s = "Inf" if x > 0 else "-Inf"
        return s.rjust(w)
    if e:
        return ("%#*.*e" if d else "%*.*e") % (w, d, x)
    return "%*.*f" % (w, d, x)


def format_real(x: Iterable[float], digits: int = DEFAULT_DIGITS, nsmall: int = 0,
                width: int = 0, trim: bool = False) -> list[str]:
    """R's ``format(x, digits=, nsmall=, width=, trim=)`` for a double vector.

    All elements share one notation, number of decimals and (unless
    ``trim``) one width, exactly as ``format.default`` does.
    """
    values = [float(v) for v in x]
    fmt = format_info_real(values, digits, nsmall)
    w = 0 if trim else max(fmt.width, width)
    fmt = RealFormat(w, fmt.decimals, fmt.exponent)
    return [encode_real(v, fmt) for v in values]


def format_integer(x: Iterable[int | None], width: int = 0) -> list[str]:
    """R's ``format()`` of an integer vector (formatInteger + EncodeInteger).

    ``None`` stands for ``NA_integer_``.
    """
    values = list(x)
    w = 1
    for v in values:
        w = max(w, NA_WIDTH if v is None else len(str(int(v))))
    w = max(w, width)
    return [("NA" if v is None else str(int(v))).rjust(w) for v in values]


def format_character(x: Iterable[str], justify: str = "left", width: int = 0) -> list[str]:
    """R's ``format()`` of a character vector: pad to a common display width."""
    values = list(x)
    w = max([len(v) for v in values] + [width])
    if justify == "left":
        return [v.ljust(w) for v in values]
    if justify == "right":
        return [v.rjust(w) for v in values]
    if justify == "centre":
        return [_centre(v, w) for v in values]
    return values


def _centre(s: str, w: int) -> str:
    pad = w - len(s)
    left = pad // 2
    return " " * left + s + " " * (pad - left)


def encode_number_cat(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """How ``cat()`` writes one double: formatReal on the value alone."""
    return encode_real(x, format_info_real([x], digits))


# ------------------------------------------------------------------ rounding
def _pow_di(x: float, n: int) -> float:
    """R's ``R_pow_di``: x**n by repeated squaring in double precision."""
    xn = 1.0
    if n == 0:
        return xn
    is_neg = n < 0
    n = -n if is_neg else n
    while True:
        if n & 1:
            xn *= x
        n >>= 1
        if not n:
            break
        x *= x
    return 1.0 / xn if is_neg else xn


def _logb(x: float) -> float:
    """C ``logb()`` for finite non-zero x: the unbiased binary exponent."""
    return float(math.frexp(x)[1] - 1)


def r_round(x: float, digits: float = 0) -> float:
    """R >= 4.0.0 ``round(x, digits)`` (``fround`` in nmath/fround.c).

    R picks whichever of the two candidates ``floor(x*10^d)/10^d`` and
    ``ceil(x*10^d)/10^d`` is nearer to ``x`` in double arithmetic, and the
    even one on a tie; so ``round(0.15, 1) == 0.1`` and ``round(2.5) == 2``.
    """
    x = float(x)
    digits = float(digits)
    if math.isnan(x) or math.isnan(digits):
        return x + digits
    if not math.isfinite(x) or digits > 308 + 15 or x == 0.0:
        return x
    if digits < -308:
        return 0.0
    if digits == 0.0:
        return float(np.rint(x))
    dig = int(math.floor(digits + 0.5))
    sgn = 1.0
    if x < 0.0:
        sgn, x = -1.0, -x
    if 0.301029995663981195 * (0.5 + _logb(x)) + dig > _DBL_DIG:
        return sgn * x  # no representable digit would change
    if dig <= 308:
        pow10 = _pow_di(10.0, dig)
        x10 = pow10 * x
        i10 = math.floor(x10)
        xd = i10 / pow10
        xu = math.ceil(x10) / pow10
    else:  # |x| is tiny: scale in two steps to avoid overflow of 10^dig
        p10 = _pow_di(10.0, dig - 308)
        pow10 = _pow_di(10.0, 308)
        x10 = (x * pow10) * p10
        i10 = math.floor(x10)
        xd = i10 / pow10 / p10
        xu = math.ceil(x10) / pow10 / p10
    du = xu - x
    dd = x - xd
    return sgn * (xu if (du < dd or (du == dd and math.fmod(i10, 2.0) == 1)) else xd)


def signif(x: float, digits: float = 6) -> float:
    """R's ``signif(x, digits)`` (``fprec`` in nmath/fprec.c)."""
    x = float(x)
    digits = float(digits)
    if math.isnan(x) or math.isnan(digits):
        return x + digits
    if not math.isfinite(x):
        return x
    if not math.isfinite(digits):
        if digits > 0:
            return x
        digits = 1.0
    if x == 0:
        return x
    dig = int(math.copysign(math.floor(abs(digits) + 0.5), digits))  # C round()
    if dig > 22:
        return x
    dig = max(dig, 1)
    sgn = 1.0
    if x < 0.0:
        sgn, x = -1.0, -x
    max10e = 308
    l10 = math.log10(x)
    e10 = int(dig - 1 - math.floor(l10))
    if abs(l10) < max10e - 2:
        p10 = 1.0
        if e10 > max10e:
            p10 = _pow_di(10.0, e10 - max10e)
            e10 = max10e
        if e10 > 0:
            pow10 = _pow_di(10.0, e10)
            return sgn * (float(np.rint((x * pow10) * p10)) / pow10) / p10
        pow10 = _pow_di(10.0, -e10)
        return sgn * (float(np.rint(x / pow10)) * pow10)
    do_round = max10e - l10 >= _pow_di(10.0, -dig)
    e2 = dig + (1 if e10 > 0 else 6)
    p10 = _pow_di(10.0, e2)
    x *= p10
    big_p10 = _pow_di(10.0, e10 - e2)
    x *= big_p10
    if do_round:
        x += 0.5
    x = float(np.floor(x)) / p10  # C floor(): keeps Inf
    return sgn * x / big_p10


def zapsmall(x: Sequence[float], digits: int = DEFAULT_DIGITS) -> list[float]:
    """R 4.2's ``zapsmall(x, digits)``.

    ``round(x, digits - log10(max|x|))``: the (non-integer) digits are
    rounded to the nearest integer inside ``round``; R 4.2 has no
    ``ceiling()`` here.
    """
    values = [float(v) for v in x]
    finite = [abs(v) for v in values if not math.isnan(v)]
    if not finite:
        return values
    mx = max(finite)
    d = max(0.0, digits - math.log10(mx)) if mx > 0 else float(digits)
    return [r_round(v, d) for v in values]


def quantile7(x: Sequence[float], probs: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0)) -> list[float]:
    """R's ``quantile(x, probs, type = 7)`` (NAs must be removed first).

    An empty ``x`` gives ``NA`` for every probability, as R's ``quantile(numeric(0))``
    (e.g. the scaled residuals of a fit with σ̂ = 0, all NaN before ``na.rm``).
    """
    xs = sorted(float(v) for v in x)
    n = len(xs)
    if n == 0:
        return [R_NA] * len(probs)
    out = []
    for p in probs:
        index = 1 + max(n - 1, 0) * p
        lo = math.floor(index)
        hi = math.ceil(index)
        q = xs[lo - 1]
        if index > lo and xs[hi - 1] != q:
            h = index - lo
            q = (1 - h) * q + h * xs[hi - 1]
        out.append(q)
    return out
