"""R source -> a small immutable syntax tree (tree-sitter's R grammar; no R needed).

R's own parser (``parse()`` / ``getParseData()``) is the reference; ``migrate`` uses
tree-sitter's R grammar (tree-sitter-language-pack) so that translating a script needs
no R installation.  ``tests/migrate/test_parser_agreement.py`` measures the agreement of
the two parsers on every fixture and test script (top-level expression count, line
spans and the names of every call); see :mod:`pylme.migrate` for the numbers.

The tree-sitter tree is converted once into :class:`RNode` values (frozen, picklable,
detached from the C tree), so rules can build new nodes (pipe rewriting) and compare
them freely.  The conversion walks the tree with an explicit stack: the depth of a
script's nesting never drives Python's recursion.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator

from ..errors import PylmeError

__all__ = ["Arg", "RNode", "RSyntaxError", "parse_r", "synth_call", "synth_identifier"]


class RSyntaxError(PylmeError, ValueError):
    """The R source does not parse (R: ``parse()`` error ``unexpected ...``)."""


@dataclass(frozen=True)
class Arg:
    """One argument of a call or of ``[``/``[[``: ``name = value``.

    ``name`` is None for a positional argument; ``value`` is None for an empty
    argument (``df[, 1]``'s first slot, ``f(a = )``).
    """

    name: str | None
    value: "RNode | None"


@dataclass(frozen=True)
class RNode:
    """One node of the R syntax tree.

    Attributes
    ----------
    type : str
        tree-sitter's node type (``call``, ``binary_operator``, ``identifier``,
        ``float``, ``string``, ``subset``, ``subset2``, ``extract_operator``,
        ``namespace_operator``, ``function_definition``, ``braced_expression``,
        ``if_statement``, ``for_statement``, ``comment``, ...).
    text : str
        The node's source text, exactly as written.
    line, end_line : int
        1-based first and last source lines.
    fields : tuple of (str, RNode)
        Named children by grammar field (``lhs``, ``rhs``, ``function``, ``body``, ...).
    children : tuple of RNode
        Every named child in source order (comments included).
    op : str or None
        The operator of ``binary_operator`` / ``unary_operator`` / ``extract_operator``
        / ``namespace_operator`` nodes (``"<-"``, ``"%>%"``, ``"$"``, ``"::"``, ...).
    args : tuple of Arg
        Arguments of ``call``, ``subset`` (``x[...]``) and ``subset2`` (``x[[...]]``).
    params : tuple of (str, RNode or None)
        Parameters of ``function_definition`` (name, default).
    deparse : str or None
        R's text for a node a pipe rewrite put in place of magrittr's ``.``: R sees
        ``.`` there (``lmer(..., data = .)`` prints ``Data: .``).
    """

    type: str
    text: str
    line: int
    end_line: int
    fields: tuple[tuple[str, "RNode"], ...] = ()
    children: tuple["RNode", ...] = ()
    op: str | None = None
    args: tuple[Arg, ...] = ()
    params: tuple[tuple[str, "RNode | None"], ...] = ()
    col: int = field(default=0, compare=False)
    #: how R deparses the value where a rewrite substituted it (magrittr's ``.``)
    deparse: str | None = field(default=None, compare=False)

    def field(self, name: str) -> "RNode | None":
        """The child stored under grammar field ``name`` (None if absent)."""
        for key, node in self.fields:
            if key == name:
                return node
        return None

    @property
    def is_comment(self) -> bool:
        return self.type == "comment"

    def walk(self) -> Iterator["RNode"]:
        """Every node of the subtree, pre-order, without recursion."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))
            # a call's argument values are held in ``args``, not ``children``
            stack.extend(a.value for a in reversed(node.args) if a.value is not None)

    def call_name(self) -> str | None:
        """``f`` for ``f(...)``, ``pkg::f`` for ``pkg::f(...)``; None otherwise."""
        if self.type != "call":
            return None
        fn = self.field("function")
        if fn is None:
            return None
        if fn.type in ("identifier", "string", "return"):
            return unquote_name(fn.text)
        if fn.type == "namespace_operator":
            return fn.text.replace(" ", "")
        return None


def unquote_name(text: str) -> str:
    """A name as R reads it: backticks and quotes dropped."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "`'\"":
        return text[1:-1]
    return text


def synth_identifier(name: str, like: RNode) -> RNode:
    """An identifier node not present in the source (placed at ``like``'s lines)."""
    return RNode("identifier", name, like.line, like.end_line)


def synth_call(function: RNode, args: tuple[Arg, ...], like: RNode) -> RNode:
    """A ``call`` node built by a rewrite (pipes): ``function(args)``."""
    children = (function,)
    text = f"{function.text}({', '.join(_arg_text(a) for a in args)})"
    return RNode("call", text, like.line, like.end_line, fields=(("function", function),),
                 children=children, args=args)


def _arg_text(arg: Arg) -> str:
    value = "" if arg.value is None else arg.value.text
    return value if arg.name is None else f"{arg.name} = {value}"


def _collect_args(ts_args, converted) -> tuple[Arg, ...]:
    """Arguments of a tree-sitter ``arguments`` node, empty slots included."""
    out: list[Arg] = []
    pending = False  # a slot opened (by "(" or ",") and not yet filled
    for child in ts_args.children:
        if child.type in ("(", "[", "[["):
            pending = True
        elif child.type == "comma":
            if pending:
                out.append(Arg(None, None))
            pending = True
        elif child.type == "argument":
            name_node = child.child_by_field_name("name")
            value_node = child.child_by_field_name("value")
            name = None if name_node is None else unquote_name(name_node.text.decode())
            value = None if value_node is None else converted[value_node.id]
            out.append(Arg(name, value))
            pending = False
        elif child.type in (")", "]", "]]"):
            if pending and out:
                out.append(Arg(None, None))  # trailing empty slot: x[1, ]
            pending = False
    return tuple(out)


def _convert(root) -> RNode:
    """tree-sitter node -> RNode, post-order with an explicit stack."""
    converted: dict[int, RNode] = {}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            stack.append((node, True))
            for child in reversed(node.children):
                if child.is_named:
                    stack.append((child, False))
                elif child.type == "argument":
                    stack.append((child, False))
            continue
        kids = [c for c in node.children if c.is_named]
        fields = []
        for i, child in enumerate(node.children):
            fname = node.field_name_for_child(i)
            if fname and child.is_named and fname not in ("open", "close"):
                fields.append((fname, converted[child.id]))
        op = None
        if node.type in ("binary_operator", "unary_operator", "extract_operator",
                         "namespace_operator"):
            opnode = node.child_by_field_name("operator")
            op = opnode.text.decode() if opnode is not None else None
        args: tuple[Arg, ...] = ()
        params: tuple = ()
        children = tuple(converted[c.id] for c in kids)
        if node.type in ("call", "subset", "subset2"):
            ts_args = node.child_by_field_name("arguments")
            if ts_args is not None:
                args = _collect_args(ts_args, converted)
                children = tuple(converted[c.id] for c in kids if c.type != "arguments")
                children += tuple(c for c in converted[ts_args.id].children if c.is_comment)
        if node.type == "function_definition":
            ts_params = node.child_by_field_name("parameters")
            plist = []
            if ts_params is not None:
                for p in ts_params.children:
                    if p.type == "parameter":
                        pname = p.child_by_field_name("name")
                        pdef = p.child_by_field_name("default")
                        plist.append((unquote_name(pname.text.decode()),
                                      None if pdef is None else converted[pdef.id]))
            params = tuple(plist)
        if node.type == "argument":
            children = tuple(converted[c.id] for c in kids)
        converted[node.id] = RNode(
            node.type, node.text.decode("utf-8"), node.start_point[0] + 1,
            node.end_point[0] + 1, tuple(fields), children, op, args, params,
            col=node.start_point[1])
    return converted[root.id]


def parse_r(source: str) -> RNode:
    """Parse R source text into a ``program`` :class:`RNode`.

    Raises
    ------
    RSyntaxError
        If tree-sitter finds a syntax error (the message names the first line).
    """
    from tree_sitter_language_pack import get_parser

    tree = get_parser("r").parse(source.encode("utf-8"))
    root = tree.root_node
    if root.has_error:
        line = _first_error_line(root)
        raise RSyntaxError(f"<text>:{line}: unexpected input (R syntax error)")
    return _convert(root)


def _first_error_line(root) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed(node.children))
    return root.start_point[0] + 1


def with_args(node: RNode, args: tuple[Arg, ...]) -> RNode:
    """A copy of a call node with other arguments (rules rewriting a call)."""
    return replace(node, args=args)
