"""The typed columns of a model frame and R's ``factor()`` (R: the vectors ``model.frame``
holds, ``factor()``, ``as.character()`` of numbers).

Missing values are kept R's way: NaN in numeric columns, code -1 in factors, and a mask
for logicals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError
from ..formula.deparse import format_double, format_integer

__all__ = ["Numeric", "Factor", "Logical", "FrameColumn", "r_factor", "strings_to_factor"]


# --- column types ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Numeric:
    """A numeric variable: ``values`` of shape (n,) or, for ``poly``/``scale``, (n, k).

    ``colnames`` are the matrix column names R appends to the variable name
    (``poly(x, 3)`` has ``"1", "2", "3"``); ``is_integer`` marks R integers, whose
    ``factor()`` labels are plain digits (``100000`` rather than ``1e+05``).
    """

    values: np.ndarray = field(repr=False)
    colnames: tuple | None = None
    is_integer: bool = False

    @property
    def ncol(self) -> int:
        return 1 if self.values.ndim == 1 else self.values.shape[1]

    def matrix(self) -> np.ndarray:
        """Values as an (n, ncol) float array."""
        v = np.asarray(self.values, dtype=float)
        return v[:, None] if v.ndim == 1 else v


@dataclass(frozen=True, eq=False)
class Factor:
    """A factor: integer ``codes`` into ``levels`` (-1 is NA) and R's ``ordered`` flag."""

    codes: np.ndarray = field(repr=False)
    levels: tuple
    ordered: bool = False

    @property
    def nlevels(self) -> int:
        return len(self.levels)

    def labels(self) -> np.ndarray:
        """The level label of each observation (None for NA)."""
        lv = np.array(list(self.levels) + [None], dtype=object)
        return lv[self.codes]


@dataclass(frozen=True, eq=False)
class Logical:
    """A logical variable (R ``TRUE``/``FALSE``); model matrices code it like a factor."""

    values: np.ndarray = field(repr=False)


FrameColumn = Numeric | Factor | Logical


# --- R's factor() ----------------------------------------------------------------------------


def _labels_for(values: np.ndarray, is_integer: bool) -> list[str]:
    if is_integer:
        return [format_integer(v) for v in values]
    return [format_double(v) for v in values]


def r_factor(column, na: np.ndarray | None = None, ordered: bool | None = None) -> Factor:
    """R's ``factor(x)``: levels are the sorted distinct non-NA values.

    Numbers sort numerically and are labelled with ``as.character`` (15 significant
    digits, so ``0.1 + 0.2`` and ``0.3`` share the level ``"0.3"``); logicals give
    ``"FALSE"``, ``"TRUE"``; strings sort with :func:`collation_key`; a factor keeps
    its level order but loses unused levels.  (Character data is turned into
    factors when the frame is built, see :func:`pylme.design.frame.collation_key`.)
    """
    if isinstance(column, Factor):
        used = np.unique(column.codes[column.codes >= 0])
        remap = np.full(column.nlevels + 1, -1, dtype=np.int64)
        remap[used] = np.arange(used.size)
        keep_ordered = column.ordered if ordered is None else ordered
        return Factor(remap[column.codes], tuple(column.levels[i] for i in used), keep_ordered)
    if isinstance(column, Logical):
        missing = np.zeros(column.values.shape, bool) if na is None else na
        present = [v for v in (False, True) if np.any((column.values == v) & ~missing)]
        codes = np.where(missing, -1, np.searchsorted(present, column.values)).astype(np.int64)
        return Factor(codes, tuple(str(v).upper() for v in present), bool(ordered))
    if isinstance(column, Numeric):
        if column.values.ndim != 1:
            raise DataError("a matrix variable cannot be turned into a factor")
        x = column.values.astype(float)
        ok = ~np.isnan(x)
        distinct, inverse = np.unique(x[ok], return_inverse=True)
        # values with the same 15-digit label share one level, as R's factor() does
        distinct_labels = _labels_for(distinct, column.is_integer)
        labels = list(dict.fromkeys(distinct_labels))
        index = {lab: i for i, lab in enumerate(labels)}
        codes = np.full(x.shape, -1, dtype=np.int64)
        codes[ok] = np.array([index[lab] for lab in distinct_labels], dtype=np.int64)[inverse]
        return Factor(codes, tuple(labels), bool(ordered))
    raise DataError(f"cannot make a factor of {type(column).__name__}")


def strings_to_factor(values: np.ndarray, levels, ordered: bool = False) -> Factor:
    """Character values (None = NA) coded against the given levels (-1 when absent)."""
    index = {lab: i for i, lab in enumerate(levels)}
    codes = np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64)
    return Factor(codes, tuple(levels), ordered)
