"""Random-effects ("bar") terms of a formula (lme4: ``findbars``, ``nobars``,
``subbars``, ``expandDoubleVerts``, ``expandSlash`` in ``R/utilities.R``, 1.1-31).

A random-effects term is ``(lhs | group)``; ``(lhs || group)`` is shorthand for
uncorrelated terms and is expanded first; ``group`` may use ``/`` for nesting
(``a/b`` -> ``b:a`` and ``a``).

A bar need not be in parentheses: ``|`` binds more loosely than ``+`` in R's grammar,
so ``y ~ x1 + x2 | ff`` is ``y ~ (x1 + x2) | ff``, and lme4 reads it as the single
random term ``(x1 + x2 | ff)`` with an intercept-only fixed part (``nobars`` gives
``y ~ 1``).  pylme reads it the same way.

Deliberate deviations from lme4 (documented, each one turns a silent surprise or an
obscure failure into a clear result):

* A bar inside a function call (``I(a | b)``) is R's logical "or", not a
  random-effects term; lme4 would treat it as a bar.
* A bar inside another bar's term (``y ~ a + (b | c) | d``, ``(a | b | c)``) raises
  :class:`~pylme.errors.FormulaError` at once; lme4 fails later with "model frame and
  formula mismatch in model.matrix()" or a warning about ``|`` on factors.
* ``(1 || g)`` expands to ``(1 | g)`` (lme4 1.1-31 fails with a parse error).

Every helper walks the tree with an explicit stack: a formula with 10,000 terms is a
tree 10,000 levels deep.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import FormulaError
from .ast import BinOp, Formula, Num, Paren, UnaryOp, strip_parens
from .deparse import deparse, deparse_excerpt
from .parser import parse_expression

__all__ = [
    "Bar",
    "is_bar",
    "check_bars",
    "expand_double_verts",
    "expand_double_verts_formula",
    "expanded_formula_text",
    "find_bars",
    "grouping_name",
    "no_bars",
    "sub_bars",
]

_BARS = ("|", "||")


@dataclass(frozen=True)
class Bar:
    """One random-effects term ``(lhs | group)`` after ``||`` and ``/`` expansion.

    Attributes
    ----------
    lhs : Node
        The model formula right-hand side of the term (``1``, ``Days``, ``0 + x``).
    group : Node
        The grouping expression (``Subject``, ``b:a``).
    """

    lhs: object
    group: object

    def __str__(self) -> str:
        return f"{deparse(self.lhs)} | {deparse(self.group)}"


def is_bar(node) -> bool:
    """True for ``a | b`` or ``a || b`` (optionally inside parentheses; lme4 ``isBar``)."""
    node = strip_parens(node)
    return isinstance(node, BinOp) and node.op in _BARS


def _is_bar_op(node) -> bool:
    return isinstance(node, BinOp) and node.op in _BARS


def _operands(node) -> tuple:
    """Sub-nodes the bar helpers descend into: operators and parentheses, not calls."""
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, UnaryOp):
        return (node.operand,)
    if isinstance(node, Paren):
        return (node.expr,)
    return ()


def _with_operands(node, operands: list):
    """``node`` with new operands (``node`` itself when none changed)."""
    if all(new is old for new, old in zip(operands, _operands(node))):
        return node
    if isinstance(node, BinOp):
        return BinOp(node.op, operands[0], operands[1], pos=node.pos)
    if isinstance(node, UnaryOp):
        return UnaryOp(node.op, operands[0], pos=node.pos)
    return Paren(operands[0], pos=node.pos)


def _bar_nodes(node):
    """``node`` and every sub-node reachable through operators and parentheses (pre-order)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(_operands(current)))


def _top_bars(node) -> list:
    """The bars reachable without passing through a call or another bar, left to right
    (lme4 ``findbars``' inner ``fb``; pylme does not look inside calls)."""
    out = []
    stack = [node]
    while stack:
        current = stack.pop()
        if _is_bar_op(current):
            out.append(current)
            continue
        stack.extend(reversed(_operands(current)))
    return out


_DESCEND = object()  # _map_operators: rebuild this node from its mapped operands


def _map_operators(root, replace, combine=_with_operands):
    """Rebuild ``root`` bottom-up through operators and parentheses, with an explicit stack.

    ``replace(node)`` returns a replacement, used as is and not descended into, or
    ``_DESCEND``; a descended node with operands becomes ``combine(node, new_operands)``.
    """
    results: list = []
    stack = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            n = len(_operands(node))
            operands = results[len(results) - n:]
            del results[len(results) - n:]
            results.append(combine(node, operands))
            continue
        replacement = replace(node)
        if replacement is not _DESCEND:
            results.append(replacement)
            continue
        operands = _operands(node)
        if not operands:
            results.append(node)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(operands))
    return results[0]



def check_bars(rhs, formula_text: str = "") -> None:
    """Raise FormulaError for a random-effects term that contains another bar.

    ``(a | b | c)`` and ``y ~ x + (1 | g) | h`` put a bar inside a bar's term; lme4
    accepts the formula and then fails in ``model.matrix`` ("model frame and formula
    mismatch"), pylme says what is wrong.  A bar without parentheses is fine
    (``y ~ x | g`` is lme4's ``(x | g)``).
    """
    for bar in _top_bars(rhs):
        for side in (bar.left, bar.right):
            if any(_is_bar_op(n) for n in _bar_nodes(side)):
                text = formula_text if len(formula_text) <= 100 else formula_text[:97] + "..."
                where = f" in '{text}'" if formula_text else ""
                raise FormulaError(f"a random-effects term may contain only one '|': ({deparse_excerpt(bar)}){where}")


# --- || expansion ------------------------------------------------------------------------


def _plus_chain(nodes: list):
    out = nodes[0]
    for node in nodes[1:]:
        out = BinOp("+", out, node)
    return out


def _expand_double_vert(node: BinOp):
    """``lhs || g`` -> ``(1 | g) + (0 + t1 | g) + ...`` (lme4 ``expandDoubleVert``)."""
    from .terms import terms  # terms depends on nothing here; avoid an import cycle

    t = terms(Formula(None, node.left))
    new_terms = [parse_expression(label) for label in t.term_labels]
    pieces = [Paren(BinOp("|", BinOp("+", Num(0.0, "0"), term), node.right)) for term in new_terms]
    if t.intercept:
        pieces.insert(0, Paren(BinOp("|", Num(1.0, "1"), node.right)))
    if not pieces:
        raise FormulaError(f"the random-effects term ({deparse_excerpt(node)}) has no terms")
    return _plus_chain(pieces)


def expand_double_verts(node):
    """Expand every ``(lhs || g)`` into uncorrelated terms (lme4 ``expandDoubleVerts``).

    The ``||`` node is replaced by a parenthesised sum of bars, so that
    ``Days + (Days || Subject)`` becomes ``Days + ((1 | Subject) + (0 + Days | Subject))``
    — lme4's stored formula; a bare ``Days || Subject`` becomes
    ``(1 | Subject) + (0 + Days | Subject)``.  The new terms come from ``terms(~lhs)``'s
    labels (interactions survive); ``(1 | g)`` is added when ``~lhs`` has an intercept.
    """

    def replace(n):
        if isinstance(n, BinOp) and n.op == "||":
            return _expand_double_vert(n)
        return _DESCEND

    return _map_operators(node, replace)


def expand_double_verts_formula(formula: Formula) -> Formula:
    """:func:`expand_double_verts` applied to a formula's right-hand side (lme4 ``lFormula``)."""
    check_bars(formula.rhs, formula.text)
    return Formula(formula.lhs, expand_double_verts(formula.rhs))


def expanded_formula_text(formula: Formula) -> str:
    """The ``||``-expanded formula as lme4 stores and prints it.

    >>> from pylme.formula import parse_formula
    >>> expanded_formula_text(parse_formula("Reaction ~ Days + (Days||Subject)"))
    'Reaction ~ Days + ((1 | Subject) + (0 + Days | Subject))'
    """
    return deparse(expand_double_verts_formula(formula))


# --- findbars with nesting --------------------------------------------------------------


def _slash_spine(node) -> list | None:
    """lme4 ``slashTerms`` for ``a/b/c``: ``[a, b, c]``; None when there is no ``/``.

    R's ``/`` is left-associative, so ``a/b/c`` is ``(a/b)/c`` and the nesting runs
    down the left operands; any other place for a ``/`` (``(a/b)``, ``a/(b/c)``,
    ``log(a/b)``) is lme4's "unparseable formula for grouping factor".
    """
    if not any(isinstance(n, BinOp) and n.op == "/" for n in _bar_nodes(node)):
        return None
    right_operands = []
    while isinstance(node, BinOp) and node.op == "/":
        right_operands.append(node.right)
        node = node.left
    for piece in [node, *right_operands]:
        if any(isinstance(n, BinOp) and n.op == "/" for n in _bar_nodes(piece)):
            raise FormulaError(f"unparseable formula for grouping factor: {deparse_excerpt(piece)}")
    return [node, *reversed(right_operands)]


def _nested_groups(spine: list) -> list:
    """lme4 ``makeInteraction``: ``[a, b, c]`` -> ``c:(b:a)``, ``b:a``, ``a``."""
    groups = [spine[0]]
    for inner in spine[1:]:
        groups.append(BinOp(":", inner, groups[-1]))
    return groups[::-1]


def find_bars(rhs) -> list[Bar]:
    """The random-effects terms of a formula's right-hand side (lme4 ``findbars``).

    ``||`` terms are expanded first and ``/`` in grouping expressions is expanded
    the way lme4 does: ``(1 | a/b)`` gives ``(1 | b:a)`` then ``(1 | a)``;
    ``a/b/c`` gives ``c:(b:a)``, ``b:a``, ``a``.  A bar without parentheses is a
    term too: ``x1 + x2 | ff`` gives ``x1 + x2 | ff``.

    Parameters
    ----------
    rhs : Node or Formula
        The right-hand side (a Formula's ``rhs`` is used).

    Returns
    -------
    list of Bar
        In lme4's order.

    Raises
    ------
    FormulaError
        For a bar inside another bar's term or an unparseable nesting expression.
    """
    if isinstance(rhs, Formula):
        rhs = rhs.rhs
    check_bars(rhs)
    bars = []
    for bar in _top_bars(expand_double_verts(rhs)):
        spine = _slash_spine(bar.right)
        if spine is None:
            bars.append(Bar(bar.left, bar.right))
        else:
            bars.extend(Bar(bar.left, g) for g in _nested_groups(spine))
    return bars


# --- nobars / subbars -------------------------------------------------------------------


def _no_bars(root):
    """lme4 ``nobars_``: drop bar terms; None when nothing is left.

    A bar (possibly in parentheses) disappears; an operator losing one operand becomes
    the other one (``x + (1 | g)`` -> ``x``), a unary operator or parentheses losing
    theirs disappear too.  Unchanged subtrees are kept as they are.
    """

    def replace(node):
        return None if is_bar(node) else _DESCEND

    def combine(node, operands: list):
        if isinstance(node, BinOp) and (operands[0] is None or operands[1] is None):
            return operands[1] if operands[0] is None else operands[0]
        if operands[0] is None:
            return None
        return _with_operands(node, operands)

    return _map_operators(root, replace, combine)


def no_bars(formula: Formula) -> Formula:
    """The fixed-effects part of a formula (lme4 ``nobars``).

    ``y ~ x + (1 | g)`` -> ``y ~ x``; ``y ~ (1 | g)`` -> ``y ~ 1``;
    ``y ~ 0 + (1 | g)`` -> ``y ~ 0``; ``y ~ x | g`` -> ``y ~ 1`` (the whole
    right-hand side is one random term).
    """
    check_bars(formula.rhs, formula.text)
    rhs = _no_bars(formula.rhs)
    if rhs is None:
        rhs = Num(1.0, "1")
    return Formula(formula.lhs, rhs)


def sub_bars(formula: Formula) -> Formula:
    """Replace ``|`` and ``||`` by ``+`` (lme4 ``subbars``): the model-frame formula.

    ``Reaction ~ Days + (Days | Subject)`` -> ``Reaction ~ Days + (Days + Subject)``;
    ``y ~ x | g`` -> ``y ~ x + g``.
    """
    check_bars(formula.rhs, formula.text)

    def combine(node, operands: list):
        if _is_bar_op(node):
            return BinOp("+", operands[0], operands[1], pos=node.pos)
        return _with_operands(node, operands)

    return Formula(formula.lhs, _map_operators(formula.rhs, lambda node: _DESCEND, combine))


def grouping_name(group) -> str:
    """The name lme4 gives a grouping factor: its deparsed expression (``"b:a"``)."""
    return deparse(group)
