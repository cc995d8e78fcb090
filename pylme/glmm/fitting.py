"""glmer's optimization: initial PIRLS, stage 1 over θ, stage 2 over (θ, β) (lme4 ``glmer``).

The sequence is lme4 1.1-31's (glmer_spec.md §0, §3):

1. PIRLS at the template θ from ``η = linkfun(mustart) + offset`` (joint in u and β, or u only
   with ``nAGQ0initStep = FALSE``) gives ``lp0``;
2. stage 1 (``nAGQ0initStep``): ``optimizer[0]`` (minqa BOBYQA) minimizes the θ-only
   Laplace deviance, PIRLS restarting from ``lp0`` at every evaluation; a final
   evaluation at θ̂₁ leaves the state that becomes stage 2's ``lp0`` and β start;
3. stage 2 (nAGQ ≥ 1): ``optimizer[1]`` (lme4's Nelder–Mead) minimizes the (θ, β)
   deviance (Laplace or quadrature), then derivatives, a final evaluation and lme4's
   boundary check; ``checkConv`` on the (θ, β) gradient and Hessian.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..convergence import ConvResult, check_conv
from ..errors import ArgumentError, ControlError
from ..optimize import OptResult
from .devfun import ThetaBetaDevfun, ThetaDevfun
from .pirls import PirlsResult, Response, pirls
from .predictor import Predictor
from .optwrap import optwrap_glmer, stage2_steps

__all__ = ["GlmerOptimum", "optimize_glmer", "read_start", "start_eta"]


@dataclass(frozen=True, eq=False)
class GlmerOptimum:
    """Everything the fitted model is made of (lme4: the ``rho`` environment and ``opt``).

    Attributes
    ----------
    theta, beta : ndarray
        θ̂ and β̂ (stage 2: β̂ is the optimizer's; nAGQ = 0: the PIRLS β at θ̂).
    fval : float
        The deviance at the optimum (−2ℓ on the Laplace or the quadrature scale).
    state : PirlsResult
        The final evaluation's PIRLS state (û, μ, η, last decomposition).
    opt : OptResult
        The last stage's optimizer result (what ``optinfo`` reports).
    stage1 : OptResult or None
    conv : ConvResult
        lme4's ``checkConv`` result (empty when derivatives were not computed).
    lower : ndarray
        The bounds ``checkConv`` saw (θ's, then −∞ for every β in stage 2).
    n_agq : int
    """

    theta: np.ndarray
    beta: np.ndarray
    fval: float
    state: PirlsResult
    opt: OptResult
    stage1: OptResult | None
    conv: ConvResult
    lower: np.ndarray
    n_agq: int


def start_eta(resp: Response, mustart: np.ndarray) -> np.ndarray:
    """η before the first PIRLS: lme4's ``mkRespMod`` installs ``linkfun(mustart)`` as the
    linear predictor *without* offset, so η = linkfun(mustart) + offset."""
    return resp.offset + resp.family.link.linkfun(mustart)


def read_start(start: Any, n_theta: int, p: int, n_agq: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """glmer's ``start``: θ values, or a mapping with ``theta`` and/or ``fixef`` (lme4's checks)."""
    if start is None:
        return None, None
    if isinstance(start, dict):
        bad = [k for k in start if k not in ("theta", "fixef")]
        if bad:
            raise ArgumentError(f"bad name(s) for start vector ({', '.join(bad)}); should be 'theta' and/or 'fixef'")
        theta, fixef = start.get("theta"), start.get("fixef")
        if fixef is not None and n_agq == 0:
            raise ArgumentError("should not specify both start$fixef and nAGQ==0")
    else:
        theta, fixef = start, None
    theta = _vector(theta, n_theta, "theta")
    fixef = _vector(fixef, p, "fixef")
    return theta, fixef


def _vector(value, size: int, what: str) -> np.ndarray | None:
    if value is None:
        return None
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ArgumentError(f"start${what} must be numeric") from None
    if arr.size != size:
        raise ArgumentError(f"incorrect number of {what} components (!={size})")
    if not np.all(np.isfinite(arr)):
        raise ArgumentError(f"start${what} must be finite")
    return arr


def optimize_glmer(predictor: Predictor, resp: Response, mustart: np.ndarray, control, n_agq: int,
                   start: Any = None, verbose: int = 0) -> GlmerOptimum:
    """Fit a GLMM as lme4's ``glmer`` does (see the module docstring).

    Parameters
    ----------
    predictor : Predictor
    resp : Response
    mustart : ndarray
        The family's starting means.
    control : GlmerControl
    n_agq : int
        0, 1 (Laplace) or the number of quadrature nodes.
    start : optional
        θ, or ``{"theta": ..., "fixef": ...}``.
    verbose : int

    Returns
    -------
    GlmerOptimum
    """
    theta_start, beta_start = read_start(start, predictor.n_theta, predictor.p, n_agq)
    tol = float(control.tol_pwrss)
    init_step = bool(control.nAGQ0_init_step)
    if not init_step and n_agq == 0:
        raise ControlError("nAGQ = 0 needs nAGQ0initStep = TRUE (lme4 has no optimization stage to run)")
    base = resp.offset
    theta0 = theta_start if theta_start is not None else predictor.theta_template()
    eta0 = start_eta(resp, mustart)
    init = pirls(predictor, resp, theta0, eta0, base, u_only=not init_step, tol=tol)
    lp0 = init.eta - base
    lower_theta = predictor.lower
    stage1, last = None, init
    if init_step:
        f1 = ThetaDevfun(predictor, resp, lp0, tol)
        f1.last = init
        stage1 = optwrap_glmer(control.optimizer[0], f1, theta0, lower_theta, control.opt_ctrl,
                               calc_derivs=False, verbose=verbose)
        if n_agq == 0:
            return _finish_theta_only(f1, stage1, control, lower_theta)
        last = f1.last
    f2 = ThetaBetaDevfun(predictor, resp, last.eta - base, tol, n_agq)
    f2.last = last
    theta = stage1.par if stage1 is not None else theta0
    beta = beta_start if beta_start is not None else last.beta
    unsc = np.linalg.inv(last.step.RX.T @ last.step.RX) if predictor.p else np.zeros((0, 0))
    lower = np.concatenate([lower_theta, np.full(predictor.p, -np.inf)])
    opt = optwrap_glmer(control.optimizer[1], f2, np.concatenate([theta, beta]), lower, control.opt_ctrl,
                        calc_derivs=control.calc_derivs, use_last_params=control.use_last_params,
                        verbose=verbose, adjust=stage2_steps(control.optimizer[1], predictor.n_theta, np.diag(unsc)))
    if control.restart_edge:
        raise ControlError("restart_edge not implemented for optimizeGlmer yet")
    if control.boundary_tol > 0:
        opt = _check_boundary(f2, opt, lower, control.boundary_tol, predictor.n_theta)
    conv = check_conv(opt.derivs, opt.par, lower, control) if control.calc_derivs else ConvResult()
    n_th = predictor.n_theta
    return GlmerOptimum(theta=opt.par[:n_th].copy(), beta=opt.par[n_th:].copy(), fval=opt.fval, state=f2.last,
                        opt=opt, stage1=stage1, conv=conv, lower=lower, n_agq=n_agq)


def _finish_theta_only(f1: ThetaDevfun, opt: OptResult, control, lower: np.ndarray) -> GlmerOptimum:
    """nAGQ = 0: stage 1 is the fit; lme4's boundary check applies (``boundary.tol``)."""
    if control.restart_edge:
        raise ControlError("restart_edge not implemented for optimizeGlmer yet")
    if control.boundary_tol > 0:
        opt = _check_boundary(f1, opt, lower, control.boundary_tol, lower.size)
    # lme4 calls checkConv with derivs = NULL: only the singularity check runs
    conv = check_conv(None, opt.par, lower, control) if control.calc_derivs else ConvResult()
    state = f1.last
    return GlmerOptimum(theta=opt.par.copy(), beta=state.beta.copy(), fval=opt.fval, state=state, opt=opt,
                        stage1=opt, conv=conv, lower=lower, n_agq=0)


def _check_boundary(fn, opt: OptResult, lower: np.ndarray, tol: float, n_theta: int) -> OptResult:
    """lme4 ``check.boundary``: snap θ within ``tol`` of its bound when that lowers the deviance."""
    theta = fn.last.theta
    bdiff = theta - lower[:n_theta]
    edge = (bdiff > 0) & (bdiff < tol)
    if not np.any(edge):
        return opt
    par = opt.par.copy()
    for i in np.flatnonzero(edge):
        trial = par.copy()
        trial[i] = lower[i]
        if fn(trial) < opt.fval:
            par[i] = trial[i]
    fval = fn(par)
    from dataclasses import replace

    return replace(opt, par=par, fval=float(fval))


def refit_glmer(predictor: Predictor, resp: Response, mustart: np.ndarray, theta: np.ndarray, beta: np.ndarray,
                u: np.ndarray, n_agq: int, optimizer: str, opt_ctrl, *, tol_init: float, tol: float,
                calc_derivs: bool, control) -> GlmerOptimum:
    """Re-optimize a fitted GLMM for a new response module (lme4 ``refit.merMod`` for glmer).

    lme4 does not repeat glmer's two stages (glmer_spec.md §5.7, trap 18):

    1. one PIRLS at θ̂ from ``η = linkfun(mustart)`` of the new response — u only with
       β = 0 (nAGQ ≥ 1), joint for nAGQ = 0 — whose linear predictor becomes ``lp0``;
    2. **one** optimization from (θ̂, β̂) (θ̂ alone for nAGQ = 0) with the fit's last
       optimizer and no stage-2 step tweaks (Nelder–Mead's default ``xst = 0.02``);
       derivatives iff the original fit had them, then ``checkConv``; no boundary check.

    Parameters
    ----------
    predictor : Predictor
        The fit's predictor module (its structure does not depend on the response).
    resp : Response
        The new response module.
    mustart : ndarray
        The new response's starting means (the family's ``initialize``).
    theta, beta, u : ndarray
        θ̂, β̂ and û of the fit (û only matters should PIRLS's first step give NaN).
    n_agq : int
        The fit's nAGQ.
    optimizer : str
        lme4 ``optinfo$optimizer`` of the fit (or the control's last optimizer).
    opt_ctrl : mapping
        Optimizer settings (lme4: ``glmerControl()$optCtrl``, i.e. empty, by default).
    tol_init : float
        ``tolPwrss`` of the first PIRLS (the refit control's).
    tol : float
        ``tolPwrss`` of the deviance function (the fit's).
    calc_derivs : bool
    control : GlmerControl
        Its ``checkConv`` settings are used.

    Returns
    -------
    GlmerOptimum
    """
    base = resp.offset
    eta0 = start_eta(resp, mustart)
    init = pirls(predictor, resp, np.asarray(theta, dtype=float), eta0, base, u_only=n_agq > 0, tol=tol_init,
                 previous=(np.asarray(u, dtype=float), np.zeros(predictor.p)))
    lp0 = init.eta - base
    n_th = predictor.n_theta
    if n_agq > 0:
        fn: Any = ThetaBetaDevfun(predictor, resp, lp0, tol, n_agq)
        par = np.concatenate([theta, beta])
        lower = np.concatenate([predictor.lower, np.full(predictor.p, -np.inf)])
    else:
        fn = ThetaDevfun(predictor, resp, lp0, tol)
        par, lower = np.asarray(theta, dtype=float), predictor.lower
    fn.last = init
    opt = optwrap_glmer(optimizer, fn, par, lower, opt_ctrl, calc_derivs=calc_derivs)
    conv = check_conv(opt.derivs, opt.par, lower, control)
    state = fn.last
    beta_hat = opt.par[n_th:] if n_agq > 0 else state.beta
    return GlmerOptimum(theta=opt.par[:n_th].copy(), beta=np.array(beta_hat, dtype=float), fval=opt.fval,
                        state=state, opt=opt, stage1=None, conv=conv, lower=lower, n_agq=n_agq)
