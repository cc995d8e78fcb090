"""pylme's side of ``pylme verify``: fit each captured model again with pylme (no R here).

A :class:`~conformance.bridge.capture.Capture` carries the model as a conformance
:class:`~conformance.cases.Case` plus the evaluated data, weights, offset, contrasts and
``na.action``; :func:`refit_capture` fits it with ``pylme.lmer``/``pylme.glmer`` (lme4's
control and family texts read by :mod:`conformance.py_side`/:mod:`conformance.py_side_glmm`)
and extracts every quantity with :func:`conformance.py_side.extract`, the harness's own
extraction. A ``refit(fm, newresp)`` capture refits pylme's model of ``fm``.

A model pylme cannot fit is :class:`Unsupported` (the reason is pylme's typed error, or a
control/family text it cannot read); any other pylme error where R succeeded is reported as
the mismatch it is.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

import pylme
from conformance import py_side
from conformance.bridge.capture import Capture
from conformance.cases import Case
from pylme.errors import FormulaError

__all__ = ["Unsupported", "PyRefit", "refit_capture", "is_unsupported_error", "NA_ACTIONS"]

#: R's na.action functions as pylme's ``na_action``.
NA_ACTIONS = {"na.omit": "omit", "na.exclude": "exclude", "na.fail": "fail", "na.pass": "pass"}


class Unsupported(Exception):
    """A captured model pylme cannot fit (a feature it lacks); the message says which."""


@dataclass(frozen=True)
class PyRefit:
    """pylme's fit of one capture.

    Attributes
    ----------
    result : conformance.py_side.PyFitResult
        Conditions, groups and the model (``result.model``; None when pylme raised).
    error : str or None
        pylme's error (type and message) when the fit raised.
    """

    result: py_side.PyFitResult
    error: str | None = None

    @property
    def model(self) -> Any:
        """The fitted pylme model, or None."""
        return self.result.model


def is_unsupported_error(exc: BaseException) -> bool:
    """True when pylme raised because it lacks a feature (not because it disagrees with R)."""
    text = str(exc)
    return isinstance(exc, (NotImplementedError, Unsupported)) or (
        isinstance(exc, FormulaError) and "unknown function" in text) or "not supported" in text


def _arguments(capture: Capture) -> dict[str, Any]:
    """pylme's keyword arguments for `capture` (raises :class:`Unsupported`)."""
    case = capture.case
    if capture.na_action not in NA_ACTIONS:
        raise Unsupported(f"na.action = {capture.na_action}")
    kwargs: dict[str, Any] = {
        "weights": None if capture.weights is None else np.asarray(capture.weights, dtype=float),
        "offset": None if capture.offset is None else np.asarray(capture.offset, dtype=float),
        "na_action": NA_ACTIONS[capture.na_action],
        "contrasts": capture.contrasts or None,
        "data_name": capture.data_name or None}
    if capture.start is not None:
        kwargs["start"] = capture.start
    try:
        if case.is_glmm:
            from conformance.py_side_glmm import family_from_r, glmer_control_from_r

            kwargs.update(family=family_from_r(case.family), nAGQ=case.nAGQ,
                          control=glmer_control_from_r(case.control))
        else:
            kwargs.update(REML=case.reml, control=py_side.control_from_r(case.control))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Unsupported(f"cannot translate {'family/' if case.is_glmm else ''}control "
                          f"({case.family or ''} {case.control}): {exc}") from exc
    return kwargs


def refit_capture(capture: Capture, models: dict[int, Any]) -> PyRefit:
    """Fit `capture` with pylme and extract every quantity of its reference.

    Parameters
    ----------
    capture : Capture
        With a ``reference`` (R succeeded and the inputs were captured).
    models : dict of int to (model, Case)
        pylme's models of the earlier captures and their cases (a ``refit`` looks its base
        up here).

    Raises
    ------
    Unsupported
        When pylme lacks what the model needs.
    """
    case = capture.case
    if capture.kind == "refit":
        if capture.base not in models:
            raise Unsupported(f"refit() of model #{capture.base}, which pylme did not fit")
        base, base_case = models[capture.base]
        case = _refit_case(capture, base_case)
    else:
        kwargs = _arguments(capture)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if capture.kind == "refit":
                model = base.refit(None if capture.newresp is None
                                   else np.asarray(capture.newresp, dtype=float))
            elif case.is_glmm:
                model = pylme.glmer(case.formula, capture.data, **kwargs)
            else:
                model = pylme.lmer(case.formula, capture.data, **kwargs)
        except Exception as exc:  # noqa: BLE001 - pylme's failure is a result
            if is_unsupported_error(exc):
                raise Unsupported(f"{type(exc).__name__}: {exc}") from exc
            conditions = py_side._conditions(caught)
            conditions.update(error=str(exc), error_type=type(exc).__name__,
                              traceback=traceback.format_exc(limit=4))
            return PyRefit(py_side.PyFitResult(case, conditions,
                                               seconds=time.perf_counter() - start),
                           f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - start
    if capture.kind != "refit":
        # R prints the weights/offset expressions as typed (summary's header)
        model = dataclasses.replace(model, weights_name=case.weights, offset_name=case.offset)
    return PyRefit(py_side.extract(model, case, capture.reference, capture.data,
                                   py_side._conditions(caught), seconds))


def _refit_case(capture: Capture, base_case: Case) -> Case:
    """The case a refit's quantities are extracted under: its base model's settings."""
    return dataclasses.replace(base_case, id=f"verify_{capture.index}")
