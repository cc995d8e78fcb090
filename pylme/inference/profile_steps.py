"""The stepping machinery of lme4's ``profile.merMod``: ``nextpar``, ``fillmat``, the
ζ functions of variance parameters and of fixed effects, and the per-parameter splines.

Every profiled parameter fills two tables (``maxpts`` rows, columns ``.zeta`` then all
parameters), one walking up from the optimum and one walking down, exactly as lme4
does: both start as copies of the optimum row; the "up" table gets the point at
``x̂·1.01`` (``1e-3`` if x̂ = 0) as its second row and the "down" table as its first, so
that the first step of each goes the right way.  The union of their distinct rows,
sorted by the parameter, is the profile of that parameter.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from ..errors import OptimizerError, PylmeError, PylmeWarning
from .devfun2 import DevFun2, MinResult, fixed_effect_fit, minimize
from .sdcor import cv_to_sv
from .splines import PolySpline, SplineError, back_spline, interp_spline

__all__ = ["ProfileSettings", "ParameterProfile", "profile_variance", "profile_fixed"]

ZetaFun = Callable[[float, np.ndarray], np.ndarray]
#: ``minimizer(fn, start, lower, upper, optimizer, control)`` (:func:`.devfun2.minimize`'s signature)
Minimizer = Callable[..., MinResult]


@dataclass(frozen=True, eq=False)
class ProfileSettings:
    """Everything a parameter's profile needs (lme4: the closure of ``profile.merMod``).

    Attributes
    ----------
    dd : DevFun2
        Or any deviance of the profiled parameters with ``n_var`` (the parameters
        re-optimized at every point: the variance parameters of an LMM, every
        parameter of a GLMM), ``basedev``, ``beta(pars)`` (the fixed effects that
        follow those parameters in a row; none for a GLMM) and ``__call__``.
    opt : ndarray
        All parameters at the optimum (variance parameters, σ, β).
    lower, upper : ndarray
        Bounds of all parameters (sd ≥ 0, −1 ≤ cor ≤ 1, σ ≥ 0, β free).
    cutoff, delta, maxmult : float
    maxpts : int
    devtol : float
    optimizer : str
    control : dict
        Optimizer settings for the variance-parameter fits (the fit's own).
    startmethod : {"prev", "global"}
    verbose : int
    minimizer : callable, optional
        The optimizer run of every point (default :func:`.devfun2.minimize`, lme4's
        NLopt-based wrappers); GLMM profiles pass lme4's exact Nelder–Mead.
    label : str
        What lme4's ``verbose`` output calls a parameter (``"var-cov parameter"`` for
        LMMs, ``"parameter"`` for GLMMs).
    """

    dd: DevFun2
    opt: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    cutoff: float
    delta: float
    maxmult: float
    maxpts: int
    devtol: float
    optimizer: str
    control: Mapping[str, float]
    startmethod: str = "prev"
    verbose: int = 0
    minimizer: Minimizer | None = None
    label: str = "var-cov parameter"

    @property
    def nvp(self) -> int:
        return self.dd.n_var


@dataclass(frozen=True, eq=False)
class ParameterProfile:
    """One parameter's rows (sorted by it) and splines."""

    name: str
    rows: np.ndarray
    forward: PolySpline | None
    backward: PolySpline | None
    error: str | None


# ---------------------------------------------------------------------------- stepping
def nextpar(mat: np.ndarray, cc: int, r: int, s: ProfileSettings, lower: float, upper: float,
            minstep: float = 1e-6) -> float:
    """The next value of the profiled parameter (lme4 ``nextpar``).

    The step in the parameter is ``delta·Δx/Δζ`` of the last two rows (so that ζ moves by
    about ``delta``), at most ``maxmult·|Δx|``, clamped to the bounds.
    """
    x0, x1 = mat[r - 1, cc], mat[r, cc]
    num = x1 - x0
    denom = mat[r, 0] - mat[r - 1, 0]
    if np.isnan(denom) or denom == 0:
        warnings.warn("Last two rows have identical or NA .zeta values: using minstep",
                      PylmeWarning, stacklevel=3)
        step = minstep
    else:
        step = s.delta * num / denom
        if step < 0:
            warnings.warn("unexpected decrease in profile: using minstep", PylmeWarning, stacklevel=3)
            step = minstep
        elif abs(step) > abs(s.maxmult * num):
            step = np.sign(step) * abs(s.maxmult * num)
            if s.verbose:
                print(f"capped step at {step:1.2f} (multiplier={abs(step / num):1.2f} > {s.maxmult:1.2f})")
    return float(min(upper, max(lower, x1 + np.sign(num) * step)))


def fillmat(mat: np.ndarray, lowcut: float, upcut: float, zetafun: ZetaFun, cc: int,
            s: ProfileSettings) -> np.ndarray:
    """Fill rows 3, 4, ... of `mat` until |ζ| > cutoff, a bound or ``maxpts`` (lme4 ``fillmat``)."""
    nr = mat.shape[0]
    i = 1  # 0-based index of the last filled row
    while i < nr - 1 and lowcut < mat[i, cc] < upcut and (np.isnan(mat[i, 0]) or abs(mat[i, 0]) <= s.cutoff):
        x = nextpar(mat, cc, i, s, lowcut, upcut)
        start = _nextstart(mat, cc - 1, i, s)
        mat[i + 1] = zetafun(x, start)
        if s.verbose > 0:
            print(i + 1, cc + 1, *mat[i + 1])
        i += 1
    return mat


def _nextstart(mat: np.ndarray, w: int, r: int, s: ProfileSettings) -> np.ndarray:
    """Start of the next fit: the last row's other variance parameters (lme4 ``nextstart``)."""
    idx = np.delete(np.arange(s.nvp), w) if w < s.nvp else np.arange(s.nvp)
    if s.startmethod == "prev":
        return mat[r, 1 + idx].copy()
    if s.startmethod == "global":
        return s.opt[idx].copy()
    raise ValueError("invalid nextstart method")


def _walk(s: ProfileSettings, cc: int, first: np.ndarray, zetafun: ZetaFun, lowcut: float,
          upcut: float, pw: float) -> np.ndarray:
    """Both directions from the optimum; the distinct rows sorted by column `cc`."""
    base_row = np.concatenate([[0.0], s.opt])
    pres = np.tile(base_row, (s.maxpts, 1))
    nres = pres.copy()
    nres[0] = pres[1] = first
    up = fillmat(pres, lowcut, upcut, zetafun, cc, s)
    down = fillmat(nres, lowcut, upcut, zetafun, cc, s) if pw > lowcut else nres
    rows = _unique_rows(np.vstack([up, down]))
    return rows[np.argsort(rows[:, cc], kind="stable")]


def _unique_rows(mat: np.ndarray) -> np.ndarray:
    """Distinct rows in order of first appearance (R ``unique`` on a matrix: NaN == NaN, −0 == 0)."""
    canonical = np.where(np.isnan(mat), np.nan, mat + 0.0)
    seen, keep = set(), []
    for i, row in enumerate(canonical):
        key = row.tobytes()
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return mat[keep]


def _splines(name: str, x: np.ndarray, z: np.ndarray, drop_na: bool):
    """Forward and backward splines, or the error that stopped them (then lme4 warns)."""
    forward = None
    try:
        if drop_na:  # lme4: na.action = na.omit for variance parameters, na.fail otherwise
            keep = ~(np.isnan(x) | np.isnan(z))
            x, z = x[keep], z[keep]
        forward = interp_spline(x, z)
        return forward, back_spline(forward), None
    except SplineError as err:
        warnings.warn(f"non-monotonic profile for {name}", PylmeWarning, stacklevel=4)
        return forward, None, str(err)


# ---------------------------------------------------------------------------- variance parameters
def profile_variance(s: ProfileSettings, w: int, name: str) -> ParameterProfile:
    """Profile parameter `w` re-optimizing the other ``s.nvp − 1`` (lme4 ``profile.merMod``'s
    ``FUN(w)``): a variance parameter of an LMM, any parameter of a GLMM."""
    if s.verbose:
        print(f"{s.label} {w + 1}:")
    pw = float(s.opt[w])
    others = np.delete(np.arange(s.nvp), w)

    def zeta(x: float, start: np.ndarray) -> np.ndarray:
        return _variance_row(s, w, others, pw, x, start)

    first = zeta(1e-3 if pw == 0 else pw * 1.01, s.opt[others].copy())
    rows = _walk(s, w + 1, first, zeta, s.lower[w], s.upper[w], pw)
    forward, backward, err = _splines(name, rows[:, w + 1], rows[:, 0], drop_na=True)
    return ParameterProfile(name, rows, forward, backward, err)


def _variance_row(s: ProfileSettings, w: int, others: np.ndarray, pw: float, x: float,
                  start: np.ndarray) -> np.ndarray:
    """ζ at parameter w = x, the other variance parameters re-optimized (lme4 ``zeta``)."""
    full = s.opt[: s.nvp].copy()
    full[w] = x

    def fn(v: np.ndarray) -> float:
        full[others] = v
        return s.dd(full)

    try:
        minimizer = s.minimizer or minimize
        res = minimizer(fn, start, s.lower[others], s.upper[others], s.optimizer, s.control)
    except (PylmeError, ArithmeticError, ValueError):  # lme4: tryCatch(optwrap(...)) -> NA row
        res = None
    if res is None:
        warnings.warn("NAs detected in profiling", PylmeWarning, stacklevel=5)
        pars, devdiff, beta = np.full(others.size, np.nan), np.nan, np.full(s.opt.size - s.nvp, np.nan)
    else:
        pars, devdiff = res.par, res.fval - s.dd.basedev
        _check_lower(devdiff, s.devtol)
        full[others] = pars
        beta = s.dd.beta(full)
        devdiff = max(0.0, devdiff)
    row = np.empty(1 + s.opt.size)
    row[0] = np.sign(x - pw) * np.sqrt(devdiff)
    row[1 : 1 + s.nvp] = _mkpar(s.nvp, w, x, pars)
    row[1 + s.nvp :] = beta
    return row


def _check_lower(devdiff: float, devtol: float) -> None:
    """lme4's reaction to a point below the optimum: an error beyond ``devtol``, else a warning."""
    if devdiff < -devtol:
        raise OptimizerError("profiling detected new, lower deviance")
    if devdiff < 0:
        warnings.warn(f"slightly lower deviances (diff={devdiff:g}) detected", PylmeWarning, stacklevel=6)


def _mkpar(n: int, w: int, value: float, others: np.ndarray) -> np.ndarray:
    """lme4 ``mkpar``: the full vector with `value` at position w."""
    par = np.empty(n)
    par[w] = value
    par[np.arange(n) != w] = others
    return par


# ---------------------------------------------------------------------------- fixed effects
def profile_fixed(s: ProfileSettings, j: int, name: str) -> ParameterProfile:
    """Profile fixed effect j (0-based among β) as lme4 does for LMMs."""
    if s.verbose:
        print(f"fixed-effect parameter {j + 1}:")
    est = float(s.opt[s.nvp + j])
    p = s.opt.size - s.nvp

    def zeta(b: float, start: np.ndarray | None = None) -> np.ndarray:  # start: ignored, as lme4
        fval, theta, sigma, beta = fixed_effect_fit(s.dd, j, b, s.optimizer)
        diff = fval - s.dd.basedev
        if diff < 0:  # lme4 takes sqrt() of it regardless: NaN with R's warning
            warnings.warn("NaNs produced", PylmeWarning, stacklevel=4)
        with np.errstate(invalid="ignore"):
            z = np.sign(b - est) * np.sqrt(diff)
        return np.concatenate([[z], cv_to_sv(theta, s.dd.sizes, s=sigma), _mkpar(p, j, b, beta)])

    cc = 1 + s.nvp + j
    first = zeta(est + s.delta * float(s.dd.stderr[j]))
    rows = _walk(s, cc, first, zeta, -np.inf, np.inf, est)
    forward, backward, err = _splines(name, rows[:, cc], rows[:, 0], drop_na=False)
    return ParameterProfile(name, rows, forward, backward, err)
