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

import functools

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import FormulaError
from .ast import BinOp, Call, Formula, Name, Num, Paren, UnaryOp
from .deparse import deparse, deparse_excerpt

__all__ = ["Terms", "terms", "MAX_TERMS"]

_TERM_OPS = frozenset({"+", ":", "*", "/", "^", "%in%", "-"})

#: Most terms one formula may expand to.  R has no such limit, but its ``terms.formula``
#: is quadratic in the number of terms (R 4.2.2: 10,000 additive terms take about a
#: minute, ``x1*x2*...*x15`` (32,767 terms) 14 s, ``x1*...*x18`` more than a minute), and
#: the design matrix of a million terms would not fit in memory.  pylme refuses a larger
#: expansion at once with a FormulaError (``x1*...*x17``, 131,071 terms, is allowed).
MAX_TERMS = 2**17


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
    term_codes : tuple of tuple of int
        For each term, the ``factors`` code of each of its variables (aligned with
        ``term_variables``): the non-zero entries of ``factors``, column by column.
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
    term_codes: tuple
    order: tuple
    intercept: bool
    offsets: tuple
    offset_indices: tuple

    @property
    def has_response(self) -> bool:
        """R's ``attr(, "response") == 1``."""
        return self.response is not None

    @cached_property
    def factors(self) -> np.ndarray:
        """R's ``attr(, "factors")``, shape (len(variables), len(term_labels)), read-only.

        0 absent, 1 coded by contrasts, 2 by indicators.  Built on first use: it is
        dense, and a formula of 10,000 terms would otherwise carry a 10,001 x 10,000
        matrix that model building never needs (it reads ``term_codes``).
        """
        out = np.zeros((len(self.variables), len(self.term_labels)), dtype=int)
        for j, (members, codes) in enumerate(zip(self.term_variables, self.term_codes)):
            out[list(members), j] = codes
        out.setflags(write=False)
        return out


class _Encoder:
    """State of one ``termsform`` run: the variable list, intercept flag and parity.

    Both passes walk the tree with an explicit stack: ``y ~ x1 + ... + x10000`` is a
    tree 10,000 levels deep.  Variables are found through a dictionary (nodes hash by
    value), and a ``+`` extends its left operand's ordered set in place, so a chain of
    N terms costs O(N), not O(N^2).
    """

    def __init__(self) -> None:
        self.variables: list = []
        self.index: dict = {}
        self.intercept = True
        self.parity = True

    # --- ExtractVars --------------------------------------------------------------
    def install(self, node) -> int:
        """Index of ``node`` in the variable list, appending it if new (R: ``InstallVar``)."""
        i = self.index.get(node)
        if i is None:
            i = self.index[node] = len(self.variables)
            self.variables.append(node)
        return i

    def extract(self, root) -> None:
        """R ``ExtractVars``: every variable, in order of first appearance (pre-order)."""
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, Num):
                if node.value not in (0.0, 1.0):
                    raise FormulaError(f"invalid model formula: the number {deparse(node)} is not a term")
            elif isinstance(node, Name):
                if node.id == ".":
                    raise FormulaError("'.' in a formula is not supported: list the variables explicitly")
                self.install(node)
            elif isinstance(node, Paren):
                stack.append(node.expr)
            elif isinstance(node, UnaryOp) and node.op in ("-", "+"):
                stack.append(node.operand)
            elif isinstance(node, (BinOp, UnaryOp)) and node.op == "~":
                raise FormulaError("invalid model formula: '~' inside the model terms")
            elif isinstance(node, BinOp) and node.op in _TERM_OPS:
                if node.op == "^":
                    if not isinstance(node.right, Num):
                        raise FormulaError(f"invalid power in formula: {deparse_excerpt(node)}")
                    stack.append(node.left)
                else:
                    stack.extend((node.right, node.left))
            elif isinstance(node, (BinOp, UnaryOp, Call)):
                self.install(node)
            else:
                raise FormulaError(f"invalid model formula: {deparse_excerpt(node)} is not a variable")

    # --- EncodeVars ---------------------------------------------------------------
    def encode(self, root) -> dict:
        """R ``EncodeVars``: the terms of ``root`` as an ordered set (dict keys) of terms.

        A term is the frozenset of its variables' indices (R uses bit patterns; a set
        keeps the cost of a term proportional to its order, not to the number of
        variables in the formula, which may be 10,000).

        Work items are nodes to encode, parity flips (around the right operand of a
        ``-``) and operators whose operands are on the results stack; the order of the
        items is R's evaluation order, so the intercept switches (``0``, ``- 1``)
        happen in R's order.
        """
        results: list[dict] = []
        work: list = [root]
        while work:
            item = work.pop()
            if item is _FLIP:
                self.parity = not self.parity
            elif isinstance(item, _Combine):
                right = results.pop()
                left = results.pop()
                results.append(self._combine(item.node, left, right))
            elif isinstance(item, _Chain):
                operands = results[len(results) - item.count:]
                del results[len(results) - item.count:]
                results.append(_fold_chain(item.node, operands))
            elif isinstance(item, Num):
                one = item.value == 1.0
                self.intercept = one if self.parity else not one
                results.append({})
            elif isinstance(item, Paren):
                work.append(item.expr)
            elif isinstance(item, UnaryOp) and item.op == "+":
                work.append(item.operand)
            elif isinstance(item, UnaryOp) and item.op == "-":
                # R DeleteTerms(NULL, operand): nothing left, but the intercept may switch
                results.append({})
                work.extend((_Combine(item), _FLIP, item.operand, _FLIP))
            elif isinstance(item, BinOp) and item.op in _TERM_OPS:
                if item.op == "^":
                    results.append(self._power(item))  # operand encoded inside
                elif item.op in (":", "%in%"):
                    operands = _left_chain(item)
                    work.append(_Chain(item, len(operands)))
                    work.extend(reversed(operands))
                elif item.op == "-":
                    work.extend((_Combine(item), _FLIP, item.right, _FLIP, item.left))
                else:
                    work.extend((_Combine(item), item.right, item.left))
            else:
                results.append({frozenset((self.install(item),)): None})
        return results[0]

    def _combine(self, node, left: dict, right: dict) -> dict:
        op = node.op
        if op in ("-",):  # binary or unary minus: R DeleteTerms
            for t in right:
                left.pop(t, None)
            return left
        if op == "+":
            left.update(right)  # keeps first appearances: R TrimRepeats
            return left
        if op == "*":
            _check_size(len(left) * len(right) + len(left) + len(right), node)
            products = _ordered(a | b for a in left for b in right)
            left.update(right)
            left.update(products)
            return left
        # "/": right terms nested within all of the left terms
        everything = _union(left)
        left.update(_ordered(b | everything for b in right))
        return left

    def _power(self, node: BinOp) -> dict:
        right_node = node.right
        power = int(right_node.value) if np.isfinite(right_node.value) else 0
        if power <= 1:
            raise FormulaError(f"invalid power in formula: {deparse_excerpt(right_node)}")
        left = self.encode(node.left)
        result = dict(left)
        for _ in range(power - 1):
            _check_size(len(left) * len(result), node)
            result = _ordered(a | b for a in left for b in result)
        return result


class _Chain:
    """Work item of :meth:`_Encoder.encode`: fold the ``count`` operands of a ``:`` or
    ``%in%`` chain (``a:b:c`` is ``(a:b):c``) once they are all encoded."""

    __slots__ = ("node", "count")

    def __init__(self, node, count: int) -> None:
        self.node = node
        self.count = count


def _left_chain(node: BinOp) -> list:
    """Operands of a left-associative chain of ``node.op``: ``a:b:c`` -> ``[a, b, c]``."""
    op, operands = node.op, []
    while isinstance(node, BinOp) and node.op == op:
        operands.append(node.right)
        node = node.left
    operands.append(node)
    return operands[::-1]


def _fold_chain(node: BinOp, operands: list[dict]) -> dict:
    """R's left-to-right evaluation of ``a:b:c`` (interactions) or ``a %in% b %in% c``
    (each left term joined with all the variables on the right).

    While the running result is a single term it is grown in one mutable set: a chain
    ``x1:x2:...:x10000`` is one term of 10,000 variables, and rebuilding it at every
    step would be quadratic.
    """
    acc = operands[0]
    single = set(next(iter(acc))) if len(acc) == 1 else None
    for right in operands[1:]:
        if node.op == ":":
            if single is not None and len(right) == 1:
                single.update(next(iter(right)))
                continue
            if single is not None:
                acc, single = {frozenset(single): None}, None
            _check_size(len(acc) * len(right), node)
            acc = _ordered(a | b for a in acc for b in right)
        else:
            everything = _union(right)
            if single is not None:
                single.update(everything)
                continue
            acc = _ordered(a | everything for a in acc)
    return {frozenset(single): None} if single is not None else acc


class _Combine:
    """Work item of :meth:`_Encoder.encode`: apply ``node``'s operator to two results."""

    __slots__ = ("node",)

    def __init__(self, node) -> None:
        self.node = node


_FLIP = object()  # work item: switch the parity (R's `parity = 1 - parity` around a deletion)


def _ordered(terms) -> dict:
    """Non-empty terms in first-appearance order, without repeats (R: ``TrimRepeats``)."""
    out: dict = {}
    for t in terms:
        if t and t not in out:
            out[t] = None
    return out


def _check_size(count: int, node) -> None:
    if count > MAX_TERMS:
        raise FormulaError(
            f"the formula term {deparse_excerpt(node, 80)} expands to about {count} terms, more than "
            f"pylme's limit of {MAX_TERMS} (R's terms() needs minutes to hours for so many, and "
            "their model matrix would not fit in memory)"
        )


def _union(terms) -> frozenset:
    return frozenset().union(*terms)


def _bits(term: frozenset) -> tuple[int, ...]:
    """The variable indices of ``term``, ascending (R's bit order)."""
    return tuple(sorted(term))


_MASK = (1 << 64) - 1


def _key(v: int) -> int:
    """A well-mixed 64-bit key of variable ``v`` (splitmix64), so that a term's key is
    the sum of its variables' keys and a term less one variable is found in O(1)."""
    z = (v * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _term_codes(kept: list[frozenset]) -> list[tuple[int, ...]]:
    """R ``TermCode`` for every variable of every term ('Statistical Models in S' p. 38).

    A variable is coded by contrasts (1) when the term without it, ``rest``, is empty or
    contained in an *earlier* term, otherwise by indicators (2).  The terms are sorted
    by order, so an earlier term containing ``rest`` is ``rest`` itself or ``rest`` plus
    one variable.  Both are looked up by key (the sum of the variables' keys, so the key
    of ``rest`` is one subtraction away) and confirmed exactly: linear in the total
    size of the terms, even for one interaction of 10,000 variables.
    """
    earlier: dict[int, list] = {}  # key -> earlier terms
    earlier_less_one: dict[int, list] = {}  # key of E minus v -> (E, v), for earlier E
    out = []
    for term in kept:
        bits = _bits(term)
        keys = {i: _key(i) for i in bits}
        total = sum(keys.values()) & _MASK
        codes = []
        for i in bits:
            if len(bits) == 1:
                codes.append(1)
                continue
            k = (total - keys[i]) & _MASK
            contained = any(len(e) == len(bits) - 1 and i not in e and e <= term for e in earlier.get(k, ())) or any(
                len(e) == len(bits) and e ^ term == {i, v} for e, v in earlier_less_one.get(k, ()))
            codes.append(1 if contained else 2)
        out.append(tuple(codes))
        earlier.setdefault(total, []).append(term)
        for i in bits:
            earlier_less_one.setdefault((total - keys[i]) & _MASK, []).append((term, i))
    return out


def _is_offset(node) -> bool:
    return isinstance(node, Call) and node.func == "offset"


@functools.lru_cache(maxsize=256)  # immutable trees (identity-hashed nodes): a formula's next fit reuses it
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
        For ``.``, a number other than 0/1 used as a term, a bad power, ``~``
        inside the terms, or an expansion beyond :data:`MAX_TERMS` terms.
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
    first = 1 if formula.lhs is not None else 0
    offset_idx = tuple(i for i in range(first, nvar) if _is_offset(variables[i]))
    offset_set = frozenset(offset_idx)
    kept = [t for t in encoded if not t & offset_set]
    kept.sort(key=len)  # stable: ties keep formula order
    names = tuple(deparse(v, backtick=True) for v in variables)
    term_vars = tuple(_bits(t) for t in kept)
    return Terms(
        response=formula.lhs,
        variables=variables,
        variable_names=names,
        term_labels=tuple(":".join(names[i] for i in tv) for tv in term_vars),
        term_variables=term_vars,
        term_codes=tuple(_term_codes(kept)),
        order=tuple(len(tv) for tv in term_vars),
        intercept=enc.intercept,
        offsets=tuple(variables[i] for i in offset_idx),
        offset_indices=offset_idx,
    )
