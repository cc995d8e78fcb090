"""R's ``summary()`` of data frames and vectors for translated scripts, printed as R
prints it.

``pylme migrate`` translates ``summary(df)`` to ``rsummary.summary_df(df)`` and
``summary(x)`` of a vector to ``rsummary.summary_default(x)``; printing the result
writes the text of R 4.2.2's ``summary.data.frame`` table (``print.table``) or of
``print.summaryDefault`` (``str()`` is that text without its last newline, which
``print`` adds)::

      Sepal.Length    Sepal.Width  ...
     Min.   :4.300   Min.   :2.000  ...
     1st Qu.:5.100   1st Qu.:2.800  ...

Column kinds follow R's dispatch: numbers (``Min.``, ``1st Qu.``, ``Median``,
``Mean``, ``3rd Qu.``, ``Max.`` from ``quantile(type = 7)`` and ``mean``, then
``NA's``; formatted by ``format.summaryDefault``: ``zapsmall`` and
``format(digits = 4)``), factors (pandas categoricals: level counts, the rarest
levels pooled into ``(Other)`` beyond ``maxsum``), logicals (``Mode`` and the
``FALSE``/``TRUE``/``NA's`` counts) and character columns (``Length``/``Class``/
``Mode``).  Not covered: dates and list columns (shown as character columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd

from ..printing.rformat import format_integer, format_real, quantile7, signif, zapsmall
from ..printing.rprint import (PRINT_WIDTH, print_character_matrix, print_named_character,
                               print_named_numeric)
from .rhtest import r_mean

__all__ = ["SummaryDefault", "SummaryTable", "summary_default", "summary_df"]

_QUANTILE_NAMES = ("Min.", "1st Qu.", "Median", "Mean", "3rd Qu.", "Max.")
#: getOption("digits") - 3, summary's default
_DIGITS = 4


def _kind(x: pd.Series) -> str:
    dtype = x.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "factor"
    if pd.api.types.is_bool_dtype(dtype):
        return "logical"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    values = x.dropna()
    if len(values) and values.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        return "logical"
    return "character"


@dataclass(frozen=True, eq=False)
class SummaryDefault:
    """R's ``summary(x)`` of one vector (class ``"summaryDefault"``, or the level counts
    of a factor).  ``values`` is a pandas Series named as R names the entries
    (``summary(x)["Mean"]``); ``str()`` is R's printed text."""

    values: pd.Series
    kind: str

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __str__(self) -> str:
        names = [str(n) for n in self.values.index]
        if self.kind == "factor":
            return print_named_numeric(list(self.values.astype(float)), names)[:-1]
        # print.summaryDefault formats numbers only; character entries print as they are
        cells = _format_cells(self) if self.kind == "numeric" else [str(v) for v in self.values]
        return print_named_character(cells, names)[:-1]  # print() writes the last newline

    __repr__ = __str__


def _numeric_summary(x: pd.Series, digits: Optional[int]) -> SummaryDefault:
    """``summary.default`` of numbers: quantiles, mean (signif'd when ``digits``), NA's."""
    values = x.to_numpy(dtype=float, na_value=np.nan)
    nas = np.isnan(values)
    kept = values[~nas]
    qq = quantile7(kept)
    qq = qq[:3] + [r_mean(kept) if len(kept) else np.nan] + qq[3:]
    if digits is not None:
        qq = [signif(v, digits) for v in qq]
    out = pd.Series(qq, index=list(_QUANTILE_NAMES), dtype=object)
    if nas.any():
        out["NA's"] = int(nas.sum())
    return SummaryDefault(out, "numeric")


def _factor_summary(x: pd.Series, maxsum: int) -> SummaryDefault:
    """``summary.factor``: level counts; beyond ``maxsum`` the rarest are ``(Other)``."""
    nas = int(x.isna().sum())
    if nas:
        maxsum -= 1
    levels = list(x.cat.categories)
    counts = np.array([(x == lev).sum() for lev in levels], dtype=int)
    names = [str(lev) for lev in levels]
    if len(levels) > maxsum:
        order = np.argsort(-counts, kind="stable")  # sort.list(decreasing = TRUE)
        keep = order[:maxsum - 1]
        names = [names[i] for i in keep] + ["(Other)"]
        counts = np.append(counts[keep], counts[order[maxsum - 1:]].sum())
    out = pd.Series(list(counts), index=names, dtype=object)
    if nas:
        out["NA's"] = nas
    return SummaryDefault(out, "factor")


def _logical_summary(x: pd.Series) -> SummaryDefault:
    """``summary.default`` of a logical: ``Mode`` then the table with NA's."""
    vals = x.astype(object)
    entries = {"Mode": "logical"}
    for value, label in ((False, "FALSE"), (True, "TRUE")):
        n = int((vals == value).sum())
        if n:
            entries[label] = str(n)
    n_na = int(x.isna().sum())
    if n_na:
        entries["NA's"] = str(n_na)
    return SummaryDefault(pd.Series(entries, dtype=object), "logical")


def _character_summary(x: pd.Series) -> SummaryDefault:
    return SummaryDefault(pd.Series({"Length": str(len(x)), "Class": "character",
                                     "Mode": "character"}, dtype=object), "character")


def summary_default(x: Any, maxsum: int = 100, digits: Optional[int] = None) -> SummaryDefault:
    """R's ``summary(x)`` of a vector (``summary.default`` / ``summary.factor``)."""
    s = x if isinstance(x, pd.Series) else pd.Series(x)
    kind = _kind(s)
    if kind == "numeric":
        return _numeric_summary(s, digits)
    if kind == "factor":
        return _factor_summary(s, maxsum)
    if kind == "logical":
        return _logical_summary(s)
    return _character_summary(s)


def _format_cells(summ: SummaryDefault, digits: int = _DIGITS) -> list[str]:
    """``format()`` of a summary: ``format.summaryDefault`` (zapsmall, then
    ``format(digits = 4)``; the NA count as written by ``as.character``) or, for a
    factor's counts, ``format()`` of an integer vector."""
    values = list(summ.values)
    if summ.kind == "factor":
        return format_integer([int(v) for v in values])
    if summ.kind != "numeric":
        return [str(v).ljust(max(len(str(u)) for u in values)) for v in values]
    has_na = summ.values.index[-1] == "NA's"
    nums = [float(v) for v in (values[:-1] if has_na else values)]
    finite = [i for i, v in enumerate(nums) if np.isfinite(v)]
    zapped = zapsmall([nums[i] for i in finite])
    for i, v in zip(finite, zapped):
        nums[i] = v
    cells = format_real(nums, digits)
    return cells + [str(values[-1])] if has_na else cells


@dataclass(frozen=True, eq=False)
class SummaryTable:
    """R's ``summary(df)``: a character table, one column per variable (class
    ``"table"``).  ``cells`` are its rows (None where R has NA, printed blank),
    ``columns`` its (padded) column labels; ``str()`` is R's printed text."""

    cells: tuple[tuple[Optional[str], ...], ...]
    columns: tuple[str, ...]
    width: int = PRINT_WIDTH

    def __str__(self) -> str:
        if not self.columns:
            return "< table of extent 0 x 0 >"
        rows = [["" if c is None else c for c in row] for row in self.cells]
        return print_character_matrix(rows, [""] * len(rows), list(self.columns),
                                      right=False, width=self.width)[:-1]

    __repr__ = __str__


def summary_df(df: pd.DataFrame, maxsum: int = 7, digits: int = _DIGITS) -> SummaryTable:
    """R's ``summary(df)`` of a data frame (``summary.data.frame``)."""
    names = [str(c) for c in df.columns]
    columns: list[list[str]] = []
    label_widths: list[int] = []
    for name in df.columns:
        summ = summary_default(df[name], maxsum=maxsum, digits=12)
        cells = _format_cells(summ, digits)
        labels = [str(n) for n in summ.values.index]
        lw = max(len(lab) for lab in labels)
        columns.append([f"{lab.ljust(lw)}:{cell}  " for lab, cell in zip(labels, cells)])
        label_widths.append(lw)
    nr = max((len(c) for c in columns), default=0)
    blanks = max(label_widths, default=0) + 1  # paste(character(max(lw) + 2), collapse = " ")
    labels = []
    for name, lw in zip(names, label_widths):
        pad = min(max(int(np.floor(lw - len(name) / 2)), 0), blanks)
        labels.append(" " * pad + name)
    rows = tuple(tuple(col[i] if i < len(col) else None for col in columns) for i in range(nr))
    return SummaryTable(rows, tuple(labels))
