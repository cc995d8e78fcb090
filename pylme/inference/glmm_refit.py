"""GLMMs rebuilt from a fit: ``refit`` to a new response, ``update`` of the call, and the
deviance function (lme4 1.1-31: ``refit.merMod``, ``update.merMod``, ``getME(, "devfun")``
for a ``glmerMod``).

* :func:`glmer_refit` builds a new response module from the new response (binomial
  ``cbind`` matrices and factors read again, lme4's ``mkRespMod`` + ``setWeights``), then
  :func:`pylme.glmm.fitting.refit_glmer` re-optimizes as lme4 does: one PIRLS for
  ``lp0``, then one optimization over (θ, β) from (θ̂, β̂) — not glmer's two stages.
* :func:`glmer_update` re-runs :func:`pylme.glmer` with the call's arguments changed.
* :class:`GlmerDevfun` is lme4 1.1-31's ``getME(, "devfun")``: ``mkGlmerDevfun`` on the
  model frame at θ̂ (a joint PIRLS from ``linkfun(mustart)``), then
  ``updateGlmerDevfun`` — the (θ, β) deviance (θ only for nAGQ = 0), with the default
  ``tolPwrss``.  Its ``lp0`` is not the fit's, so its value at (θ̂, β̂) differs from the
  fit's deviance in the last digits, as in lme4.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from ..convergence import emit
from ..errors import DataCheckWarning, DataError, FormulaError, ModelSpecError
from ..recording import record
from .update import UNCHANGED, update_formula

if TYPE_CHECKING:
    from ..results.glmer_model import GlmerFit

__all__ = ["glmer_refit", "glmer_update", "GlmerDevfun", "read_newresp"]

_LENGTH = "length(newresp <- as.numeric(as.vector(newresp))) == length(rr$y) is not TRUE"
_LAPPLY = "refit not implemented for 'newresp' lists of length > 1: consider \u2018lapply(object,refit)\u2019"


# --- the new response --------------------------------------------------------------------------


def read_newresp(fit: "GlmerFit", newresp: Any) -> tuple[Any, str]:
    """A new response as the family's ``initialize`` takes it, and its kind.

    Accepted: a vector (numbers or logicals), an ``(n, 2)`` array of successes and
    failures (binomial), a ``pandas.Categorical`` or categorical Series (binomial), a
    one-column DataFrame, a two-column DataFrame (pylme: read as ``cbind``; R's data
    frame of two columns is a list lme4 refuses), or a frame of :meth:`GlmerFit.simulate`
    holding one simulation.  ``nobs`` rows, or one per row of the fit's data (rows the
    fit dropped are dropped again).

    Raises
    ------
    DataError
        lme4's texts (``refit not implemented for 'newresp' lists of length > 1``, the
        length check, ``response must be numeric``, ``NA/NaN/Inf in 'y'``).
    ModelSpecError
        A two-column response of a non-binomial family (lme4: ``updateXwts: dimension
        mismatch``).
    """
    if isinstance(newresp, Mapping):
        raise DataError(_LAPPLY)
    if isinstance(newresp, pd.DataFrame):
        if isinstance(newresp.columns, pd.MultiIndex) and newresp.columns.get_level_values(0).nunique() == 1:
            newresp = newresp.to_numpy(dtype=float)  # one cbind simulation of simulate()
        elif newresp.shape[1] == 1:
            newresp = newresp.iloc[:, 0]
        elif newresp.shape[1] == 2:
            newresp = newresp.to_numpy(dtype=float)
        else:
            raise DataError(_LAPPLY)
    binomial = fit.family.family == "binomial"
    if isinstance(newresp, pd.Series) and isinstance(newresp.dtype, pd.CategoricalDtype):
        newresp = newresp.array
    if isinstance(newresp, pd.Categorical):
        if not binomial:
            raise DataError("response must be numeric")
        values: Any = _rows(fit, newresp)
        return values, "factor"
    arr = np.asarray(newresp)
    if arr.dtype.kind not in "biuf":
        raise DataError("response must be numeric or factor" if binomial else "response must be numeric")
    arr = arr.astype(float)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim == 2:
        if arr.shape[1] != 2:
            raise DataError("updateMu: Size mismatch")
        if not binomial:
            raise ModelSpecError("updateXwts: dimension mismatch")
    elif arr.ndim != 1:
        raise DataError(_LENGTH)
    arr = _rows(fit, arr)
    if not np.all(np.isfinite(arr)):
        raise DataError("NA/NaN/Inf in 'y'")
    return arr, ("cbind" if arr.ndim == 2 else "numeric")


def _rows(fit: "GlmerFit", values: Any) -> Any:
    """The fit's rows of a new response (lme4 drops the rows of ``na.action``)."""
    frame = fit.inputs.frame
    n = len(values)
    if n == fit.nobs:
        return values
    if len(frame.dropped) and n == frame.n_original:
        return values[np.asarray(frame.kept)]
    raise DataError(_LENGTH)


def _response(fit: "GlmerFit", newresp: Any):
    """The initialized new response: (y, weights, n, mustart, kind)."""
    inputs = fit.inputs
    if newresp is None:
        return inputs.y, inputs.weights, inputs.n_trials, inputs.mustart, inputs.response_kind
    raw, kind = read_newresp(fit, newresp)
    prior = inputs.frame.weights
    prior = np.ones(fit.nobs) if prior is None else np.asarray(prior, dtype=float)
    start = fit.family.initialize(raw, prior)
    for text in start.warnings:
        warnings.warn(text, DataCheckWarning, stacklevel=4)
    weights = np.asarray(start.weights, dtype=float)
    if kind == "cbind":
        weights = raw.sum(axis=1)  # lme4 refit: rr$setWeights(rowSums(newresp))
    return (np.asarray(start.y, dtype=float), weights, np.asarray(start.n, dtype=float),
            np.asarray(start.mustart, dtype=float), kind)


# --- refit ---------------------------------------------------------------------------------------


def glmer_refit(fit: "GlmerFit", newresp: Any = None, *, control: Any = None) -> "GlmerFit":
    """Fit the same GLMM to a new response (lme4 ``refit.merMod``).

    Parameters
    ----------
    fit : GlmerFit
    newresp : array-like, optional
        The new response (see :func:`read_newresp`); ``None`` refits to the same one.
    control : GlmerControl, optional
        lme4's ``control`` argument of ``refit``.  Without it lme4 uses ``glmerControl()``:
        the default ``tolPwrss`` for the first PIRLS, default convergence checks and
        empty optimizer settings (so the fit's own ``optCtrl`` is not used).  With it, its
        last optimizer replaces the fit's, and its ``opt_ctrl`` (or, when empty, the
        settings the fit's optimizer ran with, less Nelder–Mead's ``xst``/``xt``).

    Returns
    -------
    GlmerFit
        The new fit (``fit`` is unchanged); it keeps ``fit``'s call for :meth:`update`.

    Raises
    ------
    DataError, ModelSpecError
        See :func:`read_newresp`; the family's own errors for an invalid response.
    """
    from ..glmm.control import GlmerControl, as_glmer_control
    from ..glmm.fitting import refit_glmer
    from ..glmm.pirls import Response
    from ..results.glmer_model import GlmerFit

    y, weights, trials, mustart, kind = _response(fit, newresp)
    if control is None:
        ctrl = GlmerControl()
        optimizer, opt_ctrl = fit.opt.optimizer, {}
    else:
        ctrl, notes = as_glmer_control(control)
        for note in notes:
            warnings.warn(note, DataCheckWarning, stacklevel=2)
        optimizer = ctrl.optimizer[-1]
        opt_ctrl = dict(ctrl.opt_ctrl) or {k: v for k, v in dict(fit.opt.control).items() if k not in ("xst", "xt")}
    inputs = fit.inputs
    resp = Response(y=y, weights=weights, n_trials=trials, offset=fit.resp.offset, family=fit.family)
    optimum = refit_glmer(fit.predictor, resp, mustart, fit.theta, fit.beta, fit.optimum.state.u, fit.n_agq,
                          optimizer, opt_ctrl, tol_init=float(ctrl.tol_pwrss), tol=float(fit.control.tol_pwrss),
                          calc_derivs=fit.opt.derivs is not None, control=ctrl)
    emit(optimum.conv)
    new_inputs = dataclasses.replace(inputs, y=y, weights=weights, n_trials=trials, mustart=mustart,
                                     response_kind=kind)
    return record(GlmerFit(inputs=new_inputs, predictor=fit.predictor, resp=resp, optimum=optimum,
                           control=fit.control, data_name=fit.data_name, weights_name=fit.weights_name,
                           offset_name=fit.offset_name, call_args=fit.call_args), "refit")  # verify --python


# --- update --------------------------------------------------------------------------------------


def glmer_update(fit: "GlmerFit", formula: str | None = None, *, data: Any = UNCHANGED, family: Any = UNCHANGED,
                 weights: Any = UNCHANGED, offset: Any = UNCHANGED, nAGQ: Any = UNCHANGED,
                 control: Any = UNCHANGED, start: Any = UNCHANGED, na_action: Any = UNCHANGED,
                 contrasts: Any = UNCHANGED, verbose: Any = UNCHANGED, data_name: Any = UNCHANGED) -> Any:
    """Refit with a changed formula or :func:`pylme.glmer` arguments (lme4 ``update.merMod``).

    Arguments left at their default keep the original call's value; one given replaces it
    (``weights=None`` removes the weights, as ``weights = NULL`` in R).

    Parameters
    ----------
    fit : GlmerFit
        A fit made by :func:`pylme.glmer` (or refitted from one: the call is kept).
    formula : str, optional
        R ``update.formula`` text (``". ~ . - period"``) or a complete formula; the old
        formula is lme4's ``formula(fit)`` (``||`` expanded).
    data : pandas.DataFrame, optional
        New data.
    family : str or Family, optional
        New family.
    weights : str or array-like or None, optional
        New prior weights.
    offset : str or array-like or None, optional
        New offset.
    nAGQ : int, optional
        New number of quadrature nodes (0, 1 = Laplace, > 1).
    control : GlmerControl or None, optional
        New control settings.
    start : array-like or dict or None, optional
        New start values.
    na_action : {"omit", "exclude", "fail"}, optional
        New missing-value handling.
    contrasts : dict or None, optional
        New contrasts.
    verbose : int, optional
        Optimizer trace level.
    data_name : str or None, optional
        Name shown on the ``Data:`` line.

    Returns
    -------
    GlmerFit
        (an ``LmerFit`` if the new family is Gaussian with the identity link, as lme4).

    Raises
    ------
    FormulaError
        A fit without a call, a formula that is not text or does not parse.
    """
    from ..glmm.fit import glmer

    if formula is not None and not isinstance(formula, str):
        raise FormulaError(f"'formula' must be formula text such as '. ~ . - period', got {formula!r}")
    if fit.call_args is None:
        raise FormulaError("update() needs the glmer() call of the model; this fit was not made by "
                           "pylme.glmer(): call pylme.glmer() directly")
    given = dict(data=data, family=family, weights=weights, offset=offset, nAGQ=nAGQ, control=control, start=start,
                 na_action=na_action, contrasts=contrasts, verbose=verbose, data_name=data_name)
    args = dict(fit.call_args)
    args.update({k: v for k, v in given.items() if v is not UNCHANGED})
    if formula is not None:
        args["formula"] = update_formula(fit.inputs.formula, formula)
    return glmer(**args)


# --- getME(, "devfun") ---------------------------------------------------------------------------


class GlmerDevfun:
    """The deviance of a fitted GLMM as a function of (θ, β) (lme4 1.1-31 ``getME(, "devfun")``).

    Built as lme4 builds it: a joint PIRLS at θ̂ from the response's ``linkfun(mustart)``
    gives ``lp0`` (``mkGlmerDevfun``), then the stage-2 deviance of the fit's nAGQ
    (``updateGlmerDevfun``; θ only for nAGQ = 0), with ``glmerControl()``'s ``tolPwrss``.
    Calling it never changes the fit.

    Parameters
    ----------
    fit : GlmerFit

    Attributes
    ----------
    n_theta : int
    lower : ndarray
        Bounds of the arguments (θ's, then −∞ for β).
    names : tuple of str
        lme4's θ names, then the fixed-effect names.
    """

    def __init__(self, fit: "GlmerFit"):
        from ..glmm.control import GlmerControl
        from ..glmm.devfun import ThetaBetaDevfun, ThetaDevfun
        from ..glmm.pirls import pirls

        tol = float(GlmerControl().tol_pwrss)
        predictor, resp = fit.predictor, fit.resp
        base = resp.offset
        eta0 = resp.family.link.linkfun(fit.inputs.mustart)
        init = pirls(predictor, resp, fit.theta, eta0, base, u_only=False, tol=tol)
        lp0 = init.eta - base
        self.n_theta = predictor.n_theta
        self.n_agq = fit.n_agq
        if self.n_agq > 0:
            self._fn: Any = ThetaBetaDevfun(predictor, resp, lp0, tol, self.n_agq)
            self.lower = np.concatenate([predictor.lower, np.full(predictor.p, -np.inf)])
            self.names = tuple(fit.inputs.re_terms.theta_names) + tuple(fit.inputs.X_columns)
        else:
            self._fn = ThetaDevfun(predictor, resp, lp0, tol)
            self.lower = predictor.lower.copy()
            self.names = tuple(fit.inputs.re_terms.theta_names)
        self._fn.last = init

    def __call__(self, par: Any) -> float:
        """The deviance at ``par`` = (θ, β) (θ alone for an nAGQ = 0 fit).

        Raises
        ------
        DataError
            ``par`` of the wrong length.
        NumericalError
            lme4's PIRLS errors at extreme parameters.
        """
        x = np.asarray(par, dtype=float).ravel()
        if x.size != self.lower.size:
            raise DataError(f"the deviance function takes {self.lower.size} values (θ then β), got {x.size}")
        return float(self._fn(x))
