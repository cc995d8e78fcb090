"""``lmList``: one linear model per group (lme4: ``lmList``, class ``lmList4``).

``lmList("y ~ x | g", data)`` splits the rows by the grouping factor ``g`` and fits
``lm(y ~ x)`` to each group, as lme4's ``lmList`` does; with ``family=`` each group gets
R's ``glm`` instead (:mod:`pylme.inference.lmlist_glm`):

* the groups are the levels of ``factor(g)`` (a factor keeps its level order, other
  values are sorted as R's ``factor()`` sorts them), unused levels dropped; rows whose
  group is missing belong to no group;
* each group's fit is R's ``lm`` (or ``glm``) on that group's rows: its own model frame
  (missing values dropped, R's ``na.omit``; unused factor levels dropped), R's column
  names and contrasts (:func:`pylme.options` honoured), LINPACK's pivoted QR for the
  rank (an aliased coefficient is NaN, R's NA);
* a group whose fit fails (e.g. a factor with one level) has no fit (R's NULL), with
  lme4's warning; a ``glm``'s own warnings (``glm.fit: algorithm did not converge``...)
  are R's, as :class:`~pylme.errors.ConvergenceWarning`;
* ``pool`` defaults as in lme4: ``TRUE`` for ``lm`` and for families with a scale,
  ``FALSE`` for binomial and Poisson.

The per-group least squares are computed here; the result, its printing and the
interval plot live in :mod:`pylme.results.lmlist`.
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import linalg

from ..design.frame import model_frame
from ..design.model_matrix import model_matrix as design_matrix
from ..design.rank import qr_rank
from ..errors import (ArgumentError, ConvergenceWarning, DataCheckWarning, FormulaError, PylmeError,
                      PylmeWarning)
from ..formula import parse_formula
from ..formula.ast import BinOp, Call, Formula, Name, Num, Str
from ..formula.deparse import deparse, deparse_lines
from ..glmm.families import Family, family_from_arg, quasi, quasibinomial, quasipoisson
from ..results.lmlist import GroupFit, LmList
from .lmlist_glm import fit_glm

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


def _family_node(family: Any, fam: Any) -> Any:
    """The ``family =`` argument as an R call shows it: a string is R's bare name
    (``family = binomial``), so is a family with its default link; another link is
    ``Gamma(link = "log")``; a negative binomial ``negative.binomial(theta = 2)``."""
    if isinstance(family, str):
        return Name(family)
    if fam.theta is not None:
        args: tuple = (("theta", Num(float(fam.theta), text=f"{fam.theta:g}")),)
        if fam.link.name != "log":
            args += (("link", Str(fam.link.name)),)
        return Call("negative.binomial", (), args)
    if fam.family == "quasi":
        return Call("quasi", (), (("link", Str(fam.link.name)), ("variance", Str(fam.varfun))))
    if _DEFAULT_LINK.get(fam.family) == fam.link.name:
        return Name(fam.family)
    return Call(fam.family, (), (("link", Str(fam.link.name)),))


#: R's default link of each family constructor
_DEFAULT_LINK = {"binomial": "logit", "poisson": "log", "Gamma": "inverse", "inverse.gaussian": "1/mu^2",
                 "gaussian": "identity", "quasibinomial": "logit", "quasipoisson": "log"}


def _family(family: Any) -> Family:
    """``family=`` read as :func:`pylme.glmer` reads it; the quasi families, which R's
    ``glm`` fits (and glmer refuses), are accepted too."""
    if isinstance(family, str) and family in _QUASI:
        return _QUASI[family]()
    if isinstance(family, Family):
        return family
    if callable(family) and family in _QUASI.values():
        return family()
    return family_from_arg(family)


_QUASI = {"quasibinomial": quasibinomial, "quasipoisson": quasipoisson, "quasi": quasi}


def _call_text(formula: Formula, data_name: str | None, family: Any, fam: Any, pool: bool | None,
               weights: Any, offset: Any, control: Mapping[str, Any] | None) -> str:
    """R's ``deparse(mCall)`` lines joined by ``cat()``'s space (lme4's ``show()``)."""
    kwargs: list[tuple[str, Any]] = [("formula", BinOp("~", formula.lhs, formula.rhs)),
                                     ("data", Name(data_name or "data"))]
    if fam is not None:
        kwargs.append(("family", _family_node(family, fam)))
    if isinstance(weights, str):
        kwargs.append(("weights", Name(weights)))
    if isinstance(offset, str):
        kwargs.append(("offset", Name(offset)))
    if pool is not None:
        kwargs.append(("pool", Name("TRUE" if pool else "FALSE")))
    if control:
        kwargs.append(("control", Call("list", (), tuple((k, Num(float(v), text=repr(v)))
                                                            for k, v in control.items()))))
    return " ".join(deparse_lines(Call("lmList", (), tuple(kwargs))))


def _warn_glm(texts: tuple) -> None:
    """Emit one group's ``glm`` warnings as R does (they are not caught by lmList)."""
    for text in texts:
        category = DataCheckWarning if text.startswith("non-integer") else ConvergenceWarning
        warnings.warn(text, category, stacklevel=3)


def lmList(formula: str, data: pd.DataFrame, family: Any = None, pool: bool | None = None,
           contrasts: Mapping[str, Any] | None = None, warn: bool = True,
           data_name: str | None = None, *, weights: Any = None, offset: Any = None,
           control: Mapping[str, Any] | None = None) -> LmList:
    """Fit one linear (or generalized linear) model per group (lme4: ``lmList``).

    Parameters
    ----------
    formula : str
        ``"response ~ terms | group"``: the model each group gets, and the grouping
        expression (a variable, or ``a:b``).  With a binomial family the response may be
        ``cbind(successes, failures)``, 0/1, logical, a factor, or a proportion with
        ``weights`` = trials.
    data : pandas.DataFrame
    family : str, Family or callable, optional
        As :func:`pylme.glmer` takes it (``"binomial"``, ``"poisson"``, ``"Gamma"``,
        ``pylme.families.Gamma(link="log")``, ...): each group gets R's ``glm`` (IRLS as
        R's ``glm.fit``).  None (default): R's ``lm`` per group.
    pool : bool, optional
        Whether ``summary`` (and ``show()``) use the pooled residual standard deviation.
        lme4's default: ``TRUE`` for ``lm`` and for families with a scale (gaussian,
        Gamma, inverse.gaussian), ``FALSE`` for binomial and Poisson.
    contrasts : mapping, optional
        ``contrasts.arg`` of each group's ``lm``/``glm``.
    warn : bool
        lme4's warning when some groups could not be fitted.
    data_name : str, optional
        The name of ``data`` for the ``Call:`` and ``Data:`` lines.
    weights, offset : str or array-like, optional
        Prior weights and offset of each ``glm`` (a column name, or one value per row of
        ``data``); only with a ``family``.
    control : mapping, optional
        ``glm.control`` settings of each ``glm``: ``epsilon`` (1e-8), ``maxit`` (25).

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
        ``weights``/``offset``/``control`` without a ``family``; an unknown family.

    Warns
    -----
    ConvergenceWarning
        R's ``glm.fit`` warnings of a group (``glm.fit: algorithm did not converge``,
        ``glm.fit: fitted probabilities numerically 0 or 1 occurred``, ...).
    PylmeWarning
        lme4's warning for groups that could not be fitted.
    """
    if family is None and (weights is not None or offset is not None or control):
        raise ArgumentError("weights, offset and control are supported with a family (per-group glm) only")
    fam = None if family is None else _family(family)
    ctl = dict(control or {})
    unknown = set(ctl) - {"epsilon", "maxit"}
    if unknown:
        raise ArgumentError(f"unknown glm.control setting(s): {', '.join(sorted(unknown))}")
    model, group, text = _split_formula(formula)
    gframe = model_frame(Formula(lhs=None, rhs=group), data, na_action="omit")
    gfac = gframe.as_factor(group)
    codes = np.full(data.shape[0], -1)
    codes[gframe.kept] = gfac.codes
    fits: list[Any] = []
    failures: list[str] = []
    for k, _level in enumerate(gfac.levels):
        rows = np.flatnonzero(codes == k)
        try:
            if fam is None:
                fits.append(fit_lm(model, data.iloc[rows], contrasts))
            else:
                fit, texts = fit_glm(model, data.iloc[rows], fam, _rows(weights, rows),
                                     _rows(offset, rows), contrasts, **ctl)
                _warn_glm(texts)
                fits.append(fit)
        except PylmeError as exc:  # R: tryCatch(..., error = function(x) x), then NULL
            fits.append(None)
            failures.append(str(exc))
    if warn and failures:
        msg = failures[0]
        if "2 or more levels" in msg:
            # R: sub(".*:", ":\n ", msg) keeps the space that followed the colon
            warnings.warn(f"Fitting failed for {len(failures)} group(s), probably because a factor "
                          f"only had one level:\n  {msg}", PylmeWarning, stacklevel=2)
        else:
            warnings.warn(msg, PylmeWarning, stacklevel=2)
    has_scale = fam is None or fam.family in _SCALE_FAMILIES
    return LmList(fits=tuple(fits), groups=tuple(str(g) for g in gfac.levels), formula_text=text,
                  model_text=deparse(model), data_name=data_name,
                  pool=has_scale if pool is None else bool(pool), pool_given=pool is not None,
                  family=fam, call_text_override=_call_text(parse_formula(formula) if isinstance(formula, str)
                                                            else formula, data_name, family, fam, pool,
                                                            weights, offset, ctl))


#: lme4's ``.hasScale()``: families whose lmList pools σ by default
_SCALE_FAMILIES = ("gaussian", "Gamma", "inverse.gaussian")


def _rows(value: Any, rows: np.ndarray) -> Any:
    """A per-row ``weights``/``offset`` vector cut to one group's rows (names pass through)."""
    if value is None or isinstance(value, str):
        return value
    return np.asarray(value)[rows]
