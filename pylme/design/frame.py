"""The model frame: every variable of a formula evaluated in the data, NA rows removed
(R: ``model.frame.default`` with ``drop.unused.levels = TRUE``, as ``lme4::lFormula``
calls it on ``subbars(formula)``).

Order of operations is R's, because results depend on it:

1. every variable (response, terms, ``offset()`` calls, and variables only named in
   removed terms) is evaluated on **all** rows — so ``poly()`` and ``scale()`` see
   rows that are dropped later for an NA elsewhere, exactly as in R;
2. a row is dropped if any variable, the weights or the offset is NA
   (``na.omit``/``na.exclude``; ``na.fail`` raises);
3. unused factor levels are dropped (after the NA removal); character columns become
   factors whose levels are the sorted distinct remaining values (lme4's
   ``factorize``), logicals stay logical.

How each pandas column becomes an R vector (integer ids beyond 2**53, mixed Python
types, Categoricals, dates) is :mod:`pylme.design.convert`'s job.

The frame remembers what is needed to evaluate the same variables on new data (R's
``predvars`` and ``xlevels``): ``poly`` coefficients, ``scale`` centres and scales,
and factor levels; pass it as ``reference=`` to :func:`model_frame`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError, FormulaError, UnknownVariableError
from ..formula.ast import BinOp, Formula, Name, strip_parens
from ..formula.deparse import deparse, quote_name
from ..formula.parser import parse_expression, parse_formula
from ..formula.terms import Terms, terms
from ..frozen import FrozenMap
from .collation import collation_key, r_sort
from .columns import Factor, FrameColumn, Logical, Numeric, r_factor, r_interaction, strings_to_factor
from .convert import convert_series
from .evaluate import Evaluator, _Val

__all__ = ["ModelFrame", "model_frame", "Numeric", "Factor", "Logical", "FrameColumn", "collation_key", "r_sort"]

_NA_ACTIONS = ("omit", "exclude", "fail")


@dataclass(frozen=True, eq=False)
class ModelFrame:
    """R's model frame of a formula (R: the value of ``model.frame``).

    Attributes
    ----------
    formula : Formula
        The formula the frame was built from (lme4: ``subbars(formula)``).
    terms : Terms
        Its terms.
    names : tuple of str
        R's ``names(mf)`` for the variables (symbols without backquotes).
    columns : mapping of str to FrameColumn
        The variables after NA removal, keyed by R's variable names in terms
        (``terms.variable_names``, backquoted where needed).
    n : int
        Rows kept.
    row_labels : pandas.Index
        The original index labels of the kept rows.
    kept, dropped : ndarray of int
        Positions (0-based) in the original data of the kept and dropped rows.
    na_action : str
        ``"omit"``, ``"exclude"`` or ``"fail"``.
    weights : ndarray or None
        Prior weights of the kept rows.
    offset : ndarray or None
        Sum of all ``offset()`` terms and the ``offset=`` argument (R ``model.offset``).
    offset_argument : ndarray or None
        The ``offset=`` argument alone (lme4's ``predict`` ignores it).
    n_original : int
        Rows of the data.
    state : mapping
        Parameters of data-dependent functions keyed by deparsed call (R ``predvars``).
    xlev : mapping of str to tuple of str
        Levels of the factor variables (R ``.getXlevels``).
    """

    formula: Formula
    terms: Terms
    names: tuple
    columns: FrozenMap
    n: int
    row_labels: pd.Index
    kept: np.ndarray = field(repr=False)
    dropped: np.ndarray = field(repr=False)
    na_action: str
    weights: np.ndarray | None = field(repr=False)
    offset: np.ndarray | None = field(repr=False)
    offset_argument: np.ndarray | None = field(repr=False)
    n_original: int
    state: FrozenMap = field(repr=False)
    xlev: FrozenMap = field(repr=False)

    @property
    def response(self) -> FrameColumn | None:
        """The evaluated left-hand side (R ``model.response``), or None."""
        if self.terms.response is None:
            return None
        return self.columns[self.terms.variable_names[0]]

    def _key(self, expr) -> str | None:
        if isinstance(expr, str):
            if expr in self.columns:
                return expr
            if expr in self.names:
                return self.terms.variable_names[self.names.index(expr)]
            return None
        key = deparse(strip_parens(expr), backtick=True)
        return key if key in self.columns else None

    def column(self, expr) -> FrameColumn:
        """A variable of the frame, or an expression evaluated on the frame's variables.

        Parameters
        ----------
        expr : str or Node
            ``"Days"``, ``"log(Days + 1)"``, a frame name such as ``"a b"``, or a node.

        Raises
        ------
        UnknownVariableError
            When the expression uses a variable that is not in the frame.
        FormulaSyntaxError, FormulaError
            When ``expr`` does not parse or uses an unsupported function.
        """
        key = self._key(expr)
        if key is not None:
            return self.columns[key]
        node = parse_expression(expr) if isinstance(expr, str) else expr
        key = self._key(node)
        if key is not None:
            return self.columns[key]
        return self._evaluate(strip_parens(node)).col

    def _evaluate(self, node) -> _Val:
        def lookup(name: str) -> _Val:
            key = quote_name(name)
            if key not in self.columns:
                raise UnknownVariableError(
                    f"variable '{name}' is not in the model frame; its variables are: "
                    + ", ".join(self.names)
                )
            return _Val(self.columns[key])

        return Evaluator(lookup, dict(self.state), reference=True).evaluate(node)

    def as_factor(self, expr) -> Factor:
        """A variable as R's ``factor()`` would code it (grouping factors).

        Numbers get levels in numeric order labelled as R's ``as.character``
        (``"1"``, ``"0.3"``), logicals ``"FALSE"``/``"TRUE"``, factors keep their
        levels.  ``a:b`` is lme4's ``%i%`` (:func:`~pylme.design.columns.r_interaction`):
        the observed combinations, labelled ``"a:b"`` (combinations with the same label
        are one level, as in lme4) and ordered by ``a``'s levels, then ``b``'s.
        """
        if isinstance(expr, str):
            key = self._key(expr)
            if key is not None:
                return r_factor(self.columns[key])
            expr = parse_expression(expr)
        node = strip_parens(expr)
        if isinstance(node, BinOp) and node.op == ":":
            return r_interaction(self.as_factor(node.left), self.as_factor(node.right))
        return r_factor(self.column(node))


# --- building the frame ---------------------------------------------------------------------


def _check_data(data) -> None:
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if data.shape[0] == 0:
        raise DataError("data has no rows")


def _lookup_factory(data: pd.DataFrame):
    cache: dict[str, _Val] = {}
    available = [str(c) for c in data.columns]

    def lookup(name: str) -> _Val:
        if name not in cache:
            if name not in data.columns:
                raise UnknownVariableError(
                    f"object '{name}' not found (lme4's words): variable '{name}' is not in data; "
                    "available columns: " + ", ".join(available)
                )
            column = data[name]
            if isinstance(column, pd.DataFrame):
                raise DataError(f"data has more than one column named '{name}'")
            cache[name] = convert_series(name, column)
        return cache[name]

    return lookup


def _extra(value, what: str, data: pd.DataFrame, lookup) -> np.ndarray | None:
    """``weights=`` or ``offset=``: a column name or a vector of length nrow(data)."""
    if value is None:
        return None
    if isinstance(value, str):
        v = lookup(value)
        if not isinstance(v.col, Numeric) or v.col.values.ndim != 1:
            raise DataError(f"{what} '{value}' must be a numeric column")
        return v.col.values.astype(float)
    try:
        out = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} must be numeric") from exc
    if out.size != data.shape[0]:
        raise DataError(f"variable lengths differ (found for '({what})'): {out.size} values for {data.shape[0]} rows")
    return out


def _length(c: FrameColumn) -> int:
    if isinstance(c, Factor):
        return c.codes.shape[0]
    return c.values.shape[0] if c.values.ndim else 1


def _evaluate_variables(t: Terms, ev: Evaluator, nrow: int) -> list[_Val]:
    values = []
    for node, name in zip(t.variables, t.variable_names):
        v = ev.evaluate(node)
        if isinstance(v.col, str):
            raise FormulaError(f"the variable {name} is a character constant")
        if _length(v.col) != nrow:
            raise DataError(f"variable lengths differ (found for '{name}')")
        values.append(v)
    return values


def _subset(v: _Val, rows: np.ndarray, drop_levels: bool) -> FrameColumn:
    c = v.col
    if isinstance(c, Factor):
        f = Factor(c.codes[rows], c.levels, c.ordered)
        return r_factor(f) if drop_levels else f
    if isinstance(c, Logical):
        return Logical(c.values[rows])
    return c.take(rows)


def _recode(name: str, v: _Val, levels: tuple, ordered: bool) -> _Val:
    """R ``model.frame(xlev = )``: code new data with the fitted levels; new levels are an error."""
    if not isinstance(v.col, Factor):
        raise DataError(f"variable '{name}' was a factor when the model was fitted")
    labels = v.col.labels()
    used = {lab for lab in labels if lab is not None}
    new = sorted(used - set(levels))
    if new:
        word = "level" if len(new) == 1 else "levels"
        raise DataError(f"factor {name} has new {word} {', '.join(new)}")
    return _Val(strings_to_factor(labels, levels=levels, ordered=ordered))


def model_frame(
    formula,
    data: pd.DataFrame,
    *,
    weights=None,
    offset=None,
    na_action: str = "omit",
    reference: ModelFrame | None = None,
    drop_unused_levels: bool = True,
) -> ModelFrame:
    """Evaluate a formula's variables in ``data`` (R: ``model.frame``).

    Parameters
    ----------
    formula : Formula or str
        For lme4 models, ``sub_bars(formula)``: all variables of both parts.
    data : pandas.DataFrame
    weights, offset : str or array-like, optional
        A column name or a vector with one value per row of ``data``.
    na_action : {"omit", "exclude", "fail"}
        R's ``na.omit``, ``na.exclude`` (rows dropped too; results are re-padded
        later) or ``na.fail``.
    reference : ModelFrame, optional
        A fitted frame: evaluate ``data`` as new data with its ``poly``/``scale``
        parameters and factor levels (R: ``predvars`` and ``xlev``); levels are not
        dropped and a level the fit never saw is an error.  Pass the right-hand side
        only when ``data`` has no response (R: ``delete.response``); a ``poly``/``scale``
        call the fitted frame does not know is fitted afresh on ``data``.
    drop_unused_levels : bool
        R's ``drop.unused.levels``: ``True`` as ``lme4::lFormula`` builds its frame,
        ``False`` as ``model.frame.default`` (and so ``model.matrix``) does by default.

    Returns
    -------
    ModelFrame

    Raises
    ------
    DataError
        Data not a DataFrame or empty, bad weights/offset, NA with ``"fail"``
        (``missing values in object``), no rows left (``0 (non-NA) cases``).
    UnknownVariableError
        A variable is not a column of ``data``.
    FormulaError
        An unsupported function or expression.
    """
    _check_data(data)
    if na_action not in _NA_ACTIONS:
        raise DataError(f"na_action must be one of {', '.join(_NA_ACTIONS)}, got {na_action!r}")
    formula = parse_formula(formula) if isinstance(formula, str) else formula
    if not isinstance(formula, Formula):
        raise FormulaError(f"formula must be a Formula or a string, got {type(formula).__name__}")
    t = terms(formula)
    lookup = _lookup_factory(data)
    state = {} if reference is None else dict(reference.state)
    ev = Evaluator(lookup, state, reference=reference is not None)
    values = _evaluate_variables(t, ev, data.shape[0])
    if reference is not None:
        values = [
            _recode(name, v, reference.xlev[name], reference.columns[name].ordered)
            if name in reference.xlev else v
            for name, v in zip(t.variable_names, values)
        ]
    w = _extra(weights, "weights", data, lookup)
    o = _extra(offset, "offset", data, lookup)
    missing = np.zeros(data.shape[0], dtype=bool)
    for v in values:
        missing |= v.missing()
    for extra in (w, o):
        if extra is not None:
            missing |= np.isnan(extra)
    if na_action == "fail" and missing.any():
        raise DataError("missing values in object")
    kept = np.flatnonzero(~missing)
    if kept.size == 0:
        raise DataError("0 (non-NA) cases")
    drop_levels = reference is None and drop_unused_levels
    columns = {name: _subset(v, kept, drop_levels) for name, v in zip(t.variable_names, values)}
    offset_total = _offset_sum(t, columns, None if o is None else o[kept])
    return ModelFrame(
        formula=formula,
        terms=t,
        names=tuple(deparse(v, backtick=not isinstance(v, Name)) for v in t.variables),
        columns=FrozenMap(columns),
        n=int(kept.size),
        row_labels=data.index[kept],
        kept=kept,
        dropped=np.flatnonzero(missing),
        na_action=na_action,
        weights=None if w is None else w[kept],
        offset=offset_total,
        offset_argument=None if o is None else o[kept],
        n_original=int(data.shape[0]),
        state=FrozenMap(state),
        xlev=FrozenMap({k: c.levels for k, c in columns.items() if isinstance(c, Factor)}),
    )


def _offset_sum(t: Terms, columns: dict, argument: np.ndarray | None) -> np.ndarray | None:
    """R ``model.offset``: the sum of every ``offset()`` variable and the ``offset=`` argument."""
    parts = [columns[t.variable_names[i]].matrix().sum(axis=1) for i in t.offset_indices]
    if argument is not None:
        parts.append(argument)
    if not parts:
        return None
    total = parts[0].astype(float)
    for p in parts[1:]:
        total = total + p
    return total
