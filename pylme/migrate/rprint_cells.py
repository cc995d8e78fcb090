"""What R type a Python value of a translated script stands for, and its cells as R
formats them (``format()`` / ``print.default``'s encoders), for :mod:`pylme.migrate.rprint`.

A translated script holds R's atomic vectors as NumPy arrays, Python lists of scalars
and pandas Series; this module decides which R type each is (double, integer, logical,
character, factor) and encodes its elements with R 4.2.2's rules through
:mod:`pylme.printing.rformat` (``formatReal``: 7 significant digits, fixed or
scientific by width, one common format per vector).  Missing values: NaN, ``None`` and
``pd.NA`` are all R's ``NA`` (the translation writes ``NA`` as ``np.nan``), so a NaN
prints ``NA``, never ``NaN``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from ..printing.rformat import R_NA, encode_real, format_info_real, format_integer, format_real

__all__ = ["RVector", "as_rvector", "is_scalar", "encode_cells", "format_column", "r_label",
           "cat_strings"]



@dataclass(frozen=True)
class RVector:
    """An atomic R vector read from a Python value.

    Attributes
    ----------
    kind : str
        ``"double"``, ``"integer"``, ``"logical"``, ``"character"`` or ``"factor"``.
    values : tuple
        The elements (``None`` where R has NA; a factor's elements are its labels).
    levels : tuple
        A factor's levels (empty otherwise).
    ordered : bool
        An ordered factor (``Levels: a < b``).
    """

    kind: str
    values: tuple
    levels: tuple = ()
    ordered: bool = False


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, (float, np.floating)) and math.isnan(v)


def is_scalar(v: Any) -> bool:
    """A Python/NumPy scalar that R would hold as a length-one atomic vector."""
    return isinstance(v, (bool, int, float, str, np.bool_, np.integer, np.floating, np.str_))


def _scalar_kind(v: Any) -> Optional[str]:
    if isinstance(v, (bool, np.bool_)):
        return "logical"
    if isinstance(v, (int, np.integer)):
        return "integer"
    if isinstance(v, (float, np.floating)):
        return "double"
    if isinstance(v, (str, np.str_)):
        return "character"
    return None


def _object_kind(values: Sequence[Any]) -> Optional[str]:
    """The R type of a vector of Python objects: the widest of its elements' types, as
    R's ``c()`` would coerce them (character only when every present value is a string)."""
    kinds = {_scalar_kind(v) for v in values if not _missing(v)}
    if None in kinds:
        return None
    if not kinds:  # c(NA, NA) is logical; None is how translations hold a string's NA
        return "character" if any(v is None for v in values) else "logical"
    if kinds == {"character"}:
        return "character"
    if "character" in kinds:
        return None  # mixed strings and numbers: not a vector the translation makes
    for k in ("double", "integer", "logical"):
        if k in kinds:
            return k
    return None


def _dtype_kind(dtype: Any) -> Optional[str]:
    if isinstance(dtype, pd.CategoricalDtype):
        return "factor"
    if pd.api.types.is_bool_dtype(dtype):
        return "logical"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return "character"
    if getattr(dtype, "kind", None) in ("U", "S"):
        return "character"
    return None


def _clean(v: Any) -> Any:
    return None if _missing(v) else v


def as_rvector(x: Any) -> Optional[RVector]:
    """Read ``x`` (array, list of scalars, Series, Categorical, scalar) as an R atomic
    vector; ``None`` when it is none of these (a list of mixed objects, a 2-D array)."""
    if is_scalar(x):
        return RVector(_scalar_kind(x), (_clean(x),))
    if isinstance(x, (pd.Series, pd.Index)) and isinstance(x.dtype, pd.CategoricalDtype):
        x = x.array
    if isinstance(x, pd.Categorical):
        cats = tuple(x.categories)
        vals = tuple(None if c < 0 else cats[c] for c in x.codes)
        return RVector("factor", vals, cats, bool(x.ordered))
    if isinstance(x, (pd.Series, pd.Index)) or isinstance(x, pd.api.extensions.ExtensionArray):
        kind = _dtype_kind(x.dtype)
        values = list(x)
    elif isinstance(x, np.ndarray):
        if x.ndim != 1:
            return None
        kind = _dtype_kind(x.dtype)
        values = x.tolist()
    elif isinstance(x, (list, tuple)) and x and all(is_scalar(v) or _missing(v) for v in x):
        kind, values = None, list(x)  # (an empty list is R's list())
    else:
        return None
    if kind is None and not values:
        kind = "character"  # an empty object array: the translation's character(0)
    if kind is None:
        kind = _object_kind(values)
        if kind is None:
            return None
    return RVector(kind, tuple(_clean(v) for v in values))


def _doubles(values: Sequence[Any]) -> list[float]:
    return [R_NA if v is None else float(v) for v in values]


def encode_cells(vec: RVector, digits: int = 7, quote: bool = True) -> list[str]:
    """The elements of ``vec`` as ``print.default`` encodes them, each padded to the
    vector's common width (numbers right-justified, strings left-justified)."""
    if vec.kind == "double":
        vals = _doubles(vec.values)
        fmt = format_info_real(vals, digits)
        return [encode_real(v, fmt) for v in vals]
    if vec.kind == "integer":
        return format_integer([None if v is None else int(v) for v in vec.values])
    if vec.kind == "logical":
        cells = ["NA" if v is None else ("TRUE" if v else "FALSE") for v in vec.values]
        w = max([len(c) for c in cells] + [0])
        return [c.rjust(w) for c in cells]
    cells = [encode_string(v, quote) for v in vec.values]
    w = max([len(c) for c in cells] + [0])
    return [c.ljust(w) for c in cells]


def encode_string(s: Optional[Any], quote: bool) -> str:
    """``EncodeString``: NA is ``NA`` when quoted, ``<NA>`` otherwise; quotes escaped."""
    if s is None:
        return "NA" if quote else "<NA>"
    s = str(s)
    if not quote:
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t") + '"'


def format_column(x: Any, digits: int = 7) -> list[Optional[str]]:
    """One data-frame column as ``format.data.frame`` gives it to ``print.matrix``:
    numbers in their column's common format, logicals ``TRUE``/``FALSE``/``NA``, strings
    and factor labels as they are (``None`` for NA, which prints ``<NA>``)."""
    vec = as_rvector(x)
    if vec is None:  # a column of arbitrary objects: R's format() of a list column
        return [str(v) for v in x]
    if vec.kind == "double":
        return format_real(_doubles(vec.values), digits)
    if vec.kind in ("integer", "logical"):
        return encode_cells(vec, digits)
    return [None if v is None else str(v) for v in vec.values]


def r_label(v: Any) -> str:
    """A dimnames/names label as R's ``as.character`` writes the value (15 significant
    digits for doubles: table labels of a numeric column are ``4``, not ``4.0``)."""
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if _missing(v):
        return "NA"
    if isinstance(v, (float, np.floating)):
        return format_real([float(v)], 15, trim=True)[0]
    return str(v)


def cat_strings(x: Any) -> Optional[list[str]]:
    """What ``cat()`` writes for one argument: each element on its own, doubles with up to
    7 significant digits (formatReal of the element alone), a factor as its codes."""
    if x is None:
        return None
    if isinstance(x, (pd.Series, pd.Categorical)) and isinstance(x.dtype, pd.CategoricalDtype):
        codes = np.asarray(pd.Categorical(x).codes)
        return ["NA" if c < 0 else str(c + 1) for c in codes]
    vec = as_rvector(x)
    if vec is None:
        return [str(v) for v in (x if isinstance(x, (list, tuple)) else [x])]
    if vec.kind == "double":
        out = []
        for v in _doubles(vec.values):
            out.append(encode_real(v, format_info_real([v], 7)))
        return out
    if vec.kind == "integer":
        return ["NA" if v is None else str(int(v)) for v in vec.values]
    if vec.kind == "logical":
        return ["NA" if v is None else ("TRUE" if v else "FALSE") for v in vec.values]
    return ["NA" if v is None else str(v) for v in vec.values]
