"""The printed text of R's ``lm``/``glm``/``aov`` results (R 4.2.2's ``print.summary.lm``,
``print.summary.glm``, ``print.anova``, ``print.summary.aov``, ``print.default`` of a
numeric matrix), built on :mod:`pylme.printing`'s R formatting (``printCoefmat``,
``format.pval``, ``formatReal``, ``zapsmall``, ``quantile(type = 7)``).

:class:`RTable` is the table these results are: a pandas DataFrame with R's row and
column names whose ``repr``/``str`` is R's printout (its slices are plain DataFrames).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..printing import AnovaTable, anova_text
from ..printing.coefmat import format_pval, print_coefmat
from ..printing.rformat import (R_NA, encode_number_cat, format_integer, format_real, quantile7,
                                signif, zapsmall)
from ..printing.rprint import (cat, print_character_matrix, print_named_character,
                              print_named_numeric)

__all__ = ["RTable", "RText", "lm_summary_text", "glm_summary_text", "matrix_text", "formatC",
           "lm_print_text", "glm_print_text"]

#: max(3, getOption("digits") - 3): the digits of print.summary.lm/glm and summary.aov
SUMMARY_DIGITS = 4
_QUANTILE_NAMES = ["Min", "1Q", "Median", "3Q", "Max"]


class RTable(pd.DataFrame):
    """A DataFrame printed as R prints the result it stands for (an ``anova`` table,
    ``summary(aov)``, ``confint``/``vcov``'s matrix).  Everything else is pandas'."""

    @property
    def _constructor(self):
        return pd.DataFrame  # a slice or a computed frame is an ordinary DataFrame

    def with_print(self, heading=(), digits: int = 5, footer: str = "",
                   matrix: bool = False, row_width: int = 0) -> "RTable":
        """Set how the table prints (``print.anova``'s heading and digits, or
        ``print.default`` of a numeric matrix; row names padded to ``row_width``);
        returns the table."""
        self.attrs["r_print"] = {"heading": tuple(heading), "digits": digits,
                                 "footer": footer, "matrix": matrix, "row_width": row_width}
        return self

    def text(self) -> str:
        """R's printed text, every line ending in a newline."""
        how = self.attrs.get("r_print", {})
        values = self.to_numpy(dtype=float)
        rows = [str(r).ljust(how.get("row_width", 0)) for r in self.index]
        cols = [str(c) for c in self.columns]
        if how.get("matrix", False):
            return matrix_text(values, rows, cols)
        table = AnovaTable(heading=how.get("heading", ()), row_names=rows, columns=cols,
                           values=values)
        return anova_text(table, digits=how.get("digits", 5)) + how.get("footer", "")

    def __str__(self) -> str:
        return self.text()[:-1]

    __repr__ = __str__


def matrix_text(values: np.ndarray, rows, cols, digits: int = 7) -> str:
    """``print.default`` of a numeric matrix: each column formatted on its own."""
    columns = [format_real(values[:, j], digits) for j in range(values.shape[1])]
    cells = [[columns[j][i] for j in range(len(cols))] for i in range(len(rows))]
    return print_character_matrix(cells, rows, cols, right=True)


def formatC(x: float, digits: int) -> str:
    """R's ``formatC(x, digits=)`` of a double (C's ``%.*g``)."""
    if math.isnan(x):
        return "NaN"
    return "%.*g" % (digits, x)


def _call_block(call: str) -> str:
    return "\nCall:\n" + call + "\n\n"


def _coef_block(coefficients: pd.DataFrame, aliased: pd.Series, df: tuple,
                digits: int) -> str:
    """The ``Coefficients:`` heading and ``printCoefmat`` (aliased rows as NA)."""
    if len(aliased) == 0:
        return "\nNo Coefficients\n"
    nsingular = df[2] - df[0]
    head = (f"\nCoefficients: ({nsingular} not defined because of singularities)\n"
            if nsingular else "\nCoefficients:\n")
    names = list(aliased.index)
    values = np.full((len(names), coefficients.shape[1]), R_NA)
    for name, row in zip(coefficients.index, coefficients.to_numpy()):
        values[names.index(name)] = row
    return head + print_coefmat(values, names, list(coefficients.columns), digits=digits,
                                na_print="NA")


def _quantile_block(resid, digits: int, gap: int) -> str:
    values = [v for v in resid if not math.isnan(v)]
    return print_named_numeric(zapsmall(quantile7(values), digits + 1), _QUANTILE_NAMES,
                               digits=digits, gap=gap)


def _naprint(k: int) -> str:
    return f"  ({k} observation{'' if k == 1 else 's'} deleted due to missingness)\n" \
        if k else ""


def lm_summary_text(s: Any, digits: int = SUMMARY_DIGITS) -> str:
    """``print.summary.lm`` (R 4.2.2) of a :class:`pylme.migrate.rlm.LmSummary`."""
    rank, rdf, _ = s.df
    text = _call_block(s.call)
    text += ("Weighted " if s.weighted else "") + "Residuals:\n"
    if rdf > 5:
        text += _quantile_block(s.residuals.to_numpy(), digits, gap=1)
    elif rdf > 0:
        text += print_named_numeric(s.residuals.to_numpy(), list(s.residuals.index),
                                    digits=digits)
    else:
        text += f"ALL {rank} residuals are 0: no residual degrees of freedom!\n"
    text += _coef_block(s.coefficients, s.aliased, s.df, digits)
    text += cat("\nResidual standard error:", encode_number_cat(signif(s.sigma, digits)),
                "on", str(rdf), "degrees of freedom") + "\n"
    text += _naprint(s.n_deleted)
    if s.fstatistic is not None:
        value, numdf, dendf = s.fstatistic
        p = _f_pvalue(value, numdf, dendf)
        text += cat("Multiple R-squared: ", formatC(s.r_squared, digits))
        text += cat(",\tAdjusted R-squared: ", formatC(s.adj_r_squared, digits),
                    "\nF-statistic:", formatC(value, digits), "on", encode_number_cat(numdf),
                    "and", encode_number_cat(dendf), "DF,  p-value:",
                    format_pval([p], digits)[0])
        text += "\n"
    return text + "\n"


def _f_pvalue(value: float, numdf: float, dendf: float) -> float:
    from scipy import stats

    return float(stats.f.sf(value, numdf, dendf))


def glm_summary_text(s: Any, digits: int = SUMMARY_DIGITS) -> str:
    """``print.summary.glm`` (R 4.2.2) of a :class:`pylme.migrate.rglm.GlmSummary`."""
    text = _call_block(s.call) + "Deviance Residuals: \n"
    resid = s.deviance_residuals
    if s.df_residual > 5:
        text += _quantile_block(resid.to_numpy(), digits, gap=2)
    else:
        zapped = zapsmall(resid.to_numpy(), digits + 1)
        text += print_named_numeric(zapped, list(resid.index), digits=digits, gap=2)
    text += _coef_block(s.coefficients, s.aliased, s.df, digits)
    labels = ["    Null deviance:", "Residual deviance:"]
    devs = format_real([s.null_deviance, s.deviance], max(5, digits + 1))
    dfs = format_integer([s.df_null, s.df_residual])
    text += (f"\n(Dispersion parameter for {s.family} family taken to be "
             f"{format_real([s.dispersion])[0]})\n\n")
    text += "".join(f"{lab} {d}  on {k}  degrees of freedom\n"
                    for lab, d, k in zip(labels, devs, dfs))
    text += _naprint(s.n_deleted)
    text += (f"AIC: {format_real([s.aic], max(4, digits + 1))[0]}\n\n"
             f"Number of Fisher Scoring iterations: {s.iterations}\n")
    return text + "\n"




class RText(str):
    """Text that prints as itself (a ``print()`` method's output, e.g. ``print(lm)``):
    ``str``/``repr`` are the text without its last newline, which ``print`` adds."""

    def __repr__(self) -> str:
        return str.__str__(self)[:-1] if self.endswith("\n") else str.__str__(self)

    __str__ = __repr__


def _coef_vector(names, values, digits: int) -> str:
    """``print.default(format(coef, digits = digits), print.gap = 2, quote = FALSE)``."""
    values = [R_NA if math.isnan(v) else v for v in values]  # aliased: R's NA
    return print_named_character(format_real(values, digits), list(names), gap=2)


def lm_print_text(call: str, names, coef, digits: int = SUMMARY_DIGITS) -> str:
    """``print.lm`` (R 4.2.2): the call and the coefficients (aliased ones ``NA``)."""
    text = _call_block(call)
    if not len(names):
        return text + "No coefficients\n\n"
    return text + "Coefficients:\n" + _coef_vector(names, coef, digits) + "\n"


def glm_print_text(g: Any, call: str, digits: int = SUMMARY_DIGITS) -> str:
    """``print.glm`` (R 4.2.2) of a :class:`pylme.migrate.rglm.RGlmFit`."""
    text = "\nCall:  " + call + "\n\n"
    if len(g.names):
        text += "Coefficients:\n" + _coef_vector(g.names, g.coef, digits)
    else:
        text += "No coefficients\n\n"
    text += (f"\nDegrees of Freedom: {g.df_null} Total (i.e. Null);  {g.df_residual} "
             "Residual\n")
    text += _naprint(g.n_deleted)
    fmt = [encode_number_cat(signif(v, digits)) for v in (g.null_deviance, g.deviance, g.aic)]
    text += cat("Null Deviance:\t   ", fmt[0], "\nResidual Deviance:", fmt[1], "\tAIC:", fmt[2])
    return text + "\n"
