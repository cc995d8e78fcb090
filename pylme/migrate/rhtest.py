"""R's classical hypothesis tests for translated scripts: ``t.test``, ``chisq.test``,
``cor.test`` and the ``"htest"`` object they return, printed as R prints it.

``pylme migrate`` translates ``t.test(extra ~ group, data = sleep)`` to
``rhtest.t_test("extra ~ group", data=sleep)``; printing the result writes exactly
the text of R 4.2.2's ``stats:::print.htest`` (``"\\tWelch Two Sample t-test"``,
``"data:  extra by group"``, ``"t = -1.8608, df = 17.776, p-value = 0.07939"``, ...).

The statistics are computed here, following ``stats::t.test.default``,
``stats::chisq.test`` and ``stats::cor.test.default`` branch by branch, with SciPy's
distribution functions (``t``, ``chi2``, ``norm``: R's ``pt``/``pchisq``/``pnorm``
to about 1e-15); SciPy's test wrappers are not used because they do not choose R's
variants (Welch by default, Yates only for 2 x 2 tables, Spearman's exact AS 89
p-value, Kendall's exact null distribution, ...).  The rank-correlation null
distributions are at the end of this module.

Covered R paths: t-tests (one sample, paired, Welch, pooled variance; formula
``y ~ g`` and ``y ~ 1`` with ``data``; ``alternative``, ``mu``, ``conf.level``);
``chisq.test`` of a matrix/table (Yates' correction for 2 x 2 when ``correct``), of two
vectors (cross-tabulated as factors) and goodness of fit (``p``, ``rescale.p``);
``cor.test`` Pearson (t statistic, Fisher-z interval), Kendall (exact for n < 50
without ties, else the tie-corrected normal approximation, ``continuity``) and
Spearman (exact AS 89 for n <= 1290 without ties, else the t approximation).  Not
covered: ``simulate.p.value``, ``Pair(x, y) ~ 1`` formulas, ``subset=``.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, DataError, PylmeWarning
from ..printing.coefmat import format_pval
from ..printing.glmm_layout import strwrap
from ..printing.rformat import encode_number_cat, format_real
from ..printing.rprint import PRINT_WIDTH, print_named_numeric

__all__ = ["HTest", "t_test", "chisq_test", "cor_test"]

_ALTERNATIVES = ("two.sided", "less", "greater")
_ALT_TEXT = {"two.sided": "not equal to", "less": "less than", "greater": "greater than"}
#: R's list component names -> attribute names (``res$p.value`` is ``res.p_value``)
_R_NAMES = {"statistic": "statistic", "parameter": "parameter", "p.value": "p_value",
            "conf.int": "conf_int", "estimate": "estimate", "null.value": "null_value",
            "stderr": "stderr", "alternative": "alternative", "method": "method",
            "data.name": "data_name", "observed": "observed", "expected": "expected",
            "residuals": "residuals", "stdres": "stdres"}


@dataclass(frozen=True, eq=False)
class HTest:
    """R's ``"htest"`` object (the value of ``t.test``, ``chisq.test``, ``cor.test``).

    Attributes mirror R's list components: ``statistic`` (float, its R name in
    ``statistic_name``), ``parameter`` (float, or a tuple for several; names in
    ``parameter_names``), ``p_value``, ``conf_int`` (array of 2, level in
    ``conf_level``), ``estimate`` (a pandas Series named as R names it),
    ``null_value`` (float, name in ``null_name``), ``stderr``, ``alternative``,
    ``method``, ``data_name`` and, for ``chisq.test``, ``observed``, ``expected``,
    ``residuals``, ``stdres``.  ``res["p.value"]`` reads a component by its R name.
    ``str(res)`` is R's ``print.htest`` text.
    """

    method: str
    data_name: str
    statistic: Optional[float] = None
    statistic_name: str = ""
    parameter: Any = None
    parameter_names: tuple[str, ...] = ()
    p_value: Optional[float] = None
    conf_int: Optional[np.ndarray] = None
    conf_level: Optional[float] = None
    estimate: Optional[pd.Series] = None
    null_value: Optional[float] = None
    null_name: str = ""
    stderr: Optional[float] = None
    alternative: Optional[str] = None
    observed: Any = None
    expected: Any = None
    residuals: Any = None
    stdres: Any = None
    warnings: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Any:
        """R's ``res[["p.value"]]`` / ``res$p.value``."""
        try:
            return getattr(self, _R_NAMES[name])
        except KeyError:
            raise KeyError(f"an htest object has no component {name!r}") from None

    def __str__(self) -> str:
        return print_htest(self)[:-1]  # print() writes the last newline

    __repr__ = __str__


def print_htest(x: HTest, digits: int = 7) -> str:
    """The text of R's ``print.htest(x, digits = getOption("digits"))``, ending in a
    newline (``str(x)`` is the same text without that last newline, for ``print``)."""
    lines = [""]
    lines += ["\t" + line for line in strwrap(x.method, int(0.9 * PRINT_WIDTH))]
    lines += ["", f"data:  {x.data_name}"]
    out = []
    if x.statistic is not None:
        out.append(f"{x.statistic_name} = {format_real([x.statistic], max(1, digits - 2))[0]}")
    if x.parameter is not None:
        values = list(x.parameter) if isinstance(x.parameter, tuple) else [x.parameter]
        out += [f"{n} = {v}" for n, v in zip(x.parameter_names,
                                             format_real(values, max(1, digits - 2)))]
    if x.p_value is not None:
        fp = format_pval([x.p_value], digits=max(1, digits - 3))[0]
        out.append("p-value " + (fp if fp.startswith("<") else "= " + fp))
    lines += strwrap(", ".join(out), int(0.9 * PRINT_WIDTH))
    if x.alternative is not None:
        if x.null_value is not None:
            lines.append(f"alternative hypothesis: true {x.null_name} is "
                         f"{_ALT_TEXT[x.alternative]} {encode_number_cat(x.null_value)}")
        else:
            lines.append(f"alternative hypothesis: {x.alternative}")
    if x.conf_int is not None:
        level = format_real([100 * x.conf_level])[0]
        ci = format_real(list(x.conf_int[:2]), digits)
        lines += [f"{level} percent confidence interval:", " " + " ".join(ci)]
    text = "\n".join(lines) + "\n"
    if x.estimate is not None:
        text += "sample estimates:\n"
        text += print_named_numeric(list(x.estimate.to_numpy(dtype=float)),
                                    [str(n) for n in x.estimate.index], digits=digits)
    return text + "\n"


# ------------------------------------------------------------------ helpers
def _numeric(x: Any) -> np.ndarray:
    """A float vector, missing values (None, pd.NA) as NaN."""
    if isinstance(x, (pd.Series, pd.Index)):
        return x.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(np.asarray(x, dtype=object).ravel()).to_numpy(dtype=float, na_value=np.nan)


def r_mean(x: np.ndarray) -> float:
    """R's ``mean()``: a long-double sum, then one refinement pass (summary.c)."""
    ld = np.asarray(x, dtype=np.longdouble)
    s = ld.sum() / len(ld)
    if np.isfinite(s):
        s = s + (ld - s).sum() / len(ld)
    return float(s)


def r_var(x: np.ndarray) -> float:
    """R's ``var()`` of one vector (cov.c: long-double sums of squared deviations)."""
    d = np.asarray(x, dtype=float) - r_mean(x)
    return float((d * d).astype(np.longdouble).sum() / (len(d) - 1))


def _r_cor(x: np.ndarray, y: np.ndarray) -> float:
    """R's ``cor(x, y)`` (Pearson; cov.c's centred long-double sums, clamped to [-1, 1])."""
    dx, dy = x - r_mean(x), y - r_mean(y)
    sxy = (dx * dy).astype(np.longdouble).sum()
    sxx = (dx * dx).astype(np.longdouble).sum()
    syy = (dy * dy).astype(np.longdouble).sum()
    n1 = len(x) - 1
    r = float(sxy / n1) / (math.sqrt(float(sxx / n1)) * math.sqrt(float(syy / n1)))
    return min(max(r, -1.0), 1.0)


def _check_alternative(alternative: str) -> str:
    cands = [a for a in _ALTERNATIVES if a.startswith(alternative)] if alternative else []
    if len(cands) != 1:
        raise ArgumentError("'arg' should be one of \u201ctwo.sided\u201d, \u201cless\u201d, "
                            "\u201cgreater\u201d")
    return cands[0]


def _check_conf_level(conf_level: float) -> None:
    if not (np.isscalar(conf_level) and math.isfinite(conf_level) and 0 <= conf_level <= 1):
        raise ArgumentError("'conf.level' must be a single number between 0 and 1")


def _warn(message: str, collected: list[str]) -> None:
    warnings.warn(message, PylmeWarning, stacklevel=3)
    collected.append(message)


# ------------------------------------------------------------------ t.test
def t_test(x: Any, y: Any = None, alternative: str = "two.sided", mu: float = 0.0,
           paired: bool = False, var_equal: bool = False, conf_level: float = 0.95,
           data: Optional[pd.DataFrame] = None, data_name: Optional[str] = None) -> HTest:
    """R's ``t.test``: one-sample, paired, Welch or pooled two-sample t-test.

    ``x`` may be a formula string (``"extra ~ group"`` or ``"extra ~ 1"``) with
    ``data``, as R's ``t.test(formula, data)``.  ``data_name`` is R's ``data.name``
    (the deparsed arguments; the translator passes the R source text); by default
    ``"x"`` / ``"x and y"`` or, for a formula, ``"extra by group"``.
    """
    if isinstance(x, str) and "~" in x:
        return _t_test_formula(x, data, alternative=alternative, mu=mu, paired=paired,
                               var_equal=var_equal, conf_level=conf_level)
    alternative = _check_alternative(alternative)
    if not (np.isscalar(mu) and not np.isnan(mu)):
        raise ArgumentError("'mu' must be a single number")
    _check_conf_level(conf_level)
    xv = _numeric(x)
    if y is not None:
        dname = data_name or "x and y"
        yv = _numeric(y)
        if paired:
            ok = ~(np.isnan(xv) | np.isnan(yv))
            xv, yv = xv[ok], yv[ok]
        else:
            xv, yv = xv[~np.isnan(xv)], yv[~np.isnan(yv)]
    else:
        dname = data_name or "x"
        if paired:
            raise ArgumentError("'y' is missing for paired test")
        xv, yv = xv[~np.isnan(xv)], None
    if paired:
        xv, yv = xv - yv, None
    nx = len(xv)
    mx = r_mean(xv) if nx else math.nan
    vx = r_var(xv) if nx > 1 else math.nan
    if yv is None:
        if nx < 2:
            raise DataError("not enough 'x' observations")
        df = nx - 1.0
        stderr = math.sqrt(vx / nx)
        if stderr < 10 * np.finfo(float).eps * abs(mx):
            raise DataError("data are essentially constant")
        tstat = (mx - mu) / stderr
        method = "Paired t-test" if paired else "One Sample t-test"
        estimate = pd.Series([mx], index=["mean difference" if paired else "mean of x"])
    else:
        ny = len(yv)
        if nx < 1 or (not var_equal and nx < 2):
            raise DataError("not enough 'x' observations")
        if ny < 1 or (not var_equal and ny < 2):
            raise DataError("not enough 'y' observations")
        if var_equal and nx + ny < 3:
            raise DataError("not enough observations")
        my = r_mean(yv)
        vy = r_var(yv) if ny > 1 else math.nan
        method = ("" if var_equal else "Welch ") + "Two Sample t-test"
        estimate = pd.Series([mx, my], index=["mean of x", "mean of y"])
        if var_equal:
            df = nx + ny - 2.0
            v = (nx - 1) * vx if nx > 1 else 0.0
            v += (ny - 1) * vy if ny > 1 else 0.0
            stderr = math.sqrt(v / df * (1 / nx + 1 / ny))
        else:
            sx, sy = math.sqrt(vx / nx), math.sqrt(vy / ny)
            stderr = math.sqrt(sx ** 2 + sy ** 2)
            df = stderr ** 4 / (sx ** 4 / (nx - 1) + sy ** 4 / (ny - 1))
        if stderr < 10 * np.finfo(float).eps * max(abs(mx), abs(my)):
            raise DataError("data are essentially constant")
        tstat = (mx - my - mu) / stderr
    if alternative == "less":
        pval = float(stats.t.cdf(tstat, df))
        cint = np.array([-math.inf, tstat + stats.t.ppf(conf_level, df)])
    elif alternative == "greater":
        pval = float(stats.t.sf(tstat, df))
        cint = np.array([tstat - stats.t.ppf(conf_level, df), math.inf])
    else:
        pval = float(2 * stats.t.cdf(-abs(tstat), df))
        q = stats.t.ppf(1 - (1 - conf_level) / 2, df)
        cint = tstat + np.array([-q, q])
    null_name = ("mean difference" if paired else
                 "difference in means" if yv is not None else "mean")
    return HTest(method=method, data_name=dname, statistic=float(tstat), statistic_name="t",
                 parameter=float(df), parameter_names=("df",), p_value=pval,
                 conf_int=mu + cint * stderr, conf_level=float(conf_level), estimate=estimate,
                 null_value=float(mu), null_name=null_name, stderr=stderr,
                 alternative=alternative)


def _t_test_formula(formula: str, data: Optional[pd.DataFrame], **kw: Any) -> HTest:
    """R's ``t.test.formula``: ``y ~ g`` (two groups) or ``y ~ 1`` (one sample)."""
    if data is None:
        raise ArgumentError("t_test with a formula needs data=")
    lhs, rhs = (s.strip().strip("`") for s in formula.split("~", 1))
    if rhs == "1":
        return t_test(data[lhs], data_name=lhs, **kw)
    frame = data[[lhs, rhs]].dropna()  # model.frame's na.omit
    g = frame[rhs]
    if isinstance(g.dtype, pd.CategoricalDtype):
        levels = [c for c in g.cat.categories if (g == c).any()]  # factor() drops unused
    else:
        levels = sorted(g.unique())
    if len(levels) != 2:
        raise DataError("grouping factor must have exactly 2 levels")
    res = t_test(frame[lhs][g == levels[0]], frame[lhs][g == levels[1]],
                 data_name=f"{lhs} by {rhs}", **kw)
    if len(res.estimate) == 2:
        labels = [_as_character(v) for v in levels]
        est = pd.Series(res.estimate.to_numpy(), index=[f"mean in group {v}" for v in labels])
        null_name = "difference in means between " + " and ".join(f"group {v}" for v in labels)
        res = replace(res, estimate=est, null_name=null_name)
    return res


def _as_character(v: Any) -> str:
    """R's ``as.character`` of a level (a double 5 is ``"5"``, 15 significant digits)."""
    if isinstance(v, (float, np.floating)):
        return "%.15g" % v
    return str(v)


# ------------------------------------------------------------------ chisq.test
def _factor_codes(v: Any) -> tuple[np.ndarray, list]:
    """R's ``factor(v)``: (codes, levels); categoricals keep their order, unused levels
    dropped; other values sorted."""
    s = pd.Series(v).reset_index(drop=True)
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(pd.CategoricalDtype(sorted(s.dropna().unique())))
    s = s.cat.remove_unused_categories()
    return s.cat.codes.to_numpy(), list(s.cat.categories)


def chisq_test(x: Any, y: Any = None, correct: bool = True, p: Optional[Sequence[float]] = None,
               rescale_p: bool = False, data_name: Optional[str] = None) -> HTest:
    """R's ``chisq.test``: Pearson's test of a contingency table (``x`` a matrix or
    DataFrame, or the cross-tabulation of the vectors ``x`` and ``y``), with Yates'
    continuity correction for 2 x 2 tables when ``correct``; or the goodness-of-fit
    test of a count vector ``x`` against probabilities ``p``.  Warns (R's wording)
    "Chi-squared approximation may be incorrect" when an expected count is below 5.
    """
    dname = data_name or "x"
    table = np.asarray(x.to_numpy() if isinstance(x, (pd.DataFrame, pd.Series)) else x,
                       dtype=object if y is not None else float)
    if table.ndim == 2 and min(table.shape) == 1:
        table = table.ravel()
    if table.ndim == 1 and y is not None:
        xs, ys = pd.Series(list(x)), pd.Series(list(y))
        if len(xs) != len(ys):
            raise DataError("'x' and 'y' must have the same length")
        ok = (xs.notna() & ys.notna()).to_numpy()
        xc, xl = _factor_codes(pd.Series(x).reset_index(drop=True)[ok])
        yc, yl = _factor_codes(pd.Series(y).reset_index(drop=True)[ok])
        if len(xl) < 2 or len(yl) < 2:
            raise DataError("'x' and 'y' must have at least 2 levels")
        table = np.zeros((len(xl), len(yl)))
        np.add.at(table, (xc, yc), 1)
        if data_name is None:
            dname = "x and y"
    table = np.asarray(table, dtype=float)
    if np.any(np.isnan(table)) or np.any(table < 0):
        raise DataError("all entries of 'x' must be nonnegative and finite")
    n = table.sum()
    if n == 0:
        raise DataError("at least one entry of 'x' must be positive")
    notes: list[str] = []
    if table.ndim == 2:
        method = "Pearson's Chi-squared test"
        sr, sc = table.sum(axis=1), table.sum(axis=0)
        expected = np.outer(sr, sc) / n
        var = np.outer(sr, sc) * np.outer(n - sr, n - sc) / n ** 3
        yates = 0.0
        if correct and table.shape == (2, 2):
            yates = min(0.5, float(np.abs(table - expected).min()))
            if yates > 0:
                method += " with Yates' continuity correction"
        statistic = float(np.sum((np.abs(table - expected) - yates) ** 2 / expected))
        df = float((table.shape[0] - 1) * (table.shape[1] - 1))
    else:
        if table.ndim != 1:
            raise DataError("invalid 'x'")
        if len(table) == 1:
            raise DataError("'x' must at least have 2 elements")
        probs = np.full(len(table), 1 / len(table)) if p is None else np.asarray(p, dtype=float)
        if len(probs) != len(table):
            raise DataError("'x' and 'p' must have the same number of elements")
        if np.any(probs < 0):
            raise DataError("probabilities must be non-negative.")
        if abs(probs.sum() - 1) > math.sqrt(np.finfo(float).eps):
            if not rescale_p:
                raise DataError("probabilities must sum to 1.")
            probs = probs / probs.sum()
        method = "Chi-squared test for given probabilities"
        expected = n * probs
        var = n * probs * (1 - probs)
        statistic = float(np.sum((table - expected) ** 2 / expected))
        df = float(len(table) - 1)
    pval = float(stats.chi2.sf(statistic, df))
    if np.any(expected < 5):
        _warn("Chi-squared approximation may be incorrect", notes)
    return HTest(method=method, data_name=dname, statistic=statistic, statistic_name="X-squared",
                 parameter=df, parameter_names=("df",), p_value=pval, observed=table,
                 expected=expected, residuals=(table - expected) / np.sqrt(expected),
                 stdres=(table - expected) / np.sqrt(var), warnings=tuple(notes))


# ------------------------------------------------------------------ cor.test
def _rank(v: np.ndarray) -> np.ndarray:
    """R's ``rank(v)`` (ties get their average rank)."""
    return stats.rankdata(v, method="average").astype(float)


def _kendall_tau(x: np.ndarray, y: np.ndarray) -> float:
    """R's ``cor(x, y, method = "kendall")``: tau-b from the pairwise signs (cov.c)."""
    num = sxx = syy = 0.0
    for start in range(0, len(x), 512):  # blocks of rows: memory stays O(n)
        sx = np.sign(x[start:start + 512, None] - x[None, :])
        sy = np.sign(y[start:start + 512, None] - y[None, :])
        num += float((sx * sy).sum())
        sxx += float((sx * sx).sum())
        syy += float((sy * sy).sum())
    return num / (math.sqrt(sxx) * math.sqrt(syy))


def _two_sided(lower: float, upper: float) -> float:
    return 2 * min(lower, upper)


def cor_test(x: Any, y: Any, alternative: str = "two.sided", method: str = "pearson",
             exact: Optional[bool] = None, conf_level: float = 0.95, continuity: bool = False,
             data_name: Optional[str] = None) -> HTest:
    """R's ``cor.test``: Pearson's product-moment correlation (t test, Fisher-z
    interval for n > 3), Kendall's tau (exact for n < 50 without ties) or Spearman's
    rho (exact AS 89 p-value for n <= 1290 without ties); with ties the exact
    p-value is replaced by the approximation and R's warning "Cannot compute exact
    p-value with ties" is issued.
    """
    alternative = _check_alternative(alternative)
    methods = [m for m in ("pearson", "kendall", "spearman") if m.startswith(method)]
    if len(methods) != 1:
        raise ArgumentError("'arg' should be one of \u201cpearson\u201d, \u201ckendall\u201d, "
                            "\u201cspearman\u201d")
    method = methods[0]
    xv, yv = _numeric(x), _numeric(y)
    if len(xv) != len(yv):
        raise DataError("'x' and 'y' must have the same length")
    ok = ~(np.isnan(xv) | np.isnan(yv))
    xv, yv = xv[ok], yv[ok]
    n = len(xv)
    dname = data_name or "x and y"
    notes: list[str] = []
    common = dict(data_name=dname, alternative=alternative, null_value=0.0)
    if method == "pearson":
        if n < 3:
            raise DataError("not enough finite observations")
        r = _r_cor(xv, yv)
        df = n - 2
        tstat = math.sqrt(df) * r / math.sqrt(1 - r ** 2)
        cint = None
        if n > 3:
            _check_conf_level(conf_level)
            z, sigma = math.atanh(r), 1 / math.sqrt(n - 3)
            if alternative == "less":
                cint = np.array([-math.inf, z + sigma * stats.norm.ppf(conf_level)])
            elif alternative == "greater":
                cint = np.array([z - sigma * stats.norm.ppf(conf_level), math.inf])
            else:
                cint = z + np.array([-1.0, 1.0]) * sigma * stats.norm.ppf((1 + conf_level) / 2)
            cint = np.tanh(cint)
        lo, up = float(stats.t.cdf(tstat, df)), float(stats.t.sf(tstat, df))
        pval = {"less": lo, "greater": up}.get(alternative) if alternative != "two.sided" \
            else _two_sided(lo, up)
        return HTest(method="Pearson's product-moment correlation", statistic=tstat,
                     statistic_name="t", parameter=float(df), parameter_names=("df",),
                     p_value=pval, conf_int=cint, conf_level=None if cint is None else conf_level,
                     estimate=pd.Series([r], index=["cor"]), null_name="correlation",
                     **common)
    if n < 2:
        raise DataError("not enough finite observations")
    ties = min(len(np.unique(xv)), len(np.unique(yv))) < n
    if method == "kendall":
        r = _kendall_tau(xv, yv)
        if exact is None:
            exact = n < 50
        if exact and not ties:
            q = float(np.round((r + 1) * n * (n - 1) / 4))
            name = "T"
            if alternative == "two.sided":
                p = 1 - pkendall(q - 1, n) if q > n * (n - 1) / 4 else pkendall(q, n)
                pval = min(2 * p, 1.0)
            else:
                pval = 1 - pkendall(q - 1, n) if alternative == "greater" else pkendall(q, n)
            stat = q
        else:
            stat, name = _kendall_z(xv, yv, r, n, continuity), "z"
            if exact and ties:
                _warn("Cannot compute exact p-value with ties", notes)
            lo, up = float(stats.norm.cdf(stat)), float(stats.norm.sf(stat))
            pval = {"less": lo, "greater": up, "two.sided": _two_sided(lo, up)}[alternative]
        return HTest(method="Kendall's rank correlation tau", statistic=stat, statistic_name=name,
                     p_value=float(pval), estimate=pd.Series([r], index=["tau"]),
                     null_name="tau", warnings=tuple(notes), **common)
    if exact is None:
        exact = True
    r = _r_cor(_rank(xv), _rank(yv))
    q = (n ** 3 - n) * (1 - r) / 6
    if ties and exact:
        exact = False
        _warn("Cannot compute exact p-value with ties", notes)

    def pspearman(q: float, lower_tail: bool) -> float:
        if n <= 1290 and exact:
            return prho(n, round(q) + 2 * lower_tail, lower_tail)
        den = n * (n ** 2 - 1) / 6 + (1 if continuity else 0)
        rr = 1 - q / den
        tval = rr / math.sqrt((1 - rr ** 2) / (n - 2))
        return float(stats.t.sf(tval, n - 2) if lower_tail else stats.t.cdf(tval, n - 2))

    if alternative == "two.sided":
        p = pspearman(q, lower_tail=not q > (n ** 3 - n) / 6)
        pval = min(2 * p, 1.0)
    else:
        pval = pspearman(q, lower_tail=alternative == "greater")
    return HTest(method="Spearman's rank correlation rho", statistic=float(q), statistic_name="S",
                 p_value=float(pval), estimate=pd.Series([r], index=["rho"]), null_name="rho",
                 warnings=tuple(notes), **common)


def _kendall_z(x: np.ndarray, y: np.ndarray, r: float, n: int, continuity: bool) -> float:
    """cor.test's tie-corrected normal statistic for Kendall's tau."""
    def tie_sizes(v: np.ndarray) -> np.ndarray:
        _, counts = np.unique(v, return_counts=True)
        return counts[counts > 1].astype(float)

    xt, yt = tie_sizes(x), tie_sizes(y)
    t0 = n * (n - 1) / 2
    t1, t2 = np.sum(xt * (xt - 1)) / 2, np.sum(yt * (yt - 1)) / 2
    s = r * math.sqrt((t0 - t1) * (t0 - t2))
    v0 = n * (n - 1) * (2 * n + 5)
    vt, vu = np.sum(xt * (xt - 1) * (2 * xt + 5)), np.sum(yt * (yt - 1) * (2 * yt + 5))
    v1 = np.sum(xt * (xt - 1)) * np.sum(yt * (yt - 1))
    v2 = np.sum(xt * (xt - 1) * (xt - 2)) * np.sum(yt * (yt - 1) * (yt - 2))
    var_s = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2))
    if continuity:
        s = math.copysign(abs(s) - 1, s) if s != 0 else 0.0
    return float(s / math.sqrt(var_s))


# ------------------------------------------------------------------ null distributions
@lru_cache(maxsize=None)
def _spearman_sums(n: int) -> np.ndarray:
    """sum((i - p_i)^2) over every permutation p of 1..n (AS 89's exact branch)."""
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int16)
    return ((perms - np.arange(n, dtype=np.int16)) ** 2).sum(axis=1)


def prho(n: int, s: float, lower_tail: bool) -> float:
    """R's ``prho`` (stats/src/prho.c, algorithm AS 89): P[S >= s], or P[S < s] when
    ``lower_tail``, for S = (n^3 - n)(1 - rho)/6 under independence; exact by
    enumeration for n <= 9, an Edgeworth series above."""
    pv = 0.0 if lower_tail else 1.0
    if n <= 1 or s <= 0:
        return pv
    n3 = n * (n * n - 1.0) / 3.0
    if s > n3:
        return 1 - pv
    if n <= 9:
        nfac = math.factorial(n)
        ifr = 1 if s == n3 else int(np.count_nonzero(_spearman_sums(n) >= s))
        return (nfac - ifr if lower_tail else ifr) / nfac
    c = (.2274, .2531, .1745, .0758, .1033, .3932, .0879, .0151, .0072, .0831, .0131, 4.6e-4)
    b = 1 / n
    x = (6.0 * (s - 1) * b / (n * n - 1.0) - 1) * math.sqrt(n - 1.0)
    y = x * x
    u = x * b * (c[0] + b * (c[1] + c[2] * b)
                 + y * (-c[3] + b * (c[4] + c[5] * b)
                        - y * b * (c[6] + c[7] * b
                                   - y * (c[8] - c[9] * b + y * b * (c[10] - c[11] * y)))))
    y = u / math.exp(y / 2.0)
    tail = stats.norm.cdf(x) if lower_tail else stats.norm.sf(x)
    return min(max((-y if lower_tail else y) + float(tail), 0.0), 1.0)


@lru_cache(maxsize=None)
def _inversion_counts(n: int) -> tuple[int, ...]:
    """Number of permutations of n items with k inversions, k = 0..n(n-1)/2 (exact)."""
    counts = [1]
    for m in range(2, n + 1):
        new = [0] * (len(counts) + m - 1)
        for k, c in enumerate(counts):
            for i in range(m):
                new[k + i] += c
        counts = new
    return tuple(counts)


def pkendall(q: float, n: int) -> float:
    """R's ``pkendall`` (stats/src/kendall.c): P[T <= q] for Kendall's statistic T
    (the number of concordant pairs) of n untied observations."""
    q = math.floor(q + 1e-7)
    if q < 0:
        return 0.0
    if q > n * (n - 1) / 2:
        return 1.0
    return sum(_inversion_counts(n)[:int(q) + 1]) / math.gamma(n + 1)
