"""R's ``terms.formula``: expand a formula into variables and model terms.

A port of the algorithm in R's ``src/library/stats/src/model.c`` (``termsform``):

1. **Variables** (``ExtractVars``): the response, then every distinct non-operator
   sub-expression of the right-hand side in order of first appearance (``x``,
   ``log(x)``, ``offset(w)``, ...).  Variables only mentioned in removed terms
   (``- a``) are still variables.
2. **Terms** (``EncodeVars``): each term is a set of variables (a bit pattern).
   ``a + b`` concatenates, ``a:b`` interacts, ``a*b`` = ``a + b + a:b``,
   ``a %in% b`` = ``a:b``, ``a/b`` = ``a + a:b`` (``b`` nested in all of ``a``),
   ``(a+b)^2`` = all interactions up to order 2, ``- t`` removes terms; ``1``/``0``
   and ``-1``/``-0`` switch the intercept.  Duplicates keep their first position.
3. Terms containing an ``offset()`` variable are removed and recorded as offsets.
4. Terms are sorted by order (number of variables), stably.
5. **Factors** (``TermCode``): for each variable in a term, 1 if the term with that
   variable removed is empty or contained in an *earlier* term (code it by
   contrasts), otherwise 2 (code it by indicators).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import FormulaError
from .ast import BinOp, Call, Formula, Name, Num, Paren, UnaryOp
from .deparse import deparse

__all__ = ["Terms", "terms"]

_TERM_OPS = frozenset({"+", ":", "*", "/", "^", "%in%", "-"})


@dataclass(frozen=True, eq=False)
class Terms:
    """The result of R's ``terms(formula)``.

    Attributes
    ----------
    response : Node or None
        The left-hand side.
    variables : tuple of Node
        R's ``attr(, "variables")``: the response first (if any), then the
        right-hand-side variables in order of first appearance.
    variable_names : tuple of str
        Deparsed variables (R's ``rownames(attr(, "factors"))``, backquoted where
        R backquotes them).
    term_labels : tuple of str
        R's ``attr(, "term.labels")``.
    term_variables : tuple of tuple of int
        For each term, the indices (into ``variables``) of its variables, ascending.
    factors : ndarray of int, shape (len(variables), len(term_labels))
        R's ``attr(, "factors")``: 0 absent, 1 coded by contrasts, 2 by indicators.
    order : tuple of int
        Interaction order of each term.
    intercept : bool
        Whether the model has an intercept.
    offsets : tuple of Node
        The ``offset(...)`` variables.
    offset_indices : tuple of int
        Their indices into ``variables`` (R's ``attr(, "offset")`` minus 1).
    """

    response: object
    variables: tuple
    variable_names: tuple
    term_labels: tuple
    term_variables: tuple
    factors: np.ndarray = field(repr=False)
    order: tuple
    intercept: bool
    offsets: tuple
    offset_indices: tuple

    @property
    def has_response(self) -> bool:
        """R's ``attr(, "response") == 1``."""
        return self.response is not None


class _Encoder:
    """State of one ``termsform`` run: the variable list, intercept flag and parity."""

    def __init__(self) -> None:
        self.variables: list = []
        self.intercept = True
        self.parity = True

    # --- ExtractVars --------------------------------------------------------------
    def install(self, node) -> int:
        """Index of ``node`` in the variable list, appending it if new (R: ``InstallVar``)."""
        for i, existing in enumerate(self.variables):
            if existing == node:
                return i
        self.variables.append(node)
        return len(self.variables) - 1

    def extract(self, node) -> None:
        if isinstance(node, Num):
            if node.value not in (0.0, 1.0):
                raise FormulaError(f"invalid model formula: the number {deparse(node)} is not a term")
            return
        if isinstance(node, Name):
            if node.id == ".":
                raise FormulaError("'.' in a formula is not supported: list the variables explicitly")
            self.install(node)
            return
        if isinstance(node, Paren):
            self.extract(node.expr)
            return
        if isinstance(node, UnaryOp) and node.op in ("-", "+"):
            self.extract(node.operand)
            return
        if isinstance(node, (BinOp, UnaryOp)) and node.op == "~":
            raise FormulaError("invalid model formula: '~' inside the model terms")
        if isinstance(node, BinOp) and node.op in _TERM_OPS:
            if node.op == "^":
                if not isinstance(node.right, Num):
                    raise FormulaError(f"invalid power in formula: {deparse(node)}")
                self.extract(node.left)
                return
            self.extract(node.left)
            self.extract(node.right)
            return
        if isinstance(node, (BinOp, UnaryOp, Call)):
            self.install(node)
            return
        raise FormulaError(f"invalid model formula: {deparse(node)} is not a variable")

    # --- EncodeVars ---------------------------------------------------------------
    def encode(self, node) -> list[int]:
        if node is None:
            return []
        if isinstance(node, Num):
            one = node.value == 1.0
            self.intercept = one if self.parity else not one
            return []
        if isinstance(node, Paren):
            return self.encode(node.expr)
        if isinstance(node, UnaryOp) and node.op == "-":
            return self._delete(None, node.operand)
        if isinstance(node, UnaryOp) and node.op == "+":
            return self.encode(node.operand)
        if isinstance(node, BinOp) and node.op in _TERM_OPS:
            return self._binary(node)
        return [1 << self.install(node)]

    def _binary(self, node: BinOp) -> list[int]:
        op = node.op
        if op == "-":
            return self._delete(node.left, node.right)
        if op == "^":
            return self._power(node.left, node.right)
        left = self.encode(node.left)
        right = self.encode(node.right)
        if op == "+":
            return _trim(left + right)
        if op == ":":
            return _trim([a | b for a in left for b in right])
        if op == "*":
            return _trim(left + right + [a | b for a in left for b in right])
        if op == "%in%":
            everything = _union(right)
            return _trim([a | everything for a in left])
        # "/": right terms nested within all of the left terms
        everything = _union(left)
        return _trim(left + [b | everything for b in right])

    def _delete(self, left_node, right_node) -> list[int]:
        left = self.encode(left_node)
        self.parity = not self.parity
        right = self.encode(right_node)
        self.parity = not self.parity
        return [t for t in left if t not in right]

    def _power(self, left_node, right_node: Num) -> list[int]:
        power = int(right_node.value) if np.isfinite(right_node.value) else 0
        if power <= 1:
            raise FormulaError(f"invalid power in formula: {deparse(right_node)}")
        left = self.encode(left_node)
        result = left
        for _ in range(power - 1):
            result = _trim([a | b for a in left for b in result])
        return result


def _trim(terms: list[int]) -> list[int]:
    """Drop empty and repeated terms, keeping first appearances (R: ``TrimRepeats``)."""
    seen, out = set(), []
    for t in terms:
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def _union(terms: list[int]) -> int:
    out = 0
    for t in terms:
        out |= t
    return out


def _bits(term: int, nvar: int) -> tuple[int, ...]:
    return tuple(i for i in range(nvar) if term >> i & 1)


def _term_code(terms: list[int], index: int, bit: int) -> int:
    """1 = contrasts, 2 = indicators (R: ``TermCode``, 'Statistical Models in S' p. 38)."""
    rest = terms[index] & ~(1 << bit)
    if rest == 0:
        return 1
    for earlier in terms[:index]:
        if rest & ~earlier == 0:  # rest is contained in an earlier term
            return 1
    return 2


def _is_offset(node) -> bool:
    return isinstance(node, Call) and node.func == "offset"


def terms(formula) -> Terms:
    """Expand a formula into R's terms object (R: ``terms.formula``, keep.order = FALSE).

    Parameters
    ----------
    formula : Formula or Node
        A parsed formula (a bare Node is taken as a one-sided right-hand side).
        Random-effects bars are *not* treated specially: pass ``no_bars(f)`` or
        ``sub_bars(f)`` as R's callers do.

    Returns
    -------
    Terms

    Raises
    ------
    FormulaError
        For ``.``, a number other than 0/1 used as a term, a bad power, or ``~``
        inside the terms.
    """
    if not isinstance(formula, Formula):
        formula = Formula(None, formula)
    enc = _Encoder()
    if formula.lhs is not None:
        enc.install(formula.lhs)
    enc.extract(formula.rhs)
    encoded = enc.encode(formula.rhs)
    variables = tuple(enc.variables)
    nvar = len(variables)
    offset_idx = tuple(i for i in range(1 if formula.lhs is not None else 0, nvar) if _is_offset(variables[i]))
    offset_mask = _union([1 << i for i in offset_idx])
    kept = [t for t in encoded if not t & offset_mask]
    kept.sort(key=lambda t: bin(t).count("1"))  # stable: ties keep formula order
    names = tuple(deparse(v, backtick=True) for v in variables)
    factors = np.zeros((nvar, len(kept)), dtype=int)
    for j, term in enumerate(kept):
        for i in _bits(term, nvar):
            factors[i, j] = _term_code(kept, j, i)
    factors.setflags(write=False)
    term_vars = tuple(_bits(t, nvar) for t in kept)
    return Terms(
        response=formula.lhs,
        variables=variables,
        variable_names=names,
        term_labels=tuple(":".join(names[i] for i in tv) for tv in term_vars),
        term_variables=term_vars,
        factors=factors,
        order=tuple(len(tv) for tv in term_vars),
        intercept=enc.intercept,
        offsets=tuple(variables[i] for i in offset_idx),
        offset_indices=offset_idx,
    )
