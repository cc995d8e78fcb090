"""Read the R-generated datasets and expectations of this directory (see make_expected.R).

``load_dataset(name)`` rebuilds exactly the data frame R had: doubles as float64,
integers as int64 (nullable Int64 when there are NAs), logicals as bool (nullable
boolean with NAs), characters as object strings (None for NA), factors as pandas
Categoricals with R's levels and ordered flag.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    """One of the expectation files, e.g. ``load_json("model_matrix")``."""
    return json.loads((HERE / f"{name}.json").read_text())


def _column(raw: pd.Series, meta: dict) -> pd.Series | pd.Categorical:
    na = raw.isna().to_numpy()
    values = [None if m else v for v, m in zip(raw.to_numpy(dtype=object), na)]
    cls = meta["class"]
    if cls == "numeric":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if cls == "integer":
        data = [None if v is None else int(v) for v in values]
        return pd.Series(data, dtype="Int64" if na.any() else "int64")
    if cls == "logical":
        data = [None if v is None else v == "TRUE" for v in values]
        return pd.Series(data, dtype="boolean" if na.any() else "bool")
    if cls == "character":
        return pd.Series(values, dtype=object)
    return pd.Series(pd.Categorical(values, categories=meta["levels"], ordered=cls == "ordered"))


@lru_cache(maxsize=None)
def _load(name: str) -> pd.DataFrame:
    meta = json.loads((HERE / f"data_{name}.json").read_text())
    raw = pd.read_csv(HERE / f"data_{name}.csv", dtype=str, keep_default_na=False, na_values=["NA"])
    frame = pd.DataFrame({col: _column(raw[col], m) for col, m in meta["columns"].items()})
    assert frame.shape[0] == meta["nrow"]
    return frame


def load_dataset(name: str) -> pd.DataFrame:
    """A fresh copy of dataset ``name`` ("cake", "sleepstudy", "synth", "synth2")."""
    return _load(name).copy()


def matrix(values) -> np.ndarray:
    """A row-major nested list as a float array (an empty list gives shape (0, 0))."""
    return np.array(values, dtype=float)
