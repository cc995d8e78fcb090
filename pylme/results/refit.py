"""Refitting a model to a new response or by ML (lme4: ``refit.merMod``, ``refitML``).

Both reuse the parsed inputs (formula, frame, X, random-effects structure) and only
rebuild the deviance problem, then optimize from the fitted θ̂ — as lme4 does, without
the ``restart_edge`` and boundary steps of the first fit.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from ..control import LmerControl
from ..convergence import check_conv, emit
from ..errors import DataError
from ..optimize import check_boundary, optwrap

if TYPE_CHECKING:
    from .model import LmerFit

__all__ = ["refit", "refit_ml"]


def refit(fit: "LmerFit", newresp: Any = None, *, control: LmerControl | None = None) -> "LmerFit":
    """Fit the same model to a new response (lme4 ``refit``).

    Parameters
    ----------
    fit : LmerFit
    newresp : array-like, optional
        The new response: ``nobs`` values, or one per row of the original data (rows
        the fit dropped for missing values are then dropped again).  ``None`` refits to
        the same response.
    control : LmerControl, optional
        Defaults to the fit's control (optimizer and ``opt_ctrl``).
    """
    y = fit.inputs.y if newresp is None else _new_response(fit, newresp)
    inputs = dataclasses.replace(fit.inputs, y=y)
    problem = fit.problem.with_response(y)  # shares everything that does not depend on y
    return _reoptimize(fit, inputs, control or fit.control, calc_derivs=fit.opt.derivs is not None,
                       problem=problem)


def refit_ml(fit: "LmerFit", optimizer: str = "bobyqa") -> "LmerFit":
    """The ML fit of a REML model, started at the REML θ̂ (lme4 ``refitML``).

    lme4 uses minqa's BOBYQA here whatever the original optimizer was (this is what
    ``anova()`` and ``profile()`` do); an ML fit is returned unchanged.
    """
    if not fit.is_REML:
        return fit
    inputs = dataclasses.replace(fit.inputs, REML=False)
    control = dataclasses.replace(fit.control, optimizer=optimizer, opt_ctrl={})
    # minqa's BOBYQA lands exactly on a bound where NLopt's stops ~1e-8 short of it;
    # lme4's boundary snap reproduces minqa's result.
    return _reoptimize(fit, inputs, control, calc_derivs=True, snap=True)


def _new_response(fit: "LmerFit", newresp: Any) -> np.ndarray:
    y = np.asarray(newresp, dtype=float).reshape(-1)
    frame = fit.inputs.frame
    if y.size == fit.nobs + len(frame.dropped) and len(frame.dropped):
        y = y[np.asarray(frame.kept)]
    if y.size != fit.nobs:
        raise DataError(f"new response has {y.size} values, the model has {fit.nobs} observations")
    if not np.all(np.isfinite(y)):
        raise DataError("NA/NaN/Inf in 'y'")
    return y


def _reoptimize(fit: "LmerFit", inputs, control: LmerControl, *, calc_derivs: bool, snap: bool = False,
                problem=None) -> "LmerFit":
    from ..fit import make_problem, single_blas_thread
    from .model import LmerFit

    lower = inputs.re_terms.lower
    with single_blas_thread():
        problem = problem or make_problem(inputs)
        opt = optwrap(control.optimizer or "nloptwrap", problem.objective, fit.theta, lower, control,
                      calc_derivs=calc_derivs)
        if snap:
            opt = check_boundary(problem.objective, opt, lower, control.boundary_tol, rounding=1e-12)
        solution = problem.evaluate(opt.par)
    conv = check_conv(opt.derivs, opt.par, lower, control)
    emit(conv)
    return LmerFit(inputs=inputs, problem=problem, opt=opt, conv=conv, solution=solution,
                   theta_start=fit.theta, control=control, data_name=fit.data_name,
                   weights_name=fit.weights_name, offset_name=fit.offset_name, call_args=fit.call_args)
