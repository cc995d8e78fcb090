"""R's number formatting for translated scripts: ``signif()`` and ``format(x, digits=)``.

Python's ``f"{x:.3g}"`` is not R's ``format(x, digits = 3)``: R never drops integer
digits (``format(1234.5678, digits = 2)`` is ``"1235"``), chooses fixed or scientific
notation by comparing the widths of both (``options(scipen = 0)``), gives a vector one
common number of decimals and pads it to one width, and drops trailing zeros.

>>> from pylme.migrate.rformat import format_num, signif
>>> format_num(3.14159, digits=3), format_num(1234.5678, digits=2), format_num(0.000012345, digits=3)
('3.14', '1235', '1.23e-05')
>>> format_num([1, 10.5, 100.25], digits=3)
['  1.0', ' 10.5', '100.2']
>>> float(signif(123456, 2))
120000.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["signif", "format_num"]


def _signif_scalar(v: float, digits: int) -> float:
    if not math.isfinite(v) or v == 0:
        return v
    digits = max(int(digits), 1)
    # R's fprec: scale by the power of ten that leaves `digits` digits before the point
    e = digits - 1 - math.floor(math.log10(abs(v)))
    if e > 0:
        p = 10.0 ** e
        return round(v * p) / p
    p = 10.0 ** (-e)
    return round(v / p) * p


def signif(x: Any, digits: int = 6) -> Any:
    """R ``signif(x, digits)``: ``x`` rounded to ``digits`` significant digits (a Series
    keeps its index; NaN stays NaN)."""
    if isinstance(x, pd.Series):
        return x.map(lambda v: _signif_scalar(float(v), digits))
    if np.isscalar(x):
        return _signif_scalar(float(x), digits)
    arr = np.asarray(x, dtype=float)
    return np.vectorize(lambda v: _signif_scalar(float(v), digits), otypes=[float])(arr)


def _sig_needed(v: float, digits: int) -> tuple[int, int]:
    """(significant digits R shows for ``v`` at ``digits``, decimal exponent of the
    rounded value): trailing zeros of the rounded mantissa are dropped."""
    mant, exp = f"{abs(v):.{digits - 1}e}".split("e")
    sig = mant.replace(".", "").rstrip("0")
    return max(len(sig), 1), int(exp)


def format_num(x: Any, digits: int = 7, nsmall: int = 0) -> Any:
    """R ``format(x, digits = digits, nsmall = nsmall)`` of numbers: a string for a
    single value, a list of strings of one width for several (R's common format)."""
    scalar = np.isscalar(x)
    values = [float(v) for v in np.atleast_1d(np.asarray(x, dtype=float)).ravel()]
    finite = [v for v in values if math.isfinite(v)]
    digits = max(int(digits), 1)
    if finite:
        needs = [_sig_needed(v, digits) if v != 0 else (1, 0) for v in finite]
        rgt = max(max(sig - 1 - exp, 0) for sig, exp in needs)
        rgt = max(rgt, int(nsmall))
        neg = any(v < 0 for v in finite)
        left = max(max(exp + 1, 1) for _, exp in needs)
        fixed_width = neg + left + (rgt > 0) + rgt
        mant = max(sig for sig, _ in needs)
        big_exp = any(abs(exp) >= 100 for _, exp in needs)
        sci_width = neg + (mant + 1 if mant > 1 else 1) + (5 if big_exp else 4)
        fixed = fixed_width <= sci_width
    texts = []
    for v in values:
        if math.isnan(v):
            texts.append("NA")
        elif math.isinf(v):
            texts.append("Inf" if v > 0 else "-Inf")
        elif fixed:
            texts.append(f"{v:.{rgt}f}")
        else:
            m, e = f"{v:.{mant - 1}e}".split("e")
            texts.append(f"{m}e{e[0]}{int(e[1:]):02d}")
    if scalar:
        return texts[0]
    width = max(len(t) for t in texts)
    return [t.rjust(width) for t in texts]
