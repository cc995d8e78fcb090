"""Interpolating splines of likelihood profiles (R: ``splines::interpSpline``, ``backSpline``).

lme4's ``profile`` fits, per parameter, the natural interpolating cubic spline of ζ on
the parameter (``interpSpline``) and its inverse (``backSpline``), a piecewise cubic in ζ
built from the forward spline's values and slopes at the knots.  Both are held here in
R's piecewise-polynomial form (``polySpline``): per knot ``k_i`` the coefficients
``(c1, c2, c3, c4)`` of ``c1 + c2 d + c3 d² + c4 d³`` with ``d = x − k_i``, valid on
``(k_i, k_{i+1}]``.

The natural cubic spline itself comes from :class:`scipy.interpolate.CubicSpline`
(``bc_type="natural"``): the same interpolant R computes through a B-spline basis, equal
up to rounding.  ``backSpline`` is R's algorithm, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

__all__ = ["PolySpline", "SplineError", "interp_spline", "back_spline"]

_ORDER = 4  # cubic


class SplineError(ValueError):
    """A spline could not be built (R: an error from ``interpSpline``/``backSpline``)."""


@dataclass(frozen=True, eq=False)
class PolySpline:
    """A cubic spline in piecewise-polynomial form (R: ``polySpline``/``npolySpline``).

    Attributes
    ----------
    knots : ndarray, shape (k,)
        Increasing knots.
    coef : ndarray, shape (k, 4)
        Per knot the coefficients of ``1, d, d², d³`` (R ``coef(spline)``).
    natural : bool
        Extrapolate linearly beyond the knots (R ``npolySpline``); otherwise values
        outside ``[knots[0], knots[-1]]`` are NaN (R ``polySpline``, e.g. a back spline).
    """

    knots: np.ndarray
    coef: np.ndarray
    natural: bool

    def __post_init__(self):
        for name in ("knots", "coef"):
            a = np.array(getattr(self, name), dtype=float)
            a.flags.writeable = False
            object.__setattr__(self, name, a)

    def __call__(self, x, deriv: int = 0) -> np.ndarray:
        """Values (or derivatives) at ``x`` (R ``predict(spline, x, deriv)$y``)."""
        x = np.atleast_1d(np.asarray(x, dtype=float))
        if not 0 <= deriv < _ORDER:
            raise ValueError(f"'deriv' must be between 0 and {_ORDER - 1}")
        coef = self._derivative_coef(deriv)
        # R: i <- cut(x, knots) (intervals closed on the right), x == knots[1] -> 1
        i = np.searchsorted(self.knots, x, side="left") - 1
        i[x == self.knots[0]] = 0
        inside = (i >= 0) & (i < self.knots.size - 1) & ~np.isnan(x)
        y = np.full(x.shape, np.nan)
        ii = i[inside]
        d = x[inside] - self.knots[ii]
        acc = coef[ii, -1]
        for j in range(coef.shape[1] - 2, -1, -1):  # Horner, as R's predict.polySpline
            acc = acc * d + coef[ii, j]
        y[inside] = acc
        if self.natural:
            y = self._extrapolate(x, y, deriv)
        return y

    def _derivative_coef(self, deriv: int) -> np.ndarray:
        coef = self.coef
        for _ in range(deriv):
            coef = coef[:, 1:] * np.arange(1, coef.shape[1])
        return coef

    def _extrapolate(self, x: np.ndarray, y: np.ndarray, deriv: int) -> np.ndarray:
        """Linear continuation beyond the end knots (R ``predict.npolySpline``)."""
        value, slope = self.coef[[0, -1], 0], self.coef[[0, -1], 1]
        y = y.copy()
        for end, outside in ((0, x < self.knots[0]), (1, x > self.knots[-1])):
            sel = np.isnan(y) & outside
            if deriv == 0:
                y[sel] = value[end] + slope[end] * (x[sel] - self.knots[-end])
            else:
                y[sel] = slope[end] if deriv == 1 else 0.0
        return y


def interp_spline(x, y) -> PolySpline:
    """Natural interpolating cubic spline of ``y`` on ``x`` (R ``interpSpline(x, y)``).

    Points are sorted by ``x``; NaN pairs must be removed by the caller (R's
    ``na.action``).

    Raises
    ------
    SplineError
        ``values of 'x' must be distinct`` or ``must have at least 'ord'=4 points``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if np.any(np.isnan(x)) or np.any(np.isnan(y)):
        raise SplineError("missing values in object")  # R's na.fail
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if np.any(np.diff(x) == 0):
        raise SplineError("values of 'x' must be distinct")
    if x.size < _ORDER:
        raise SplineError(f"must have at least 'ord'={_ORDER} points")
    cs = CubicSpline(x, y, bc_type="natural")
    coef = np.column_stack([y, cs(x, 1), cs(x, 2) / 2.0, cs(x, 3) / 6.0])
    # R pins the end second derivatives to exactly 0 and has no cubic term at the last knot
    coef[[0, -1], 2] = 0.0
    coef[-1, 3] = 0.0
    return PolySpline(knots=x, coef=coef, natural=True)


def back_spline(spline: PolySpline) -> PolySpline:
    """The inverse of a monotone natural cubic spline (R ``backSpline.npolySpline``).

    On each interval the inverse is the cubic in ζ that matches the knots and the
    reciprocal slopes at both ends; the end intervals are quadratics (linear when the
    quadratic would bend the wrong way), as in R.

    Raises
    ------
    SplineError
        ``spline must be monotone``.
    """
    knots, coeff = spline.knots, spline.coef
    nk = knots.size
    kdiff = np.diff(knots)
    if np.any(kdiff <= 0):
        raise SplineError("knot positions must be strictly increasing")
    bknots = coeff[:, 0]
    adiff = np.diff(bknots)
    if np.all(adiff < 0):
        rev = True
    elif np.all(adiff > 0):
        rev = False
    else:
        raise SplineError("spline must be monotone")
    b = np.zeros_like(coeff)
    b[:, 0] = knots
    with np.errstate(divide="ignore"):
        b[:, 1] = 1.0 / coeff[:, 1]
    for i in range(nk - 1):  # cubic Hermite pieces: value and slope at both ends
        a = np.array([[adiff[i] ** 2, adiff[i] ** 3], [2 * adiff[i], 3 * adiff[i] ** 2]])
        rhs = np.array([kdiff[i] - adiff[i] * b[i, 1], b[i + 1, 1] - b[i, 1]])
        b[i, 2:4] = _solve2(a, rhs)
    b[-1, 1:4] = np.nan
    if nk > 2:
        last = nk - 2
        b[0, 3] = b[last, 3] = 0.0
        a = np.array([[adiff[0], adiff[0] ** 2], [1.0, 2 * adiff[0]]])
        b[0, 1:3] = _solve2(a, np.array([kdiff[0], 1.0 / coeff[1, 1]]))
        b[last, 2] = (kdiff[last] - adiff[last] * b[last, 1]) / adiff[last] ** 2
    if b[0, 2] > 0:
        b[0, 2] = 0.0
        b[0, 1] = kdiff[0] / adiff[0]
    if b[nk - 2, 2] < 0:
        b[nk - 2, 2] = 0.0
        b[nk - 2, 1] = kdiff[nk - 2] / adiff[nk - 2]
    if rev:
        return PolySpline(knots=bknots[::-1], coef=b[::-1], natural=False)
    return PolySpline(knots=bknots, coef=b, natural=False)


def _solve2(a: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(a, rhs)
    except np.linalg.LinAlgError as exc:  # R: solve() fails -> the spline is unusable
        raise SplineError(f"Lapack routine dgesv: system is exactly singular: {exc}") from None
