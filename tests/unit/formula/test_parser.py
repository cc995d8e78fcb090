"""Formula parser: R's grammar, precedence, positions and syntax errors."""

from __future__ import annotations

import pytest

from pylme.errors import FormulaError, FormulaSyntaxError
from pylme.formula import parse_expression, parse_formula
from pylme.formula.ast import BinOp, Call, Formula, Name, Num, Paren, Str, UnaryOp, walk


def sexpr(node) -> str:
    """Fully bracketed rendering that makes the tree shape visible."""
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Str):
        return repr(node.value)
    if isinstance(node, Paren):
        return f"(paren {sexpr(node.expr)})"
    if isinstance(node, UnaryOp):
        return f"({node.op} {sexpr(node.operand)})"
    if isinstance(node, BinOp):
        return f"({node.op} {sexpr(node.left)} {sexpr(node.right)})"
    args = [sexpr(a) for a in node.args] + [f"{k}={sexpr(v)}" for k, v in node.kwargs]
    return f"[{node.func} {' '.join(args)}]"


# (text, tree) — precedence and associativity as in R's ?Syntax
PRECEDENCE = [
    ("a + b * c", "(+ a (* b c))"),
    ("a * b + c", "(+ (* a b) c)"),
    ("a - b - c", "(- (- a b) c)"),
    ("a / b / c", "(/ (/ a b) c)"),
    ("a ^ b ^ c", "(^ a (^ b c))"),
    ("a ** 2", "(^ a 2)"),
    ("-a ^ 2", "(- (^ a 2))"),
    ("-a:b", "(: (- a) b)"),
    ("-a * b", "(* (- a) b)"),
    ("a:b:c", "(: (: a b) c)"),
    ("a * b:c", "(* a (: b c))"),
    ("a %in% b:c", "(%in% a (: b c))"),
    ("a * b %in% c", "(* a (%in% b c))"),
    ("a:b %in% c", "(%in% (: a b) c)"),
    ("2 * x - z/3", "(- (* 2 x) (/ z 3))"),
    ("x | g", "(| x g)"),
    ("0 + x | g", "(| (+ 0 x) g)"),
    ("a || b", "(|| a b)"),
    ("a | b & c", "(| a (& b c))"),
    ("a & b | c", "(| (& a b) c)"),
    ("!a == b", "(! (== a b))"),
    ("!a & b", "(& (! a) b)"),
    ("a + !b == c", "(+ a (! (== b c)))"),
    ("a == b + c", "(== a (+ b c))"),
    ("a > 1 & b <= 2", "(& (> a 1) (<= b 2))"),
    ("y ~ a + b", "(~ y (+ a b))"),
    ("~ a | b", "(~ (| a b))"),
    ("~ a ~ b", "(~ (~ a) b)"),
    ("- -a", "(- (- a))"),
    ("a + -b", "(+ a (- b))"),
    ("(a + b) * c", "(* (paren (+ a b)) c)"),
    ("f(a, b = 2)", "[f a b=2]"),
    ("f()", "[f ]"),
    ("log(x + 1, base = 10)", "[log (+ x 1) base=10]"),
    ("poly(Days, 3)", "[poly Days 3]"),
    ("`a b` + c", "(+ a b c)"),
    ("I(x %% 2) + I(x %/% 2)", "(+ [I (%% x 2)] [I (%/% x 2)])"),
    ("f('s', \"t\")", "[f 's' 't']"),
    ("(1 | a/b)", "(paren (| 1 (/ a b)))"),
]


@pytest.mark.parametrize("text,tree", PRECEDENCE)
def test_precedence(text, tree):
    assert sexpr(parse_expression(text)) == tree


@pytest.mark.parametrize(
    "text,value,source",
    [("2", 2.0, "2"), ("0.5", 0.5, "0.5"), (".5", 0.5, ".5"), ("5.", 5.0, "5."), ("1e5", 1e5, "1e5"),
     ("1e-10", 1e-10, "1e-10"), ("0x10", 16.0, "0x10"), ("2L", 2.0, "2L"), ("1E+3", 1000.0, "1E+3")],
)
def test_numbers(text, value, source):
    node = parse_expression(text)
    assert isinstance(node, Num) and node.value == value and node.text == source


def test_integer_literal_flag():
    assert parse_expression("2L").is_integer
    assert not parse_expression("2").is_integer


def test_strings_and_backquotes():
    assert parse_expression(r'"a\"b\n"') == Str('a"b\n')
    assert parse_expression("'x'") == Str("x")
    assert parse_expression("`a b`") == Name("a b")
    assert parse_expression("`weird`` name`".replace("``", "\\`")) == Name("weird` name")


def test_constants_are_names():
    for word in ("TRUE", "FALSE", "NA", "Inf", "NaN", "NULL"):
        assert parse_expression(word) == Name(word)


def test_positions_and_equality_ignore_pos():
    node = parse_expression("a  +  log(b)")
    assert node.pos == 3 and node.left.pos == 0 and node.right.pos == 6 and node.right.args[0].pos == 10
    assert node == parse_expression("a+log(b)")
    assert hash(node) == hash(parse_expression("a+log(b)"))
    assert [type(n).__name__ for n in walk(node)] == ["BinOp", "Name", "Call", "Name"]


def test_parse_formula_sides():
    f = parse_formula("Reaction ~ Days + (Days | Subject)")
    assert isinstance(f, Formula) and f.lhs == Name("Reaction")
    assert sexpr(f.rhs) == "(+ Days (paren (| Days Subject)))"
    one_sided = parse_formula("~ x")
    assert one_sided.lhs is None and one_sided.rhs == Name("x")
    assert parse_formula("log(y) ~ x").lhs == Call("log", (Name("y"),))
    assert f.text == "Reaction ~ Days + (Days | Subject)"


# (text, position of the error)
SYNTAX_ERRORS = [
    ("y ~ x +", 7),
    ("y ~ (x + z", 10),
    ("y ~ x)", 5),
    ("y ~ x z", 6),
    ("y ~ 2x", 5),
    ("y ~ a < b < c", 10),
    ("y ~ x[1]", 5),
    ("y ~ x$a", 5),
    ("y <- x", 2),
    ("y ~ f(x,)", 8),
    ("y ~ f(,x)", 6),
    ("y ~ 'abc", 4),
    ("y ~ `abc", 4),
    ("y ~ a %in b", 6),
    ("y ~ function(x) x", 4),
    ("y ~ 1i", 4),
    ("y ~ stats::poly(x)", 9),
    ("y ~ x ? z", 6),
    ("", 0),
    ("   ", 3),
    ("y ~ #", 4),
]


@pytest.mark.parametrize("text,position", SYNTAX_ERRORS)
def test_syntax_errors_report_position(text, position):
    with pytest.raises(FormulaSyntaxError) as info:
        parse_formula(text)
    assert info.value.position == position
    assert info.value.formula == text
    if text.strip():
        assert "^" in str(info.value)  # the caret under the offending position


@pytest.mark.parametrize(
    "text,message",
    [("x + y", "needs '~'"), ("y ~ x ~ z", "only one '~'"), ("a ~ b ~ c ~ d", "only one '~'")],
)
def test_not_a_formula(text, message):
    with pytest.raises(FormulaSyntaxError, match=message):
        parse_formula(text)


def test_non_string_input():
    with pytest.raises(FormulaError, match="string"):
        parse_formula(42)
    with pytest.raises(FormulaError, match="string"):
        parse_expression(None)


def test_nodes_are_frozen():
    node = parse_expression("a + b")
    with pytest.raises(AttributeError):
        node.op = "-"


def test_never_evaluated_as_python():
    # text that would do something in Python is just an unknown call in a formula
    node = parse_formula("y ~ exec('import os')").rhs
    assert isinstance(node, Call) and node.func == "exec" and node.args == (Str("import os"),)
    with pytest.raises(FormulaSyntaxError, match="unexpected input '_'"):
        parse_formula("y ~ __import__('os')")  # not even an R name


# --- robustness: only pylme's own errors, whatever the text ------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pylme.errors import PylmeError  # noqa: E402
from pylme.formula import deparse, terms  # noqa: E402
from pylme.formula.bars import find_bars, no_bars, sub_bars  # noqa: E402

_TOKENS = ["y", "x", "f", "1", "0", "2", "+", "-", "*", "/", ":", "^", "|", "||", "(", ")", "%in%", "~",
           "log(", "poly(", "I(", ",", "==", "&", "!", "`a b`", "'u'", ".", "raw = TRUE", "**", "[", "$"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=12))
def test_random_token_soup_raises_only_pylme_errors(tokens):
    text = "y ~ " + " ".join(tokens)
    try:
        f = parse_formula(text)
        deparse(f)
        terms(f)
        find_bars(f.rhs)
        no_bars(f)
        sub_bars(f)
    except PylmeError:
        pass


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=20))
def test_random_text_raises_only_pylme_errors(text):
    try:
        parse_formula(text)
    except PylmeError:
        pass


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["a", "b", "c", "+", "*", ":", "-", "(", ")", "^", "2", "/"]), min_size=1,
                max_size=10))
def test_deparse_round_trips(tokens):
    """Whatever parses, deparses to text that parses back to the same tree."""
    try:
        node = parse_expression(" ".join(tokens))
    except PylmeError:
        return
    assert parse_expression(deparse(node)) == node
