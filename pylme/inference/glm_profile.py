"""Profile-likelihood intervals of a GLM, as R 4.2 computes them (MASS ``confint.glm``).

``confint()`` of a ``glm`` in R 4.2 is MASS's: ``profile.glm`` steps each coefficient
away from its estimate (steps of ``zmax / 5`` standard errors, ``zmax =
sqrt(qchisq(1 − α, 1))`` for binomial/Poisson, ``sqrt(qf(1 − α, 1, n − p))`` otherwise,
α = (1 − level) / 4, at most 9 steps each way), refits the other coefficients with
``glm.fit`` (offset ``x_i b_i``, η started at the previous step's), and records the
signed root deviance ``z``; ``confint.profile.glm`` interpolates ``z`` against the
coefficient with R's ``spline()`` (Forsythe–Malcolm–Moler end conditions, ``3 n``
points) and reads the coefficient at ``qnorm(α/2)`` and ``qnorm(1 − α/2)`` with R's
``approx()`` (linear; NA outside the profiled range).  R's ``spline``/``approx``
helpers are here as well.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from ..errors import ConvergenceWarning, NumericalError
from .glm_fit import glm_fit

__all__ = ["profile_confint", "r_spline", "r_approx", "r_seq_length"]


def r_seq_length(start: float, end: float, n: int) -> np.ndarray:
    """R's ``seq.int(start, end, length.out = n)`` (the ends exact, the inner points
    counted from the nearer end)."""
    out = np.empty(n)
    if n > 0:
        out[0] = start
    if n > 1:
        out[-1] = end
    if n > 2:
        by = (end - start) / (n - 1)
        for i in range(1, n - 1):
            out[i] = start + i * by if i < n // 2 else end - (n - 1 - i) * by
    return out


def _regularize(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``regularize.values(x, y, mean)``: NA pairs dropped, sorted by x, tied x
    collapsed to the mean of their y (R warns ``collapsing to unique 'x' values``)."""
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if np.any(np.diff(x) < 0):
        o = np.argsort(x, kind="stable")
        x, y = x[o], y[o]
    ux, inverse = np.unique(x, return_inverse=True)
    if ux.size < x.size:
        warnings.warn("collapsing to unique 'x' values", ConvergenceWarning, stacklevel=4)
        y = np.array([y[inverse == k].mean() for k in range(ux.size)])
        x = ux
    return x, y


def _fmm_coef(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cubic spline coefficients with Forsythe, Malcolm & Moler's end conditions (the
    third derivative at each end matches the cubic through the four end points), R's
    ``spline(method = "fmm")``: on [x_i, x_{i+1}], s = y_i + b_i t + c_i t² + d_i t³."""
    n = x.size
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    if n < 2:
        return b, c, d
    if n < 3:
        slope = (y[1] - y[0]) / (x[1] - x[0])
        b[:] = slope
        return b, c, d
    last = n - 1
    # tridiagonal system: b the diagonal, d the off-diagonal, c the right-hand side
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, last):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0], b[last] = -d[0], -d[n - 2]
    c[0] = c[last] = 0.0
    if n > 3:  # end conditions from the third divided differences
        c0 = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        cl = c[n - 2] / (x[last] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c0 * d[0] * d[0] / (x[3] - x[0])
        c[last] = -cl * d[n - 2] * d[n - 2] / (x[last] - x[n - 4])
    for i in range(1, n):  # elimination
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[last] = c[last] / b[last]
    for i in range(n - 2, -1, -1):  # back substitution
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[last] = (y[last] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[last])
    for i in range(last):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[last] = 3.0 * c[last]
    d[last] = d[n - 2]
    return b, c, d


def r_spline(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """R's ``spline(x, y)`` (method ``"fmm"``, ``n = 3 * length(unique x)`` equally spaced
    points from min to max): returns (xout, yout)."""
    xs, ys = _regularize(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    nx = xs.size
    if nx == 0:
        raise NumericalError("zero non-NA points")
    b, c, d = _fmm_coef(xs, ys)
    xout = r_seq_length(float(xs[0]), float(xs[-1]), 3 * nx)
    yout = np.empty_like(xout)
    i = 0
    for k, u in enumerate(xout):
        if u < xs[i] or (i < nx - 1 and xs[i + 1] < u):
            i, j = 0, nx  # bisection: xs[i] <= u <= xs[i + 1]
            while j > i + 1:
                mid = (i + j) // 2
                if u < xs[mid]:
                    j = mid
                else:
                    i = mid
        dx = u - xs[i]
        yout[k] = ys[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))
    return xout, yout


def r_approx(x: ArrayLike, y: ArrayLike, xout: ArrayLike) -> np.ndarray:
    """R's ``approx(x, y, xout)$y``: linear interpolation, NaN (R's NA) outside the range."""
    xs, ys = _regularize(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    xo = np.atleast_1d(np.asarray(xout, dtype=float))
    out = np.full(xo.size, np.nan)
    n = xs.size
    for k, v in enumerate(xo):
        if n == 0 or np.isnan(v) or v < xs[0] or v > xs[-1]:
            continue
        i, j = 0, n - 1
        while i < j - 1:
            mid = (i + j) // 2
            if v < xs[mid]:
                j = mid
            else:
                i = mid
        if v == xs[j]:
            out[k] = ys[j]
        elif v == xs[i]:
            out[k] = ys[i]
        else:
            out[k] = ys[i] + (ys[j] - ys[i]) * ((v - xs[i]) / (xs[j] - xs[i]))
    return out


#: refit warnings after which the profile is not reproducible to rounding (see profile_confint)
_UNSTABLE = ("glm.fit: fitted probabilities numerically 0 or 1 occurred", "glm.fit: algorithm did not converge",
             "glm.fit: fitted rates numerically 0 occurred")


def _profile_one(fit, i: int, zmax: float, del_: float, maxsteps: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """MASS ``profile.glm`` for coefficient ``i``: the z values, the coefficient values,
    and whether a refit warned that it reached fitted probabilities 0/1 or did not converge."""
    X, b0 = fit.X, fit.coef
    nona = ~np.isnan(b0)
    others = nona.copy()
    others[i] = False
    xi = X[:, others]
    se = float(fit.std_errors()[fit.names[i]])
    zs, bs = [0.0], [float(b0[i])]
    unstable = False
    for sgn in (-1.0, 1.0):
        step, z = 0, 0.0
        lp = X[:, nona] @ b0[nona] + fit.offset
        while (step := step + 1) < maxsteps and abs(z) < zmax:
            bi = b0[i] + sgn * step * del_ * se
            o = fit.offset + X[:, i] * bi
            refit = glm_fit(xi, fit.y_raw, fit.family, fit.prior_weights, o, etastart=lp,
                            epsilon=fit.epsilon, maxit=fit.maxit, intercept=fit.intercept)
            for text in refit.warnings:
                unstable = unstable or text in _UNSTABLE
                warnings.warn(text, ConvergenceWarning, stacklevel=5)
            lp = xi @ refit.coefficients + o
            zz = (refit.deviance - fit.deviance) / fit.dispersion
            if zz > -0.001:
                zz = max(zz, 0.0)
            else:
                raise NumericalError("profiling has found a better solution, so original fit had not converged")
            z = sgn * np.sqrt(zz)
            zs.append(z)
            bs.append(bi)
    zs_a, bs_a = np.array(zs), np.array(bs)
    o = np.argsort(zs_a, kind="stable")  # R's order(): ties keep their order
    return zs_a[o], bs_a[o], unstable


def profile_confint(fit, parm: Sequence[str] | None = None, level: float = 0.95
                    ) -> tuple[np.ndarray, tuple, tuple]:
    """MASS ``confint.glm`` of one group's fit.

    ``fit`` is a :class:`pylme.inference.lmlist_glm.GlmGroupFit`.  An aliased
    coefficient gets NA bounds, as in R.

    Returns
    -------
    (intervals, labels, unstable)
        Intervals (len(parm), 2); R's bound labels; the coefficients whose profile
        refits reached fitted probabilities 0/1 (or rates 0) or did not converge.  There
        (a separated fit) the profile is flat and each refit stops wherever glm.fit's
        stopping rule lands, so the bounds are not reproducible to rounding: they agree
        with R's when the profile is regular and may differ by tens of percent otherwise.
    """
    names = list(fit.names)
    parm = names if parm is None else list(parm)
    alpha = (1 - level) / 4
    # MASS switches on the exact family name: "Negative Binomial(2)" takes the F branch
    if fit.family.family in ("binomial", "poisson", "Negative Binomial"):
        zmax = float(np.sqrt(stats.chi2.ppf(1 - alpha, 1)))
    else:
        zmax = float(np.sqrt(stats.f.ppf(1 - alpha, 1, fit.nobs - len(names))))
    a = (1 - level) / 2
    cutoff = stats.norm.ppf([a, 1 - a])
    out = np.full((len(parm), 2), np.nan)
    unstable: list[str] = []
    for k, p in enumerate(parm):
        if p not in names or np.isnan(fit.coef[names.index(p)]):
            continue
        zs, bs, flat = _profile_one(fit, names.index(p), zmax, zmax / 5, 10)
        if flat:
            unstable.append(p)
        sx, sy = r_spline(bs, zs)
        out[k] = r_approx(sy, sx, cutoff)
    labels = tuple(f"{_round1(100 * q)} %" for q in (a, 1 - a))
    return out, labels, tuple(unstable)


def _round1(v: float) -> str:
    """R's ``paste(round(v, 1))``: up to 15 significant digits, no trailing zeros."""
    r = round(v, 1)
    return f"{r:.15g}"
