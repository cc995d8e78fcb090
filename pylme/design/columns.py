"""The typed columns of a model frame, R's ``factor()`` and lme4's ``%i%`` (R: the vectors
``model.frame`` holds, ``factor()``, ``as.character()`` of numbers; lme4: ``%i%``).

Missing values are kept R's way: NaN in numeric columns, code -1 in factors, and a mask
for logicals.

Identity of values is never lost on the way to a factor: two values get one level only
when R's ``factor()`` would merge them (their ``as.character`` labels are equal, e.g.
``0.1 + 0.2`` and ``0.3``), never because of pylme's storage.  Integers that float64
cannot hold exactly (beyond 2**53, which R cannot hold at all) keep their exact value in
:attr:`Numeric.exact`, so distinct ids stay distinct levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError
from ..formula.deparse import format_double, format_integer

__all__ = ["Numeric", "Factor", "Logical", "FrameColumn", "r_factor", "r_interaction", "strings_to_factor",
           "FLOAT_EXACT_LIMIT"]

# every integer of at most this magnitude is exactly a float64 (2**53)
FLOAT_EXACT_LIMIT = 2**53


# --- column types ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Numeric:
    """A numeric variable: ``values`` of shape (n,) or, for ``poly``/``scale``, (n, k).

    ``colnames`` are the matrix column names R appends to the variable name
    (``poly(x, 3)`` has ``"1", "2", "3"``); ``is_integer`` marks R integers, whose
    ``factor()`` labels are plain digits (``100000`` rather than ``1e+05``).

    ``exact`` (integer columns only, else None) holds the exact integer values (an
    int64, uint64 or object array of Python ints; any value where ``values`` is NaN)
    when some value is beyond 2**53 and float64 ``values`` would merge distinct ids.
    Arithmetic uses ``values`` (R's doubles); :func:`r_factor` uses ``exact``.
    """

    values: np.ndarray = field(repr=False)
    colnames: tuple | None = None
    is_integer: bool = False
    exact: np.ndarray | None = field(default=None, repr=False)

    @property
    def ncol(self) -> int:
        return 1 if self.values.ndim == 1 else self.values.shape[1]

    def take(self, rows: np.ndarray) -> "Numeric":
        """The column on a subset of rows (``exact`` follows the values)."""
        exact = None if self.exact is None else self.exact[rows]
        return Numeric(self.values[rows], self.colnames, self.is_integer, exact)

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


def _numeric_factor(column: Numeric, ordered: bool) -> Factor:
    """``factor()`` of a number vector: numeric order, levels merged where labels coincide."""
    if column.values.ndim != 1:
        raise DataError("a matrix variable cannot be turned into a factor")
    x = column.values.astype(float)
    ok = ~np.isnan(x)
    codes = np.full(x.shape, -1, dtype=np.int64)
    if column.exact is not None:
        # exact integers: numeric order of the true values, every distinct id its own level
        # (their decimal labels are distinct, so R's label merging cannot apply)
        distinct, inverse = np.unique(column.exact[ok], return_inverse=True)
        codes[ok] = inverse.reshape(-1)
        return Factor(codes, tuple(str(int(v)) for v in distinct), ordered)
    distinct, inverse = np.unique(x[ok], return_inverse=True)
    # values with the same 15-digit label share one level, as R's factor() does
    # (R: levels <- unique(as.character(sort(unique(x)))); codes match the labels)
    distinct_labels = _labels_for(distinct, column.is_integer)
    labels = list(dict.fromkeys(distinct_labels))
    index = {lab: i for i, lab in enumerate(labels)}
    codes[ok] = np.array([index[lab] for lab in distinct_labels], dtype=np.int64)[inverse.reshape(-1)]
    return Factor(codes, tuple(labels), ordered)


def used_levels(codes: np.ndarray, nlevels: int) -> np.ndarray:
    """The sorted distinct codes ``>= 0`` (``np.unique`` of them) by one counting pass, O(n + levels)."""
    present = codes[codes >= 0] if codes.size and codes.min() < 0 else codes
    return np.flatnonzero(np.bincount(present, minlength=nlevels)).astype(codes.dtype, copy=False)


def r_factor(column, na: np.ndarray | None = None, ordered: bool | None = None) -> Factor:
    """R's ``factor(x)``: levels are the sorted distinct non-NA values.

    Parameters
    ----------
    column : Numeric, Logical or Factor
        The values.
    na : ndarray of bool, optional
        Missing values of a :class:`Logical` (other columns carry their own NA).
    ordered : bool, optional
        R's ``ordered``; None keeps a factor's own flag (False for other columns).

    Returns
    -------
    Factor

    Notes
    -----
    Numbers sort numerically and are labelled with ``as.character`` (15 significant
    digits, so ``0.1 + 0.2`` and ``0.3`` share the level ``"0.3"``, as in R); integers
    are labelled with all their digits and compared exactly, so ids beyond 2**53
    (which R cannot hold; R would merge 9007199254740993 and 9007199254740992) stay
    distinct levels in numeric order.  Logicals give ``"FALSE"``, ``"TRUE"``; a factor
    keeps its level order but loses unused levels (R: ``droplevels``).  Character data
    is turned into a factor when the frame is built (see
    :func:`pylme.design.convert.convert_series`).

    Raises
    ------
    DataError
        For a matrix variable (``poly()``, ``scale()``) or another kind of column.
    """
    if isinstance(column, Factor):
        used = used_levels(column.codes, column.nlevels)
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
        return _numeric_factor(column, bool(ordered))
    raise DataError(f"cannot make a factor of {type(column).__name__}")


def r_interaction(f1: Factor, f2: Factor) -> Factor:
    """lme4's ``f1 %i% f2`` (``fix.order = TRUE``): the grouping factor of ``(1 | f1:f2)``.

    Parameters
    ----------
    f1, f2 : Factor
        The two factors, one code per observation (-1 is NA).

    Returns
    -------
    Factor
        Levels are the distinct *pasted labels* ``"l1:l2"`` that occur.  Pairs whose
        labels paste to the same text share one level, as in lme4 (``"x:y"`` with
        ``"z"`` and ``"x"`` with ``"y:z"`` are both ``"x:y:z"``).  A level's rank is
        that of the pair of its *first* occurrence, ``f1``'s level first, then
        ``f2``'s (lme4: ``nlevels(f2) * as.numeric(f1) + as.numeric(f2)``), so
        ``f1`` varies slowest, unlike R's ``interaction()``.  NA in either is NA
        (lme4 never sees one: the model frame has dropped those rows).
    """
    n2 = max(f2.nlevels, 1)
    na = (f1.codes < 0) | (f2.codes < 0)
    key = np.where(na, -1, f1.codes.astype(np.int64) * n2 + f2.codes)
    pairs, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if pairs.size and pairs[0] < 0:  # the NA "pair" is no level
        pairs, first, inverse = pairs[1:], first[1:], inverse - 1
    pair_labels = [f"{f1.levels[k // n2]}:{f2.levels[k % n2]}" for k in pairs]
    # the representative of a label is its earliest pair; its rank orders the levels
    earliest: dict[str, tuple[int, int]] = {}
    for label, row, rank in zip(pair_labels, first, pairs):
        if label not in earliest or row < earliest[label][0]:
            earliest[label] = (int(row), int(rank))
    levels = sorted(earliest, key=lambda lab: earliest[lab][1])
    index = {lab: i for i, lab in enumerate(levels)}
    pair_code = np.array([index[lab] for lab in pair_labels] + [-1], dtype=np.int64)
    codes = pair_code[np.where(na, -1, inverse)]
    return Factor(codes, tuple(levels), False)


def strings_to_factor(values: np.ndarray, levels, ordered: bool = False) -> Factor:
    """Character values (None = NA) coded against the given levels (-1 when absent)."""
    index = {lab: i for i, lab in enumerate(levels)}
    codes = np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64)
    return Factor(codes, tuple(levels), ordered)
