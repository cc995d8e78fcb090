"""Formula + data → everything the deviance needs (lme4: ``lFormula`` and ``mkRespMod``).

The steps, and the order of their checks, follow lme4 1.1-31: parse and check the
formula, expand ``||``, build the model frame of every variable, build the
random-effects structure and check it (levels, dimensions, rank of Z), build X from
the bar-free formula, drop rank-deficient columns, check the scale of X, and finally
check the response, weights and offset.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..blas_threads import single_blas_thread
from ..control import LmerControl
from ..errors import DataError, FormulaError
from ..formula import bars, deparse, deparse_lines, parse_formula
from ..formula.ast import Formula
from .checks import check_nlevels, check_scale_x, check_z_dims, check_z_rank
from .frame import Factor, Logical, ModelFrame, model_frame
from .model_matrix import DesignMatrix, model_matrix
from .random import ReTerms, make_re_terms
from .rank import RankDrop, drop_rank_deficient

__all__ = ["LmmInputs", "ModelParts", "l_formula", "model_parts"]

_LHS_MESSAGE = "!checkLHS || length(as.formula(formula, env = denv)) == 3 is not TRUE"


@dataclass(frozen=True, eq=False)
class LmmInputs:
    """The parsed model and its data (lme4: the value of ``lFormula``), immutable.

    Attributes
    ----------
    formula : Formula
        The formula with ``||`` expanded (what lme4 stores and prints).
    frame : ModelFrame
        Every variable after NA handling.
    X_full : DesignMatrix
        ``model.matrix`` of the fixed part, before rank-deficient columns are dropped.
    rank_drop : RankDrop
        Which columns of ``X_full`` were kept.
    X : ndarray, shape (n, p)
        The fixed-effects matrix used in the fit (kept columns, possibly rescaled).
    re_terms : ReTerms
        The random-effects structure in lme4's order.
    y, weights, offset : ndarray
        Response, prior weights (ones when absent) and offset (zeros when absent).
    fit_messages : tuple of str
        lme4's ``fit warnings`` (rank-deficiency and scale messages) shown by ``summary``.
    """

    formula: Formula
    frame: ModelFrame
    X_full: DesignMatrix
    rank_drop: RankDrop
    X: np.ndarray
    re_terms: ReTerms
    y: np.ndarray
    weights: np.ndarray | None
    offset: np.ndarray | None
    REML: bool
    fit_messages: tuple[str, ...] = field(default=())
    y_is_integer: bool = False  # R integer response (its mean() has no correction pass)

    @property
    def X_columns(self) -> tuple[str, ...]:
        return tuple(self.X_full.columns[j] for j in self.rank_drop.keep)

    @property
    def X_assign(self) -> tuple[int, ...]:
        return tuple(self.X_full.assign[j] for j in self.rank_drop.keep)

    @property
    def formula_text(self) -> str:
        """The formula as lme4 stores it (``||`` expanded, R deparse spacing), on one line."""
        return deparse(self.formula)

    @property
    def formula_lines(self) -> tuple[str, ...]:
        """The formula as lme4's ``print``/``summary`` show it: ``deparse()``'s lines of at
        most ``width.cutoff = 60`` (lme4 ``.prt.call``: ``cat("Formula:", deparse(formula),
        fill = TRUE)``), e.g. ``("y ~ x1 + ... + x11 + ", "    x12 + (1 | g)")``."""
        return deparse_lines(self.formula)

    @property
    def n(self) -> int:
        return self.frame.n

    @property
    def p(self) -> int:
        return self.X.shape[1]


@dataclass(frozen=True, eq=False)
class ModelParts:
    """What lmer and glmer build alike (lme4: the shared part of ``lFormula``/``glFormula``)."""

    formula: Formula
    frame: ModelFrame
    re_terms: ReTerms
    X_full: DesignMatrix
    rank_drop: RankDrop
    X: np.ndarray
    messages: tuple[str, ...]


def model_parts(
    formula: str,
    data: pd.DataFrame,
    *,
    weights: Any = None,
    offset: Any = None,
    na_action: str = "omit",
    contrasts: Mapping[str, Any] | None = None,
    control: Any = None,
    allow_n: bool = False,
) -> ModelParts:
    """Formula, model frame, random-effects structure and X, with lme4's checks in order.

    ``control`` is an ``LmerControl`` or a ``GlmerControl`` (the same ``check_*`` fields);
    ``allow_n`` is lme4's ``allow.n`` (TRUE for glmer: as many levels as observations).
    """
    control = control or LmerControl()
    # One BLAS thread, as the fit: the rank QR (dqrdc2's n-long dot products) and the
    # checks decide on sums whose rounding must not depend on the thread count, and on a
    # busy machine a second thread per short BLAS call costs more than it gains (InstEval:
    # the QR of X took 0.5-0.9 s with two threads, 33 ms with one).
    with single_blas_thread():
        return _model_parts(formula, data, weights, offset, na_action, contrasts, control, allow_n)


def _model_parts(formula, data, weights, offset, na_action, contrasts, control, allow_n) -> ModelParts:
    parsed = _parse(formula, control)
    _, frame_formula, bar_list, fixed_formula = _formula_pieces(formula)
    frame = model_frame(frame_formula, data, weights=weights, offset=offset, na_action=na_action)
    re_terms = make_re_terms(list(bar_list), frame)
    check_nlevels(re_terms, frame.n, control, allow_n=allow_n)
    check_z_dims(re_terms, frame.n, control, allow_n=allow_n)
    check_z_rank(re_terms, frame.n, control, allow_n=allow_n)
    X_full = model_matrix(fixed_formula, frame, contrasts=contrasts)
    _check_finite_X(X_full)
    rank_drop = drop_rank_deficient(X_full.values, X_full.columns, control.check_rankX)
    X, scale_message = check_scale_x(X_full.values[:, rank_drop.keep], control)
    # lme4's .merMod.msgs: the msgRankdrop and msgScaleX attributes of X, shown by summary()
    messages = tuple(m for m in (rank_drop.message, scale_message) if m)
    return ModelParts(parsed, frame, re_terms, X_full, rank_drop, X, messages)


def l_formula(
    formula: str,
    data: pd.DataFrame,
    *,
    REML: bool = True,
    weights: Any = None,
    offset: Any = None,
    na_action: str = "omit",
    contrasts: Mapping[str, Any] | None = None,
    control: LmerControl | None = None,
) -> LmmInputs:
    """Parse ``formula`` against ``data`` and run lme4's input checks (lme4 ``lFormula``)."""
    parts = model_parts(formula, data, weights=weights, offset=offset, na_action=na_action,
                        contrasts=contrasts, control=control)
    frame = parts.frame
    y = _response(frame)
    weights_, offset_ = _weights(frame), _offset(frame)
    integer = bool(getattr(frame.response, "is_integer", False))
    return LmmInputs(parts.formula, frame, parts.X_full, parts.rank_drop, parts.X, parts.re_terms, y,
                     weights_, offset_, REML, parts.messages, integer)


def _parse(formula: str, control: Any) -> Formula:
    if not isinstance(formula, str):
        raise FormulaError(f"formula must be a string such as 'y ~ x + (1 | g)', got {type(formula).__name__}")
    parsed = _formula_pieces(formula)[0]
    if parsed.lhs is None and control.check_formula_LHS == "stop":
        raise FormulaError(f"{_LHS_MESSAGE}\n(the formula has no response: write it as 'y ~ ...')")
    return parsed


@functools.lru_cache(maxsize=256)
def _formula_pieces(formula: str) -> tuple[Formula, Formula, tuple, Formula]:
    """The formula parsed (``||`` expanded) and what lme4 derives from it alone: the model
    frame's formula (``subbars``), the bars (``findbars``) and the fixed part (``nobars``).

    A pure function of the text on immutable trees, kept for the text's next fit (a
    bootstrap or a loop over data sets fits one formula many times); a formula that
    fails to parse raises every time (exceptions are not cached).
    """
    parsed = bars.expand_double_verts_formula(parse_formula(formula))
    return parsed, bars.sub_bars(parsed), tuple(bars.find_bars(parsed.rhs)), bars.no_bars(parsed)


def _check_finite_X(X: DesignMatrix) -> None:
    bad = ~np.all(np.isfinite(X.values), axis=0)
    if np.any(bad):
        names = ", ".join(f"'{c}'" for c, b in zip(X.columns, bad) if b)
        raise DataError(f"infinite or NaN values in the fixed-effects model matrix, column(s) {names}")


def _response(frame: ModelFrame) -> np.ndarray:
    """lme4 ``mkRespMod``: a numeric (or logical) response with finite values."""
    column = frame.response
    if column is None:
        raise FormulaError("the model has no response: write the formula as 'y ~ ...'")
    if isinstance(column, Factor):
        raise DataError("response must be numeric")
    values = column.values
    if isinstance(column, Logical):
        values = values.astype(float)
    values = np.asarray(values, dtype=float)
    if values.ndim > 1 and values.shape[1] > 1:
        raise DataError("can't handle matrix-valued responses: consider using refit()")
    values = values.reshape(-1)
    if not np.all(np.isfinite(values)):
        raise DataError("NA/NaN/Inf in 'y'")
    return values


def _weights(frame: ModelFrame) -> np.ndarray | None:
    w = frame.weights
    if w is None:
        return None
    w = np.asarray(w, dtype=float)
    if not np.all(np.isfinite(w)):
        raise DataError("weights must be finite")
    if np.any(w < 0):
        raise DataError("all(weights >= 0) is not TRUE")
    if np.any(w == 0):
        # lme4 accepts zero weights but its criterion is then +Inf (sum(log w) = -Inf):
        # a silently meaningless fit, so pylme refuses (a documented deviation).
        raise DataError(
            f"{int(np.sum(w == 0))} zero weight(s): lme4's criterion is infinite with zero weights; "
            "remove those rows or give them positive weights"
        )
    return w


def _offset(frame: ModelFrame) -> np.ndarray | None:
    o = frame.offset
    if o is None:
        return None
    o = np.asarray(o, dtype=float)
    if not np.all(np.isfinite(o)):
        raise DataError("offset must be finite")
    return o
