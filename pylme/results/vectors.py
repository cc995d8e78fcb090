"""Per-observation vectors of a fit, labelled by the data's rows (lme4: ``fitted``,
``residuals``, ``predict`` and ``simulate`` name their values by the row names of the model
frame, and ``naresid``/``napredict`` pad the rows ``na.exclude`` dropped with NA).

pylme computes every such vector as a plain array; only the public methods wrap it in a
``pandas.Series`` indexed by the data's own index, here.  Internal code (bootstrap,
profile, summary) keeps to the arrays, so no loop pays pandas' overhead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..arguments import match_arg, r_flag
from ..errors import DataError

if TYPE_CHECKING:
    from .model import LmerFit

__all__ = ["RESIDUAL_TYPES", "data_index", "pad", "labelled", "residual_values"]

#: lme4's ``residuals.merMod`` types, in ``match.arg``'s order (the error lists them so).
RESIDUAL_TYPES = ("working", "response", "deviance", "pearson", "partial")


def data_index(fit: "LmerFit") -> pd.Index:
    """The index of the data the fit was given: every row, the dropped ones too.

    The model frame keeps the labels of the rows it used; the labels of dropped rows come
    from the call's data.  Should that data have changed since the fit (its kept labels no
    longer where the frame found them), positions ``0 .. n-1`` label the rows instead.
    """
    frame = fit.inputs.frame
    if len(frame.dropped) == 0:
        return frame.row_labels
    data = (fit.call_args or {}).get("data")
    if isinstance(data, pd.DataFrame) and data.shape[0] == frame.n_original \
            and data.index[np.asarray(frame.kept)].equals(frame.row_labels):
        return data.index
    return pd.RangeIndex(frame.n_original)


def pad(fit: "LmerFit", values: np.ndarray, na_action: str | None = None) -> np.ndarray:
    """R's ``naresid``/``napredict``: NaN at the rows an ``na.exclude`` fit dropped.

    ``na_action`` overrides the fit's own (``predict(na_action=)``); the result is a new
    array in every case, so a caller may keep it.
    """
    frame = fit.inputs.frame
    action = frame.na_action if na_action is None else na_action
    if action != "exclude" or len(frame.dropped) == 0:
        return np.array(values, dtype=float)
    full = np.full(frame.n + len(frame.dropped), np.nan)
    full[np.asarray(frame.kept)] = values
    return full


def labelled(fit: "LmerFit", values: np.ndarray, name: str, na_action: str | None = None) -> pd.Series:
    """``values`` (one per row the fit used) as a Series on the data's rows.

    Padded (NaN, labelled by the dropped rows' own labels) where R's ``na.exclude``
    pads; otherwise indexed by the labels of the rows used.
    """
    full = pad(fit, values, na_action)
    index = fit.inputs.frame.row_labels if full.size == fit.nobs else data_index(fit)
    return pd.Series(full, index=index, name=name)


def residual_values(fit: "LmerFit", type: str = "response", scaled: bool = False) -> np.ndarray:
    """lme4 ``residuals.merMod`` on the rows used, as an array (no padding, no labels).

    ``"response"``/``"working"``: ``y − μ``; ``"deviance"``/``"pearson"``: ``√w (y − μ)``
    (the same for an LMM); ``scaled`` divides by σ̂.  ``type`` is matched as R's
    ``match.arg`` matches it (``"pear"`` is ``"pearson"``).
    """
    kind = match_arg(type, RESIDUAL_TYPES, "type")
    if kind == "partial":
        raise DataError("partial residuals are not implemented yet")  # lme4's own text
    raw = fit.inputs.y - fit.solution.mu
    if kind in ("pearson", "deviance"):
        raw = raw * np.sqrt(fit.weights())
    if r_flag(scaled, "scaled"):
        with np.errstate(divide="ignore", invalid="ignore"):  # σ̂ = 0: NaN/Inf silently, as R
            raw = raw / fit.sigma
    return raw
