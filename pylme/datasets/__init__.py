"""Datasets from R packages, shipped with pylme (no R needed to load them).

The files in ``pylme/datasets/data/`` were exported from R by
``python -m conformance export-datasets`` and keep R's types exactly: factor
columns are pandas Categoricals with R's level order and ordered flag,
integer columns stay integer, numeric columns are float64 equal to R's
doubles bit for bit.

Examples
--------
>>> from pylme import datasets
>>> sleep = datasets.load("sleepstudy")
>>> list(sleep.Subject.cat.categories[:3])
['308', '309', '310']
>>> datasets.info("cake").license
'GPL (>= 2)'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..errors import DataError, UnknownDatasetError

__all__ = ["ColumnInfo", "DatasetInfo", "info", "list_datasets", "load"]

_DATA_PACKAGE = "pylme.datasets"


@dataclass(frozen=True)
class ColumnInfo:
    """One column as R stores it.

    Attributes
    ----------
    name : str
    r_class : str
        ``"numeric"``, ``"integer"``, ``"factor"``, ``"ordered"``,
        ``"logical"`` or ``"character"``.
    dtype : str
        pandas dtype of the loaded column.
    n_missing : int
        Number of ``NA`` values.
    checksum : float or int or None
        R's ``sum(x, na.rm = TRUE)`` (factors: the sum of the 1-based codes).
    levels : tuple of str or None
        Factor levels in R's order.
    ordered : bool or None
        Whether the factor is ordered.
    contrasts : str or None
        The contrast R applies by default (``contr.treatment`` or ``contr.poly``).
    """

    name: str
    r_class: str
    dtype: str
    n_missing: int
    checksum: float | int | None = None
    levels: tuple[str, ...] | None = None
    ordered: bool | None = None
    contrasts: str | None = None


@dataclass(frozen=True)
class DatasetInfo:
    """Provenance and layout of a shipped dataset (R: ``?<topic>``).

    Attributes
    ----------
    name, package, package_version : str
        Dataset name and the R package (and version) it was exported from.
    r_expr : str
        R expression that produced the data frame.
    license : str
        Licence of the source package (from its DESCRIPTION).
    title, description, source, citation : str
        From the R help page and ``citation(package)``.
    r_version : str
        ``R.version.string`` of the exporting session.
    nrow, ncol : int
    columns : tuple of ColumnInfo
    file, sha256 : str
        Data file name and its sha256.
    """

    name: str
    package: str
    package_version: str
    r_expr: str
    license: str
    title: str
    description: str
    source: str
    citation: str
    r_version: str
    nrow: int
    ncol: int
    columns: tuple[ColumnInfo, ...]
    file: str
    sha256: str


def list_datasets() -> list[str]:
    """Names of the shipped datasets, sorted case-insensitively."""
    files = resources.files(_DATA_PACKAGE).joinpath("data").iterdir()
    names = [f.name[: -len(".json")] for f in files if f.name.endswith(".json")]
    return sorted(names, key=lambda n: (n.lower(), n))


def info(name: str) -> DatasetInfo:
    """Return provenance and column metadata of dataset `name`.

    Raises
    ------
    UnknownDatasetError
        When `name` is not a shipped dataset (also a ``KeyError`` and a ``DataError``).
    """
    meta = _metadata(name)
    columns = tuple(_column_info(c) for c in meta["columns"])
    fields = {k: meta[k] for k in DatasetInfo.__dataclass_fields__ if k != "columns"}
    return DatasetInfo(columns=columns, **fields)


def load(name: str) -> pd.DataFrame:
    """Load dataset `name` as a pandas DataFrame with R's column types.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets` (case-sensitive, as in R).

    Returns
    -------
    pandas.DataFrame
        A fresh copy (callers may modify it), with a RangeIndex.

    Raises
    ------
    UnknownDatasetError
        When `name` is not a shipped dataset: R's ``data set 'nope' not found``, with the
        names available (also a ``KeyError`` and a :class:`~pylme.errors.DataError`).
    DataError
        When the data file does not match its metadata.
    """
    _metadata(name)  # an unknown (or unhashable) name fails here, before the cache is asked
    return _load_cached(name).copy()


def _metadata(name: str) -> dict:
    available = list_datasets()
    if not isinstance(name, str) or name not in available:
        # R's utils::data() warns "data set 'nope' not found"; a Python caller gets an error
        close = [a for a in available if isinstance(name, str) and a.lower() == name.lower()]
        hint = f" (names are case-sensitive: did you mean {close[0]!r}?)" if close else ""
        raise UnknownDatasetError(f"data set \u2018{name}\u2019 not found: no dataset {name!r} ships with "
                                  f"pylme{hint}; available: {', '.join(available)}")
    return _read_metadata(name)


@lru_cache(maxsize=None)
def _read_metadata(name: str) -> dict:
    path = resources.files(_DATA_PACKAGE).joinpath("data", f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _column_info(meta: dict) -> ColumnInfo:
    levels = meta.get("levels")
    return ColumnInfo(name=meta["name"], r_class=meta["r_class"], dtype=meta["dtype"],
                      n_missing=meta["n_missing"], checksum=meta.get("checksum"),
                      levels=None if levels is None else tuple(levels),
                      ordered=meta.get("ordered"), contrasts=meta.get("contrasts"))


# Columns are read as text and typed afterwards: doubles through Python's
# float() (correctly rounded, so exact for repr text, whatever pandas' parser
# does), factors and logicals rebuilt from their labels.
_READ_DTYPES = {"numeric": "str", "integer": "Int64", "logical": "str",
                "factor": "str", "ordered": "str", "character": "str"}


@lru_cache(maxsize=None)
def _load_cached(name: str) -> pd.DataFrame:
    meta = _metadata(name)
    columns = [_column_info(c) for c in meta["columns"]]
    path = resources.files(_DATA_PACKAGE).joinpath("data", meta["file"])
    with resources.as_file(path) as file:
        raw = pd.read_csv(
            file, compression="gzip", dtype={c.name: _READ_DTYPES[c.r_class] for c in columns},
            keep_default_na=False, na_values=[""],  # only empty fields are NA ("NA" may be a label)
        )
    if list(raw.columns) != [c.name for c in columns] or len(raw) != meta["nrow"]:
        raise DataError(f"{meta['file']} does not match its metadata")
    return pd.DataFrame({c.name: _typed(raw[c.name], c) for c in columns})


def _typed(values: pd.Series, column: ColumnInfo) -> pd.Series:
    if column.levels is not None:
        out = pd.Series(pd.Categorical(values, categories=list(column.levels),
                                       ordered=bool(column.ordered)), name=column.name)
    elif column.r_class == "numeric":
        out = pd.Series([np.nan if pd.isna(v) else float(v) for v in values],
                        dtype="float64", name=column.name)
    elif column.r_class == "logical":
        out = values.map({"TRUE": True, "FALSE": False}).astype(column.dtype)
    else:
        out = values.astype(column.dtype)
    if int(out.isna().sum()) != column.n_missing:  # e.g. a label missing from the levels
        raise DataError(f"column {column.name!r}: missing-value count differs from metadata")
    return out
