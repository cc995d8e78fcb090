"""R's ``summary.glm`` of the statsmodels GLM fits that translated scripts make.

statsmodels' IRLS starts elsewhere and stops by another rule than R's ``glm.fit``, so
its iteration count (and its last digits) are not R's.  :func:`r_glm_fit` reruns R's
``glm.fit`` on the fit's model matrix (columns in R's order, :func:`pylme.migrate.rlm.
r_layout`): the family's ``initialize`` start (binomial ``(n y + 0.5) / (n + 1)``,
poisson ``y + 0.1``, the others ``y``; :mod:`pylme.migrate.rfamily`), each weighted
least squares step by R's own ``dqrls`` (:mod:`pylme.migrate.rlinpack`, bit for bit),
convergence when ``|dev - devold| / (|dev| + 0.1) < 1e-8``.  The coefficients,
deviance, AIC and ``Number of Fisher Scoring iterations`` are then R's;
the covariance is R's ``chol2inv`` of the last step's QR (the working weights of the
last iteration, as ``summary.glm`` uses them).  Families: binomial, poisson, gaussian,
Gamma, inverse.gaussian with the links statsmodels offers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConvergenceWarning
from ..rstats import r_sum
from . import rfamily as rf
from .rlinpack import dqrls
from .rlm import default_call, n_deleted, r_layout, r_row_names

__all__ = ["GlmSummary", "RGlmFit", "r_glm_fit", "summary_glm", "vcov_glm", "print_glm",
           "binomial_response", "drop1_glm", "anova_glm"]

@dataclass(frozen=True, eq=False)
class RGlmFit:
    """R's ``glm.fit`` result (the parts ``summary.glm`` reads)."""

    family: str
    link: Any
    names: list
    coef: np.ndarray
    keep: np.ndarray
    cov_unscaled: np.ndarray
    mu: np.ndarray
    eta: np.ndarray
    y: np.ndarray
    weights: np.ndarray
    working_weights: np.ndarray
    deviance: float
    null_deviance: float
    aic: float
    rank: int
    df_residual: int
    df_null: int
    iterations: int
    row_names: list
    n_deleted: int


def _response(model, family: str):
    """(y, prior weights, binomial n) as R's ``initialize`` makes them."""
    endog = np.asarray(model.endog, dtype=float)
    weights = np.asarray(getattr(model, "var_weights", np.ones(len(endog))), dtype=float) \
        * np.asarray(getattr(model, "freq_weights", np.ones(len(endog))), dtype=float)
    n = np.ones(len(endog))
    if family == "binomial" and getattr(model, "n_trials", None) is not None:
        n = np.asarray(model.n_trials, dtype=float) * np.ones(len(endog))
        weights = weights * n  # R: weights <- weights * n, y the proportion
    return endog, weights, n


def _xb(x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``x %*% beta`` as R's reference BLAS forms it: column by column."""
    out = np.zeros(x.shape[0])
    for j in range(x.shape[1]):
        out += beta[j] * x[:, j]
    return out


def _irls(x, y, weights, n, offset, family: str, link, epsilon: float = 1e-8,
          maxit: int = 25):
    """``glm.fit``'s iterations: (coefficients in column order, the last ``dqrls``,
    eta, mu, deviance, working weights, iterations)."""
    eta = link.linkfun(rf.mustart(family, y, n))
    mu = link.linkinv(eta)
    devold = float(r_sum(rf.dev_resids(family, y, mu, weights)))
    converged = False
    for iteration in range(1, maxit + 1):
        good = weights > 0
        mu_eta = link.mu_eta(eta)
        good &= mu_eta != 0
        z = (eta - offset)[good] + (y - mu)[good] / mu_eta[good]
        w = np.sqrt((weights[good] * mu_eta[good] ** 2) / rf.variance(family, mu)[good])
        qr = dqrls(x[good] * w[:, None], z * w, tol=min(1e-7, epsilon / 1000))
        start = np.zeros(x.shape[1])
        start[qr.pivot] = qr.coefficients
        eta = _xb(x, start) + offset
        mu = link.linkinv(eta)
        dev = float(r_sum(rf.dev_resids(family, y, mu, weights)))
        working = np.zeros(len(y))
        working[good] = w ** 2  # glm.fit's $weights: the last step's working weights
        if abs(dev - devold) / (0.1 + abs(dev)) < epsilon:
            converged = True
            break
        devold = dev
    if not converged:
        warnings.warn("glm.fit: algorithm did not converge", ConvergenceWarning, stacklevel=2)
    return start, qr, eta, mu, dev, working, iteration


def r_glm_fit(fit: Any, epsilon: float = 1e-8, maxit: int = 25) -> RGlmFit:
    """R's ``glm.fit`` on a statsmodels GLM formula fit's data (module docstring)."""
    model = fit.model
    family = rf.r_family_name(model.family)
    link = rf.r_link(model.family)
    order, names, _, _, intercept = r_layout(fit)
    x = np.asarray(model.exog, dtype=float)[:, order]
    y, weights, n = _response(model, family)
    offset = getattr(model, "offset", None)
    offset = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    start, qr, eta, mu, dev, working, iteration = _irls(x, y, weights, n, offset, family,
                                                        link, epsilon, maxit)
    keep = np.asarray(qr.pivot[:qr.rank], dtype=int)
    r = np.triu(qr.qr[:qr.rank, :qr.rank])
    r_inv = np.linalg.solve(r, np.eye(qr.rank))
    coef = start.copy()
    coef[np.setdiff1d(np.arange(x.shape[1]), keep)] = np.nan
    n_ok = int(np.sum(weights != 0))
    wtdmu = float(r_sum(weights * y) / r_sum(weights)) if intercept else link.linkinv(offset)
    null_dev = float(r_sum(rf.dev_resids(family, y, wtdmu * np.ones_like(y), weights)))
    labels = getattr(model.data, "row_labels", None)
    return RGlmFit(family=family, link=link, names=names, coef=coef, keep=keep,
                   cov_unscaled=r_inv @ r_inv.T, mu=mu, eta=eta, y=y, weights=weights,
                   working_weights=working, deviance=dev, null_deviance=null_dev,
                   aic=rf.aic(family, y, n, mu, weights, dev) + 2 * qr.rank,
                   rank=qr.rank, df_residual=n_ok - qr.rank,
                   df_null=n_ok - int(intercept), iterations=iteration,
                   row_names=r_row_names(labels if labels is not None
                                         else pd.RangeIndex(len(y))),
                   n_deleted=n_deleted(fit, len(y)))


@dataclass(frozen=True, eq=False)
class GlmSummary:
    """R's ``summary.glm`` object; ``str()``/``repr()`` is ``print.summary.glm``'s text.

    Attributes (R's components, Python-named): ``call``, ``family``,
    ``deviance_residuals`` (Series by R's row names), ``coefficients`` (DataFrame:
    ``Estimate``, ``Std. Error``, ``z value``/``t value``, ``Pr(>|z|)``/``Pr(>|t|)``),
    ``aliased``, ``dispersion``, ``df`` (rank, residual df, number of coefficients),
    ``deviance``, ``null_deviance``, ``df_residual``, ``df_null``, ``aic``,
    ``iterations`` (R's ``iter``), ``cov_unscaled``, ``n_deleted``.
    """

    call: Optional[str]
    family: str
    deviance_residuals: pd.Series
    coefficients: pd.DataFrame
    aliased: pd.Series
    dispersion: float
    df: tuple
    deviance: float
    null_deviance: float
    df_residual: int
    df_null: int
    aic: float
    iterations: int
    cov_unscaled: pd.DataFrame
    n_deleted: int

    @property
    def deviance_resid(self) -> pd.Series:
        """R's name for :attr:`deviance_residuals` (``summary(g)$deviance.resid``)."""
        return self.deviance_residuals

    @property
    def iter(self) -> int:
        """R's name for :attr:`iterations` (``summary(g)$iter``)."""
        return self.iterations

    def text(self) -> str:
        """``print(summary(fit))``'s text, every line ending in a newline."""
        from .rlm_print import glm_summary_text

        return glm_summary_text(self)

    def __str__(self) -> str:
        return self.text()[:-1]

    __repr__ = __str__


def summary_glm(fit: Any, call: Optional[str] = None) -> GlmSummary:
    """R's ``summary(glm_fit)`` of a statsmodels GLM formula fit.

    Parameters
    ----------
    fit : statsmodels GLMResults
    call : str, optional
        R's deparsed call, printed after ``Call:``; default: rebuilt from the formula.
    """
    g = r_glm_fit(fit)
    rdf = g.df_residual
    fixed = g.family in ("binomial", "poisson")
    if fixed:
        dispersion = 1.0
    elif rdf > 0:
        # R: sum((working weights * working residuals^2)[weights > 0]) / df.residual
        wres = (g.y - g.mu) / g.link.mu_eta(g.eta)  # glm.fit's working residuals
        dispersion = float(np.sum((g.working_weights * wres ** 2)[g.working_weights > 0]) / rdf)
    else:
        dispersion = np.nan
    kept = [g.names[j] for j in g.keep]
    est = g.coef[g.keep]
    se = np.sqrt(np.diag(g.cov_unscaled) * dispersion)
    tval = est / se
    if fixed:
        pval, cols = 2 * stats.norm.sf(np.abs(tval)), ("z value", "Pr(>|z|)")
    else:
        pval, cols = 2 * stats.t.sf(np.abs(tval), rdf), ("t value", "Pr(>|t|)")
    from .rlm_print import RTable  # coef(summary(m)) prints as R's matrix

    coefficients = RTable({"Estimate": est, "Std. Error": se, cols[0]: tval,
                                 cols[1]: pval}, index=kept).with_print(matrix=True)
    dres = np.sign(g.y - g.mu) * np.sqrt(np.maximum(
        rf.dev_resids(g.family, g.y, g.mu, g.weights), 0))
    return GlmSummary(
        call=call if call is not None else default_call(fit, "glm"), family=g.family,
        deviance_residuals=pd.Series(dres, index=g.row_names), coefficients=coefficients,
        aliased=pd.Series(np.isnan(g.coef), index=g.names), dispersion=dispersion,
        df=(g.rank, rdf, len(g.names)), deviance=g.deviance, null_deviance=g.null_deviance,
        df_residual=rdf, df_null=g.df_null, aic=g.aic, iterations=g.iterations,
        cov_unscaled=pd.DataFrame(g.cov_unscaled, index=kept, columns=kept),
        n_deleted=g.n_deleted)



def vcov_glm(fit: Any):
    """R's ``vcov(glm_fit)``: ``dispersion * chol2inv(R)`` with R's names (aliased: NA)."""
    from ..printing.rformat import R_NA
    from .rlm_print import RTable

    s = summary_glm(fit, call="")
    names = list(s.aliased.index)
    out = pd.DataFrame(R_NA, index=names, columns=names)
    out.loc[s.cov_unscaled.index, s.cov_unscaled.columns] = \
        s.cov_unscaled.to_numpy() * s.dispersion
    return RTable(out.to_numpy(), index=names, columns=names).with_print(matrix=True)


def print_glm(fit: Any, call: Optional[str] = None) -> str:
    """R's ``print(glm_fit)``: call, coefficients, degrees of freedom, deviances and
    AIC, as text that prints as R prints it."""
    from .rlm_print import RText, glm_print_text

    return RText(glm_print_text(r_glm_fit(fit), call if call is not None
                                else default_call(fit, "glm")))


def binomial_response(data: pd.DataFrame, column: str) -> pd.DataFrame:
    """The data with a factor (or logical) response as R's ``binomial()`` reads it:
    1 where the value is not the factor's first level, 0 where it is, NaN where
    missing (R: ``y <- y != levels(y)[1L]``); numeric responses are left alone."""
    y = data[column] if isinstance(data, pd.DataFrame) and column in data.columns else None
    if y is None:
        return data
    if isinstance(y.dtype, pd.CategoricalDtype):
        codes = y.cat.codes.to_numpy()
        values = np.where(codes < 0, np.nan, (codes != 0).astype(float))
    elif pd.api.types.is_bool_dtype(y.dtype):
        values = y.astype(float).to_numpy()
    else:
        return data
    out = data.copy()
    out[column] = values
    return out


def drop1_glm(fit: Any, test: Optional[str] = None):
    """R's ``drop1(glm_fit, test=)``: each term no other term contains dropped in turn
    (refitted by ``glm.fit``), ``Df``/``Deviance``/``AIC`` (+ ``LRT``, ``Pr(>Chi)`` for
    ``test = "Chisq"``/``"LRT"``), printed as R prints it."""
    from ..printing.rformat import R_NA
    from .rlm import r_formula_text
    from .rlm_print import RTable

    model = fit.model
    g = r_glm_fit(fit)
    order, _, assign, terms, _ = r_layout(fit)
    x = np.asarray(model.exog, dtype=float)[:, order]
    y, weights, n = _response(model, g.family)
    offset = getattr(model, "offset", None)
    offset = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    factors = _term_factors(fit)
    scope = [t for i, t in enumerate(terms)
             if not any(factors[i] < factors[j] for j in range(len(terms)) if j != i)]
    dev, ranks = [g.deviance], [g.rank]
    for term in scope:
        cols = assign != terms.index(term) + 1
        _, qr, _, _, d, _, _ = _irls(x[:, cols], y, weights, n, offset, g.family, g.link)
        dev.append(d)
        ranks.append(qr.rank)
    dispersion = 1.0 if g.family in ("binomial", "poisson") else summary_glm(fit).dispersion
    dev, ranks = np.array(dev), np.array(ranks, dtype=float)
    nobs = len(y)
    if g.family == "gaussian":
        loglik = nobs * np.log(dev / nobs)
    else:
        loglik = dev / dispersion
    aic = loglik + 2 * ranks
    aic = aic + (g.aic - aic[0])
    df = ranks[0] - ranks
    df[0] = R_NA
    values, columns = [df, dev, aic], ["Df", "Deviance", "AIC"]
    if test in ("Chisq", "LRT"):
        lrt = np.maximum(0, loglik - loglik[0])
        p = stats.chi2.sf(lrt[1:], df[1:])
        lrt[0] = R_NA
        values += [lrt, np.append(R_NA, p)]
        columns += ["LRT" if dispersion == 1 else "scaled dev.", "Pr(>Chi)"]
    heading = ("Single term deletions", "\nModel:", r_formula_text(fit))
    return RTable(np.column_stack(values), index=["<none>"] + scope,
                  columns=columns).with_print(heading=heading, digits=5)


def _term_factors(fit: Any) -> list:
    """The set of variables of each term, in R's term order (for marginality)."""
    from .rlm import _design, _r_terms_order

    _, design = _design(fit)
    return [frozenset(f.name() for f in t.factors)
            for t in _r_terms_order(fit, design) if t.factors]


# the analysis of deviance, in its own module (re-exported: translations call rglm.anova_glm)
from .rglm_anova import anova_glm  # noqa: E402
