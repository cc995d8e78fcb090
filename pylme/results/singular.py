"""``pylme.isSingular``: the help page pylme's singular-fit message points to (lme4:
``isSingular``, ``?isSingular``)."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from ..convergence import is_singular
from ..errors import ArgumentError
from .model import LmerFit

__all__ = ["isSingular"]


def isSingular(fit: Any, tol: float = 1e-4) -> bool:
    """Whether a fitted model is (nearly) singular (lme4 ``isSingular(x, tol = 1e-4)``).

    A fit is *singular* when its estimates lie on the boundary of the parameter space:
    the estimated covariance matrix of some random-effects term has less than full rank,
    i.e. the variance of at least one combination of that term's effects is estimated
    as (close to) zero.  For a random intercept this is a variance of (nearly) zero; for
    an intercept and a slope it can also be a correlation of (nearly) ±1; for three or
    more components it may show in neither the variances nor the correlations.  The
    test: some diagonal element of a relative covariance factor (a component of θ̂ whose
    lower bound is 0) is below ``tol``.

    This is the page pylme's message ``boundary (singular) fit: see
    help(pylme.isSingular)`` refers to (lme4: ``see help('isSingular')``).

    What a singular fit means.  The estimates are well defined (the maximum of the
    likelihood may truly be on the boundary), but the model is likely richer than the
    data support: it may be overfitted and have little power; numerical problems
    (convergence warnings, profiles that fail) are more likely; and Wald tests and
    likelihood-ratio tests of the variance parameters may not have their usual
    distributions.  Common responses, none of them universal:

    * simplify the random effects: drop the component estimated as zero, or fit
      uncorrelated components (``(x || g)``) instead of a full covariance matrix;
    * choose among random-effects structures with a criterion that balances fit and
      complexity (AIC, likelihood-ratio tests of nested models);
    * keep the model if it reflects the design, and report that it is singular;
    * use a method that keeps the covariance away from the boundary (priors, as in a
      Bayesian fit), which pylme does not provide.

    Parameters
    ----------
    fit : LmerFit
        A model fitted by :func:`pylme.lmer`.
    tol : float
        Tolerance on the diagonal of the relative covariance factors (lme4's default
        ``1e-4``); a number (R coerces ``True``/``False`` to 1/0, and so does pylme).

    Returns
    -------
    bool
        True when singular at ``tol``; the same as ``fit.isSingular(tol)``.

    Raises
    ------
    ArgumentError
        ``fit`` is not a fitted model (R: ``no applicable method for 'getME'``), or
        ``tol`` is not a number or is NaN.

    See Also
    --------
    pylme.LmerControl : ``check_conv_singular`` sets what a singular fit signals
        (lme4 ``lmerControl(check.conv.singular = )``).

    Examples
    --------
    >>> import pylme
    >>> fit = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff2"))  # doctest: +SKIP
    >>> pylme.isSingular(fit)  # doctest: +SKIP
    True
    """
    from .glmer_model import GlmerFit  # glmer_model imports this module's caller

    if not isinstance(fit, (LmerFit, GlmerFit)):
        raise ArgumentError("no applicable method for 'getME' applied to an object of class "
                        f"\"{type(fit).__name__}\": isSingular() needs a fit made by pylme.lmer() or pylme.glmer()")
    if isinstance(tol, (bool, np.bool_)):
        tol = float(tol)  # R's coercion of TRUE/FALSE to 1/0
    if not isinstance(tol, Real) or math.isnan(float(tol)):
        raise ArgumentError(f"tol must be a number, got {tol!r}")
    return is_singular(fit.theta, fit.inputs.re_terms.lower, float(tol))
