"""The fitted generalized linear mixed model (lme4: the ``glmerMod`` object made by ``mkMerMod``).

:class:`GlmerFit` is immutable and picklable.  Its accessors follow lme4's meanings for
GLMMs (glmer_spec.md §2.6, §4–5): ``logLik`` is −½ of the optimized deviance (Laplace or
quadrature scale), ``deviance()`` is the sum of squared deviance residuals, σ is 1 for
binomial/Poisson and ``sqrt(pwrss/n)`` for families with a scale, standard errors come
from the finite-difference Hessian over (θ, β).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..arguments import data_name_arg, match_arg, r_flag
from ..errors import DataError, ModelSpecError, PylmeWarning
from . import effects, vectors
from .glmer_inference import GlmerInferenceMethods
from .glmer_predict import GlmerPredictMethods
from .model import LogLik
from .varcorr import VarCorr

__all__ = ["GlmerFit", "GLMM_RESIDUAL_TYPES"]

#: lme4 ``residuals.glmResp`` types in ``match.arg``'s order (default: deviance).
GLMM_RESIDUAL_TYPES = ("deviance", "pearson", "working", "response", "partial")
_HESSIAN_NOT_PD = ("variance-covariance matrix computed from finite-difference Hessian is\n"
                   "not positive definite or contains NA values: falling back to var-cov estimated from RX")
_HESSIAN_DIFFERS = ("variance-covariance matrix computed from finite-difference Hessian\n"
                    "and from RX differ by >1e-04: consider 'use.hessian=TRUE'")


@dataclass(frozen=True, eq=False)
class GlmmSolution:
    """The conditional modes and fitted values at the optimum (lme4 ``pp``/``resp`` state)."""

    beta: np.ndarray
    u: np.ndarray
    b: np.ndarray
    eta: np.ndarray
    mu: np.ndarray


class _CondVar:
    """``cond_var(theta)`` for :func:`pylme.results.effects.ranef` (the final decomposition)."""

    def __init__(self, fit: "GlmerFit"):
        self._fit = fit

    def cond_var(self, theta) -> list:
        state = self._fit.optimum.state
        return self._fit.predictor.cond_var(np.asarray(theta, float), state.step)


@dataclass(frozen=True, eq=False)
class GlmerFit(GlmerPredictMethods, GlmerInferenceMethods):
    """A fitted generalized linear mixed model (lme4: ``glmerMod``); build it with :func:`pylme.glmer`."""

    inputs: Any
    predictor: Any
    resp: Any
    optimum: Any
    control: Any
    data_name: str | None = None
    weights_name: str | None = None
    offset_name: str | None = None
    call_args: Mapping[str, Any] | None = None

    def __post_init__(self):
        data_name_arg(self.data_name)

    # --- estimates ----------------------------------------------------------------
    @property
    def family(self):
        """The family with its link (lme4 ``family(fit)``)."""
        return self.inputs.family

    @property
    def n_agq(self) -> int:
        """Quadrature nodes (0: θ-only fit, 1: Laplace; lme4 ``devcomp$dims["nAGQ"]``)."""
        return int(self.optimum.n_agq)

    @property
    def theta(self) -> np.ndarray:
        """θ̂ in lme4's order (lme4 ``getME(, "theta")``)."""
        return self.optimum.theta.copy()

    @property
    def beta(self) -> np.ndarray:
        """β̂ (lme4 ``fixef`` as an array)."""
        return self.optimum.beta.copy()

    @property
    def opt(self):
        """The last optimizer stage's result (lme4 ``optinfo``)."""
        return self.optimum.opt

    @property
    def conv(self):
        return self.optimum.conv

    @cached_property
    def solution(self) -> GlmmSolution:
        state = self.optimum.state
        u = state.u
        return GlmmSolution(beta=self.beta, u=u, b=self.predictor.scale_u(self.optimum.theta, u),
                            eta=state.eta, mu=state.mu)

    @property
    def problem(self) -> _CondVar:
        return _CondVar(self)

    @property
    def use_sc(self) -> bool:
        """lme4 ``useSc``: whether the family has a scale parameter (not binomial/Poisson)."""
        return bool(self.family.has_scale)

    @property
    def is_REML(self) -> bool:
        return False

    @cached_property
    def wrss(self) -> float:
        """Σ Pearson residuals² at the final μ (lme4 ``devcomp$cmp["wrss"]``)."""
        r = self.resp.pearson(self.optimum.state.mu)
        return float(r @ r)

    @property
    def pwrss(self) -> float:
        return self.wrss + float(self.optimum.state.ussq)

    @property
    def sigma(self) -> float:
        """1 without a scale; else ``sqrt(pwrss/n)`` (lme4 ``sigma.merMod``; not a model parameter)."""
        return float(np.sqrt(self.pwrss / self.nobs)) if self.use_sc else 1.0

    @property
    def nobs(self) -> int:
        return self.inputs.n

    @property
    def npar(self) -> int:
        """β, θ, σ for families with a scale, and the negative binomial's θ (lme4 ``npar.merMod``)."""
        nb = self.family.family.startswith("Negative Binomial")
        return self.inputs.p + self.theta.size + int(self.use_sc) + int(nb)

    @property
    def df_residual(self) -> int:
        return self.nobs - self.npar

    def fixef(self) -> pd.Series:
        """Fixed-effects estimates by R column name (lme4 ``fixef``)."""
        return pd.Series(self.beta, index=list(self.inputs.X_columns), name="fixef")

    # --- covariance of β̂ -------------------------------------------------------------
    def unscaled_vcov(self) -> np.ndarray:
        """``(R_XᵀR_X)⁻¹`` of the final decomposition (lme4 ``pp$unsc()``)."""
        RX = self.optimum.state.step.RX
        if RX.size == 0:
            return np.zeros((0, 0))
        inv = np.linalg.inv(RX)
        return inv @ inv.T

    def vcov(self, use_hessian: bool | None = None) -> pd.DataFrame:
        """Covariance of β̂ (lme4 ``vcov.merMod``).

        Parameters
        ----------
        use_hessian : bool, optional
            Use the finite-difference Hessian over (θ, β) (default when the fit computed
            it: stage-2 fits with ``calc_derivs``): ``2·[H⁻¹]_ββ`` symmetrized; False: σ²
            ``(R_XᵀR_X)⁻¹``.  lme4's warnings when the Hessian's version is not positive
            definite (falls back to R_X) or, with ``use_hessian=False``, when the two differ.

        Returns
        -------
        pandas.DataFrame
        """
        names = list(self.inputs.X_columns)
        V = self.sigma**2 * self.unscaled_vcov()
        H = self.opt.derivs.Hessian if self.opt.derivs is not None else None
        n_th = self.theta.size
        available = H is not None and H.shape[0] > n_th and self.n_agq > 0
        use = available if use_hessian is None else r_flag(use_hessian, "use.hessian")
        if use and not available:
            raise ModelSpecError("'use.hessian'=TRUE specified, but Hessian is unavailable")
        if available:
            V_hess, bad = _hessian_vcov(H, n_th)
            if not use and not bad and np.any(np.abs(V - V_hess) > 1e-4 * V_hess):
                warnings.warn(_HESSIAN_DIFFERS, PylmeWarning, stacklevel=2)
            if use:
                if bad:
                    warnings.warn(_HESSIAN_NOT_PD, PylmeWarning, stacklevel=2)
                else:
                    V = V_hess
        return pd.DataFrame(V, index=names, columns=names)

    # --- random effects ---------------------------------------------------------------
    def ranef(self, condVar: bool = True) -> dict[str, pd.DataFrame]:
        """Conditional modes ``b = Λû`` per grouping factor (lme4 ``ranef``).

        Parameters
        ----------
        condVar : bool
            Attach the σ²-scaled conditional variances (from the final PIRLS
            decomposition) as ``attrs["postVar"]``, as lme4 1.1-31 does by default.

        Returns
        -------
        Ranef
        """
        return effects.ranef(self, condVar=condVar)

    def coef(self) -> dict[str, pd.DataFrame]:
        """Fixed plus random effects per level (lme4 ``coef``)."""
        return effects.coef(self)

    def VarCorr(self) -> VarCorr:
        """Random-effect variances (``σ T Tᵀ σ``; σ = 1 without a scale) (lme4 ``VarCorr``)."""
        return VarCorr.from_fit(self)

    def ngrps(self) -> dict[str, int]:
        """Number of levels of each grouping factor (lme4 ``ngrps``)."""
        return {name: f.nlevels for name, f in self.inputs.re_terms.flist.items()}

    def isSingular(self, tol: float = 1e-4) -> bool:
        """True when a θ on a zero lower bound is below ``tol`` (lme4 ``isSingular``).

        Parameters
        ----------
        tol : float
            Threshold for a diagonal θ to count as zero.
        """
        from .singular import isSingular

        return isSingular(self, tol)

    # --- fitted values and residuals ---------------------------------------------------------
    def fitted(self) -> pd.Series:
        """Conditional means μ on the response scale (lme4 ``fitted``: ``resp$mu``)."""
        return vectors.labelled(self, self.optimum.state.mu, "fitted")

    def residual_values(self, type: str = "deviance", scaled: bool = False) -> np.ndarray:
        """Residuals as a plain array on the rows used (lme4 ``residuals.glmResp``).

        Parameters
        ----------
        type : {"deviance", "pearson", "working", "response", "partial"}
            As in :meth:`residuals`.
        scaled : bool
            Divide by σ.
        """
        kind = match_arg(type, GLMM_RESIDUAL_TYPES, "type")
        state, resp = self.optimum.state, self.resp
        mu = state.mu
        if kind == "partial":
            raise DataError("partial residuals are not implemented yet")
        if kind == "deviance":
            d = resp.dev_resid(mu)
            out = np.where(resp.y > mu, 1.0, -1.0) * np.sqrt(np.maximum(d, 0.0))
        elif kind == "pearson":
            out = resp.pearson(mu)
        elif kind == "working":
            out = (resp.y - mu) / resp.family.link.mu_eta(state.eta)
        else:
            out = resp.y - mu
        if r_flag(scaled, "scaled"):
            out = out / self.sigma
        return out

    def residuals(self, type: str = "deviance", scaled: bool = False) -> pd.Series:
        """Residuals (lme4 ``residuals.merMod`` for GLMMs: default ``"deviance"``).

        Parameters
        ----------
        type : {"deviance", "pearson", "working", "response", "partial"}
            Matched as R's ``match.arg``; ``"partial"`` raises lme4's error.
        scaled : bool
            Divide by σ.
        """
        return vectors.labelled(self, self.residual_values(type, scaled), "residuals")

    def weights(self, type: str = "prior") -> np.ndarray:
        """Prior or working weights (lme4 ``weights.merMod``).

        Parameters
        ----------
        type : {"prior", "working"}
            ``"prior"``: the prior weights as stored (trials × prior weights for a
            ``cbind`` response); ``"working"``: the PIRLS weights of the last
            decomposition (lme4 ``pp$Xwts²``).
        """
        kind = match_arg(type, ("prior", "working"), "type")
        if kind == "working":
            return self.optimum.state.weights.copy()
        return np.asarray(self.inputs.weights, dtype=float).copy()

    # --- likelihood -------------------------------------------------------------------
    def logLik(self) -> LogLik:
        """``−dev/2`` with ``df = npar`` (lme4 ``logLik``; dev on the fit's scale)."""
        return LogLik(-0.5 * self.optimum.fval, self.npar, self.nobs, False)

    def deviance(self) -> float:
        """Σ squared deviance residuals at û (lme4 ``deviance.merMod`` for a GLMM; not −2ℓ)."""
        return float(self.optimum.state.drsum)

    def REMLcrit(self) -> float:
        """lme4 ``REMLcrit``: not defined for a GLMM (lme4's error)."""
        raise ModelSpecError("can't compute REML deviance for a non-LMM")

    def AIC(self) -> float:
        """−2ℓ + 2·npar (R ``AIC``)."""
        return float(self.optimum.fval + 2 * self.npar)

    def BIC(self) -> float:
        """−2ℓ + log(n)·npar (R ``BIC``)."""
        return float(self.optimum.fval + np.log(self.nobs) * self.npar)

    def getME(self, name: str | Sequence[str]) -> Any:
        """Components of the fit by lme4's names (lme4 ``getME``).

        Parameters
        ----------
        name : str or sequence of str
            ``"theta"``, ``"beta"``, ``"u"``, ``"b"``, ``"mu"``, ``"y"``, ``"X"``, ``"Z"``,
            ``"Lambda"``, ... (lme4's list; ``"eta"`` and ``"n_trials"`` are pylme's
            additions); several names give a dict.

        Returns
        -------
        object
        """
        from .glmer_getme import getme

        return getme(self, name)

    # --- printed forms ------------------------------------------------------------------
    def summary(self, correlation: bool | None = None, digits: int = 4):
        """lme4's ``summary()``: an object whose ``str()`` is lme4's text.

        Parameters
        ----------
        correlation : bool, optional
            Print the correlation of the fixed effects (lme4's default: when p ≤ 12).
        digits : int
            Significant digits of the printed numbers (``print(summary(gm), digits = )``,
            default 4), read as R reads it.

        Returns
        -------
        pylme.results.glmer_text.GlmerSummary
            ``coefficients`` has ``Estimate``, ``Std. Error``, ``z value`` (``t value`` for
            families with a scale) and ``Pr(>|z|)``.

        Raises
        ------
        ArgumentError
            ``digits`` R refuses, or ``correlation`` neither None nor a bool.
        """
        from .glmer_text import GlmerSummary

        return GlmerSummary.from_fit(self, correlation=correlation, digits=digits)

    def __str__(self) -> str:
        """lme4's ``print(fit)`` (``print.merMod``)."""
        from .glmer_text import print_text

        return print_text(self)

    def __repr__(self) -> str:
        from .glmer_text import print_text

        return print_text(self)


def _hessian_vcov(H: np.ndarray, n_theta: int) -> tuple[np.ndarray, bool]:
    """lme4's ``calc.vcov.hess``: ``h⁻¹`` β block, plus its transpose; bad if NA or not PD."""
    try:
        inv = np.linalg.solve(H, np.eye(H.shape[0]))
    except np.linalg.LinAlgError:
        return np.full((H.shape[0] - n_theta,) * 2, np.nan), True
    block = inv[n_theta:, n_theta:]
    V = block + block.T
    if np.any(np.isnan(V)):
        return V, True
    return V, bool(np.min(np.linalg.eigvalsh(V)) <= 0)
