"""One group's ``glm`` for :func:`pylme.lmList` with a ``family`` (lme4: ``lmList(..., family =)``).

lme4's ``lmList`` calls R's ``glm(formula, data = <group's rows>, family = ...,
weights = , offset = )`` for each group when a family is given.  :func:`fit_glm` is that
``glm`` call: the group's own model frame (R's ``na.omit``; unused factor levels
dropped), R's column names and contrasts, the response as ``glm`` reads it (numeric,
logical, factor, ``cbind(successes, failures)``; a proportion with ``weights`` =
trials), then R's ``glm.fit`` (:mod:`pylme.inference.glm_fit`).  :class:`GlmGroupFit`
holds the fit with what lme4's methods read from it: ``coef``, deviance residuals
(``resid()``, which ``pooledSD`` squares), ``summary.glm``'s coefficient table and
``cov.unscaled``, and MASS's profile ``confint`` (:mod:`pylme.inference.glm_profile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..design.columns import Factor, Logical
from ..design.frame import model_frame
from ..design.model_matrix import model_matrix as design_matrix
from ..errors import DataError
from ..formula.ast import Formula
from ..results.lmlist import MemberFit
from ..rstats import r_sum
from .glm_fit import glm_fit, r_dev_resids

__all__ = ["GlmGroupFit", "fit_glm"]


@dataclass(frozen=True, eq=False)
class GlmGroupFit(MemberFit):
    """One group's generalized linear model (R: a ``glm`` object of the ``lmList4``).

    Attributes
    ----------
    names, coef, resid, fitted, rank, cov_unscaled, estimable
        As :class:`pylme.results.lmlist.MemberFit` (``resid``: deviance residuals,
        ``fitted``: μ).
    deviance, dispersion : float
        The residual deviance and ``summary(fit)$dispersion`` (1 for binomial and
        Poisson; the Pearson estimate otherwise).
    df_residual, iter : int
    converged : bool
    family : Family
    X, y_raw, prior_weights, offset
        The group's model matrix, response as ``glm`` received it, prior weights and
        offset (MASS ``profile.glm`` refits from them).
    """

    deviance: float
    dispersion: float
    df_residual: int
    iter: int
    converged: bool
    family: Any
    X: np.ndarray = field(repr=False)
    y_raw: Any = field(repr=False)
    prior_weights: np.ndarray | None = field(repr=False)
    offset: np.ndarray = field(repr=False)
    intercept: bool = True
    epsilon: float = 1e-8
    maxit: int = 25

    @property
    def est_disp(self) -> bool:
        """Whether ``summary.glm`` estimates the dispersion (t tests) or fixes it at 1 (z)."""
        return self.family.family not in ("binomial", "poisson")

    @property
    def sigma(self) -> float:
        """``sqrt(dispersion)``; lme4's summary of a glm list has no σ (see LmList.summary)."""
        return float(np.sqrt(self.dispersion))

    @property
    def stat_columns(self) -> tuple:
        """``summary.glm``'s column names."""
        if self.est_disp:
            return ("Estimate", "Std. Error", "t value", "Pr(>|t|)")
        return ("Estimate", "Std. Error", "z value", "Pr(>|z|)")

    def std_errors(self, sigma: float | None = None) -> pd.Series:
        """Standard errors (NaN when aliased): ``sqrt(dispersion · diag(cov.unscaled))``,
        or ``sigma · sqrt(diag(cov.unscaled))`` when ``sigma`` is given."""
        scale = np.sqrt(self.dispersion) if sigma is None else sigma
        se = pd.Series(np.nan, index=list(self.names), dtype=float)
        if self.estimable:
            se[list(self.estimable)] = scale * np.sqrt(np.diag(self.cov_unscaled))
        return se

    def coef_table(self) -> pd.DataFrame:
        """R ``summary(fit)$coefficients`` (``summary.glm``): estimable coefficients only."""
        rows = list(self.estimable)
        est = self.coef_series()[rows]
        if self.est_disp and self.df_residual <= 0:
            se = pd.Series(np.nan, index=rows)
            stat = pv = se
        else:
            se = self.std_errors()[rows]
            stat = est / se
            pv = (2 * stats.t.sf(np.abs(stat), self.df_residual) if self.est_disp
                  else 2 * stats.norm.cdf(-np.abs(stat)))
        cols = self.stat_columns
        return pd.DataFrame({cols[0]: est, cols[1]: se, cols[2]: stat, cols[3]: pv})

    def confint(self, parm: Sequence[str] | None = None, level: float = 0.95) -> tuple[np.ndarray, tuple, tuple]:
        """R 4.2's ``confint(fit)`` (MASS's profile-likelihood intervals): (intervals,
        labels, coefficients whose profile is not reproducible); see
        :func:`pylme.inference.glm_profile.profile_confint`."""
        from .glm_profile import profile_confint

        return profile_confint(self, parm, level)


def _response(column, family) -> Any:
    """The model frame's response as ``glm`` hands it to the family's ``initialize``."""
    if isinstance(column, Factor):
        return pd.Categorical.from_codes(column.codes, categories=list(column.levels))
    if isinstance(column, Logical):
        return np.asarray(column.values, dtype=bool)
    values = np.asarray(column.values, dtype=float)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    return values


def fit_glm(formula: Formula, data: pd.DataFrame, family, weights: Any = None, offset: Any = None,
            contrasts: Mapping[str, Any] | None = None, epsilon: float = 1e-8, maxit: int = 25
            ) -> tuple[GlmGroupFit, tuple]:
    """R's ``glm(formula, data, family, weights, offset)`` on one group's rows.

    Returns
    -------
    (GlmGroupFit, warnings)
        The fit and R's warnings of ``glm.fit`` (verbatim, not yet emitted).

    Raises
    ------
    PylmeError
        The model frame or design cannot be built, the family rejects the response or
        ``glm.fit`` stops (R's ``glm`` errors).
    """
    frame = model_frame(formula, data, weights=weights, offset=offset, na_action="omit")
    dm = design_matrix(frame.terms, frame, contrasts)
    X = np.asarray(dm.values, dtype=float)
    if frame.response is None:
        raise DataError("the model has no response: write the formula as 'y ~ ...'")
    y_raw = _response(frame.response, family)
    prior = None if frame.weights is None else np.asarray(frame.weights, dtype=float)
    if prior is not None and np.any(prior < 0):
        raise DataError("negative weights not allowed")
    off = np.zeros(X.shape[0]) if frame.offset is None else np.asarray(frame.offset, dtype=float)
    intercept = bool(frame.terms.intercept)
    fit = glm_fit(X, y_raw, family, prior, off, epsilon=epsilon, maxit=maxit, intercept=intercept)
    names = tuple(dm.columns)
    kept = fit.pivot[:fit.rank]
    estimable = tuple(names[i] for i in kept)
    with np.errstate(all="ignore"):
        dres = np.sign(fit.y - fit.fitted) * np.sqrt(
            np.maximum(r_dev_resids(family, fit.y, fit.fitted, fit.prior_weights), 0))
    if family.family in ("binomial", "poisson"):
        dispersion = 1.0
    elif fit.df_residual > 0:
        used = fit.weights > 0
        dispersion = float(r_sum((fit.weights * fit.residuals**2)[used])) / fit.df_residual
    else:
        dispersion = float("nan")
    return GlmGroupFit(
        names=names, coef=fit.coefficients, resid=dres, fitted=fit.fitted, rank=fit.rank,
        cov_unscaled=fit.cov_unscaled, estimable=estimable, deviance=fit.deviance, dispersion=dispersion,
        df_residual=fit.df_residual, iter=fit.iter, converged=fit.converged, family=family, X=X,
        y_raw=y_raw, prior_weights=prior, offset=off, intercept=intercept, epsilon=epsilon, maxit=maxit,
    ), fit.warnings

