"""The fitted linear mixed model (lme4: the ``lmerMod`` object made by ``mkMerMod``).

:class:`LmerFit` is immutable: every quantity is computed from the stored inputs, the
optimizer's result and the penalized least-squares solution at θ̂.  Method names mirror
lme4's on purpose, so an R script translates line by line.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..arguments import data_name_arg, is_vector, r_flag
from ..control import LmerControl
from ..convergence import ConvResult
from ..deviance import DevianceProblem, PlsSolution
from ..design.lformula import LmmInputs
from ..errors import DeprecatedUsageWarning, PylmeWarning
from ..optimize import OptResult
from ..printing.rformat import format_real
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
        # R's print.logLik: format(c(x), digits = 7), so Inf / -Inf / NaN are spelt as R spells them
        return f"'log Lik.' {format_real([float(self)], 7)[0]} (df={self.df})"

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

    def __post_init__(self):
        # lmer() checks data_name before fitting; this also covers fits built otherwise
        data_name_arg(self.data_name)

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
            original positions (lme4 ``fixef(, add.dropped = TRUE)``).  Read as R's
            ``if (add.dropped)``: numbers (0 is False) and ``"TRUE"``/``"false"``/``"T"``...

        Returns
        -------
        pandas.Series

        Raises
        ------
        ArgumentError
            ``add_dropped`` R's ``if`` cannot read (``None``: ``argument is of length
            zero``; ``"abc"``, NaN: ``argument is not interpretable as logical``; several
            values: ``the condition has length > 1``).
        """
        add_dropped = r_flag(add_dropped, "add_dropped")
        kept = pd.Series(self.solution.beta, index=list(self.inputs.X_columns), name="fixef")
        if not add_dropped:
            return kept
        return kept.reindex(list(self.inputs.X_full.columns))

    def vcov(self) -> pd.DataFrame:
        """Covariance matrix of β̂: σ̂² (R_XᵀR_X)⁻¹ (lme4 ``vcov(fm, correlation = FALSE)``).

        Returns
        -------
        pandas.DataFrame
            Rows and columns named by the fixed effects.  When the matrix is not positive
            definite (σ̂ = 0: a response the fixed effects fit exactly), lme4's NA matrix
            (NaN here), with lme4's warning.

        Warns
        -----
        PylmeWarning
            ``Computed variance-covariance matrix problem: not a positive definite
            matrix;`` / ``returning NA matrix`` (lme4's text).  lme4's default
            ``vcov(fm)`` then fails to attach the correlation matrix (R: ``not a positive
            definite matrix``); pylme's ``vcov()`` has no correlation and returns the NA
            matrix, as ``vcov(fm, correlation = FALSE)`` does.
        """
        names = list(self.inputs.X_columns)
        V = self.sigma**2 * self.problem.unscaled_vcov(self.theta)
        if V.size and not _positive_definite(V):
            # lme4's vcov.merMod: as(V, "dpoMatrix") fails -> warning and an NA matrix
            warnings.warn(VCOV_NOT_PD, PylmeWarning, stacklevel=2)
            V = np.full(V.shape, np.nan)
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

        The same as :func:`pylme.isSingular` (``pylme.isSingular(fit, tol)``), whose help
        page explains what a singular fit means.

        Parameters
        ----------
        tol : float
            A θ component on a lower bound of 0 counts as zero below this value.

        Returns
        -------
        bool

        Raises
        ------
        ArgumentError
            ``tol`` is not a number, or is NaN.
        """
        from .singular import isSingular  # singular.py imports this module

        return isSingular(self, tol)

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
            ``REML=False`` gives the ML deviance at the estimates (of an ML fit: its
            deviance).  ``REML=True`` gives the REML criterion at the estimates, as
            :meth:`REMLcrit` (a deliberate difference: lme4's ``deviance.merMod`` only asks
            ``is.null(REML)`` and returns the ML deviance for any other value, TRUE
            included).  Read as R's ``if (REML)``: numbers (0 is False) and
            ``"TRUE"``/``"false"``/``"T"``... count.

        Returns
        -------
        float

        Raises
        ------
        ArgumentError
            ``REML`` R's ``if`` cannot read (``"abc"``, NaN: ``argument is not
            interpretable as logical``; several values: ``the condition has length > 1``;
            an empty sequence: ``argument is of length zero``).
        """
        if REML is None and self.is_REML:
            warnings.warn(
                "deviance() is deprecated for REML fits; use REMLcrit for the REML criterion "
                "or deviance(.,REML=FALSE) for deviance calculated at the REML fit",
                DeprecatedUsageWarning, stacklevel=2)
            return self._crit(reml=True)
        return self._crit(reml=False if REML is None else r_flag(REML, "REML"))

    def logLik(self, REML: bool | None = None) -> LogLik:
        """Log-likelihood; of a REML fit, the REML log-likelihood (lme4 ``logLik``).

        Parameters
        ----------
        REML : bool, optional
            The REML (True) or ML (False) log-likelihood; default: the fit's criterion.
            As lme4's ``logLik.merMod`` (``is.null(REML) || is.na(REML[1])``), None, NaN,
            ``pandas.NA`` and an empty sequence (or one whose first element is missing)
            mean the fit's criterion; other values are read as R's ``if (REML)``.

        Returns
        -------
        LogLik
            A float that prints as R's ``print(logLik(fm))`` (``'log Lik.' -871.8141
            (df=6)``, ``Inf`` where R prints ``Inf``).

        Raises
        ------
        ArgumentError
            ``REML`` R's ``if`` cannot read (``"abc"``: ``argument is not interpretable as
            logical``; several values: ``the condition has length > 1``).
        """
        reml = self.is_REML if _r_missing(REML) else r_flag(REML, "REML")
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
        # log(0) is -Inf, as in R, for a response fitted exactly (pwrss = 0): no numpy warning
        with np.errstate(divide="ignore"):
            log_pwrss = np.log(s.pwrss)
        if reml:
            nmp = n - p
            return s.ldL2 - ldW + s.ldRX2 + nmp * (1 + _LOG_2PI + log_pwrss - np.log(nmp))
        return s.ldL2 - ldW + n * (1 + _LOG_2PI + log_pwrss - np.log(n))

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
    def getME(self, name: str | Sequence[str]) -> Any:
        """lme4's ``getME``: a component of the model by lme4's name.

        Parameters
        ----------
        name : str or sequence of str
            ``"X"``, ``"Z"``, ``"Zt"``, ``"theta"``, ``"Lambdat"``, ``"Lind"``, ... (lme4's
            names, matched as R's ``match.arg``: ``"the"`` is ``"theta"``); ``"ALL"`` for
            every component; several names give a dict by the names as given (lme4's
            named list).

        Returns
        -------
        object
            The component; a dict for several names or ``"ALL"``.

        Raises
        ------
        ArgumentError
            An unknown or ambiguous name (R's ``'arg' should be one of “X”, “Z”, ...``),
            None or an empty sequence (R: ``argument is of length zero``), or a value that
            is not text.
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
            Significant digits of the printed numbers (``print(summary(fm), digits = )``,
            default ``max(3, getOption("digits") - 3)`` = 4).  Read as R reads it: a
            number whose integer part (``as.integer``) is 1 to 22; a fraction is kept and
            used as R uses it (rounded by ``round()``, truncated by ``format()``), so
            ``digits=3.7`` prints as R prints it.
        ddf : {None, "lme4", "Satterthwaite", "Kenward-Roger"}
            ``"Satterthwaite"`` or ``"Kenward-Roger"`` gives lmerTest's summary instead:
            t tests with those denominator degrees of freedom (``.coefficients`` gains
            ``df`` and ``Pr(>|t|)``); ``"lme4"`` is the same as leaving it out.

        Returns
        -------
        Summary

        Raises
        ------
        ArgumentError
            ``digits`` R refuses (R's texts: ``invalid 'digits'``, ``non-numeric argument
            to binary operator``, ``invalid printing digits n``), or ``correlation``
            neither None nor a bool.
        NumericalError
            The covariance matrix of β̂ is not positive definite (σ̂ = 0): lme4's
            ``summary()`` fails too (R: ``not a positive definite matrix``, after the
            warning of :meth:`vcov`).
        """
        return text.Summary.from_fit(self, correlation=correlation, digits=digits, ddf=ddf)

    def __str__(self) -> str:
        return text.print_text(self)

    def __repr__(self) -> str:
        return text.print_text(self)


#: lme4's vcov.merMod warning when as(V, "dpoMatrix") fails (two lines, as R prints it).
VCOV_NOT_PD = ("Computed variance-covariance matrix problem: not a positive definite matrix;\n"
               "returning NA matrix")


def _positive_definite(V: np.ndarray) -> bool:
    """Whether Matrix's ``as(V, "dpoMatrix")`` accepts V: finite, and a Cholesky factor exists."""
    if not np.all(np.isfinite(V)):
        return False
    try:
        np.linalg.cholesky(V)
    except np.linalg.LinAlgError:
        return False
    return True


def _r_missing(value: Any) -> bool:
    """lme4's ``is.null(REML) || is.na(REML[1])``: None, NA/NaN, or a sequence that is empty
    (``REML[1]`` is NA) or whose first element is missing."""
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if is_vector(value):
        items = np.asarray(value, dtype=object).ravel(order="F")
        if items.size == 0:
            return True
        value = items[0]
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if value is None or value is pd.NA:
        return True
    return isinstance(value, (float, np.floating)) and bool(np.isnan(value))
