"""``pylme.model_matrix``: R's ``model.matrix(formula, data, contrasts.arg)`` as a DataFrame.

A thin public face of :func:`pylme.design.model_matrix.model_matrix` (the machinery
``lmer``/``glmer`` use for X): the model frame is built first (R's ``model.frame``:
rows with a missing value in any variable of the formula, response included, are
dropped; unused factor levels are kept), then the columns are coded with R's names, order and contrasts, the
defaults coming from :func:`pylme.options` (R's ``getOption("contrasts")``).
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..errors import FormulaError
from ..formula import parse_formula
from ..formula.bars import find_bars
from .frame import model_frame
from .model_matrix import model_matrix as _design_matrix

__all__ = ["model_matrix"]


def model_matrix(formula: str, data: pd.DataFrame, contrasts: Mapping[str, Any] | None = None,
                 na_action: str = "omit") -> pd.DataFrame:
    """The design matrix of a fixed-effects formula (R: ``model.matrix``).

    Parameters
    ----------
    formula : str
        A model formula, one- or two-sided (``"y ~ a * b"``, ``"~ poly(x, 2)"``); the
        response is never coded.  Random-effects terms (``(1 | g)``) are refused: use
        the formula's fixed part (lme4's ``nobars``).
    data : pandas.DataFrame
        Character and Categorical columns are factors (R's ``factor()`` levels:
        sorted strings, or the Categorical's categories); ordered Categoricals are
        ordered factors; booleans are logicals.
    contrasts : mapping, optional
        R's ``contrasts.arg``: variable -> contrast name (``"contr.sum"``, ...), matrix,
        or function; factors not named use ``pylme.options()["contrasts"]``.
    na_action : {"omit", "fail"}
        R's ``na.action``: drop rows with missing values (the default), or fail.

    Returns
    -------
    pandas.DataFrame
        One column per R column (R's ``colnames``), indexed by the kept rows of ``data``
        (R's row names).  ``.attrs["assign"]`` is R's ``attr(, "assign")`` (list of
        int), ``.attrs["contrasts"]`` R's ``attr(, "contrasts")`` (dict; absent when the
        formula has no factor, as in R).

    Raises
    ------
    FormulaError, UnknownVariableError, DataError, ArgumentError
        As :func:`pylme.lmer` for the same formula, data and contrasts.
    """
    parsed = parse_formula(formula) if isinstance(formula, str) else formula
    if find_bars(parsed.rhs):
        raise FormulaError("model_matrix() codes fixed-effects formulas; the formula has "
                           "random-effects terms (use its fixed part, lme4's nobars())")
    # R's model.frame keeps unused factor levels (drop.unused.levels = FALSE): model.matrix
    # gives them all-zero columns, where lme4's frame drops them
    frame = model_frame(parsed, data, na_action=na_action, drop_unused_levels=False)
    dm = _design_matrix(frame.terms, frame, contrasts)
    out = pd.DataFrame(dm.values, index=frame.row_labels, columns=list(dm.columns))
    out.attrs["assign"] = [int(a) for a in dm.assign]
    if dm.contrasts:
        out.attrs["contrasts"] = dict(dm.contrasts)
    return out
