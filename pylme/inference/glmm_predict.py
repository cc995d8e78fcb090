"""Predictions from a fitted GLMM (lme4 1.1-31: ``predict.merMod`` for a ``glmerMod``).

The linear predictor is lmer's (:func:`pylme.inference.predict.linear_predictor`: new
data through the fitted model frame, ``re_form`` selection, lme4's new-level checks);
what differs for a GLMM (glmer_spec.md §5.1, §1.3, trap 9):

* the default scale is the link (``type="link"``: η); ``type="response"`` applies R's
  ``family$linkinv`` — R's closure, not lme4's clamped C++ inverse link used inside
  PIRLS (logit: η clamped at ±30 instead of μ at [ε, 1 − ε]);
* without ``newdata`` and ``re_form``, lme4 returns the response module's state, ``η``
  (link) or ``μ`` (response: lme4's clamped μ, as ``fitted()``);
* with ``newdata`` only the ``offset()`` terms of the formula enter η; an ``offset=``
  argument of the fit is not evaluated on new data (without ``newdata`` it is used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..results.vectors import labelled
from .checks import as_newdata, check_flag, match_arg
from .predict import _deprecated_names, linear_predictor, parse_re_form

if TYPE_CHECKING:
    from ..results.glmer_model import GlmerFit

__all__ = ["glmer_predict", "PREDICT_TYPES"]

#: lme4's ``type`` choices, the default first.
PREDICT_TYPES = ("link", "response")
_NA_ACTIONS = ("pass", "omit", "exclude", "fail")
_SERIES_NAME = "predicted"


def glmer_predict(fit: "GlmerFit", newdata: Any = None, type: str = "link", re_form: Any = None,
                  allow_new_levels: bool = False, na_action: str | None = None, *, ReForm: Any = None,
                  REForm: Any = None, REform: Any = None) -> pd.Series:
    """Predictions of a GLMM on the link or the response scale (lme4 ``predict.merMod``).

    Parameters
    ----------
    fit : GlmerFit
    newdata : pandas.DataFrame or mapping, optional
        Rows to predict for; without it, the fitted rows.
    type : {"link", "response"}
        ``"link"`` (η, lme4's default) or ``"response"`` (R's inverse link of η);
        matched as R's ``match.arg``.
    re_form : None, str, Formula or NaN
        ``None``: every random-effects term; ``"~0"``, ``"NA"`` or NaN: none
        (population level); a formula: those terms.
    allow_new_levels : bool
        Give levels absent from the fit b = 0 instead of lme4's error
        ``new levels detected in newdata: ...``.
    na_action : {"pass", "omit", "exclude", "fail"}, optional
        Rows of ``newdata`` with a missing fixed-effects variable (see
        :func:`pylme.inference.predict.predict`).
    ReForm, REForm, REform : optional
        lme4's deprecated spellings of ``re_form`` (used with lme4's warning).

    Returns
    -------
    pandas.Series
        Named ``"predicted"``, labelled as lmer's predictions are.

    Raises
    ------
    DataError
        New levels or NA grouping values without ``allow_new_levels``, a variable
        missing from ``newdata``.
    ArgumentError
        An unknown ``type`` (R's ``match.arg`` text), a non-logical flag.
    """
    kind = match_arg(type, PREDICT_TYPES, "type")
    allow_new_levels = check_flag(allow_new_levels, "allow_new_levels")
    deprecated = {k: v for k, v in (("ReForm", ReForm), ("REForm", REForm), ("REform", REform)) if v is not None}
    re_form = _deprecated_names(re_form, deprecated)
    if na_action is not None and (not isinstance(na_action, str) or na_action not in _NA_ACTIONS):
        raise DataError(f"na_action must be one of {', '.join(_NA_ACTIONS)}, got {na_action!r}")
    if newdata is None:
        if re_form is None:
            # lme4 returns the response module's own η or μ (its clamped inverse link)
            state = fit.optimum.state
            values = (state.eta if kind == "link" else state.mu).copy()
        else:
            values, _ = linear_predictor(fit, None, parse_re_form(fit, re_form))
            values = _scale(fit, values, kind)
        return labelled(fit, values, _SERIES_NAME, na_action)
    newdata = as_newdata(newdata)
    action = na_action or "pass"
    values, rows = linear_predictor(fit, newdata, parse_re_form(fit, re_form), allow_new_levels, action)
    values = _scale(fit, values, kind)
    if action == "exclude":
        out = np.full(newdata.shape[0], np.nan)
        out[rows] = values
        return pd.Series(out, index=newdata.index, name=_SERIES_NAME)
    return pd.Series(values, index=newdata.index[rows], name=_SERIES_NAME)


def _scale(fit: "GlmerFit", eta: np.ndarray, kind: str) -> np.ndarray:
    """η, or R's ``family$linkinv(η)`` (lme4 uses the R closure here, not its C++ clamps)."""
    if kind == "link":
        return eta
    with np.errstate(all="ignore"):
        return np.asarray(fit.family.link.r_linkinv(eta), dtype=float)
