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
import os
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Callable

import nlopt
import numpy as np

from .blas_threads import single_blas_thread
from .control import LmerControl
from .errors import OptimizerError, OptimizerWarning

__all__ = ["Derivs", "OptResult", "optimize_lmer", "optwrap", "deriv12", "evaluate_points", "check_boundary",
           "EDGE_STEP"]

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
        pylme's remedies applied after the optimizer stopped (``pylme.polish``):
        ``"newton step"``, ``"restart"``, ``"mirrored edge"``, several joined by ``" + "``,
        or ``""`` (none: lme4's own end point and count).
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
    from .optim import bobyqa  # loaded only when asked for: nloptwrap fits never need it
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
    from .optim import nelder_mead  # loaded only when asked for

    traced = _TracedObjective(fn, 0, "Nelder_Mead")  # lme4's Nelder-Mead prints for itself
    kwargs = {"xst": xst, "xt": xt, "maxfun": int(opt_ctrl.get("maxfun", 10000)), "iprint": iprint}
    if "MinfMax" in opt_ctrl:
        kwargs["min_f_max"] = float(opt_ctrl["MinfMax"])
    res, notes = _run_exact(nelder_mead, traced, par, lower, np.inf, **kwargs)
    conv = 4 if res.code == 4 else res.convergence  # optwrap: NM.result 4 -> convergence 4
    return res.par, res.fval, res.feval, conv, res.message, traced, notes


_OPTIMIZERS = {"nloptwrap": _nloptwrap, "bobyqa": _bobyqa, "Nelder_Mead": _nelder_mead}


def deriv12(fn: Objective, x: np.ndarray, delta: float = 1e-4, fx: float | None = None,
             *, threadsafe: bool = False) -> Derivs:
    """Central finite-difference gradient and Hessian (lme4 1.1-31 ``deriv12``), no bounds.

    The points and the arithmetic are lme4's: for each ``j`` the steps ``x ± δe_j``, then
    for each ``i < j`` the four corners ``x ± δe_i ± δe_j`` (``2k + 2k(k-1)`` evaluations,
    plus one at ``x`` unless ``fx`` is given, as lme4's ``optwrap`` passes ``opt$value``);
    ``H_jj = f₊/δ² - 2f/(δδ) + f₋/δ²``, ``g_j = (f₊ - f₋)/(δ + δ)``,
    ``H_ij = f₊₊/(2δ)² - f₊₋/(2δ)² - f₋₊/(2δ)² + f₋₋/(2δ)²``, left to right.

    Parameters
    ----------
    fn : callable
        The criterion; it must return the same value for the same θ (the points may be
        evaluated in any order).
    x : ndarray
        Where the derivatives are taken.
    delta : float
        The step.
    fx : float, optional
        ``fn(x)`` when already known.
    threadsafe : bool
        ``fn`` may be called from several threads at once (a
        :class:`~pylme.deviance.DevianceProblem`'s objective): the points are then spread
        over the machine's cores when that pays (:func:`evaluate_points`); the values,
        hence the result, are the same bits either way.

    Returns
    -------
    Derivs
    """
    x = np.asarray(x, dtype=float)
    k = x.size
    f0 = float(fn(x)) if fx is None else float(fx)
    values = iter(evaluate_points(fn, _deriv12_points(x, delta), threadsafe=threadsafe))
    g = np.empty(k)
    H = np.empty((k, k))
    dd = delta * delta  # R's delta^2 and udj * ldj: the same product
    d2 = (delta + delta) ** 2
    for j in range(k):
        fadd, fsub = next(values), next(values)
        H[j, j] = fadd / dd - 2 * f0 / dd + fsub / dd
        g[j] = (fadd - fsub) / (delta + delta)
        for i in range(j):
            faa, fas, fsa, fss = next(values), next(values), next(values), next(values)
            H[i, j] = H[j, i] = faa / d2 - fas / d2 - fsa / d2 + fss / d2
    return Derivs(gradient=g, Hessian=H)


def _deriv12_points(x: np.ndarray, delta: float) -> np.ndarray:
    """lme4 ``deriv12``'s evaluation points, in its order (one row each)."""
    k = x.size
    xadd, xsub = x + delta, x - delta
    rows = []
    for j in range(k):
        for sj in (xadd, xsub):
            p = x.copy()
            p[j] = sj[j]
            rows.append(p)
        for i in range(j):
            for si, sj in ((xadd, xadd), (xadd, xsub), (xsub, xadd), (xsub, xsub)):
                p = x.copy()
                p[i], p[j] = si[i], sj[j]
                rows.append(p)
    return np.array(rows).reshape(len(rows), k)


#: Below this estimated sequential time (s) the points are evaluated in the calling
#: thread: starting worker threads would cost more than it saves.
PARALLEL_MIN_SECONDS = 0.05
#: Worker threads at most (each thread holds its own work arrays of the deviance).
PARALLEL_MAX_WORKERS = 4


def evaluate_points(fn: Objective, points: np.ndarray, *, threadsafe: bool = False) -> list[float]:
    """``[fn(p) for p in points]``, on several cores when ``fn`` allows it and it pays.

    The first point is evaluated here and timed; when the rest would take longer than
    :data:`PARALLEL_MIN_SECONDS` and more than one CPU is idle (:func:`_idle_cpus`), the
    rest is shared by up to :data:`PARALLEL_MAX_WORKERS` threads.  Each value is computed
    independently, so the list is the same either way; an exception is raised for the
    first failing point in order, as the sequential loop raises it.
    """
    if len(points) == 0:
        return []
    workers = min(_idle_cpus(), PARALLEL_MAX_WORKERS, len(points) - 1) if threadsafe else 1
    if workers < 2:
        return [float(fn(p)) for p in points]
    start = time.perf_counter()
    first = float(fn(points[0]))
    if (time.perf_counter() - start) * (len(points) - 1) < PARALLEL_MIN_SECONDS:
        return [first] + [float(fn(p)) for p in points[1:]]
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        with single_blas_thread():  # one BLAS thread per worker, as in the fit
            rest = list(pool.map(fn, points[1:]))
    finally:  # a failing point (or Ctrl-C) drops the points not yet started
        pool.shutdown(wait=True, cancel_futures=True)
    return [first] + [float(v) for v in rest]


def _idle_cpus() -> int:
    """CPUs this process may use that other work does not keep busy (an estimate).

    The one-minute load average counts this process's own running thread; on a machine
    whose other users already fill the cores, extra threads only queue (and cost more
    than they save), so the points are then evaluated in the calling thread.
    """
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    try:
        busy = max(os.getloadavg()[0] - 1.0, 0.0)
    except (AttributeError, OSError):  # no load average on this platform
        busy = 0.0
    return max(int(usable - busy), 1)


def optwrap(
    optimizer: str, fn: Objective, par: np.ndarray, lower: np.ndarray, control: LmerControl,
    *, calc_derivs: bool, verbose: int = 0, threadsafe: bool = False,
) -> OptResult:
    """Run one optimizer the way lme4's ``optwrap`` does.

    Issues lme4's ``convergence code %d from <optimizer>: <message>`` warning for a
    non-zero code, then computes derivatives (when asked) at the optimum, from the
    optimizer's value there (lme4: ``deriv12(fn, opt$par, fx = opt$value)``).
    ``threadsafe``: ``fn`` may run in several threads at once (see :func:`deriv12`).
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
    derivs = deriv12(fn, x, fx=f, threadsafe=threadsafe) if calc_derivs else None
    return OptResult(par=x, fval=f, feval=feval, conv=conv, message=message, optimizer=optimizer,
                     control=dict(control.opt_ctrl), warnings=tuple(caught), derivs=derivs,
                     trace=tuple(traced.trace))


def optimize_lmer(
    fn: Objective, start: np.ndarray, lower: np.ndarray, control: LmerControl, verbose: int = 0,
    *, judge: Objective | None = None, threadsafe: bool = False,
    before_derivs: Callable[[OptResult], OptResult | None] | None = None,
) -> OptResult:
    """lme4's ``optimizeLmer``: optimize, restart at the edge, then snap to the boundary.

    ``judge``: a more accurate objective for the boundary snap's last-bit comparisons
    (see :func:`check_boundary`); default ``fn``.  ``threadsafe``: ``fn`` may run in
    several threads at once (lme4's derivative check is then spread over the cores).
    ``before_derivs``: called with the optimizer's end point before lme4's derivatives are
    computed there (as ``optwrap`` computes them); a result it returns is returned instead
    (pylme's restart from a mirrored edge, :mod:`pylme.polish`, which leaves that point and
    need not pay for its derivatives).
    """
    judge = fn if judge is None else judge
    opt = optwrap(control.optimizer, fn, start, lower, control, calc_derivs=False, verbose=verbose,
                  threadsafe=threadsafe)
    if before_derivs is not None:
        instead = before_derivs(opt)
        if instead is not None:
            return instead
    if control.calc_derivs:  # optwrap's derivatives, from the optimizer's value there
        opt = replace(opt, derivs=deriv12(fn, opt.par, fx=opt.fval, threadsafe=threadsafe))
    if control.restart_edge:
        opt = _restart_edge(fn, opt, lower, control, verbose, judge=judge, threadsafe=threadsafe)
    if control.boundary_tol > 0:
        opt = check_boundary(fn, opt, lower, control.boundary_tol, judge=judge)
    return opt


#: lme4's ``restart_edge`` step into the interior (one-sided slopes at a bound).
EDGE_STEP = 1e-5


def _restart_edge(fn, opt: OptResult, lower, control, verbose, judge, threadsafe=False) -> OptResult:
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
        theta[i] += EDGE_STEP
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
                       calc_derivs=control.calc_derivs, verbose=verbose, threadsafe=threadsafe)
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
