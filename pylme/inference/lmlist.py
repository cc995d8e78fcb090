"""``lmList``: one linear model per group (lme4: ``lmList``, class ``lmList4``).

``lmList("y ~ x | g", data)`` splits the rows by the grouping factor ``g`` and fits
``lm(y ~ x)`` to each group, as lme4's ``lmList`` does:

* the groups are the levels of ``factor(g)`` (a factor keeps its level order, other
  values are sorted as R's ``factor()`` sorts them), unused levels dropped; rows whose
  group is missing belong to no group;
* each group's fit is R's ``lm`` on that group's rows: its own model frame (missing
  values dropped, R's ``na.omit``; unused factor levels dropped), R's column names and
  contrasts (:func:`pylme.options` honoured), LINPACK's pivoted QR for the rank (an
  aliased coefficient is NaN, R's NA);
* a group whose fit fails (e.g. a factor with one level) has no fit (R's NULL), with
  lme4's warning.

The per-group least squares are computed here; the result, its printing and the
interval plot live in :mod:`pylme.results.lmlist`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import linalg

from ..design.frame import model_frame
from ..design.model_matrix import model_matrix as design_matrix
from ..design.rank import qr_rank
from ..errors import FormulaError, PylmeError, PylmeWarning
from ..formula import parse_formula
from ..formula.ast import BinOp, Formula
from ..formula.deparse import deparse
from ..results.lmlist import GroupFit, LmList

__all__ = ["lmList", "fit_lm"]

_QR_TOL = 1e-7  # lm.fit's tol


def fit_lm(formula: Formula, data: pd.DataFrame, contrasts: Mapping[str, Any] | None = None) -> GroupFit:
    """R's ``lm(formula, data)`` (unweighted): coefficients, residuals and the unscaled
    covariance of the estimable coefficients.

    Raises
    ------
    PylmeError
        The model frame or design cannot be built (R's ``lm`` errors).
    """
    frame = model_frame(formula, data, na_action="omit")
    dm = design_matrix(frame.terms, frame, contrasts)
    X = np.asarray(dm.values, dtype=float)
    y = np.asarray(frame.response.values, dtype=float)
    n, p = X.shape
    names = tuple(dm.columns)
    coef = np.full(p, np.nan)
    if p == 0:
        return GroupFit(names, coef, y.copy(), np.zeros(n), 0, np.zeros((0, 0)), ())
    qr = qr_rank(X, _QR_TOL)
    kept = np.sort(qr.pivot[:qr.rank])  # R reports the estimable ones in column order
    X1 = X[:, kept]
    q, r = np.linalg.qr(X1)
    b = linalg.solve_triangular(r, q.T @ y)
    coef[kept] = b
    fitted = X1 @ b
    rinv = linalg.solve_triangular(r, np.eye(r.shape[0]))
    cov = rinv @ rinv.T
    return GroupFit(names, coef, y - fitted, fitted, int(qr.rank), cov, tuple(names[i] for i in kept))


def _split_formula(formula: str) -> tuple[Formula, Any, str]:
    """``y ~ x | g`` -> (``y ~ x``, the grouping expression, the formula's text)."""
    parsed = parse_formula(formula) if isinstance(formula, str) else formula
    rhs = parsed.rhs
    if not (isinstance(rhs, BinOp) and rhs.op == "|") or parsed.lhs is None:
        raise FormulaError(f"lmList needs a formula 'response ~ terms | group', got '{deparse(parsed)}'")
    return Formula(lhs=parsed.lhs, rhs=rhs.left), rhs.right, deparse(parsed)


def lmList(formula: str, data: pd.DataFrame, family: Any = None, pool: bool | None = None,
           contrasts: Mapping[str, Any] | None = None, warn: bool = True,
           data_name: str | None = None) -> LmList:
    """Fit one linear model per group (lme4: ``lmList``).

    Parameters
    ----------
    formula : str
        ``"response ~ terms | group"``: the model each group gets, and the grouping
        expression (a variable, or ``a:b``).
    data : pandas.DataFrame
    family : None
        lme4 fits ``glm`` per group when a family is given; pylme fits ``lm`` only and
        refuses a family (use statsmodels' GLM per group).
    pool : bool, optional
        Whether ``confint`` and ``summary`` use the pooled residual standard deviation
        (lme4's default ``TRUE`` for ``lm`` fits).
    contrasts : mapping, optional
        ``contrasts.arg`` of each group's ``lm``.
    warn : bool
        lme4's warning when some groups could not be fitted.
    data_name : str, optional
        The name of ``data`` for the ``Call:`` and ``Data:`` lines.

    Returns
    -------
    LmList
        ``coef()``, ``confint()``, ``summary()``, ``pooled_sd()``, ``plot()``;
        ``str()`` is lme4's ``show()``.

    Raises
    ------
    FormulaError
        No ``| group`` part.
    ArgumentError
        A ``family`` (not supported).
    """
    from ..errors import ArgumentError

    if family is not None:
        raise ArgumentError("lmList with a family (per-group glm) is not supported by pylme; "
                            "fit statsmodels' GLM per group")
    model, group, text = _split_formula(formula)
    gframe = model_frame(Formula(lhs=None, rhs=group), data, na_action="omit")
    gfac = gframe.as_factor(group)
    codes = np.full(data.shape[0], -1)
    codes[gframe.kept] = gfac.codes
    fits: list[GroupFit | None] = []
    failures: list[str] = []
    for k, _level in enumerate(gfac.levels):
        rows = np.flatnonzero(codes == k)
        try:
            fits.append(fit_lm(model, data.iloc[rows], contrasts))
        except PylmeError as exc:  # R: tryCatch(..., error = function(x) x), then NULL
            fits.append(None)
            failures.append(str(exc))
    if warn and failures:
        msg = failures[0]
        if "2 or more levels" in msg:
            warnings.warn(f"Fitting failed for {len(failures)} group(s), probably because a factor "
                          f"only had one level:\n {msg}", PylmeWarning, stacklevel=2)
        else:
            warnings.warn(msg, PylmeWarning, stacklevel=2)
    return LmList(fits=tuple(fits), groups=tuple(str(g) for g in gfac.levels), formula_text=text,
                  model_text=deparse(model), data_name=data_name, pool=True if pool is None else bool(pool),
                  pool_given=pool is not None)
