"""Refitting a model to a new response or by ML (lme4: ``refit.merMod``, ``refitML``).

Both reuse the parsed inputs (formula, frame, X, random-effects structure) and only
rebuild the deviance problem, then optimize from the fitted θ̂ — as lme4 does, without
the ``restart_edge`` and boundary steps of the first fit.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from ..arguments import response_arg
from ..control import LmerControl, as_control
from ..convergence import check_conv, emit
from ..degenerate import perfect_fit_conv
from ..optimize import check_boundary, optwrap
from ..recording import record

if TYPE_CHECKING:
    from .model import LmerFit

__all__ = ["refit", "refit_ml"]


def refit(fit: "LmerFit", newresp: Any = None, *, control: LmerControl | None = None) -> "LmerFit":
    """Fit the same model to a new response (lme4 ``refit``).

    Parameters
    ----------
    fit : LmerFit
        The fitted model.
    newresp : array-like, optional
        The new response: ``nobs`` values, or one per row of the original data (rows
        the fit dropped for missing values are then dropped again).  Logicals count as
        0/1; a one-column DataFrame or ``(n, 1)`` array is a vector, as in R.  ``None``
        refits to the same response.
    control : LmerControl, optional
        Defaults to the fit's control (optimizer and ``opt_ctrl``); a mapping is read as
        :func:`pylme.lmer` reads one.

    Returns
    -------
    LmerFit
        The new fit (the original is unchanged).

    Raises
    ------
    DataError
        lme4's texts: ``response must be numeric``, ``NA/NaN/Inf in 'y'``, the length
        check ``length(newresp <- as.numeric(as.vector(newresp))) == length(rr$y) is
        not TRUE``, ``refit not implemented for 'newresp' lists of length > 1`` (a
        DataFrame of several columns).
    ControlError
        An invalid ``control``.
    """
    y = fit.inputs.y if newresp is None else _new_response(fit, newresp)
    control = fit.control if control is None else as_control(control)
    inputs = dataclasses.replace(fit.inputs, y=y)
    # shares everything that does not depend on y; lme4's refit stores REML = 1 (TRUE as an
    # integer) in the new response module, so a REML refit optimises n - 1, not n - p
    problem = fit.problem.with_response(y, reml_df=1 if fit.problem.reml else None)
    return record(_reoptimize(fit, inputs, control, calc_derivs=fit.opt.derivs is not None,
                              problem=problem), "refit")  # pylme verify --python pairs it


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
    frame = fit.inputs.frame
    return response_arg(newresp, fit.nobs, fit.nobs + len(frame.dropped), frame.kept)


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
    conv = perfect_fit_conv(problem, opt.par, lower, control) or check_conv(opt.derivs, opt.par, lower, control)
    emit(conv)
    return LmerFit(inputs=inputs, problem=problem, opt=opt, conv=conv, solution=solution,
                   theta_start=fit.theta, control=control, data_name=fit.data_name,
                   weights_name=fit.weights_name, offset_name=fit.offset_name, call_args=fit.call_args)
