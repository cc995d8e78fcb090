"""Likelihood profiles of a linear mixed model (lme4: ``profile.merMod``, ``confint.thpr``).

The profile is always of the ML deviance (lme4 refits a REML model by ML first).  The
parameters are, in order, the σ-scaled standard deviations and correlations of every
random-effects term (θ order), σ, then the fixed effects.  For a parameter w held at x
the other variance parameters are re-optimized (lme4 ``devfun2``: σ given, not profiled),
and ζ(x) = sign(x − x̂)·sqrt(D(x) − D̂).  Points are chosen by lme4's ``nextpar`` rule so
that successive |ζ| grow by about ``delta``, in each direction until |ζ| exceeds
``cutoff = sqrt(qchisq(1 − alphamax, #parameters))``, a bound is reached or ``maxpts``
rows are used.  A fixed effect β_j is profiled by dropping column j from X, moving
``X_j·b_j`` into the offset and re-optimizing θ.

Each parameter gets a natural interpolating spline of ζ on the parameter and its inverse
(:mod:`.splines`); :meth:`Profile.confint` evaluates the inverse at ``qnorm`` quantiles.
"""

from __future__ import annotations

import numbers
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from ..errors import ArgumentError, NumericalError, OptimizerError, PylmeWarning
from ..printing.rformat import format_info_real, format_real
from .checks import check_fit, check_flag, check_level, check_number, check_positive_int, match_arg
from .devfun2 import DevFun2, make_devfun2
from .splines import PolySpline

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["Profile", "profile", "get_which", "format_perc", "check_zeta"]

_IGNORED_CONTROL = ("xst", "xt")  # lme4: bobyqa/NM settings that must not be reused
_BASE_MISMATCH = ("Profiling over both the residual variance and\nfixed effects is not numerically "
                  "consistent with\nprofiling over the fixed effects only")


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True, eq=False)
class Profile:
    """A likelihood profile (lme4: class ``thpr``).

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per evaluated point: ``.zeta``, every parameter, ``.par`` (the profiled
        parameter, categorical) and ``.focal`` (its value) — lme4's
        ``as.data.frame(profile(fm))``.
    forward, backward : dict of str to PolySpline or None
        ζ as a spline of the parameter and its inverse (lme4 ``attr(, "forward")``,
        ``attr(, "backward")``); None where R stores an error.
    spline_errors : dict of str to str
        Why a spline is missing.
    lower, upper : ndarray
        Bounds of the profiled variance parameters, in profiling order (lme4
        ``attr(, "lower")``); :meth:`confint` uses them, by position, for ends the
        profile did not reach.
    optimum : dict of str to float
        The ML estimates of all parameters.
    base_deviance, cutoff, delta : float
        ML deviance at the optimum, the |ζ| at which profiling stops and the ζ step.
    """

    frame: pd.DataFrame
    forward: Mapping[str, PolySpline | None]
    backward: Mapping[str, PolySpline | None]
    spline_errors: Mapping[str, str]
    lower: np.ndarray
    upper: np.ndarray
    optimum: Mapping[str, float]
    base_deviance: float
    cutoff: float
    delta: float

    def __post_init__(self) -> None:
        for name in ("lower", "upper"):
            a = np.array(getattr(self, name), dtype=float)
            a.flags.writeable = False
            object.__setattr__(self, name, a)

    def __repr__(self) -> str:
        counts = self.frame[".par"].value_counts(sort=False)
        parts = ", ".join(f"{name} ({counts[name]})" for name in self.parameters)
        return f"<Profile of the ML deviance (base {self.base_deviance:.6f}); points per parameter: {parts}>"

    @property
    def parameters(self) -> list[str]:
        """The profiled parameters, in order (lme4 ``names(attr(pr, "backward"))``)."""
        return list(self.backward)

    def confint(self, parm: Any = None, level: float = 0.95, zeta: Sequence[float] | np.ndarray | None = None,
                non_mono_tol: float = 1e-2) -> pd.DataFrame:
        """Profile confidence intervals (lme4 ``confint.thpr``).

        Parameters
        ----------
        parm : None, int, str or sequence
            Profiled parameters: 0-based positions among :attr:`parameters`, names,
            ``"theta_"`` (variance parameters) or ``"beta_"`` (fixed effects).
        level : float
            Confidence level, strictly between 0 and 1.
        zeta : pair of float, optional
            ζ values to invert instead of ``qnorm((1 ∓ level)/2)``; the columns are then
            unnamed (0, 1), as in R.
        non_mono_tol : float
            Tolerance of the monotonicity check of the linear-interpolation fallback.

        Returns
        -------
        pandas.DataFrame
            One row per selected parameter; columns ``"2.5 %"``, ``"97.5 %"`` (or 0, 1
            with ``zeta``).

        Raises
        ------
        ArgumentError
            ``level`` not strictly between 0 and 1, ``zeta`` not two numbers, ``parm``
            neither names nor positions among :attr:`parameters`.
        """
        names = _select_profiled(self.parameters, parm)
        non_mono_tol = check_number(non_mono_tol, "non_mono_tol", lower=0)
        if zeta is None:
            a = (1 - check_level(level)) / 2
            probs = np.array([a, 1 - a])
            z = norm.ppf(probs)
            columns: Any = format_perc(probs)
        else:
            z = check_zeta(zeta)
            columns = pd.RangeIndex(2)
        out = np.full((len(names), 2), np.nan)
        for i, name in enumerate(names):
            out[i] = self._interval(i, name, np.asarray(z, float), non_mono_tol)
        return pd.DataFrame(out, index=names, columns=columns)

    def _interval(self, i: int, name: str, zeta: np.ndarray, tol: float) -> np.ndarray:
        spline = self.backward.get(name)
        if spline is not None:
            ends = spline(zeta)
        else:
            fallback = self._linear_fallback(name, zeta, tol)
            if fallback is None:
                return np.full(2, np.nan)
            ends = fallback
        # lme4 indexes its bounds by the row's position, not by the parameter
        ends = ends.copy()
        if np.isnan(ends[0]):
            ends[0] = self.lower[i] if i < self.lower.size else np.nan
        if np.isnan(ends[1]):
            ends[1] = self.upper[i] if i < self.upper.size else np.nan
        return ends

    def _linear_fallback(self, name: str, zeta: np.ndarray, tol: float) -> np.ndarray | None:
        rows = self.frame[self.frame[".par"] == name]
        x, z = rows[name].to_numpy(float), rows[".zeta"].to_numpy(float)
        if np.all(np.isnan(z)):
            warnings.warn(f"bad profile for {name}", PylmeWarning, stacklevel=4)
            return None
        dz = np.diff(z)
        dz = dz[~np.isnan(dz)]
        # lme4: min(diff(zeta) < -tol) is TRUE only when *every* step decreases
        if dz.size == 0 or np.all(dz < -tol):
            warnings.warn(f"non-monotonic profile for {name}", PylmeWarning, stacklevel=4)
            return None
        warnings.warn(f"bad spline fit for {name}: falling back to linear interpolation",
                      PylmeWarning, stacklevel=4)
        return _approx(z, x, zeta)


def _approx(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """R ``approxfun(x, y)(xout)``: NaN pairs dropped, ties averaged, NaN outside."""
    keep = ~(np.isnan(x) | np.isnan(y))
    xs, inverse = np.unique(x[keep], return_inverse=True)
    ys = np.bincount(inverse, weights=y[keep]) / np.bincount(inverse)
    out = np.interp(xout, xs, ys) if xs.size else np.full(xout.shape, np.nan)
    return np.where((xout < xs[0]) | (xout > xs[-1]), np.nan, out) if xs.size else out


def check_zeta(zeta: Any) -> np.ndarray:
    """``zeta`` of ``confint``: two finite numbers (lme4 inverts the profile at them)."""
    try:
        z = np.asarray(zeta, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ArgumentError(f"'zeta' must be two numbers, got {zeta!r}") from None
    if z.size != 2 or not np.all(np.isfinite(z)):
        raise ArgumentError(f"'zeta' must be two finite numbers, got {zeta!r}")
    return z


def _select_profiled(names: list[str], parm: Any) -> list[str]:
    """lme4 ``confint.thpr``'s ``parm`` handling (positions 0-based among the profiled parameters)."""
    if parm is None:
        return list(names)
    items = _which_items(parm, "parm")
    if items and not isinstance(items[0], str):
        _check_positions(items, len(names), "parm")
        return [names[i] for i in items]
    var = re.compile(r"^(sd_|cor_|.sig|sigma$)")
    out: list[str] = []
    for p in items:
        if p == "theta_":
            out += [n for n in names if var.search(n)]
        elif p == "beta_":
            out += [n for n in names if not var.search(n)]
        elif p in names:
            out.append(p)
    if items and not out:
        warnings.warn(f"Nothing selected by 'parm={items!r}'", PylmeWarning, stacklevel=3)
    elif out:
        _warn_unknown([p for p in items if p not in names and p not in ("theta_", "beta_")], "parm")
    return list(dict.fromkeys(out))


def format_perc(probs: Sequence[float] | np.ndarray, digits: int = 3) -> list[str]:
    """Column names such as ``"2.5 %"`` (lme4 ``format.perc``: ``format(100 * probs,
    trim = TRUE, scientific = FALSE, digits = 3)`` and ``" %"``)."""
    values = [100 * float(p) for p in probs]
    fmt = format_info_real(values, digits)
    if fmt.exponent == 0:
        texts = format_real(values, digits=digits, trim=True)
    else:  # scientific = FALSE: fixed notation with the decimals `digits` significant digits need
        decimals = max(_decimals_needed(v, digits) for v in values)
        texts = [f"{v:.{decimals}f}" for v in values]
    return [f"{t} %" for t in texts]


def _decimals_needed(v: float, digits: int) -> int:
    if v == 0 or not np.isfinite(v):
        return 0
    target = float(f"{v:.{digits - 1}e}")
    for sig in range(1, digits + 1):
        if float(f"{v:.{sig - 1}e}") == target:
            break
    return max(0, sig - 1 - int(np.floor(np.log10(abs(target)))))


# ---------------------------------------------------------------------------- selection
def _which_items(which: Any, arg_name: str) -> list:
    """``which``/``parm`` as a list of names or of 0-based positions (never a mix).

    Raises
    ------
    ArgumentError
        Booleans, NaN, non-integral or negative numbers, other types, or names mixed
        with positions (R would coerce the positions to names that match nothing).
    """
    if isinstance(which, str):
        return [which]
    if isinstance(which, (numbers.Integral, np.integer)) and not isinstance(which, (bool, np.bool_)):
        items: list = [which]
    elif isinstance(which, (list, tuple, np.ndarray, pd.Index, pd.Series)):
        items = list(which) if isinstance(which, (list, tuple)) else list(np.asarray(which, dtype=object).reshape(-1))
    else:
        raise ArgumentError(f"'{arg_name}' must be None, a name, a 0-based position or a list of either; "
                           f"got {type(which).__name__}: {which!r}")
    if all(isinstance(w, str) for w in items):
        return items
    if all(isinstance(w, (numbers.Integral, np.integer)) and not isinstance(w, (bool, np.bool_)) for w in items):
        negative = [int(w) for w in items if w < 0]
        if negative:
            # R drops the rows of negative positions; pylme's positions are 0-based, where a
            # negative one would read as Python's "from the end": neither guess is made
            raise ArgumentError(f"negative positions in '{arg_name}' are not supported (0-based positions "
                               f"are expected): {negative}")
        return [int(w) for w in items]
    raise ArgumentError(f"'{arg_name}' must be names or 0-based integer positions, not {items!r}")


def _check_positions(items: list[int], n: int, arg_name: str) -> None:
    bad = [i for i in items if i >= n]
    if bad:  # R: "subscript out of bounds" (confint(fm, parm = 99, method = "Wald"))
        raise ArgumentError(f"subscript out of bounds: {arg_name} = {bad} (0-based positions 0..{n - 1})")


def _warn_unknown(unknown: list[str], arg_name: str) -> None:
    """R silently skips the unknown names when some name matches; pylme says which."""
    if unknown:
        shown = ", ".join(repr(u) for u in unknown)
        warnings.warn(f"unknown parameter name(s) in '{arg_name}' ignored: {shown}", PylmeWarning, stacklevel=4)


def get_which(which: Any, nvp: int, nptot: int, parnames: Sequence[str], arg_name: str = "which") -> list[int]:
    """0-based indices of the selected parameters (lme4 ``get.which``).

    ``None``: all; integers: 0-based positions, kept as given; names, ``"theta_"`` (all
    variance parameters, σ included) and ``"beta_"`` (all fixed effects): sorted positions.
    Nothing selected gives lme4's warning ``Nothing selected by 'which=...'``.

    Raises
    ------
    ArgumentError
        A position beyond the parameters (R: ``subscript out of bounds``) or a value that
        is neither names nor positions.
    """
    if which is None:
        return list(range(nptot))
    items = _which_items(which, arg_name)
    if items and not isinstance(items[0], str):
        _check_positions(items, nptot, arg_name)
        return items
    chosen: set[int] = set()
    rest = list(items)
    if "theta_" in rest:
        chosen.update(range(nvp))
        rest = [w for w in rest if w != "theta_"]
    if "beta_" in rest:
        chosen.update(range(nvp, nptot))
        rest = [w for w in rest if w != "beta_"]
    chosen.update(i for i, name in enumerate(parnames) if name in rest)
    if not chosen:
        shown = f'"{which}"' if isinstance(which, str) else "c(" + ", ".join(f'"{w}"' for w in items) + ")"
        warnings.warn(f"Nothing selected by 'which={shown}'", PylmeWarning, stacklevel=3)
    else:
        _warn_unknown([w for w in rest if w not in parnames], arg_name)
    return sorted(chosen)


# ---------------------------------------------------------------------------- profile()
def profile(fit: "LmerFit", which: Any = None, alphamax: float = 0.01, maxpts: int = 100,
            delta: float | None = None, delta_cutoff: float = 1 / 8, verbose: int = 0,
            devtol: float = 1e-9, maxmult: float = 10, startmethod: str = "prev",
            optimizer: str | None = None, control: Mapping[str, float] | None = None,
            signames: bool = True, prof_scale: str = "sdcor") -> Profile:
    """Profile the ML deviance over each parameter (lme4 ``profile.merMod``).

    Parameters
    ----------
    fit : LmerFit
        A REML fit is refitted by ML first (lme4 ``refitML``).
    which : None, int, str or sequence
        Parameters to profile: 0-based positions in (variance parameters, σ, fixed
        effects), names, ``"theta_"`` or ``"beta_"`` (lme4 ``get.which``).  Default all.
    alphamax : float
        Profiling stops beyond ``|ζ| = sqrt(qchisq(1 − alphamax, #parameters))``.
    maxpts : int
        Rows per direction and parameter, at most.
    delta, delta_cutoff : float
        Target ζ step; default ``cutoff·delta_cutoff``.
    verbose : int
        Print progress as lme4 does.
    devtol : float
        A deviance below the optimum by more than this is an error.
    maxmult : float
        A step is at most ``maxmult`` times the previous one.
    startmethod : {"prev", "global"}
        Start each fit at the previous point's estimates or at the optimum.
    optimizer : str, optional
        Default: the fit's optimizer, with the fit's optimizer settings.
    control : dict, optional
        Optimizer settings overriding the fit's.
    signames : bool
        ``.sig01, ..., .sigma`` (True) or ``sd_(Intercept)|Subject, ..., sigma`` names.
    prof_scale : {"sdcor", "varcov"}
        Profile standard deviations/correlations or variances/covariances.

    Returns
    -------
    Profile

    Raises
    ------
    ArgumentError
        A setting R would refuse (``devtol >= 0 is not TRUE``, ``invalid nextstart
        method``, ``'arg' should be one of “sdcor”, “varcov”``) or one that makes the
        profile meaningless (``alphamax`` outside (0, 1), ``maxpts`` < 1, a ``delta``,
        ``delta_cutoff`` or ``maxmult`` that is not positive, ``which`` beyond the
        parameters).
    OptimizerError
        An unknown optimizer (lme4: ``couldn't find optimizer function ...``).
    """
    check_fit(fit, "profile")
    settings = _check_profile_settings(alphamax, maxpts, delta, delta_cutoff, verbose, devtol, maxmult,
                                       startmethod, control, signames, prof_scale)
    alphamax, maxpts, delta, delta_cutoff, verbose, devtol, maxmult, startmethod, control, signames, \
        prof_scale = settings
    optimizer, settings_ctrl = profile_optimizer(fit, optimizer, control)
    from ..fit import single_blas_thread
    from .profile_steps import ProfileSettings, profile_fixed, profile_variance

    dd = make_devfun2(fit, signames=signames, scale=prof_scale)
    names = dd.names
    opt = np.array([dd.optimum[n] for n in names])
    nptot, nvp = opt.size, dd.n_var
    chosen = get_which(which, nvp, nptot, names)
    cutoff = float(np.sqrt(chi2.ppf(1 - alphamax, nptot)))
    lower, upper = _bounds(fit, nptot - nvp, prof_scale)
    _check_base(dd, opt[:nvp])
    s = ProfileSettings(dd=dd, opt=opt, lower=lower, upper=upper, cutoff=cutoff,
                        delta=cutoff * delta_cutoff if delta is None else float(delta),
                        maxmult=maxmult, maxpts=int(maxpts), devtol=devtol, optimizer=optimizer,
                        control=settings_ctrl, startmethod=startmethod, verbose=verbose)
    var_idx = [w for w in range(nvp) if w in chosen]
    fixed_idx = [j for j in range(nptot - nvp) if nvp + j in chosen]
    with single_blas_thread():  # small factorizations: a second BLAS thread only spins
        parts = [profile_variance(s, w, names[w]) for w in var_idx]
        parts += [profile_fixed(s, j, names[nvp + j]) for j in fixed_idx]
    return Profile(frame=_frame(parts, names), forward={p.name: p.forward for p in parts},
                   backward={p.name: p.backward for p in parts},
                   spline_errors={p.name: p.error for p in parts if p.error},
                   lower=lower[var_idx].copy(), upper=upper[var_idx].copy(),
                   optimum=dict(dd.optimum), base_deviance=dd.basedev, cutoff=cutoff, delta=s.delta)


def _check_profile_settings(alphamax: Any, maxpts: Any, delta: Any, delta_cutoff: Any, verbose: Any,
                            devtol: Any, maxmult: Any, startmethod: Any, control: Any, signames: Any,
                            prof_scale: Any) -> tuple:
    """``profile()``'s settings, checked and coerced before any refit is made."""
    alphamax = check_number(alphamax, "alphamax", lower=0, lower_open=True)
    if alphamax >= 1:  # R: qchisq(1 - alphamax) is NaN ("objective in x0 returns NA")
        raise ArgumentError(f"alphamax < 1 is not TRUE (got {alphamax!r})")
    maxpts = check_positive_int(maxpts, "maxpts")
    if delta is not None:
        delta = check_number(delta, "delta", lower=0, lower_open=True)
    delta_cutoff = check_number(delta_cutoff, "delta_cutoff", lower=0, lower_open=True)
    verbose = int(check_number(verbose, "verbose", lower=0)) if not isinstance(verbose, (bool, np.bool_)) \
        else int(verbose)
    devtol = check_number(devtol, "devtol")
    if devtol < 0:
        raise ArgumentError("devtol >= 0 is not TRUE")
    maxmult = check_number(maxmult, "maxmult", lower=0, lower_open=True)
    if not isinstance(startmethod, str) or startmethod not in ("prev", "global"):
        raise ArgumentError("invalid nextstart method")
    if control is not None:
        if not isinstance(control, Mapping):
            raise ArgumentError(f"'control' must be a dict of optimizer settings, got {type(control).__name__}")
        for key, value in control.items():
            if not isinstance(key, str):
                raise ArgumentError(f"'control' keys must be setting names, got {key!r}")
            check_number(value, f"control[{key!r}]", allow_inf=False)
        control = dict(control)
    signames = check_flag(signames, "signames")
    prof_scale = match_arg(prof_scale, ("sdcor", "varcov"), "prof_scale")
    return (alphamax, maxpts, delta, delta_cutoff, verbose, devtol, maxmult, startmethod, control, signames,
            prof_scale)


def _bounds(fit: "LmerFit", p: int, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of (variance parameters, σ, β) on the profiling scale."""
    theta_lower = fit.inputs.re_terms.lower
    if scale == "sdcor":  # sd in [0, ∞), correlations in [−1, 1]
        lower = np.maximum(theta_lower, -1.0)
        upper = np.where(theta_lower == 0, np.inf, 1.0)
    else:
        lower, upper = theta_lower.copy(), np.full(theta_lower.size, np.inf)
    lower = np.concatenate([lower, [0.0], np.full(p, -np.inf)])
    upper = np.concatenate([upper, [np.inf], np.full(p, np.inf)])
    return lower, upper


def _check_base(dd: DevFun2, pars: np.ndarray) -> None:
    """devfun2 at the optimum must reproduce the ML deviance (lme4's all.equal, tolerance 1e-5)."""
    value = dd(pars)
    if not abs(value - dd.basedev) <= 1e-5 * abs(value):
        raise NumericalError(_BASE_MISMATCH)


def _frame(parts: list, names: list[str]) -> pd.DataFrame:
    """lme4 ``as.data.frame(thpr)``: all rows, ``.par`` and ``.focal`` added."""
    columns = [".zeta"] + list(names)
    blocks = [pd.DataFrame(p.rows, columns=columns) for p in parts]
    frame = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=columns)
    labels = [p.name for p in parts for _ in range(p.rows.shape[0])]
    frame[".par"] = pd.Categorical(labels, categories=[p.name for p in parts])
    focal = [p.rows[:, 1 + names.index(p.name)] for p in parts]
    frame[".focal"] = np.concatenate(focal) if focal else np.zeros(0)
    return frame


def profile_optimizer(fit, optimizer, control) -> tuple[str, dict]:
    """The optimizer and its settings for every profile point (lme4 ``profile.merMod``):
    the fit's own unless ``optimizer``/``control`` are given (lmer and glmer alike)."""
    if optimizer is not None and not isinstance(optimizer, str):
        raise OptimizerError(f"'optimizer' must be an optimizer name, got {optimizer!r}")
    optimizer = optimizer or fit.opt.optimizer
    if optimizer not in ("nloptwrap", "bobyqa", "Nelder_Mead"):
        raise OptimizerError(f"couldn't find optimizer function {optimizer}")
    settings_ctrl = {k: v for k, v in fit.opt.control.items() if k not in _IGNORED_CONTROL}
    settings_ctrl.update(control or {})
    return optimizer, settings_ctrl
