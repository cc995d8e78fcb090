"""Syntax tree of an R model formula (R: the ``language`` objects a formula is made of).

Every node is a frozen dataclass, so trees are hashable values that can be compared,
used as dictionary keys and shared freely.  Each node records ``pos``, the 0-based
character offset in the formula text where it starts; ``pos`` is excluded from
equality and hashing, so ``parse("a + b").rhs == parse("a  +  b").rhs``.

Node kinds and their R counterparts:

==========  =========================================  =====================
node        R object                                   example
==========  =========================================  =====================
``Name``    symbol                                     ``Days``, ```a b```
``Num``     numeric constant (double or ``L`` integer) ``2``, ``0.5``, ``2L``
``Str``     character constant                         ``"a"``
``Call``    call of a named function                   ``log(x, base = 2)``
``BinOp``   call of a binary operator                  ``a + b``, ``x | g``
``UnaryOp`` call of a unary operator                   ``-x``, ``!x``, ``~x``
``Paren``   call of ``(``                              ``(1 | g)``
==========  =========================================  =====================

R's constants ``TRUE``, ``FALSE``, ``NA``, ``NULL``, ``Inf`` and ``NaN`` are
represented as :class:`Name` nodes with that identifier; the evaluator gives them
their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

__all__ = [
    "Node",
    "Name",
    "Num",
    "Str",
    "Call",
    "BinOp",
    "UnaryOp",
    "Paren",
    "Formula",
    "RESERVED_CONSTANTS",
    "walk",
    "strip_parens",
]

#: Identifiers that R parses as constants rather than symbols.
RESERVED_CONSTANTS = frozenset({"TRUE", "FALSE", "NA", "NULL", "Inf", "NaN"})


@dataclass(frozen=True)
class Name:
    """A symbol (R: ``as.name("Days")``); ``id`` is unquoted (no backticks)."""

    id: str
    pos: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class Num:
    """A numeric constant.

    Attributes
    ----------
    value : float
        The value R's parser would give it (``0x10`` is 16).
    text : str
        The source text (excluded from equality: ``1.0`` and ``1`` are the same
        constant, as in R).
    is_integer : bool
        True for an R integer literal such as ``2L`` (deparsed with its ``L``);
        derived from ``text``.  ``2L`` and ``2`` differ, as ``identical(2L, 2)`` does.
    """

    value: float
    text: str = field(default="", compare=False)
    pos: int = field(default=-1, compare=False, repr=False)
    is_integer: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        integer = (
            self.text.endswith("L")
            and float(self.value).is_integer()
            and abs(self.value) <= 2**31 - 1
        )
        object.__setattr__(self, "is_integer", integer)


@dataclass(frozen=True)
class Str:
    """A character constant (R: ``"a"`` or ``'a'``)."""

    value: str
    pos: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class Call:
    """A call of a named function (R: ``f(a, b = c)``).

    Attributes
    ----------
    func : str
        The function's name.
    args : tuple of Node
        Positional arguments, in order.
    kwargs : tuple of (str, Node)
        Named arguments, in order.  R keeps positional and named arguments in one
        list; pylme only needs them separately (the functions it evaluates take their
        named arguments after their positional ones).
    """

    func: str
    args: tuple = ()
    kwargs: tuple = ()
    pos: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class BinOp:
    """A binary operator call; ``op`` is R's spelling (``"+"``, ``"%in%"``, ``"||"``)."""

    op: str
    left: "Node"
    right: "Node"
    pos: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class UnaryOp:
    """A unary operator call: ``-``, ``+``, ``!`` or ``~``."""

    op: str
    operand: "Node"
    pos: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class Paren:
    """Explicit parentheses (R keeps them as a call of ``(``)."""

    expr: "Node"
    pos: int = field(default=-1, compare=False, repr=False)


Node = Union[Name, Num, Str, Call, BinOp, UnaryOp, Paren]


@dataclass(frozen=True)
class Formula:
    """A parsed model formula ``lhs ~ rhs`` (``lhs`` is None for ``~ rhs``).

    Attributes
    ----------
    lhs : Node or None
        The response expression.
    rhs : Node
        The model terms.
    text : str
        The text the formula was parsed from (empty for constructed formulas);
        excluded from equality.
    """

    lhs: "Node | None"
    rhs: "Node"
    text: str = field(default="", compare=False, repr=False)


def children(node: Node) -> tuple:
    """The direct sub-nodes of ``node``, in source order."""
    if isinstance(node, Call):
        return tuple(node.args) + tuple(v for _, v in node.kwargs)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, UnaryOp):
        return (node.operand,)
    if isinstance(node, Paren):
        return (node.expr,)
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and all its descendants in pre-order (R: ``all.names`` order)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def strip_parens(node: Node) -> Node:
    """Remove any number of enclosing :class:`Paren` nodes."""
    while isinstance(node, Paren):
        node = node.expr
    return node
