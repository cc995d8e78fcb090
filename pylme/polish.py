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
* A singular end point with a diagonal ``θ_jj = 0`` above non-zero entries of its column
  of the relative factor T (:func:`mirrored_edge`).  ``Σ = TTᵀ`` does not change when a
  column of T changes sign, and with ``θ_jj = 0`` the mirrored column is feasible too: the
  same model has two end points, and lme4's ``restart_edge`` tests the slope into the
  interior at only one of them.  There the slope of a covariance ``θ_jj·θ_ij`` changes sign
  with ``θ_ij``, so unless it is zero one of the two slopes descends, and the end point is
  no optimum (InstEval's ``(1 | dept) + (0 + service | dept)``: 1.54 of deviance).  BOBYQA
  is restarted from the mirror whose slope descends, as ``restart_edge`` restarts.

Fits whose end point is settled — nearly all — keep lme4's iterates, end point and
evaluation count; ``feval`` counts every evaluation made here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from .control import LmerControl
from .convergence import gradient_check_fails, is_singular
from .optimize import EDGE_STEP, Objective, OptResult, deriv12, optimize_lmer, optwrap

__all__ = ["polish", "newton_step", "mirrored_edge", "mirror_before_derivs", "NEWTON_STEPS",
           "SETTLED_GAIN", "MIRROR_RESTARTS"]

#: Newton steps tried while lme4's gradient check fails (each is one evaluation plus
#: lme4's finite-difference derivatives at the new point).
NEWTON_STEPS = 3

#: A restart after an ``ftol_abs`` stop replaces the end point only if it lowers the
#: criterion by more than this: smaller gains are moves along a settled optimum.
SETTLED_GAIN = 1e-7

#: Restarts from a mirrored singular end point, at most (each may end at another one).
MIRROR_RESTARTS = 3



def polish(fn: Objective, opt: OptResult, lower: np.ndarray, control: LmerControl,
           verbose: int = 0, judge: Objective | None = None) -> OptResult:
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
    judge : callable, optional
        The more accurate criterion for lme4's boundary steps after a restart from a
        mirror (see :func:`pylme.optimize.check_boundary`); default ``fn``.

    Returns
    -------
    OptResult
    """
    if opt.conv != 0:
        return opt
    if is_singular(opt.par, lower, control.check_conv_singular.tol):
        opt = mirrored_edge(fn, opt, lower, control, verbose, judge=judge)
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
                   trace=opt.trace + ((theta.copy(), value),), polished=_also(opt, "newton step"))


def _also(opt: OptResult, remedy: str) -> str:
    """``opt``'s remedies so far, then `remedy` (e.g. ``"mirrored edge + restart"``)."""
    return remedy if not opt.polished or opt.polished == remedy else f"{opt.polished} + {remedy}"


def _restart(fn, opt: OptResult, lower, control: LmerControl, verbose: int, gain: float) -> OptResult:
    again = optwrap(control.optimizer, fn, opt.par, lower, control,
                    calc_derivs=control.calc_derivs, verbose=verbose)
    return _kept(opt, again, gain, "restart") or opt


def _kept(opt: OptResult, again: OptResult, gain: float, remedy: str) -> OptResult | None:
    """``again`` (a restart after ``opt``) carrying ``opt``'s counts, trace and warnings,
    if it lowers the criterion by more than `gain`; else None."""
    if not again.fval < opt.fval - gain:
        return None
    return replace(again, feval=opt.feval + again.feval, trace=opt.trace + again.trace,
                   warnings=opt.warnings + again.warnings, polished=_also(opt, remedy))


#: nloptwrap settings that ask for an earlier (or later) stop: when the user sets any of
#: them, the stop is the user's choice and is never second-guessed by a restart.
_STOPPING = ("ftol_abs", "ftol_rel", "xtol_abs", "xtol_rel", "maxeval")


def _ftol_stop(opt: OptResult, control: LmerControl) -> bool:
    """nloptwrap stopped on its default ``ftol_abs`` (the user set no stopping tolerance)."""
    return (opt.optimizer == "nloptwrap" and opt.message.startswith("NLOPT_FTOL_REACHED")
            and not any(key in control.opt_ctrl for key in _STOPPING))


def mirrored_edge(fn: Objective, opt: OptResult, lower: np.ndarray, control: LmerControl,
                  verbose: int = 0, judge: Objective | None = None) -> OptResult:
    """Restart from the mirror image of a singular end point whose slope descends.

    For each diagonal ``θ_jj`` on its bound 0 with non-zero entries below it in its column
    of T (in lme4's column-major order those are the off-diagonal θ, lower bound -Inf,
    that follow it), the column's sign is flipped (the same ``Σ``, the same criterion) and
    the one-sided slope ``f(θ + 1e-5 e_jj) − f(θ)`` is taken there as ``restart_edge``
    takes it at the end point.  A descending slope restarts the optimizer (with lme4's
    ``restart_edge`` and boundary steps) from the mirror; the result is kept if it lowers
    the criterion by more than :data:`SETTLED_GAIN`, and is checked again, up to
    :data:`MIRROR_RESTARTS` times.  Costs two evaluations per such diagonal when no
    slope descends.

    Parameters
    ----------
    fn : callable
        The criterion.
    opt : OptResult
        A singular end point (after lme4's ``restart_edge`` and boundary steps).
    lower : ndarray
        θ's lower bounds (0 on diagonals, -Inf elsewhere: lme4's ``lower``).
    control : LmerControl
    verbose : int
        Passed to the optimizer on a restart.
    judge : callable, optional
        The criterion for the boundary steps' last-bit comparisons; default ``fn``.

    Returns
    -------
    OptResult
        ``opt`` itself when no mirror descends or no restart gains.
    """
    best = opt
    for _ in range(MIRROR_RESTARTS):
        again = _from_mirror(fn, best, lower, control, verbose, judge)
        if again is None:
            break
        best = again
    return best


def mirror_before_derivs(fn: Objective, lower: np.ndarray, control: LmerControl, verbose: int = 0,
                         judge: Objective | None = None,
                         restarts: int = MIRROR_RESTARTS) -> Callable[[OptResult], OptResult | None]:
    """The :func:`mirrored_edge` remedy applied at the optimizer's own end point, before
    lme4's derivatives are computed there (``optimize_lmer(before_derivs=)``): a point that
    is left for its mirror's basin costs no derivative check (801 evaluations with 20 θ).

    Returns a function of the optimizer's result giving the restart's result when it gains
    more than :data:`SETTLED_GAIN`, else None (lme4's steps then go on from that point).
    Parameters as :func:`mirrored_edge`; ``restarts`` bounds the nested restarts.
    """

    def hook(opt: OptResult) -> OptResult | None:
        if opt.conv != 0 or restarts <= 0:
            return None
        return _from_mirror(fn, opt, lower, control, verbose, judge, restarts - 1)

    return hook


def _from_mirror(fn: Objective, opt: OptResult, lower: np.ndarray, control: LmerControl, verbose: int,
                 judge: Objective | None, restarts: int = MIRROR_RESTARTS - 1) -> OptResult | None:
    """lme4's optimizeLmer from the descending mirror of ``opt``'s end point, if there is
    one and the result gains more than :data:`SETTLED_GAIN`; else None."""
    mirror = _descending_mirror(fn, opt.par, lower)
    if mirror is None:
        return None
    if verbose:
        print("a mirrored boundary point descends into the interior, restarting")
    again = optimize_lmer(fn, mirror, lower, control, verbose, judge=judge,
                          before_derivs=mirror_before_derivs(fn, lower, control, verbose, judge, restarts))
    return _kept(opt, again, SETTLED_GAIN, "mirrored edge")


def _descending_mirror(fn: Objective, theta: np.ndarray, lower: np.ndarray) -> np.ndarray | None:
    """The first mirror of `theta` (one column's sign flipped) whose edge slope is < 0."""
    for j in np.flatnonzero((lower == 0) & (theta == 0)):
        below = _column_below(lower, j)
        if not np.any(theta[below] != 0):
            continue
        mirror = theta.copy()
        mirror[below] = -mirror[below]
        inward = mirror.copy()
        inward[j] += EDGE_STEP
        if fn(inward) - fn(mirror) < 0:
            return mirror
    return None


def _column_below(lower: np.ndarray, j: int) -> np.ndarray:
    """Indices of the entries below diagonal `j` in its column of T: the run of
    unbounded θ that follows it (lme4 stores T's lower triangle column by column)."""
    end = j + 1
    while end < lower.size and np.isneginf(lower[end]):
        end += 1
    return np.arange(j + 1, end)
