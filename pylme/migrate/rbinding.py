"""R's ``cbind``/``rbind`` for translated scripts, with R's names and positional matching.

``cbind(s, u = x)`` of vectors is a matrix whose columns are named ``s`` and ``u``
(the argument names, else the symbols, R's ``deparse.level = 1``); of a data frame
and vectors it is a data frame (``cbind.data.frame`` calls ``data.frame``), the
vectors matched to the rows by position, never by pandas index labels.  ``rbind``
of vectors makes them the rows of a matrix named likewise; of data frames it stacks
them, matching columns by name (``rbind.data.frame``).  A matrix is a DataFrame here
(its dimnames are the labels).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["cbind", "rbind", "rbind_list", "r_key"]


def _is_vector(v: Any) -> bool:
    return not isinstance(v, pd.DataFrame) and np.ndim(v) <= 1


def _values(v: Any) -> np.ndarray:
    if isinstance(v, pd.Series):
        return v.to_numpy()
    return np.atleast_1d(np.asarray(v))


def _labels(names: Sequence[str | None] | None, n: int) -> list[str | None]:
    names = list(names) if names is not None else []
    return names + [None] * (n - len(names))


def cbind(*parts: Any, names: Sequence[str | None] | None = None) -> pd.DataFrame:
    """R's ``cbind(...)``: ``names`` are the argument labels (None: unnamed)."""
    labels = _labels(names, len(parts))
    frames = [p for p in parts if isinstance(p, pd.DataFrame)]
    nrow = len(frames[0]) if frames else max((len(_values(p)) for p in parts), default=0)
    # R's row names: the first data frame's, else the first named vector's names
    named = [p for p in parts if isinstance(p, pd.Series) and len(p) == nrow
             and not isinstance(p.index, pd.RangeIndex)]
    index = frames[0].index if frames else named[0].index if named else pd.RangeIndex(nrow)
    columns: list[pd.Series] = []
    for i, (part, label) in enumerate(zip(parts, labels)):
        if isinstance(part, pd.DataFrame):
            for name in part.columns:
                columns.append(pd.Series(part[name].to_numpy(), index=index, name=name))
            continue
        if np.ndim(part) == 2:
            block = np.asarray(part)
            for j in range(block.shape[1]):
                columns.append(pd.Series(block[:, j], index=index, name=f"V{len(columns) + 1}"))
            continue
        values = part if isinstance(part, pd.Series) and isinstance(
            part.dtype, pd.CategoricalDtype) else _values(part)
        if len(values) != nrow:  # R recycles a shorter vector (a single value above all)
            values = np.resize(np.asarray(values), nrow)
        name = label if label is not None else (f"V{i + 1}" if frames else str(i + 1))
        columns.append(pd.Series(np.asarray(values) if not isinstance(values, pd.Series)
                                 else values.to_numpy(), index=index, name=name))
        if isinstance(values, pd.Series):  # a factor stays a factor in a data frame
            columns[-1] = columns[-1].astype(values.dtype)
    out = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=index)
    if not frames and all(label is None for label in labels):
        out.columns = range(out.shape[1])  # R: a matrix without column names
    return out


def rbind(*parts: Any, names: Sequence[str | None] | None = None) -> pd.DataFrame:
    """R's ``rbind(...)``: vectors become named rows of a matrix; data frames are
    stacked with their columns matched by name (a vector or list appended to a data
    frame fills its columns in order)."""
    labels = _labels(names, len(parts))
    frames = [p for p in parts if isinstance(p, pd.DataFrame)]
    if not frames:
        first = next((p for p in parts if isinstance(p, pd.Series)), None)
        columns = list(first.index) if first is not None and not isinstance(
            first.index, pd.RangeIndex) else None
        width = max(len(_values(p)) for p in parts)
        rows = [np.resize(_values(p), width) for p in parts]
        index = labels if any(lab is not None for lab in labels) else None
        return pd.DataFrame(rows, index=index, columns=columns)
    template = frames[0].columns
    pieces = []
    for part in parts:
        if isinstance(part, pd.DataFrame):
            pieces.append(part)
        elif isinstance(part, dict):
            pieces.append(pd.DataFrame({k: np.atleast_1d(v) for k, v in part.items()}))
        else:
            pieces.append(pd.DataFrame([_values(part)], columns=template))
    return pd.concat(pieces, ignore_index=True)


def _r_rownames(frame: pd.DataFrame) -> list[str]:
    """A frame's row names as R shows them (integer labels are 0-based positions of
    the data they came from, R's 1-based row numbers)."""
    return [str(i + 1) if isinstance(i, (int, np.integer)) else str(i) for i in frame.index]


def r_key(key: Any) -> str:
    """A list name as R writes it (``split`` by a logical gives ``FALSE``/``TRUE``)."""
    if isinstance(key, (bool, np.bool_)):
        return "TRUE" if key else "FALSE"
    if isinstance(key, (float, np.floating)) and float(key).is_integer():
        return str(int(key))
    return str(key)


def rbind_list(parts: Any) -> pd.DataFrame:
    """R's ``do.call(rbind, parts)``.  For a list of data frames the row names follow
    ``rbind.data.frame``: a named element of one row is named by its list name, of
    several rows ``name.rowname`` (``split`` pieces keep their original row numbers);
    unnamed elements keep their rows' labels.  Other lists (vectors) go through
    :func:`pylme.migrate.rframe.bind_list`."""
    from .rframe import bind_list

    items = list(parts.values()) if isinstance(parts, dict) else list(parts)
    if not items or not all(isinstance(v, pd.DataFrame) for v in items):
        return bind_list(parts, axis=0)
    out = pd.concat(items, ignore_index=True)
    if isinstance(parts, dict):
        labels: list[str] = []
        for key, frame in parts.items():
            labels += [r_key(key)] if len(frame) == 1 else \
                [f"{r_key(key)}.{r}" for r in _r_rownames(frame)]
        out.index = labels
    elif not all(isinstance(v.index, pd.RangeIndex) for v in items):
        out.index = pd.concat([v.iloc[:, :0] for v in items]).index
    return out
