"""terms() against R's terms.formula (tests/data/design/formula.json)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from pylme.errors import FormulaError
from pylme.formula import Terms, deparse, parse_expression, parse_formula, terms
from pylme.formula.ast import Call, Name

_spec = importlib.util.spec_from_file_location(
    "design_rdata", Path(__file__).resolve().parents[2] / "data" / "design" / "rdata.py"
)
rdata = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rdata)

TERMS = rdata.load_json("formula")["terms"]


@pytest.mark.parametrize("case", TERMS, ids=[c["formula"] for c in TERMS])
def test_against_r(case):
    f = parse_formula(case["formula"])
    t = terms(f)
    assert isinstance(t, Terms)
    assert deparse(f) == case["deparse"]
    assert list(t.term_labels) == case["term_labels"]
    assert list(t.variable_names) == case["variables"]
    assert t.intercept == case["intercept"]
    assert t.has_response == case["response"]
    assert list(t.order) == case["order"]
    assert list(t.offset_indices) == case["offset"]
    expected = np.array(case["factors"], dtype=int).reshape(len(case["variables"]), len(case["term_labels"]))
    np.testing.assert_array_equal(t.factors, expected)


def test_structure():
    t = terms(parse_formula("log(y) ~ x * f + offset(o)"))
    assert t.response == Call("log", (Name("y"),))
    assert t.variables[1:] == (Name("x"), Name("f"), Call("offset", (Name("o"),)))
    assert t.offsets == (Call("offset", (Name("o"),)),)
    assert t.term_variables == ((1,), (2,), (1, 2))
    assert not t.factors.flags.writeable


def test_rhs_node_is_one_sided():
    t = terms(parse_expression("0 + x:f"))
    assert not t.has_response and not t.intercept and t.term_labels == ("x:f",)


@pytest.mark.parametrize(
    "text,message",
    [
        ("y ~ .", "'.' in a formula is not supported"),
        ("y ~ x + 2", "the number 2 is not a term"),
        ("y ~ (a + b)^x", "invalid power"),
        ("y ~ (a + b)^1", "invalid power"),
        ("y ~ a + (b ~ c)", "'~' inside the model terms"),
        ("y ~ 'a'", "is not a variable"),
    ],
)
def test_errors(text, message):
    with pytest.raises(FormulaError, match=message):
        terms(parse_formula(text))


def test_duplicates_keep_first_position():
    assert terms(parse_formula("y ~ b + a + b:a + a:b + b")).term_labels == ("b", "a", "b:a")


def test_intercept_switches():
    assert not terms(parse_formula("y ~ x + 0")).intercept
    assert terms(parse_formula("y ~ 0 + x + 1")).intercept
    assert not terms(parse_formula("y ~ x - 1")).intercept
    assert terms(parse_formula("y ~ x - 0")).intercept
    assert not terms(parse_formula("y ~ -1")).intercept
