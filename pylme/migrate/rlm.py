"""R's ``summary.lm``, ``confint.lm``, ``vcov.lm`` and ``print.lm`` of the statsmodels
fits that translated scripts make, with R's names and R's printed text.

A translated ``lm``/``aov`` stays a plain statsmodels OLS/WLS results object; these
functions read its design (patsy's model matrix in R's term order, response, prior
weights, the rows dropped for missing values) and redo the least squares as R's
``lm.fit`` does, bit for bit: LINPACK ``dqrdc2`` + ``dqrsl`` (:mod:`.rlinpack`),
aliased columns reported as ``NA`` (statsmodels' pseudo-inverse would give them
values), the effects ``Q'y``.  Names are R's (:func:`pylme.migrate.rbase.r_names`).
ANOVA tables: :mod:`.rlm_anova`; printed text: :mod:`.rlm_print`; GLMs: :mod:`.rglm`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

import numpy as np
import pandas as pd
from scipy import stats

from ..rstats import r_mean, r_sum
from .rlinpack import dqrls
from ..errors import ArgumentError
from ..printing.rformat import R_NA

if TYPE_CHECKING:  # rlm_print imports nothing from here at import time either
    from .rlm_print import RTable

__all__ = ["LsFit", "LmSummary", "least_squares", "summary_lm", "anova_lm", "summary_aov",
           "confint_lm", "vcov_lm", "r_row_names", "r_layout", "n_deleted",
           "default_call", "r_formula_text", "print_lm"]


def r_row_names(index: Any) -> list[str]:
    """R's row names of a model frame: a default (integer) pandas index is R's 1..n."""
    if isinstance(index, pd.RangeIndex) or (
            len(index) and all(isinstance(i, (int, np.integer)) for i in index)):
        return [str(int(i) + 1) for i in index]
    return [str(i) for i in index]


@dataclass(frozen=True, eq=False)
class LsFit:
    """The least-squares quantities of an R ``lm`` object, from a statsmodels fit.

    Attributes
    ----------
    names : list of str
        R's coefficient names, in model-matrix order.
    coef : ndarray
        Coefficients; NaN for aliased columns (R's ``NA``).
    rank, n : int
        Rank of the model matrix, number of observations used.
    keep : ndarray of int
        The columns kept by ``dqrdc2`` (``qr$pivot[1:rank]``), in order.
    effects : ndarray
        ``Q'(sqrt(w) y)`` for the kept columns' QR (its first ``rank`` entries).
    r_inv : ndarray
        ``R^-1`` of that QR (``chol2inv(R) = R^-1 R^-T``).
    resid, fitted, weights : ndarray
    assign : ndarray of int
        Term number of each column (0: the intercept), as R's ``assign``.
    terms : list of str
        R's term labels (``attr(terms, "term.labels")``).
    intercept : bool
    row_names : list of str
    n_deleted : int
        Rows dropped for missing values (R's ``na.action``).
    """

    names: list
    coef: np.ndarray
    rank: int
    n: int
    keep: np.ndarray
    effects: np.ndarray
    r_inv: np.ndarray
    resid: np.ndarray
    fitted: np.ndarray
    weights: np.ndarray
    assign: np.ndarray
    terms: list
    intercept: bool
    row_names: list
    n_deleted: int

    @property
    def df_residual(self) -> int:
        return self.n - self.rank

    @property
    def weighted(self) -> bool:
        return bool(np.ptp(self.weights) > 0) or bool(self.weights[0] != 1.0)

    @property
    def rss(self) -> float:
        return float(r_sum(self.weights * self.resid ** 2))  # R's sum (long double)


def _design(fit: Any):
    data = getattr(getattr(fit, "model", None), "data", None)
    design = getattr(data, "model_spec", None) or getattr(data, "design_info", None)
    if design is None or not hasattr(design, "term_slices"):
        raise ArgumentError("an lm/glm fit from a statsmodels formula is needed "
                            "(smf.ols/smf.wls/smf.glm)")
    return data, design


def _r_terms_order(fit: Any, design) -> list:
    """patsy's terms in R's order: by degree, then as the formula writes them (R's
    ``terms.formula``); patsy puts the terms without numeric factors first."""
    from patsy import ModelDesc

    written = [t.name() for t in ModelDesc.from_formula(str(fit.model.formula)).rhs_termlist]
    terms = list(design.term_slices)
    rank = {name: i for i, name in enumerate(written)}
    return sorted(terms, key=lambda t: (len(t.factors), rank.get(t.name(), len(rank))))


def r_layout(fit: Any) -> tuple[np.ndarray, list[str], np.ndarray, list[str], bool]:
    """The model matrix as R's ``model.matrix`` lays it out: the column order (indices
    into statsmodels' ``exog``), R's column names (``(Intercept)``, ``groupb``,
    ``wool1``), ``assign`` (term number per column, 0 for the intercept), the term
    labels and whether there is an intercept."""
    from .rbase import r_names

    _, design = _design(fit)
    order, assign, labels, intercept = [], [], [], False
    for term in _r_terms_order(fit, design):
        cols = list(range(len(fit.model.exog_names)))[design.term_slices[term]]
        if not term.factors:
            intercept = True
            number = 0
        else:
            labels.append(term.name())
            number = len(labels)
        order += cols
        assign += [number] * len(cols)
    exog_names = [fit.model.exog_names[j] for j in order]
    names = list(r_names(pd.Series(np.zeros(len(order)), index=exog_names), fit).index)
    r_labels = list(r_names(pd.Series(np.zeros(len(labels)), index=labels), fit).index)
    return np.asarray(order, dtype=int), names, np.asarray(assign, dtype=int), r_labels, \
        intercept


def n_deleted(fit: Any, n: int) -> int:
    """Rows dropped by R's ``na.omit`` (``naprint``: k observations deleted)."""
    data = fit.model.data
    frame = getattr(data, "frame", None)
    missing = getattr(data, "missing_row_idx", None)
    if missing is not None:
        return int(len(missing))
    return 0 if frame is None else max(0, len(frame) - n)


def least_squares(fit: Any) -> LsFit:
    """R's ``lm.fit``/``lm.wfit`` on the fit's model matrix (see the module docstring)."""
    model = fit.model
    order, names, assign, terms, intercept = r_layout(fit)
    x = np.asarray(model.exog, dtype=float)[:, order]
    y = np.asarray(model.endog, dtype=float)
    w = np.asarray(getattr(model, "weights", np.ones_like(y)), dtype=float) * np.ones_like(y)
    sw = np.sqrt(w)
    qr = dqrls(x * sw[:, None], y * sw, tol=1e-7)  # R's lm.wfit: Cdqrls on sqrt(w) x, y
    keep = np.asarray(qr.pivot[:qr.rank], dtype=int)
    r = np.triu(qr.qr[:qr.rank, :qr.rank])
    r_inv = np.linalg.solve(r, np.eye(len(keep))) if len(keep) else np.zeros((0, 0))
    coef = np.full(x.shape[1], np.nan)
    coef[keep] = qr.coefficients[:qr.rank]
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = np.where(sw > 0, qr.residuals / sw, 0.0)
    fitted = y - resid
    effects = qr.effects
    labels = getattr(model.data, "row_labels", None)
    rows = r_row_names(labels if labels is not None else pd.RangeIndex(len(y)))
    return LsFit(names=names, coef=coef, rank=qr.rank, n=len(y), keep=keep,
                 effects=effects, r_inv=r_inv, resid=resid, fitted=fitted, weights=w,
                 assign=assign, terms=terms, intercept=intercept, row_names=rows,
                 n_deleted=n_deleted(fit, len(y)))


@dataclass(frozen=True, eq=False)
class LmSummary:
    """R's ``summary.lm`` object; ``str()``/``repr()`` is ``print.summary.lm``'s text.

    Attributes (R's components, Python-named)
    ----------------------------------------
    call : str or None
        The deparsed call (``lm(formula = y ~ x, data = d)``) printed after ``Call:``.
    residuals : pandas.Series
        Weighted residuals named by R's row names.
    coefficients : pandas.DataFrame
        ``Estimate``, ``Std. Error``, ``t value``, ``Pr(>|t|)``; rows by R's names
        (aliased coefficients left out, as in R).
    aliased : pandas.Series of bool
    sigma : float
    df : tuple of int
        ``(rank, residual df, number of coefficients)``.
    r_squared, adj_r_squared : float
    fstatistic : tuple of float or None
        ``(value, numdf, dendf)``; None for a model with only an intercept.
    cov_unscaled : pandas.DataFrame
    n_deleted : int
        Observations deleted due to missingness.
    weighted : bool
        The prior weights vary (R prints ``Weighted Residuals:``).
    """

    call: Optional[str]
    residuals: pd.Series
    coefficients: pd.DataFrame
    aliased: pd.Series
    sigma: float
    df: tuple
    r_squared: float
    adj_r_squared: float
    fstatistic: Optional[tuple]
    cov_unscaled: pd.DataFrame
    n_deleted: int
    weighted: bool

    def text(self) -> str:
        """``print(summary(fit))``'s text, every line ending in a newline."""
        from .rlm_print import lm_summary_text

        return lm_summary_text(self)

    def __str__(self) -> str:
        return self.text()[:-1]  # print() adds the last newline back

    __repr__ = __str__


def summary_lm(fit: Any, call: Optional[str] = None) -> LmSummary:
    """R's ``summary(lm_fit)`` of a statsmodels OLS/WLS formula fit.

    Parameters
    ----------
    fit : statsmodels RegressionResults
    call : str, optional
        R's deparsed call, printed after ``Call:``; default: rebuilt from the formula.
    """
    ls = least_squares(fit)
    rdf = ls.df_residual
    kept = [ls.names[j] for j in ls.keep]
    est = ls.coef[ls.keep]
    resvar = ls.rss / rdf if rdf > 0 else np.nan
    cov_unscaled = ls.r_inv @ ls.r_inv.T
    se = np.sqrt(np.diag(cov_unscaled) * resvar)
    with np.errstate(divide="ignore", invalid="ignore"):
        tval = est / se
    pval = 2 * stats.t.sf(np.abs(tval), rdf) if rdf > 0 else np.full(len(est), np.nan)
    from .rlm_print import RTable  # coef(summary(m)) prints as R's matrix

    coefficients = RTable({"Estimate": est, "Std. Error": se, "t value": tval,
                                 "Pr(>|t|)": pval}, index=kept).with_print(matrix=True)
    w = ls.weights
    if not ls.weighted:
        f = ls.fitted
        mss = float(r_sum((f - r_mean(f)) ** 2) if ls.intercept else r_sum(f ** 2))
    elif ls.intercept:
        m = float(r_sum(w * ls.fitted / float(r_sum(w))))
        mss = float(r_sum(w * (ls.fitted - m) ** 2))
    else:
        mss = float(r_sum(w * ls.fitted ** 2))
    df_int = 1 if ls.intercept else 0
    r2 = mss / (mss + ls.rss)
    adj = 1 - (1 - r2) * ((ls.n - df_int) / rdf) if rdf > 0 else np.nan
    fstat = None
    if ls.rank != df_int:
        numdf = ls.rank - df_int
        value = (mss / numdf) / resvar
        fstat = (float(value), float(numdf), float(rdf))
    return LmSummary(
        call=call if call is not None else default_call(fit, "lm"),
        residuals=pd.Series(np.sqrt(w) * ls.resid, index=ls.row_names),
        coefficients=coefficients,
        aliased=pd.Series(np.isnan(ls.coef), index=ls.names),
        sigma=float(np.sqrt(resvar)), df=(ls.rank, rdf, len(ls.names)),
        r_squared=float(r2), adj_r_squared=float(adj), fstatistic=fstat,
        cov_unscaled=pd.DataFrame(cov_unscaled, index=kept, columns=kept),
        n_deleted=ls.n_deleted, weighted=bool(np.ptp(w) > 0))


def r_formula_text(fit: Any) -> str:
    """The fit's formula as R deparses it (patsy's ``C(f, Sum)``, ``**``, ``np.`` undone)."""
    import re

    from ..formula.deparse import deparse
    from ..formula.parser import parse_expression

    text = str(fit.model.formula)
    text = re.sub(r"\bC\(\s*([A-Za-z.][\w.]*)\s*,[^()]*(\([^()]*\))?[^()]*\)", r"\1", text)
    text = text.replace("**", "^").replace("np.", "")
    lhs, tilde, rhs = text.partition("~")
    if tilde and "+" in lhs:  # a translated cbind(k, n - k): "k + I(n - k)"
        cols = [re.sub(r"^I\((.*)\)$", r"\1", c.strip()) for c in lhs.split("+")]
        text = f"cbind({', '.join(cols)}) ~{rhs}"
    try:
        return deparse(parse_expression(text))
    except Exception:  # a formula R would not parse: keep statsmodels' spelling
        return text


def default_call(fit: Any, function: str) -> str:
    """``lm(formula = <formula>)`` when the script's own call is not known."""
    return f"{function}(formula = {r_formula_text(fit)})"


def vcov_lm(fit: Any) -> "RTable":
    """R's ``vcov(lm_fit)``: ``sigma^2 (R'R)^-1`` with R's names (aliased rows NA)."""
    from .rlm_print import RTable

    s = summary_lm(fit, call="")
    names = list(s.aliased.index)
    out = pd.DataFrame(R_NA, index=names, columns=names)
    out.loc[s.cov_unscaled.index, s.cov_unscaled.columns] = \
        s.cov_unscaled.to_numpy() * s.sigma ** 2
    return RTable(out.to_numpy(), index=names, columns=names).with_print(matrix=True)


def confint_lm(fit: Any, level: float = 0.95) -> "RTable":
    """R's ``confint(lm_fit, level=)``: ``Estimate +/- qt * SE``, columns named as R
    names them (``"2.5 %"``, ``"97.5 %"``: ``format(100 * a, digits = 3)``)."""
    from ..printing.rformat import format_real
    from .rlm_print import RTable

    s = summary_lm(fit, call="")
    a = ((1 - level) / 2, 1 - (1 - level) / 2)
    labels = [p.strip() + " %" for p in format_real([100 * v for v in a], 3, trim=True)]
    q = stats.t.ppf(a, s.df[1])
    names = list(s.aliased.index)
    values = np.full((len(names), 2), R_NA)
    cf = s.coefficients
    rows = [names.index(n) for n in cf.index]
    values[rows] = cf["Estimate"].to_numpy()[:, None] + \
        cf["Std. Error"].to_numpy()[:, None] * q[None, :]
    return RTable(values, index=names, columns=labels).with_print(matrix=True)


def print_lm(fit: Any, call: Optional[str] = None) -> str:
    """R's ``print(lm_fit)``: the call and the coefficients with R's names, as text
    that prints as R prints it (:class:`pylme.migrate.rlm_print.RText`)."""
    from .rlm_print import RText, lm_print_text

    ls = least_squares(fit)
    return RText(lm_print_text(call if call is not None else default_call(fit, "lm"),
                               ls.names, ls.coef))


# the ANOVA tables, in their own module (re-exported: translations call rlm.anova_lm)
from .rlm_anova import anova_lm, summary_aov  # noqa: E402
