"""``anova()`` and ``drop1()`` for fitted models.

* ``anova(m1, m2, ...)``: lme4's likelihood-ratio table (``anovaLmer``): REML fits
  refitted by ML (``refitML``, minqa BOBYQA), models ordered by their number of
  parameters, χ² tests of consecutive models.
* ``anova(fit)``: lme4's sequential F table (``anova.merMod`` with one model), or with
  ``ddf="Satterthwaite"``/``"Kenward-Roger"`` lmerTest's F tests (``single_anova``,
  type III by default).
* ``drop1(fit)``: lme4's ``drop1.merMod``: AIC (of ML refits) without each droppable
  term, optionally with likelihood-ratio tests.

Every result is an :class:`AnovaResult`, whose ``str()`` is R's ``print()`` of it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ControlError, DataError, PylmeMessage, PylmeWarning
from ..printing import AnovaTable, anova_heading, anova_text
from ..printing.rformat import R_NA
from . import contrasts as C
from .ddf import F_COLUMNS, check_ddf, contest_md
from .reduced import drop_scope, fit_without_term

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["AnovaResult", "anova", "drop1"]

REFIT_MESSAGE = "refitting model(s) with ML (instead of REML)"
_LRT_COLUMNS = ("npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)")
_TYPES = {"I": "1", "II": "2", "III": "3", "1": "1", "2": "2", "3": "3", "marginal": "marginal"}
_TYPE_TITLES = {"1": "Type I", "2": "Type II", "3": "Type III", "marginal": "Marginal"}


@dataclass(frozen=True, eq=False)
class AnovaResult:
    """An R ``anova`` table: a data frame plus its heading; ``str()`` is R's print.

    Attributes
    ----------
    table : pandas.DataFrame
        The numbers (NaN where R has NA), row names as the index.
    heading : tuple of str
        R's ``attr(, "heading")`` lines.
    models : tuple of LmerFit
        For model comparisons, the fits compared (ML refits of REML fits), in table order.
    """

    table: pd.DataFrame
    heading: tuple[str, ...] = ()
    models: tuple = ()

    @property
    def text(self) -> str:
        """What ``print()`` of the table writes in R (``stats:::print.anova``)."""
        values = self.table.to_numpy(dtype=float)
        computed_nan = _invalid_p_values(values, self.table.columns)
        values = np.where(np.isnan(values) & ~computed_nan, R_NA, values)  # R's NA, printed blank
        tab = AnovaTable(self.heading, tuple(str(i) for i in self.table.index),
                         tuple(self.table.columns), values)
        if len(self.table) == 0:
            return _empty_text(tab)
        return anova_text(tab)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        text = self.text
        return text[:-1] if text.endswith("\n") else text

    def __getitem__(self, key):
        """A column of the table (``result["Chisq"]``)."""
        return self.table[key]

    def __len__(self) -> int:
        return len(self.table)

    @property
    def columns(self) -> pd.Index:
        """The table's column names (R's ``names()``)."""
        return self.table.columns

    @property
    def index(self) -> pd.Index:
        """The table's row names (R's ``row.names()``)."""
        return self.table.index

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table as a plain DataFrame."""
        return self.table.copy()


def _empty_text(tab: AnovaTable) -> str:
    """``print.anova`` of a table without rows: the heading and the column names, after
    R's row-label column for a matrix without row names (``[0,]``, width 4)."""
    head = "".join(line + "\n" for line in tab.heading)
    return head + "    " + "".join(" " + c for c in tab.columns) + "\n"


def anova(m1: "LmerFit", *others: "LmerFit", refit: bool = True, model_names: Sequence[str] | None = None,
          ddf: str | None = None, type: Any = None) -> AnovaResult:
    """Analysis-of-variance tables (lme4 ``anova.merMod``; lmerTest ``anova`` with ``ddf``).

    Parameters
    ----------
    m1 : LmerFit
    *others : LmerFit
        With other models: lme4's likelihood-ratio comparison.
    refit : bool
        Refit REML models by ML before comparing them (lme4's default).
    model_names : sequence of str, optional
        Row labels of the comparison (default ``"m1"``, ``"m2"``, ... in argument order).
    ddf : {None, "lme4", "Satterthwaite", "Kenward-Roger"}
        One model only: ``None``/``"lme4"`` give lme4's sequential F table, the others
        lmerTest's F tests with those denominator degrees of freedom.
    type : {3, 2, 1, "III", "II", "I", "marginal"}, optional
        lmerTest's hypothesis type (default III); needs ``ddf``.  Without ``ddf`` it
        is ignored with lme4's warning.

    Returns
    -------
    AnovaResult
    """
    if others:
        return _compare(m1, others, refit, model_names)
    if ddf is None or check_ddf(ddf) == "lme4":
        if type is not None:
            warnings.warn("additional arguments ignored: \u2018type\u2019", PylmeWarning, stacklevel=2)
        return _sequential(m1)
    return _lmertest_anova(m1, check_ddf(ddf), "3" if type is None else _type_code(type))


# --- model comparison (lme4 anovaLmer) ---------------------------------------------------


def _model_labels(n: int, model_names: Sequence[str] | None) -> list[str]:
    names = [f"m{i + 1}" for i in range(n)] if model_names is None else [str(s) for s in model_names]
    if len(set(names)) < len(names) or max(len(s) for s in names) > 200:
        warnings.warn("failed to find model names, assigning generic names", PylmeWarning, stacklevel=4)
        names = [f"MODEL{i + 1}" for i in range(len(names))]
    if len(names) != n:
        raise DataError("model names vector and model list have different lengths")
    return names


def _compare(m1: "LmerFit", others: Sequence["LmerFit"], refit: bool,
             model_names: Sequence[str] | None) -> AnovaResult:
    mods = [m1, *others]
    if len({m.nobs for m in mods}) > 1:
        raise DataError("models were not all fitted to the same size of dataset")
    names = _model_labels(len(mods), model_names)
    reml = [m.is_REML for m in mods]
    if refit:
        if any(reml):
            warnings.warn(REFIT_MESSAGE, PylmeMessage, stacklevel=3)
        mods = [m.refit_ml() if r else m for m, r in zip(mods, reml)]
    elif any(reml) and not all(reml):
        warnings.warn("some models fit with REML = TRUE, some not", PylmeWarning, stacklevel=3)
    order = sorted(range(len(mods)), key=lambda i: mods[i].npar)  # R's order(): stable
    mods, names = [mods[i] for i in order], [names[i] for i in order]
    if len({m.data_name for m in mods}) > 1:
        raise DataError("all models must be fit to the same data object")
    table = _lrt_table(mods, names)
    forms = [(name, m.inputs.formula_text) for name, m in zip(names, mods)]
    heading = anova_heading(mods[0].data_name, forms)
    if mods[0].data_name is None:
        heading = heading[1:]
    return AnovaResult(table, heading, tuple(mods))


#: Degrees-of-freedom columns of lme4's and lmerTest's tables (a 0 there means "no test").
_DF_COLUMNS = ("Df", "npar", "NumDF")


def _invalid_p_values(values: np.ndarray, columns) -> np.ndarray:
    """Cells R holds as NaN, not NA: a p-value whose row has its statistic and df.

    R's ``pf``/``pchisq`` return NaN for an invalid df (e.g. Kenward-Roger's negative DenDF
    on a singular fit), and ``print.anova`` shows it as ``NaN``; rows without a test hold NA,
    printed blank.
    """
    out = np.zeros(values.shape, dtype=bool)
    if len(columns) and str(columns[-1]).startswith("Pr("):
        tested = ~np.isnan(values[:, :-1]).any(axis=1)
        # a test on 0 df (drop1 of an aliased term, equal npar in anova) is NA in lme4
        for j, name in enumerate(columns[:-1]):
            if name in _DF_COLUMNS:
                tested &= values[:, j] != 0
        out[:, -1] = np.isnan(values[:, -1]) & tested
    return out



def _lrt_table(mods: Sequence["LmerFit"], names: Sequence[str]) -> pd.DataFrame:
    llk = np.array([float(m.logLik()) for m in mods])
    npar = np.array([m.npar for m in mods], dtype=float)
    chisq = np.concatenate([[np.nan], 2 * np.maximum(0, np.diff(llk))])
    df = np.concatenate([[np.nan], np.diff(npar)])
    with np.errstate(invalid="ignore"):
        p = np.where(df == 0, np.nan, stats.chi2.sf(chisq, df))
    data = {"npar": npar, "AIC": [m.AIC() for m in mods], "BIC": [m.BIC() for m in mods],
            "logLik": llk, "deviance": -2 * llk, "Chisq": chisq, "Df": df, "Pr(>Chisq)": p}
    return pd.DataFrame(data, index=list(names), columns=list(_LRT_COLUMNS))


# --- one model: lme4's sequential table ---------------------------------------------------


def _sequential(fit: "LmerFit") -> AnovaResult:
    """lme4's single-model ``anova``: ``effects = R_X β̂`` summed per term."""
    t = fit.inputs.X_full.terms
    assign = np.asarray(fit.inputs.X_assign, dtype=int)
    effects2 = (fit.solution.RX @ fit.beta) ** 2
    terms = list(dict.fromkeys(assign.tolist()))
    names = ["(Intercept)" if a == 0 else t.term_labels[a - 1] for a in terms]
    ss = np.array([effects2[assign == a].sum() for a in terms])
    df = np.array([np.sum(assign == a) for a in terms], dtype=float)
    ms = ss / df
    table = pd.DataFrame({"npar": df, "Sum Sq": ss, "Mean Sq": ms, "F value": ms / fit.sigma**2},
                         index=names)
    table = table.drop(index="(Intercept)", errors="ignore")
    return AnovaResult(table, ("Analysis of Variance Table",))


# --- one model: lmerTest -----------------------------------------------------------------


def _type_code(type: Any) -> str:
    key = str(type)
    if key not in _TYPES:
        raise ControlError(f"'type' not recognized: {type!r} (use 1, 2, 3, 'I', 'II', 'III' or 'marginal')")
    return _TYPES[key]


def _hypotheses(fit: "LmerFit", code: str) -> dict[str, np.ndarray]:
    if code == "1":
        return C.contrasts_type1(fit)
    if code == "2":
        return C.contrasts_type2(fit)
    if code == "3":
        return C.contrasts_type3(fit)
    return C.contrasts_marginal(fit)


def _lmertest_anova(fit: "LmerFit", ddf: str, code: str) -> AnovaResult:
    """lmerTest ``single_anova``: one F test per term; terms without a test come last as NA."""
    hyps = _hypotheses(fit, code)
    rows, names = [], []
    for term, L in hyps.items():
        row = contest_md(fit, L, ddf)
        if row is not None:
            rows.append(row)
            names.append(term)
    table = pd.DataFrame(rows, index=names, columns=list(F_COLUMNS))
    missing = [t for t in hyps if t and t not in names]
    if missing:
        table = pd.concat([table, pd.DataFrame(np.nan, index=missing, columns=list(F_COLUMNS))])
    method = "Satterthwaite's" if ddf == "Satterthwaite" else "Kenward-Roger's"
    heading = f"{_TYPE_TITLES[code]} Analysis of Variance Table with {method} method"
    return AnovaResult(table.astype(float), (heading,))


# --- drop1 ------------------------------------------------------------------------------


def _extract_aic(fit: "LmerFit", k: float) -> tuple[float, float]:
    """lme4 ``extractAIC.merMod``: ``c(edf, -2 logLik + k edf)`` of the ML refit."""
    ml = fit.refit_ml()
    edf = float(ml.npar)
    return edf, -2 * float(ml.logLik()) + k * edf


def drop1(fit: "LmerFit", scope: Sequence[str] | None = None, test: str | None = None,
          k: float = 2) -> AnovaResult:
    """Single-term deletions (lme4 ``drop1.merMod``).

    Parameters
    ----------
    fit : LmerFit
    scope : sequence of str, optional
        Term labels to drop (default: every term no other term contains, R ``drop.scope``).
    test : {None, "none", "Chisq"}
        ``"Chisq"`` adds the likelihood-ratio statistic ``LRT`` and ``Pr(Chi)``.
    k : float
        The AIC penalty per parameter.

    Returns
    -------
    AnovaResult
        Rows ``<none>`` and one per dropped term; columns ``npar``, ``AIC``
        (of ML refits, as lme4's ``extractAIC``) [, ``LRT``, ``Pr(Chi)``].
    """
    if test not in (None, "none", "Chisq"):
        raise ControlError("'arg' should be one of \u201cnone\u201d, \u201cChisq\u201d, \u201cuser\u201d")
    labels = list(fit.inputs.X_full.terms.term_labels)
    scope = drop_scope(fit) if scope is None else list(scope)
    if not all(s in labels for s in scope):
        raise ControlError("scope is not a subset of term labels")
    ans = [_extract_aic(fit, k)] + [_extract_aic(fit_without_term(fit, term), k) for term in scope]
    edf = np.array([a[0] for a in ans])
    aic = np.array([a[1] for a in ans])
    npar = edf[0] - edf
    npar[0] = np.nan
    index = ["<none>", *scope] if scope else ["1"]  # R loses the row name of a 1-row matrix
    table = pd.DataFrame({"npar": npar, "AIC": aic}, index=index)
    if test == "Chisq":
        dev = aic - k * edf
        dev = dev - dev[0]
        dev[0] = np.nan
        table["LRT"] = dev
        with np.errstate(invalid="ignore"):
            table["Pr(Chi)"] = stats.chi2.sf(dev, npar)
    heading = ("Single term deletions", "\nModel:", fit.inputs.formula_text)
    return AnovaResult(table, heading)
