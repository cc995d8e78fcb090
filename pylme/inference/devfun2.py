"""Deviance functions for likelihood profiles (lme4: ``devfun2`` and the fixed-effect
deviance of ``profile.merMod``), and the bounded optimizer runs they need.

* :class:`DevFun2` — the ML deviance with σ *given*, as a function of the σ-scaled
  standard deviations/correlations and σ (lme4 ``devfun2``)::

      D(pars) = ldL2(θ) − ldW + pwrss(θ)/σ² + n·log(2πσ²),   θ = Sv_to_Cv(pars)/σ

  It evaluates the blocked Cholesky fast path of the ML deviance problem (no O(n)
  work per call; see :func:`_parts`).
* :func:`fixed_effect_fit` — the ML deviance profiled over θ (and σ, β₋ⱼ) with βⱼ held
  at a value: X without column j and ``X_j·b_j`` added to the offset, as lme4 does.
* :func:`minimize` — one optimizer run with finite upper bounds (correlations ≤ 1),
  with the settings of lme4's ``nloptwrap``/``bobyqa``/``Nelder_Mead``.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Mapping

import nlopt
import numpy as np

from ..errors import NumericalError, OptimizerError, OptimizerWarning
from ..optimize import NLOPT_MESSAGES

from .sdcor import cv_to_sv, cv_to_vv, profnames, sv_to_cv, term_sizes, vv_to_cv

if TYPE_CHECKING:
    from ..deviance import DevianceProblem
    from ..results.model import LmerFit

__all__ = ["DevFun2", "make_devfun2", "fixed_effect_fit", "minimize", "MinResult"]

_LOG_2PI = float(np.log(2 * np.pi))
_NLOPTWRAP = {"xtol_rel": 1e-4, "xtol_abs": 1e-8, "ftol_abs": 1e-8, "ftol_rel": 0.0, "maxeval": 100000}


def _parts(problem: "DevianceProblem") -> Callable[[np.ndarray], tuple[float, float]]:
    """``θ -> (ldL2, pwrss)`` for `problem`, from its fast path (no O(n) work)."""
    def parts(theta: np.ndarray) -> tuple[float, float]:
        ldL2, _, pwrss = problem.parts(theta)
        return ldL2, pwrss
    return parts


@dataclass(frozen=True, eq=False)
class DevFun2:
    """lme4 ``devfun2`` of a linear mixed model: the ML deviance with σ given.

    Attributes
    ----------
    ml_fit : LmerFit
        The ML fit (lme4 ``refitML`` of the model) whose problem is evaluated.
    sizes : tuple of int
        Components per random-effects term.
    optimum : dict
        Parameter name → value at the ML optimum: sd/cor per term, σ, then β
        (lme4 ``attr(dd, "optimum")``).
    basedev : float
        The ML deviance at the optimum (``attr(dd, "basedev")``).
    thopt : ndarray
        θ̂ of the ML fit (``attr(dd, "thopt")``).
    stderr : ndarray
        Standard errors of β̂ at the ML fit (``attr(dd, "stderr")``).
    scale : {"sdcor", "varcov"}
        lme4's ``prof.scale``.
    """

    ml_fit: "LmerFit"
    sizes: tuple[int, ...]
    optimum: Mapping[str, float]
    basedev: float
    thopt: np.ndarray
    stderr: np.ndarray
    scale: str = "sdcor"

    @property
    def n_var(self) -> int:
        """Number of variance parameters, σ included (lme4 ``nvp``)."""
        return sum(k * (k + 1) // 2 for k in self.sizes) + 1

    @property
    def names(self) -> list[str]:
        """Parameter names: variance parameters, σ, fixed effects."""
        return list(self.optimum)

    def theta(self, pars) -> np.ndarray:
        """θ of variance parameters ``pars`` (lme4 ``to.chol(pars, s = sigma)``)."""
        pars = np.asarray(pars, dtype=float)
        if self.scale == "sdcor":
            return sv_to_cv(pars, self.sizes, s=pars[-1])
        return vv_to_cv(pars, self.sizes, s=np.sqrt(pars[-1]))

    def sigma(self, pars) -> float:
        """σ of variance parameters ``pars`` (lme4 ``to.sd(pars[np])``)."""
        return float(pars[-1]) if self.scale == "sdcor" else float(np.sqrt(pars[-1]))

    def __call__(self, pars) -> float:
        """``ldL2 − ldW + pwrss/σ² + n·log(2πσ²)`` at ``pars`` (lme4 ``dd(pars)``)."""
        theta = self.theta(pars)
        if not np.all(np.isfinite(theta)):
            raise NumericalError("non-finite theta in profile deviance")
        ldL2, pwrss = self._fast(theta)
        sigsq = self.sigma(pars) ** 2
        n = self.ml_fit.nobs
        return ldL2 - self.ml_fit.problem.ldW + pwrss / sigsq + n * (_LOG_2PI + np.log(sigsq))

    def beta(self, pars) -> np.ndarray:
        """β̂ at the θ of ``pars`` (lme4 ``pp$beta(1)`` after ``dd(pars)``)."""
        return self.ml_fit.problem.evaluate(self.theta(pars)).beta.copy()

    def from_theta(self, theta, sigma: float) -> np.ndarray:
        """θ and σ → variance parameters (lme4 ``from.chol(theta, s = sigma)``)."""
        if self.scale == "sdcor":
            return cv_to_sv(theta, self.sizes, s=sigma)
        return cv_to_vv(theta, self.sizes, s=sigma)

    @cached_property
    def _fast(self) -> Callable[[np.ndarray], tuple[float, float]]:
        return _parts(self.ml_fit.problem)


def make_devfun2(fit: "LmerFit", signames: bool = True, scale: str = "sdcor") -> DevFun2:
    """Build lme4's ``devfun2(fm)``: refit by ML (lme4 ``refitML``), then wrap its deviance."""
    if scale not in ("sdcor", "varcov"):
        raise ValueError(f"'prof_scale' should be one of \"sdcor\", \"varcov\", not {scale!r}")
    ml = fit.refit_ml()
    theta, basedev = _snap_to_bounds(ml)
    sol = ml.problem.evaluate(theta)
    sizes = term_sizes(fit)
    prefix = ("sd", "cor") if scale == "sdcor" else ("var", "cov")
    names = profnames(ml, signames=signames, prefix=prefix) + list(ml.inputs.X_columns)
    from_chol = cv_to_sv if scale == "sdcor" else cv_to_vv
    values = np.concatenate([from_chol(theta, sizes, s=sol.sigma_ml), sol.beta])
    stderr = sol.sigma_ml * np.sqrt(np.diagonal(ml.problem.unscaled_vcov(theta)))
    return DevFun2(ml_fit=ml, sizes=sizes, optimum=dict(zip(names, values.tolist())), basedev=basedev,
                   thopt=theta, stderr=stderr, scale=scale)


def _snap_to_bounds(ml: "LmerFit", tol: float = 1e-5) -> tuple[np.ndarray, float]:
    """θ̂ of the ML refit with near-boundary components put on the boundary.

    lme4's ``refitML`` runs minqa's BOBYQA, which lands a singular component exactly on
    its bound (θ = 0); pylme's NLopt emulation can stop at ~1e-8 instead.  Profiling is
    sensitive to that difference (the optimizers' first steps scale with the distance to
    the bound), so a component within ``tol`` of its bound is moved onto it when the ML
    deviance does not increase beyond rounding (lme4's ``boundary.tol`` rule).
    """
    theta, best = ml.theta, float(ml.deviance(REML=False))
    lower = ml.inputs.re_terms.lower
    gap = theta - lower
    for i in np.flatnonzero((gap > 0) & (gap < tol)):
        trial = theta.copy()
        trial[i] = lower[i]
        value = float(ml.problem.objective(trial))
        if value <= best + 1e-12 * max(1.0, abs(best)):
            theta, best = trial, min(best, value)
    return theta, best


def fixed_effect_fit(dd: DevFun2, j: int, value: float, optimizer: str) -> tuple[float, np.ndarray, float, np.ndarray]:
    """ML fit with β_j fixed at `value` (lme4 ``profile.merMod``'s ``fe.zeta``).

    Column j leaves X and ``X_j·value`` joins the offset; θ is optimized on its own scale
    from θ̂ with the default settings of `optimizer` (lme4 passes no control here).

    Returns
    -------
    fval, theta, sigma, beta_others
        The ML deviance, θ, ``sqrt(pwrss/n)`` and the other fixed effects at the optimum.
    """
    from ..fit import make_problem

    inputs = dd.ml_fit.inputs
    X = inputs.X
    offset = np.zeros(inputs.n) if inputs.offset is None else inputs.offset
    reduced = dataclasses.replace(inputs, X=np.delete(X, j, axis=1), offset=offset + X[:, j] * value,
                                  REML=False)
    problem = make_problem(reduced)
    res = minimize(problem.objective, dd.thopt, inputs.re_terms.lower, None, optimizer, {})
    sol = problem.evaluate(res.par)
    return res.fval, res.par, float(np.sqrt(sol.pwrss / inputs.n)), sol.beta.copy()


@dataclass(frozen=True)
class MinResult:
    """One optimizer run: the optimum, its value and lme4's convergence code."""

    par: np.ndarray
    fval: float
    conv: int


def minimize(fn: Callable[[np.ndarray], float], start, lower, upper, optimizer: str,
             control: Mapping[str, float]) -> MinResult:
    """Minimize `fn` within bounds as lme4's ``optwrap(optimizer, ...)`` does.

    Unlike :func:`pylme.optimize.optwrap` the upper bounds may be finite (lme4 bounds
    correlations by 1 when profiling).  No derivatives are computed: lme4 computes them
    but never uses them here.  A non-zero convergence code gives lme4's
    ``convergence code %d from <optimizer>`` warning.
    """
    start = np.array(start, dtype=float)
    n = start.size
    lower = np.broadcast_to(np.asarray(lower, float), (n,)).copy()
    upper = np.full(n, np.inf) if upper is None else np.broadcast_to(np.asarray(upper, float), (n,)).copy()
    settings, algorithm = _settings(optimizer, start, control)
    opt = nlopt.opt(algorithm, n)
    opt.set_lower_bounds(lower)
    opt.set_upper_bounds(upper)
    errors: list[BaseException] = []
    best = [np.inf, start.copy()]

    def objective(x, grad):
        try:
            value = float(fn(np.array(x, dtype=float)))
        except Exception as exc:  # noqa: BLE001 - re-raised after NLopt returns
            errors.append(exc)
            raise nlopt.ForcedStop from exc
        if value < best[0]:
            best[0], best[1] = value, np.array(x, dtype=float)
        return value

    opt.set_min_objective(objective)
    opt.set_xtol_rel(settings["xtol_rel"])
    opt.set_xtol_abs(np.full(n, settings["xtol_abs"]))
    opt.set_ftol_abs(settings["ftol_abs"])
    opt.set_ftol_rel(settings["ftol_rel"])
    opt.set_maxeval(int(settings["maxeval"]))
    if "initial_step" in settings:
        opt.set_initial_step(settings["initial_step"])
    x0 = np.clip(start, lower, upper)
    if not np.all(np.isfinite(x0)):
        # NLopt corrupts memory on a NaN start (seen: after an NA row of a profile, whose
        # parameters seed the next step); lme4's optimizers fail here, inside the same
        # tryCatch that makes the row NA
        raise OptimizerError(f"non-finite starting values: {x0.tolist()}")
    try:
        x = np.asarray(opt.optimize(x0), dtype=float)
        fval, status = float(opt.last_optimum_value()), int(opt.last_optimize_result())
    except nlopt.ForcedStop:
        raise errors[0] if errors else OptimizerError("optimization stopped")
    except nlopt.RoundoffLimited:
        x, fval, status = best[1], best[0], -4
    except (ValueError, RuntimeError) as exc:
        if errors:
            raise errors[0] from exc
        raise OptimizerError(f"NLopt failed: {exc}") from exc
    conv = _conv_code(optimizer, status)
    if conv != 0:
        message = NLOPT_MESSAGES.get(status, str(status)) if optimizer == "nloptwrap" else f"NLopt status {status}"
        warnings.warn(f"convergence code {conv} from {optimizer}: {message}", OptimizerWarning, stacklevel=3)
    return MinResult(par=x, fval=fval, conv=conv)


def _settings(optimizer: str, start: np.ndarray, control: Mapping[str, float]):
    """NLopt settings reproducing lme4's optimizer wrappers (see :mod:`pylme.optimize`)."""
    if optimizer == "nloptwrap":
        return {**_NLOPTWRAP, **{k: v for k, v in control.items() if k in _NLOPTWRAP}}, nlopt.LN_BOBYQA
    if optimizer == "bobyqa":
        par = np.where(np.all(start == 0), 0.001, start)
        rhobeg = float(control.get("rhobeg", min(0.95, 0.2 * np.max(np.abs(par)))))
        rhoend = float(control.get("rhoend", 1e-6 * rhobeg))
        return ({"xtol_rel": rhoend / rhobeg, "xtol_abs": 0.0, "ftol_abs": 0.0, "ftol_rel": 0.0,
                 "maxeval": int(control.get("maxfun", 10000)), "initial_step": np.full(start.size, rhobeg)},
                nlopt.LN_BOBYQA)
    if optimizer == "Nelder_Mead":
        return ({"xtol_rel": float(control.get("XtolRel", 1e-7)), "xtol_abs": 0.0,
                 "ftol_abs": float(control.get("FtolAbs", 1e-5)), "ftol_rel": float(control.get("FtolRel", 1e-15)),
                 "maxeval": int(control.get("maxfun", 10000)),
                 "initial_step": np.full(start.size, float(control.get("xst", 0.02)))}, nlopt.LN_NELDERMEAD)
    raise OptimizerError(f"couldn't find optimizer function {optimizer}")


def _conv_code(optimizer: str, status: int) -> int:
    if optimizer == "nloptwrap":
        return status if (status < 0 or status == 5) else 0
    if optimizer == "bobyqa":
        return 1 if status == 5 else (status if status < 0 else 0)
    return 4 if status == 5 else (status if status < 0 else 0)
