"""One pandas column as the R vector a data frame would hold (R: the columns
``model.frame`` reads, and lme4's ``factorize`` turning character data into factors).

The rules, chosen so that two values share a factor level exactly when R's ``factor()``
of the corresponding R vector would merge them, and never otherwise:

* numbers stay numbers: float columns are R doubles; integer columns (``int*``,
  ``uint*``, nullable ``Int64``...) are R integers, labelled with all their digits.
  Integers beyond 2**53 cannot be R values at all (R has no 64-bit integers; R's
  ``factor(c(9007199254740993, 9007199254740992))`` has *one* level): pylme keeps their
  exact value so that distinct ids stay distinct groups, in numeric order;
* booleans are R logicals; strings (``object`` or ``string`` dtype) become factors with
  R's sorted levels;
* an ``object`` column mixing Python types is coerced as R's ``c()`` coerces a mixed
  vector (logical < integer < double < character): with any string present every value
  becomes its ``as.character`` text (``1``, ``1.0`` and ``"1"`` are one level ``"1"``,
  ``True`` and ``"TRUE"`` one level ``"TRUE"``); otherwise numbers with ``True``/``False``
  as 1/0;
* a Categorical keeps its categories' order as the levels (unused ones are dropped
  later, as R's model frame does); its categories are labelled as above, and two
  categories with the same label are an error, as R refuses duplicated levels;
* anything else (dates, times, intervals, Python objects) is a :class:`DataError`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..formula.deparse import format_double
from .collation import r_sort
from .columns import FLOAT_EXACT_LIMIT, Factor, Logical, Numeric, strings_to_factor
from .evaluate import _Val

__all__ = ["convert_series", "r_as_character"]

# R's coercion order of atomic types (c(TRUE, 1L, 2.5, "a") is character)
_LOGICAL, _INTEGER, _DOUBLE, _CHARACTER = range(4)


def _r_type(v) -> int | None:
    """The R type of one Python value, or None when R has no such atomic value."""
    if isinstance(v, (bool, np.bool_)):
        return _LOGICAL
    if isinstance(v, (int, np.integer)):
        return _INTEGER
    if isinstance(v, (float, np.floating)):
        return _DOUBLE
    if isinstance(v, str):
        return _CHARACTER
    return None


def r_as_character(v) -> str:
    """R's ``as.character`` of one value of an atomic type.

    Parameters
    ----------
    v : bool, int, float or str
        A non-missing value (Python or numpy scalar).

    Returns
    -------
    str
        ``"TRUE"``/``"FALSE"`` for logicals, all the digits of an integer, 15 significant
        digits of a double (``"1"``, ``"2.5"``, ``"1e+05"``), a string itself.
    """
    kind = _r_type(v)
    if kind == _LOGICAL:
        return "TRUE" if v else "FALSE"
    if kind == _INTEGER:
        return str(int(v))
    if kind == _DOUBLE:
        return format_double(float(v))
    return str(v)


def _describe(values) -> str:
    kinds = sorted({type(v).__name__ for v in values})
    return ", ".join(kinds)


def _integer_column(ints: list, na: np.ndarray) -> Numeric:
    """Python/numpy integers (NA rows hold anything) as an R integer column, exact when needed."""
    exact = np.array([0 if m else int(v) for v, m in zip(ints, na)], dtype=object)
    big = any(abs(v) > FLOAT_EXACT_LIMIT for v in exact)
    values = np.array([np.nan if m else _to_float(v) for v, m in zip(exact, na)], dtype=float)
    return Numeric(values, None, True, exact if big else None)


def _to_float(v: int) -> float:
    try:
        return float(v)
    except OverflowError:  # beyond the doubles: only its factor identity matters
        return float("inf") if v > 0 else float("-inf")


def _object_column(name: str, series: pd.Series, na: np.ndarray) -> _Val:
    if pd.api.types.infer_dtype(series, skipna=True) == "string":
        factor = _strings_factor(series.to_numpy(dtype=object), na)
        if factor is not None:
            return _Val(factor)
    values = series.to_numpy(dtype=object)
    present = [v for v, missing in zip(values, na) if not missing]
    kinds = [_r_type(v) for v in present]
    if any(k is None for k in kinds):
        odd = [v for v, k in zip(present, kinds) if k is None]
        raise DataError(
            f"variable '{name}' holds values of type {_describe(odd)}; pylme needs numbers, strings, "
            "booleans or a Categorical (convert dates or objects, e.g. with .astype(str))"
        )
    top = max(kinds, default=_CHARACTER)
    if top == _CHARACTER:
        text = np.array([None if m else r_as_character(v) for v, m in zip(values, na)], dtype=object)
        return _Val(strings_to_factor(text, r_sort({t for t in text if t is not None})))
    if top == _LOGICAL:
        return _Val(Logical(np.array([bool(v) if not m else False for v, m in zip(values, na)])), na)
    if top == _INTEGER:
        return _Val(_integer_column(list(values), na))
    # doubles (logicals and integers coerced, as R's c() does): an integer a double
    # cannot hold would be merged with its neighbour, so it is refused, not rounded
    inexact = [v for v, k in zip(present, kinds) if k == _INTEGER and abs(int(v)) > FLOAT_EXACT_LIMIT]
    if inexact:
        raise DataError(
            f"variable '{name}' mixes floats with integers beyond 2^53 (e.g. {inexact[0]}) that a float "
            "cannot hold exactly, so distinct values would be merged; use an integer or a string column"
        )
    out = np.array([np.nan if m else float(v) for v, m in zip(values, na)], dtype=float)
    return _Val(Numeric(out, None, False))


def _strings_factor(values: np.ndarray, na: np.ndarray) -> Factor | None:
    """``factor()`` of strings in O(n): one hash pass over the rows, R's sort over the levels.

    The same factor as coding every row's ``as.character`` against the R-sorted distinct
    texts (the general path); None when two distinct values have the same text (``str``
    subclasses), which the general path merges.
    """
    present = ~na
    codes, uniques = pd.factorize(values[present])
    labels = [str(u) for u in uniques]
    if len(set(labels)) != len(labels):
        return None
    levels = r_sort(labels)
    rank = {lab: i for i, lab in enumerate(levels)}
    remap = np.array([rank[lab] for lab in labels], dtype=np.int64)
    out = np.full(values.shape[0], -1, dtype=np.int64)
    out[present] = remap[codes]
    return Factor(out, tuple(levels), False)


def _category_labels(name: str, categories: pd.Index) -> tuple[str, ...]:
    """Labels of a Categorical's categories (R: ``levels``), each as ``as.character`` gives it."""
    dtype = categories.dtype
    if (dtype == object or pd.api.types.is_string_dtype(dtype)) and \
            pd.api.types.infer_dtype(categories, skipna=False) == "string":
        labels = [str(c) for c in categories.tolist()]  # strings: their own text, O(levels)
        if len(set(labels)) == len(labels):
            return tuple(labels)
    if pd.api.types.is_bool_dtype(dtype):
        labels = ["TRUE" if c else "FALSE" for c in categories]
    elif pd.api.types.is_integer_dtype(dtype):
        labels = [str(int(c)) for c in categories]
    elif pd.api.types.is_float_dtype(dtype):
        labels = [format_double(float(c)) for c in categories]
    elif dtype == object or pd.api.types.is_string_dtype(dtype):
        kinds = [_r_type(c) for c in categories]
        if _DOUBLE in kinds and _CHARACTER not in kinds:  # numbers coerce to doubles, as in R
            labels = [format_double(float(c)) if k is not None else str(c) for c, k in zip(categories, kinds)]
        else:
            labels = [r_as_character(c) if k is not None else str(c) for c, k in zip(categories, kinds)]
    else:  # dates and the like: their own text; the categories fix the order anyway
        labels = [str(c) for c in categories]
    seen: dict[str, int] = {}
    for i, lab in enumerate(labels):
        if lab in seen:
            raise DataError(
                f"variable '{name}': categories {categories[seen[lab]]!r} and {categories[i]!r} are both "
                f"the level \"{lab}\" in R (R: factor level [{i + 1}] is duplicated); merge or rename them"
            )
        seen[lab] = i
    return tuple(labels)


def _integer_dtype_column(series: pd.Series) -> Numeric:
    """An integer dtype (numpy or nullable) as an R integer column, keeping ids beyond 2**53 exact."""
    values = series.to_numpy(dtype=float, na_value=np.nan)
    unsigned = pd.api.types.is_unsigned_integer_dtype(series.dtype)
    exact = series.to_numpy(dtype=np.uint64 if unsigned else np.int64, na_value=0)
    big = (exact > FLOAT_EXACT_LIMIT) if unsigned else ((exact > FLOAT_EXACT_LIMIT) | (exact < -FLOAT_EXACT_LIMIT))
    return Numeric(values, None, True, exact if big.any() else None)


def convert_series(name: str, series: pd.Series) -> _Val:
    """One data column as an R vector: numeric, logical or factor (characters become factors).

    Parameters
    ----------
    name : str
        The column's name (for messages).
    series : pandas.Series
        The column.

    Returns
    -------
    _Val
        The column and its missing values (NaN, None, ``pd.NA``, ``pd.NaT`` are NA).

    Raises
    ------
    DataError
        Dates, times and other types R's ``factor()`` or ``model.matrix`` cannot take as
        they are; a Categorical with two categories of the same label; floats mixed with
        integers beyond 2**53.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        return _Val(Factor(codes, _category_labels(name, dtype.categories), bool(dtype.ordered)))
    if pd.api.types.is_bool_dtype(dtype):
        na = np.asarray(pd.isna(series), dtype=bool)
        values = series.to_numpy(dtype=object)
        return _Val(Logical(np.array([bool(v) if not m else False for v, m in zip(values, na)])), na)
    if pd.api.types.is_integer_dtype(dtype):
        return _Val(_integer_dtype_column(series))
    if pd.api.types.is_float_dtype(dtype):
        return _Val(Numeric(series.to_numpy(dtype=float, na_value=np.nan), None, False))
    if dtype == object or pd.api.types.is_string_dtype(dtype):
        return _object_column(name, series, np.asarray(pd.isna(series), dtype=bool))
    raise DataError(
        f"variable '{name}' has unsupported type {dtype}; use numbers, strings, booleans or a Categorical "
        "(for a factor of dates, convert them first, e.g. with .astype(str))"
    )
