"""The fitted linear mixed model (lme4: the ``lmerMod`` object made by ``mkMerMod``).

:class:`LmerFit` is immutable: every quantity is computed from the stored inputs, the
optimizer's result and the penalized least-squares solution at θ̂.  Method names mirror
lme4's on purpose, so an R script translates line by line.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..control import LmerControl
from ..convergence import ConvResult, is_singular
from ..deviance import DevianceProblem, PlsSolution
from ..design.lformula import LmmInputs
from ..errors import DeprecatedUsageWarning
from ..optimize import OptResult
from . import effects, getme, text, vectors
from .inference_methods import InferenceMethods
from .varcorr import VarCorr

__all__ = ["LmerFit", "LogLik"]

_LOG_2PI = np.log(2 * np.pi)


class LogLik(float):
    """A log-likelihood with its degrees of freedom (lme4: class ``logLik``)."""

    df: int
    nobs: int
    reml: bool

    def __new__(cls, value: float, df: int, nobs: int, reml: bool) -> "LogLik":
        obj = super().__new__(cls, value)
        obj.df, obj.nobs, obj.reml = df, nobs, reml
        return obj

    def __repr__(self) -> str:
        return f"'log Lik.' {float(self):.7g} (df={self.df})"

    def __reduce__(self):
        # float's default reduction would call __new__ with the value alone
        return (LogLik, (float(self), self.df, self.nobs, self.reml))


@dataclass(frozen=True, eq=False)
class LmerFit(InferenceMethods):
    """A fitted linear mixed model (lme4: ``lmerMod``).

    Build it with :func:`pylme.lmer`.  Attributes ``theta``, ``beta`` and ``sigma`` are
    the estimates; methods reproduce lme4's accessors.
    """

    inputs: LmmInputs
    problem: DevianceProblem
    opt: OptResult
    conv: ConvResult
    solution: PlsSolution
    theta_start: np.ndarray
    control: LmerControl
    data_name: str | None = None
    weights_name: str | None = None
    offset_name: str | None = None
    #: The arguments of the :func:`pylme.lmer` call that made the fit (R: ``getCall(fit)``),
    #: read-only, for :meth:`update`; None for fits made otherwise (e.g. by :meth:`refit`).
    call_args: Mapping[str, Any] | None = None

    # --- estimates ----------------------------------------------------------------
    @property
    def theta(self) -> np.ndarray:
        """θ̂, the relative covariance parameters in lme4's order (lme4 ``getME(, "theta")``)."""
        return self.opt.par.copy()

    @property
    def beta(self) -> np.ndarray:
        """β̂ (lme4 ``getME(, "beta")``)."""
        return self.solution.beta.copy()

    @property
    def is_REML(self) -> bool:
        """Whether the REML criterion was optimized (False for ML and for p = 0; lme4 ``isREML``)."""
        return bool(self.solution.reml)

    @property
    def sigma(self) -> float:
        """Residual standard deviation (lme4 ``sigma``): REML or ML estimate to match the fit."""
        return float(self.solution.sigma_reml if self.is_REML else self.solution.sigma_ml)

    @property
    def nobs(self) -> int:
        """Number of observations used (lme4 ``nobs``)."""
        return self.inputs.n

    @property
    def n_dropped(self) -> int:
        """Rows of the data dropped for missing values (R: ``length(na.action(fit))``)."""
        return len(self.inputs.frame.dropped)

    @property
    def npar(self) -> int:
        """Number of parameters: β, θ and σ (lme4 ``npar.merMod``)."""
        return self.inputs.p + self.theta.size + 1

    @property
    def df_residual(self) -> int:
        """Residual degrees of freedom ``n − npar`` (lme4 ``df.residual``)."""
        return self.nobs - self.npar

    def fixef(self, add_dropped: bool = False) -> pd.Series:
        """Fixed-effects estimates by R column name (lme4 ``fixef``).

        Parameters
        ----------
        add_dropped : bool
            Also list the columns lme4 dropped for rank deficiency, as NaN in their
            original positions (lme4 ``fixef(, add.dropped = TRUE)``).

        Returns
        -------
        pandas.Series
        """
        kept = pd.Series(self.solution.beta, index=list(self.inputs.X_columns), name="fixef")
        if not add_dropped:
            return kept
        return kept.reindex(list(self.inputs.X_full.columns))

    def vcov(self) -> pd.DataFrame:
        """Covariance matrix of β̂: σ̂² (R_XᵀR_X)⁻¹ (lme4 ``vcov``)."""
        names = list(self.inputs.X_columns)
        V = self.sigma**2 * self.problem.unscaled_vcov(self.theta)
        return pd.DataFrame(V, index=names, columns=names)

    # --- random effects ---------------------------------------------------------------
    def ranef(self, condVar: bool = True) -> dict[str, pd.DataFrame]:
        """Conditional modes of the random effects, per grouping factor (lme4 ``ranef``).

        Parameters
        ----------
        condVar : bool
            Attach the conditional variances, as lme4 1.1-31 does by default
            (``ranef.merMod(condVar = TRUE)``); ``False`` skips computing them.

        Returns
        -------
        Ranef
            A dict of DataFrames by grouping factor (rows: the factor's levels in R's order;
            columns: the terms' component names) that prints as lme4's ``print(ranef(fm))``.
            With ``condVar`` each frame carries ``attrs["postVar"]``: an array of shape
            ``(levels, p, p)`` (a list of such arrays when several terms share the factor).
        """
        return effects.ranef(self, condVar=condVar)

    def coef(self) -> dict[str, pd.DataFrame]:
        """Fixed plus random effects per level (lme4 ``coef``)."""
        return effects.coef(self)

    def VarCorr(self) -> VarCorr:
        """Estimated variances, standard deviations and correlations (lme4 ``VarCorr``)."""
        return VarCorr.from_fit(self)

    def ngrps(self) -> dict[str, int]:
        """Number of levels of each grouping factor (lme4 ``ngrps``)."""
        return {name: f.nlevels for name, f in self.inputs.re_terms.flist.items()}

    def isSingular(self, tol: float = 1e-4) -> bool:
        """True when a variance component is (near) zero (lme4 ``isSingular``).

        Parameters
        ----------
        tol : float
            A θ component on a lower bound of 0 counts as zero below this value.

        Returns
        -------
        bool
        """
        return is_singular(self.theta, self.inputs.re_terms.lower, tol)

    # --- fitted values and residuals ---------------------------------------------------------
    def fitted(self) -> pd.Series:
        """Conditional fitted values ``o + Xβ̂ + ZΛû`` (lme4 ``fitted``).

        Returns
        -------
        pandas.Series
            Named ``"fitted"``, indexed by the data's labels of the rows used (lme4 names
            them by the model frame's row names); under ``na_action="exclude"`` every row
            of the data, NaN where a row was dropped (R's ``naresid``).
        """
        return vectors.labelled(self, self.solution.mu, "fitted")

    def residuals(self, type: str = "response", scaled: bool = False) -> pd.Series:
        """Residuals (lme4 ``residuals.merMod``).

        Parameters
        ----------
        type : {"response", "working", "deviance", "pearson", "partial"}
            ``"response"``/``"working"``: ``y − μ`` (unweighted); ``"pearson"``/
            ``"deviance"``: ``√w (y − μ)``; matched as R's ``match.arg`` (``"pear"``);
            ``"partial"`` raises lme4's "not implemented" error.
        scaled : bool
            Divide by σ̂.

        Returns
        -------
        pandas.Series
            Named ``"residuals"``, labelled as :meth:`fitted`.
        """
        return vectors.labelled(self, vectors.residual_values(self, type, scaled), "residuals")

    def weights(self) -> np.ndarray:
        """Prior weights (lme4 ``weights(, type = "prior")``)."""
        return self._weights.copy()

    @cached_property
    def _weights(self) -> np.ndarray:
        w = self.inputs.weights
        return np.ones(self.nobs) if w is None else w

    def _pad(self, values: np.ndarray) -> np.ndarray:
        """``values`` as a plain array NaN-padded for ``na_action="exclude"`` (internal use)."""
        return vectors.pad(self, values)

    # --- likelihood -------------------------------------------------------------------
    def REMLcrit(self) -> float:
        """The REML criterion at θ̂ (lme4 ``REMLcrit``), also for an ML fit."""
        return self._crit(reml=True)

    def deviance(self, REML: bool | None = None) -> float:
        """−2 log-likelihood (lme4 ``deviance``).

        Parameters
        ----------
        REML : bool, optional
            For a REML fit with ``REML=None`` lme4 warns and returns the REML criterion;
            ``REML=False`` gives the ML deviance at the REML estimates.

        Returns
        -------
        float
        """
        if REML is None and self.is_REML:
            warnings.warn(
                "deviance() is deprecated for REML fits; use REMLcrit for the REML criterion "
                "or deviance(.,REML=FALSE) for deviance calculated at the REML fit",
                DeprecatedUsageWarning, stacklevel=2)
            return self._crit(reml=True)
        return self._crit(reml=bool(REML))

    def logLik(self, REML: bool | None = None) -> LogLik:
        """Log-likelihood; of a REML fit, the REML log-likelihood (lme4 ``logLik``).

        Parameters
        ----------
        REML : bool, optional
            The REML (True) or ML (False) log-likelihood; default: the fit's criterion.

        Returns
        -------
        LogLik
        """
        reml = self.is_REML if REML is None else bool(REML)
        return LogLik(-self._crit(reml) / 2, df=self.npar, nobs=self.nobs, reml=reml)

    def AIC(self) -> float:
        """−2ℓ + 2·npar, with ℓ = :meth:`logLik` (lme4 ``AIC``)."""
        return -2 * self.logLik() + 2 * self.npar

    def BIC(self) -> float:
        """−2ℓ + log(n)·npar (lme4 ``BIC``)."""
        return -2 * self.logLik() + np.log(self.nobs) * self.npar

    def _crit(self, reml: bool) -> float:
        """lme4 ``devCrit``: the stored objective, or the other criterion at θ̂, β̂ (no refit)."""
        s = self.solution
        if reml == self.is_REML:
            return float(self.opt.fval)
        n, p = self.nobs, self.inputs.p
        ldW = float(np.sum(np.log(self._weights)))
        if reml:
            nmp = n - p
            return s.ldL2 - ldW + s.ldRX2 + nmp * (1 + _LOG_2PI + np.log(s.pwrss) - np.log(nmp))
        return s.ldL2 - ldW + n * (1 + _LOG_2PI + np.log(s.pwrss) - np.log(n))

    # --- refitting ------------------------------------------------------------------------
    def refit(self, newresp: Any = None, *, control: LmerControl | None = None) -> "LmerFit":
        """The same model fitted to a new response, started at θ̂ (lme4 ``refit``).

        Parameters
        ----------
        newresp : array-like, optional
            The new response, one value per observation used by the fit (default: the
            fit's own response).
        control : LmerControl, optional
            Optimizer settings of the refit (default: the fit's).

        Returns
        -------
        LmerFit
        """
        from .refit import refit

        return refit(self, newresp, control=control)

    def refit_ml(self) -> "LmerFit":
        """The ML refit of a REML fit with minqa-BOBYQA settings (lme4 ``refitML``)."""
        from .refit import refit_ml

        return refit_ml(self)

    # --- inference (pylme/inference/): anova, drop1, confint, profile, predict, simulate and
    # update come from InferenceMethods (results/inference_methods.py), with full signatures

    # --- lme4's vocabulary ----------------------------------------------------------------
    def getME(self, name: str) -> Any:
        """lme4's ``getME``: a component of the model by lme4's name.

        Parameters
        ----------
        name : str
            ``"X"``, ``"Z"``, ``"Zt"``, ``"theta"``, ``"Lambdat"``, ``"Lind"``, ... (lme4's
            names).

        Returns
        -------
        object
        """
        return getme.get_me(self, name)

    # --- printing -----------------------------------------------------------------------
    def summary(self, correlation: bool | None = None, digits: int = 4, ddf: str | None = None) -> "text.Summary":
        """lme4's ``summary()``: an object whose ``str()`` is lme4's text.

        Parameters
        ----------
        correlation : bool, optional
            Print the correlation of the fixed effects (lme4's default: when p ≤ 12).
        digits : int
            Significant digits of the printed numbers.
        ddf : {None, "lme4", "Satterthwaite", "Kenward-Roger"}
            ``"Satterthwaite"`` or ``"Kenward-Roger"`` gives lmerTest's summary instead:
            t tests with those denominator degrees of freedom (``.coefficients`` gains
            ``df`` and ``Pr(>|t|)``); ``"lme4"`` is the same as leaving it out.

        Returns
        -------
        Summary
        """
        return text.Summary.from_fit(self, correlation=correlation, digits=digits, ddf=ddf)

    def __str__(self) -> str:
        return text.print_text(self)

    def __repr__(self) -> str:
        return text.print_text(self)
