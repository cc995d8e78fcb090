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

__all__ = ["cbind", "rbind"]


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
    index = frames[0].index if frames else pd.RangeIndex(nrow)
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
