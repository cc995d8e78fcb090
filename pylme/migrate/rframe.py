"""R's data frame operations whose row order, names or typing pandas does not give:
``merge`` (R's sort of the keys), ``do.call(rbind/cbind, parts)``, ``sapply``'s
simplification of a named list, ``read.csv``'s blank fields.  Re-exported by
:mod:`pylme.migrate.rbase`, which translated scripts import.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["merge", "bind_list", "simplify", "blank_to_na"]



def _merge_sort_key(col: pd.Series, as_character: bool) -> pd.Series:
    """Sort key of a merge key column as R orders it (factor: level codes, or its labels
    in R's collation where R's merge compares them as strings; text: R's collation)."""
    from ..design.collation import collation_key

    from .rbase import _fmt

    if isinstance(col.dtype, pd.CategoricalDtype) and not as_character:
        return col.cat.codes
    if pd.api.types.is_numeric_dtype(col.dtype) and not isinstance(col.dtype,
                                                                    pd.CategoricalDtype):
        return col
    text = col.astype(object).map(lambda v: None if v is None or v != v else _fmt(v))
    ranks = {s: i for i, s in enumerate(sorted({s for s in text if s is not None},
                                               key=collation_key))}
    return text.map(lambda s: ranks.get(s, len(ranks))).astype(int)


def merge(x: pd.DataFrame, y: pd.DataFrame, by: Any = None, how: str = "inner",
          sort: bool = True, suffixes: tuple[str, str] = (".x", ".y")) -> pd.DataFrame:
    """R ``merge(x, y, by, all.x, all.y, sort)``: the key columns first, then ``x``'s other
    columns, then ``y``'s; sorted as R sorts: an inner merge on the keys as strings for
    factors (R matches factor keys by their labels), with ``all``/``all.x``/``all.y`` on
    the key columns themselves (factor level order)."""
    keys = [c for c in x.columns if c in y.columns] if by is None else (
        [by] if isinstance(by, str) else list(by))
    out = x.merge(y, on=keys, how=how, sort=False, suffixes=suffixes)
    for k in keys:
        # R's key column is x's: a factor keeps x's levels (pandas gives text when the
        # two frames' categories differ)
        if isinstance(x[k].dtype, pd.CategoricalDtype) and out[k].dtype != x[k].dtype:
            out[k] = pd.Categorical(out[k], categories=x[k].cat.categories,
                                    ordered=x[k].cat.ordered)
    rest = [c for c in out.columns if c not in keys]
    out = out[keys + rest]
    if sort:
        if how == "inner" and len(keys) > 1:
            pasted = out[keys].astype(str).agg("\r".join, axis=1)
            order = _merge_sort_key(pasted, True)
            out = out.iloc[np.argsort(order.to_numpy(), kind="stable")]
        else:
            frame = pd.DataFrame({k: _merge_sort_key(out[k], how == "inner") for k in keys})
            out = out.iloc[np.lexsort([frame[k].to_numpy() for k in reversed(keys)])]
    return out.reset_index(drop=True)


def simplify(values: dict) -> Any:
    """R ``sapply``'s simplification of a named list: a Series when every value is a
    single number, a DataFrame with one column per name when all have one length (rows
    named by the first value's names), else the dict itself."""
    def flat(v):
        return v if isinstance(v, (pd.Series, pd.DataFrame)) else np.asarray(v)
    vals = {k: flat(v) for k, v in values.items()}
    sizes = {int(np.size(v)) for v in vals.values()}
    if sizes == {1}:
        return pd.Series({k: np.ravel(np.asarray(v))[0] for k, v in vals.items()})
    if len(sizes) == 1 and all(np.ndim(v) == 1 for v in vals.values()):
        first = next(iter(vals.values()), None)
        index = first.index if isinstance(first, pd.Series) else None
        return pd.DataFrame({k: np.asarray(v) for k, v in vals.items()}, index=index)
    return values


def blank_to_na(df: pd.DataFrame) -> pd.DataFrame:
    """R ``read.csv``/``read.table``'s typing of blank fields: in a column whose other
    fields are all numbers (or all TRUE/FALSE), a blank field is NA and the column is
    numeric (logical); in a text column it stays the empty string ``""``."""
    out = df
    for col in df.columns:
        if not (df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype)):
            continue
        values = df[col].astype(object)
        blank = values.map(lambda v: isinstance(v, str) and v.strip() == "")
        if not blank.any():
            continue
        rest = values[~blank & values.notna()]
        numbers = pd.to_numeric(rest, errors="coerce")
        if numbers.notna().all():
            converted = pd.to_numeric(values.where(~blank), errors="coerce")
        elif rest.isin(["TRUE", "FALSE", "T", "F"]).all():
            converted = values.where(~blank).map({"TRUE": True, "T": True, "FALSE": False,
                                                  "F": False})
        else:
            continue
        if out is df:
            out = df.copy()
        out[col] = converted
    return out


def bind_list(parts: Any, axis: int = 0) -> Any:
    """R ``do.call(rbind, parts)`` (``axis=0``) or ``do.call(cbind, parts)``: data frames
    stacked (pandas ``concat``); vectors made the rows (columns) of a matrix, named by
    the list's names and the vectors' names, as R's ``rbind``/``cbind`` name them."""
    items = list(parts.values()) if isinstance(parts, dict) else list(parts)
    if all(isinstance(v, pd.DataFrame) for v in items):
        return pd.concat(items, axis=axis)
    if any(isinstance(v, pd.DataFrame) for v in items):
        # a matrix and vectors: the vectors matched by position to the frame's rows
        frame = next(v for v in items if isinstance(v, pd.DataFrame))
        index = frame.index if axis == 1 else frame.columns
        items = [v if isinstance(v, pd.DataFrame) else
                 pd.Series(np.asarray(v), index=index) for v in items]
        return pd.concat(items, axis=axis)
    keys = list(parts.keys()) if isinstance(parts, dict) else None
    first = items[0] if items else None
    columns = list(first.index) if isinstance(first, pd.Series) else None
    out = pd.DataFrame([np.asarray(v) for v in items], index=keys, columns=columns)
    return out if axis == 0 else out.T
