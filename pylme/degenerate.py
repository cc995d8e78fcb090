"""A response the fixed effects fit exactly, e.g. a constant one (lme4 1.1-31's outcome).

Then pwrss = 0 at every θ, the criterion is −∞ everywhere and θ cannot be estimated.
lme4's ``lmer`` has no check for it (its ``glmer`` stops with ``Response is constant``):
it optimizes the −∞ criterion and returns a fit with deviance −∞ and σ = 0, and θ̂ is
whatever rounding noise led the optimizer to.  Beside θ̂ that noise leaves some
criterion values finite, so lme4's finite-difference gradient is +Inf and its Hessian
NaN: ``checkConv`` then warns ``unable to evaluate scaled gradient`` and ``Problem with
Hessian check (infinite or missing values?)`` (code −6) — checked with
``lmer(y ~ 1 + (1 | Subject), transform(sleepstudy, y = 1))`` in R 4.2.2 / lme4 1.1-31.

pylme's criterion is exactly −∞ there (no noise), so it reproduces that outcome
deterministically: θ̂ stays at the start, and the convergence result is the one lme4
reports from those derivatives.  pylme also says what is wrong, in a
:class:`~pylme.errors.DataCheckWarning` (lme4 does not).
"""

from __future__ import annotations

import warnings

import numpy as np

from .control import LmerControl
from .convergence import ConvResult, check_conv
from .deviance import DevianceProblem
from .errors import DataCheckWarning
from .optimize import Derivs

__all__ = ["PERFECT_FIT_WARNING", "perfect_fit_conv"]

PERFECT_FIT_WARNING = (
    "the response is fitted exactly by the fixed effects (e.g. it is constant): the residual "
    "variance is 0 and the criterion is -Inf for every theta, so theta cannot be estimated "
    "(lme4 returns the same degenerate fit)"
)


def perfect_fit_conv(problem: DevianceProblem, theta: np.ndarray, lower: np.ndarray,
                     control: LmerControl) -> ConvResult | None:
    """lme4's convergence result for a perfectly fitted response, or None for any other fit.

    Parameters
    ----------
    problem : DevianceProblem
        The model's deviance problem.
    theta, lower : ndarray
        The optimizer's θ and the lower bounds.
    control : LmerControl
        The check policies (actions and tolerances), used as lme4's ``checkConv`` does.

    Returns
    -------
    ConvResult or None
        For a perfect fit, what lme4's ``checkConv`` makes of a gradient of +Inf and a
        NaN Hessian (after its singularity check); the explanation is warned here.
    """
    if not problem.perfect_fit:
        return None
    warnings.warn(PERFECT_FIT_WARNING, DataCheckWarning, stacklevel=3)
    k = np.size(theta)
    return check_conv(Derivs(np.full(k, np.inf), np.full((k, k), np.nan)), theta, lower, control)
