"""Parse formula text into a syntax tree with R's grammar (R: ``parse()``, ``gram.y``).

The text is tokenised and parsed by precedence climbing; nothing is ever handed to
Python's ``eval``.  Precedence and associativity follow R's ``?Syntax`` (lowest
first)::

    ~                 left      (also unary)
    | ||              left
    & &&              left
    !                 unary
    == != < > <= >=   non-associative (``a < b < c`` is a syntax error)
    + -               left
    * /               left
    %any%             left      (%in%, %%, %/%, ...)
    :                 left
    + -               unary
    ^                 right     (``**`` is read as ``^``, as R does)

Not supported (a :class:`~pylme.errors.FormulaSyntaxError` names them): assignment,
``$``, ``@``, ``[``, ``::``, ``function``, control flow, complex literals.

Size limits are R's own (see ``_MAX_CONTEXT`` and ``_MAX_SYMBOLS``): at most 50
nested parentheses or calls, and about 10,000 pending symbols on R's parser stack
(9997 unary operators in a row); a left-associative chain such as
``x1 + x2 + ... + x100000`` has no limit.  The parser is iterative, so these limits
and not Python's recursion limit decide what parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import FormulaError, FormulaSyntaxError
from .ast import BinOp, Call, Formula, Name, Num, Paren, Str, UnaryOp, walk

__all__ = ["parse_formula", "parse_expression"]

# Binding powers of binary operators: (power, right-associative).
_BINARY = {
    "~": (1, False),
    "|": (2, False),
    "||": (2, False),
    "&": (3, False),
    "&&": (3, False),
    "==": (5, False),
    "!=": (5, False),
    "<": (5, False),
    ">": (5, False),
    "<=": (5, False),
    ">=": (5, False),
    "+": (6, False),
    "-": (6, False),
    "*": (7, False),
    "/": (7, False),
    "%": (8, False),  # any %op%; the token text keeps the full operator
    ":": (9, False),
    "^": (11, True),
}
_COMPARISON_POWER = 5
_UNARY_POWER = {"~": 1, "!": 4, "-": 10, "+": 10}

_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+L?"
    r"|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?L?"
)
_OPERATORS = (
    "||", "&&", "==", "!=", "<=", ">=", "**", "<-", "<<-", "->", "::", "[[",
    "~", "+", "-", "*", "/", "^", ":", "|", "&", "<", ">", "!", "(", ")", ",", "=",
    "$", "@", "[", "]", "{", "}", "?", ";",
)
_UNSUPPORTED = {
    "<-": "assignment", "<<-": "assignment", "->": "assignment", "::": "'::'",
    "$": "'$'", "@": "'@'", "[": "indexing", "[[": "indexing", "]": "indexing",
    "{": "braces", "}": "braces", "?": "'?'", ";": "';'",
}
_KEYWORDS = frozenset({"if", "else", "repeat", "while", "function", "for", "next", "break", "in"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'", "`": "`"}


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "str", "op", "end"
    text: str
    pos: int
    value: object = None


_DIGITS = "0123456789"


def _is_name_start(ch: str) -> bool:
    return ch.isalpha() or ch == "."


def _is_name_char(ch: str) -> bool:
    return ch.isalpha() or ch in _DIGITS or ch in "._"


class _Lexer:
    """Turns formula text into tokens; reports errors at their character offset."""

    def __init__(self, text: str):
        self.text = text
        self.i = 0

    def error(self, message: str, pos: int) -> FormulaSyntaxError:
        return _syntax_error(message, self.text, pos)

    def tokens(self) -> list[_Token]:
        out = []
        while True:
            token = self._next()
            out.append(token)
            if token.kind == "end":
                return out

    def _next(self) -> _Token:
        text = self.text
        while self.i < len(text) and text[self.i].isspace():
            self.i += 1
        start = self.i
        if start >= len(text):
            return _Token("end", "", start)
        ch = text[start]
        if ch in _DIGITS or (ch == "." and start + 1 < len(text) and text[start + 1] in _DIGITS):
            return self._number(start)
        if _is_name_start(ch):
            return self._name(start)
        if ch in "\"'":
            return self._string(start, ch, "str")
        if ch == "`":
            return self._string(start, ch, "name")
        if ch == "%":
            end = text.find("%", start + 1)
            if end < 0 or "\n" in text[start:end]:
                raise self.error("unterminated %op% operator", start)
            self.i = end + 1
            return _Token("op", text[start:end + 1], start)
        for op in _OPERATORS:
            if text.startswith(op, start):
                self.i = start + len(op)
                if op == "**":
                    op = "^"  # R reads ** as ^
                if op in _UNSUPPORTED:
                    raise self.error(f"{_UNSUPPORTED[op]} is not supported in a formula", start)
                return _Token("op", op, start)
        raise self.error(f"unexpected input {ch!r}", start)

    def _number(self, start: int) -> _Token:
        m = _NUMBER.match(self.text, start)
        body = m.group(0)
        self.i = m.end()
        if self.i < len(self.text) and self.text[self.i] == "i":
            raise self.error("complex numbers are not supported in a formula", start)
        if self.i < len(self.text) and _is_name_char(self.text[self.i]):
            raise self.error("unexpected symbol", self.i)
        digits = body[:-1] if body.endswith("L") else body
        value = float(int(digits, 16)) if digits[:2].lower() == "0x" else float(digits)
        return _Token("num", body, start, value)

    def _name(self, start: int) -> _Token:
        j = start
        while j < len(self.text) and _is_name_char(self.text[j]):
            j += 1
        self.i = j
        word = self.text[start:j]
        if word in _KEYWORDS:
            raise self.error(f"'{word}' is not supported in a formula", start)
        return _Token("name", word, start, word)

    def _string(self, start: int, quote: str, kind: str) -> _Token:
        chars = []
        j = start + 1
        text = self.text
        while j < len(text) and text[j] != quote:
            if text[j] == "\\" and j + 1 < len(text):
                chars.append(_ESCAPES.get(text[j + 1], text[j + 1]))
                j += 2
            else:
                chars.append(text[j])
                j += 1
        if j >= len(text):
            what = "backquoted name" if kind == "name" else "string"
            raise self.error(f"unterminated {what}", start)
        self.i = j + 1
        value = "".join(chars)
        if kind == "name" and not value:
            raise self.error("attempt to use zero-length variable name", start)
        return _Token(kind, text[start:j + 1], start, value)


# R's parser limits (R 4.2 ``gram.y``).  Both are properties of R's grammar, so what R
# refuses pylme refuses, at the same size:
# * the lexer's context stack holds the open ``(`` of parentheses and calls: 50 deep
#   (``CONTEXTSTACK_SIZE``); the 51st nested ``(`` fails with "contextstack overflow";
# * bison's stack holds at most 10000 states (``YYMAXDEPTH``), i.e. 9998 grammar
#   symbols beside the start state and the one being pushed; deeper input fails
#   with "out of memory while parsing" (9997 unary minus signs before ``x`` parse,
#   9998 do not; ``x^x^...^x`` with 4999 ``x``).
# ``_Parser`` counts the symbols bison would hold (the pending operands, operators,
# parentheses and call arguments) as it goes, so both limits are checked at the
# token where R meets them.
_MAX_CONTEXT = 50
_MAX_SYMBOLS = 9998
_CONTEXT_MESSAGE = (
    "contextstack overflow at line 1: R's parser allows at most 50 nested parentheses "
    "or function calls"
)
_STACK_MESSAGE = (
    "out of memory while parsing: the formula nests deeper than R's parser allows "
    "(at most 10000 parser states, e.g. 9997 unary operators in a row)"
)
_EXCERPT = 60  # characters of context either side of an error in a long formula


def _syntax_error(message: str, text: str, pos: int) -> FormulaSyntaxError:
    """A FormulaSyntaxError whose caret display stays short for a very long formula."""
    if len(text) <= 2 * _EXCERPT + 20 or pos < 0:
        return FormulaSyntaxError(message, text, pos)
    lo = max(0, pos - _EXCERPT)
    hi = min(len(text), pos + _EXCERPT)
    head, tail = ("..." if lo else ""), ("..." if hi < len(text) else "")
    error = FormulaSyntaxError(message, head + text[lo:hi] + tail, pos - lo + len(head))
    error.formula, error.position = text, pos  # the attributes keep the whole text
    return error


# Continuations of the iterative parser: what to do with the expression parsed next.
# ``outer`` is the minimum binding power of the expression the frame belongs to.
@dataclass
class _BinFrame:
    left: object
    op: _Token
    outer: int


@dataclass
class _UnaryFrame:
    op: _Token
    outer: int


@dataclass
class _ParenFrame:
    open: _Token
    outer: int


@dataclass
class _CallFrame:
    name: _Token
    outer: int
    args: list
    kwargs: list
    keyword: str | None = None


class _Parser:
    """Precedence climbing with an explicit stack of continuations (no recursion).

    Python recursion would fail long before R's own limits (9997 nested unary
    operators, 50 nested parentheses); the frames :meth:`expression` keeps in a list
    are what the recursive formulation keeps on the call stack, and ``self.symbols``
    counts what R's LALR parser keeps on its stack for the same input.
    """

    def __init__(self, text: str):
        self.text = text
        self.tokens = _Lexer(text).tokens()
        self.k = 0
        self.symbols = 0  # grammar symbols on R's parser stack
        self.contexts = 0  # open '(' on R's lexer context stack

    @property
    def tok(self) -> _Token:
        return self.tokens[self.k]

    def error(self, message: str, pos: int | None = None) -> FormulaSyntaxError:
        return _syntax_error(message, self.text, self.tok.pos if pos is None else pos)

    def unexpected(self) -> FormulaSyntaxError:
        t = self.tok
        if t.kind == "end":
            return self.error("unexpected end of input")
        what = {"num": "numeric constant", "name": "symbol", "str": "string constant"}.get(t.kind)
        return self.error(f"unexpected {what}" if what else f"unexpected '{t.text}'")

    def advance(self) -> _Token:
        t = self.tok
        self.k += 1
        return t

    def expect(self, text: str) -> _Token:
        if self.tok.kind != "op" or self.tok.text != text:
            raise self.unexpected()
        return self.advance()

    def push(self, count: int, pos: int) -> None:
        """R's parser shifts ``count`` symbols at ``pos`` (bison: ``YYMAXDEPTH``)."""
        self.symbols += count
        if self.symbols > _MAX_SYMBOLS:
            raise self.error(_STACK_MESSAGE, pos)

    def open_context(self, pos: int) -> None:
        """R's lexer reads a '(' (``contextstack``)."""
        self.contexts += 1
        if self.contexts > _MAX_CONTEXT:
            raise self.error(_CONTEXT_MESSAGE, pos)

    def parse_all(self):
        if self.tok.kind == "end":
            raise self.error("empty formula")
        node = self.expression()
        if self.tok.kind != "end":
            raise self.unexpected()
        return node

    def expression(self):
        """One complete expression (binding power 0) starting at the current token."""
        frames: list = []
        power = 0  # minimum binding power of the expression being parsed
        while True:
            node = self.prefix(frames, power)
            if node is None:  # an opening frame was pushed: parse its first operand
                opened = frames[-1]
                power = _UNARY_POWER[opened.op.text] + 1 if isinstance(opened, _UnaryFrame) else 0
                continue
            while True:
                binding = self.binary_power(power)
                if binding is not None:  # node is the left operand of a binary operator
                    op_power, right_assoc = binding
                    frames.append(_BinFrame(node, self.tok, power))
                    self.push(1, self.tok.pos)
                    self.advance()
                    power = op_power if right_assoc else op_power + 1
                    break
                if not frames:
                    return node
                frame = frames.pop()
                power = frame.outer
                node = self.complete(frame, node, frames)
                if node is None:  # a call continues with its next argument
                    power = 0
                    break

    def binary_power(self, min_power: int):
        """(power, right_assoc) of the binary operator at the current token, when it binds."""
        t = self.tok
        if t.kind != "op":
            if t.kind == "end":
                return None
            raise self.unexpected()
        key = "%" if t.text.startswith("%") else t.text
        if key not in _BINARY or _BINARY[key][0] < min_power:
            return None
        return _BINARY[key]

    def complete(self, frame, node, frames: list):
        """Finish ``frame`` with its last operand ``node``; None when a call wants more."""
        if isinstance(frame, _BinFrame):
            if _BINARY["%" if frame.op.text.startswith("%") else frame.op.text][0] == _COMPARISON_POWER \
                    and self._next_is_comparison():
                raise self.unexpected()  # R: comparisons do not associate
            self.symbols -= 2  # expr op expr -> expr
            return BinOp(frame.op.text, frame.left, node, pos=frame.op.pos)
        if isinstance(frame, _UnaryFrame):
            self.symbols -= 1
            return UnaryOp(frame.op.text, node, pos=frame.op.pos)
        if isinstance(frame, _ParenFrame):
            close = self.expect(")")
            self.push(1, close.pos)  # '(' expr ')'
            self.symbols -= 2
            self.contexts -= 1
            if self.tok.kind == "op" and self.tok.text == "(":
                raise self.error("calling the result of an expression is not supported")
            return Paren(node, pos=frame.open.pos)
        return self.call_argument(frame, node, frames)

    def prefix(self, frames: list, power: int):
        """A leaf (returned), or an opening frame pushed on ``frames`` (None returned)."""
        t = self.tok
        if t.kind == "num":
            self.push(1, t.pos)
            self.advance()
            return Num(t.value, t.text, pos=t.pos)
        if t.kind == "str":
            self.push(1, t.pos)
            self.advance()
            return Str(t.value, pos=t.pos)
        if t.kind == "name":
            self.push(1, t.pos)
            self.advance()
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.open_call(t, frames, power)
            return Name(t.value, pos=t.pos)
        if t.kind == "op" and t.text in _UNARY_POWER:
            self.push(1, t.pos)
            self.advance()
            frames.append(_UnaryFrame(t, power))
            return None
        if t.kind == "op" and t.text == "(":
            self.open_context(t.pos)
            self.push(1, t.pos)
            self.advance()
            frames.append(_ParenFrame(t, power))
            return None
        raise self.unexpected()

    def open_call(self, name: _Token, frames: list, power: int):
        """``name(``: the call itself when it is empty, else a frame for its arguments."""
        paren = self.tok
        self.open_context(paren.pos)
        self.push(1, paren.pos)  # expr '('
        self.advance()
        if self.tok.kind == "op" and self.tok.text == ")":
            self.push(2, self.tok.pos)  # the empty argument list, then ')'
            self.advance()
            self.symbols -= 3
            self.contexts -= 1
            return Call(name.value, (), (), pos=name.pos)
        frame = _CallFrame(name, power, [], [])
        self.start_argument(frame)
        frames.append(frame)
        return None

    def start_argument(self, frame: _CallFrame) -> None:
        frame.keyword = self._keyword()
        if self.tok.kind == "op" and self.tok.text in (",", ")"):
            raise self.error("empty argument in a function call")

    def call_argument(self, frame: _CallFrame, value, frames: list):
        """Record one argument; return the Call at ')', or None (frame re-pushed) after ','."""
        if frame.keyword is not None:
            frame.kwargs.append((frame.keyword, value))
            self.symbols -= 2  # name '=' expr -> one argument
        elif frame.kwargs:
            raise self.error("positional argument after a named argument is not supported", value.pos)
        else:
            frame.args.append(value)
        if len(frame.args) + len(frame.kwargs) > 1:
            self.symbols -= 3  # sublist cr ',' sub -> sublist
        if self.tok.kind == "op" and self.tok.text == ",":
            self.push(2, self.tok.pos)  # cr ','
            self.advance()
            self.start_argument(frame)
            frames.append(frame)
            return None
        close = self.expect(")")
        self.push(1, close.pos)  # expr '(' sublist ')'
        self.symbols -= 3
        self.contexts -= 1
        return Call(frame.name.value, tuple(frame.args), tuple(frame.kwargs), pos=frame.name.pos)

    def _next_is_comparison(self) -> bool:
        t = self.tok
        return t.kind == "op" and _BINARY.get(t.text, (0,))[0] == _COMPARISON_POWER

    def _keyword(self) -> str | None:
        """Consume ``name =`` at the start of an argument and return the name."""
        t = self.tok
        if t.kind == "end":
            return None
        following = self.tokens[self.k + 1]
        if t.kind in ("name", "str") and following.kind == "op" and following.text == "=":
            self.push(1, t.pos)
            self.push(1, following.pos)
            self.k += 2
            return t.value
        return None


def parse_expression(text: str):
    """Parse one R expression (no ``~`` required), e.g. ``"log(Days + 1)"``.

    Parameters
    ----------
    text : str
        The expression text.

    Returns
    -------
    Node
        The syntax tree.

    Raises
    ------
    FormulaSyntaxError
        When the text does not parse; the exception carries the offending position.
    """
    if not isinstance(text, str):
        raise FormulaError(f"an expression must be given as a string, got {type(text).__name__}")
    return _Parser(text).parse_all()


def parse_formula(text: str) -> Formula:
    """Parse model formula text (R: ``as.formula("y ~ x + (1 | g)")``).

    Parameters
    ----------
    text : str
        Formula text such as ``"Reaction ~ Days + (Days | Subject)"`` or ``"~ x"``.

    Returns
    -------
    Formula
        ``Formula(lhs, rhs)``; ``lhs`` is None for a one-sided formula.

    Raises
    ------
    FormulaSyntaxError
        When the text does not parse or is not a formula (no ``~`` at top level, or a
        response that is itself a formula).
    FormulaError
        When ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be given as a string, got {type(text).__name__}")
    node = _Parser(text).parse_all()
    if isinstance(node, BinOp) and node.op == "~":
        if _has_tilde(node.left):
            raise _syntax_error("a formula may contain only one '~'", text, node.pos)
        return Formula(node.left, node.right, text=text)
    if isinstance(node, UnaryOp) and node.op == "~":
        return Formula(None, node.operand, text=text)
    raise _syntax_error("a model formula needs '~', e.g. 'y ~ x + (1 | g)'", text, 0)


def _has_tilde(node) -> bool:
    return any(isinstance(n, (BinOp, UnaryOp)) and n.op == "~" for n in walk(node))
