"""R values captured by ``pylme verify`` as plain Python: data frames as pandas, lists as dicts.

A captured model's data leave R as an :class:`~conformance.r_session.RValue` (through
:mod:`conformance.r_session`, the project's one rpy2 module); this module turns them into
what ``pylme.lmer`` takes: factors become pandas Categoricals with R's level order and
``ordered`` flag (as ``conformance.datasets_export`` ships R's data sets), doubles float64
(R's NA as NaN), integers int64 (``Int64`` when they hold NA), logicals bool (``boolean``
with NA), characters object columns (None for NA).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from conformance.r_session import RValue

__all__ = ["frame", "column", "plain", "contrasts"]


def frame(value: RValue) -> pd.DataFrame:
    """An R data frame as a pandas DataFrame (columns in R's order, a 0..n-1 index)."""
    names = list(value.attr_values("names") or ())
    nrow = _nrow(value)
    data = {name: column(col) for name, col in zip(names, value.values)}
    return pd.DataFrame(data, index=pd.RangeIndex(nrow), columns=names)


def _nrow(value: RValue) -> int:
    rownames = value.attr_values("row.names") or ()
    # compact row names c(NA, -n) (R's .set_row_names)
    if len(rownames) == 2 and rownames[0] is None and isinstance(rownames[1], int):
        return abs(rownames[1])
    return len(rownames)


def column(value: RValue) -> pd.Series | pd.Categorical | np.ndarray:
    """One R vector as a pandas column (see the module docstring)."""
    values = list(value.values)
    if value.is_factor:
        levels = list(value.attr_values("levels") or ())
        codes = np.array([-1 if v is None else v - 1 for v in values], dtype=np.int64)
        return pd.Categorical.from_codes(codes, categories=levels,
                                         ordered="ordered" in value.classes)
    has_na = any(v is None for v in values)
    if value.type == "double":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if value.type == "integer":
        return pd.array(values, dtype="Int64") if has_na else np.array(values, dtype=np.int64)
    if value.type == "logical":
        return pd.array(values, dtype="boolean") if has_na else np.array(values, dtype=bool)
    if value.type == "character":
        return np.array(values, dtype=object)
    raise ValueError(f"an R column of type {value.type!r} cannot be sent to pylme")


def plain(value: RValue | None) -> Any:
    """An R value as plain Python: NULL None, a length-1 vector a scalar, a vector a list,
    a named list a dict, a matrix a 2-d array, a data frame a DataFrame."""
    if value is None or value.type == "NULL":
        return None
    if value.is_data_frame:
        return frame(value)
    if value.type == "list":
        names = value.attr_values("names")
        items = [plain(v) for v in value.values]
        return dict(zip(names, items)) if names else items
    dim = value.attr_values("dim")
    if dim is not None and len(dim) == 2:
        return np.array(value.values, dtype=object).reshape(dim, order="F")
    if value.is_factor:
        return list(column(value).astype(object))
    values = list(value.values)
    return values[0] if len(values) == 1 else values


def contrasts(value: RValue | None, data: pd.DataFrame) -> dict[str, Any]:
    """``attr(getME(fm, "X"), "contrasts")`` as pylme's ``contrasts=``: R's non-default
    contrasts only (names as names, matrices as DataFrames with the levels as index), for
    the factors of `data`; R's defaults (``contr.treatment``, ``contr.poly`` for ordered
    factors) are left to pylme's own defaults.

    Raises
    ------
    ValueError
        For a non-default contrast on a variable that is no column of the data (a factor
        made inside the formula): pylme could not be told about it.
    """
    out: dict[str, Any] = {}
    if value is None or value.type != "list":
        return out
    for name, spec in zip(value.attr_values("names") or (), value.values):
        ordered = name in data.columns and isinstance(data[name].dtype, pd.CategoricalDtype) \
            and bool(data[name].cat.ordered)
        if spec.type == "character":
            text = spec.values[0]
            if text == ("contr.poly" if ordered else "contr.treatment"):
                continue
            out[name] = text
        else:
            dim = spec.attr_values("dim")
            matrix = np.array(spec.values, dtype=float).reshape(dim, order="F")
            dimnames = spec.attr("dimnames")
            rows = cols = None
            if dimnames is not None:
                rows, cols = (None if d.type == "NULL" else list(d.values) for d in dimnames.values)
            out[name] = pd.DataFrame(matrix, index=rows, columns=cols) if cols else matrix
        if name not in data.columns:
            raise ValueError(f"contrasts of {name!r}, a factor made inside the formula")
    return out
