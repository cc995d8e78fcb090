"""A bar without parentheses is read as lme4 reads it.

``|`` binds more loosely than ``+`` in R's grammar, so ``y ~ x1 + x2 | ff`` is
``y ~ (x1 + x2) | ff``: lme4's ``findbars`` sees the one random term ``x1 + x2 | ff`` and
the fixed part is intercept-only.  Every expected value below is lme4 1.1-31's (R 4.2.2),
printed by the R expressions named in each table's comment.
"""

from __future__ import annotations

import numpy as np
import pytest

import pylme
from pylme.design.lformula import l_formula
from pylme.errors import FormulaError
from pylme.formula import deparse, find_bars, no_bars, parse_formula, sub_bars
from pylme.formula.bars import expand_double_verts_formula

# (formula,
#  sapply(findbars(f), deparse),
#  deparse(f2) after f2 <- f; RHSForm(f2) <- nobars(RHSForm(f2))   (the fixed part, as lFormula makes it),
#  deparse(subbars(f)),
#  deparse(f3) after f3[[length(f3)]] <- expandDoubleVerts(f3[[length(f3)]])   (the formula lmer stores))
FORMULAS = [
    ("y ~ 1 | g", ["1 | g"], "y ~ 1", "y ~ 1 + g", "y ~ 1 | g"),
    ("y ~ x1 + x2 | ff", ["x1 + x2 | ff"], "y ~ 1", "y ~ x1 + x2 + ff", "y ~ x1 + x2 | ff"),
    ("y ~ x + 0 + x2 | h", ["x + 0 + x2 | h"], "y ~ 1", "y ~ x + 0 + x2 + h", "y ~ x + 0 + x2 | h"),
    ("Reaction ~ Days | Subject", ["Days | Subject"], "Reaction ~ 1", "Reaction ~ Days + Subject",
     "Reaction ~ Days | Subject"),
    ("y ~ 0 + x | g", ["0 + x | g"], "y ~ 1", "y ~ 0 + x + g", "y ~ 0 + x | g"),
    ("y ~ x | g/h", ["x | h:g", "x | g"], "y ~ 1", "y ~ x + g/h", "y ~ x | g/h"),
    ("y ~ x | g:h", ["x | g:h"], "y ~ 1", "y ~ x + g:h", "y ~ x | g:h"),
    ("y ~ x * z | g", ["x * z | g"], "y ~ 1", "y ~ x * z + g", "y ~ x * z | g"),
    ("y ~ -1 + x | g", ["-1 + x | g"], "y ~ 1", "y ~ -1 + x + g", "y ~ -1 + x | g"),
    ("y ~ log(x) + I(x^2) | g", ["log(x) + I(x^2) | g"], "y ~ 1", "y ~ log(x) + I(x^2) + g",
     "y ~ log(x) + I(x^2) | g"),
    ("y ~ x || g", ["1 | g", "0 + x | g"], "y ~ 1", "y ~ x + g", "y ~ (1 | g) + (0 + x | g)"),
    ("y ~ x1 + x2 || ff", ["1 | ff", "0 + x1 | ff", "0 + x2 | ff"], "y ~ 1", "y ~ x1 + x2 + ff",
     "y ~ (1 | ff) + (0 + x1 | ff) + (0 + x2 | ff)"),
    ("y ~ x | g + h", ["x | g + h"], "y ~ 1", "y ~ x + (g + h)", "y ~ x | g + h"),
    ("~ x | g", ["x | g"], "~1", "~x + g", "~x | g"),
    ("log(y) ~ poly(x, 2) | g", ["poly(x, 2) | g"], "log(y) ~ 1", "log(y) ~ poly(x, 2) + g",
     "log(y) ~ poly(x, 2) | g"),
    ("y ~ x + z | g/h/k", ["x + z | k:(h:g)", "x + z | h:g", "x + z | g"], "y ~ 1", "y ~ x + z + g/h/k",
     "y ~ x + z | g/h/k"),
    ("y ~ (x | g)", ["x | g"], "y ~ 1", "y ~ (x + g)", "y ~ (x | g)"),
    ("y ~ ((x | g))", ["x | g"], "y ~ 1", "y ~ ((x + g))", "y ~ ((x | g))"),
    ("y ~ 1 + (x | g)", ["x | g"], "y ~ 1", "y ~ 1 + (x + g)", "y ~ 1 + (x | g)"),
    ("y ~ x:z | g", ["x:z | g"], "y ~ 1", "y ~ x:z + g", "y ~ x:z | g"),
    ("y ~ a & b | g", ["a & b | g"], "y ~ 1", "y ~ (a & b) + g", "y ~ a & b | g"),
]


@pytest.mark.parametrize("text,bars,fixed,model_frame,stored", FORMULAS, ids=[c[0] for c in FORMULAS])
def test_bars_as_lme4(text, bars, fixed, model_frame, stored):
    f = parse_formula(text)
    assert [str(b) for b in find_bars(f.rhs)] == bars
    assert deparse(no_bars(f)) == fixed
    assert deparse(sub_bars(f)) == model_frame
    assert deparse(expand_double_verts_formula(f)) == stored


# lme4 then fails in model.matrix ("model frame and formula mismatch in model.matrix()",
# checked with lmer(f, sleepstudy) for the first two): pylme refuses a bar inside a bar's term.
NESTED = ["Reaction ~ Days + (1 | Subject) | g2", "Reaction ~ Days | Subject | g2", "y ~ a + (b | c) + d | e",
          "y ~ x | (1 | g)", "y ~ x || g | h"]


@pytest.mark.parametrize("text", NESTED)
def test_bar_inside_a_bare_bar_is_refused(text):
    with pytest.raises(FormulaError, match=r"a random-effects term may contain only one '\|'"):
        find_bars(parse_formula(text).rhs)


# (formula, REML,
#  getME(fit, "theta"), REMLcrit(fit) or deviance(fit) for ML, sigma(fit), fixef(fit),
#  the "Formula:" line of print(fit), getME(fit, "cnms"))   for fit <- lmer(f, sleepstudy, REML = REML)
FITS = [
    ("Reaction ~ Days | Subject", True, [0.99747210048101698, -0.084934332718054076, 0.45822838024960538],
     1769.8449038626043, 25.591811477592074, {"(Intercept)": 257.76216835706634},
     "Formula: Reaction ~ Days | Subject", [("Subject", ("(Intercept)", "Days"))]),
    ("Reaction ~ 1 | Subject", True, [0.80783103775588005], 1904.3265170722129, 44.259068867758636,
     {"(Intercept)": 298.50789166666573}, "Formula: Reaction ~ 1 | Subject", [("Subject", ("(Intercept)",))]),
    ("Reaction ~ Days || Subject", True, [0.96485119173746869, 0.46365673848574068], 1769.9650430604067,
     25.605658900818213, {"(Intercept)": 253.91917763353533},
     "Formula: Reaction ~ (1 | Subject) + (0 + Days | Subject)",
     [("Subject", ("(Intercept)",)), ("Subject", ("Days",))]),
    ("Reaction ~ 0 + Days | Subject", True, [0.42114324380499174], 1789.2289804050235, 29.064229924420307,
     {"(Intercept)": 254.41826877773687}, "Formula: Reaction ~ 0 + Days | Subject", [("Subject", ("Days",))]),
    ("Reaction ~ Days | Subject", False, [0.96185317436698292, -0.088079307786917874, 0.45763616526509965],
     1775.4758819621204, 25.591822388523653, {"(Intercept)": 257.76210814397837},
     "Formula: Reaction ~ Days | Subject", [("Subject", ("(Intercept)", "Days"))]),
    ("log(Reaction) ~ Days | Subject", True, [1.3602019719368226, -0.14543077180578604, 0.44399539882160083],
     -282.64054602790344, 0.081162169478836907, {"(Intercept)": 5.5669414073827284},
     "Formula: log(Reaction) ~ Days | Subject", [("Subject", ("(Intercept)", "Days"))]),
]


@pytest.fixture(scope="module")
def sleepstudy():
    return pylme.datasets.load("sleepstudy")


@pytest.mark.parametrize("text,reml,theta,crit,sigma,beta,line,cnms", FITS,
                         ids=[f"{c[0]} REML={c[1]}" for c in FITS])
def test_fit_as_lme4(sleepstudy, text, reml, theta, crit, sigma, beta, line, cnms):
    m = pylme.lmer(text, sleepstudy, REML=reml, data_name="sleepstudy")
    assert m.problem.objective(np.array(theta)) == pytest.approx(crit, rel=1e-10)
    achieved = m.REMLcrit() if reml else m.deviance()
    assert achieved <= crit + 1e-6
    np.testing.assert_allclose(m.theta, theta, rtol=1e-5, atol=1e-7)
    assert m.sigma == pytest.approx(sigma, rel=1e-5)
    assert dict(m.fixef()) == pytest.approx(beta, rel=1e-6)
    assert str(m).splitlines()[1] == line
    assert m.getME("cnms") == cnms


@pytest.mark.parametrize("text", ["Reaction ~ Days | Subject", "Reaction ~ 1 | Subject", "Reaction ~ 0 + Days | Subject"])
def test_fixed_part_is_intercept_only(sleepstudy, text):
    """lme4: colnames(lFormula(f, sleepstudy)$X) is "(Intercept)" for every bare-bar formula."""
    inputs = l_formula(text, sleepstudy)
    assert inputs.X_columns == ("(Intercept)",)
    assert inputs.formula_text == text


def test_one_sided_bare_bar_still_needs_a_response(sleepstudy):
    """lme4: lmer(~ Days | Subject, sleepstudy) stops on its checkLHS test."""
    with pytest.raises(FormulaError, match=r"!checkLHS \|\| length\(as.formula"):
        pylme.lmer("~ Days | Subject", sleepstudy)
