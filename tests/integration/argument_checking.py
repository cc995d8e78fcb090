"""Shared by the argument-validation tests: the data, and how a refusal is asserted."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import PylmeError

SS = pylme.datasets.load("sleepstudy")
N = len(SS)
F = "Reaction ~ Days + (1|Subject)"
F_SLOPE = "Reaction ~ Days + (Days|Subject)"


def refused(call, error, pattern):
    """``call()`` raises ``error`` (a pylme error) whose message starts with ``pattern``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except PylmeError as exc:
            assert isinstance(exc, error), f"{type(exc).__name__}: {exc}"
            assert re.match(pattern, str(exc)), str(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a raw exception is the failure tested for
            pytest.fail(f"raw {type(exc).__name__}: {exc}")
    pytest.fail("no error raised")


def quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def with_nan(values, row=0):
    out = np.array(values, dtype=float)
    out[row] = np.nan
    return out


#: Values of REML that R accepts, with their meaning: isREML(fit) in R.
REML_ACCEPTED = [  # value, isREML(fit) in R
    ("FALSE", False), ("false", False), ("F", False), ("False", False),
    ("TRUE", True), ("true", True), ("T", True), ("True", True),
    (0, False), (0.0, False), (np.int64(0), False), (1, True), (2, True), (0.5, True), (-1, True),
    (1j, True), (np.bool_(False), False), (np.array([False]), False), ([True], True),
    (np.array(1.0), True), (pd.Series([0]), False),
]

#: sleepstudy with one missing response.
NA_DATA = SS.assign(Reaction=with_nan(SS.Reaction, 2))
