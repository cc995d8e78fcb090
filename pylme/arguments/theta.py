"""θ-side arguments: ``start`` (lme4 ``getStart``), a deviance function's θ, ``refit``'s response.

The texts are lme4 1.1-31's (``getStart``), the optimizers' own for a start they cannot
use (nloptr, minqa, lme4's Nelder_Mead), and ``refit.merMod``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError, ControlError, DataError, OptimizerError
from .frame_args import value_kind

__all__ = ["start_arg", "check_start_bounds", "devfun_theta", "response_arg"]

_START_TYPE = "'start' must be NULL, a numeric vector or named list of such vectors"


def _numeric_vector(value: Any) -> np.ndarray | None:
    """A numeric (not logical, not text) vector as float, R's column-major order; else None."""
    if isinstance(value, (pd.Series, pd.Index)):
        value = value.to_numpy()
    if isinstance(value, (str, bytes, Mapping)) or value is None:
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    if array.dtype.kind == "O":
        if not all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in array.ravel()):
            return None
    elif array.dtype.kind not in "iuf":
        return None
    return np.asarray(array, dtype=float).ravel(order="F")


def start_arg(start: Any, k: int) -> np.ndarray | None:
    """``start`` as lme4's ``getStart`` reads it for ``lmer``: None or θ of length ``k``.

    Accepted: a numeric vector (names, e.g. of a pandas Series, are ignored as in R; a
    matrix is read column by column, as R's ``as.vector``), or a mapping with keys among
    ``"theta"`` and ``"fixef"`` (``fixef`` is not used by ``lmer``, as in lme4); a
    mapping without ``"theta"`` means the default start.

    Raises
    ------
    ControlError
        lme4 1.1-31's texts: ``incorrect components in start list: beta``, ``all
        elements of start must be numeric``, ``'start' must be NULL, a numeric vector
        or named list of such vectors`` and ``incorrect number of theta components (!=k)``.
    """
    if start is None:
        return None
    if isinstance(start, Mapping):
        bad = [str(key) for key in start if key not in ("theta", "fixef")]
        if bad:
            raise ControlError(f"incorrect components in start list: {', '.join(bad)}")
        if any(_numeric_vector(v) is None for v in start.values()):
            raise ControlError("all elements of start must be numeric")
        if "theta" not in start:
            return None
        theta = _numeric_vector(start["theta"])
    else:
        theta = _numeric_vector(start)
        if theta is None:
            raise ControlError(_START_TYPE)
    if theta.size != k:
        raise ControlError(f"incorrect number of theta components (!={k})")
    return theta


# what each optimizer says of a start it cannot use: (NaN, below the lower bound, infinite)
_START_ERRORS = {
    "nloptwrap": ("x0 contains NA", "at least one element in x0 < lb", "objective in x0 returns NA"),
    "bobyqa": ("missing value where TRUE/FALSE needed", "Starting values violate bounds",
               "all(is.finite(par)) is not TRUE"),
    "Nelder_Mead": ("all(x0 >= lower) is not TRUE", "all(x0 >= lower) is not TRUE",
                    "all(is.finite(x0)) is not TRUE"),
    None: ("missing value where TRUE/FALSE needed", None,
           "the deviance is not defined at an infinite theta (lme4 returns NaN)"),
}


def check_start_bounds(theta: np.ndarray, lower: np.ndarray, optimizer: str | None) -> None:
    """Refuse a start the optimizer would refuse, with that optimizer's text (lme4 ``optwrap``).

    ``optimizer=None`` (no optimization) evaluates any finite θ, as lme4 does.

    Raises
    ------
    OptimizerError
        NaN, infinite, or below the lower bound (0 for the diagonal of a relative
        covariance factor): nloptr's ``at least one element in x0 < lb``, minqa's
        ``Starting values violate bounds``, lme4 Nelder_Mead's ``stopifnot`` text.
    """
    nan_text, below_text, inf_text = _START_ERRORS.get(optimizer, _START_ERRORS["nloptwrap"])
    if np.any(np.isnan(theta)):
        raise OptimizerError(f"{nan_text} (start = {theta.tolist()})")
    if np.any(np.isinf(theta)):
        raise OptimizerError(f"{inf_text} (start = {theta.tolist()})")
    if below_text is not None and np.any(theta < lower):
        which = ", ".join(str(i + 1) for i in np.flatnonzero(theta < lower))
        raise OptimizerError(f"{below_text} (start component(s) {which} below the lower bound 0 of a "
                             "standard deviation's relative factor)")


def devfun_theta(theta: Any, k: int) -> np.ndarray:
    """The argument of a deviance function (lme4: ``as.double(theta)`` in ``devfun``).

    Logicals count as 0/1 and matrices are read column by column, as ``as.double``;
    NaN and infinite values are returned (the criterion is then NaN, as lme4's).

    Raises
    ------
    ControlError
        ``incorrect number of theta components (!=k)``.
    ArgumentError
        Text or other non-numeric values (R: ``NAs introduced by coercion``).
    """
    if isinstance(theta, (pd.Series, pd.Index)):
        theta = theta.to_numpy()
    if theta is None:
        raise ControlError(f"incorrect number of theta components (!={k})")
    try:
        array = np.asarray(theta)
        if array.dtype.kind not in "biuf":
            array = np.asarray(array.astype(float))
    except (ValueError, TypeError):
        raise ArgumentError(f"theta must be numeric, got {theta!r} (R: NAs introduced by coercion)") from None
    array = array.astype(float).ravel(order="F")
    if array.size != k:
        raise ControlError(f"incorrect number of theta components (!={k})")
    return array


def response_arg(newresp: Any, nobs: int, nrow: int, kept: np.ndarray) -> np.ndarray:
    """The new response of ``refit`` (lme4 ``refit.merMod``'s checks).

    Parameters
    ----------
    newresp : array-like
        ``nobs`` values, or one per row of the original data (``nrow``; rows the fit
        dropped for missing values are dropped again).  Logicals count as 0/1; a
        one-column DataFrame or ``(n, 1)`` matrix is a vector (R).
    nobs, nrow : int
        Observations of the fit and rows of its data.
    kept : ndarray of int
        Positions of the fit's observations among the data's rows.

    Raises
    ------
    DataError
        lme4's texts: ``response must be numeric`` (text, Categorical), ``refit not
        implemented for 'newresp' lists of length > 1`` (a DataFrame of several columns,
        a mapping), ``updateMu: Size mismatch`` (a matrix of several columns),
        ``length(newresp <- as.numeric(as.vector(newresp))) == length(rr$y) is not
        TRUE`` and ``NA/NaN/Inf in 'y'``.
    """
    lapply = ("refit not implemented for 'newresp' lists of length > 1: consider "
              "\u2018lapply(object,refit)\u2019")
    if isinstance(newresp, pd.DataFrame):
        if newresp.shape[1] != 1:
            raise DataError(lapply)
        newresp = newresp.iloc[:, 0]
    if isinstance(newresp, Mapping):
        raise DataError(lapply)
    if isinstance(getattr(newresp, "dtype", None), pd.CategoricalDtype) or isinstance(newresp, (str, bytes)):
        raise DataError("response must be numeric")
    if isinstance(newresp, pd.Series):
        newresp = newresp.to_numpy()
    try:
        values = np.asarray(newresp)
    except (ValueError, TypeError):
        raise DataError(lapply) from None
    kind = value_kind(values)
    if kind == "list":
        raise DataError(lapply)
    if kind not in ("numeric", "logical"):
        raise DataError("response must be numeric")
    if values.ndim == 2 and values.shape[1] != 1:
        raise DataError(f"updateMu: Size mismatch (newresp has shape {values.shape}: give one column)")
    y = np.array([np.nan if v is None or v is pd.NA else v for v in values.ravel()], dtype=float) \
        if values.dtype.kind == "O" else values.astype(float).ravel()
    if y.size == nrow and nrow != nobs:
        y = y[np.asarray(kept)]
    if y.size != nobs:
        raise DataError("length(newresp <- as.numeric(as.vector(newresp))) == length(rr$y) is not TRUE "
                        f"(newresp has {values.size} values; the model has {nobs} observations"
                        + (f" from {nrow} rows of data)" if nrow != nobs else ")"))
    if not np.all(np.isfinite(y)):
        raise DataError("NA/NaN/Inf in 'y'")
    return y
