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

Trees may be deep: R's parser accepts about 10,000 nested unary operators and
left-associative chains of any length (``x1 + x2 + ... + x100000`` is a tree 100,000
levels deep).  Equality, hashing, ``repr`` and pickling are therefore implemented
with explicit stacks (the dataclass-generated versions recurse once per level and
would hit Python's recursion limit); every walker in :mod:`pylme.formula` does the
same.
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
    "children",
    "walk",
    "strip_parens",
]

#: Identifiers that R parses as constants rather than symbols.
RESERVED_CONSTANTS = frozenset({"TRUE", "FALSE", "NA", "NULL", "Inf", "NaN"})


class _Node:
    """Iterative equality, hashing, ``repr`` and pickling shared by every node kind.

    Subclasses define ``_key()`` (their own comparable values, ``pos`` excluded),
    ``_kids()`` (their sub-nodes in source order), ``_repr_pieces()`` (what
    ``repr`` shows: strings and sub-nodes), ``_scalars()`` (their own values for
    pickling) and ``_rebuild(scalars, kids, pos)`` (the inverse of ``_scalars``).
    """

    __slots__ = ()

    def __eq__(self, other) -> bool:
        if not isinstance(other, _Node):
            return NotImplemented
        stack = [(self, other)]
        while stack:
            a, b = stack.pop()
            if a is b:
                continue
            if a.__class__ is not b.__class__:
                return False
            ha, hb = a.__dict__.get("_hash"), b.__dict__.get("_hash")
            if ha is not None and hb is not None and ha != hb:
                return False
            if a._key() != b._key():
                return False
            ka, kb = a._kids(), b._kids()
            if len(ka) != len(kb):
                return False
            stack.extend(zip(ka, kb))
        return True

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        cached = self.__dict__.get("_hash")
        if cached is not None:
            return cached
        # post-order: a node's hash is computed once its children's are cached
        stack = [(self, False)]
        while stack:
            node, ready = stack.pop()
            if "_hash" in node.__dict__:
                continue
            kids = node._kids()
            if ready or not kids:
                value = hash((node.__class__.__name__, node._key(), tuple(k.__dict__["_hash"] for k in kids)))
                object.__setattr__(node, "_hash", value)
            else:
                stack.append((node, True))
                stack.extend((k, False) for k in kids if "_hash" not in k.__dict__)
        return self.__dict__["_hash"]

    def __repr__(self) -> str:
        # the dataclass layout (``BinOp(op='+', left=Name(id='x'), ...)``), emitted piece by
        # piece from a work stack: linear in the size of the tree, whatever its depth
        out: list[str] = []
        stack: list = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
            else:
                stack.extend(reversed(item._repr_pieces()))
        return "".join(out)

    def __reduce__(self):
        # one flat post-order list, so pickle and deepcopy never recurse per level
        entries = []
        stack = [(self, False)]
        while stack:
            node, ready = stack.pop()
            kids = node._kids()
            if ready or not kids:
                entries.append((node.__class__.__name__, node._scalars(), len(kids), node.pos))
            else:
                stack.append((node, True))
                stack.extend((k, False) for k in reversed(kids))
        return (_from_flat, (tuple(entries),))


def _from_flat(entries: tuple):
    """Rebuild a tree from :meth:`_Node.__reduce__`'s post-order list."""
    built: list = []
    for kind, scalars, nkids, pos in entries:
        kids = tuple(built[len(built) - nkids:]) if nkids else ()
        if nkids:
            del built[len(built) - nkids:]
        built.append(_KINDS[kind]._rebuild(scalars, kids, pos))
    return built[0]


@dataclass(frozen=True, eq=False, repr=False)
class Name(_Node):
    """A symbol (R: ``as.name("Days")``); ``id`` is unquoted (no backticks)."""

    id: str
    pos: int = field(default=-1, compare=False, repr=False)

    def _key(self):
        return self.id

    def _kids(self) -> tuple:
        return ()

    def _scalars(self) -> tuple:
        return (self.id,)

    def _repr_pieces(self) -> list:
        return [f"Name(id={self.id!r})"]

    @classmethod
    def _rebuild(cls, scalars, kids, pos):
        return cls(scalars[0], pos=pos)


@dataclass(frozen=True, eq=False, repr=False)
class Num(_Node):
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

    def _key(self):
        return (self.value, self.is_integer)

    def _kids(self) -> tuple:
        return ()

    def _scalars(self) -> tuple:
        return (self.value, self.text)

    def _repr_pieces(self) -> list:
        return [f"Num(value={self.value!r}, text={self.text!r}, is_integer={self.is_integer!r})"]

    @classmethod
    def _rebuild(cls, scalars, kids, pos):
        return cls(scalars[0], scalars[1], pos=pos)


@dataclass(frozen=True, eq=False, repr=False)
class Str(_Node):
    """A character constant (R: ``"a"`` or ``'a'``)."""

    value: str
    pos: int = field(default=-1, compare=False, repr=False)

    def _key(self):
        return self.value

    def _kids(self) -> tuple:
        return ()

    def _scalars(self) -> tuple:
        return (self.value,)

    def _repr_pieces(self) -> list:
        return [f"Str(value={self.value!r})"]

    @classmethod
    def _rebuild(cls, scalars, kids, pos):
        return cls(scalars[0], pos=pos)


@dataclass(frozen=True, eq=False, repr=False)
class Call(_Node):
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

    def _key(self):
        return (self.func, len(self.args), tuple(k for k, _ in self.kwargs))

    def _kids(self) -> tuple:
        return tuple(self.args) + tuple(v for _, v in self.kwargs)

    def _scalars(self) -> tuple:
        return (self.func, len(self.args), tuple(k for k, _ in self.kwargs))

    def _repr_pieces(self) -> list:
        pieces: list = [f"Call(func={self.func!r}, args=("]
        for i, arg in enumerate(self.args):
            pieces += [", "] if i else []
            pieces.append(arg)
        pieces.append(",), kwargs=(" if len(self.args) == 1 else "), kwargs=(")
        for i, (k, v) in enumerate(self.kwargs):
            pieces += [", "] if i else []
            pieces += [f"({k!r}, ", v, ")"]
        pieces.append(",))" if len(self.kwargs) == 1 else "))")
        return pieces

    @classmethod
    def _rebuild(cls, scalars, kids, pos):
        func, nargs, names = scalars
        return cls(func, tuple(kids[:nargs]), tuple(zip(names, kids[nargs:])), pos=pos)


@dataclass(frozen=True, eq=False, repr=False)
class BinOp(_Node):
    """A binary operator call; ``op`` is R's spelling (``"+"``, ``"%in%"``, ``"||"``)."""

    op: str
    left: "Node"
    right: "Node"
    pos: int = field(default=-1, compare=False, repr=False)

    def _key(self):
        return self.op

    def _kids(self) -> tuple:
        return (self.left, self.right)

    def _scalars(self) -> tuple:
        return (self.op,)

    def _repr_pieces(self) -> list:
        return [f"BinOp(op={self.op!r}, left=", self.left, ", right=", self.right, ")"]

    @classmethod
    def _rebuild(cls, scalars, kids, pos):
        return cls(scalars[0], kids[0], kids[1], pos=pos)


@dataclass(frozen=True, eq=False, repr=False)
class UnaryOp(_Node):
    """A unary operator call: ``-``, ``+``, ``!`` or ``~``."""

    op: str
    operand: "Node"
    pos: int = field(default=-1, compare=False, repr=False)

    def _key(self):
        return self.op

    def _kids(self) -> tuple:
        return (self.operand,)

    def _scalars(self) -> tuple:
        return (self.op,)

    def _repr_pieces(self) -> list:
        return [f"UnaryOp(op={self.op!r}, operand=", self.operand, ")"]

    @classmethod
    def _rebuild(cls, scalars, kids, pos):
        return cls(scalars[0], kids[0], pos=pos)


@dataclass(frozen=True, eq=False, repr=False)
class Paren(_Node):
    """Explicit parentheses (R keeps them as a call of ``(``)."""

    expr: "Node"
    pos: int = field(default=-1, compare=False, repr=False)

    def _key(self):
        return None

    def _kids(self) -> tuple:
        return (self.expr,)

    def _scalars(self) -> tuple:
        return ()

    def _repr_pieces(self) -> list:
        return ["Paren(expr=", self.expr, ")"]

    @classmethod
    def _rebuild(cls, scalars, kids, pos):
        return cls(kids[0], pos=pos)


_KINDS = {cls.__name__: cls for cls in (Name, Num, Str, Call, BinOp, UnaryOp, Paren)}

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
    return node._kids() if isinstance(node, _Node) else ()


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
