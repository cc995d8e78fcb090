"""R model formulas: parse, deparse, random-effects bars and terms.

The formula text is parsed into a tree of frozen nodes (never evaluated as
Python); everything downstream works on that tree:

* :func:`parse_formula` — text to :class:`~pylme.formula.ast.Formula` (R ``as.formula``);
* :func:`deparse` — tree to R's text (R ``deparse``), used for every name pylme shows;
  :func:`deparse_lines` — the same split into R's lines of at most ``width.cutoff`` 60;
* :mod:`pylme.formula.bars` — lme4's ``findbars``/``nobars``/``subbars``/``||`` expansion;
* :func:`terms` — R's ``terms.formula`` (variables, term labels, factor codes).
"""

from . import bars
from .ast import BinOp, Call, Formula, Name, Node, Num, Paren, Str, UnaryOp
from .bars import Bar, expand_double_verts, expanded_formula_text, find_bars, no_bars, sub_bars
from .deparse import deparse, deparse_lines, format_double
from .parser import parse_expression, parse_formula
from .terms import Terms, terms

__all__ = [
    "Bar",
    "BinOp",
    "Call",
    "Formula",
    "Name",
    "Node",
    "Num",
    "Paren",
    "Str",
    "Terms",
    "UnaryOp",
    "bars",
    "deparse",
    "deparse_lines",
    "expand_double_verts",
    "expanded_formula_text",
    "find_bars",
    "format_double",
    "no_bars",
    "parse_expression",
    "parse_formula",
    "sub_bars",
    "terms",
]
