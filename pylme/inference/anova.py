"""``anova()`` and ``drop1()`` for fitted models.

* ``anova(m1, m2, ...)``: lme4's likelihood-ratio table (``anovaLmer``): REML fits
  refitted by ML (``refitML``, minqa BOBYQA), models ordered by their number of
  parameters, χ² tests of consecutive models.
* ``anova(fit)``: lme4's sequential F table (``anova.merMod`` with one model), or with
  ``ddf="Satterthwaite"``/``"Kenward-Roger"`` lmerTest's F tests (``single_anova``,
  type III by default).
* ``drop1(fit)``: lme4's ``drop1.merMod``: AIC (of ML refits) without each droppable
  term, optionally with likelihood-ratio tests.

glmer fits (:class:`~pylme.results.glmer_model.GlmerFit`) take the same paths, as in
lme4: they are never refitted (they are ML fits), their ``logLik`` is on the scale of
their own objective (Laplace or quadrature), the sequential table uses σ = 1, and
``drop1`` re-runs ``glmer`` without each term.

Every result is an :class:`AnovaResult`, whose ``str()`` is R's ``print()`` of it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence, cast

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import (ArgumentError, ControlError, DataError, PylmeMessage, PylmeWarning,
                      UnsupportedModelError)
from ..printing import AnovaTable, anova_heading, anova_text
from ..printing.rformat import R_NA
from . import contrasts as C
from .checks import check_fit, check_flag, check_number, match_arg
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

    def __getitem__(self, key: Any) -> pd.Series:
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

    @property
    def iloc(self) -> Any:
        """Positional access to the table (R's ``a[2, "Pr(>Chisq)"]`` is
        ``a.iloc[1]["Pr(>Chisq)"]``), as on a DataFrame."""
        return self.table.iloc

    @property
    def loc(self) -> Any:
        """Label access to the table (``a.loc["m1", "Chisq"]``), as on a DataFrame."""
        return self.table.loc

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table as a plain DataFrame."""
        return self.table.copy()


def _empty_text(tab: AnovaTable) -> str:
    """``print.anova`` of a table without rows: the heading and the column names, after
    R's row-label column for a matrix without row names (``[0,]``, width 4)."""
    head = "".join(line + "\n" for line in tab.heading)
    return head + "    " + "".join(" " + c for c in tab.columns) + "\n"


def anova(m1: "LmerFit | None" = None, *others: "LmerFit", refit: bool = True,
          model_names: Sequence[str] | None = None, names: Sequence[str] | None = None,
          ddf: str | None = None, type: Any = None, **named_models: "LmerFit") -> AnovaResult:
    """Analysis-of-variance tables (lme4 ``anova.merMod``; lmerTest ``anova`` with ``ddf``).

    With one model: lme4's sequential F table (or lmerTest's with ``ddf``).  With
    several: lme4's likelihood-ratio comparison, rows ordered by the number of
    parameters (ties in argument order) and labelled as lme4 labels them by the
    argument expressions: Python cannot see those, so the labels come from ``names``
    (or lme4's ``model_names``), from keywords (``anova(small=fm0, big=fm1)``), or
    default to ``"m1"``, ``"m2"``, ... by position.

    Parameters
    ----------
    m1 : LmerFit or GlmerFit, optional
        The first model (optional only when every model is given by keyword).  glmer
        fits are compared on their log-likelihoods as fitted (lme4 never refits them;
        fits with different nAGQ are on different scales, compared silently as lme4 does).
    *others : LmerFit or GlmerFit or statsmodels results
        More models, compared with ``m1`` by likelihood-ratio tests.  statsmodels
        OLS/WLS and GLM results play R's ``lm``/``glm`` (lme4's ``anova(merMod, lm)``):
        their log-likelihood and parameter count are R's ``logLik.lm``/``logLik.glm``
        (σ counted, unlike statsmodels' ``aic``), see :mod:`pylme.inference.anova_lm`.
    refit : bool
        Refit REML models by ML before comparing them (lme4's default), with lme4's
        message ``refitting model(s) with ML (instead of REML)``.
    model_names : sequence of str, optional
        lme4's ``model.names``: one row label per model, in argument order.
    names : sequence of str, optional
        The same as ``model_names`` (give one of them).
    ddf : {None, "lme4", "Satterthwaite", "Kenward-Roger"}
        One model only: ``None``/``"lme4"`` give lme4's sequential F table, the others
        lmerTest's F tests with those denominator degrees of freedom.  A glmer fit
        ignores ``ddf`` and ``type`` with lme4's warning ``additional arguments ignored``.
    type : {3, 2, 1, "III", "II", "I", "marginal"}, optional
        lmerTest's hypothesis type (default III); needs ``ddf``.  Without ``ddf`` it
        is ignored with lme4's warning.
    **named_models : LmerFit
        Models given by keyword; the keyword is the model's row label.  They follow the
        positional models in argument order.

    Returns
    -------
    AnovaResult

    Raises
    ------
    UnsupportedModelError
        An argument that is not a fitted model (lme4 ignores such arguments with the
        warning ``additional arguments ignored``; pylme refuses them, since a
        misplaced value would otherwise silently change the table), names that are not
        a list of strings, ``refit`` not a logical (R's ``if`` texts).
    DataError
        Fits of different sizes (``models were not all fitted to the same size of
        dataset``) or of different data (``all models must be fit to the same data
        object``), as many names as models (lme4: ``model names vector and model list
        have different lengths``).
    ControlError
        An unknown ``ddf`` or ``type``.
    """
    refit = check_flag(refit, "refit")
    # m1 may be left out only when every model comes by keyword; a None among others is an error
    positional = ([] if m1 is None and not others else [m1]) + list(others)
    models = positional + list(named_models.values())
    if not models:
        raise ArgumentError("anova() needs at least one fitted model")
    for k, model in enumerate(models):
        _check_fit(model, k + 1 if k < len(positional) else list(named_models)[k - len(positional)])
    models = _with_statsmodels(models)
    fits = cast("list[LmerFit]", models)  # checked above
    given = _given_names(model_names, names)
    if given is not None and named_models:
        raise ArgumentError("give the model names either as keywords or in names=, not both")
    if len(models) > 1:
        labels = given if given is not None else (
            None if not named_models else [f"m{i + 1}" for i in range(len(positional))] + list(named_models))
        return _compare(fits[0], fits[1:], refit, labels)
    if _is_glmm(fits[0]):  # lmerTest's methods are for LMMs: lme4 ignores both arguments
        ignored = [name for name, value in (("ddf", ddf), ("type", type)) if value is not None]
        if ignored:
            warnings.warn("additional arguments ignored: " + ", ".join(f"\u2018{n}\u2019" for n in ignored),
                          PylmeWarning, stacklevel=2)
        return _sequential(fits[0])
    if ddf is None or check_ddf(ddf) == "lme4":
        if type is not None:
            warnings.warn("additional arguments ignored: \u2018type\u2019", PylmeWarning, stacklevel=2)
        return _sequential(fits[0])
    return _lmertest_anova(fits[0], check_ddf(ddf), "3" if type is None else _type_code(type))


# --- model comparison (lme4 anovaLmer) ---------------------------------------------------


def _fitted_types() -> tuple[type, ...]:
    """The fitted mixed models lme4's merMod methods accept: lmer and glmer fits."""
    from ..results.glmer_model import GlmerFit
    from ..results.model import LmerFit

    return (LmerFit, GlmerFit)


def _is_glmm(model: Any) -> bool:
    from ..results.glmer_model import GlmerFit

    return isinstance(model, GlmerFit)


def _with_statsmodels(models: list) -> list:
    """statsmodels OLS/WLS/GLM fits as R's ``lm``/``glm`` (lme4's ``anova(merMod, lm)``),
    with the mixed models' data name; at least one model must be a mixed model."""
    from .anova_lm import as_statsmodels_fit, is_statsmodels_result

    if not any(is_statsmodels_result(m) for m in models):
        return models
    mixed = [m for m in models if not is_statsmodels_result(m)]
    if not mixed:
        raise UnsupportedModelError("anova() of statsmodels fits alone is statsmodels' anova_lm; "
                                    "pylme.anova compares them with a mixed model (lmer/glmer fit)")
    name = mixed[0].data_name
    return [as_statsmodels_fit(m, name) if is_statsmodels_result(m) else m for m in models]


def _check_fit(model: Any, where: int | str) -> None:
    from .anova_lm import is_statsmodels_result

    if is_statsmodels_result(model):
        return
    if not isinstance(model, _fitted_types()):
        shown = repr(model)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        label = f"argument {where}" if isinstance(where, int) else f"argument '{where}'"
        raise UnsupportedModelError(
            f"anova() compares fitted models (LmerFit); {label} is a {type(model).__name__}: {shown} "
            "(glmer fits, GlmerFit, and statsmodels OLS/WLS/GLM results are compared too)")


def _given_names(model_names: Any, names: Any) -> list[str] | None:
    if model_names is not None and names is not None:
        raise ArgumentError("give either names= or model_names=, not both")
    given = names if names is not None else model_names
    if given is None:
        return None
    if isinstance(given, str) or not isinstance(given, (list, tuple, np.ndarray, pd.Index, pd.Series)):
        raise ArgumentError(f"model names must be a list of str, one per model; got {given!r}")
    items = list(given)
    if not all(isinstance(x, str) for x in items):
        raise ArgumentError(f"model names must be strings; got {items!r}")
    return items


def _model_labels(n: int, model_names: Sequence[str] | None) -> list[str]:
    names = [f"m{i + 1}" for i in range(n)] if model_names is None else [str(s) for s in model_names]
    # lme4's order: the duplicate check (a warning) comes before the length check (an error)
    if not names or len(set(names)) < len(names) or max(len(s) for s in names) > 200:
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
    # R's order() of logLik's df (stable); an lm's df counts σ (R's logLik.lm)
    order = sorted(range(len(mods)), key=lambda i: mods[i].npar)
    mods, names = [mods[i] for i in order], [names[i] for i in order]
    if len({m.data_name for m in mods}) > 1:
        raise DataError("all models must be fit to the same data object")
    table = _lrt_table(mods, names)
    forms = [(name, getattr(m, "formula_text", None) or m.inputs.formula_text) for name, m in zip(names, mods)]
    heading = anova_heading(mods[0].data_name or "", forms)  # without a data name: line dropped below
    if mods[0].data_name is None:
        heading = heading[1:]
    return AnovaResult(table, heading, tuple(mods))


#: Degrees-of-freedom columns of lme4's and lmerTest's tables (a 0 there means "no test").
_DF_COLUMNS = ("Df", "npar", "NumDF")


def _invalid_p_values(values: np.ndarray, columns: Sequence[Any]) -> np.ndarray:
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
    """lme4's single-model ``anova``: ``effects = R_X β̂`` summed per term, F = mean
    square / σ² (σ = 1 for binomial and Poisson GLMMs).

    A GLMM's R_X is the one of its last PIRLS decomposition (lme4 ``pp$RX()``).
    """
    t = fit.inputs.X_full.terms
    assign = np.asarray(fit.inputs.X_assign, dtype=int)
    RX = cast(Any, fit).optimum.state.step.RX if _is_glmm(fit) else fit.solution.RX
    effects2 = (RX @ fit.beta) ** 2
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
    """lme4 ``extractAIC.merMod``: ``c(edf, -2 logLik + k edf)`` of the ML refit (a glmer
    fit is its own)."""
    ml = fit if _is_glmm(fit) else fit.refit_ml()
    edf = float(ml.npar)
    return edf, -2 * float(ml.logLik()) + k * edf


def _glmm_without(fit: Any, term: str) -> Any:
    """glmer's ``update(fit, ~ . - term)`` with lme4's check of the rows used."""
    from .glmm_reduced import glmm_fit_without_term

    reduced = glmm_fit_without_term(fit, term)
    if reduced.nobs != fit.nobs:
        raise DataError("number of rows in use has changed: remove missing values?")
    return reduced


def _scope_labels(scope: Any) -> list[str]:
    """``drop1``'s ``scope``: term labels, or the terms of a one-sided formula (R's
    ``attr(terms(scope), "term.labels")``)."""
    from ..formula import parse_formula, terms

    if isinstance(scope, str):
        if "~" in scope:
            return list(terms(parse_formula(scope)).term_labels)
        return [scope]
    if isinstance(scope, (list, tuple, np.ndarray, pd.Index, pd.Series)) and all(isinstance(x, str) for x in scope):
        return list(scope)
    raise ArgumentError(f"'scope' must be term labels or a formula such as '~ Days', got {scope!r}")


def drop1(fit: "LmerFit", scope: Sequence[str] | None = None, test: str | None = None,
          k: float = 2) -> AnovaResult:
    """Single-term deletions (lme4 ``drop1.merMod``).

    Parameters
    ----------
    fit : LmerFit or GlmerFit
        A glmer fit is refitted without each term by re-running :func:`pylme.glmer`
        with its recorded arguments (lme4's ``update``).
    scope : str or sequence of str, optional
        Term labels to drop (default: every term no other term contains, R
        ``drop.scope``); a one-sided formula text such as ``"~ Days"`` gives its terms,
        as R's ``scope = ~ Days``.
    test : {None, "none", "Chisq"}
        ``"Chisq"`` adds the likelihood-ratio statistic ``LRT`` and ``Pr(Chi)``;
        matched by R's ``match.arg`` (``"Chi"`` is ``"Chisq"``).
    k : float
        The AIC penalty per parameter (a finite number).

    Returns
    -------
    AnovaResult
        Rows ``<none>`` and one per dropped term; columns ``npar``, ``AIC``
        (of ML refits, as lme4's ``extractAIC``) [, ``LRT``, ``Pr(Chi)``].

    Raises
    ------
    ArgumentError
        An unknown ``test`` (R's ``match.arg`` text; ``"user"`` needs lme4's
        ``sumFun``, which pylme does not have), a ``scope`` that is not a subset of the
        term labels (lme4's text), a ``k`` that is not a finite number (R gives an
        all-NA table).
    DataError
        A glmer refit that uses other rows (lme4: ``number of rows in use has changed:
        remove missing values?``).
    """
    glmm = _is_glmm(fit)
    if not glmm:
        check_fit(fit, "drop1")
    test = match_arg(test, ("none", "Chisq", "user"), "test")
    if test == "user":
        raise ArgumentError("\u2018sumFun\u2019 must be specified if (and only if) test==\"user\"; "
                           "pylme's drop1 has no sumFun")
    k = check_number(k, "k")
    labels = list(fit.inputs.X_full.terms.term_labels)
    scope = drop_scope(fit) if scope is None else _scope_labels(scope)
    if not all(s in labels for s in scope):
        raise ArgumentError("scope is not a subset of term labels")
    ans = [_extract_aic(fit, k)]
    for term in scope:
        reduced = _glmm_without(fit, term) if glmm else fit_without_term(fit, term)
        ans.append(_extract_aic(reduced, k))
    edf = np.array([a[0] for a in ans])
    aic = np.array([a[1] for a in ans])
    npar = edf[0] - edf
    npar[0] = np.nan
    index = ["<none>", *scope] if scope else ["1"]  # R loses the row name of a 1-row matrix
    table = pd.DataFrame({"npar": npar, "AIC": aic}, index=index)
    if test == "Chisq":  # "none" (lme4's default) adds no columns
        dev = aic - k * edf
        dev = dev - dev[0]
        dev[0] = np.nan
        table["LRT"] = dev
        with np.errstate(invalid="ignore"):
            table["Pr(Chi)"] = stats.chi2.sf(dev, npar)
    heading = ("Single term deletions", "\nModel:", fit.inputs.formula_text)
    return AnovaResult(table, heading)
