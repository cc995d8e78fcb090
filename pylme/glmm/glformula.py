"""Formula + data + family → everything glmer needs (lme4: ``glFormula`` and ``mkRespMod``).

The model frame, X and the random-effects structure are built exactly as for lmer
(:func:`pylme.design.lformula.model_parts`), with lme4's ``allow.n = TRUE`` level
checks; then the response is read as lme4 reads a GLMM response (numeric, logical,
factor, or a two-column ``cbind(successes, failures)``) and handed to the family's
``initialize`` (glmer_spec.md §1.2–1.4).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..control import apply_action
from ..design.columns import Factor, Logical
from ..design.lformula import LmmInputs, model_parts
from ..errors import DataCheckWarning, DataError, FormulaError, ModelSpecError
from ..formula import deparse, deparse_lines, parse_formula
from ..formula.ast import Name

__all__ = ["GlmmInputs", "gl_formula"]


@dataclass(frozen=True, eq=False)
class GlmmInputs(LmmInputs):
    """The parsed GLMM and its data (lme4: ``glFormula`` plus the response module's inputs).

    Extends :class:`~pylme.design.lformula.LmmInputs` (``y`` is the response as the
    family's ``initialize`` leaves it, ``weights`` the prior weights after it, e.g.
    trials × prior weights for a ``cbind`` response) with:

    Attributes
    ----------
    family : Family
    n_trials : ndarray
        Binomial trials (R's ``n``; ones for other families).
    mustart : ndarray
        The family's starting means (η starts at ``linkfun(mustart)``).
    base_offset : ndarray
        The model offset (zeros when absent; lme4 ``baseOffset``).
    response_kind : str
        ``"numeric"``, ``"logical"``, ``"factor"`` or ``"cbind"``.
    response_names : tuple of str
        ``cbind`` column names (R: ``incidence`` and ``""``), else the response's name.
    response_levels : tuple of str
        Levels of a factor response (first = failure), else ``()``.
    prior_weights_given : bool
        Whether a ``weights`` argument was given.
    """

    family: Any = None
    n_trials: np.ndarray | None = None
    mustart: np.ndarray | None = None
    base_offset: np.ndarray | None = None
    response_kind: str = "numeric"
    response_names: tuple[str, ...] = ()
    response_levels: tuple[str, ...] = ()
    prior_weights_given: bool = False
    #: the formula as written (glmer keeps ``||`` unexpanded in its call; lmer expands it)
    written_formula: Any = None

    @property
    def formula_text(self) -> str:
        """The formula as lme4's glmer stores it (``||`` as written), on one line."""
        return deparse(self.written_formula if self.written_formula is not None else self.formula)

    @property
    def formula_lines(self) -> tuple[str, ...]:
        """The formula as glmer's ``print``/``summary`` show it (``deparse()``'s lines)."""
        return deparse_lines(self.written_formula if self.written_formula is not None else self.formula)


def gl_formula(
    formula: str,
    data: pd.DataFrame,
    family,
    *,
    weights: Any = None,
    offset: Any = None,
    na_action: str = "omit",
    contrasts: Mapping[str, Any] | None = None,
    control,
) -> GlmmInputs:
    """Parse ``formula`` for a GLMM and initialize its response (lme4 ``glFormula``, ``mkRespMod``).

    Parameters
    ----------
    formula : str
    data : pandas.DataFrame
    family : Family
    weights, offset : optional
        Column names or arrays, as for :func:`pylme.lmer`.
    na_action : str
    contrasts : mapping, optional
    control : GlmerControl

    Returns
    -------
    GlmmInputs

    Raises
    ------
    FormulaError, DataError, ModelSpecError
        With lme4's texts (``No random effects terms specified in formula``,
        ``response must be numeric or factor``, ``NA/NaN/Inf in 'y'``, ``Response is
        constant``, the family's own errors).
    """
    parts = model_parts(formula, data, weights=weights, offset=offset, na_action=na_action,
                        contrasts=contrasts, control=control, allow_n=True)
    frame = parts.frame
    if not parts.re_terms.terms:
        raise FormulaError("No random effects terms specified in formula")
    y_raw, kind, names, levels = _raw_response(parts, data, family)
    n = frame.n
    prior = _prior_weights(frame.weights, n)
    base_offset = _offset(frame.offset, n)
    start = family.initialize(y_raw, prior)
    for text in start.warnings:
        warnings.warn(text, DataCheckWarning, stacklevel=4)
    y = np.asarray(start.y, dtype=float)
    # R's dpois warns for every non-integer count at every evaluation (thousands of times)
    # and the deviance is then +Inf: pylme says each distinct warning once, up front
    for text in dict.fromkeys(family.aic_warnings(y)):
        warnings.warn(text, DataCheckWarning, stacklevel=4)
    if np.unique(y).size < 2:
        apply_action(control.check_response_not_const, "Response is constant")
    return GlmmInputs(
        formula=parts.formula, frame=frame, X_full=parts.X_full, rank_drop=parts.rank_drop, X=parts.X,
        re_terms=parts.re_terms, y=y, weights=np.asarray(start.weights, dtype=float),
        offset=frame.offset if frame.offset is None else base_offset, REML=False,
        fit_messages=parts.messages, family=family, n_trials=np.asarray(start.n, dtype=float),
        mustart=np.asarray(start.mustart, dtype=float), base_offset=base_offset, response_kind=kind,
        response_names=names, response_levels=levels, prior_weights_given=frame.weights is not None,
        written_formula=parse_formula(formula),
    )


def _raw_response(parts, data: pd.DataFrame, family):
    """The evaluated left-hand side in the form ``family.initialize`` takes, and its kind."""
    column = parts.frame.response
    if column is None:
        raise FormulaError("the model has no response: write the formula as 'y ~ ...'")
    lhs = parts.formula.lhs
    binomial = family.family == "binomial"
    if isinstance(column, Factor):
        # R 4 keeps character columns as character: glmer refuses them even for binomial
        if isinstance(lhs, Name) and lhs.id in data.columns and _is_text(data[lhs.id]):
            raise DataError("response must be numeric or factor" if binomial else "response must be numeric")
        if not binomial:
            raise DataError("response must be numeric")
        cat = pd.Categorical.from_codes(column.codes, categories=list(column.levels))
        return cat, "factor", (_name(lhs),), tuple(column.levels)
    if isinstance(column, Logical):
        return np.asarray(column.values, dtype=float), "logical", (_name(lhs),), ()
    values = np.asarray(column.values, dtype=float)
    if not np.all(np.isfinite(values)):
        raise DataError("NA/NaN/Inf in 'y'")
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim == 2:
        if not binomial or values.shape[1] != 2:
            # lme4 fails deep inside for a matrix response of a non-binomial family
            raise ModelSpecError("updateXwts: dimension mismatch" if values.shape[1] == 2 else
                                 "for the 'binomial' family, y must be a vector of 0 and 1's\n"
                                 "or a 2 column matrix where col 1 is no. successes and col 2 is no. failures")
        return values, "cbind", tuple(column.colnames or ("", "")), ()
    return values, "numeric", (_name(lhs),), ()


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)


def _name(lhs) -> str:
    return deparse(lhs)


def _prior_weights(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if not np.all(np.isfinite(w)):
        raise DataError("weights must be finite")
    if np.any(w < 0):
        raise DataError("all(weights >= 0) is not TRUE")
    return w


def _offset(offset, n: int) -> np.ndarray:
    if offset is None:
        return np.zeros(n)
    o = np.asarray(offset, dtype=float)
    if not np.all(np.isfinite(o)):
        raise DataError("offset must be finite")
    return o
