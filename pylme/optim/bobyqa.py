"""Powell's BOBYQA exactly as ``minqa::bobyqa`` (minqa 1.2.5) runs it.

lme4 uses minqa's BOBYQA for ``lmerControl(optimizer = "bobyqa")`` and for the first
stage of ``glmer``.  This is a Python port of the Fortran that minqa compiles (Powell's
BOBYQA with minqa's modifications) together with minqa's R and C++ wrappers, so that
the same objective gives the same points, the same evaluation count and the same end
point as R.  PyPI's ``pdfo`` runs the same Fortran (its private classical routine
matches minqa on every test problem), but its wheels are built against NumPy 1 and do
not import under NumPy 2, and its public interface moves the start and ``rhobeg``
near bounds, which changes the path; hence the port.

What the wrappers add to Powell's algorithm, all reproduced:

* defaults ``npt = min(n+2, 2n)`` clamped to ``[n+2, (n+1)(n+2)/2]``,
  ``rhobeg = min(0.95, 0.2 max|par|)``, ``rhoend = 1e-6 rhobeg``, ``maxfun = 10000``,
  with minqa's warnings (``maxfun < 10 * length(par)^2 is not recommended.``, ...);
* a non-finite objective value is replaced by the largest double before Powell's code
  sees it (so BOBYQA backs away from it); a non-finite point is an error;
* Powell's start adjustment: a coordinate within ``rhobeg`` of a bound is moved onto
  the bound or ``rhobeg`` away from it;
* minqa's ``ierr`` codes and messages (``Normal exit from bobyqa``, ...);
* ``iprint`` output as minqa prints it (start line, ``rho:`` lines, evaluations,
  ``At return``).

Two of minqa's defects are documented rather than reproduced where reproducing them is
impossible: its RESCUE routine evaluates the objective at an undefined point (see
:mod:`pylme.optim._powell_rescue`); its ALTMOV never snaps a point onto a bound (that
one *is* reproduced, see :func:`pylme.optim._powell_steps.altmov`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ArgumentError, OptimizerError, OptimizerWarning
from ..printing.rformat import encode_real, format_info_real
from ._powell import run

__all__ = ["BobyqaResult", "bobyqa", "BOBYQA_MESSAGES"]

_DBL_MAX = float(np.finfo(float).max)

# minqa's R function: the Fortran IERR, then the code and message bobyqa() returns
BOBYQA_MESSAGES = {
    0: (0, "Normal exit from bobyqa"),
    10: (2, "bobyqa -- NPT is not in the required interval"),
    320: (5, "bobyqa detected too much cancellation in denominator"),
    390: (1, "bobyqa -- maximum number of function evaluations exceeded"),
    430: (3, "bobyqa -- a trust region step failed to reduce q"),
    20: (4, "bobyqa -- one of the box constraint ranges is too small (< 2*RHOBEG)"),
}


@dataclass(frozen=True)
class BobyqaResult:
    """What ``minqa::bobyqa`` returns.

    Attributes
    ----------
    par : ndarray
        The best point found.
    fval : float
        The objective at ``par``.  minqa evaluates ``fn(par)`` once more after Powell's
        code returns; ``par`` is the point whose value Powell's code holds, so that value
        is returned instead of a repeated evaluation (the raw value, as minqa's, when the
        objective was not finite there).
    feval : int
        Evaluations made by Powell's code (minqa's ``feval``: its own evaluations of the
        start and of the end point are not counted).
    ierr : int
        minqa's code: 0 normal, 1 evaluation limit, 2 bad npt, 3 a trust-region step
        failed to reduce the model, 4 a bound range below ``2 rhobeg``, 5 cancellation.
    message : str
        minqa's ``msg``.
    """

    par: np.ndarray
    fval: float
    feval: int
    ierr: int
    message: str


def _cat(values) -> str:
    # R's cat() of numbers: each formatted alone with 7 significant digits, space-separated
    out = []
    for v in np.atleast_1d(values):
        fmt = format_info_real([float(v)], 7)
        out.append(encode_real(float(v), fmt).strip())
    return " ".join(out)


def _cat_line(*parts) -> str:
    # cat("a", x, "b", "\n"): items separated by single spaces, as R's cat does
    return " ".join(str(p) for p in parts)


class _Calfun:
    """minqa's ``calfun``: counts, checks the point, sanitizes the value, prints."""

    def __init__(self, fn, iprint: int):
        self.fn, self.iprint = fn, iprint
        self.count = 0
        self.raw: dict[tuple, float] = {}  # non-finite values, by point

    def __call__(self, x: list) -> float:
        self.count += 1
        if not all(math.isfinite(v) for v in x):
            raise OptimizerError("non-finite x values not allowed in calfun")
        value = self.fn(np.array(x, dtype=float))
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise OptimizerError("Objective function must return a single numeric value.") from None
        if not math.isfinite(f):
            self.raw[tuple(x)] = f
            f = _DBL_MAX
        ip = self.iprint
        if ip == 3 or (ip > 3 and self.count % ip == 0):
            print("%3d:%#14.8g:" % (self.count, f) + "".join(" %#8g" % v for v in x))
        return f


def _on_rho(iprint: int):
    def report(rho, nf, fopt, xbase, xopt):
        if iprint >= 2:
            text = "rho: %#8.2g eval: %3d fn: %#12g par:" % (rho, nf, fopt)
            print(text + "".join("%#8g " % (b + o) for b, o in zip(xbase, xopt)))
    return report


def _vector(value, n: int, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    arr = arr.ravel()
    if arr.size != n:
        raise ArgumentError(f"length({name}) == n is not TRUE")
    return arr


def bobyqa(
    fn: Callable[[np.ndarray], float], x0, lower=-math.inf, upper=math.inf, *,
    rhobeg: float | None = None, rhoend: float | None = None, npt: int | None = None,
    maxfun: int = 10000, iprint: int = 0,
) -> BobyqaResult:
    """Minimize ``fn`` subject to bounds with minqa's BOBYQA (``minqa::bobyqa``).

    Parameters
    ----------
    fn : callable
        ``fn(x) -> float``; an exception it raises propagates.  Non-finite values are
        replaced by the largest double, as minqa does.
    x0 : array_like
        Start; finite and inside the bounds.
    lower, upper : float or array_like
        Bounds (a scalar applies to every coordinate); ``lower < upper`` everywhere.
    rhobeg, rhoend : float, optional
        Initial and final trust-region radius (minqa's defaults when None).
    npt : int, optional
        Number of interpolation points (minqa default ``min(n+2, 2n)``, clamped to
        ``[n+2, (n+1)(n+2)/2]``).
    maxfun : int
        Evaluation limit.
    iprint : int
        minqa's printing level (0 none, 1 start and end, 2 each ``rho``, 3 every
        evaluation; larger values print every ``iprint``-th evaluation).

    Returns
    -------
    BobyqaResult

    Raises
    ------
    OptimizerError
        Non-finite start (``all(is.finite(par)) is not TRUE``), ``Starting values violate
        bounds``, a non-numeric objective value.
    ArgumentError
        Bad lengths, ``lower >= upper``, ``rhoend`` not in ``(0, rhobeg]``.
    """
    par = np.asarray(x0, dtype=float).ravel()
    n = par.size
    if n == 0:
        raise ArgumentError("length(par) must be positive")
    if not np.all(np.isfinite(par)):
        raise OptimizerError("all(is.finite(par)) is not TRUE")
    # minqa's commonArgs
    npt_ = min(n + 2, 2 * n) if npt is None else int(npt)
    npt_ = max(n + 2, min(npt_, ((n + 1) * (n + 2)) // 2))
    if npt_ > 2 * n + 1:
        warnings.warn("Setting npt > 2 * length(par) + 1 is not recommended.", OptimizerWarning, stacklevel=2)
    rb = min(0.95, 0.2 * float(np.max(np.abs(par)))) if rhobeg is None else float(rhobeg)
    re = 1e-6 * rb if rhoend is None else float(rhoend)
    if not (0 < re and re <= rb):
        raise ArgumentError("0 < ctrl$rhoend is not TRUE" if not 0 < re else "ctrl$rhoend <= ctrl$rhobeg is not TRUE")
    maxfun = int(maxfun)
    if maxfun < 10 * n * n:
        warnings.warn("maxfun < 10 * length(par)^2 is not recommended.", OptimizerWarning, stacklevel=2)
    iprint = int(iprint)
    calfun = _Calfun(fn, iprint)
    check = None
    if iprint > 0:  # minqa evaluates the start first (uncounted); it is printed only then
        check = float(fn(par.copy()))
    # minqa's bobyqa(): bounds
    lo, up = _vector(lower, n, "lower"), _vector(upper, n, "upper")
    if not np.all(lo < up):
        raise ArgumentError("all(lower < upper) is not TRUE")
    if np.any((par < lo) | (par > up)):
        raise OptimizerError("Starting values violate bounds")
    rng = up - lo
    if np.any(rng < 2 * rb):
        warnings.warn("All upper - lower must be >= 2*rhobeg. Changing rhobeg", OptimizerWarning, stacklevel=2)
        rb = 0.2 * float(np.min(rng))
    # (minqa's "Jens modification" cannot fire after that change: every range is now >= 5 rhobeg)
    if iprint > 1:
        if np.all(np.isfinite(up)) and np.all(np.isfinite(lo)):
            print("ctrl$force.start =  FALSE ")
        print(_cat_line("npt =", npt_, ", n = ", n, ""))
        print(_cat_line("rhobeg = ", _cat(rb), ", rhoend = ", _cat(re), ""))
    if iprint > 0:
        print(_cat_line("start par. = ", _cat(par), "fn = ", _cat(check), ""))
    x, f, nf, ierr = run([float(v) for v in par], lo.tolist(), up.tolist(), npt_, rb, re, maxfun,
                         calfun, _on_rho(iprint))
    if ierr in (10, 20):  # Powell's code returned before evaluating anything
        f = float(fn(np.array(x)))
    elif f == _DBL_MAX and tuple(x) in calfun.raw:
        f = calfun.raw[tuple(x)]
    if iprint > 0:
        print("At return")
        print("eval: %3d fn: %#14.8g par:" % (nf, f) + "".join(" %#8g" % v for v in x))
    code, message = BOBYQA_MESSAGES[ierr]
    return BobyqaResult(par=np.array(x, dtype=float), fval=float(f), feval=calfun.count,
                        ierr=code, message=message)
