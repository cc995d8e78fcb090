"""Argument checks of the inference methods, with R's semantics and R's error texts.

The methods of :mod:`pylme.inference` take their options the way lme4's R functions
do: string options through R's ``match.arg`` (exact match, else a unique partial
match) and logical flags through R's ``if ()`` coercion — both from
:mod:`pylme.arguments`, the package's one implementation — and numbers as R's
arithmetic would use them.  Where R would fail with an obscure error or return a
silent NaN table (``confint(fm, level = 1.5)``), pylme raises
:class:`~pylme.errors.ArgumentError` with R's wording where R has one, followed by the
argument and its value in parentheses (``'arg' should be one of “profile”, “Wald”,
“boot” (method = 'x')``).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..arguments import match_arg as _match_arg
from ..arguments import r_flag
from ..errors import ArgumentError, DataError

__all__ = ["match_arg", "check_flag", "check_level", "check_positive_int", "check_number", "check_fit",
           "as_newdata"]


def match_arg(value: Any, choices: Sequence[str], arg_name: str = "arg") -> str:
    """R's ``match.arg(value, choices)`` (:func:`pylme.arguments.match_arg`).

    Parameters
    ----------
    value : str, sequence of one str, or None
        ``None`` (R's ``NULL``) gives the first choice.
    choices : sequence of str
        The allowed values, the default first.
    arg_name : str
        The argument's name, added after R's text (R 4.2 always says ``'arg'``).

    Returns
    -------
    str

    Raises
    ------
    ArgumentError
        ``'arg' must be NULL or a character vector``, ``'arg' must be of length 1`` or
        ``'arg' should be one of “a”, “b”`` (R 4.2.2's texts), then ``(name = value)``.
    """
    return _match_arg(value, tuple(choices), arg_name)


def check_flag(value: Any, arg_name: str) -> bool:
    """A logical flag as R's ``if (value)`` reads it (:func:`pylme.arguments.r_flag`).

    ``True``/``False`` (also numpy booleans), numbers (non-zero is TRUE) and R's
    ``"TRUE"``/``"T"``/``"true"``/``"True"`` (and FALSE spellings) are taken; anything
    else gets R's error (``argument is of length zero``, ``argument is not
    interpretable as logical``, ...) as :class:`~pylme.errors.ArgumentError`.
    """
    return r_flag(value, arg_name)


def check_number(value: Any, arg_name: str, *, lower: float | None = None, upper: float | None = None,
                 lower_open: bool = False, allow_inf: bool = False) -> float:
    """A single real number, finite unless ``allow_inf``, within the given bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
            value = value.item()
        else:
            raise ArgumentError(f"'{arg_name}' must be a number, got {type(value).__name__}: {value!r}")
    x = float(value)
    if math.isnan(x) or (math.isinf(x) and not allow_inf):
        raise ArgumentError(f"'{arg_name}' must be a finite number, got {value!r}")
    if lower is not None and (x < lower or (lower_open and x == lower)):
        raise ArgumentError(f"{arg_name} {'>' if lower_open else '>='} {lower:g} is not TRUE")
    if upper is not None and x > upper:
        raise ArgumentError(f"{arg_name} <= {upper:g} is not TRUE")
    return x


def check_level(level: Any, arg_name: str = "level") -> float:
    """A confidence level strictly between 0 and 1.

    R computes with any number (``level = 1.5`` gives ``NaNs produced`` and a NaN table,
    ``level = 0`` an interval of width 0); pylme refuses instead of returning them.
    """
    x = check_number(level, arg_name)
    if not 0 < x < 1:
        raise ArgumentError(f"'{arg_name}' must be strictly between 0 and 1, got {level!r}")
    return x


def check_positive_int(value: Any, arg_name: str, r_text: str | None = None) -> int:
    """A positive integer (numpy integers and integral floats accepted, bools are not).

    ``r_text`` is R's message for the failure (e.g. ``(nsim <- as.integer(nsim[1])) > 0
    is not TRUE``); the default says what was expected.
    """
    ok = isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not ok and isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        ok = math.isfinite(float(value)) and float(value).is_integer()
    if not ok or int(value) < 1:
        raise ArgumentError(r_text or f"'{arg_name}' must be a positive integer, got {value!r}")
    return int(value)


def check_fit(fit: Any, function: str) -> None:
    """The first argument of an inference function must be a fitted model.

    R dispatches ``confint(3)`` to another method and fails obscurely (``$ operator is
    invalid for atomic vectors``); pylme names the problem.
    """
    from ..results.model import LmerFit

    if not isinstance(fit, LmerFit):
        raise ArgumentError(f"{function}() needs a fitted model (LmerFit, from pylme.lmer), "
                        f"got {type(fit).__name__}")


def as_newdata(newdata: Any) -> pd.DataFrame | None:
    """``newdata`` of ``predict``/``simulate`` as a DataFrame (a dict of columns is converted).

    lme4 hands ``newdata`` to ``model.frame``, whose error for a wrong type is obscure
    (``invalid 'times' argument``); pylme says what is expected.
    """
    if newdata is None or isinstance(newdata, pd.DataFrame):
        return newdata
    if isinstance(newdata, Mapping):
        try:
            return pd.DataFrame(dict(newdata))
        except (TypeError, ValueError) as exc:
            raise DataError(f"'newdata' as a dict must hold columns of equal length: {exc}") from None
    raise DataError(f"'newdata' must be a data frame (pandas.DataFrame) or a dict of columns, "
                    f"got {type(newdata).__name__}")
