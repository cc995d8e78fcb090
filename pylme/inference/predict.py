"""Predictions from a fitted model, with or without random effects (lme4 1.1-31:
``predict.merMod``, ``mkNewReTrms`` and ``levelfun`` in ``R/predict.R``).

The prediction at a row is ``o + xᵀβ̂ + Σ_terms zᵀ b̂[level]``, where the fixed part is
the fitted model matrix's coding of the row and each random-effects term contributes its
conditional mode for the row's level.  Everything is computed row by row (the new
random-effects design is never formed as a matrix, dense or sparse).

New data are evaluated through the fitted model frame (R's ``predvars`` and ``xlev``):
``poly()``/``scale()`` use the fitted coefficients and factors the fitted levels and
contrasts.  Behaviour follows lme4, including its error texts, with these documented
differences (each replaces an lme4 failure by a result or a clearer error):

* a missing value in a fixed-effects *factor* of ``newdata`` gives an NA prediction
  (lme4 1.1-31 fails with ``non-conformable arguments``: ``get.orig.levs`` adds NA as a
  level); a level of a fixed-effects factor the fit never saw is an error naming it
  (lme4: ``non-conformable arguments``);
* a ``re_form`` term on a grouping factor the model does not have, or with components
  the model does not have, raises lme4's own texts ``grouping factors specified in
  re.form that were not present in original model`` and ``random effects specified in
  re.form that were not present in original model ...`` (lme4 1.1-31 usually fails
  earlier with ``couldn't evaluate grouping factor ...`` or ``model frame and formula
  mismatch in model.matrix()``);
* without ``newdata`` but with ``re_form``, predictions are for the rows the model used
  (padded with NaN under ``na_action="exclude"``); lme4 1.1-31 mixes the fitted rows with
  all rows of the data when the fit dropped some.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..design.columns import r_interaction
from ..design.frame import Factor, ModelFrame, model_frame
from ..design.model_matrix import model_matrix
from ..design.random import grouping_factor, lme4_term_order
from ..errors import DataError, DeprecatedUsageWarning, FormulaError, ModelSpecError
from ..formula import bars, deparse, parse_formula
from ..formula.ast import BinOp, Formula, Name, Num, strip_parens
from ..formula.bars import Bar
from ..results.effects import term_blocks
from ..results.vectors import labelled
from .checks import as_newdata, check_fit, check_flag, match_arg

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["predict", "linear_predictor", "parse_re_form", "fitted_bars", "new_re_terms", "NewReTerm",
           "check_new_levels"]

_NA_ACTIONS = ("pass", "omit", "exclude", "fail")
_SERIES_NAME = "predicted"  # the name of predict()'s Series
_NO_ROWS = "0 (non-NA) cases"
_NA_GROUPS = ("NAs are not allowed in prediction data for grouping variables unless "
              "allow.new.levels is TRUE")
_MAX_ERR_LEN = 60


# --- re_form --------------------------------------------------------------------------------


def fitted_bars(fit: "LmerFit") -> list[Bar]:
    """The model's random-effects terms (lme4 ``findbars(formula(object))``, ``/`` expanded)."""
    return bars.find_bars(fit.inputs.formula.rhs)


def parse_re_form(fit: "LmerFit", re_form: Any) -> list[Bar]:
    """The random-effects terms selected by ``re_form`` (lme4 ``isRE``, ``reOnly``).

    ``None`` selects every term of the model; ``"~0"``, ``"NA"``, NaN or ``pd.NA`` none;
    a formula (text or :class:`~pylme.formula.ast.Formula`) its bar terms.

    Raises
    ------
    FormulaError
        A formula without bars other than ``~0`` (lme4: ``No random effects terms
        specified in formula``), or a value that is not a formula.
    """
    if re_form is None:
        return fitted_bars(fit)
    if _is_na(re_form):
        return []
    if isinstance(re_form, str):
        if re_form.strip() == "NA":
            return []
        text = re_form if "~" in re_form else f"~{re_form}"
        re_form = parse_formula(text)
    if not isinstance(re_form, Formula):
        raise FormulaError(f"re_form must be None, NaN, '~0' or a formula such as '~(1 | g)', got {re_form!r}")
    rhs = strip_parens(re_form.rhs)
    if isinstance(rhs, Num) and rhs.value == 0:
        return []
    found = bars.find_bars(re_form.rhs)
    if not found:
        raise FormulaError("No random effects terms specified in formula")
    return found


def _is_na(value: Any) -> bool:
    if value is pd.NA:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def bar_label(bar: Bar) -> str:
    """lme4's term label ``"Days | Subject"`` (what ``update.formula`` matches on)."""
    return f"{deparse(bar.lhs)} | {deparse(bar.group)}"


# --- the random-effects terms evaluated on (new) data ---------------------------------------------


@dataclass(frozen=True, eq=False)
class NewReTerm:
    """One random-effects term evaluated on data (lme4: a term of ``mkNewReTrms``' ``reTrms``).

    Attributes
    ----------
    label : str
        ``"Days | Subject"``.
    group_name : str
        The deparsed grouping expression (lme4: a name of ``flist``).
    cnms : tuple of str
        Column names of the term's model matrix.
    z : ndarray, shape (n, p)
        The term's model matrix; NaN in rows where one of its variables is missing.
    codes : ndarray of int, shape (n,)
        Index of each row's level in :attr:`levels`; -1 where the grouping value is NA.
    levels : tuple of str
        The levels present in the data, in R's order (new levels included).
    new_level_order : tuple of str
        The levels in the order lme4 lists new ones (appearance order for a factor).
    """

    label: str
    group_name: str
    cnms: tuple
    z: np.ndarray
    codes: np.ndarray
    levels: tuple
    new_level_order: tuple

    def subset(self, rows: np.ndarray) -> "NewReTerm":
        """The term on a subset of rows (levels kept, as lme4 after ``na.omit``)."""
        return NewReTerm(self.label, self.group_name, self.cnms, self.z[rows], self.codes[rows],
                         self.levels, self.new_level_order)


def new_re_terms(fit: "LmerFit", data: pd.DataFrame | None, selected: list[Bar]) -> list[NewReTerm]:
    """Evaluate random-effects terms on ``data``, or on the fitted frame when ``data`` is None.

    Grouping factors are checked against the model first (lme4's text when absent);
    no check of levels is made here (see :func:`check_new_levels`).
    """
    known = set(fit.inputs.re_terms.flist)
    if any(deparse(b.group) not in known for b in selected):
        raise ModelSpecError("grouping factors specified in re.form that were not present in original model")
    frame = fit.inputs.frame
    if data is None:
        return [_term_on_frame(bar, frame) for bar in selected]
    return [_term_on_data(bar, data, fit.inputs.frame) for bar in selected]


def _term_on_frame(bar: Bar, frame: ModelFrame) -> NewReTerm:
    group = grouping_factor(bar.group, frame)
    mm = model_matrix(bar.lhs, frame)
    return NewReTerm(bar_label(bar), group.name, tuple(mm.columns), np.asarray(mm.values, float),
                     group.codes, group.levels, group.levels)


def _term_on_data(bar: Bar, data: pd.DataFrame, fitted_frame: ModelFrame) -> NewReTerm:
    """One term on new data: its covariates coded as in the fit, NaN rows where one is missing."""
    z, cnms = _term_matrix(bar, data, fitted_frame)
    name = deparse(bar.group)
    codes, levels, order = _group_on_data(bar.group, data, name, fitted_frame)
    return NewReTerm(bar_label(bar), name, cnms, z, codes, levels, order)


def _term_matrix(bar: Bar, data: pd.DataFrame, fitted_frame: ModelFrame) -> tuple[np.ndarray, tuple]:
    n = data.shape[0]
    try:
        lhs = model_frame(Formula(None, bar.lhs), data, reference=fitted_frame, na_action="omit")
    except DataError as exc:
        if str(exc) != _NO_ROWS:
            raise
        cnms = tuple(model_matrix(bar.lhs, fitted_frame).columns)  # every row misses a covariate
        return np.full((n, len(cnms)), np.nan), cnms
    mm = model_matrix(bar.lhs, lhs)
    z = np.full((n, len(mm.columns)), np.nan)
    z[lhs.kept] = mm.values
    return z, tuple(mm.columns)


def _group_on_data(node, data: pd.DataFrame, name: str, fitted_frame: ModelFrame):
    """Codes of the grouping factor on new data (lme4 ``mkBlist``: ``factor()``, NA kept as NA).

    All values NA is not an error here (lme4 1.1-31 gives population predictions with
    ``allow.new.levels = TRUE``).
    """
    n = data.shape[0]
    try:
        frame = model_frame(Formula(None, node), data, na_action="omit")
    except DataError as exc:
        if str(exc) != _NO_ROWS:
            raise
        return np.full(n, -1, dtype=np.int64), (), ()
    group = grouping_factor(node, frame)
    codes = np.full(n, -1, dtype=np.int64)
    codes[frame.kept] = group.codes
    order = _ranked_factor(node, frame, fitted_frame).levels  # the same labels, lme4's order
    return codes, group.levels, order


def _ranked_factor(node, frame: ModelFrame, fitted_frame: ModelFrame) -> Factor:
    """The grouping factor with its levels in the order lme4 lists new levels.

    A factor of the fit takes the levels R's ``model.frame(xlev = )`` gives it: the
    fitted ones, then new ones in order of appearance (``get.orig.levs``); another
    variable R's sorted ``factor()`` levels; ``a:b`` is lme4's ``%i%`` of those
    (labels that paste alike are one level, ranked by their first occurrence).
    """
    node = strip_parens(node)
    if isinstance(node, BinOp) and node.op == ":":
        return r_interaction(_ranked_factor(node.left, frame, fitted_frame),
                             _ranked_factor(node.right, frame, fitted_frame))
    factor = frame.as_factor(node)
    fitted = fitted_frame.column(node) if isinstance(node, Name) else None
    if not isinstance(fitted, Factor):
        return factor
    known = {lev: i for i, lev in enumerate(fitted.levels)}
    _, first_row = np.unique(factor.codes, return_index=True)  # r_factor keeps used levels only
    unseen = sorted((row, c) for c, row in enumerate(first_row) if factor.levels[c] not in known)
    level_rank = np.array([known.get(lev, -1) for lev in factor.levels], dtype=np.int64)
    for j, (_, c) in enumerate(unseen):
        level_rank[c] = len(known) + j
    order = np.argsort(level_rank, kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    position = np.append(position, -1)  # an NA code (-1) stays NA
    return Factor(position[factor.codes], tuple(factor.levels[i] for i in order), factor.ordered)


# --- checks and random-effects values (levelfun, get_re) ----------------------------------------


@dataclass(frozen=True, eq=False)
class _FittedEffects:
    """The conditional modes of one grouping factor: a levels × columns table."""

    index: dict
    columns: list
    values: np.ndarray


def _fitted_effects(fit: "LmerFit") -> dict[str, _FittedEffects]:
    """lme4 ``ranef(object)`` without data frames: terms on one factor bound column-wise."""
    re = fit.inputs.re_terms
    blocks = term_blocks(fit, fit.solution.b)
    out = {}
    for k, (name, factor) in enumerate(re.flist.items()):
        members = [i for i, a in enumerate(re.assign) if a == k]
        columns = [c for i in members for c in re.terms[i].cnms]
        values = np.hstack([blocks[i] for i in members])
        out[name] = _FittedEffects({lev: j for j, lev in enumerate(factor.levels)}, columns, values)
    return out


def check_new_levels(terms: list[NewReTerm], fit: "LmerFit", allow_new_levels: bool) -> None:
    """lme4's checks, in its order: NA grouping values, then new levels per factor.

    Factors are visited in the ``flist`` order of the new terms (sorted by their level
    counts in the data, as ``mkReTrms`` does).

    Raises
    ------
    DataError
        ``NAs are not allowed in prediction data ...`` or ``new levels detected in
        newdata: ...`` (at most ~60 characters of levels, then ``, ...``).
    """
    if allow_new_levels:
        return
    if any(np.any(t.codes < 0) for t in terms):
        raise DataError(_NA_GROUPS)
    order = lme4_term_order([len(t.levels) for t in terms])
    effects = _fitted_effects(fit)
    seen = set()
    for t in (terms[i] for i in order):
        if t.group_name in seen:
            continue
        seen.add(t.group_name)
        known = effects[t.group_name].index
        new = [lev for lev in t.new_level_order if lev not in known]
        if new:
            raise DataError(f"new levels detected in newdata: {_truncate(', '.join(new))}")


def _truncate(text: str) -> str:
    """lme4 ``levelfun``: cut at 60 characters, then replace the last ``,...`` by ``, ...``."""
    if len(text) <= _MAX_ERR_LEN:
        return text
    cut = text[:_MAX_ERR_LEN]
    comma = cut.rfind(",")
    return (cut[:comma] if comma >= 0 else cut) + ", ..."


def random_part(fit: "LmerFit", terms: list[NewReTerm]) -> np.ndarray:
    """``Σ_terms zᵀ b̂[level]`` per row (lme4 ``newRE$b %*% newRE$Zt``); new levels get b = 0.

    Raises
    ------
    ModelSpecError
        A term's component is not a column of the fitted random effects (lme4's text).
    """
    effects = _fitted_effects(fit)
    n = terms[0].codes.size if terms else 0
    total = np.zeros(n)
    for t in terms:
        table = effects[t.group_name]
        missing = [c for c in t.cnms if c not in table.columns]
        if missing:
            raise ModelSpecError("random effects specified in re.form that were not present in original model "
                                 + ", ".join(missing))
        cols = [table.columns.index(c) for c in t.cnms]
        level_rows = np.array([table.index.get(lev, -1) for lev in t.levels] + [-1], dtype=np.int64)
        rows = level_rows[t.codes]  # code -1 picks the trailing -1
        b = np.zeros((n, len(cols)))
        found = rows >= 0
        b[found] = table.values[rows[found]][:, cols]
        contribution = np.einsum("ij,ij->i", t.z, b)  # a new level: z·0 (NaN if z is missing)
        contribution[t.codes < 0] = 0.0  # an NA group has no column in Zt at all
        total += contribution
    return total


# --- the fixed part -------------------------------------------------------------------------------


def _fixed_part(fit: "LmerFit", data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``Xβ̂ + offset()`` on new data; NaN (and ``ok`` False) where a fixed variable is missing.

    The ``offset=`` argument of the fit is not used, as in lme4.
    """
    inputs = fit.inputs
    n = data.shape[0]
    rhs = Formula(None, bars.no_bars(inputs.formula).rhs)
    try:
        frame = model_frame(rhs, data, reference=inputs.frame, na_action="omit")
    except DataError as exc:
        if str(exc) != _NO_ROWS:
            raise
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    X = model_matrix(rhs, frame, contrasts=inputs.X_full.contrast_matrices)
    if tuple(X.columns) != tuple(inputs.X_full.columns):  # pragma: no cover - defensive
        raise DataError("the fixed-effects model matrix of newdata has columns "
                        f"{list(X.columns)}, the fit has {list(inputs.X_full.columns)}")
    eta = X.values[:, list(inputs.rank_drop.keep)] @ fit.solution.beta
    if frame.offset is not None:
        eta = eta + frame.offset
    out = np.full(n, np.nan)
    out[frame.kept] = eta
    ok = np.zeros(n, dtype=bool)
    ok[frame.kept] = True
    return out, ok


# --- predict -------------------------------------------------------------------------------------


def linear_predictor(fit: "LmerFit", newdata: pd.DataFrame | None, selected: list[Bar],
                     allow_new_levels: bool = False, na_action: str = "pass") -> tuple[np.ndarray, np.ndarray]:
    """Predictions with the random-effects terms ``selected`` (lme4 ``predict.merMod`` body).

    Returns
    -------
    values : ndarray
        One value per row used: every row of ``newdata`` for ``"pass"`` (NaN where a
        fixed-effects variable is missing), the complete rows otherwise; without
        ``newdata`` the rows the model used.
    rows : ndarray of int
        Positions of those rows in ``newdata`` (in the fitted frame without it).
    """
    if newdata is None:
        eta = fit.inputs.X @ fit.solution.beta
        if fit.inputs.offset is not None:
            eta = eta + fit.inputs.offset
        rows = np.arange(fit.nobs)
        data = None
    else:
        eta, ok = _fixed_part(fit, newdata)
        if na_action == "fail" and not ok.all():
            raise DataError("missing values in object")
        rows = np.arange(eta.size) if na_action == "pass" else np.flatnonzero(ok)
        eta = eta[rows]
        data = newdata if rows.size == newdata.shape[0] else newdata.iloc[rows]
    if selected:
        terms = new_re_terms(fit, data, selected)
        check_new_levels(terms, fit, allow_new_levels)
        eta = eta + random_part(fit, terms)
    return eta, rows


def predict(fit: "LmerFit", newdata: Any = None, re_form: Any = None, allow_new_levels: bool = False,
            na_action: str | None = None, *, type: str = "link", ReForm: Any = None, REForm: Any = None,
            REform: Any = None) -> pd.Series:
    """Predictions from a fitted model (lme4 ``predict.merMod``, ``type = "link"``).

    Parameters
    ----------
    fit : LmerFit
    newdata : pandas.DataFrame or mapping, optional
        Data to predict for; must contain every variable of the terms used.  Without
        it, predictions are for the data of the fit.
    re_form : None, str, Formula or NaN
        ``None``: all random-effects terms; ``"~0"``, ``"NA"`` or NaN: none (population
        level); a formula such as ``"~(1 | Subject)"``: those terms, matched to the
        model's random effects by grouping factor and component names.
    allow_new_levels : bool
        Give levels (and NA grouping values) absent from the fit b = 0 instead of
        raising lme4's error.
    na_action : {"pass", "omit", "exclude", "fail"}, optional
        For rows of ``newdata`` with a missing fixed-effects variable: NA prediction
        (``"pass"``, lme4's default), dropped, dropped and padded back with NaN, or an
        error.  Without ``newdata``, results are padded with NaN for the rows the fit
        dropped when the fit used ``na_action="exclude"`` (or ``na_action="exclude"``
        is given here).
    type : {"link", "response"}
        lme4's scale of the predictions (matched by ``match.arg``); for a linear mixed
        model both are the linear predictor.
    ReForm, REForm, REform : optional
        lme4's deprecated spellings of ``re_form`` (used with lme4's deprecation warning).

    Returns
    -------
    pandas.Series
        Named ``"predicted"`` and labelled as lme4 names its vector: by ``newdata``'s
        index (the rows kept for ``na_action="omit"``, every row for ``"pass"`` and
        ``"exclude"``); without ``newdata`` as :meth:`LmerFit.fitted` (the data's labels
        of the rows used, every row with NaN where an ``"exclude"`` fit dropped one).
        ``np.asarray()`` gives the values.

    Raises
    ------
    DataError
        New levels or NA grouping values without ``allow_new_levels`` (lme4's texts), a
        variable missing from ``newdata``, a fixed-effects factor level the fit never saw.
    ModelSpecError, FormulaError
        A ``re_form`` the model cannot supply.
    """
    check_fit(fit, "predict")
    match_arg(type, ("link", "response"), "type")  # the same values for an LMM
    allow_new_levels = check_flag(allow_new_levels, "allow_new_levels")
    deprecated = {k: v for k, v in (("ReForm", ReForm), ("REForm", REForm), ("REform", REform)) if v is not None}
    re_form = _deprecated_names(re_form, deprecated)
    if na_action is not None and (not isinstance(na_action, str) or na_action not in _NA_ACTIONS):
        raise DataError(f"na_action must be one of {', '.join(_NA_ACTIONS)}, got {na_action!r}")
    if newdata is None:
        if re_form is None:
            values = fit.solution.mu.copy()
        else:
            values, _ = linear_predictor(fit, None, parse_re_form(fit, re_form))
        return labelled(fit, values, _SERIES_NAME, na_action)  # R napredict: NaN-padded for na.exclude
    newdata = as_newdata(newdata)
    action = na_action or "pass"
    values, rows = linear_predictor(fit, newdata, parse_re_form(fit, re_form), allow_new_levels, action)
    if action == "exclude":
        out = np.full(newdata.shape[0], np.nan)
        out[rows] = values
        return pd.Series(out, index=newdata.index, name=_SERIES_NAME)
    # lme4 names predictions by newdata's row names (the rows kept, for na.omit)
    return pd.Series(values, index=newdata.index[rows], name=_SERIES_NAME)


def _deprecated_names(re_form: Any, kwargs: dict) -> Any:
    """lme4 ``reFormHack``: ``ReForm``/``REForm``/``REform`` work, with a warning."""
    for old in ("ReForm", "REForm", "REform"):
        if old in kwargs:
            warnings.warn(f"'{old}' is deprecated; use 're.form' instead", DeprecatedUsageWarning, stacklevel=4)
            return kwargs.pop(old)
    return re_form
