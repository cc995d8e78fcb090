"""Datasets from R packages, shipped with pylme (no R needed to load them).

The files in ``pylme/datasets/data/`` were exported from R by
``python -m conformance export-datasets`` and keep R's types exactly: factor
columns are pandas Categoricals with R's level order and ordered flag,
integer columns stay integer, numeric columns are float64 equal to R's
doubles bit for bit. R's row names are the index when they are not ``1..n``
(``mtcars``' car names); otherwise the index is a RangeIndex.

The data come from lme4, nlme, mlmRev, lmerTest and R's datasets package
(``data/README.md`` lists them). A name two packages ship (``Oxboys``, ``bdf``:
nlme and mlmRev) loads nlme's data unless ``package="mlmRev"`` is given.

Examples
--------
>>> from pylme import datasets
>>> sleep = datasets.load("sleepstudy")
>>> list(sleep.Subject.cat.categories[:3])
['308', '309', '310']
>>> datasets.info("cake").license
'GPL (>= 2)'
>>> datasets.load("Oxboys").Subject.cat.ordered  # nlme's
True
>>> datasets.load("Oxboys", package="mlmRev").Subject.cat.ordered
False
>>> datasets.load("mtcars").index[0]
'Mazda RX4'
"""

from __future__ import annotations

import csv
import gzip
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
    row_names : bool
        Whether R's row names (not ``1..n``) are kept, as the index.
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
    row_names: bool = False


#: Separates a dataset's name from its package in the file name of the second package's
#: copy (``Oxboys@mlmRev.json``); "@" cannot occur in an R name.
_PACKAGE_SEP = "@"


@lru_cache(maxsize=None)
def _stems() -> tuple[str, ...]:
    """File stems of the shipped JSON files (the data folder does not change at run time)."""
    files = resources.files(_DATA_PACKAGE).joinpath("data").iterdir()
    return tuple(sorted(f.name[: -len(".json")] for f in files if f.name.endswith(".json")))


def list_datasets(package: str | None = None) -> list[str]:
    """Names of the shipped datasets, sorted case-insensitively (R: ``data()``).

    Parameters
    ----------
    package : str, optional
        Only the datasets of this R package (R: ``data(package = "nlme")``), e.g.
        ``"lme4"``, ``"nlme"``, ``"mlmRev"``, ``"lmerTest"``, ``"datasets"``; a package pylme
        ships no data from gives an empty list. Without it, every name :func:`load` accepts
        on its own (a name two packages ship appears once).
    """
    if package is None:
        names = [s for s in _stems() if _PACKAGE_SEP not in s]
    else:
        names = [_read_metadata(s)["name"] for s in _stems()
                 if _read_metadata(s)["package"] == package]
    return sorted(names, key=lambda n: (n.lower(), n))


def info(name: str, package: str | None = None) -> DatasetInfo:
    """Return provenance and column metadata of dataset `name` (see :func:`load`).

    Raises
    ------
    UnknownDatasetError
        When `name` is not a shipped dataset (also a ``KeyError`` and a ``DataError``).
    """
    meta = _metadata(name, package)
    columns = tuple(_column_info(c) for c in meta["columns"])
    fields = {k: meta[k] for k in DatasetInfo.__dataclass_fields__ if k in meta and k != "columns"}
    return DatasetInfo(columns=columns, **fields)


def load(name: str, package: str | None = None) -> pd.DataFrame:
    """Load dataset `name` as a pandas DataFrame with R's column types.

    R: ``data(name, package = package)``, or ``package::name``.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets` (case-sensitive, as in R).
    package : str, optional
        The R package to take it from. Needed only for a name two packages ship:
        ``Oxboys`` and ``bdf`` are nlme's by default, mlmRev's with ``package="mlmRev"``
        (also spelt ``load("Oxboys@mlmRev")``, the name in the export registry).

    Returns
    -------
    pandas.DataFrame
        A fresh copy (callers may modify it). The index is R's row names (str) when
        they are not ``1..n`` (``mtcars``, ``USArrests``), else a RangeIndex.

    Raises
    ------
    UnknownDatasetError
        When `name` is not a shipped dataset (of `package`): R's ``data set 'nope' not
        found``, with the names available (also a ``KeyError`` and a
        :class:`~pylme.errors.DataError`).
    DataError
        When the data file does not match its metadata.
    """
    stem = _stem(name, package)  # an unknown (or unhashable) name fails here, before the cache
    return _load_cached(stem).copy()


def _stem(name: str, package: str | None) -> str:
    """The file stem of `name` (from `package`), or UnknownDatasetError with R's wording."""
    if package is None and isinstance(name, str) and name.count(_PACKAGE_SEP) == 1:
        name, package = name.split(_PACKAGE_SEP)  # the registry's (and file's) spelling
    available = list_datasets(package)
    if isinstance(name, str) and name in available:
        if package is None or (name in _stems() and _read_metadata(name)["package"] == package):
            return name
        return f"{name}{_PACKAGE_SEP}{package}"  # the second package's copy
    # R's utils::data() warns "data set 'nope' not found"; a Python caller gets an error
    close = [a for a in available if isinstance(name, str) and a.lower() == name.lower()]
    hint = f" (names are case-sensitive: did you mean {close[0]!r}?)" if close else ""
    where = "pylme" if package is None else f"pylme from R package {package!r}"
    listing = ", ".join(available) if available else f"none (pylme ships no data from {package!r})"
    raise UnknownDatasetError(f"data set \u2018{name}\u2019 not found: no dataset {name!r} ships "
                              f"with {where}{hint}; available: {listing}")


def _metadata(name: str, package: str | None = None) -> dict:
    return _read_metadata(_stem(name, package))


@lru_cache(maxsize=None)
def _read_metadata(stem: str) -> dict:
    path = resources.files(_DATA_PACKAGE).joinpath("data", f"{stem}.json")
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


# The key the row-name column is read under: not a column name (R names are never empty).
_ROW_NAMES = ""


@lru_cache(maxsize=None)
def _load_cached(stem: str) -> pd.DataFrame:
    meta = _read_metadata(stem)
    columns = [_column_info(c) for c in meta["columns"]]
    row_names = bool(meta.get("row_names"))
    names = [_ROW_NAMES] * row_names + [c.name for c in columns]
    dtypes = {c.name: _READ_DTYPES[c.r_class] for c in columns} | {_ROW_NAMES: "str"}
    path = resources.files(_DATA_PACKAGE).joinpath("data", meta["file"])
    with resources.as_file(path) as file:
        with gzip.open(file, "rt", encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        if header != names:
            raise DataError(f"{meta['file']} does not match its metadata")
        raw = pd.read_csv(
            file, compression="gzip", header=0, names=names, dtype=dtypes,
            # only empty fields are NA ("NA" may be a label; "NA" may be a row name)
            keep_default_na=False, na_values={n: [""] for n in names},
        )
    if len(raw) != meta["nrow"] or (row_names and raw[_ROW_NAMES].isna().any()):
        raise DataError(f"{meta['file']} does not match its metadata")
    index = pd.Index(raw[_ROW_NAMES].tolist(), dtype="str") if row_names else None
    frame = pd.DataFrame({c.name: _typed(raw[c.name], c) for c in columns})
    if index is not None:
        frame.index = index
    return frame


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
