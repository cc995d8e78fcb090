"""Deep and wide formulas: R's own size limits, and no recursion limit of pylme's.

R 4.2.2's parser refuses a formula in two ways, both reproduced at the same size:
the 51st nested ``(`` of parentheses or calls ("contextstack overflow at line 1",
``CONTEXTSTACK_SIZE`` 50) and more than 10,000 parser states ("out of memory while
parsing", bison's ``YYMAXDEPTH``).  Everything R parses, pylme parses, deparses, expands
and evaluates without Python recursion, in time linear in the size of the formula.

Every "R:" verdict below was produced with R 4.2.2 (+ lme4 1.1-31 where named) by the
expression in the comment above its table.
"""

from __future__ import annotations

import copy
import math
import pickle
import time

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.design.frame import model_frame
from pylme.errors import FormulaError, FormulaSyntaxError
from pylme.formula import (
    deparse,
    deparse_lines,
    find_bars,
    no_bars,
    parse_expression,
    parse_formula,
    sub_bars,
    terms,
)
from pylme.formula.terms import MAX_TERMS

CONTEXT = "contextstack overflow at line 1"
STACK = "out of memory while parsing"

# (shape, text(d), R's largest accepted d, R's message at d + 1)
# R: parse(text = text(d), keep.source = FALSE) succeeds for d and fails for d + 1 with
# conditionMessage(e) as given (bisection over d; text(d) as paste0()/strrep() of the same pieces).
PARSE_LIMITS = [
    ("unary minus", lambda d: "-" * d + "x", 9997, STACK),
    ("y ~ unary minus", lambda d: "y ~ " + "-" * d + "x", 9995, STACK),
    ("~ unary minus", lambda d: "~ " + "-" * d + "x", 9996, STACK),
    ("y ~ not", lambda d: "y ~ " + "!" * d + "x", 9995, STACK),
    ("y ~ power chain", lambda d: "y ~ " + "^".join(["x"] * d), 4998, STACK),
    ("power chain", lambda d: "^".join(["x"] * d), 4999, STACK),
    ("tilde chain", lambda d: "~" * d + "x", 9997, STACK),
    ("y ~ a + minus", lambda d: "y ~ a + " + "-" * d + "x", 9993, STACK),
    ("y ~ a * minus", lambda d: "y ~ a * " + "-" * d + "x", 9993, STACK),
    ("y ~ (minus)", lambda d: "y ~ (" + "-" * d + "x)", 9994, STACK),
    ("y ~ f(minus)", lambda d: "y ~ f(" + "-" * d + "x)", 9993, STACK),
    ("y ~ f(a, minus)", lambda d: "y ~ f(a, " + "-" * d + "x)", 9990, STACK),
    ("y ~ f(a = minus)", lambda d: "y ~ f(a = " + "-" * d + "x)", 9991, STACK),
    ("y ~ f(a, b = minus)", lambda d: "y ~ f(a, b = " + "-" * d + "x)", 9988, STACK),
    ("y ~ f(a, b, minus)", lambda d: "y ~ f(a, b, " + "-" * d + "x)", 9990, STACK),
    ("y ~ f('a' = minus)", lambda d: "y ~ f('a' = " + "-" * d + "x)", 9991, STACK),
    ("y ~ unary plus", lambda d: "y ~ " + "+" * d + "x", 9995, STACK),
    ("minus then + 1", lambda d: "-" * d + "x + 1", 9997, STACK),
    ("y ~ a | minus", lambda d: "y ~ a | " + "-" * d + "x", 9993, STACK),
    ("y ~ a : minus", lambda d: "y ~ a : " + "-" * d + "x", 9993, STACK),
    ("y ~ a < minus", lambda d: "y ~ a < " + "-" * d + "x", 9993, STACK),
    ("y ~ a %in% minus", lambda d: "y ~ a %in% " + "-" * d + "x", 9993, STACK),
    ("y ~ a ^ minus", lambda d: "y ~ a ^ " + "-" * d + "x", 9993, STACK),
    ("y ~ a ^ b ^ minus", lambda d: "y ~ a ^ b ^ " + "-" * d + "x", 9991, STACK),
    ("y ~ a + b * c ^ minus", lambda d: "y ~ a + b * c ^ " + "-" * d + "x", 9989, STACK),
    ("y ~ f() + minus", lambda d: "y ~ f() + " + "-" * d + "x", 9993, STACK),
    ("minus number", lambda d: "-" * d + "2", 9997, STACK),
    ("minus (x)", lambda d: "-" * d + "(x)", 9995, STACK),
    ("minus not pairs", lambda d: "-!" * d + "x", 4998, STACK),
    ("y ~ parentheses", lambda d: "y ~ " + "(" * d + "x" + ")" * d, 50, CONTEXT),
    ("y ~ log(log(...))", lambda d: "y ~ " + "log(" * d + "x" + ")" * d, 50, CONTEXT),
    ("y ~ -(-(...))", lambda d: "y ~ " + "-(" * d + "x" + ")" * d, 50, CONTEXT),
]


@pytest.mark.parametrize("shape,text,largest,message", PARSE_LIMITS, ids=[c[0] for c in PARSE_LIMITS])
def test_parser_limits_are_rs(shape, text, largest, message):
    node = parse_expression(text(largest))
    assert node is not None
    with pytest.raises(FormulaSyntaxError) as info:
        parse_expression(text(largest + 1))
    error = info.value
    assert str(error).startswith(message)
    assert error.formula == text(largest + 1) and 0 <= error.position < len(error.formula)
    assert len(str(error)) < 600  # the caret display quotes an excerpt, not 10,000 characters


@pytest.mark.parametrize("depth", [51, 100, 500, 5000, 50000])
def test_nested_parentheses_fail_as_in_r(depth):
    """R: as.formula(paste0("y ~ ", strrep("(", d), "x", strrep(")", d))) fails with
    "contextstack overflow at line 1" for d = 51, 500, 5000, 50000; the 51st '(' is blamed."""
    text = "y ~ " + "(" * depth + "x" + ")" * depth
    with pytest.raises(FormulaSyntaxError, match=CONTEXT) as info:
        parse_formula(text)
    assert info.value.position == 4 + 50


@pytest.mark.parametrize("depth", [10000, 20000, 50000])
def test_long_unary_chains_fail_as_in_r(depth):
    """R: str2lang(paste0("y ~ ", strrep("-", d), "x")) fails with "out of memory while parsing"."""
    with pytest.raises(FormulaSyntaxError, match=STACK):
        parse_formula("y ~ " + "-" * depth + "x")


# (shape, formula text, R's verdict on terms(): (length(attr(t, "term.labels")), attr(t, "intercept"))
#  or the start of conditionMessage(e)) — R: t <- terms(as.formula(text)); every one at R's parser limit
DEEP = [
    ("minus 9995", "y ~ " + "-" * 9995 + "x", (0, 1)),
    ("minus 9994", "y ~ " + "-" * 9994 + "x", (0, 1)),
    ("plus 9995", "y ~ " + "+" * 9995 + "x", (1, 1)),
    ("parentheses 50", "y ~ " + "(" * 50 + "x" + ")" * 50, (1, 1)),
    ("log 50", "y ~ " + "log(" * 50 + "x" + ")" * 50, (1, 1)),
    ("not 9995", "y ~ " + "!" * 9995 + "x", (1, 1)),
    ("power 4998", "y ~ " + "^".join(["x"] * 4998), "invalid power in formula"),
    ("colon 10000", "y ~ " + ":".join(f"x{i}" for i in range(1, 10001)), (1, 1)),
    ("minus 10000", "y ~ " + " - ".join(f"x{i}" for i in range(1, 10001)), (1, 1)),
    ("plus 10000 - 1", "y ~ " + " + ".join(f"x{i}" for i in range(1, 10001)) + " - 1", (10000, 0)),
    ("in 2000", "y ~ " + " %in% ".join(f"x{i}" for i in range(1, 2001)), (1, 1)),
    ("slash 200", "y ~ " + "/".join(f"x{i}" for i in range(1, 201)), (200, 1)),
    ("bars 5000", "y ~ " + " + ".join(f"x{i}" for i in range(1, 5001)) + " + (1 | g) + (x1 | h)", None),
]


@pytest.mark.parametrize("shape,text,r_terms", DEEP, ids=[c[0] for c in DEEP])
def test_deep_trees_go_through_every_walk(shape, text, r_terms):
    f = parse_formula(text)
    again = parse_formula(deparse(f))
    assert again == f and hash(again) == hash(f)  # deparse is R's text, equality/hash iterative
    assert pickle.loads(pickle.dumps(f)) == f and copy.deepcopy(f) == f
    assert repr(f.rhs).count("(") >= 1
    fixed = no_bars(f)
    model_frame_formula = sub_bars(f)
    bars = find_bars(f.rhs)
    if r_terms is None:  # lme4: findbars(f) gives the two bars, nobars(f) the 5000 terms
        assert [str(b) for b in bars] == ["1 | g", "x1 | h"]
        assert len(terms(fixed).term_labels) == 5000
        assert len(terms(model_frame_formula).variables) == 5003
        return
    assert fixed == f and model_frame_formula == f and bars == []
    if isinstance(r_terms, str):
        with pytest.raises(FormulaError, match=r_terms):
            terms(f)
        return
    t = terms(f)
    assert (len(t.term_labels), int(t.intercept)) == r_terms


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


# R: terms(y ~ x1 + ... + xN) takes about a minute for N = 10,000 (quadratic) and fails with
# "protect(): protection stack overflow" from N = 16,658 (R's pointer-protection stack);
# pylme is linear and has no such stack, so it also takes the larger sizes.
@pytest.mark.parametrize("n_terms", [600, 10000, 16657, 30000])
def test_many_terms_in_linear_time(n_terms):
    text = "y ~ " + " + ".join(f"x{i}" for i in range(1, n_terms + 1)) + " + (1 | g)"

    def everything():
        f = parse_formula(text)
        t = terms(no_bars(f))
        assert len(t.term_labels) == n_terms and t.term_labels[-1] == f"x{n_terms}"
        assert len(terms(sub_bars(f)).variables) == n_terms + 2
        assert [str(b) for b in find_bars(f)] == ["1 | g"]
        assert deparse(f) == text.replace("(1|g)", "(1 | g)")
        assert len(t.factors) == n_terms + 1 if n_terms <= 10000 else True

    assert _seconds(everything) < 4.0 + n_terms / 1000  # measured: 0.7 s for 10,000 terms


# R: length(attr(terms(y ~ x1*x2*...*xk), "term.labels")) is 2^k - 1 (k = 10: 1023 in 0.01 s,
# k = 15: 32767 in 14 s); k = 18 does not finish within a minute.
@pytest.mark.parametrize("k", [2, 3, 5, 8, 10, 12, 15])
def test_products_expand_as_r(k):
    t = terms(parse_formula("y ~ " + "*".join(f"x{i}" for i in range(1, k + 1))))
    assert len(t.term_labels) == 2**k - 1
    assert t.order[-1] == k and t.term_labels[-1] == ":".join(f"x{i}" for i in range(1, k + 1))


@pytest.mark.parametrize(
    "text",
    ["y ~ " + "*".join(f"x{i}" for i in range(1, 19)),
     "y ~ " + "*".join(f"x{i}" for i in range(1, 31)),
     "y ~ (" + " + ".join(f"x{i}" for i in range(1, 31)) + ")^30",
     "y ~ (" + " + ".join(f"x{i}" for i in range(1, 601)) + ")^2",
     "y ~ (" + " + ".join(f"a{i}" for i in range(1, 501)) + "):(" + " + ".join(f"b{i}" for i in range(1, 501)) + ")"],
    ids=["x1*...*x18", "x1*...*x30", "(x1+...+x30)^30", "(x1+...+x600)^2", "(a1+...+a500):(b1+...+b500)"],
)
def test_explosive_expansions_fail_fast(text):
    """Beyond MAX_TERMS terms a FormulaError comes at once (R would run for minutes to hours)."""
    start = time.perf_counter()
    with pytest.raises(FormulaError, match=f"more than pylme's limit of {MAX_TERMS}"):
        terms(parse_formula(text))
    assert time.perf_counter() - start < 5.0


# R: deparse(as.formula(text)), whose default width.cutoff = 60 gives lme4's "Formula:" lines.
DEPARSE_LINES = [
    ("y ~ " + " + ".join(f"x{i}" for i in range(1, 31)) + " + (1 | g)",
     ["y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + ",
      "    x12 + x13 + x14 + x15 + x16 + x17 + x18 + x19 + x20 + x21 + ",
      "    x22 + x23 + x24 + x25 + x26 + x27 + x28 + x29 + x30 + (1 | ",
      "    g)"]),
    ("y ~ " + " + ".join(f"log(x{i}, base = 2)" for i in range(1, 13)) + " + (1 + xx | g)",
     ["y ~ log(x1, base = 2) + log(x2, base = 2) + log(x3, base = 2) + ",
      "    log(x4, base = 2) + log(x5, base = 2) + log(x6, base = 2) + ",
      "    log(x7, base = 2) + log(x8, base = 2) + log(x9, base = 2) + ",
      "    log(x10, base = 2) + log(x11, base = 2) + log(x12, base = 2) + ",
      "    (1 + xx | g)"]),
    ("y ~ f(aaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbb, ccccccccccccccccccccccccc, ddddddddddddddddddddd, eeeeeeeeeeeeeeeeee, ffffffffff)",
     ["y ~ f(aaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbb, ccccccccccccccccccccccccc, ",
      "    ddddddddddddddddddddd, eeeeeeeeeeeeeeeeee, ffffffffff)"]),
    ("Reaction ~ Days + I(Days^2) + I(Days^3) + log(Days + 1) + (1 | Subject)",
     ["Reaction ~ Days + I(Days^2) + I(Days^3) + log(Days + 1) + (1 | ",
      "    Subject)"]),
    ("y ~ " + ":".join(f"a{i}" for i in range(1, 26)),
     ["y ~ a1:a2:a3:a4:a5:a6:a7:a8:a9:a10:a11:a12:a13:a14:a15:a16:a17:a18:a19:a20:a21:a22:a23:a24:a25"]),
    ("y ~ " + "/".join(f"a{i}" for i in range(1, 26)),
     ["y ~ a1/a2/a3/a4/a5/a6/a7/a8/a9/a10/a11/a12/a13/a14/a15/a16/a17/a18/a19/a20/a21/a22/a23/a24/a25"]),
    ("y ~ " + " %in% ".join(f"a{i}" for i in range(1, 26)),
     ["y ~ a1 %in% a2 %in% a3 %in% a4 %in% a5 %in% a6 %in% a7 %in% a8 %in% ",
      "    a9 %in% a10 %in% a11 %in% a12 %in% a13 %in% a14 %in% a15 %in% ",
      "    a16 %in% a17 %in% a18 %in% a19 %in% a20 %in% a21 %in% a22 %in% ",
      "    a23 %in% a24 %in% a25"]),
    ("~" + " * ".join(f"variable_number_{i}" for i in range(1, 9)),
     ["~variable_number_1 * variable_number_2 * variable_number_3 * ",
      "    variable_number_4 * variable_number_5 * variable_number_6 * ",
      "    variable_number_7 * variable_number_8"]),
    ("y ~ f(g(aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccc, dddddddddddddddddddd), h(eeeeeeeeeeeeeeeeeeeee, fffffffffffffffffffff, gggggggggggggggggggg), iiiiiiiiiiiiiiiiii)",
     ["y ~ f(g(aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccc, ",
      "    dddddddddddddddddddd), h(eeeeeeeeeeeeeeeeeeeee, fffffffffffffffffffff, ",
      "    gggggggggggggggggggg), iiiiiiiiiiiiiiiiii)"]),
    ("y ~ a_very_long_variable_name_that_goes_on_and_on_and_on_forever_and_ever + b",
     ["y ~ a_very_long_variable_name_that_goes_on_and_on_and_on_forever_and_ever + ",
      "    b"]),
    ("y ~ " + " - ".join(f"-x{i}" for i in range(1, 21)),
     ["y ~ -x1 - -x2 - -x3 - -x4 - -x5 - -x6 - -x7 - -x8 - -x9 - -x10 - ",
      "    -x11 - -x12 - -x13 - -x14 - -x15 - -x16 - -x17 - -x18 - -x19 - ",
      "    -x20"]),
    ("y ~ (" + " + ".join(f"x{i}" for i in range(1, 21)) + ") * (" + " + ".join(f"z{i}" for i in range(1, 21)) + ")",
     ["y ~ (x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + ",
      "    x12 + x13 + x14 + x15 + x16 + x17 + x18 + x19 + x20) * (z1 + ",
      "    z2 + z3 + z4 + z5 + z6 + z7 + z8 + z9 + z10 + z11 + z12 + ",
      "    z13 + z14 + z15 + z16 + z17 + z18 + z19 + z20)"]),
    ("y ~ poly(Days, degree = 3, raw = TRUE) + scale(Days, center = TRUE, scale = FALSE) + (poly(Days, 2) | Subject)",
     ["y ~ poly(Days, degree = 3, raw = TRUE) + scale(Days, center = TRUE, ",
      "    scale = FALSE) + (poly(Days, 2) | Subject)"]),
    ("y ~ " + " & ".join(f"x{i} == {i}" for i in range(1, 21)),
     ["y ~ x1 == 1 & x2 == 2 & x3 == 3 & x4 == 4 & x5 == 5 & x6 == 6 & ",
      "    x7 == 7 & x8 == 8 & x9 == 9 & x10 == 10 & x11 == 11 & x12 == ",
      "    12 & x13 == 13 & x14 == 14 & x15 == 15 & x16 == 16 & x17 == ",
      "    17 & x18 == 18 & x19 == 19 & x20 == 20"]),
    ("cbind(successes_in_the_trial, failures_in_the_trial) ~ treatment_group * time_period + (1 | subject_identifier)",
     ["cbind(successes_in_the_trial, failures_in_the_trial) ~ treatment_group * ",
      "    time_period + (1 | subject_identifier)"]),
    ("y ~ I(" + " + ".join(f"x{i}" for i in range(1, 31)) + ")",
     ["y ~ I(x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + ",
      "    x12 + x13 + x14 + x15 + x16 + x17 + x18 + x19 + x20 + x21 + ",
      "    x22 + x23 + x24 + x25 + x26 + x27 + x28 + x29 + x30)"]),
]


@pytest.mark.parametrize("text,lines", DEPARSE_LINES, ids=range(len(DEPARSE_LINES)))
def test_deparse_lines_as_r(text, lines):
    f = parse_formula(text)
    assert list(deparse_lines(f)) == lines
    assert deparse(f) == "".join(line.removeprefix("    ") if i else line for i, line in enumerate(lines))


_DATA = pd.DataFrame({"x": [1.0, 2.0, 4.0, -3.0], "y": [1.0, 3.0, 2.0, 5.0]})


# (variable expression, its value for x = (1, 2, 4, -3)).  R: model.frame(y ~ expr, d)[[2]] at top
# level for the first three.  R's evaluator stops near its expressions limit (options(expressions =
# 5000): "evaluation nested too deeply: infinite recursion / options(expressions=)?" for the sum of
# 5000 terms; where exactly depends on how deep the caller already is), pylme does not.
EVALUATIONS = [
    ("I(" + "-" * 4977 + "x)", [-1.0, -2.0, -4.0, 3.0]),
    ("I(" + "-" * 1000 + "x)", [1.0, 2.0, 4.0, -3.0]),
    ("I(" + " + ".join(["x"] * 1000) + ")", [1000.0, 2000.0, 4000.0, -3000.0]),
    ("I(" + "-" * 9993 + "x)", [-1.0, -2.0, -4.0, 3.0]),
    ("I(" + " + ".join(["x"] * 10000) + ")", [10000.0, 20000.0, 40000.0, -30000.0]),
    ("I(" + " * ".join(["x"] * 3) + " - " + " - ".join(["x"] * 5000) + ")", [-4999.0, -9992.0, -19936.0, 14973.0]),
    ("exp(log(" * 24 + "abs(x) + 10" + "))" * 24, None),  # 49 nested calls (R allows 50)
]


@pytest.mark.parametrize("expression,expected", EVALUATIONS, ids=range(len(EVALUATIONS)))
def test_deep_variable_expressions_evaluate(expression, expected):
    f = parse_formula("y ~ " + expression)
    frame = model_frame(f, _DATA)
    values = np.asarray(frame.column(f.rhs).values, dtype=float).reshape(-1)
    if expected is None:  # nested calls: the same C-library computation done directly
        want = [abs(x) + 10 for x in _DATA.x]
        for _ in range(24):
            want = [math.exp(math.log(v)) for v in want]
        np.testing.assert_array_equal(values, want)
    else:
        np.testing.assert_array_equal(values, expected)


@pytest.mark.parametrize("minus_signs", [2, 2000, 9990])
def test_lmer_with_a_deep_fixed_term(minus_signs):
    """An even number of minus signs is the identity: the fit is Reaction ~ Days + (1 | Subject)'s.

    (lme4 itself stops from about 620 nested signs with "C stack usage ... too close to the
    limit" in its recursive formula helpers under R's default 8 MB stack.)"""
    ss = pylme.datasets.load("sleepstudy")
    plain = pylme.lmer("Reaction ~ Days + (1 | Subject)", ss)
    deep = pylme.lmer("Reaction ~ I(" + "-" * minus_signs + "Days) + (1 | Subject)", ss)
    np.testing.assert_allclose(deep.theta, plain.theta, rtol=1e-10)
    np.testing.assert_allclose(deep.beta, plain.beta, rtol=1e-10)
    assert deep.REMLcrit() == pytest.approx(plain.REMLcrit(), rel=1e-12)
    assert pickle.loads(pickle.dumps(deep)).inputs.formula == deep.inputs.formula


# R: capture.output(print(lmer(f, sleepstudy))) — the "Formula:" lines are cat("Formula:",
# deparse(formula(fit)), fill = TRUE) of these deparse() lines (|| expanded as lme4 stores it).
FORMULA_LINES = [
    ("Reaction ~ Days + I(Days^2) + I(Days^3) + log(Days + 1) + (1 | Subject)",
     ("Reaction ~ Days + I(Days^2) + I(Days^3) + log(Days + 1) + (1 | ", "    Subject)")),
    ("Reaction ~ Days + (Days || Subject)", ("Reaction ~ Days + ((1 | Subject) + (0 + Days | Subject))",)),
    ("Reaction ~ Days | Subject", ("Reaction ~ Days | Subject",)),
]


@pytest.mark.parametrize("text,lines", FORMULA_LINES, ids=[c[0] for c in FORMULA_LINES])
def test_formula_lines_of_the_fit(text, lines):
    from pylme.design.lformula import l_formula

    assert l_formula(text, pylme.datasets.load("sleepstudy")).formula_lines == lines


_THIRTY = parse_formula("y ~ " + " + ".join(f"x{i}" for i in range(1, 31)) + " + (1 | g)")


# (width.cutoff, R's warning?, length(d), nchar(d[1])) — R: d <- deparse(f, width.cutoff = w) for
# f <- y ~ x1 + ... + x30 + (1 | g); invalid values warn "invalid 'cutoff' value for 'deparse',
# using default" and use 60.
CUTOFFS = [(20, False, 10, 24), (20.7, False, 10, 24), ("30", False, 7, 34), (500, False, 1, 182),
           (19.99, True, 4, 61), (501, True, 4, 61), (True, True, 4, 61), (float("nan"), True, 4, 61),
           (None, True, 4, 61), ("abc", True, 4, 61)]


@pytest.mark.parametrize("cutoff,warns,n_lines,first", CUTOFFS, ids=[repr(c[0]) for c in CUTOFFS])
def test_width_cutoff_read_as_r(cutoff, warns, n_lines, first):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lines = deparse_lines(_THIRTY, width_cutoff=cutoff)
    assert (len(lines), len(lines[0])) == (n_lines, first)
    messages = [str(w.message) for w in caught]
    assert messages == (["invalid 'cutoff' value for 'deparse', using default"] if warns else [])


def test_width_cutoff_20_lines_as_r():
    """R: deparse(f, width.cutoff = 20)."""
    assert deparse_lines(_THIRTY, width_cutoff=20) == (
        "y ~ x1 + x2 + x3 + x4 + ", "    x5 + x6 + x7 + x8 + ", "    x9 + x10 + x11 + ",
        "    x12 + x13 + x14 + ", "    x15 + x16 + x17 + ", "    x18 + x19 + x20 + ",
        "    x21 + x22 + x23 + ", "    x24 + x25 + x26 + ", "    x27 + x28 + x29 + ", "    x30 + (1 | g)")
