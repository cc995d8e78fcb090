"""Turn syntax trees back into text exactly as R's ``deparse()`` does.

Column names of the design matrix, term labels and grouping-factor names are all
built from this text, so spacing and number formatting must be R's:

* operators printed with spaces: ``+ - * ~ | || & && == != < > <= >=`` and user
  ``%op%`` (``a %in% b``); without: ``/ ^ : %% %/%`` (``a/b``, ``x^2``, ``a:b``);
* unary operators are printed without a space: ``-x``, ``~x``, ``!x``;
* call arguments are separated by ``", "`` and named ones printed ``name = value``;
* numbers are printed with 15 significant digits, choosing fixed or scientific
  notation by width as R's ``formatReal`` does (``1e+05``, ``1e-04``, ``0.001``).

Constructed trees (for instance lme4's ``c:(b:a)`` from ``a/b/c`` nesting) get the
parentheses R's deparser adds where precedence requires them (R:
``deparse.c::needsparens``); parsed trees already carry their own :class:`Paren` nodes.
"""

from __future__ import annotations

import math
import re
import warnings

from ..errors import PylmeWarning
from .ast import RESERVED_CONSTANTS, BinOp, Call, Formula, Name, Num, Paren, Str, UnaryOp

__all__ = ["WIDTH_CUTOFF", "deparse", "deparse_excerpt", "deparse_lines", "format_double", "format_integer",
           "is_syntactic_name", "quote_name"]

# R's deparse precedences (R: Defn.h, PPprec).
_PREC = {
    "~": 4, "|": 5, "||": 5, "&": 6, "&&": 6, "!": 7,
    "==": 8, "!=": 8, "<": 8, ">": 8, "<=": 8, ">=": 8,
    "+": 9, "-": 9, "*": 10, "/": 10, "%": 11, ":": 12, "^": 14,
}
_PREC_SIGN = 13
_PREC_COMPARE = 8
_RIGHT_ASSOC = frozenset({"^"})
_NO_SPACE = frozenset({"/", "^", ":", "%%", "%/%"})
_RESERVED_WORDS = frozenset(
    {"if", "else", "repeat", "while", "function", "for", "next", "break", "in",
     "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
     "NA_character_", "NA_complex_"}
)
_SYNTACTIC = re.compile(r"^(?:(?:[^\W\d_]|\.(?![0-9]))[\w.]*|\.)$")


def is_syntactic_name(name: str) -> bool:
    """True when R can use ``name`` without backticks (R: ``make.names(x) == x``)."""
    return bool(_SYNTACTIC.match(name)) and name not in _RESERVED_WORDS


def quote_name(name: str) -> str:
    """Backquote a non-syntactic name as R's deparser does (``a b`` -> ```a b```)."""
    if is_syntactic_name(name):
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


# --- numbers --------------------------------------------------------------------------


def _significant(x: float, digits: int) -> tuple[int, int]:
    """(kpower, nsig) of |x| rounded to ``digits`` significant digits (R: ``scientific``).

    ``kpower`` is the decimal exponent after rounding (99999.99999999999 has 5) and
    ``nsig`` the number of significant digits left once trailing zeros are dropped.
    """
    if x == 0.0:
        return 0, 1
    mantissa, exponent = f"{abs(x):.{digits - 1}e}".split("e")
    return int(exponent), len(mantissa.replace(".", "").rstrip("0")) or 1


def format_double(x: float, digits: int = 15) -> str:
    """Format a double as R's ``as.character()`` / ``deparse()`` do (R 4.2: ``formatReal``).

    Parameters
    ----------
    x : float
        The value.
    digits : int, default 15
        Significant digits (R uses 15 for both ``deparse`` and ``as.character``).

    Returns
    -------
    str
        ``"2"``, ``"0.5"``, ``"1e+05"``, ``"1e-04"``, ``"0.333333333333333"``, ``"Inf"``...

    Notes
    -----
    Fixed notation is used when it is not wider than scientific notation
    (``options(scipen = 0)``); fixed notation prints the exact decimal expansion to
    the needed number of decimals, which is why R shows ``123456789012345680``.
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    neg = 1 if x < 0 else 0
    kpower, nsig = _significant(x, digits)
    left = kpower + 1
    right = max(0, nsig - left)
    width_fixed = neg + max(left, 1) + right + (1 if right else 0)
    e = 2 if kpower >= 100 or kpower <= -99 else 1
    d = nsig - 1
    width_sci = neg + (1 if d > 0 else 0) + d + 4 + e
    if width_fixed <= width_sci:
        out = f"{x:.{right}f}"
    else:
        out = f"{x:.{d}e}"
    return "0" if out in ("-0", "-0.0") else out


def format_integer(x: int) -> str:
    """Format an R integer as ``as.character()`` does: plain decimal digits."""
    return str(int(x))


def _deparse_num(node: Num) -> str:
    if node.is_integer:
        return f"{int(node.value)}L"
    return format_double(node.value)


def _deparse_str(value: str) -> str:
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        .replace("\r", "\\r")
    )
    return f'"{escaped}"'


# --- precedence-driven parentheses ----------------------------------------------------


def _op_key(op: str) -> str:
    return "%" if op.startswith("%") and op not in _PREC else op


def _needs_parens(main_prec: int, main_right_assoc: bool, arg, left: bool) -> bool:
    """R ``needsparens``: does ``arg`` need parentheses as an operand of the main operator?"""
    if isinstance(arg, UnaryOp):
        if not left:
            return False  # R: b:!a, b^-a, a + ~b
        arg_prec = _PREC_SIGN if arg.op in ("-", "+") else _PREC[arg.op]
    elif isinstance(arg, BinOp):
        arg_prec = _PREC[_op_key(arg.op)]
        if main_prec == _PREC_COMPARE and arg_prec == _PREC_COMPARE:
            return True  # a < b < c is not legal R
    else:
        return False
    return main_prec > arg_prec or (main_prec == arg_prec and left == main_right_assoc)


# --- the deparser -----------------------------------------------------------------------
#
# The tree is printed from an explicit work stack (strings to print, nodes to expand and
# line-break markers), never by recursion: a formula such as x1 + ... + x10000 is a tree
# 10,000 levels deep, and R's parser accepts about 10,000 nested unary operators.  The
# text is collected as pieces and joined once, so the cost is linear in its length.

#: R's default ``width.cutoff`` of ``deparse()``.
WIDTH_CUTOFF = 60


class _Break:
    """R ``linebreak()``: start a new, indented line when the current one is too long."""

    __slots__ = ("taken",)

    def __init__(self) -> None:
        self.taken = False  # R's per-construct `lbreak` flag: indent once, however many breaks


class _EndBreak:
    """End of the construct that owns a :class:`_Break`: undo its indentation."""

    __slots__ = ("owner",)

    def __init__(self, owner: _Break) -> None:
        self.owner = owner


class _Writer:
    """R's ``LocalParseData`` line buffer: current line, its length and the indentation."""

    def __init__(self, cutoff: int | None):
        self.cutoff = cutoff
        self.lines: list[str] = []
        self.current: list[str] = []
        self.length = 0
        self.indent = 0
        self.startline = True

    def print(self, text: str) -> None:
        if self.startline:
            self.startline = False
            # R printtab2buff: four spaces per level for the first four, then two
            for level in range(1, self.indent + 1):
                self._append("    " if level <= 4 else "  ")
        self._append(text)

    def _append(self, text: str) -> None:
        self.current.append(text)
        if self.cutoff is not None:
            self.length += len(text.encode("utf-8"))  # R counts bytes

    def linebreak(self, marker: _Break) -> None:
        if self.cutoff is not None and self.length > self.cutoff:
            if not marker.taken:
                marker.taken = True
                self.indent += 1
            self.writeline()

    def writeline(self) -> None:
        self.lines.append("".join(self.current))
        self.current = []
        self.length = 0
        self.startline = True


def deparse(node, backtick: bool | None = None) -> str:
    """Deparse a syntax tree or formula to R's text (R: ``deparse()``), on one line.

    Parameters
    ----------
    node : Node or Formula
        What to print.
    backtick : bool, optional
        Whether to backquote non-syntactic names.  R's default (None) quotes them
        inside calls and formulas but not a bare symbol: ``deparse(quote(`a b`))`` is
        ``"a b"``.  Term labels and design-matrix column names use True.

    Returns
    -------
    str
        One line of text: R's ``deparse()`` without its line breaking (the lines of
        :func:`deparse_lines` joined, less their continuation indentation).
    """
    return _deparse(node, backtick, None)[0]


def deparse_excerpt(node, width: int = 100) -> str:
    """:func:`deparse` cut to about ``width`` characters, for error messages.

    A formula may be 100,000 characters long; a message quotes its beginning.
    """
    text = deparse(node)
    return text if len(text) <= width else text[: width - 3] + "..."


def deparse_lines(node, backtick: bool | None = None, width_cutoff: int = WIDTH_CUTOFF) -> tuple[str, ...]:
    """Deparse to R's lines: ``deparse(x, width.cutoff = 60)`` (R ``deparse()``'s default).

    R breaks a line after a binary operator with spaces (``+``, ``|``, ``~``, ...) or
    after an argument's ``", "`` once the line is longer than ``width_cutoff`` bytes;
    the continuation lines are indented by four spaces per open construct.  lme4's
    ``print``/``summary`` show the formula this way (``.prt.call``: ``cat("Formula:",
    deparse(formula), fill = TRUE)``).

    Parameters
    ----------
    node : Node or Formula
        What to print.
    backtick : bool, optional
        As for :func:`deparse`.
    width_cutoff : int, default 60
        R's ``width.cutoff``, read as R does (``as.integer``, so 20.7 is 20); outside
        20..500 R warns "invalid 'cutoff' value for 'deparse', using default" and uses
        60, and so does pylme (a :class:`~pylme.errors.PylmeWarning`).

    Returns
    -------
    tuple of str
        The lines, each with the trailing blank R leaves after a broken operator.

    Examples
    --------
    >>> from pylme.formula import parse_formula
    >>> deparse_lines(parse_formula("y ~ " + " + ".join(f"x{i}" for i in range(1, 16))))
    ('y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + ', '    x12 + x13 + x14 + x15')
    """
    return _deparse(node, backtick, _width_cutoff(width_cutoff))


def _width_cutoff(value) -> int:
    """R ``deparse``: ``asInteger(width.cutoff)``, valid from 20 to 500, else the default."""
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not 20 <= int(number) <= 500:
        warnings.warn("invalid 'cutoff' value for 'deparse', using default", PylmeWarning, stacklevel=3)
        return WIDTH_CUTOFF
    return int(number)


def _deparse(node, backtick: bool | None, cutoff: int | None) -> tuple[str, ...]:
    writer = _Writer(cutoff)
    if isinstance(node, Formula):
        bt = True
        if node.lhs is None:
            stack: list = [node.rhs, "~"]
        else:
            marker = _Break()
            stack = [_EndBreak(marker), node.rhs, marker, " ", "~", " ", node.lhs]
    else:
        bt = (not isinstance(node, Name)) if backtick is None else backtick
        stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            writer.print(item)
        elif isinstance(item, _Break):
            writer.linebreak(item)
        elif isinstance(item, _EndBreak):
            if item.owner.taken:
                writer.indent -= 1
        else:
            stack.extend(reversed(_pieces(item, bt)))
    writer.writeline()
    return tuple(writer.lines)


def _pieces(node, bt: bool) -> list:
    """What ``node`` prints as: strings, sub-nodes and line-break markers, in order."""
    if isinstance(node, Name):
        if node.id in RESERVED_CONSTANTS or not bt:
            return [node.id]
        return [quote_name(node.id)]
    if isinstance(node, Num):
        return [_deparse_num(node)]
    if isinstance(node, Str):
        return [_deparse_str(node.value)]
    if isinstance(node, Paren):
        return ["(", node.expr, ")"]
    if isinstance(node, Call):
        return _call_pieces(node)
    if isinstance(node, UnaryOp):
        prec = _PREC_SIGN if node.op in ("-", "+") else _PREC[node.op]
        if _needs_parens(prec, False, node.operand, False):
            return [node.op, "(", node.operand, ")"]
        return [node.op, node.operand]
    if isinstance(node, BinOp):
        return _binop_pieces(node)
    raise TypeError(f"cannot deparse {type(node).__name__}")


def _call_pieces(node: Call) -> list:
    """R ``args2buff``: arguments separated by ``", "``, a possible break after each."""
    marker = _Break()
    out: list = [quote_name(node.func), "("]
    arguments = [(None, a) for a in node.args] + list(node.kwargs)
    for i, (name, value) in enumerate(arguments):
        if i:
            out += [", ", marker]
        if name is not None:
            out.append(f"{quote_name(name)} = ")
        out.append(value)
    out += [_EndBreak(marker), ")"]
    return out


def _binop_pieces(node: BinOp) -> list:
    prec = _PREC[_op_key(node.op)]
    right_assoc = node.op in _RIGHT_ASSOC
    left = [node.left]
    if _needs_parens(prec, right_assoc, node.left, True):
        left = ["(", node.left, ")"]
    right = [node.right]
    if _needs_parens(prec, right_assoc, node.right, False):
        right = ["(", node.right, ")"]
    if node.op in _NO_SPACE:  # R PP_BINARY2: no spaces, never a line break
        return left + [node.op] + right
    marker = _Break()  # R PP_BINARY: a possible break after "op "
    return left + [" ", node.op, " ", marker] + right + [_EndBreak(marker)]
