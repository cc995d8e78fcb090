"""Random-effects ("bar") terms of a formula (lme4: ``findbars``, ``nobars``,
``subbars``, ``expandDoubleVerts``, ``expandSlash`` in ``R/utilities.R``, 1.1-31).

A random-effects term is ``(lhs | group)``; ``(lhs || group)`` is shorthand for
uncorrelated terms and is expanded first; ``group`` may use ``/`` for nesting
(``a/b`` -> ``b:a`` and ``a``).

Deliberate deviations from lme4 (documented, each one turns a silent surprise or an
obscure failure into a clear result):

* A bar that is not enclosed in parentheses, such as ``y ~ x | g``, raises
  :class:`~pylme.errors.FormulaError` (lme4 silently reads it as ``(x | g)`` and
  drops ``x`` from the fixed effects).
* A bar inside a function call (``I(a | b)``) is R's logical "or", not a
  random-effects term; lme4 would treat it as a bar.
* ``(1 || g)`` expands to ``(1 | g)`` (lme4 1.1-31 fails with a parse error).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import FormulaError
from .ast import BinOp, Formula, Num, Paren, UnaryOp, strip_parens
from .deparse import deparse
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


def _operands(node) -> tuple:
    """Sub-nodes the bar helpers descend into: operators and parentheses, not calls."""
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, UnaryOp):
        return (node.operand,)
    if isinstance(node, Paren):
        return (node.expr,)
    return ()


def check_bars(rhs, formula_text: str = "") -> None:
    """Raise FormulaError for a bar that is not written inside parentheses.

    lme4 accepts ``y ~ x | g`` and reads it as ``y ~ (x | g)``; pylme rejects it
    because the fixed-effect ``x`` silently disappears.
    """

    def visit(node, parenthesised: bool) -> None:
        if isinstance(node, BinOp) and node.op in _BARS:
            if not parenthesised:
                text = deparse(node)
                raise FormulaError(
                    f"random-effects terms must be in parentheses: write ({text})"
                    + (f" in '{formula_text}'" if formula_text else "")
                )
            for side in (node.left, node.right):
                if any(isinstance(n, BinOp) and n.op in _BARS for n in _bar_nodes(side)):
                    raise FormulaError(f"a random-effects term may contain only one '|': ({deparse(node)})")
            return
        for child in _operands(node):
            visit(child, isinstance(node, Paren))

    visit(rhs, False)


def _bar_nodes(node):
    yield node
    for child in _operands(node):
        yield from _bar_nodes(child)


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
        raise FormulaError(f"the random-effects term ({deparse(node)}) has no terms")
    return _plus_chain(pieces)


def expand_double_verts(node):
    """Expand every ``(lhs || g)`` into uncorrelated terms (lme4 ``expandDoubleVerts``).

    The ``||`` node is replaced by a parenthesised sum of bars, so that
    ``Days + (Days || Subject)`` becomes ``Days + ((1 | Subject) + (0 + Days | Subject))``
    — lme4's stored formula.  The new terms come from ``terms(~lhs)``'s labels
    (interactions survive); ``(1 | g)`` is added when ``~lhs`` has an intercept.
    """
    if isinstance(node, BinOp):
        if node.op == "||":
            return _expand_double_vert(node)
        return BinOp(node.op, expand_double_verts(node.left), expand_double_verts(node.right), pos=node.pos)
    if isinstance(node, UnaryOp):
        return UnaryOp(node.op, expand_double_verts(node.operand), pos=node.pos)
    if isinstance(node, Paren):
        return Paren(expand_double_verts(node.expr), pos=node.pos)
    return node


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


def _collect_bars(node, out: list) -> None:
    """lme4 ``findbars``' inner ``fb``: bars in left-to-right order."""
    if isinstance(node, BinOp) and node.op in _BARS:
        out.append(node)
        return
    for child in _operands(node):
        _collect_bars(child, out)


def _slash_terms(node):
    """lme4 ``slashTerms``: ``a/b/c`` -> nested list ``[[a, b], c]``; a leaf otherwise."""
    if not any(isinstance(n, BinOp) and n.op == "/" for n in _bar_nodes(node)):
        return node
    if not (isinstance(node, BinOp) and node.op == "/"):
        raise FormulaError(f"unparseable formula for grouping factor: {deparse(node)}")
    return [_slash_terms(node.left), _slash_terms(node.right)]


def _make_interaction(x):
    """lme4 ``makeInteraction``: ``[[a, b], c]`` -> ``[c:(b:a), [b:a, a]]``."""
    if not isinstance(x, list):
        return x
    first = _make_interaction(x[0])
    head = first[0] if isinstance(first, list) else first
    return [BinOp(":", x[1], head), first]


def _flatten(x) -> list:
    if isinstance(x, list):
        return [leaf for item in x for leaf in _flatten(item)]
    return [x]


def find_bars(rhs) -> list[Bar]:
    """The random-effects terms of a formula's right-hand side (lme4 ``findbars``).

    ``||`` terms are expanded first and ``/`` in grouping expressions is expanded
    the way lme4 does: ``(1 | a/b)`` gives ``(1 | b:a)`` then ``(1 | a)``;
    ``a/b/c`` gives ``c:(b:a)``, ``b:a``, ``a``.

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
        For a bar outside parentheses or an unparseable nesting expression.
    """
    if isinstance(rhs, Formula):
        rhs = rhs.rhs
    check_bars(rhs)
    found: list = []
    _collect_bars(expand_double_verts(rhs), found)
    bars = []
    for bar in found:
        nested = _slash_terms(bar.right)
        if isinstance(nested, list):
            bars.extend(Bar(bar.left, g) for g in _flatten(_make_interaction(nested)))
        else:
            bars.append(Bar(bar.left, bar.right))
    return bars


# --- nobars / subbars -------------------------------------------------------------------


def _no_bars(node):
    """lme4 ``nobars_``: drop bar terms; None when nothing is left."""
    if not any(isinstance(n, BinOp) and n.op in _BARS for n in _bar_nodes(node)):
        return node
    if is_bar(node):
        return None
    if isinstance(node, UnaryOp):
        inner = _no_bars(node.operand)
        return None if inner is None else UnaryOp(node.op, inner, pos=node.pos)
    if isinstance(node, Paren):
        inner = _no_bars(node.expr)
        return None if inner is None else Paren(inner, pos=node.pos)
    left, right = _no_bars(node.left), _no_bars(node.right)
    if left is None:
        return right
    if right is None:
        return left
    return BinOp(node.op, left, right, pos=node.pos)


def no_bars(formula: Formula) -> Formula:
    """The fixed-effects part of a formula (lme4 ``nobars``).

    ``y ~ x + (1 | g)`` -> ``y ~ x``; ``y ~ (1 | g)`` -> ``y ~ 1``;
    ``y ~ 0 + (1 | g)`` -> ``y ~ 0``.
    """
    check_bars(formula.rhs, formula.text)
    rhs = _no_bars(formula.rhs)
    if rhs is None:
        rhs = Num(1.0, "1")
    return Formula(formula.lhs, rhs)


def _sub_bars(node):
    if isinstance(node, BinOp):
        op = "+" if node.op in _BARS else node.op
        return BinOp(op, _sub_bars(node.left), _sub_bars(node.right), pos=node.pos)
    if isinstance(node, UnaryOp):
        return UnaryOp(node.op, _sub_bars(node.operand), pos=node.pos)
    if isinstance(node, Paren):
        return Paren(_sub_bars(node.expr), pos=node.pos)
    return node


def sub_bars(formula: Formula) -> Formula:
    """Replace ``|`` and ``||`` by ``+`` (lme4 ``subbars``): the model-frame formula.

    ``Reaction ~ Days + (Days | Subject)`` -> ``Reaction ~ Days + (Days + Subject)``.
    """
    check_bars(formula.rhs, formula.text)
    return Formula(formula.lhs, _sub_bars(formula.rhs))


def grouping_name(group) -> str:
    """The name lme4 gives a grouping factor: its deparsed expression (``"b:a"``)."""
    return deparse(group)
