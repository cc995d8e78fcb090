"""lme4's own Nelder–Mead (``lme4::Nelder_Mead``, ``src/optimizer.cpp``), iterate for iterate.

lme4 1.1-31 adapted NLopt's ``nldrmd`` to a reverse-communication object driven by the R
function ``Nelder_Mead``; this module reproduces both.  What makes it differ from
textbook Nelder–Mead (and from NLopt's), all reproduced here:

* box constraints by clipping every trial point into ``[lower, upper]``;
* the only stopping tests are x-convergence (every coordinate's largest distance of a
  vertex, the worst included, from the centroid below ``xt``, or exactly zero), a
  trial point coinciding with the centroid or the worst vertex, ``min_f_max`` and the
  evaluation limit.  lme4's ``FtolAbs``/``FtolRel`` are stored but never consulted, and
  ``XtolRel`` is never passed to the C++ object, whose own relative x-tolerance (1e-7)
  cannot fire except on an exact zero;
* an expansion point is kept when it beats the *worst* vertex (not the reflected point);
* only inside contractions; a failed contraction shrinks the simplex towards the best
  vertex and re-evaluates *all* n+1 vertices, the unchanged best one included;
* the evaluation limit is tested after the evaluation, so a run that hits it has made
  ``maxfun + 1`` evaluations, and R's wrapper then reports ``convergence = 0`` with
  ``NM.result = 4`` (lme4's ``optwrap`` turns that into convergence code 4).

Values and points are plain Python floats and lists: every operation is the one IEEE
double operation the C++ code performs, in its order, so the path is bit-identical.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ArgumentError, OptimizerError, OptimizerWarning

__all__ = ["NelderMeadResult", "nelder_mead", "NM_MESSAGES"]

_DBL_MAX = float(np.finfo(float).max)

# lme4's NM.result codes (external.cpp's mapping of the C++ status) and the messages of
# R's Nelder_Mead (``msgvec``); -4 (evaluation limit) is reported by R as 4
NM_MESSAGES = {
    -3: "nm_forced",
    -2: "cannot generate a feasible simplex",
    -1: "initial x is not feasible",
    0: "active",
    1: "objective function went below allowed minimum",
    2: "objective function values converged to within tolerance",
    3: "parameter values converged to within tolerance",
}
_ACTIVE, _MINF_MAX, _XCVG, _EVALS = 0, 1, 3, -4

# the algorithm's constants (optimizer.h): reflection, contraction, expansion, shrink
_ALPHA, _BETA, _GAMMA, _DELTA = 1.0, 0.5, 2.0, 0.5


@dataclass(frozen=True)
class NelderMeadResult:
    """What lme4's ``Nelder_Mead`` returns.

    Attributes
    ----------
    par : ndarray
        The best point evaluated (``xpos()``).
    fval : float
        The objective there (``value()``).
    feval : int
        Number of evaluations (R's loop counter ``it``).
    code : int
        ``NM.result``: 1 ``min_f_max`` reached, 3 x-converged, 4 evaluation limit.
    convergence : int
        R's ``convergence``: ``pmin(0, NM.result)``, i.e. 0 for every normal stop
        (including the evaluation limit, which R only signals by a warning).
    message : str
        R's message (``failure to converge in <maxfun> evaluations`` for code 4).
    """

    par: np.ndarray
    fval: float
    feval: int
    code: int
    convergence: int
    message: str


def _close(a: float, b: float) -> bool:
    # optimizer.cpp's close(): equal relative to floating-point precision
    return abs(a - b) <= 1e-13 * (abs(a) + abs(b))


def _eigen_vector(values, separator: str = " ") -> str:
    # Eigen's operator<< for a vector: the stream's %g (precision 6), every coefficient
    # right-aligned to the widest one; a row vector's coefficients are separated by a
    # space, a column vector's rows by a newline
    texts = ["%g" % v for v in values]
    width = max(len(t) for t in texts)
    return separator.join(t.rjust(width) for t in texts)


class _Simplex:
    """The C++ ``Nelder_Mead`` object: ``newf(f)`` installs the value at ``xeval``.

    Points are columns of the simplex, held here as a list of vertex lists.
    """

    def __init__(self, lower, upper, xst, x0, xt, maxfun, min_f_max, iprint):
        n = len(x0)
        self.n, self.lb, self.ub, self.xt = n, lower, upper, xt
        self.maxfun, self.min_f_max, self.verb = maxfun, min_f_max, iprint
        if any(x0[i] - lower[i] < 0 or upper[i] - x0[i] < 0 for i in range(n)):
            raise OptimizerError("initial x is not a feasible point")
        self.pts = [list(x0) for _ in range(n + 1)]
        for i in range(n):
            j = i + 1
            step = abs(xst[i])
            value = self.pts[j][i] + xst[i]
            if value > upper[i]:  # the upper bound is too close: go the other way
                value = upper[i] if upper[i] - x0[i] > step * 0.1 else x0[i] - step
            if value < lower[i]:
                if x0[i] - lower[i] > step * 0.1:
                    value = lower[i]
                else:  # the lower bound is too close: go the other way
                    value = x0[i] + step
                    if value > upper[i]:  # towards the farther of the two bounds
                        far = upper[i] if upper[i] - x0[i] > x0[i] - lower[i] else lower[i]
                        value = 0.5 * (far + x0[i])
            self.pts[j][i] = value
            if _close(value, x0[i]):
                raise OptimizerError("cannot generate feasible simplex")
        self.vals = [0.0] * (n + 1)
        self.x = list(x0)  # best point so far
        self.xeval = list(x0)  # where the next evaluation is wanted
        self.xcur = [0.0] * n
        self.c = [0.0] * n
        self.minf = math.inf
        self.nevals = 0
        self.init_pos = 0
        self.stage = "restart"
        self.fl = self.fh = self.f_old = 0.0
        self.il = self.ih = 0

    # -- the reverse-communication step -------------------------------------------------
    def newf(self, f: float) -> int:
        self.nevals += 1
        if self.verb > 0 and self.nevals % self.verb == 0:
            print(f"(NM) {self.nevals}: f = {self.minf:g} at {_eigen_vector(self.x)}")
        if f < self.minf:
            self.minf = f
            self.x = list(self.xeval)
            if self.minf < self.min_f_max:
                if self.verb == 1:
                    column = _eigen_vector(self.x, "\n")
                    print(f"(NM) nm_minf_max: {self.minf:g}, {self.min_f_max:g}, {column}")
                return _MINF_MAX
        if self.maxfun > 0 and self.nevals > self.maxfun:
            if self.verb == 1:
                print("(NM) nm_evals")
            return _EVALS
        if self.init_pos <= self.n:
            if self.verb == 1:
                print("(NM) init_pos <= d_n")
            return self._init(f)
        return getattr(self, "_" + self.stage)(f)

    def _init(self, f: float) -> int:
        self.vals[self.init_pos] = f
        self.init_pos += 1
        if self.init_pos > self.n:
            return self._restart(f)
        self.xeval = list(self.pts[self.init_pos])
        return _ACTIVE

    def _restart(self, f: float) -> int:
        n, pts, vals = self.n, self.pts, self.vals
        # Eigen's minCoeff/maxCoeff: first index wins ties, a NaN only when it comes first
        il, fl = 0, vals[0]
        ih, fh = 0, vals[0]
        for k in range(1, n + 1):
            if vals[k] < fl:
                il, fl = k, vals[k]
            if vals[k] > fh:
                ih, fh = k, vals[k]
        self.il, self.fl, self.ih, self.fh = il, fl, ih, fh
        c = self.c
        for i in range(n):
            total = pts[0][i]
            for k in range(1, n + 1):
                total = total + pts[k][i]
            c[i] = (total - pts[ih][i]) / n
        if self._x_converged():
            return _XCVG
        ok, self.xcur = self._reflect(c, _ALPHA, pts[ih])
        if not ok:
            return _XCVG
        self.xeval = list(self.xcur)
        self.stage = "postreflect"
        return _ACTIVE

    def _x_converged(self) -> bool:
        # nl_stop::x(0, maxdev) with lme4's fixed relative tolerance 1e-7: true when every
        # coordinate's largest deviation (worst vertex included) is below xt or exactly 0
        n, pts, c = self.n, self.pts, self.c
        for i in range(n):
            dev = max(abs(pts[k][i] - c[i]) for k in range(n + 1))
            if dev == math.inf:
                return False
            if not (dev < self.xt[i] or dev < 1e-7 * dev * 0.5 or dev == 0.0):
                return False
        return True

    def _postreflect(self, f: float) -> int:
        ih = self.ih
        if f < self.fl:  # a new best point: try expanding
            ok, self.xeval = self._reflect(self.c, _GAMMA, self.pts[ih])
            if not ok:
                return _XCVG
            self.stage = "postexpand"
            self.f_old = f
            return _ACTIVE
        if f < self.fh:  # accept the reflected point
            self.vals[ih] = f
            self.pts[ih] = list(self.xeval)
            return self._restart(f)
        # no better than the worst: inside contraction (f >= fh here, so always -beta)
        ok, self.xcur = self._reflect(self.c, -_BETA if self.fh <= f else _BETA, self.pts[ih])
        if not ok:
            return _XCVG
        self.f_old = f
        self.xeval = list(self.xcur)
        self.stage = "postcontract"
        return _ACTIVE

    def _postexpand(self, f: float) -> int:
        ih = self.ih
        if f < self.vals[ih]:  # lme4 compares with the worst value, not with f_r
            self.pts[ih] = list(self.xeval)
            self.vals[ih] = f
        else:
            self.pts[ih] = list(self.xcur)
            self.vals[ih] = self.f_old
        return self._restart(f)

    def _postcontract(self, f: float) -> int:
        ih, il = self.ih, self.il
        if f < self.f_old and f < self.fh:
            self.pts[ih] = list(self.xeval)
            self.vals[ih] = f
            return self._restart(f)
        # shrink every vertex halfway towards the best one, then re-evaluate all of them
        for k in range(self.n + 1):
            if k != il:
                ok, self.xeval = self._reflect(self.pts[il], -_DELTA, self.pts[k])
                if not ok:
                    return _XCVG
                self.pts[k] = list(self.xeval)
        self.init_pos = 0
        self.xeval = list(self.pts[0])
        return _ACTIVE

    def _reflect(self, c, scale: float, xold) -> tuple[bool, list[float]]:
        """``c + scale (c - xold)`` clipped to the box; False when it coincides with ``c`` or ``xold``."""
        new = []
        equal_c = equal_old = True
        for i in range(self.n):
            v = c[i] + scale * (c[i] - xold[i])
            v = min(max(v, self.lb[i]), self.ub[i])
            equal_c = equal_c and _close(v, c[i])
            equal_old = equal_old and _close(v, xold[i])
            new.append(v)
        return not (equal_c or equal_old), new


def _vector(value, n: int, name: str) -> list[float]:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    arr = arr.ravel()
    if arr.size != n:
        raise ArgumentError(f"length({name}) == n is not TRUE")
    return [float(v) for v in arr]


def nelder_mead(
    fn: Callable[[np.ndarray], float], x0, lower=-math.inf, upper=math.inf, *,
    xst=None, xt=None, maxfun: int = 10000, min_f_max: float = -_DBL_MAX, iprint: int = 0,
) -> NelderMeadResult:
    """Minimize ``fn`` with lme4's bounded Nelder–Mead (``lme4::Nelder_Mead``).

    Parameters
    ----------
    fn : callable
        ``fn(x) -> float``; an exception it raises propagates.  A NaN value is handled
        as the C++ code handles it (every comparison with it is false).
    x0 : array_like
        Start; must be finite and inside the bounds.
    lower, upper : float or array_like
        Bounds (a scalar applies to every coordinate, as lme4's ``optwrap`` recycles).
    xst : float or array_like, optional
        Initial simplex steps (lme4 default 0.02); none may be 0.
    xt : float or array_like, optional
        Absolute x-tolerances (lme4 default ``5e-4 * xst``).
    maxfun : int
        Evaluation limit (lme4 ``maxfun``); 0 or less means none, as in the C++ code.
    min_f_max : float
        Stop as soon as a value below this is found (lme4 ``MinfMax``).
    iprint : int
        Print progress every ``iprint`` evaluations, as lme4 does (``verbose`` 1, 2, 3
        map to 20, 10, 1); 0 prints nothing.

    Returns
    -------
    NelderMeadResult

    Raises
    ------
    OptimizerError
        A non-finite start, a start outside the bounds (lme4's R check
        ``all(x0 >= lower) is not TRUE``; the C++ object's own ``initial x is not a
        feasible point`` is never reached from R), ``cannot generate feasible simplex``.
    ArgumentError
        Mismatched lengths, a zero step, ``lower >= upper``, a tolerance ``xt <= 0``
        (including the default ``xt`` of a negative ``xst``), an empty start.
    """
    x = np.asarray(x0, dtype=float).ravel()
    n = x.size
    if n == 0:
        raise ArgumentError("(n <- length(lower <- as.numeric(lower))) > 0L is not TRUE")
    if not np.all(np.isfinite(x)):
        raise OptimizerError(f"non-finite starting values: {x.tolist()}")
    # the checks of lme4's R wrapper and of its NelderMead reference class, in their order
    lb, ub = _vector(lower, n, "lower"), _vector(upper, n, "upper")
    steps = _vector(0.02 if xst is None else xst, n, "xst")
    if any(s == 0 for s in steps):
        raise ArgumentError("all(xst != 0) is not TRUE")
    tols = [s * 5e-4 for s in steps] if xt is None else _vector(xt, n, "xt")
    if not all(lo < up for lo, up in zip(lb, ub)):
        raise ArgumentError("all(lower < upper) is not TRUE")
    if not all(v >= lo for v, lo in zip(x, lb)):
        raise OptimizerError("all(x0 >= lower) is not TRUE")
    if not all(v <= up for v, up in zip(x, ub)):
        raise OptimizerError("all(x0 <= upper) is not TRUE")
    if not all(t > 0 for t in tols):
        raise ArgumentError("all(xt > 0) is not TRUE")
    maxfun, iprint = int(maxfun), int(iprint)
    nm = _Simplex(lb, ub, steps, [float(v) for v in x], tols, maxfun, float(min_f_max), iprint)
    it = 0
    while True:
        it += 1
        status = nm.newf(float(fn(np.array(nm.xeval))))
        if status != _ACTIVE:
            break
    if status == _EVALS:
        code, message = 4, f"failure to converge in {maxfun} evaluations"
        warnings.warn(message, OptimizerWarning, stacklevel=2)
    else:
        code, message = status, NM_MESSAGES[status]
    return NelderMeadResult(par=np.array(nm.x), fval=float(nm.minf), feval=it, code=code,
                            convergence=min(0, code), message=message)
