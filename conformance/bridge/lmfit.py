"""The ``lm``/``glm`` side of a script's ``anova(merMod, lm)``, fitted again with statsmodels.

lme4's ``anova.merMod`` compares mixed models with ``lm`` and ``glm`` fits, reading from
those only ``logLik()`` (with its ``df`` and ``nobs``) and the formula;
:func:`pylme.anova` takes statsmodels OLS/WLS/GLM results in their place
(:mod:`pylme.inference.anova_lm`). ``instrument.R`` captures, for each such argument, R's
model matrix (R's contrasts and column names already applied: the likelihood depends on
its column space only, so no formula needs translating to patsy), the response as the fit
used it (``model.response`` for an lm; a glm's ``fit$y`` after its family's
``initialize``: 0/1 for a factor, proportions for ``cbind(s, f)``), prior weights, offset
and family. :func:`statsmodels_result` fits the same model with statsmodels' array API
and names R's formula as the model's ``formula`` (what ``statsmodels.formula.api`` sets),
so that pylme's anova heading deparses R's own formula.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from conformance.bridge.refit import Unsupported

__all__ = ["statsmodels_result"]

#: R's link names as statsmodels link classes (``statsmodels.genmod.families.links``).
_LINKS = {"logit": "Logit", "probit": "Probit", "cauchit": "Cauchy", "cloglog": "CLogLog",
          "log": "Log", "identity": "Identity", "inverse": "InversePower", "sqrt": "Sqrt",
          "1/mu^2": "InverseSquared"}
#: R's family names as statsmodels family classes (those R's ``logLik.glm`` defines).
_FAMILIES = {"binomial": "Binomial", "poisson": "Poisson", "gaussian": "Gaussian",
             "Gamma": "Gamma", "inverse.gaussian": "InverseGaussian"}


def statsmodels_result(inputs: dict) -> Any:
    """Fit R's captured ``lm``/``glm`` again with statsmodels.

    Parameters
    ----------
    inputs : dict
        One entry of :attr:`AnovaCapture.lms <conformance.bridge.capture.AnovaCapture>`.

    Returns
    -------
    statsmodels RegressionResults or GLMResults
        ``OLS`` (R's ``lm``), ``WLS`` (``lm(weights =)``) or ``GLM`` (``glm``).

    Raises
    ------
    Unsupported
        R could not give the inputs, or a family without R's ``logLik`` (quasi families).
    """
    if inputs.get("error"):
        raise Unsupported(f"the lm/glm of the anova could not be captured: {inputs['error']}")
    import statsmodels.api as sm

    X = np.asarray(inputs["X"], dtype=float)
    y = np.asarray(inputs["y"], dtype=float)
    w = inputs.get("weights")
    off = inputs.get("offset")
    if inputs["kind"] == "lm":
        # an lm's offset moves the response; the residuals, hence logLik, are unchanged
        endog = y if off is None else y - np.asarray(off, dtype=float)
        model = sm.OLS(endog, X) if w is None else sm.WLS(endog, X, weights=np.asarray(w))
    else:
        model = _glm(sm, inputs, X, y, w, off)
    model.formula = inputs["formula"]
    return model.fit()


def _glm(sm: Any, inputs: dict, X: np.ndarray, y: np.ndarray, w: Any, off: Any) -> Any:
    family, link = inputs.get("family"), inputs.get("link")
    if family not in _FAMILIES or link not in _LINKS:
        raise Unsupported(f"glm family {family}(link = {link!r}): R's anova uses its logLik, "
                          "which statsmodels' families define only for binomial, poisson, "
                          "gaussian, Gamma and inverse.gaussian")
    fam = getattr(sm.families, _FAMILIES[family])(getattr(sm.families.links, _LINKS[link])())
    w = None if w is None else np.asarray(w, dtype=float)
    unit = w is None or bool(np.all(w == 1))
    kwargs: dict[str, Any] = {"offset": None if off is None else np.asarray(off, dtype=float)}
    if family == "binomial" and not unit:
        # R's binomial weights are trial counts (cbind(s, f) gives y = s/n, weights = n):
        # statsmodels takes the counts of successes and failures, with their binomial
        # coefficients in the log-likelihood as R's dbinom has them
        endog = np.column_stack([np.round(w * y), np.round(w * (1 - y))])
        return sm.GLM(endog, X, family=fam, **kwargs)
    if not unit:
        kwargs["var_weights"] = w
    return sm.GLM(y, X, family=fam, **kwargs)
