"""Random-effects bar helpers against lme4 1.1-31 (tests/data/design/formula.json)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pylme.errors import FormulaError
from pylme.formula import deparse, parse_expression, parse_formula
from pylme.formula.ast import BinOp, Name, Num
from pylme.formula.bars import (
    Bar,
    check_bars,
    expand_double_verts,
    expand_double_verts_formula,
    expanded_formula_text,
    find_bars,
    grouping_name,
    is_bar,
    no_bars,
    sub_bars,
)

_spec = importlib.util.spec_from_file_location(
    "design_rdata", Path(__file__).resolve().parents[2] / "data" / "design" / "rdata.py"
)
rdata = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rdata)

FORMULAS = rdata.load_json("formula")
BARS = FORMULAS["bars"]


@pytest.mark.parametrize("case", BARS, ids=[c["formula"] for c in BARS])
def test_against_lme4(case):
    """lme4:::expandDoubleVerts, findbars, nobars, subbars on the same formula."""
    f = parse_formula(case["formula"])
    assert expanded_formula_text(f) == case["expanded"]
    assert [str(b) for b in find_bars(f.rhs)] == case["findbars"]
    assert [f"{deparse(b.lhs)} | {deparse(b.group)}" for b in find_bars(f)] == case["findbars"]
    assert deparse(no_bars(f)) == case["nobars"]
    assert deparse(sub_bars(f)) == case["subbars"]


def test_stored_formula_of_double_bar_fit():
    stored = FORMULAS["lme4_stored_formula"]
    assert stored["value"] == "Reaction ~ Days + ((1 | Subject) + (0 + Days | Subject))"
    assert expanded_formula_text(parse_formula("Reaction ~ Days + (Days||Subject)")) == stored["value"]


def test_nesting_structure():
    bars = find_bars(parse_formula("y ~ (1 | a/b/c)").rhs)
    a, b, c = Name("a"), Name("b"), Name("c")
    assert bars == [
        Bar(Num(1.0, "1"), BinOp(":", c, BinOp(":", b, a))),
        Bar(Num(1.0, "1"), BinOp(":", b, a)),
        Bar(Num(1.0, "1"), a),
    ]
    assert [grouping_name(x.group) for x in bars] == ["c:(b:a)", "b:a", "a"]  # lme4's names
    assert len({*bars}) == 3  # frozen and hashable


@pytest.mark.parametrize("text", ["y ~ z + (x + 1 | g) + x | h", "y ~ x | g | h", "~ 1 | g + (1 | h)"])
def test_bar_inside_a_bare_bar_is_an_error(text):
    """lme4 reads each as one term containing another bar and then fails in model.matrix;
    a bare bar by itself is lme4's random term (tests/unit/formula/test_bare_bar.py)."""
    f = parse_formula(text)
    for helper in (lambda: find_bars(f.rhs), lambda: no_bars(f), lambda: sub_bars(f),
                   lambda: expand_double_verts_formula(f)):
        with pytest.raises(FormulaError, match=r"a random-effects term may contain only one '\|': \("):
            helper()


def test_two_bars_in_one_term():
    with pytest.raises(FormulaError, match="only one '\\|'"):
        find_bars(parse_formula("y ~ (a | b | c)").rhs)


def test_unparseable_nesting():
    with pytest.raises(FormulaError, match="unparseable formula for grouping factor"):
        find_bars(parse_formula("y ~ (1 | (a/b))").rhs)


def test_bar_inside_a_call_is_logical_or():
    """Deviation: lme4 would take I(a | b) as a random-effects term."""
    f = parse_formula("y ~ I(a | b) + (1 | g)")
    assert [str(b) for b in find_bars(f.rhs)] == ["1 | g"]
    assert deparse(no_bars(f)) == "y ~ I(a | b)"
    assert deparse(sub_bars(f)) == "y ~ I(a | b) + (1 + g)"


def test_double_bar_with_intercept_only():
    """Deviation: lme4 1.1-31 fails on (1 || g) with a parse error; pylme gives (1 | g)."""
    f = parse_formula("y ~ x + (1 || g)")
    assert expanded_formula_text(f) == "y ~ x + ((1 | g))"
    assert [str(b) for b in find_bars(f.rhs)] == ["1 | g"]


def test_double_bar_without_terms_is_an_error():
    with pytest.raises(FormulaError, match="has no terms"):
        find_bars(parse_formula("y ~ (0 || g)").rhs)


def test_expand_double_verts_on_nodes():
    node = expand_double_verts(parse_expression("(x * z || g)"))
    assert deparse(node) == "((1 | g) + (0 + x | g) + (0 + z | g) + (0 + x:z | g))"
    assert expand_double_verts(Name("x")) == Name("x")


def test_helpers():
    assert is_bar(parse_expression("((1 | g))")) and not is_bar(parse_expression("x + (1 | g)"))
    check_bars(parse_expression("x + (1 | g)"))  # no error
    bar = find_bars(parse_formula("y ~ (Days | Subject)"))[0]
    assert bar.lhs == Name("Days") and bar.group == Name("Subject")
    with pytest.raises(AttributeError):
        bar.lhs = Name("x")


def test_no_bars_keeps_response_and_intercept_rules():
    assert deparse(no_bars(parse_formula("log(y) ~ (1 | g)"))) == "log(y) ~ 1"  # lme4 mishandles this
    assert deparse(no_bars(parse_formula("y ~ 0 + (1 | g)"))) == "y ~ 0"
    assert deparse(no_bars(parse_formula("y ~ -(1 | g) + x"))) == "y ~ x"
