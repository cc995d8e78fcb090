"""The fixed-effects design matrix exactly as R builds it (R: ``model.matrix.default``
and the C routine ``modelmatrix`` in ``stats/src/model.c``).

Rules reproduced (names, order and values must match R):

* ``(Intercept)`` first when the model has one; then the terms in ``terms()`` order;
* a numeric variable gives one column named by its deparsed expression; a matrix
  variable (``poly``) one column per matrix column, named expression + column name
  (``poly(Days, 3)1``), or the bare expression when it has a single column;
* a factor coded by contrasts (code 1 in the factors matrix) gives the contrast
  columns, named variable + contrast column name (``SexFemale``, ``f1``,
  ``temperature.L``); coded by indicators (code 2) one column per level
  (``f`` + level); logicals are factors with levels ``FALSE``, ``TRUE``;
* without an intercept, the first factor of the first term containing a factor is
  coded by indicators (``~ 0 + f`` gives every level);
* an interaction column is the product of its variables' columns, the first
  variable varying fastest, names joined by ``:``;
* default contrasts ``contr.treatment`` (unordered) and ``contr.poly`` (ordered);
  ``contrasts=`` overrides per variable; every factor variable of the formula must
  have at least two levels (R's ``contrasts<-`` check);
* contrasts are applied in R's order (:func:`~pylme.design.contrast_spec.assign_contrasts`):
  every factor's level count, then ``contrasts=`` in its own order (absent names warn,
  numeric variables and bad values fail), and only then, in the order of the variables,
  the names of the factors some term codes by contrasts are looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..errors import DataError, FormulaError
from ..formula.ast import Formula, Name
from ..formula.deparse import deparse
from ..formula.parser import parse_expression, parse_formula
from ..formula.terms import Terms, terms
from .contrast_spec import ContrastName, ContrastVariable, assign_contrasts, check_contrast_values
from .columns import Factor, Logical, Numeric
from .frame import ModelFrame

__all__ = ["DesignMatrix", "model_matrix", "as_terms"]

_LOGICAL_LEVELS = ("FALSE", "TRUE")


@dataclass(frozen=True, eq=False)
class DesignMatrix:
    """A design matrix with R's attributes.

    Attributes
    ----------
    values : ndarray, shape (n, p)
    columns : tuple of str
        R's ``colnames(X)``.
    assign : tuple of int
        R's ``attr(X, "assign")``: the term index of each column, 0 for the intercept.
    contrasts : dict of str to str
        R's ``attr(X, "contrasts")``: for each factor (or logical/character)
        variable, the contrast used (``"contr.treatment"``, ``"contr.poly"``, ...;
        ``"matrix"`` for a user-supplied matrix or a function's result), also for a
        factor coded by indicators only (its name as given, never looked up).
    contrast_matrices : dict of str to Contrast or ContrastName
        The contrasts themselves, to code new data identically: the matrix of each
        factor coded by contrasts; for a factor coded by indicators only, what was
        assigned to it (a Contrast, or a :class:`~pylme.design.contrast_spec.ContrastName`
        that R never looked up).  Both are accepted as ``contrasts=`` values.
    terms : Terms
        The terms the matrix was built from.
    """

    values: np.ndarray = field(repr=False)
    columns: tuple
    assign: tuple
    contrasts: dict
    contrast_matrices: dict = field(repr=False)
    terms: Terms = field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape


def as_terms(spec) -> Terms:
    """Terms from a Terms, a Formula, a right-hand-side node or text."""
    if isinstance(spec, Terms):
        return spec
    if isinstance(spec, str):
        spec = parse_formula(spec) if "~" in spec else Formula(None, parse_expression(spec))
    if not isinstance(spec, Formula):
        spec = Formula(None, spec)
    return terms(spec)


def _frame_name(node) -> str:
    """R's ``names(model.frame)`` spelling: symbols without backquotes."""
    return deparse(node, backtick=not isinstance(node, Name))


def _levels(column) -> tuple | None:
    if isinstance(column, Factor):
        return column.levels
    if isinstance(column, Logical):
        return _LOGICAL_LEVELS
    return None


def _codes(column) -> np.ndarray:
    if isinstance(column, Logical):
        return column.values.astype(np.int64)
    if np.any(column.codes < 0):
        raise DataError("factor with missing values in the model matrix")
    return column.codes


def _variable_info(t: Terms, frame: ModelFrame, spec: Mapping) -> tuple[list[dict], list[int]]:
    """Each variable's column, levels and assigned contrast (R: the setup loop of
    ``model.matrix.default``, before any contrast name is looked up), and the indices of
    the factor variables.

    ``assigned`` is what R stores in ``attr(f, "contrasts")``: a Contrast, or a
    :class:`ContrastName` still to be looked up (:func:`_resolve_used`), or None for a
    numeric variable.
    """
    info, factors = [], []
    for i, node in enumerate(t.variables):
        response = t.has_response and i == 0
        entry = {"name": _frame_name(node), "key": t.variable_names[i], "response": response,
                 "column": None, "levels": None, "assigned": None, "contrast": None}
        if not response:  # R evaluates (and checks) every variable, used in a term or not
            column = frame.column(node)
            entry["column"] = column
            entry["levels"] = _levels(column)
            if entry["levels"] is not None:
                factors.append(i)
        info.append(entry)
    # Without contrasts= only the factors matter (their defaults and level counts), so the
    # numeric variables of a wide formula are not listed; with it, every variable is, the
    # response as a numeric one (levels None), which R's contrasts<- refuses.
    listed = range(len(info)) if spec else factors
    variables = [ContrastVariable((info[i]["name"], info[i]["key"]), info[i]["levels"],
                                  bool(getattr(info[i]["column"], "ordered", False))) for i in listed]
    for i, assigned in zip(listed, assign_contrasts(spec, variables)):
        info[i]["assigned"] = assigned
    return info, factors


def _resolve_used(info: list[dict], factors: list[int], codes: list, t: Terms) -> None:
    """Look up the contrast of each factor some term codes by contrasts (code 1), in the
    order of the frame's variables, as R's C ``modelmatrix`` calls ``contrasts()``: a
    name is looked up only here, so a factor coded by indicators only never fails on
    its name (R: ``~ 0 + f`` with ``list(f = "nope")`` works)."""
    if not factors:
        return
    used = set()
    for members, term_codes in zip(t.term_variables, codes):
        used.update(i for i, code in zip(members, term_codes) if code == 1)
    for i in factors:
        if i in used:
            entry = info[i]
            a = entry["assigned"]
            entry["contrast"] = a.resolve(entry["levels"], entry["name"]) if isinstance(a, ContrastName) else a


def _coding(t: Terms, info: list[dict]) -> list[tuple[int, ...]]:
    """Each term's ``factors`` codes (``term_codes``) with R's no-intercept adjustment:
    the first factor of the first term containing one is coded by indicators.

    Works on the codes of each term's own variables, never on the dense variables x
    terms matrix (10,001 x 10,000 for a formula of 10,000 terms).
    """
    codes = [list(c) for c in t.term_codes]
    if not t.intercept:
        for members, term_codes in zip(t.term_variables, codes):
            for pos, i in enumerate(members):
                entry = info[i]
                if entry["levels"] is not None and len(entry["levels"]) > 1:
                    term_codes[pos] = 2
                    return codes
    return codes


def _block(entry: dict, code: int) -> tuple[np.ndarray, list[str]]:
    """The columns one variable contributes to a term, with their names."""
    column, key = entry["column"], entry["key"]
    if isinstance(column, Numeric):
        m = column.matrix()
        if m.shape[1] == 1:
            return m, [key]
        suffixes = column.colnames or tuple(str(j + 1) for j in range(m.shape[1]))
        return m, [f"{key}{s}" for s in suffixes]
    codes = _codes(column)
    if code == 2:
        levels = entry["levels"]
        return np.eye(len(levels))[codes], [f"{key}{lev}" for lev in levels]
    contrast = entry["contrast"]
    return contrast.matrix[codes], [f"{key}{s}" for s in contrast.column_suffixes()]


def _interact(left: tuple[np.ndarray, list[str]], right: tuple[np.ndarray, list[str]]):
    """Columns of ``left:right`` with the left variable varying fastest."""
    (a, an), (b, bn) = left, right
    values = (b[:, :, None] * a[:, None, :]).reshape(a.shape[0], -1)
    names = [f"{x}:{y}" for y in bn for x in an]
    return values, names


def _assemble(t: Terms, info: list[dict], codes: list, n: int) -> tuple[np.ndarray, list, list]:
    """The columns of X term by term, with their names and R's ``assign``."""
    blocks, names, assign = [], [], []
    if t.intercept:
        blocks.append(np.ones((n, 1)))
        names.append("(Intercept)")
        assign.append(0)
    for j, (members, term_codes) in enumerate(zip(t.term_variables, codes)):
        current = None
        for i, code in zip(members, term_codes):
            if info[i]["column"] is None:
                raise FormulaError(f"the response {info[i]['name']} cannot be part of a model term")
            piece = _block(info[i], code)
            current = piece if current is None else _interact(current, piece)
        blocks.append(current[0])
        names.extend(current[1])
        assign.extend([j + 1] * current[0].shape[1])
    values = np.hstack(blocks) if blocks else np.zeros((n, 0))
    return np.ascontiguousarray(values, dtype=float), names, assign


def model_matrix(terms_or_rhs, frame: ModelFrame, contrasts: Mapping | None = None) -> DesignMatrix:
    """Build the design matrix of a formula on a model frame (R: ``model.matrix``).

    Parameters
    ----------
    terms_or_rhs : Terms, Formula, Node or str
        What to code; for lme4's X pass ``no_bars(formula)``, for a random term's
        matrix its left-hand side (``bar.lhs``).  The response is never coded.
    frame : ModelFrame
        Must contain every variable.
    contrasts : mapping, optional
        R's ``contrasts.arg``: variable name -> contrast, applied in the mapping's order.
        A value is a contrast name (``"contr.treatment"``, ``"contr.sum"``,
        ``"contr.helmert"``, ``"contr.poly"``, ``"contr.SAS"``, looked up exactly and
        only when a term codes the factor by contrasts), a numeric matrix (one row per
        level, every column kept; a DataFrame's column labels name the columns), a
        numeric vector (completed to ``nlevels - 1`` columns with R's QR), a callable
        taking the number of levels (R's contrast function), or a
        :class:`~pylme.design.contrasts.Contrast` /
        :class:`~pylme.design.contrast_spec.ContrastName` kept from a
        ``DesignMatrix.contrast_matrices``; see
        :func:`pylme.design.contrast_spec.resolve_contrast`.  Names that are no
        variable of the formula are ignored with R's warning.

    Returns
    -------
    DesignMatrix

    Warns
    -----
    PylmeWarning
        ``variable 'x' is absent, its contrast will be ignored`` for a ``contrasts``
        name that is no variable of the formula (R's warning).

    Raises
    ------
    DataError
        A factor with fewer than two levels, contrasts for a numeric variable (the
        response included), a contrast matrix with the wrong number of rows, a
        vector R cannot complete, non-finite contrast values, or a matrix too large
        for the memory available.
    ArgumentError
        A value that is no contrast, or an unknown, empty or multiple contrast name
        for a factor coded by contrasts (R's texts first).
    FormulaError, UnknownVariableError
        Bad formula or a variable missing from the frame.
    """
    t = as_terms(terms_or_rhs)
    spec = dict(contrasts or {})
    info, factors = _variable_info(t, frame, spec)
    codes = _coding(t, info)
    _resolve_used(info, factors, codes, t)
    try:
        values, names, assign = _assemble(t, info, codes, frame.n)
    except MemoryError:
        # numpy's allocation failure would escape as a bare MemoryError
        raise DataError(
            f"cannot allocate the fixed-effects model matrix for {frame.n} rows and "
            f"{len(t.term_labels)} terms: not enough memory (R: cannot allocate vector)"
        ) from None
    for i in factors:  # lme4's qr(X) meets them after model.matrix has looked every name up
        e = info[i]  # (a named contrast function's matrix is always finite)
        if e["contrast"] is not None and not isinstance(e["assigned"], ContrastName):
            check_contrast_values(e["contrast"], e["name"])
    # R records every factor's contrast, those coded by indicators only included (their
    # name unlooked-up, or "matrix"); a factor's used contrast is kept to code new data alike
    kept = {info[i]["name"]: info[i]["assigned"] if info[i]["contrast"] is None else info[i]["contrast"]
            for i in factors}
    return DesignMatrix(
        values=values,
        columns=tuple(names),
        assign=tuple(assign),
        contrasts={name: c.label if isinstance(c, ContrastName) else c.name for name, c in kept.items()},
        contrast_matrices=kept,
        terms=t,
    )
