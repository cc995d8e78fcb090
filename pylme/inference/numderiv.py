"""Richardson-extrapolated numerical derivatives (R: package numDeriv 2016.8-1.1).

lmerTest computes its Satterthwaite degrees of freedom from ``numDeriv::hessian`` of
the deviance and ``numDeriv::jacobian`` of ``vcov(beta)``; reproducing lmerTest's
numbers to many digits needs the same step sizes, the same evaluation points and the
same extrapolation, so both routines are transcribed here operation for operation.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["hessian", "jacobian", "ZERO_TOL"]

#: numDeriv's default ``zero.tol``: ``sqrt(.Machine$double.eps / 7e-7)``.
ZERO_TOL = float(np.sqrt(np.finfo(float).eps / 7e-7))


def _steps(x: np.ndarray, d: float, eps: float, zero_tol: float) -> np.ndarray:
    """numDeriv's initial steps ``abs(d * x) + eps * (abs(x) < zero.tol)``."""
    return np.abs(d * x) + eps * (np.abs(x) < zero_tol)


def _richardson(a: list, r: int) -> object:
    """Combine ``r`` estimates with steps halving each time (``v = 2``) into one."""
    a = list(a)
    for m in range(1, r):
        four = 4.0**m
        a = [(a[k + 1] * four - a[k]) / (four - 1) for k in range(r - m)]
    return a[0]


def _unit(n: int, i: int, h: np.ndarray) -> np.ndarray:
    """``(i == (1:n)) * h``: the step vector along coordinate ``i`` only."""
    e = np.zeros(n)
    e[i] = h[i]
    return e


def hessian(func: Callable[[np.ndarray], float], x, eps: float = 1e-4, d: float = 0.1,
            zero_tol: float = ZERO_TOL, r: int = 4) -> np.ndarray:
    """Hessian of a scalar function (numDeriv ``hessian(method = "Richardson")`` via ``genD``).

    Parameters
    ----------
    func : callable
        ``func(x) -> float``.
    x : array_like
        The point.
    eps, d, zero_tol, r : float, float, float, int
        numDeriv's ``method.args`` for ``hessian`` (defaults as in numDeriv:
        relative step ``d = 0.1``, absolute step ``eps`` near zero, ``r = 4``
        Richardson iterations; ``v = 2``).

    Returns
    -------
    ndarray, shape (n, n)
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    f0 = float(func(x))
    h0 = _steps(x, d, eps, zero_tol)
    hdiag = np.zeros(n)
    for i in range(n):
        h = h0.copy()
        approx = []
        for _ in range(r):
            step = _unit(n, i, h)
            f1, f2 = float(func(x + step)), float(func(x - step))
            approx.append((f1 - 2 * f0 + f2) / h[i] ** 2)
            h = h / 2
        hdiag[i] = _richardson(approx, r)
    H = np.diag(hdiag)
    for i in range(n):
        for j in range(i):
            H[i, j] = H[j, i] = _cross(func, x, f0, h0, hdiag, i, j, r)
    return H


def _cross(func, x: np.ndarray, f0: float, h0: np.ndarray, hdiag: np.ndarray,
           i: int, j: int, r: int) -> float:
    """genD's off-diagonal entry: the diagonal parts removed from a joint step."""
    n = x.size
    h = h0.copy()
    approx = []
    for _ in range(r):
        step = _unit(n, i, h) + _unit(n, j, h)
        f1, f2 = float(func(x + step)), float(func(x - step))
        approx.append((f1 - 2 * f0 + f2 - hdiag[i] * h[i] ** 2 - hdiag[j] * h[j] ** 2)
                      / (2 * h[i] * h[j]))
        h = h / 2
    return float(_richardson(approx, r))


def jacobian(func: Callable[[np.ndarray], np.ndarray], x, eps: float = 1e-4, d: float = 1e-4,
             zero_tol: float = ZERO_TOL, r: int = 4) -> np.ndarray:
    """Jacobian of a vector function (numDeriv ``jacobian(method = "Richardson")``).

    Returns
    -------
    ndarray, shape (len(func(x)), len(x))
        Column ``i`` is the derivative along ``x[i]``.
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    h = _steps(x, d, eps, zero_tol)
    columns: list[list[np.ndarray]] = [[] for _ in range(n)]
    for _ in range(r):  # numDeriv loops over step sizes outside the coordinates
        for i in range(n):
            step = _unit(n, i, h)
            diff = np.asarray(func(x + step), float) - np.asarray(func(x - step), float)
            columns[i].append(diff / (2 * h[i]))
        h = h / 2
    return np.column_stack([_richardson(col, r) for col in columns])
