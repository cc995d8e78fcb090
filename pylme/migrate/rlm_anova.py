"""R's ANOVA tables of translated ``lm``/``aov`` fits: ``anova.lm`` (sequential sums of
squares from the effects ``Q'y``), ``anova.lmlist`` (``anova(m1, m2, ...)``: each model's
F test against the previous one) and ``summary.aov``, with R's term names and printed
as R prints them (:class:`pylme.migrate.rlm_print.RTable`).  The least squares are
:func:`pylme.migrate.rlm.least_squares` (R's ``lm.fit``, bit for bit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from ..printing.rformat import R_NA
from ..rstats import r_sum
from .rlm import LsFit, least_squares, r_formula_text
from .rlm_print import RTable

__all__ = ["anova_lm", "summary_aov"]


def _f_test(ss, df, resvar, rdf):
    ms = ss / df
    f = ms / resvar
    return ms, f, stats.f.sf(f, df, rdf)


def _sequential(fit: Any) -> tuple[list[str], np.ndarray, np.ndarray, LsFit]:
    """Per term (R's order): df and sequential sum of squares from the effects."""
    ls = least_squares(fit)
    asgn = ls.assign[ls.keep]
    comp = ls.effects[:ls.rank]
    terms, df, ss = [], [], []
    for number in dict.fromkeys(asgn):
        if number == 0:
            continue
        sel = asgn == number
        terms.append(ls.terms[number - 1])
        df.append(int(sel.sum()))
        ss.append(float(r_sum(comp[sel] ** 2)))
    return terms, np.asarray(df, float), np.asarray(ss, float), ls


def anova_lm(*fits: Any) -> RTable:
    """R's ``anova(lm_fit)`` (sequential sums of squares) or ``anova(m1, m2, ...)``
    (``anova.lmlist``: the F test of each model against the previous one)."""
    if len(fits) > 1:
        return _anova_lmlist(fits)
    fit = fits[0]
    terms, df, ss, ls = _sequential(fit)
    rdf = ls.df_residual
    resvar = ls.rss / rdf
    ms, f, p = _f_test(ss, df, resvar, rdf)
    values = np.column_stack([np.append(df, rdf), np.append(ss, ls.rss),
                              np.append(ms, resvar), np.append(f, R_NA),
                              np.append(p, R_NA)])
    from .rcontrasts import r_term_name

    heading = ("Analysis of Variance Table\n",
               f"Response: {r_term_name(str(fit.model.endog_names), {})}")
    return RTable(values, index=terms + ["Residuals"],
                  columns=["Df", "Sum Sq", "Mean Sq", "F value", "Pr(>F)"]).with_print(
        heading=heading, digits=5)


def _anova_lmlist(fits) -> RTable:
    fitted = [least_squares(f) for f in fits]
    resdf = np.array([ls.df_residual for ls in fitted], dtype=float)
    rss = np.array([ls.rss for ls in fitted])
    big = int(np.argmin(resdf))
    scale = rss[big] / resdf[big]
    ddf = np.append(R_NA, -np.diff(resdf))
    dss = np.append(R_NA, -np.diff(rss))
    with np.errstate(divide="ignore", invalid="ignore"):
        fval = dss / ddf / scale
        fval[ddf == 0] = R_NA
        pval = stats.f.sf(fval, np.abs(ddf), resdf[big])
    pval[np.isnan(fval)] = R_NA
    values = np.column_stack([resdf, rss, ddf, dss, fval, pval])
    width = len(str(len(fits)))
    models = "\n".join(f"Model {str(i + 1).rjust(width)}: {r_formula_text(f)}"
                       for i, f in enumerate(fits))
    return RTable(values, index=[str(i + 1) for i in range(len(fits))],
                  columns=["Res.Df", "RSS", "Df", "Sum of Sq", "F", "Pr(>F)"]).with_print(
        heading=("Analysis of Variance Table\n", models), digits=5)


def summary_aov(fit: Any) -> RTable:
    """R's ``summary(aov_fit)`` (one stratum): the sequential table; printed with the row
    names padded to a common width as ``summary.aov`` formats them (``(Intercept)``
    counted)."""
    terms, df, ss, ls = _sequential(fit)
    rdf = ls.df_residual
    rows, values = list(terms), [np.column_stack([df, ss, ss / df])]
    if rdf > 0:
        resvar = ls.rss / rdf
        ms, f, p = _f_test(ss, df, resvar, rdf)
        values = [np.column_stack([df, ss, ms, f, p]),
                  np.array([[rdf, ls.rss, resvar, R_NA, R_NA]])]
        rows.append("Residuals")
        columns = ["Df", "Sum Sq", "Mean Sq", "F value", "Pr(>F)"]
    else:
        columns = ["Df", "Sum Sq", "Mean Sq"]
    # R pads the row names themselves (format(c("(Intercept)", terms, "Residuals")));
    # here only the printout is padded, so that tab.loc["group"] finds the row
    width = max(len(r) for r in rows + (["(Intercept)"] if ls.intercept else []))
    table = RTable(np.vstack(values), index=rows, columns=columns)
    return table.with_print(heading=(), digits=4, row_width=width,
                            footer=_naprint(ls.n_deleted) + "\n" if ls.n_deleted else "")


def _naprint(k: int) -> str:
    """R's ``naprint.omit``."""
    return f"{k} observation{'' if k == 1 else 's'} deleted due to missingness"
