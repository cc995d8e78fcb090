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
  have at least two levels (R's ``contrasts<-`` check).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..errors import DataError, FormulaError, PylmeWarning
from ..formula.ast import Formula, Name
from ..formula.deparse import deparse
from ..formula.parser import parse_expression, parse_formula
from ..formula.terms import Terms, terms
from .contrasts import Contrast, contr_treatment, resolve_contrast
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
        ``"matrix"`` for a user-supplied matrix).
    contrast_matrices : dict of str to Contrast
        The contrast matrices themselves, to code new data identically.
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


def _contrast_for(name: str, key: str, column, spec: Mapping) -> Contrast:
    levels = _levels(column)
    chosen = spec.get(name, spec.get(key))
    if chosen is None:
        if isinstance(column, Factor) and column.ordered:
            return resolve_contrast("contr.poly", levels, name)
        return contr_treatment(levels)
    return resolve_contrast(chosen, levels, name)


def _check_contrast_names(spec: Mapping, info: list[dict]) -> None:
    """R warns about contrasts for absent variables and refuses them for numeric ones."""
    for requested in spec:
        match = next((v for v in info if requested in (v["name"], v["key"])), None)
        if match is None:
            warnings.warn(f"variable '{requested}' is absent, its contrast will be ignored", PylmeWarning, stacklevel=3)
        elif match["levels"] is None and not match["response"]:
            raise DataError(f"contrasts apply only to factors: '{requested}' is numeric")


def _variable_info(t: Terms, frame: ModelFrame, spec: Mapping) -> list[dict]:
    """Each variable's column, levels and contrast (R: the setup loop of ``model.matrix``)."""
    info = []
    for i, node in enumerate(t.variables):
        response = t.has_response and i == 0
        entry = {"name": _frame_name(node), "key": t.variable_names[i], "response": response,
                 "column": None, "levels": None, "contrast": None}
        if not response:  # R evaluates (and checks) every variable, used in a term or not
            column = frame.column(node)
            entry["column"] = column
            entry["levels"] = _levels(column)
            if entry["levels"] is not None:
                entry["contrast"] = _contrast_for(entry["name"], entry["key"], column, spec)
        info.append(entry)
    return info


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
        Variable name -> ``"contr.treatment"``, ``"contr.sum"``, ``"contr.helmert"``,
        ``"contr.poly"`` or a numeric matrix (one row per level).  Names not in the
        formula are ignored with a warning, as in R.

    Returns
    -------
    DesignMatrix

    Raises
    ------
    DataError
        A factor with fewer than two levels, contrasts for a numeric variable, a
        contrast matrix with the wrong number of rows, or a matrix too large for
        the memory available.
    FormulaError, UnknownVariableError
        Bad formula or a variable missing from the frame.
    """
    t = as_terms(terms_or_rhs)
    spec = dict(contrasts or {})
    info = _variable_info(t, frame, spec)
    _check_contrast_names(spec, info)
    codes = _coding(t, info)
    try:
        values, names, assign = _assemble(t, info, codes, frame.n)
    except MemoryError:
        # numpy's allocation failure would escape as a bare MemoryError
        raise DataError(
            f"cannot allocate the fixed-effects model matrix for {frame.n} rows and "
            f"{len(t.term_labels)} terms: not enough memory (R: cannot allocate vector)"
        ) from None
    factor_vars = [e for e in info if e["contrast"] is not None]
    return DesignMatrix(
        values=values,
        columns=tuple(names),
        assign=tuple(assign),
        contrasts={e["name"]: e["contrast"].name for e in factor_vars},
        contrast_matrices={e["name"]: e["contrast"] for e in factor_vars},
        terms=t,
    )
