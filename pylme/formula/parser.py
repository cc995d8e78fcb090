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
        return FormulaSyntaxError(message, self.text, pos)

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


class _Parser:
    """Precedence-climbing parser over the token list."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _Lexer(text).tokens()
        self.k = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.k]

    def error(self, message: str, pos: int | None = None) -> FormulaSyntaxError:
        return FormulaSyntaxError(message, self.text, self.tok.pos if pos is None else pos)

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

    def parse_all(self):
        if self.tok.kind == "end":
            raise self.error("empty formula")
        node = self.expression(0)
        if self.tok.kind != "end":
            raise self.unexpected()
        return node

    def expression(self, min_power: int):
        left = self.prefix()
        while True:
            t = self.tok
            if t.kind != "op":
                if t.kind == "end":
                    return left
                raise self.unexpected()
            key = "%" if t.text.startswith("%") else t.text
            if key not in _BINARY:
                return left
            power, right_assoc = _BINARY[key]
            if power < min_power:
                return left
            self.advance()
            right = self.expression(power if right_assoc else power + 1)
            if power == _COMPARISON_POWER and self._next_is_comparison():
                raise self.unexpected()  # R: comparisons do not associate
            left = BinOp(t.text, left, right, pos=t.pos)

    def _next_is_comparison(self) -> bool:
        t = self.tok
        return t.kind == "op" and _BINARY.get(t.text, (0,))[0] == _COMPARISON_POWER

    def prefix(self):
        t = self.tok
        if t.kind == "num":
            self.advance()
            return Num(t.value, t.text, pos=t.pos)
        if t.kind == "str":
            self.advance()
            return Str(t.value, pos=t.pos)
        if t.kind == "name":
            self.advance()
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.call(t)
            return Name(t.value, pos=t.pos)
        if t.kind == "op" and t.text in _UNARY_POWER:
            self.advance()
            operand = self.expression(_UNARY_POWER[t.text] + 1)
            return UnaryOp(t.text, operand, pos=t.pos)
        if t.kind == "op" and t.text == "(":
            self.advance()
            inner = self.expression(0)
            self.expect(")")
            if self.tok.kind == "op" and self.tok.text == "(":
                raise self.error("calling the result of an expression is not supported")
            return Paren(inner, pos=t.pos)
        raise self.unexpected()

    def call(self, name: _Token) -> Call:
        self.expect("(")
        args, kwargs = [], []
        if self.tok.kind == "op" and self.tok.text == ")":
            self.advance()
            return Call(name.value, (), (), pos=name.pos)
        while True:
            keyword = self._keyword()
            if self.tok.kind == "op" and self.tok.text in (",", ")"):
                raise self.error("empty argument in a function call")
            value = self.expression(0)
            if keyword is not None:
                kwargs.append((keyword, value))
            elif kwargs:
                raise self.error("positional argument after a named argument is not supported", value.pos)
            else:
                args.append(value)
            if self.tok.kind == "op" and self.tok.text == ",":
                self.advance()
                continue
            self.expect(")")
            return Call(name.value, tuple(args), tuple(kwargs), pos=name.pos)

    def _keyword(self) -> str | None:
        """Consume ``name =`` at the start of an argument and return the name."""
        t = self.tok
        if t.kind == "end":
            return None
        following = self.tokens[self.k + 1]
        if t.kind in ("name", "str") and following.kind == "op" and following.text == "=":
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
            raise FormulaSyntaxError("a formula may contain only one '~'", text, node.pos)
        return Formula(node.left, node.right, text=text)
    if isinstance(node, UnaryOp) and node.op == "~":
        return Formula(None, node.operand, text=text)
    raise FormulaSyntaxError("a model formula needs '~', e.g. 'y ~ x + (1 | g)'", text, 0)


def _has_tilde(node) -> bool:
    return any(isinstance(n, (BinOp, UnaryOp)) and n.op == "~" for n in walk(node))
