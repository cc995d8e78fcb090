"""Minimizing the profiled deviance over θ (lme4: ``optwrap``, ``optimizeLmer``, ``nloptwrap``).

The default optimizer is NLopt's BOBYQA with exactly the settings lme4's ``nloptwrap``
passes to nloptr: ``xtol_abs = ftol_abs = 1e-8``, ``maxeval = 1e5`` and nloptr's hidden
default ``xtol_rel = 1e-4``; NLopt's own initial-step heuristic is left alone because it
is part of what makes the iterates (and the evaluation counts) identical to lme4's.

``"bobyqa"`` is minqa's BOBYQA and ``"Nelder_Mead"`` lme4's own Nelder–Mead, both
reproduced iterate for iterate by :mod:`pylme.optim`, with the settings lme4's
``optwrap`` gives them for lmer (``adj = FALSE``): bobyqa with minqa's defaults
(``rhobeg = min(0.95, 0.2 max|θ|)``, ``rhoend = 1e-6 rhobeg``, ``npt = min(n+2, 2n)``,
``maxfun = 10000``; an all-zero start becomes 0.001) and ``iprint = min(verbose, 3)``;
Nelder_Mead with ``xst = 0.02``, ``xt = 5e-4 xst`` and ``iprint`` 0, 20, 10, 1 for
``verbose`` 0–3.  The optimizers print their own progress, as minqa and lme4 do.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import Callable

import nlopt
import numpy as np

from .control import LmerControl
from .errors import OptimizerError, OptimizerWarning
from .optim import bobyqa, nelder_mead

__all__ = ["Derivs", "OptResult", "optimize_lmer", "optwrap", "deriv12", "check_boundary"]

Objective = Callable[[np.ndarray], float]

NLOPT_MESSAGES = {
    1: "NLOPT_SUCCESS: Generic success return value.",
    2: "NLOPT_STOPVAL_REACHED: Optimization stopped because stopval (above) was reached.",
    3: "NLOPT_FTOL_REACHED: Optimization stopped because ftol_rel or ftol_abs (above) was reached.",
    4: "NLOPT_XTOL_REACHED: Optimization stopped because xtol_rel or xtol_abs (above) was reached.",
    5: "NLOPT_MAXEVAL_REACHED: Optimization stopped because maxeval (above) was reached.",
    6: "NLOPT_MAXTIME_REACHED: Optimization stopped because maxtime (above) was reached.",
    -1: "NLOPT_FAILURE: Generic failure code.",
    -2: "NLOPT_INVALID_ARGS: Invalid arguments (e.g. lower bounds are bigger than upper bounds, "
    "an unknown algorithm was specified, etcetera).",
    -3: "NLOPT_OUT_OF_MEMORY: Ran out of memory.",
    -4: "NLOPT_ROUNDOFF_LIMITED: Roundoff errors led to a breakdown of the optimization algorithm. "
    "In this case, the returned minimum may still be useful. (e.g. this error occurs in NEWUOA "
    "if one tries to achieve a tolerance too close to machine precision.)",
    -5: "NLOPT_FORCED_STOP: Halted because of a forced termination: the user called "
    "nlopt_force_stop(opt) on the optimization's nlopt_opt object or from the user's objective "
    "function or constraints.",
}
_NLOPTWRAP_DEFAULTS = {"xtol_rel": 1e-4, "xtol_abs": 1e-8, "ftol_abs": 1e-8, "ftol_rel": 0.0, "maxeval": 100000}


@dataclass(frozen=True)
class Derivs:
    """Central finite-difference gradient and Hessian at the optimum (lme4 ``deriv12``)."""

    gradient: np.ndarray
    Hessian: np.ndarray


@dataclass(frozen=True)
class OptResult:
    """What the optimizer reported (lme4: the ``opt`` list and ``@optinfo``).

    Attributes
    ----------
    par, fval : ndarray, float
        The optimum θ and the objective there.
    feval : int
        Objective evaluations made by the optimizer itself (not counting derivatives).
    conv : int
        lme4's convergence code (0 = OK; 5 = maxeval for nloptwrap, ...).
    message : str
        The optimizer's status text (nloptr's wording for nloptwrap).
    warnings : tuple of str
        Warnings raised while optimizing (lme4 ``optinfo$warnings``).
    derivs : Derivs or None
        Gradient and Hessian when ``calc_derivs``.
    trace : tuple of (θ, f)
        Every evaluation made by the optimizer, in order.
    polished : str
        pylme's remedy applied after the optimizer stopped (``pylme.polish``):
        ``"newton step"``, ``"restart"`` or ``""`` (none: lme4's own end point and count).
    """

    par: np.ndarray
    fval: float
    feval: int
    conv: int
    message: str
    optimizer: str | None  # None for LmerControl(optimizer=None), as lme4's NULL
    control: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    derivs: Derivs | None = None
    trace: tuple[tuple[np.ndarray, float], ...] = ()
    polished: str = ""


class _TracedObjective:
    """Counts, records and (for ``verbose``) prints evaluations as nloptr's print_level does."""

    def __init__(self, fn: Objective, verbose: int, style: str):
        self.fn, self.verbose, self.style = fn, verbose, style
        self.trace: list[tuple[np.ndarray, float]] = []
        self.error: BaseException | None = None

    def __call__(self, x: np.ndarray, grad: np.ndarray) -> float:
        try:
            value = float(self.fn(np.array(x, dtype=float)))
        except Exception as exc:  # noqa: BLE001 - re-raised after NLopt returns
            self.error = exc
            raise nlopt.ForcedStop from exc
        self.trace.append((np.array(x, dtype=float), value))
        if self.verbose > 0:
            self._print(x, value)
        return value

    def _print(self, x: np.ndarray, value: float) -> None:
        k = len(self.trace)
        if self.style == "nloptwrap":
            print(f"iteration: {k}")
            if self.verbose >= 3:
                print("\tx = ( " + ", ".join(f"{v:f}" for v in x) + " )")
            print(f"\tf(x) = {value:f}")
        else:
            print(f"{k:4d}: {value:.10g}: " + " ".join(f"{v:.6g}" for v in x))


def _run_nlopt(
    algorithm: int, fn: _TracedObjective, par: np.ndarray, lower: np.ndarray, settings: dict
) -> tuple[np.ndarray, float, int]:
    if not np.all(np.isfinite(par)):  # NLopt corrupts memory on a NaN start
        raise OptimizerError(f"non-finite starting values: {np.asarray(par).tolist()}")
    opt = nlopt.opt(algorithm, par.size)
    opt.set_lower_bounds(lower)
    opt.set_upper_bounds(np.full(par.size, np.inf))
    opt.set_min_objective(fn)
    opt.set_xtol_rel(settings["xtol_rel"])
    opt.set_xtol_abs(np.full(par.size, settings["xtol_abs"]))
    opt.set_ftol_abs(settings["ftol_abs"])
    opt.set_ftol_rel(settings["ftol_rel"])
    opt.set_maxeval(int(settings["maxeval"]))
    if "initial_step" in settings:
        opt.set_initial_step(np.asarray(settings["initial_step"], float))
    try:
        x = opt.optimize(par)
        return np.asarray(x, float), float(opt.last_optimum_value()), int(opt.last_optimize_result())
    except nlopt.ForcedStop:
        if fn.error is not None:
            raise fn.error
        return _best(fn, par), _best_value(fn), -5
    except nlopt.RoundoffLimited:
        return _best(fn, par), _best_value(fn), -4
    except (ValueError, RuntimeError) as exc:
        if fn.error is not None:
            raise fn.error from exc
        raise OptimizerError(f"NLopt failed: {exc}") from exc


def _best(fn: _TracedObjective, par: np.ndarray) -> np.ndarray:
    if not fn.trace:
        return par.copy()
    return min(fn.trace, key=lambda t: t[1])[0]


def _best_value(fn: _TracedObjective) -> float:
    return min((t[1] for t in fn.trace), default=np.nan)


def _nloptwrap(fn, par, lower, opt_ctrl, verbose):
    settings = {**_NLOPTWRAP_DEFAULTS, **{k: v for k, v in opt_ctrl.items() if k in _NLOPTWRAP_DEFAULTS}}
    traced = _TracedObjective(fn, verbose, "nloptwrap")
    x, f, status = _run_nlopt(nlopt.LN_BOBYQA, traced, par, lower, settings)
    conv = status if (status < 0 or status == 5) else 0
    return x, f, len(traced.trace), conv, NLOPT_MESSAGES.get(status, str(status)), traced, []


def _run_exact(optimizer, fn: _TracedObjective, *args, **kwargs):
    """Run a :mod:`pylme.optim` optimizer; its warnings become optwrap's notes.

    The objective's own exceptions propagate unchanged, and warnings that are not the
    optimizer's (the deviance's) pass through untouched.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = optimizer(lambda x: fn(x, _NO_GRAD), *args, **kwargs)
        except nlopt.ForcedStop:
            raise fn.error from None
    notes = []
    for w in caught:
        if issubclass(w.category, OptimizerWarning):
            notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, notes


_NO_GRAD = np.empty(0)


def _iprint(value) -> int:
    # an infinite print level prints nothing (R's as.integer(Inf) is NA)
    value = float(value)
    return int(value) if math.isfinite(value) else 0


def _bobyqa(fn, par, lower, opt_ctrl, verbose):
    """minqa's ``bobyqa`` (lme4's ``optimizer = "bobyqa"``), exactly: :func:`pylme.optim.bobyqa`."""
    par = par.copy()
    if np.all(par == 0):
        par[:] = 0.001  # lme4 optwrap's tweak for bobyqa
    iprint = _iprint(opt_ctrl["iprint"]) if "iprint" in opt_ctrl else min(int(verbose), 3)
    traced = _TracedObjective(fn, 0, "bobyqa")  # minqa prints for itself
    npt = opt_ctrl.get("npt")
    res, notes = _run_exact(
        bobyqa, traced, par, lower, np.inf, rhobeg=opt_ctrl.get("rhobeg"), rhoend=opt_ctrl.get("rhoend"),
        npt=None if npt is None else int(npt), maxfun=int(opt_ctrl.get("maxfun", 10000)), iprint=iprint)
    return res.par, res.fval, res.feval, res.ierr, res.message, traced, notes


# lme4's Nelder_Mead: iprint from verbose (0, 1, 2, 3 -> 0, 20, 10, 1; other values print nothing)
_NM_IPRINT = {0: 0, 1: 20, 2: 10, 3: 1}


def _nelder_mead(fn, par, lower, opt_ctrl, verbose):
    """lme4's own ``Nelder_Mead``, exactly: :func:`pylme.optim.nelder_mead`.

    lmer's ``optwrap`` (``adj = FALSE``) leaves lme4's defaults ``xst = 0.02`` and
    ``xt = 5e-4 xst``; ``FtolAbs``, ``FtolRel`` and ``XtolRel`` are accepted and, as in
    lme4, have no effect; ``verbose`` in ``optCtrl`` is replaced by lmer's, as lme4 does.
    """
    xst = opt_ctrl.get("xst", 0.02)
    xt = opt_ctrl.get("xt")
    if "iprint" in opt_ctrl:
        iprint = _iprint(opt_ctrl["iprint"])
    else:
        iprint = _NM_IPRINT.get(min(int(verbose), 3), 0)
    traced = _TracedObjective(fn, 0, "Nelder_Mead")  # lme4's Nelder-Mead prints for itself
    kwargs = {"xst": xst, "xt": xt, "maxfun": int(opt_ctrl.get("maxfun", 10000)), "iprint": iprint}
    if "MinfMax" in opt_ctrl:
        kwargs["min_f_max"] = float(opt_ctrl["MinfMax"])
    res, notes = _run_exact(nelder_mead, traced, par, lower, np.inf, **kwargs)
    conv = 4 if res.code == 4 else res.convergence  # optwrap: NM.result 4 -> convergence 4
    return res.par, res.fval, res.feval, conv, res.message, traced, notes


_OPTIMIZERS = {"nloptwrap": _nloptwrap, "bobyqa": _bobyqa, "Nelder_Mead": _nelder_mead}


def deriv12(fn: Objective, x: np.ndarray, delta: float = 1e-4, fx: float | None = None) -> Derivs:
    """Central finite-difference gradient and Hessian (lme4 ``deriv12``), no bound handling."""
    k = x.size
    f0 = fn(x) if fx is None else fx
    g = np.empty(k)
    H = np.empty((k, k))
    step = np.eye(k) * delta
    for i in range(k):
        fp, fm = fn(x + step[i]), fn(x - step[i])
        g[i] = (fp - fm) / (2 * delta)
        H[i, i] = (fp + fm - 2 * f0) / delta**2
        for j in range(i):
            H[i, j] = H[j, i] = (
                fn(x + step[i] + step[j]) - fn(x + step[i] - step[j])
                - fn(x - step[i] + step[j]) + fn(x - step[i] - step[j])
            ) / (4 * delta**2)
    return Derivs(gradient=g, Hessian=H)


def optwrap(
    optimizer: str, fn: Objective, par: np.ndarray, lower: np.ndarray, control: LmerControl,
    *, calc_derivs: bool, verbose: int = 0,
) -> OptResult:
    """Run one optimizer the way lme4's ``optwrap`` does.

    Issues lme4's ``convergence code %d from <optimizer>: <message>`` warning for a
    non-zero code, then computes derivatives (when asked) at the optimum.
    """
    run = _OPTIMIZERS[optimizer]
    x, f, feval, conv, message, traced, notes = run(fn, np.asarray(par, float), lower, control.opt_ctrl, verbose)
    caught = list(notes)
    for note in notes:
        warnings.warn(note, OptimizerWarning, stacklevel=4)
    if conv != 0:
        text = f"convergence code {conv} from {optimizer}: {message}"
        warnings.warn(text, OptimizerWarning, stacklevel=4)
        caught.append(text)
    derivs = deriv12(fn, x) if calc_derivs else None
    return OptResult(par=x, fval=f, feval=feval, conv=conv, message=message, optimizer=optimizer,
                     control=dict(control.opt_ctrl), warnings=tuple(caught), derivs=derivs,
                     trace=tuple(traced.trace))


def optimize_lmer(
    fn: Objective, start: np.ndarray, lower: np.ndarray, control: LmerControl, verbose: int = 0,
    *, judge: Objective | None = None,
) -> OptResult:
    """lme4's ``optimizeLmer``: optimize, restart at the edge, then snap to the boundary.

    ``judge``: a more accurate objective for the boundary snap's last-bit comparisons
    (see :func:`check_boundary`); default ``fn``.
    """
    judge = fn if judge is None else judge
    opt = optwrap(control.optimizer, fn, start, lower, control, calc_derivs=control.calc_derivs, verbose=verbose)
    if control.restart_edge:
        opt = _restart_edge(fn, opt, lower, control, verbose, judge=judge)
    if control.boundary_tol > 0:
        opt = check_boundary(fn, opt, lower, control.boundary_tol, judge=judge)
    return opt


def _restart_edge(fn, opt: OptResult, lower, control, verbose, judge) -> OptResult:
    """Re-run the optimizer when a θ on its bound has a negative one-sided slope.

    The slopes are differences over a 1e-5 step, taken with ``judge`` (see
    :func:`check_boundary`)."""
    on_bound = np.flatnonzero(opt.par == lower)
    if on_bound.size == 0:
        return opt
    d0 = judge(opt.par)
    slopes = []
    for i in on_bound:
        theta = opt.par.copy()
        theta[i] += 1e-5
        slopes.append(judge(theta) - d0)
    slopes = np.asarray(slopes)
    if np.any(np.isnan(slopes)):
        warnings.warn("some gradient components are NA near boundaries, skipping boundary check",
                      OptimizerWarning, stacklevel=4)
        return opt
    if np.any(slopes < 0):
        if verbose:
            print("some theta parameters on the boundary, restarting")
        return optwrap(control.optimizer, fn, opt.par, lower, control,
                       calc_derivs=control.calc_derivs, verbose=verbose)
    return opt


def check_boundary(fn, opt: OptResult, lower, tol: float, rounding: float = 0.0, judge=None) -> OptResult:
    """Snap θ within ``tol`` of a bound onto it when that lowers the objective (lme4 ``check.boundary``).

    As lme4, every candidate (earlier snaps applied) is compared with the objective at the
    optimizer's end point.  ``judge`` (default ``fn``) is the objective used for those
    comparisons: the differences decided here are often at the last bits, so a caller
    with a more accurate evaluation than its fast path passes it.  ``rounding``
    (relative) also accepts a bound that is no worse beyond rounding; lme4's own rule is
    strict (0).
    """
    gap = opt.par - lower
    near = np.flatnonzero((gap > 0) & (gap < tol))
    if near.size == 0:
        return opt
    judge = fn if judge is None else judge
    theta = opt.par.copy()
    reference = opt.fval if judge is fn else judge(opt.par)
    for i in near:
        trial = theta.copy()
        trial[i] = lower[i]
        value = judge(trial)
        if value < reference or value <= reference + rounding * abs(reference):
            theta = trial
    return replace(opt, par=theta, fval=float(fn(theta)))
