"""Likelihood profiles of a generalized linear mixed model (lme4: ``profile.merMod`` and
``devfun2`` for a ``glmerMod``).

lme4 profiles a GLMM differently from an LMM (glmer_spec.md §5.5):

* the deviance is glmer's second-stage deviance over (θ, β) (Laplace or adaptive
  Gauss–Hermite, on the fit's scale), rebuilt as ``getME(fit, "devfun")`` builds it:
  a joint PIRLS at θ̂ from the family's starting means gives the linear predictor
  every evaluation restarts from, with glmerControl()'s default ``tolPwrss``.  So its
  value at the optimum is close to, not equal to, the fit's (cbpp: 184.0531301546 vs
  184.0531327791); lme4 only checks them to 1e-5;
* the parameters are the standard deviations/correlations of the random effects (no
  σ: binomial and Poisson have none) and the fixed effects, and *every* one of them is
  profiled the same way: held at a value while all the others are re-optimized by the
  fit's second-stage optimizer (lme4's Nelder–Mead) with its settings, the step sizes
  excepted (lme4 drops ``xst``/``xt``, so Nelder–Mead starts from steps of 0.02);
* families with a scale parameter are refused (lme4's error).

The stepping (``nextpar``, ``fillmat``, both directions, splines) is lmer's
(:mod:`.profile_steps`); the result is lmer's :class:`~.profile.Profile`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np
from scipy.stats import chi2

from ..errors import ModelSpecError, OptimizerError, OptimizerWarning
from .checks import match_arg
from .devfun2 import MinResult, minimize
from .profile import Profile, _check_base, _check_profile_settings, _frame, get_which, profile_optimizer
from .sdcor import cv_to_sv, cv_to_vv, profnames, sv_to_cv, term_sizes, vv_to_cv

if TYPE_CHECKING:
    from ..results.glmer_model import GlmerFit

__all__ = ["GlmmDevfun2", "make_glmm_devfun2", "glmm_minimize", "glmm_profile", "SCALE_FAMILY_ERROR"]

SCALE_FAMILY_ERROR = "can't (yet) profile GLMMs with non-fixed scale parameters"


@dataclass(frozen=True, eq=False)
class GlmmDevfun2:
    """lme4 ``devfun2`` of a GLMM: the (θ, β) deviance on the sd/cor scale.

    ``D(pars) = devfun(Sv_to_Cv(pars[:k]), pars[k:])`` with k the number of variance
    parameters.

    Attributes
    ----------
    devfun : callable
        glmer's second-stage deviance of ``(θ, β)`` (lme4 ``getME(fit, "devfun")``,
        :class:`pylme.inference.glmm_refit.GlmerDevfun`).
    sizes : tuple of int
        Components per random-effects term.
    n_theta : int
        Number of variance parameters (lme4 ``np``).
    optimum : dict
        Parameter name → value at the optimum: sd/cor per term, then β
        (lme4 ``attr(dd, "optimum")``).
    basedev : float
        −2 log-likelihood of the fit (``attr(dd, "basedev")``).
    thopt : ndarray
        θ̂ (``attr(dd, "thopt")``).
    stderr : ndarray
        Standard errors of β̂ (``attr(dd, "stderr")``; lme4 does not use them for GLMMs).
    scale : {"sdcor", "varcov"}
    """

    devfun: Callable[[np.ndarray], float]
    sizes: tuple[int, ...]
    n_theta: int
    optimum: Mapping[str, float]
    basedev: float
    thopt: np.ndarray
    stderr: np.ndarray
    scale: str = "sdcor"

    @property
    def n_var(self) -> int:
        """Parameters re-optimized at each profile point: all of them (lme4 ``npar1 = nptot``)."""
        return len(self.optimum)

    @property
    def names(self) -> list[str]:
        return list(self.optimum)

    def theta(self, pars) -> np.ndarray:
        """θ of the variance parameters in ``pars`` (lme4 ``to.chol(pars[seq(np)])``)."""
        v = np.asarray(pars, dtype=float)[: self.n_theta]
        return sv_to_cv(v, self.sizes) if self.scale == "sdcor" else vv_to_cv(v, self.sizes)

    def __call__(self, pars) -> float:
        """The deviance at ``pars`` = (sd/cor or var/cov parameters, β) (lme4 ``dd(pars)``)."""
        pars = np.asarray(pars, dtype=float)
        return float(self.devfun(np.concatenate([self.theta(pars), pars[self.n_theta:]])))

    def beta(self, pars) -> np.ndarray:
        """Nothing: a GLMM profile row holds β among the profiled parameters already."""
        return np.zeros(0)


def make_glmm_devfun2(fit: "GlmerFit", signames: bool = True, scale: str = "sdcor") -> GlmmDevfun2:
    """lme4 ``devfun2(fit, useSc = FALSE)`` for a GLMM (no ML refit: the fit is ML).

    The deviance is ``getME(fit, "devfun")`` (:class:`pylme.inference.glmm_refit.GlmerDevfun`):
    glmer's stage-2 deviance rebuilt from θ̂ as lme4 rebuilds it.
    """
    if fit.n_agq == 0:
        # lme4's devfun of an nAGQ = 0 fit takes θ alone; devfun2 hands it (θ, β)
        raise ModelSpecError("theta size mismatch")
    sizes = term_sizes(fit)  # type: ignore[arg-type]  # reads inputs.re_terms, which GlmerFit has
    prefix = ("sd", "cor") if scale == "sdcor" else ("var", "cov")
    names = profnames(fit, signames=signames, prefix=prefix)[:-1]  # type: ignore[arg-type]  # no σ: lme4's useSc = FALSE
    from_chol = cv_to_sv if scale == "sdcor" else cv_to_vv
    values = np.concatenate([from_chol(fit.theta, sizes), fit.beta])
    names += list(fit.inputs.X_columns)
    stderr = np.sqrt(np.diagonal(fit.vcov().to_numpy()))
    return GlmmDevfun2(devfun=fit.getME("devfun"), sizes=sizes, n_theta=fit.theta.size,
                       optimum=dict(zip(names, values.tolist())), basedev=float(fit.optimum.fval),
                       thopt=fit.theta, stderr=stderr, scale=scale)


def glmm_minimize(fn: Callable[[np.ndarray], float], start, lower, upper, optimizer: str,
                  control: Mapping[str, Any]) -> MinResult:
    """One optimizer run of a profile point as lme4's ``optwrap(optimizer, ...)`` makes it.

    ``"Nelder_Mead"`` and ``"bobyqa"`` are lme4's and minqa's exact optimizers (their
    default steps unless ``control`` sets them); ``"nloptwrap"`` is lmer's
    :func:`~.devfun2.minimize`.  A non-zero convergence code gives lme4's warning
    ``convergence code <k> from <optimizer>: <message>``.
    """
    start = np.array(start, dtype=float)
    n = start.size
    lower = np.broadcast_to(np.asarray(lower, float), (n,)).copy()
    upper = np.broadcast_to(np.asarray(upper, float), (n,)).copy()
    if n == 0:  # nothing else to optimize: the point's deviance is the value
        return MinResult(par=start, fval=float(fn(start)), conv=0)
    if optimizer == "Nelder_Mead":
        from ..optim import nelder_mead

        nm = nelder_mead(fn, start, lower, upper, xst=control.get("xst", 0.02), xt=control.get("xt"),
                         maxfun=int(control.get("maxfun", 10000)),
                         min_f_max=float(control.get("MinfMax", -np.finfo(float).max)))
        # lme4 optwrap: R's Nelder_Mead says convergence 0 at the evaluation limit, optwrap makes it 4
        conv, message = (4 if nm.code == 4 else nm.convergence), nm.message
        par, fval = nm.par, nm.fval
    elif optimizer == "bobyqa":
        from ..optim import bobyqa

        if np.all(start == 0):
            start[:] = 0.001  # lme4 optwrap
        rhobeg = float(control.get("rhobeg", min(0.95, 0.2 * float(np.max(np.abs(start))))))
        bq = bobyqa(fn, start, lower, upper, rhobeg=rhobeg, rhoend=float(control.get("rhoend", 1e-6 * rhobeg)),
                    npt=control.get("npt"), maxfun=int(control.get("maxfun", 10000)))
        conv, message, par, fval = int(bq.ierr), bq.message, bq.par, bq.fval
    elif optimizer == "nloptwrap":
        return minimize(fn, start, lower, upper, optimizer, control)
    else:
        raise OptimizerError(f"couldn't find optimizer function {optimizer}")
    if conv != 0:
        warnings.warn(f"convergence code {conv} from {optimizer}: {message}", OptimizerWarning, stacklevel=3)
    return MinResult(par=np.asarray(par, dtype=float), fval=float(fval), conv=int(conv))


def _bounds(fit: "GlmerFit", scale: str) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of (variance parameters, β) on the profiling scale (lme4, without σ)."""
    theta_lower = fit.inputs.re_terms.lower
    if scale == "sdcor":  # sd in [0, ∞), correlations in [−1, 1]
        lower = np.maximum(theta_lower, -1.0)
        upper = np.where(theta_lower == 0, np.inf, 1.0)
    else:
        lower, upper = theta_lower.copy(), np.full(theta_lower.size, np.inf)
    p = fit.beta.size
    return np.concatenate([lower, np.full(p, -np.inf)]), np.concatenate([upper, np.full(p, np.inf)])


def glmm_profile(fit: "GlmerFit", which: Any = None, alphamax: float = 0.01, maxpts: int = 100,
                 delta: float | None = None, delta_cutoff: float = 1 / 8, verbose: int = 0,
                 devtol: float = 1e-9, maxmult: float = 10, startmethod: str = "prev",
                 optimizer: str | None = None, control: Mapping[str, float] | None = None,
                 signames: bool = True, prof_scale: str = "sdcor") -> Profile:
    """Profile glmer's deviance over each parameter (lme4 ``profile.merMod`` for a GLMM).

    Parameters
    ----------
    fit : GlmerFit
        A fit of a family without a scale parameter (binomial, Poisson), with nAGQ ≥ 1.
    which : None, int, str or sequence
        Parameters to profile: 0-based positions in (variance parameters, fixed
        effects), names, ``"theta_"`` or ``"beta_"`` (lme4 ``get.which``).  Default all.
    alphamax : float
        Profiling stops beyond ``|ζ| = sqrt(qchisq(1 − alphamax, #parameters))``.
    maxpts : int
        Rows per direction and parameter, at most.
    delta, delta_cutoff : float
        Target ζ step; default ``cutoff·delta_cutoff``.
    verbose : int
        Print progress.
    devtol : float
        A deviance below the optimum by more than this is an error.
    maxmult : float
        A step is at most ``maxmult`` times the previous one.
    startmethod : {"prev", "global"}
        Start each fit at the previous point's estimates or at the optimum.
    optimizer : str, optional
        Default: the fit's second-stage optimizer (lme4 ``optinfo$optimizer``), with its
        settings except the step sizes.
    control : dict, optional
        Optimizer settings overriding the fit's.
    signames : bool
        ``.sig01``-style names (True) or ``sd_(Intercept)|herd`` names.
    prof_scale : {"sdcor", "varcov"}
        Profile standard deviations/correlations or variances/covariances.

    Returns
    -------
    Profile
        Rows ``.sig01, ..., (Intercept), ...`` in :attr:`Profile.frame`;
        :meth:`Profile.confint` gives lme4's ``confint.thpr``.

    Raises
    ------
    ModelSpecError
        A family with a scale parameter (lme4: ``can't (yet) profile GLMMs with
        non-fixed scale parameters``); an nAGQ = 0 fit (lme4 fails with ``theta size
        mismatch``: its deviance function takes θ alone).
    ArgumentError, OptimizerError
        As :func:`pylme.inference.profile.profile`.
    """
    prof_scale = match_arg(prof_scale, ("sdcor", "varcov"), "prof_scale")
    if fit.use_sc:
        raise ModelSpecError(SCALE_FAMILY_ERROR)
    settings = _check_profile_settings(alphamax, maxpts, delta, delta_cutoff, verbose, devtol, maxmult,
                                       startmethod, control, signames, prof_scale)
    alphamax, maxpts, delta, delta_cutoff, verbose, devtol, maxmult, startmethod, control, signames, \
        prof_scale = settings
    optimizer, settings_ctrl = profile_optimizer(fit, optimizer, control)
    from ..blas_threads import single_blas_thread
    from .profile_steps import ProfileSettings, profile_variance

    dd = make_glmm_devfun2(fit, signames=signames, scale=prof_scale)
    names = dd.names
    opt = np.array([dd.optimum[n] for n in names])
    nptot = opt.size
    chosen = sorted(set(get_which(which, dd.n_theta, nptot, names)))  # R: intersect(seq_len(nptot), which)
    cutoff = float(np.sqrt(chi2.ppf(1 - alphamax, nptot)))
    lower, upper = _bounds(fit, prof_scale)
    _check_base(dd, opt)  # type: ignore[arg-type]
    s = ProfileSettings(dd=dd, opt=opt, lower=lower, upper=upper, cutoff=cutoff,  # type: ignore[arg-type]
                        delta=cutoff * delta_cutoff if delta is None else float(delta),
                        maxmult=maxmult, maxpts=int(maxpts), devtol=devtol, optimizer=optimizer,
                        control=settings_ctrl, startmethod=startmethod, verbose=verbose,
                        minimizer=glmm_minimize, label="parameter")
    with single_blas_thread():
        parts = [profile_variance(s, w, names[w]) for w in chosen]
    return Profile(frame=_frame(parts, names), forward={p.name: p.forward for p in parts},
                   backward={p.name: p.backward for p in parts},
                   spline_errors={p.name: p.error for p in parts if p.error},
                   lower=lower[chosen].copy(), upper=upper[chosen].copy(),
                   optimum=dict(dd.optimum), base_deviance=dd.basedev, cutoff=cutoff, delta=s.delta)
