"""The data-side arguments of ``lmer()``/``devfun()``, checked as R's ``model.frame`` and lme4 do.

``data``, ``weights``, ``offset``, ``na_action`` and ``contrasts``, plus
:func:`lmer_args`, which checks every argument of ``lmer()`` at once before any work
is done.  Deliberate choices where R has no single answer for a Python value are
documented on each function (``na_action`` prefixes, ``dict`` data).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError, PylmeWarning
from .rvalues import dquote, is_vector, pmatch, r_flag, r_verbose

__all__ = ["NA_ACTIONS", "LmerArgs", "lmer_args", "na_action_arg", "data_arg", "vector_arg",
           "contrasts_arg", "data_name_arg", "value_kind"]

#: the ``na_action`` values pylme implements (R's ``na.omit``, ``na.exclude``, ``na.fail``)
NA_ACTIONS = ("omit", "exclude", "fail")

def na_action_arg(value: Any) -> str:
    """``na_action``: ``"omit"``, ``"exclude"`` or ``"fail"`` (R's ``na.omit``, ...).

    R takes ``na.action`` as a function (or its name); pylme takes the name.  Accepted:
    the three names, R's function names ``"na.omit"``/``"na.exclude"``/``"na.fail"``,
    and unique prefixes of either (``match.arg``'s rule, as for pylme's other string
    options).  R's ``na.pass`` is not implemented.

    Raises
    ------
    DataError
        For any other value.
    """
    if isinstance(value, str):
        name = value[3:] if value.startswith("na.") else value
        if name and "pass".startswith(name):
            raise DataError("na_action 'pass' (R's na.pass) is not supported: pylme drops ('omit', "
                            "'exclude') or refuses ('fail') rows with missing values")
        hit = pmatch(name, NA_ACTIONS)
        if hit is not None:
            return hit
    raise DataError(
        "na_action must be one of " + ", ".join(dquote(a) for a in NA_ACTIONS)
        + f" (or R's na.omit, na.exclude, na.fail, or a unique prefix), got {value!r}")


def data_arg(data: Any) -> pd.DataFrame:
    """``data``: a pandas DataFrame, or a mapping of equal-length columns (R's named list).

    Raises
    ------
    DataError
        Not a DataFrame or mapping (``data must be a pandas DataFrame, got ...``), a
        mapping with names that are not strings, or columns of different lengths (R's
        ``variable lengths differ``).
    """
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        names = list(data)
        if any(not isinstance(k, str) or not k for k in names):
            raise DataError("first argument must be a named list: every key of a data mapping must be "
                            "a non-empty string")
        lengths = {k: (np.size(v) if not isinstance(v, (str, bytes)) else 1) for k, v in data.items()}
        if names:
            n0 = lengths[names[0]]
            for k in names[1:]:
                if lengths[k] != n0:
                    raise DataError(f"variable lengths differ (found for '{k}'): data columns have "
                                    f"{n0} and {lengths[k]} values")
        columns = {}
        for k, v in data.items():
            array = v.to_numpy() if isinstance(v, pd.Series) and not isinstance(v.dtype, pd.CategoricalDtype) else v
            if np.ndim(array) > 1:
                raise DataError(f"data column '{k}' must be one-dimensional, got shape {np.shape(array)}")
            columns[k] = array if isinstance(v, (pd.Series, pd.Categorical)) else np.atleast_1d(np.asarray(v))
        return pd.DataFrame(columns)
    raise DataError(f"data must be a pandas DataFrame, got {type(data).__name__}")


def value_kind(values: np.ndarray) -> str:
    """numeric, logical, text or other for an array from a user vector."""
    if values.dtype.kind == "b":
        return "logical"
    if values.dtype.kind in "iuf":
        return "numeric"
    if values.dtype.kind in "US":
        return "text"
    if values.dtype.kind == "O":
        present = [v for v in values.ravel() if v is not None and v is not pd.NA
                   and not (isinstance(v, float) and math.isnan(v))]
        if all(isinstance(v, (bool, np.bool_)) for v in present):
            return "logical" if present else "numeric"
        if all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in present):
            return "numeric"
        if all(isinstance(v, str) for v in present):
            return "text"
        if any(is_vector(v) or isinstance(v, Mapping) for v in present):
            return "list"
    return "other"


def vector_arg(value: Any, what: str, nrow: int) -> np.ndarray | str | None:
    """``weights=`` or ``offset=`` checked as R's ``model.frame`` and lme4 check them.

    Parameters
    ----------
    value : None, str or array-like
        A column name of ``data`` (returned unchanged, the model frame looks it up) or
        one value per row of ``data``; an ``(n, 1)`` matrix counts as a vector (R).
    what : {"weights", "offset"}
    nrow : int
        Rows of ``data``.

    Returns
    -------
    None, str or ndarray of float, shape (nrow,)
        Missing values stay NaN (their rows are then dropped by ``na_action``).

    Raises
    ------
    DataError
        R's texts: ``invalid type (list) for variable '(weights)'`` (a DataFrame, a
        mapping, nested lists), ``variable lengths differ (found for '(weights)')``,
        ``length(weights) == n is not TRUE`` / ``length(offset) == N is not TRUE`` (a
        matrix with several columns), ``'offset' must be numeric`` (strings, logicals);
        weights given as text that is not a number (R: ``NAs introduced by coercion``)
        and Categorical weights.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (pd.DataFrame, Mapping, set)):
        raise DataError(f"invalid type (list) for variable '({what})'")
    if isinstance(getattr(value, "dtype", None), pd.CategoricalDtype):
        raise DataError(f"{what} must be numeric, not a factor (Categorical)")
    values = value.to_numpy() if isinstance(value, pd.Series) else value
    try:
        values = np.asarray(values)
    except (ValueError, TypeError):  # ragged nesting
        raise DataError(f"invalid type (list) for variable '({what})'") from None
    kind = value_kind(values)
    if kind == "list":
        raise DataError(f"invalid type (list) for variable '({what})'")
    if values.ndim > 2:
        raise DataError(f"{what} must be a vector with one value per row of data, got an array of shape "
                        f"{values.shape}")
    length = values.shape[0] if values.ndim else 1
    if length != nrow:
        raise DataError(f"variable lengths differ (found for '({what})'): {values.size} values for {nrow} rows")
    if values.ndim == 2 and values.shape[1] != 1:
        stop = "length(weights) == n" if what == "weights" else "length(offset) == N"
        raise DataError(f"{stop} is not TRUE ({what} has shape {values.shape}: give one column)")
    values = values.reshape(-1)
    if what == "offset" and kind != "numeric":
        raise DataError(f"'offset' must be numeric (got {kind} values)")
    if kind == "text":  # R's as.numeric(): numbers written as text are read, others are NA
        out = np.empty(values.size)
        for i, v in enumerate(values):
            try:
                out[i] = np.nan if v is None else float(str(v).strip())
            except ValueError:
                raise DataError(f"{what} must be numeric: {str(v)!r} is not a number "
                                "(R: NAs introduced by coercion)") from None
        return out
    if kind not in ("numeric", "logical"):
        raise DataError(f"{what} must be numeric")
    return np.array([np.nan if v is None or v is pd.NA else v for v in values], dtype=float) \
        if values.dtype.kind == "O" else values.astype(float)


def contrasts_arg(contrasts: Any) -> Mapping | None:
    """``contrasts``: a mapping from factor names to a contrast name or matrix (R's named list).

    ``None`` values are dropped (R drops ``NULL`` list elements).  Anything that is not a
    mapping (R: an atomic vector, e.g. ``"contr.sum"``, ``c(f = "contr.sum")``) is ignored
    with R's warning ``non-list contrasts argument ignored``.  The values are checked
    where R checks them, when the model matrix codes a factor of the formula (R's
    ``contrasts<-``): a contrast for a variable the model does not have is ignored with
    R's warning, however wrong it is.

    Raises
    ------
    DataError
        An empty mapping (R's ``list()`` has no names) or a key that is not a non-empty
        string (R: ``'contrasts.arg' argument must be named``).
    """
    if contrasts is None:
        return None
    if not isinstance(contrasts, Mapping):
        warnings.warn("non-list contrasts argument ignored", PylmeWarning, stacklevel=3)
        return None
    if not contrasts:  # R: contrasts = list() -> names() is NULL
        raise DataError("'contrasts.arg' argument must be named (contrasts = {} names no variable: "
                        "give None for the default coding)")
    bad = [k for k in contrasts if not isinstance(k, str) or not k]
    if bad:
        raise DataError(f"'contrasts.arg' argument must be named (keys {bad!r} are not variable names)")
    return {k: v for k, v in contrasts.items() if v is not None}


def data_name_arg(data_name: Any) -> str | None:
    """``data_name``: the text of the ``Data:`` line of ``summary()``, or None (no line).

    R deparses the ``data`` argument itself; pylme is told the name, so it must be text.

    Raises
    ------
    ArgumentError
        Anything but None or a string.
    """
    if data_name is None or isinstance(data_name, str):
        return data_name
    raise ArgumentError("data_name must be None or a string (the name shown on the 'Data:' line "
                        f"of summary()), got {type(data_name).__name__} {data_name!r}")


@dataclass(frozen=True, eq=False)
class LmerArgs:
    """The arguments of ``lmer()``/``devfun()`` after R's checks and coercions.

    Attributes
    ----------
    data : pandas.DataFrame
    REML : bool
    weights, offset : None, str or ndarray
        A column name, or one float per row of ``data``.
    na_action : {"omit", "exclude", "fail"}
    contrasts : mapping or None
    verbose : int
    data_name : str or None
    """

    data: pd.DataFrame
    REML: bool
    weights: np.ndarray | str | None
    offset: np.ndarray | str | None
    na_action: str
    contrasts: Mapping | None
    verbose: int
    data_name: str | None = None


def lmer_args(data: Any, *, REML: Any = True, weights: Any = None, offset: Any = None,
              na_action: Any = "omit", contrasts: Any = None, verbose: Any = 0,
              data_name: Any = None) -> LmerArgs:
    """Check and coerce the arguments of ``lmer()`` as R and lme4 do (see the functions above).

    Parameters
    ----------
    data, REML, weights, offset, na_action, contrasts, verbose, data_name
        As given to :func:`pylme.lmer`.

    Returns
    -------
    LmerArgs

    Raises
    ------
    ArgumentError, DataError
        The first argument R would refuse, with R's text.
    """
    REML = r_flag(REML, "REML")
    verbose = r_verbose(verbose)
    na_action = na_action_arg(na_action)
    data = data_arg(data)
    nrow = data.shape[0]
    return LmerArgs(data=data, REML=REML, weights=vector_arg(weights, "weights", nrow),
                    offset=vector_arg(offset, "offset", nrow), na_action=na_action,
                    contrasts=contrasts_arg(contrasts), verbose=verbose, data_name=data_name_arg(data_name))
