"""Base R vector utilities for translated scripts: ``setdiff``/``intersect``/``union``,
``class``, ``na.omit``, ``complete.cases``, ``outer``, ``stopifnot``, ``formatC``.

Each follows R's definition: the set functions keep first-appearance order and drop
duplicates (``unique(x[!x %in% y])`` ...), ``class`` names a pandas column as R names
the vector it stands for, ``formatC`` is C's ``sprintf`` as R calls it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["match", "setdiff", "intersect", "union", "r_class", "na_omit", "complete_cases",
           "outer", "stopifnot", "formatC", "unlist", "is_numeric", "order", "table_frame", "names"]


def _vec(x: Any) -> np.ndarray:
    if isinstance(x, (pd.Series, pd.Index)):
        return np.asarray(x.astype(object) if isinstance(x.dtype, pd.CategoricalDtype) else x)
    return np.atleast_1d(np.asarray(x))


def _unique(values: np.ndarray) -> np.ndarray:
    return pd.unique(pd.Series(values, dtype=values.dtype)).astype(values.dtype) \
        if values.size else values


def match(x: Any, table: Any) -> Any:
    """R's ``match``: the 1-based position of each element's first occurrence in ``table``,
    NaN (R's NA) where it does not occur; a scalar for a scalar ``x``."""
    first: dict = {}
    for i, v in enumerate(_vec(table).tolist(), start=1):
        first.setdefault(v, i)
    out = np.array([first.get(v, np.nan) for v in _vec(x).tolist()], dtype=float)
    if np.ndim(x) == 0 and not isinstance(x, (pd.Series, pd.Index)):
        return out[0]
    return out


def setdiff(x: Any, y: Any) -> np.ndarray:
    """R's ``setdiff``: the distinct elements of ``x`` not in ``y``, in order."""
    xs = _vec(x)
    return _unique(xs[~np.isin(xs, _vec(y))])


def intersect(x: Any, y: Any) -> np.ndarray:
    """R's ``intersect``: the distinct elements of ``x`` also in ``y``, in ``x``'s order."""
    xs = _vec(x)
    return _unique(xs[np.isin(xs, _vec(y))])


def union(x: Any, y: Any) -> np.ndarray:
    """R's ``union``: the distinct elements of ``c(x, y)``, in order."""
    return _unique(np.concatenate([_vec(x), _vec(y)]))


def r_class(x: Any) -> str:
    """R's ``class`` of a value as the translation represents it: ``"data.frame"``,
    ``"factor"``, ``"numeric"``, ``"integer"``, ``"character"``, ``"logical"``."""
    if isinstance(x, pd.DataFrame):
        return "data.frame"
    if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype):
        return "ordered" if x.cat.ordered else "factor"
    if isinstance(x, dict):
        return "list"
    if callable(x):
        return "function"
    values = np.asarray(x)
    if values.dtype == bool:
        return "logical"
    if np.issubdtype(values.dtype, np.integer):
        return "integer"
    if np.issubdtype(values.dtype, np.number):
        return "numeric"
    return "character"


def na_omit(x: Any) -> Any:
    """R's ``na.omit``: a data frame's rows without NA (row names kept), or a vector's
    non-NA elements."""
    if isinstance(x, pd.DataFrame):
        return x.dropna()
    if isinstance(x, pd.Series):
        return x[x.notna()]
    values = np.atleast_1d(np.asarray(x))
    return values[~pd.isna(values)]


def complete_cases(*xs: Any) -> np.ndarray:
    """R's ``complete.cases``: the rows with no NA in any argument."""
    ok = None
    for x in xs:
        frame = x if isinstance(x, pd.DataFrame) else pd.DataFrame({"v": _vec(x)})
        row_ok = frame.notna().all(axis=1).to_numpy()
        ok = row_ok if ok is None else ok & row_ok
    return ok


def outer(x: Any, y: Any, fun: Any = None) -> np.ndarray:
    """R's ``outer(X, Y, FUN = "*")``: ``fun(x[i], y[j])`` for every pair, ``fun``
    called once on the expanded vectors (R's FUN must be vectorised)."""
    xs, ys = _vec(x), _vec(y)
    if fun is None:
        return np.multiply.outer(xs, ys)
    xx, yy = np.meshgrid(xs, ys, indexing="ij")
    return np.asarray(fun(xx.ravel(), yy.ravel())).reshape(xx.shape)


def stopifnot(*conditions: Any) -> None:
    """R's ``stopifnot``: an error unless every value is all TRUE."""
    from .rbase import RError

    for i, cond in enumerate(conditions):
        values = np.atleast_1d(np.asarray(cond))
        if values.size and not (values.dtype == bool and values.all()):
            raise RError(f"condition {i + 1} is not all TRUE")


def formatC(x: Any, width: int = 0, digits: int | None = None, format: str | None = None,
            flag: str = "", big_mark: str = "") -> Any:
    """R's ``formatC``: each number through C's format ``%<flag><width>.<digits><format>``
    (``format`` ``"f"``, ``"e"``, ``"g"``, ``"d"``; default ``"g"`` for doubles, ``"d"``
    for integers)."""
    values = np.atleast_1d(np.asarray(x))
    if format is None:
        format = "d" if np.issubdtype(values.dtype, np.integer) else "g"
    if format == "s":
        spec = f"%{flag}{width or ''}s"
    else:
        prec = "" if digits is None or format == "d" else f".{digits}"
        spec = f"%{flag}{width or ''}{prec}{format}"
    out = []
    for v in values:
        text = spec % (int(v) if format == "d" else str(v) if format == "s" else float(v))
        if big_mark and format in ("d", "f"):
            head, _, tail = text.strip().partition(".")
            head = f"{int(head):,}".replace(",", big_mark)
            text = head + ("." + tail if tail else "")
        out.append(text)
    return out[0] if np.ndim(x) == 0 else np.array(out, dtype=object)


def unlist(x: dict) -> Any:
    """R's ``unlist`` of a named list: single values keep their names (a Series); longer
    elements are concatenated (R's ``name1``, ``name2``... names are not made)."""
    from .rbinding import r_key

    values = list(x.values())
    if values and all(np.size(v) == 1 for v in values):
        return pd.Series([np.ravel(np.asarray(v))[0] for v in values],
                         index=[r_key(k) for k in x.keys()])
    return np.hstack([np.ravel(np.asarray(v)) for v in values]) if values else np.array([])


def is_numeric(x: Any) -> bool:
    """R's ``is.numeric`` (a factor is not numeric)."""
    return r_class(x) in ("numeric", "integer")


def order(*keys: Any, decreasing: bool = False) -> np.ndarray:
    """R's ``order(..., decreasing)``: 1-based positions, ties broken by the next key
    then kept in place (stable); a factor orders by its levels, strings by R's
    collation, NA last."""
    from .rbase import r_levels

    ranks = []
    for key in keys:
        if isinstance(key, pd.Series) and isinstance(key.dtype, pd.CategoricalDtype):
            rank = key.cat.codes.to_numpy().astype(float)
            rank[rank < 0] = np.nan
        else:
            values = _vec(key)
            if values.dtype.kind in "OUS":
                levels = r_levels(values)
                rank = pd.Categorical(values, categories=levels).codes.astype(float)
                rank[rank < 0] = np.nan
            else:
                rank = values.astype(float)
        rank = -rank if decreasing else rank
        ranks.append(np.where(np.isnan(rank), np.inf, rank))
    return np.lexsort(ranks[::-1]) + 1


def table_frame(tab: Any, responseName: str = "Freq") -> pd.DataFrame:
    """R's ``as.data.frame(table(...))``: one row per cell, the factors first (named by
    the table's dimnames names, else ``Var1``, ``Var2``; the first varying fastest),
    then the counts in ``Freq``."""
    if isinstance(tab, pd.DataFrame):
        rows, cols = tab.index, tab.columns
        first = rows.name or "Var1"
        second = cols.name or "Var2"
        return pd.DataFrame({
            first: pd.Categorical(np.tile(np.asarray(rows), len(cols)), categories=list(rows)),
            second: pd.Categorical(np.repeat(np.asarray(cols), len(rows)), categories=list(cols)),
            responseName: tab.to_numpy().T.ravel()})
    tab = pd.Series(tab)
    name = tab.index.name or "Var1"
    return pd.DataFrame({name: pd.Categorical(np.asarray(tab.index), categories=list(tab.index)),
                         responseName: tab.to_numpy()})


def names(x: Any) -> Any:
    """R's ``names`` of a value whose type is known only when the script runs: a data
    frame's columns, a named vector's (Series') labels, a list's (dict's) keys; NULL
    (None) for an unnamed vector."""
    if isinstance(x, pd.DataFrame):
        return list(x.columns)
    if isinstance(x, pd.Series):
        return list(x.index)
    if isinstance(x, dict):
        return list(x)
    return None
