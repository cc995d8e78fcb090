"""deparse() and R number formatting against R 4.2.2 (tests/data/design/formula.json, numbers.json)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from pylme.formula import deparse, format_double, parse_expression, parse_formula
from pylme.formula.ast import BinOp, Call, Name, Num, Paren, UnaryOp
from pylme.formula.deparse import format_integer, is_syntactic_name, quote_name

_spec = importlib.util.spec_from_file_location(
    "design_rdata", Path(__file__).resolve().parents[2] / "data" / "design" / "rdata.py"
)
rdata = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rdata)

DEPARSE = rdata.load_json("formula")["deparse"]
NUMBERS = rdata.load_json("numbers")


def _double(hex_text: str) -> float:
    return {"NA": math.nan, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}.get(hex_text) or float.fromhex(hex_text)


@pytest.mark.parametrize("case", DEPARSE, ids=[c["text"] for c in DEPARSE])
def test_deparse_matches_r(case):
    """deparse(str2lang(text)) in R."""
    assert deparse(parse_expression(case["text"])) == case["deparse"]


def test_number_formatting_matches_r():
    """as.character(x) and deparse(x) for 232 doubles (R 4.2.2: 15 significant digits)."""
    values = [_double(h) for h in NUMBERS["hex"]]
    assert [format_double(v) for v in values] == NUMBERS["as_character"]
    assert [format_double(v) for v in values] == NUMBERS["deparse"]


@pytest.mark.parametrize(
    "value,text",
    [(2.0, "2"), (0.5, "0.5"), (1e5, "1e+05"), (1e-10, "1e-10"), (123456.0, "123456"), (1e-4, "1e-04"),
     (0.001, "0.001"), (0.1 + 0.2, "0.3"), (1 / 3, "0.333333333333333"), (-1.5, "-1.5"), (-0.0, "0"),
     (1e15, "1e+15"), (1.5e300, "1.5e+300"), (math.inf, "Inf"), (-math.inf, "-Inf"), (math.nan, "NaN")],
)
def test_format_double_examples(value, text):
    assert format_double(value) == text


def test_format_integer():
    assert format_integer(100000) == "100000" and format_integer(-3) == "-3"


def test_formula_deparse():
    assert deparse(parse_formula("y~x+(1|g)")) == "y ~ x + (1 | g)"
    assert deparse(parse_formula("~ -1 + x")) == "~-1 + x"


def test_backticks():
    assert deparse(Name("a b")) == "a b"  # R: deparse(quote(`a b`))
    assert deparse(Name("a b"), backtick=True) == "`a b`"
    assert deparse(parse_expression("`a b` + c")) == "`a b` + c"
    assert deparse(parse_expression("log(`x 1`)")) == "log(`x 1`)"
    assert quote_name("if") == "`if`" and quote_name(".x") == ".x" and quote_name("_x") == "`_x`"
    assert is_syntactic_name("a.b_c1") and not is_syntactic_name("1a") and not is_syntactic_name(".1a")


def test_constructed_trees_get_r_parentheses():
    a, b, c = Name("a"), Name("b"), Name("c")
    assert deparse(BinOp(":", c, BinOp(":", b, a))) == "c:(b:a)"  # lme4's a/b/c grouping name
    assert deparse(BinOp(":", BinOp(":", c, b), a)) == "c:b:a"
    assert deparse(UnaryOp("-", BinOp("+", a, b))) == "-(a + b)"
    assert deparse(BinOp("*", BinOp("+", a, b), c)) == "(a + b) * c"
    assert deparse(BinOp("^", BinOp("^", a, b), c)) == "(a^b)^c"
    assert deparse(BinOp("^", a, BinOp("^", b, c))) == "a^b^c"
    assert deparse(BinOp("^", UnaryOp("-", a), Num(2.0, "2"))) == "(-a)^2"
    assert deparse(BinOp(":", UnaryOp("-", a), b)) == "-a:b"
    assert deparse(BinOp("+", a, UnaryOp("-", b))) == "a + -b"
    assert deparse(BinOp("<", BinOp("<", a, b), c)) == "(a < b) < c"
    assert deparse(BinOp("+", UnaryOp("!", a), b)) == "(!a) + b"
    assert deparse(Paren(BinOp("|", Num(1.0, "1"), Name("g")))) == "(1 | g)"
    assert deparse(BinOp(":", b, UnaryOp("!", a))) == "b:!a"
    assert deparse(BinOp("+", UnaryOp("~", a), b)) == "(~a) + b"
    assert deparse(UnaryOp("!", BinOp("==", a, b))) == "!a == b"
    assert deparse(UnaryOp("!", BinOp("&", a, b))) == "!(a & b)"
    assert deparse(BinOp("%in%", BinOp("*", a, b), a)) == "(a * b) %in% a"
    assert deparse(BinOp("%in%", a, BinOp("%in%", a, b))) == "a %in% (a %in% b)"
    assert deparse(Call("poly", (Name("x"),), (("raw", Name("TRUE")),))) == "poly(x, raw = TRUE)"


def test_number_nodes():
    assert deparse(Num(2.0, "2L")) == "2L"
    assert deparse(Num(1e5, "1e5L")) == "100000L"
    assert deparse(Num(1.5, "1.5L")) == "1.5"  # R: not an integer literal
    assert deparse(Num(16.0, "0x10")) == "16"
