"""R's ``stats::reshape()``, ``utils::stack()`` and ``unstack()`` for translated scripts: wide <-> long data frames, with R's
column order, row order, row names, column types and error texts.

``pylme migrate`` translates ``reshape(d, direction = "long", ...)`` to
:func:`reshape_long` and ``direction = "wide"`` to :func:`reshape_wide` (and any other
call to :func:`reshape`, which dispatches as R does).  What differs from a plain
``pandas.melt`` / ``pivot``, and is reproduced here:

* the long result is time-major (every row for the first time, then the second ...),
  its row names are R's ``"<id>.<time>"`` strings (the pandas index holds them), the
  columns are the non-varying ones, then ``timevar``, then ``v.names``, then ``idvar``
  when R created it (the integers ``1..nrow``);
* ``varying`` may be a vector of names or of 1-based column numbers, a list of such
  vectors, or a matrix (one row per variable); a vector without ``v.names`` is split
  into variable and time by ``sep`` as R's ``guess()`` does (times become numbers when
  every one reads as a number); a vector with ``v.names`` is grouped by R's
  ``split(varying, rep(v.names, ntimes))`` -- groups in sorted order, R's own quirk;
* factors stay ``Categorical`` with R's levels (``rbind`` of factors unites their levels
  in order of appearance);
* the wide result keeps the first row of each id with its row name (a default integer
  index stands for R's automatic row names), the constant columns in their places, and
  appends ``<v.name><sep><time>`` columns time by time; R's warnings for varying
  "constant" columns and for several rows of an id at one time.

The undo information R keeps in the ``reshapeLong``/``reshapeWide`` attributes is kept
in ``DataFrame.attrs`` so ``reshape(long)`` (no other argument) turns a result back, as R.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError, PylmeWarning
from .rbase import paste

__all__ = ["reshape", "reshape_long", "reshape_wide", "stack", "unstack"]

_R_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def reshape(data: pd.DataFrame, varying: Any = None, v_names: Any = None,
            timevar: Any = None, idvar: Any = None, ids: Any = None, times: Any = None,
            drop: Any = None, direction: str | None = None, new_row_names: Any = None,
            sep: str = ".") -> pd.DataFrame:
    """R's ``reshape()`` with ``direction`` as R decides it.

    Without ``direction`` the data's ``reshapeLong``/``reshapeWide`` undo information
    decides (R's ``reshape(long)``); ``direction`` may be abbreviated (``match.arg``).
    See :func:`reshape_long` and :func:`reshape_wide` for the other arguments.
    """
    if direction is None:
        undo = [d for d, key in (("wide", "reshapeLong"), ("long", "reshapeWide"))
                if key in data.attrs]
        if len(undo) == 1:
            direction = undo[0]
    choices = [c for c in ("wide", "long") if direction is not None and direction != ""
               and c.startswith(str(direction))]
    if len(choices) != 1:
        raise ArgumentError("'arg' should be one of \u201cwide\u201d, \u201clong\u201d")
    if choices[0] == "wide":
        return reshape_wide(data, timevar=timevar, idvar=idvar, varying=varying,
                            v_names=v_names, drop=drop, new_row_names=new_row_names, sep=sep)
    return reshape_long(data, varying=varying, v_names=v_names, timevar=timevar,
                        idvar=idvar, ids=ids, times=times, drop=drop,
                        new_row_names=new_row_names, sep=sep)


# -- reading R's arguments -------------------------------------------------------------

def _is_list(x: Any) -> bool:
    """An R list (``list(c(...), c(...))`` translates to a Python list or dict of
    vectors) rather than an atomic vector (a numpy array, a pandas vector, a single
    value, or a Python list of single values such as ``rbase.paste0``'s)."""
    if isinstance(x, dict):
        return True
    return isinstance(x, (list, tuple)) and any(not np.isscalar(v) for v in x)


def _atomic(x: Any) -> list:
    if isinstance(x, (pd.Series, pd.Index, pd.Categorical)):
        return list(np.asarray(x, dtype=object))
    if isinstance(x, np.ndarray):
        return [v.item() if isinstance(v, np.generic) else v for v in x.ravel(order="F")]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _atomic(item)]
    return [x.item() if isinstance(x, np.generic) else x]


def _column_names(data: pd.DataFrame, ix: Any) -> list[str]:
    """R's ``ix2names``: names stay names, numbers are 1-based column positions (negative
    ones drop columns), logicals select."""
    values = _atomic(ix)
    if all(isinstance(v, str) for v in values):
        return values
    names = [str(c) for c in data.columns]
    if all(isinstance(v, (bool, np.bool_)) for v in values):
        return [n for n, keep in zip(names, values * len(names)) if keep]
    nums = [int(v) for v in values]
    if nums and all(v < 0 for v in nums):
        return [n for i, n in enumerate(names, 1) if -i not in nums]
    return [names[v - 1] for v in nums if v > 0]


def _drop_columns(data: pd.DataFrame, drop: Any) -> pd.DataFrame:
    """R's ``drop =``: the columns named, numbered or flagged are left out first."""
    if drop is None:
        return data
    gone = set(_column_names(data, drop))
    return data[[c for c in data.columns if str(c) not in gone]]


def _guess(names: list[str], sep: str) -> tuple[list[list[str]], list[str], list]:
    """R's ``guess()``: split each name at ``sep`` (at a letter-digit boundary when
    ``sep`` is ``""``) into variable and time; returns the groups, the variables and the
    times (numbers when every time reads as one)."""
    parts = []
    for name in names:
        if sep == "":
            m = re.search(r"[A-Za-z][0-9]", name)
            parts.append([name[:m.start() + 1], name[m.start() + 1:]] if m else ["", name])
        else:
            parts.append(name.split(sep))
    width = max(len(p) for p in parts)
    if width != 2:
        raise ArgumentError("failed to guess time-varying variables from their names")
    parts = [p * 2 if len(p) == 1 else p for p in parts]  # rbind recycles a lone part
    variables = list(dict.fromkeys(p[0] for p in parts))
    groups = [[n for n, p in zip(names, parts) if p[0] == v] for v in variables]
    raw = list(dict.fromkeys(p[1] for p in parts))
    times: list = raw
    if all(_R_NUMBER.match(t) for t in raw):
        times = [float(t) for t in raw]
    return groups, variables, times


def _sorted_levels(values: list[str]) -> list[str]:
    from ..design.collation import r_sort

    return r_sort(list(dict.fromkeys(values)))


def _long_layout(data: pd.DataFrame, varying: Any, v_names: Any, times: Any,
                 sep: str) -> tuple[list[list[str]], list[str], list]:
    """The ``varying`` groups (one per long variable), ``v.names`` and ``times`` as R's
    ``reshape`` settles them before ``reshapeLong``."""
    if isinstance(varying, np.ndarray) and varying.ndim == 2:
        varying = [list(row) for row in varying]  # a matrix: one row per variable
    if varying is None or (not _is_list(varying) and len(_atomic(varying)) == 0):
        raise ArgumentError("'varying' must be nonempty list or vector")
    given = None if v_names is None else [str(v) for v in _atomic(v_names)]
    if not _is_list(varying):
        names = _column_names(data, varying)
        if given is None:
            return _guess(names, sep)
        if len(names) % len(given):
            raise ArgumentError("length of 'v.names' does not evenly divide length of "
                                "'varying'")
        ntimes = len(names) // len(given)
        if times is None:
            times = list(range(1, ntimes + 1))
        elif len(_atomic(times)) != ntimes:
            raise ArgumentError("length of 'varying' must be the product of length of "
                                "'v.names' and length of 'times'")
        # R: split(varying, rep(v.names, ntimes)) -- the groups come in sorted order
        labels = given * ntimes
        groups = [[n for n, lab in zip(names, labels) if lab == level]
                  for level in _sorted_levels(given)]
        return groups, given, _atomic(times)
    items = list(varying.values()) if isinstance(varying, dict) else list(varying)
    groups = [_column_names(data, item) for item in items]
    if given is None:
        given = [g[0] for g in groups]
    if times is None:
        times = list(range(1, len(groups[0]) + 1)) if groups else []
    return groups, given, _atomic(times)


# -- rbind of the blocks ----------------------------------------------------------------

def _rbind_column(parts: list[pd.Series]) -> Any:
    """One column of R's ``rbind.data.frame``: factors unite their levels in order of
    appearance (a later character vector adds its values as levels); otherwise numpy's
    promotion (integers with doubles give doubles)."""
    first = parts[0]
    if isinstance(first.dtype, pd.CategoricalDtype):
        levels: list = []
        for p in parts:
            new = p.cat.categories if isinstance(p.dtype, pd.CategoricalDtype) else \
                pd.unique(p.dropna())
            levels.extend(v for v in new if v not in levels)
        values = np.concatenate([np.asarray(p, dtype=object) for p in parts])
        return pd.Categorical(values, categories=levels, ordered=first.cat.ordered)
    if any(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
        parts = [p.astype(object) for p in parts]  # a factor joining text: text
    return pd.concat(parts, ignore_index=True).to_numpy()


def _rbind(blocks: list[pd.DataFrame], index: list[str]) -> pd.DataFrame:
    columns = list(blocks[0].columns)
    out = pd.DataFrame({c: _rbind_column([b[c] for b in blocks]) for c in columns})
    out.index = pd.Index(index, dtype=object)
    return out


# -- the two directions -------------------------------------------------------------------

def reshape_long(data: pd.DataFrame, varying: Any = None, v_names: Any = None,
                 timevar: str | None = "time", idvar: Any = "id", ids: Any = None,
                 times: Any = None, drop: Any = None, new_row_names: Any = None,
                 sep: str = ".") -> pd.DataFrame:
    """R ``reshape(data, direction = "long", ...)``: one row per id and time.

    Parameters
    ----------
    data : DataFrame
    varying : sequence, list of sequences, dict or 2-D array
        The wide columns (names or 1-based positions): a vector (split into variables
        by ``v_names`` or, without it, by the names' ``sep``), a list with one vector
        per long variable, or a matrix with one row per variable.
    v_names : str or sequence of str, optional
        Names of the long variables (default: guessed, or the first name of each
        ``varying`` vector).
    timevar : str, default "time"
    idvar : str or sequence of str, default "id"
        Column(s) identifying a record; a single name not in ``data`` becomes a new
        last column holding ``ids``.
    ids : sequence, optional
        Values of a new ``idvar`` (default ``1..nrow``).
    times : sequence, optional
        Values of ``timevar`` (default ``1..k``; guessed from the names with ``sep``).
    drop : sequence, optional
        Columns dropped first.
    new_row_names : sequence, optional
        Row names instead of R's ``"<id>.<time>"``.
    sep : str, default "."

    Returns
    -------
    DataFrame
        Index: the row names R gives (strings).

    Raises
    ------
    ArgumentError
        With R's message: ``'varying' arguments must be the same length``,
        ``'lengths(varying)' must all match 'length(times)'``, ``'idvar' must uniquely
        identify records``, ...
    """
    if not isinstance(sep, str):
        raise ArgumentError("'sep' must be a character string")
    if varying is None and "reshapeWide" in data.attrs:
        back = data.attrs["reshapeWide"]  # R: undo a wide reshape
        varying, v_names = back["varying"], back["v_names"]
        idvar, timevar, times = back["idvar"], back["timevar"], back["times"]
    timevar = "time" if timevar is None else timevar
    idvar = "id" if idvar is None else idvar
    groups, v_names, times = _long_layout(data, varying, v_names, times, sep)
    if len({len(g) for g in groups}) > 1:
        raise ArgumentError("'varying' arguments must be the same length")
    if len(groups[0]) != len(times):
        raise ArgumentError("'lengths(varying)' must all match 'length(times)'")
    data = _drop_columns(data, drop)
    idvars = [str(v) for v in _atomic(idvar)]
    n = len(data)
    id_values = list(range(1, n + 1)) if ids is None else _atomic(ids)
    if new_row_names is None:
        if len(idvars) > 1:
            id_values = paste(*[data[v] for v in idvars], sep=".")
        elif idvars[0] in data.columns:
            id_values = list(np.asarray(data[idvars[0]], dtype=object))
        if pd.Series(id_values, dtype=object).duplicated().any():
            raise ArgumentError("'idvar' must uniquely identify records")
    every = {name for g in groups for name in g}
    base = data[[c for c in data.columns if c not in every]]
    if len(v_names) < len(groups):
        # R's `[<-.data.frame` takes the first ones, with a warning per time
        for _ in times:
            warnings.warn(f"provided {len(groups)} variables to replace {len(v_names)} "
                          "variables", PylmeWarning, stacklevel=2)
    # ... and recycles the values over more names
    pairs = [(name, groups[j % len(groups)]) for j, name in enumerate(v_names)]
    blocks, index = [], []
    for i, t in enumerate(times):
        block = base.copy()
        block[timevar] = t
        for name, group in pairs:
            block[name] = data[group[i]].array
        blocks.append(block)
        if new_row_names is None:
            index += paste(id_values, [t], sep=".") if n else []
        else:
            index += [str(v) for v in _atomic(new_row_names)[i * n:(i + 1) * n]]
    out = _rbind(blocks, index)
    if len(idvars) == 1 and idvars[0] not in data.columns:
        out[idvars[0]] = np.tile(np.asarray(id_values), len(times))
    out.attrs["reshapeLong"] = {"varying": groups, "v_names": list(v_names),
                                "idvar": idvar, "timevar": timevar}
    return out


def reshape_wide(data: pd.DataFrame, timevar: str | None = None, idvar: Any = None,
                 varying: Any = None, v_names: Any = None, drop: Any = None,
                 new_row_names: Any = None, sep: str = ".") -> pd.DataFrame:
    """R ``reshape(data, direction = "wide", ...)``: one row per id, a column per
    variable and time.

    Parameters
    ----------
    data : DataFrame
    timevar : str
        The column whose distinct values (in order of appearance) are the times.
    idvar : str or sequence of str
        Column(s) identifying a record.
    varying : sequence or list of sequences, optional
        Names of the wide columns (default ``<v.name><sep><time>``); a vector fills a
        matrix with one row per ``v_names`` column by column, as R's ``matrix``.
    v_names : str or sequence of str, optional
        The time-varying columns (default: every column but ``timevar`` and ``idvar``).
    drop : sequence, optional
    new_row_names : sequence, optional
    sep : str, default "."

    Returns
    -------
    DataFrame
        The first row of each id (its row name kept) without ``timevar`` and
        ``v_names``, then the wide columns time by time; ids without a row at a time
        get missing values.
    """
    if not isinstance(sep, str):
        raise ArgumentError("'sep' must be a character string")
    if timevar is None and idvar is None and "reshapeLong" in data.attrs:
        back = data.attrs["reshapeLong"]  # R: undo a long reshape
        timevar, idvar = back["timevar"], back["idvar"]
        varying, v_names = [list(g) for g in back["varying"]], back["v_names"]
    timevar = "time" if timevar is None else timevar
    idvar = "id" if idvar is None else idvar
    data = _drop_columns(data, drop)
    idvars = [str(v) for v in _atomic(idvar)]
    key = (pd.Series(list(zip(*[data[v] for v in idvars])), index=data.index)
           if len(idvars) > 1 else data[idvars[0]])
    tcol = data[timevar]
    times = list(pd.unique(np.asarray(tcol, dtype=object)))
    if any(pd.isna(t) for t in times):
        warnings.warn("there are records with missing times, which will be dropped.",
                      PylmeWarning, stacklevel=2)
    if v_names is None:
        v_names = [c for c in data.columns if c != timevar and c not in idvars]
    else:
        v_names = [str(v) for v in _atomic(v_names)]
    if varying is None:
        wide = [[paste(v, [t], sep=sep)[0] for t in times] for v in v_names]
    elif _is_list(varying):
        items = list(varying.values()) if isinstance(varying, dict) else list(varying)
        wide = [[str(x) for x in _atomic(item)] for item in items]
    else:
        flat = [str(x) for x in _atomic(varying)]
        nv = len(v_names)
        wide = [[flat[i * nv + j] for i in range(len(flat) // nv)] for j in range(nv)]
    constant = [c for c in data.columns if c not in {timevar, *v_names, *idvars}]
    varying_cols = [c for c in constant
                    if (data[c].astype(object).groupby(key.astype(object).to_numpy())
                        .nunique(dropna=False) > 1).any()]
    if varying_cols:
        warnings.warn(f"some constant variables ({','.join(varying_cols)}) are really "
                      "varying", PylmeWarning, stacklevel=2)
    first = ~key.astype(object).duplicated().to_numpy()
    out = data.loc[first, [c for c in data.columns if c != timevar and c not in v_names]]
    out = out.copy()
    out_key = key[first].astype(object).to_numpy()
    tvals = np.asarray(tcol, dtype=object)
    for i, t in enumerate(times):
        rows = np.flatnonzero(pd.isna(tvals) if pd.isna(t) else tvals == t)
        this_key = key.iloc[rows].astype(object)
        if this_key.duplicated().any():
            warnings.warn(f"multiple rows match for {timevar}={paste(t)}: first taken",
                          PylmeWarning, stacklevel=2)
        position = {k: p for p, k in reversed(list(enumerate(this_key.to_numpy())))}
        take = np.array([position.get(k, -1) for k in out_key], dtype=np.intp)
        for j, name in enumerate(v_names):
            source = data[name].iloc[rows].array
            out[wide[j][i]] = pd.api.extensions.take(source, take, allow_fill=True)
    if new_row_names is not None:
        out.index = pd.Index([str(v) for v in _atomic(new_row_names)], dtype=object)
    out.attrs["reshapeWide"] = {"v_names": list(v_names), "timevar": timevar,
                                "idvar": idvar, "times": times,
                                "varying": [list(w) for w in wide]}
    return out


# -- stack / unstack --------------------------------------------------------------------

def _is_r_vector(col: pd.Series) -> bool:
    """R's ``is.vector`` of a data frame column: numbers, text and logicals are vectors,
    factors (and dates) are not."""
    return not isinstance(col.dtype, pd.CategoricalDtype) and (
        col.dtype.kind in "biufO" or pd.api.types.is_string_dtype(col.dtype))


def stack(x: pd.DataFrame, select: Any = None, drop: bool = False) -> pd.DataFrame:
    """R ``utils::stack(x, select, drop)``: the vector columns of ``x`` one after another.

    Parameters
    ----------
    x : DataFrame
    select : list of str or {"drop": list of str}, optional
        The columns to stack (``select = c(a, b)``), or those left out
        (``select = -c(a, b)``).
    drop : bool, default False
        Drop the unused levels of ``ind`` (only with ``select``'s empty columns).

    Returns
    -------
    DataFrame
        ``values`` (R's ``unlist``: the common type of the columns) and ``ind`` (a
        factor whose levels are the column names in order).
    """
    if isinstance(select, dict):
        gone = set(select["drop"])
        x = x[[c for c in x.columns if c not in gone]]
    elif select is not None:
        x = x[[str(c) for c in _atomic(select)]]
    keep = [c for c in x.columns if _is_r_vector(x[c])]
    if not keep:
        raise ArgumentError("no vector columns were selected")
    if len(keep) < len(x.columns):
        warnings.warn("non-vector columns will be ignored", PylmeWarning, stacklevel=2)
    parts = [x[c] for c in keep]
    values = pd.concat(parts, ignore_index=True) if len(x) else pd.Series([], dtype=float)
    if values.dtype == object and any(p.dtype != object for p in parts):
        values = values.map(lambda v: v if isinstance(v, str) or pd.isna(v) else paste(v))
    levels = list(dict.fromkeys(str(c) for c in keep))
    ind = pd.Categorical(np.repeat([str(c) for c in keep], len(x)), categories=levels)
    if drop:
        ind = ind.remove_unused_categories()
    return pd.DataFrame({"values": values.to_numpy(), "ind": ind})


def unstack(x: pd.DataFrame, values: str | None = None, group: str | None = None) -> Any:
    """R ``utils::unstack(x, values ~ group)``: a column per group (in R's level order of
    ``group``), or a dict of vectors when the groups have different sizes (R's list).
    Without a formula the first two columns are ``values ~ group`` (R's
    ``formula(x)``)."""
    if values is None or group is None:
        values, group = str(x.columns[0]), str(x.columns[1])
    from .rbase import r_levels

    g = x[group]
    levels = r_levels(g)
    keys = np.asarray(g, dtype=object)
    res = {str(level): x[values].to_numpy()[keys == level] for level in levels}
    sizes = {len(v) for v in res.values()}
    if len(res) >= 2 and len(sizes) > 1:
        return res
    return pd.DataFrame(res)
