"""R's reading of scalar arguments: ``match.arg``, ``if (x)``, ``as.integer`` and ``digits``.

lme4 takes flags through ``if (REML)`` (which coerces numbers and the strings
``"TRUE"``/``"false"``/``"T"``... and rejects the rest), string options through
``match.arg`` (exact or unique partial match) and ``verbose`` through ``as.integer``.
These helpers give pylme the same acceptance rules, R's error texts first, raised as
pylme's typed errors (:class:`~pylme.errors.ArgumentError` unless the caller names
another class, e.g. :class:`~pylme.errors.ControlError` for ``LmerControl``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Complex, Real
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError

__all__ = ["pmatch", "match_arg", "r_flag", "r_verbose", "print_digits", "is_vector", "dquote"]

# as.logical() of a string: the only spellings R's if() reads as TRUE / FALSE
_TRUE_TEXTS = ("TRUE", "true", "True", "T")
_FALSE_TEXTS = ("FALSE", "false", "False", "F")


def dquote(text: str) -> str:
    # R's dQuote() in a UTF-8 session (what match.arg's message shows)
    return f"\u201c{text}\u201d"


def is_vector(value: Any) -> bool:
    """A Python container R would see as a vector (several values), not a scalar."""
    return isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.Index)) or (
        isinstance(value, Sequence) and not isinstance(value, (str, bytes)))


def pmatch(value: str, choices: Sequence[str]) -> str | None:
    """R's ``pmatch(value, choices)``: an exact match, else the unique prefix match, else None.

    An empty string matches nothing, as in R.
    """
    if value in choices:
        return value
    hits = [c for c in choices if value and c.startswith(value)]
    return hits[0] if len(hits) == 1 else None


def match_arg(value: Any, choices: Sequence[str], arg_name: str = "arg", *,
              error: type[Exception] = ArgumentError) -> str:
    """R's ``match.arg(value, choices)`` for a single string option.

    Parameters
    ----------
    value : str, sequence of str or None
        The option as given: a choice, or an unambiguous prefix of one.  ``None`` (R's
        ``NULL``) and the whole ``choices`` vector give the first choice (R's default).
    choices : sequence of str
        The allowed values in R's order (the order of the error text).
    arg_name : str
        The Python name of the argument, added after R's text so the user sees which
        argument failed (R's own message always says ``'arg'``).
    error : type
        The exception class to raise (a :class:`~pylme.errors.PylmeError` subclass).

    Returns
    -------
    str
        The matched choice.

    Raises
    ------
    error
        ``'arg' must be NULL or a character vector`` (not a string),
        ``'arg' must be of length 1`` (several strings), or
        ``'arg' should be one of “a”, “b”`` (no or an ambiguous match) — R 4.2.2's texts.
    """
    choices = tuple(choices)
    if value is None:
        return choices[0]
    if is_vector(value):
        items = list(value)
        if all(isinstance(v, str) for v in items):
            if tuple(items) == choices:
                return choices[0]
            if len(items) != 1:
                raise error(f"'arg' must be of length 1 ({arg_name} = {value!r})")
            value = items[0]
    if not isinstance(value, str):
        raise error(f"'arg' must be NULL or a character vector ({arg_name} = {value!r})")
    hit = pmatch(value, choices)
    if hit is None:
        raise error(f"'arg' should be one of {', '.join(dquote(c) for c in choices)} ({arg_name} = {value!r})")
    return hit


def _scalar(value: Any, arg_name: str, error: type[Exception]) -> Any:
    """One element of a length-one vector; R's ``if`` errors for length 0 or > 1."""
    if value is None:
        raise error(f"argument is of length zero ({arg_name} = None)")
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if is_vector(value):
        items = np.asarray(value, dtype=object).ravel(order="F")
        if items.size == 0:
            raise error(f"argument is of length zero ({arg_name} = {value!r})")
        if items.size > 1:
            raise error(f"the condition has length > 1 ({arg_name} = {value!r})")
        value = items[0]
    if isinstance(value, np.ndarray):  # 0-d array
        value = value.item()
    return value


def r_flag(value: Any, arg_name: str, *, error: type[Exception] = ArgumentError) -> bool:
    """A flag as R's ``if (value)`` reads it (lme4's ``REML``, ``calc.derivs``, ...).

    Accepts booleans, numbers (0 is FALSE, any other number TRUE, as R) and the strings
    ``"TRUE"``, ``"true"``, ``"True"``, ``"T"`` / ``"FALSE"``, ``"false"``, ``"False"``,
    ``"F"``; a vector only with exactly one element.

    Raises
    ------
    error
        R's texts: ``argument is of length zero`` (None, empty), ``the condition has
        length > 1``, ``missing value where TRUE/FALSE needed`` (NA) and ``argument is
        not interpretable as logical`` (other strings, NaN, other types).
    """
    item = _scalar(value, arg_name, error)
    if item is pd.NA or item is None:
        raise error(f"missing value where TRUE/FALSE needed ({arg_name} = {value!r})")
    if isinstance(item, (bool, np.bool_)):
        return bool(item)
    if isinstance(item, str):
        if item in _TRUE_TEXTS:
            return True
        if item in _FALSE_TEXTS:
            return False
    elif isinstance(item, Complex) and not _isnan(item):
        return bool(item != 0)
    raise error(f"argument is not interpretable as logical ({arg_name} = {value!r})")


def _isnan(value: Complex) -> bool:
    """NaN test for real and complex numbers (R: ``is.nan``)."""
    return math.isnan(value.real) or math.isnan(value.imag)


def r_verbose(value: Any, *, error: type[Exception] = ArgumentError) -> int:
    """``verbose`` as lme4 reads it: ``as.integer(verbose)``, then used in ``if``.

    Numbers are truncated toward zero (0.5 is quiet, 1 prints the criterion, 3 also θ);
    ``True`` is 1; numeric strings are converted as R's ``as.integer`` does.

    Raises
    ------
    error
        ``missing value where TRUE/FALSE needed`` for values ``as.integer`` turns into
        NA (other strings, NaN, infinite or out-of-range numbers), R's length errors
        for None, empty or several values.
    """
    item = _scalar(value, "verbose", error)
    if isinstance(item, (bool, np.bool_)):
        return int(item)
    number = None
    if isinstance(item, str):
        try:
            number = float(item.strip())
        except ValueError:
            number = None
    elif isinstance(item, Real):
        number = float(item)
    elif item is not None and item is not pd.NA:
        raise error(f"'verbose' must be a number or a flag, got {type(value).__name__}")
    if number is None or not math.isfinite(number) or abs(number) >= 2**31:
        raise error(f"missing value where TRUE/FALSE needed (verbose = {value!r}: "
                    "NAs introduced by coercion to integer)")
    return int(number)  # int() truncates toward zero, as as.integer()


# R_MIN_DIGITS_OPT / R_MAX_DIGITS_OPT of print.default (src/main/print.c)
_MIN_PRINT_DIGITS, _MAX_PRINT_DIGITS = 1, 22
# R's NA_INTEGER, printed by print.default's error for a digits that as.integer makes NA
_NA_INTEGER = -(2**31)


def print_digits(value: Any, arg_name: str = "digits", *,
                 error: type[Exception] = ArgumentError) -> int | float:
    """``digits`` of ``print(summary(fm), digits = )`` as R reads it (lme4 ``print.summary.merMod``).

    lme4 uses ``digits`` in arithmetic (``digits + 1L`` for the residual quantiles,
    ``max(2, digits - 2)`` for correlations, ``digits - 1`` in ``printCoefmat``) and
    passes it to ``round()`` (nearest integer) and to ``print``/``format``
    (``as.integer``: truncated toward zero).  A non-integer number is therefore valid
    and kept as given: the printing layer applies each of those coercions where R does
    (``digits = 3.7`` prints neither as 3 nor as 4 everywhere, exactly as in R).

    Parameters
    ----------
    value : int, float or bool
        The number of significant digits; ``True``/``False`` are 1/0 (R's coercion); a
        sequence or array of one number counts as that number.
    arg_name : str
        The Python name of the argument, added after R's text.
    error : type
        The exception class to raise.

    Returns
    -------
    int or float
        An int when ``value`` is integral, else the float (R keeps the fraction until
        each use).

    Raises
    ------
    error
        R 4.2.2's texts, in the order R meets them: ``invalid 'digits'`` (None or an
        empty sequence: ``zapsmall(, NULL + 1L)``), ``non-numeric argument to binary
        operator`` (strings and other non-numbers), ``invalid printing digits -2147483648``
        (NaN or ``pandas.NA``, and ±inf or beyond the integer range, where ``as.integer`` also warns
        ``NAs introduced by coercion to integer range``) and ``invalid printing digits
        n`` when ``as.integer(value)`` is below 1 or above 22.  Several numbers (R would
        use them element-wise in some places and the first in others) are refused.
    """
    shown = f"({arg_name} = {value!r})"
    item = value
    if isinstance(item, pd.Series):
        item = item.to_numpy()
    if item is None:
        raise error(f"invalid 'digits' {shown}")
    if is_vector(item):
        items = np.asarray(item, dtype=object).ravel()
        if items.size == 0:
            raise error(f"invalid 'digits' {shown}")
        if items.size > 1:
            raise error(f"'digits' must be a single number, got {items.size} values {shown}")
        item = items[0]
    if isinstance(item, np.ndarray):  # 0-d array
        item = item.item()
    if isinstance(item, (bool, np.bool_)):
        item = int(item)
    if item is pd.NA:  # R's NA: NA + 1L is NA, which print() refuses
        item = math.nan
    if not isinstance(item, Real):
        raise error(f"non-numeric argument to binary operator {shown}")
    number = float(item)
    if math.isnan(number):
        raise error(f"invalid printing digits {_NA_INTEGER} {shown}")
    if abs(number) >= 2**31:
        raise error(f"invalid printing digits {_NA_INTEGER} {shown}: "
                    "NAs introduced by coercion to integer range")
    as_integer = int(number)  # as.integer truncates toward zero
    if not _MIN_PRINT_DIGITS <= as_integer <= _MAX_PRINT_DIGITS:
        raise error(f"invalid printing digits {as_integer} {shown}")
    return as_integer if number == as_integer else number
