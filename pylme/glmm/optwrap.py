"""lme4's ``optwrap`` as glmer uses it: one optimizer run, its warnings, derivatives, final state.

glmer's two stages call the same wrapper with different settings (glmer_spec.md §3.4–3.7):
stage 1 runs minqa's BOBYQA over θ (``adj = FALSE``), stage 2 lme4's Nelder–Mead over
(θ, β) with step sizes from the fixed effects' standard errors (``adj = TRUE``).
Derivatives are lme4's ``deriv12`` central differences, evaluated in lme4's order and
with its arithmetic (the Hessian gives glmer's standard errors).
"""

from __future__ import annotations

import warnings
from typing import Callable, Mapping

import numpy as np

from ..errors import OptimizerError, OptimizerWarning
from ..optimize import Derivs, OptResult, _nloptwrap

__all__ = ["optwrap_glmer", "deriv12", "stage2_steps"]

Objective = Callable[[np.ndarray], float]


def deriv12(fn: Objective, x: np.ndarray, delta: float = 1e-4, fx: float | None = None) -> Derivs:
    """lme4 ``deriv12`` without bounds: gradient and Hessian by central differences.

    Evaluation order and arithmetic follow lme4 (``H_jj = f⁺/δ² − 2f₀/δ² + f⁻/δ²``,
    cross terms over ``(2δ)²``), so the Hessian — hence glmer's standard errors — has
    lme4's rounding.
    """
    x = np.asarray(x, dtype=float)
    k = x.size
    f0 = fn(x) if fx is None else fx
    g = np.empty(k)
    H = np.full((k, k), np.nan)
    d2 = (delta + delta) ** 2
    for j in range(k):
        xa, xs = x.copy(), x.copy()
        xa[j] += delta
        xs[j] -= delta
        fadd, fsub = fn(xa), fn(xs)
        H[j, j] = fadd / delta**2 - 2.0 * f0 / (delta * delta) + fsub / delta**2
        g[j] = (fadd - fsub) / (delta + delta)
        for i in range(j):
            pts = []
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                p = x.copy()
                p[i] += si * delta
                p[j] += sj * delta
                pts.append(fn(p))
            H[i, j] = H[j, i] = pts[0] / d2 - pts[1] / d2 - pts[2] / d2 + pts[3] / d2
    return Derivs(gradient=g, Hessian=H)


def _traced(fn: Objective):
    trace: list = []

    def traced(x: np.ndarray) -> float:
        value = float(fn(np.array(x, dtype=float)))
        trace.append((np.array(x, dtype=float), value))
        return value

    return traced, trace


def _run(optimizer: str, fn: Objective, par: np.ndarray, lower: np.ndarray, control: Mapping, verbose: int):
    """One optimizer call: (par, fval, feval, conv, message, control used, notes)."""
    from ..optim import bobyqa, nelder_mead

    upper = np.full(par.size, np.inf)
    if optimizer == "bobyqa":
        rhobeg = float(control.get("rhobeg", min(0.95, 0.2 * float(np.max(np.abs(par))))))
        rhoend = float(control.get("rhoend", 1e-6 * rhobeg))
        res = bobyqa(fn, par, lower, upper, rhobeg=rhobeg, rhoend=rhoend, npt=control.get("npt"),
                     maxfun=int(control.get("maxfun", 10000)), iprint=min(int(verbose), 3))
        return res.par, res.fval, res.feval, int(res.ierr), res.message, dict(control), []
    if optimizer == "Nelder_Mead":
        xst = np.broadcast_to(np.asarray(control.get("xst", 0.02), dtype=float), par.shape).copy()
        xt = np.broadcast_to(np.asarray(control.get("xt", xst * 5e-4), dtype=float), par.shape).copy()
        res = nelder_mead(fn, par, lower, upper, xst=xst, xt=xt, maxfun=int(control.get("maxfun", 10000)),
                          iprint=int(control.get("iprint", 0)))
        # R's Nelder_Mead warns at the evaluation limit; optwrap then sets convergence 4
        conv = 4 if res.code == 4 else int(res.convergence)
        return res.par, res.fval, res.feval, conv, res.message, {**control, "xst": xst, "xt": xt}, []
    if optimizer == "nloptwrap":
        x, f, feval, conv, message, _, notes = _nloptwrap(fn, par, lower, dict(control), verbose)
        return x, f, feval, conv, message, dict(control), notes
    raise OptimizerError(f"unknown optimizer {optimizer!r}")


def optwrap_glmer(optimizer: str, fn: Objective, par: np.ndarray, lower: np.ndarray, control: Mapping, *,
                  calc_derivs: bool, use_last_params: bool = False, verbose: int = 0,
                  adjust: Mapping | None = None) -> OptResult:
    """lme4 ``optwrap`` for glmer.

    Parameters
    ----------
    optimizer : {"bobyqa", "Nelder_Mead", "nloptwrap"}
    fn : callable
        The deviance function (it keeps its last PIRLS state).
    par, lower : ndarray
        Start and lower bounds (upper bounds are +∞).
    control : mapping
        ``optCtrl`` of glmerControl.
    calc_derivs : bool
        Compute lme4's ``deriv12`` at the optimum.
    use_last_params : bool
        lme4 ``use.last.params``: leave the state of the last derivative evaluation.
    verbose : int
    adjust : mapping, optional
        Stage 2's ``adj = TRUE`` entries (:func:`stage2_steps`), used where the user gave none.

    Returns
    -------
    OptResult
    """
    par = np.asarray(par, dtype=float).copy()
    if not np.all(np.isfinite(par)):
        raise OptimizerError("the optimizer's start values must be finite")
    control = dict(control)
    if adjust is not None:
        control = {**adjust, **control}
        if optimizer == "Nelder_Mead" and "xt" not in control:
            control["xt"] = np.asarray(control["xst"], dtype=float) * 5e-4
    if optimizer == "bobyqa" and np.all(par == 0):
        par[:] = 0.001  # lme4 optwrap
    traced, trace = _traced(fn)
    # lme4's optwrap records the optimizer's own warnings (withCallingHandlers) and lets
    # them through: they are re-issued once here and kept for optinfo$warnings
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        x, f, feval, conv, message, used, notes = _run(optimizer, traced, par, np.asarray(lower, float), control,
                                                       verbose)
    caught = []
    for w in raised:
        if issubclass(w.category, OptimizerWarning):
            caught.append(str(w.message))
        warnings.warn(w.message, w.category, stacklevel=3)
    for note in notes:
        caught.append(note)
        warnings.warn(note, OptimizerWarning, stacklevel=3)
    if conv != 0:
        text = f"convergence code {conv} from {optimizer}: {message}"
        warnings.warn(text, OptimizerWarning, stacklevel=3)
        caught.append(text)
    x = np.asarray(x, dtype=float)
    derivs = deriv12(fn, x) if calc_derivs else None
    if not use_last_params:
        fn(x)  # lme4: the final evaluation sets the state mkMerMod reads
    return OptResult(par=x, fval=float(f), feval=int(feval), conv=int(conv), message=str(message),
                     optimizer=optimizer, control=used, warnings=tuple(caught), derivs=derivs,
                     trace=tuple(trace))


def stage2_steps(optimizer: str, n_theta: int, unsc_diag: np.ndarray) -> dict:
    """lme4 ``optwrap(adj = TRUE)``: Nelder–Mead's ``xst = 0.2·(0.1…, min(SE_β, 10))`` (SE_β
    from ``(R_XᵀR_X)⁻¹`` of the last stage-1 decomposition), BOBYQA's ``rhobeg = 2e-4``,
    ``rhoend = 2e-7``; nothing for other optimizers."""
    if optimizer == "Nelder_Mead":
        beta_sd = np.sqrt(np.asarray(unsc_diag, dtype=float))
        return {"xst": 0.2 * np.concatenate([np.full(n_theta, 0.1), np.minimum(beta_sd, 10.0)])}
    if optimizer == "bobyqa":
        return {"rhobeg": 2e-4, "rhoend": 2e-7}
    return {}
