"""statsmodels fits in lme4's model comparison: R's ``anova(merMod, lm)``.

lme4's ``anova.merMod`` (``anovaLmer``) accepts ``lm`` and ``glm`` objects beside
``merMod`` ones: it reads nothing from them but ``nobs()``, ``logLik()`` (with its
``df`` and ``nobs`` attributes), the call's formula and data.  The Python counterparts
of R's ``lm``/``glm`` are statsmodels' OLS/WLS and GLM results, whose ``llf``/``aic``
do not count σ as a parameter; R's ``logLik.lm`` does (``df = rank + 1``), and so does
``logLik.glm`` for families with a dispersion (gaussian, Gamma, inverse.gaussian).  This
module recomputes R's log-likelihood of such a fit and wraps it as a
:class:`StatsmodelsFit` that :func:`pylme.anova` compares like a mixed model.

R's ``logLik.lm`` (stats, ``R/lm.R``) and ``logLik.glm`` (``R/glm.R``, through the
family's ``aic``) are the definitions reproduced here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from ..errors import UnsupportedModelError
from ..results.model import LogLik

__all__ = ["StatsmodelsFit", "as_statsmodels_fit", "is_statsmodels_result", "lm_logLik", "glm_logLik"]

#: R's ``qr()`` tolerance (``lm.fit``'s ``tol = 1e-07``), for the REML log-determinant
_QR_TOL = 1e-7


def is_statsmodels_result(obj: Any) -> bool:
    """Whether ``obj`` is a statsmodels results object (without importing statsmodels)."""
    return type(obj).__module__.split(".")[0] == "statsmodels" and hasattr(obj, "model")


def _kind(result: Any) -> str:
    """``"lm"`` for OLS/WLS, ``"glm"`` for GLM; an error for other statsmodels fits."""
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.regression.linear_model import GLS, OLS, WLS

    model = result.model
    if isinstance(model, GLM):
        return "glm"
    if isinstance(model, (OLS, WLS)) or type(model) is GLS:
        if type(model) is GLS:
            raise UnsupportedModelError("a statsmodels GLS fit has no R lm counterpart; "
                                        "use OLS or WLS (R's lm with weights)")
        return "lm"
    raise UnsupportedModelError(
        f"a statsmodels {type(model).__name__} fit is not an R lm or glm; anova() compares "
        "mixed models with statsmodels OLS/WLS (R lm) and GLM (R glm) fits")


def _lm_weights(result: Any, n: int) -> np.ndarray | None:
    w = getattr(result.model, "weights", None)
    if w is None or np.ndim(w) == 0:
        return None  # OLS stores weights = 1.0
    return np.asarray(w, dtype=float)


def _logdet_r(X: np.ndarray, rank: int) -> float:
    """``sum(log(abs(diag(qr$qr)[1:p])))`` of R's pivoted QR: the columns R keeps are the
    first ones that are not (numerically) in the span of those before them (LINPACK's
    ``dqrdc2`` moves the others to the end), and |det R| over them is invariant."""
    keep: list[int] = []
    for j in range(X.shape[1]):
        cols = keep + [j]
        r = np.linalg.qr(X[:, cols], mode="r")
        norm = np.linalg.norm(X[:, j])
        if norm > 0 and abs(r[-1, -1]) > _QR_TOL * norm:
            keep.append(j)
        if len(keep) == rank:
            break
    r = np.linalg.qr(X[:, keep], mode="r")
    return float(np.sum(np.log(np.abs(np.diag(r)))))


def lm_logLik(result: Any, REML: bool = False) -> LogLik:
    """R's ``logLik.lm`` of a statsmodels OLS/WLS fit: σ counted, ``df = rank + 1``.

    Parameters
    ----------
    result : statsmodels RegressionResults
        An OLS or WLS fit (WLS weights are R's ``weights``; zero weights drop their
        rows from the likelihood and from ``nobs``, as in R).
    REML : bool
        R's ``logLik(fit, REML = TRUE)``: the restricted log-likelihood.

    Returns
    -------
    LogLik
        The value with R's ``df`` and ``nobs`` attributes.
    """
    if _kind(result) != "lm":
        raise UnsupportedModelError("lm_logLik() takes a statsmodels OLS/WLS fit; use glm_logLik() for GLM")
    res = np.asarray(result.resid, dtype=float)
    X = np.asarray(result.model.exog, dtype=float)
    p = int(result.model.rank)
    w = _lm_weights(result, res.size)
    if w is None:
        w = np.ones(res.size)
    keep = w != 0
    res, w, X = res[keep], w[keep], X[keep]
    n0 = n = res.size
    if REML:
        n = n - p
    val = 0.5 * (np.sum(np.log(w)) - n * (np.log(2 * np.pi) + 1 - np.log(n) + np.log(np.sum(w * res**2))))
    if REML:
        val -= _logdet_r(np.sqrt(w)[:, None] * X, p)
    return LogLik(float(val), p + 1, n if REML else n0, bool(REML))


def _glm_prior_weights(result: Any, n: int) -> np.ndarray:
    model = result.model
    w = np.ones(n)
    for name in ("var_weights", "freq_weights"):
        extra = getattr(model, name, None)
        if extra is not None and np.ndim(extra) > 0:
            w = w * np.asarray(extra, dtype=float)
    return w


def glm_logLik(result: Any) -> LogLik:
    """R's ``logLik.glm`` of a statsmodels GLM fit: ``rank - aic/2`` with the family's
    ``aic`` as R's family objects define it; σ (the dispersion) is counted for the
    gaussian, Gamma and inverse Gaussian families.

    Parameters
    ----------
    result : statsmodels GLMResults
        Binomial, Poisson, Gaussian, Gamma or inverse Gaussian family.  statsmodels'
        ``var_weights`` (and ``freq_weights``) play R's prior ``weights``.

    Returns
    -------
    LogLik
    """
    from statsmodels.genmod import families as F

    if _kind(result) != "glm":
        raise UnsupportedModelError("glm_logLik() takes a statsmodels GLM fit; use lm_logLik() for OLS/WLS")
    fam = result.model.family
    rank = int(np.linalg.matrix_rank(np.asarray(result.model.exog, dtype=float)))
    mu = np.asarray(result.fittedvalues, dtype=float)
    y = np.asarray(result.model.endog, dtype=float)
    w = _glm_prior_weights(result, y.size)
    keep = w != 0  # R: zero prior weights have NA working residuals, left out of nobs
    nobs = int(np.sum(keep))
    if isinstance(fam, (F.Binomial, F.Poisson)):
        # no dispersion: R's aic is -2 * sum of the log densities, so logLik is their sum;
        # statsmodels' llf is that same sum (with the binomial coefficient) at scale 1
        return LogLik(float(result.llf), rank, nobs, False)
    y, mu, w = y[keep], mu[keep], w[keep]
    if isinstance(fam, F.Gaussian):
        nw = y.size
        dev = np.sum(w * (y - mu) ** 2)
        val = -0.5 * (nw * (np.log(2 * np.pi * dev / nw) + 1)) + 0.5 * np.sum(np.log(w))
    elif isinstance(fam, F.Gamma):
        n = np.sum(w)
        dev = np.sum(w * -2 * (np.log(np.where(y == 0, 1, y / mu)) - (y - mu) / mu))
        disp = dev / n
        val = np.sum(w * stats.gamma.logpdf(y, 1 / disp, scale=mu * disp))
    elif isinstance(fam, F.InverseGaussian):
        dev = np.sum(w * ((y - mu) ** 2) / (y * mu**2))
        wsum = np.sum(w)
        disp = dev / wsum
        val = -0.5 * (wsum * (np.log(disp * 2 * np.pi) + 1) + 3 * np.sum(np.log(y) * w))
    else:
        raise UnsupportedModelError(f"R's logLik.glm has no likelihood for the statsmodels family "
                                    f"{type(fam).__name__}")
    return LogLik(float(val), rank + 1, nobs, False)


def _formula_text(result: Any) -> str:
    """The model's formula as R's ``deparse`` writes it (statsmodels' formula text when it
    is not one pylme's R formula parser reads; ``endog ~ exog names`` without one)."""
    text = getattr(result.model, "formula", None)
    if not isinstance(text, str):
        names = [n for n in getattr(result.model, "exog_names", []) if n not in ("const", "Intercept")]
        return f"{result.model.endog_names} ~ " + (" + ".join(names) if names else "1")
    try:
        from ..formula import parse_formula
        from ..formula.deparse import deparse

        parsed = parse_formula(text)
        return deparse(parsed)
    except Exception:  # any text R would not parse is shown as given
        return text


@dataclass(frozen=True, eq=False)
class StatsmodelsFit:
    """A statsmodels OLS/WLS/GLM fit as lme4's ``anovaLmer`` sees an ``lm``/``glm``.

    Attributes
    ----------
    result : object
        The statsmodels results object.
    kind : {"lm", "glm"}
    loglik : LogLik
        R's ``logLik()`` of the fit (σ counted where R counts it).
    formula_text : str
        R's ``deparse()`` of the formula, for the table's heading.
    data_name : str or None
        The data's name for the heading (statsmodels does not know it; :func:`pylme.anova`
        takes the mixed models').
    """

    result: Any
    kind: str
    loglik: LogLik
    formula_text: str
    data_name: str | None = None

    is_REML = False  # R's lm/glm are maximum-likelihood fits; anova never refits them

    @property
    def npar(self) -> int:
        """R's ``attr(logLik(fit), "df")``."""
        return int(self.loglik.df)

    @property
    def nobs(self) -> int:
        """R's ``nobs()``: rows with non-zero weight."""
        return int(self.loglik.nobs)

    def logLik(self) -> LogLik:
        """R's ``logLik(fit)``."""
        return self.loglik

    def AIC(self) -> float:
        """R's ``AIC(logLik(fit))``: ``-2 logLik + 2 df``."""
        return -2 * float(self.loglik) + 2 * self.npar

    def BIC(self) -> float:
        """R's ``BIC(logLik(fit))``: ``-2 logLik + log(nobs) df``."""
        return -2 * float(self.loglik) + np.log(self.nobs) * self.npar


def as_statsmodels_fit(result: Any, data_name: str | None = None) -> StatsmodelsFit:
    """Wrap a statsmodels OLS/WLS or GLM result for :func:`pylme.anova`.

    Raises
    ------
    UnsupportedModelError
        Another statsmodels model, or a GLM family R has no ``logLik`` for.
    """
    kind = _kind(result)
    ll = lm_logLik(result) if kind == "lm" else glm_logLik(result)
    return StatsmodelsFit(result, kind, ll, _formula_text(result), data_name)

