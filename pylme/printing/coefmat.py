"""``stats::printCoefmat``, ``format.pval`` and significance stars.

Reproduces R 4.2.2's ``printCoefmat`` (src/library/stats/R/lm.R) as used by
``print.summary.merMod`` (Estimate / Std. Error / t value) and by
``print.anova`` (zapped columns, a test-statistic column, p-values with
stars).  Column indices are 0-based here.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from .rformat import format_character, format_real, is_na, r_round, zapsmall
from .rprint import PRINT_WIDTH, cat, print_character_matrix

__all__ = ["format_pval", "signif_stars", "SIGNIF_LEGEND", "print_coefmat", "DOUBLE_EPS"]

#: .Machine$double.eps, printCoefmat's default eps.Pvalue.
DOUBLE_EPS = 2.220446049250313e-16
#: attr(symnum(..), "legend") in a UTF-8 session with fancy quotes.
SIGNIF_LEGEND = "0 \u2018***\u2019 0.001 \u2018**\u2019 0.01 \u2018*\u2019 0.05 \u2018.\u2019 0.1 \u2018 \u2019 1"
_STAR_CUTS = ((0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, "."), (1.0, " "))


def format_pval(pv: Sequence[float], digits: int = 5, eps: float = DOUBLE_EPS,
                na_form: str = "NA") -> list[str]:
    """R's ``format.pval(pv, digits, eps)``: p-values, tiny ones as ``< eps``."""
    values = [float(p) for p in pv]
    keep = [p for p in values if not math.isnan(p)]
    is0 = [p < eps for p in keep]
    r = [""] * len(keep)
    rr: list[str] = []
    if not all(is0):
        nz = [p for p, z in zip(keep, is0) if not z]
        expo = [math.floor(math.log10(p if p > 0 else 1e-50)) for p in nz]
        fixp = [e >= -3 or (e == -4 and digits > 1) for e in expo]
        rr = [""] * len(nz)
        for flag in (True, False):  # fixed-ish and small p-values formatted apart
            idx = [i for i, f in enumerate(fixp) if f == flag]
            for i, s in zip(idx, format_real([nz[i] for i in idx], digits)):
                rr[i] = s
        it = iter(rr)
        r = [next(it) if not z else "" for z in is0]
    if any(is0):
        digits = max(1, digits - 2)
        if not all(is0):
            nc = max(len(s) for s in rr)
            if digits > 1 and digits + 6 > nc:
                digits = max(1, nc - 7)
            sep = "" if (digits == 1 and nc <= 6) else " "
        else:
            sep = "" if digits == 1 else " "
        small = "<" + sep + format_real([eps], digits)[0]
        r = [small if z else s for s, z in zip(r, is0)]
    it = iter(r)
    return [na_form if math.isnan(p) else next(it) for p in values]


def signif_stars(pv: Sequence[float]) -> list[str]:
    """``format(symnum(pv, corr=FALSE, na=FALSE, cutpoints=c(0, .001, .01,
    .05, .1, 1), symbols=c("***","**","*","."," ")))``: NA gives blanks."""
    stars = []
    for p in pv:
        p = float(p)
        sym = ""
        if not math.isnan(p):
            sym = next((s for cut, s in _STAR_CUTS if p <= cut), "")
        stars.append(sym)
    return format_character(stars)


def _as_numeric(s: str) -> float:
    try:
        return float(s.strip())
    except ValueError:
        return math.nan


def _format_block(xm: np.ndarray, rows_cols, digits: int) -> list[str]:
    """format() of the listed cells together (one common format)."""
    return format_real([xm[i, j] for i, j in rows_cols], digits)


def print_coefmat(values, row_names: Sequence[str], col_names: Sequence[str],
                  digits: int = 5, signif_stars_: bool = True,
                  signif_legend: Optional[bool] = None, dig_tst: Optional[int] = None,
                  cs_ind: Optional[Sequence[int]] = None, tst_ind: Optional[Sequence[int]] = None,
                  zap_ind: Sequence[int] = (), p_values: Optional[bool] = None,
                  has_pvalue: Optional[bool] = None, eps_pvalue: float = DOUBLE_EPS,
                  na_print: str = "NA", right: bool = True, width: int = PRINT_WIDTH) -> str:
    """R's ``printCoefmat()``; returns the printed text.

    ``values`` is a (rows x columns) array with ``R_NA``/NaN for missing
    cells.  ``cs_ind`` (coefficient and standard-error columns) defaults to
    all columns before the test statistic, ``tst_ind`` to the column after
    them, ``dig_tst`` to ``max(1, min(5, digits - 1))``.
    """
    xm = np.array(values, dtype=float, copy=True).reshape(len(row_names), len(col_names))
    nr, nc = xm.shape
    cn = list(col_names)
    if has_pvalue is None:
        has_pvalue = nc >= 4 and cn[-1][:3] in ("Pr(", "p-v")
    if p_values is None:
        p_values = has_pvalue
    if has_pvalue and not p_values:
        xm, cn, nc, has_pvalue = xm[:, :-1], cn[:-1], nc - 1, False
    if dig_tst is None:
        dig_tst = max(1, min(5, digits - 1))
    k = nc - int(has_pvalue) - (1 if tst_ind is None else len(tst_ind))
    cs = list(range(k)) if cs_ind is None else list(cs_ind)
    tst = [k] if tst_ind is None else list(tst_ind)
    if signif_legend is None:
        signif_legend = signif_stars_
    cf = [[""] * nc for _ in range(nr)]
    ina = np.isnan(xm)
    ok = ~ina
    for j in zap_ind:
        xm[:, j] = zapsmall(xm[:, j], digits)
    _format_coef_se(xm, cf, cs, digits)
    if tst:
        cells = [(i, j) for j in tst for i in range(nr)]
        rounded = xm.copy()
        for i, j in cells:
            rounded[i, j] = r_round(xm[i, j], dig_tst)
        for (i, j), s in zip(cells, _format_block(rounded, cells, digits)):
            cf[i][j] = s
    pcol = nc - 1 if has_pvalue else None
    for j in range(nc):
        if j not in cs and j not in tst and j != pcol:
            for i, s in enumerate(format_real(xm[:, j], digits)):
                cf[i][j] = s
    _fix_false_zeros(xm, cf, ok, tst, pcol, digits)
    for i in range(nr):
        for j in range(nc):
            if ina[i, j]:
                cf[i][j] = na_print
            if np.isnan(xm[i, j]) and not is_na(xm[i, j]):  # R's is.nan()
                cf[i][j] = "NaN"
    show_stars = False
    if p_values:
        pv = xm[:, nc - 1]
        okp = ok[:, nc - 1]
        if okp.any():
            for i, s in zip(np.flatnonzero(okp), format_pval(pv[okp], dig_tst, eps_pvalue)):
                cf[i][nc - 1] = s
            show_stars = signif_stars_ and bool((pv[okp] < 0.1).any())
            if show_stars:
                for row, star in zip(cf, signif_stars(pv)):
                    row.append(star)
                cn = cn + [""]
    text = print_character_matrix(cf, list(row_names), cn, right=right, width=width)
    if show_stars and signif_legend:
        fill = width + 4 + (len(SIGNIF_LEGEND.encode("utf-8")) - len(SIGNIF_LEGEND))
        text += cat("---\nSignif. codes:  ", SIGNIF_LEGEND, sep="", fill=fill)
    return text


def _format_coef_se(xm: np.ndarray, cf, cs: Sequence[int], digits: int) -> None:
    """Estimate and Std. Error columns: rounded to the decimals the smallest
    non-zero magnitude needs, then formatted together."""
    if not cs:
        return
    sub = xm[:, cs]
    acs = np.abs(sub)
    finite = np.isfinite(acs)
    if not finite.any():
        return
    nz = acs[finite & (acs != 0)]
    if nz.size:
        # R: max(1, digits - (1 + floor(log10(range(acs))))) -- the minimum wins
        digmin = 1 + math.floor(math.log10(float(nz.min())))
    else:
        digmin = 1
    dec = max(1, digits - digmin)
    cells = [(i, j) for j in cs for i in range(xm.shape[0])]
    rounded = xm.copy()
    for i, j in cells:
        rounded[i, j] = r_round(xm[i, j], dec)
    for (i, j), s in zip(cells, _format_block(rounded, cells, digits)):
        cf[i][j] = s


def _fix_false_zeros(xm: np.ndarray, cf, ok: np.ndarray, tst: Sequence[int],
                     pcol: Optional[int], digits: int) -> None:
    """Cells whose text reads as zero but whose value is not (or vice versa)
    are re-formatted together with ``digits - 1`` significant digits."""
    okp = ok.copy()
    okp[:, list(tst)] = False
    if pcol is not None:
        okp[:, pcol] = False
    cells = [(i, j) for j in range(xm.shape[1]) for i in range(xm.shape[0]) if okp[i, j]]
    bad = []
    for i, j in cells:
        v, shown = xm[i, j], _as_numeric(cf[i][j])
        if not (math.isnan(v) or math.isnan(shown)) and (v == 0) != (shown == 0):
            bad.append((i, j))
    if bad:
        for (i, j), s in zip(bad, _format_block(xm, bad, max(1, digits - 1))):
            cf[i][j] = s
