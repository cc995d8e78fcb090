"""One more step when BOBYQA's end point may be premature (pylme's addition to lme4).

On flat criteria with several θ components, last-bit differences of the deviance make
BOBYQA's path fork from lme4's after a few evaluations, and the two programs then stop at
different points, either of them up to ~1e-5 above the optimum (lme4's own end point moves
that much when the rows of the data are permuted).  Two signs say an end point may be
premature, and each gets its own remedy; the result is kept only if it lowers the
criterion:

* lme4's gradient check would fail (a non-singular fit).  That check measures the Newton
  step ``H⁻¹g`` from lme4's finite-difference derivatives, which the fit has already
  computed, so the step is taken (up to :data:`NEWTON_STEPS` times while it lowers the
  criterion and the check still fails); if the check still fails, BOBYQA is restarted
  from the best point, lme4's own advice for its warning (``?convergence``).
* nloptwrap stopped on lme4's default ``ftol_abs`` (1e-8, left unchanged by the user):
  the criterion barely moved in one iteration while θ had not settled.  BOBYQA is
  restarted, and the restart kept only if it gains more than :data:`SETTLED_GAIN`.

Fits whose end point is settled — nearly all — keep lme4's iterates, end point and
evaluation count; ``feval`` counts every evaluation made here.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .control import LmerControl
from .convergence import gradient_check_fails, is_singular
from .optimize import Objective, OptResult, deriv12, optwrap

__all__ = ["polish", "newton_step", "NEWTON_STEPS", "SETTLED_GAIN"]

#: Newton steps tried while lme4's gradient check fails (each is one evaluation plus
#: lme4's finite-difference derivatives at the new point).
NEWTON_STEPS = 3

#: A restart after an ``ftol_abs`` stop replaces the end point only if it lowers the
#: criterion by more than this: smaller gains are moves along a settled optimum.
SETTLED_GAIN = 1e-7


def polish(fn: Objective, opt: OptResult, lower: np.ndarray, control: LmerControl,
           verbose: int = 0) -> OptResult:
    """The end point after the remedies above (``opt`` itself when it looks settled).

    Parameters
    ----------
    fn : callable
        The criterion (the optimizer's objective).
    opt : OptResult
        The optimizer's result, with lme4's derivatives when ``control.calc_derivs``.
    lower : ndarray
        θ's lower bounds.
    control : LmerControl
    verbose : int
        Passed to the optimizer on a restart.

    Returns
    -------
    OptResult
    """
    if opt.conv != 0:
        return opt
    singular = is_singular(opt.par, lower, control.check_conv_singular.tol)
    if not singular and gradient_check_fails(opt.derivs, control.check_conv_grad):
        for _ in range(NEWTON_STEPS):
            stepped = newton_step(fn, opt, lower)
            if stepped is opt:
                break
            opt = stepped
            if not gradient_check_fails(opt.derivs, control.check_conv_grad):
                return opt
        return _restart(fn, opt, lower, control, verbose, gain=0.0)
    if _ftol_stop(opt, control):
        return _restart(fn, opt, lower, control, verbose, gain=SETTLED_GAIN)
    return opt


def newton_step(fn: Objective, opt: OptResult, lower: np.ndarray) -> OptResult:
    """``θ − H⁻¹g`` from the end point's derivatives, if feasible and lower.

    lme4's ``checkConv`` flags a fit when this step (scaled by nothing else) exceeds its
    tolerance; taking it is the direct remedy.  The derivatives are recomputed at the new
    point (they decide lme4's convergence messages there).
    """
    derivs = opt.derivs
    with np.errstate(all="ignore"):
        try:
            step = np.linalg.solve(derivs.Hessian, derivs.gradient)
        except np.linalg.LinAlgError:
            return opt
    theta = opt.par - step
    if not np.all(np.isfinite(theta)) or np.any(theta < lower):
        return opt
    value = float(fn(theta))
    if not value < opt.fval:
        return opt
    return replace(opt, par=theta, fval=value, feval=opt.feval + 1, derivs=deriv12(fn, theta),
                   trace=opt.trace + ((theta.copy(), value),), polished="newton step")


def _restart(fn, opt: OptResult, lower, control: LmerControl, verbose: int, gain: float) -> OptResult:
    again = optwrap(control.optimizer, fn, opt.par, lower, control,
                    calc_derivs=control.calc_derivs, verbose=verbose)
    if not again.fval < opt.fval - gain:
        return opt
    return replace(again, feval=opt.feval + again.feval, trace=opt.trace + again.trace,
                   warnings=opt.warnings + again.warnings, polished="restart")


#: nloptwrap settings that ask for an earlier (or later) stop: when the user sets any of
#: them, the stop is the user's choice and is never second-guessed by a restart.
_STOPPING = ("ftol_abs", "ftol_rel", "xtol_abs", "xtol_rel", "maxeval")


def _ftol_stop(opt: OptResult, control: LmerControl) -> bool:
    """nloptwrap stopped on its default ``ftol_abs`` (the user set no stopping tolerance)."""
    return (opt.optimizer == "nloptwrap" and opt.message.startswith("NLOPT_FTOL_REACHED")
            and not any(key in control.opt_ctrl for key in _STOPPING))
