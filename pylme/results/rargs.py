"""R's argument handling for the fitted model's methods: ``match.arg`` and ``if (x)``.

lme4's methods take their string options through ``match.arg`` (exact or unique partial
match, R's error text otherwise) and their flags through R's ``if``, which coerces
numbers and the strings ``"TRUE"``/``"T"``/``"true"``/... and rejects anything else.
These helpers give pylme's methods the same behaviour with pylme's typed errors.
"""

from __future__ import annotations

import math
from numbers import Number
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["match_arg", "r_flag"]

# as.logical() of a string: the only spellings R reads as TRUE / FALSE
_TRUE_TEXTS = ("TRUE", "true", "True", "T")
_FALSE_TEXTS = ("FALSE", "false", "False", "F")


def match_arg(value: Any, choices: Sequence[str], name: str = "arg") -> str:
    """R's ``match.arg(value, choices)`` for one string.

    Parameters
    ----------
    value : str or None
        The option as given: a choice or an unambiguous prefix of one; None (R's
        ``NULL``) gives the first choice, as in R.
    choices : sequence of str
        The allowed values, in R's order (that order is the error's).
    name : str
        The argument's name, added to R's text so a Python user sees which one failed.

    Returns
    -------
    str
        The matched choice.

    Raises
    ------
    DataError
        R's texts: ``'arg' must be NULL or a character vector`` for a non-string,
        ``'arg' should be one of “a”, “b”`` when nothing (or more than one choice)
        matches.
    """
    if value is None:  # R: match.arg(NULL, choices) is the first choice
        return choices[0]
    if not isinstance(value, str):
        raise DataError(f"'arg' must be NULL or a character vector ({name} = {value!r})")
    if value in choices:
        return value
    hits = [c for c in choices if value and c.startswith(value)]
    if len(hits) == 1:
        return hits[0]
    quoted = ", ".join(f"\u201c{c}\u201d" for c in choices)
    raise DataError(f"'arg' should be one of {quoted} ({name} = {value!r})")


def r_flag(value: Any, name: str) -> bool:
    """``value`` as R's ``if (value)`` reads it.

    Parameters
    ----------
    value : bool, number or str
        ``True``/``False``; a number (non-zero is true, as in R); or one of the strings
        R's ``as.logical`` reads (``"TRUE"``, ``"T"``, ``"true"``, ``"True"`` and the
        ``FALSE`` spellings).
    name : str
        The argument's name, for the error.

    Returns
    -------
    bool

    Raises
    ------
    DataError
        R's texts: ``argument is of length zero`` (None), ``missing value where
        TRUE/FALSE needed`` (NaN, ``pandas.NA``, a string R reads as NA) and
        ``argument is not interpretable as logical`` (anything else).
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None:
        raise DataError(f"argument is of length zero ({name} = None)")
    if isinstance(value, str):
        if value in _TRUE_TEXTS:
            return True
        if value in _FALSE_TEXTS:
            return False
        raise DataError(f"argument is not interpretable as logical ({name} = {value!r})")
    if isinstance(value, Number) and not isinstance(value, complex):
        if math.isnan(float(value)):
            raise DataError(f"missing value where TRUE/FALSE needed ({name} = {value!r})")
        return float(value) != 0.0
    if value is pd.NA:
        raise DataError(f"missing value where TRUE/FALSE needed ({name} = NA)")
    raise DataError(f"argument is not interpretable as logical ({name} = {value!r})")
