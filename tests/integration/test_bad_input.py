"""Bad input gets a typed pylme error with lme4's wording where lme4 has one.

The lme4 texts are those of lme4 1.1-31 (see ../shared/reference/reliability.md §a,
rows cited per case); pylme-only checks say what is wrong and how to fix it.
"""

import re

import numpy as np
import pytest

import pylme
from pylme.errors import (ControlError, DataError, FormulaError, FormulaSyntaxError, ModelSpecError,
                          PylmeError, UnknownVariableError)

SS = pylme.datasets.load("sleepstudy")
F = "Reaction ~ Days + (1 | Subject)"


def with_nan(column, rows=(3,)):
    values = SS[column].to_numpy(dtype=float).copy()
    values[list(rows)] = np.nan
    return SS.assign(**{column: values})


# (id, call, exception type, message regex); the regex is anchored at the start.
CASES = [
    # data
    ("not-a-dataframe", lambda: pylme.lmer(F, [1, 2, 3]), DataError, r"data must be a pandas DataFrame, got list"),
    ("empty-data", lambda: pylme.lmer(F, SS.iloc[:0]), DataError, r"data has no rows"),
    ("unknown-column", lambda: pylme.lmer("Reaction ~ Dayz + (1|Subject)", SS), UnknownVariableError,
     r"object 'Dayz' not found \(lme4's words\): variable 'Dayz' is not in data; available columns: Reaction, Days, Subject"),
    ("all-rows-na", lambda: pylme.lmer(F, SS.assign(Reaction=np.nan)), DataError, r"0 \(non-NA\) cases$"),  # a.3 #28
    ("infinite-y", lambda: pylme.lmer(F, SS.assign(Reaction=np.inf)), DataError, r"NA/NaN/Inf in 'y'$"),  # #23
    ("infinite-x", lambda: pylme.lmer(F, SS.assign(Days=np.inf)), DataError,
     r"infinite or NaN values in the fixed-effects model matrix, column\(s\) 'Days'"),
    ("na-fail", lambda: pylme.lmer(F, with_nan("Days"), na_action="fail"), DataError, r"missing values in object$"),  # #24
    ("bad-na-action", lambda: pylme.lmer(F, SS, na_action="drop"), DataError, r"na_action must be one of"),
    ("factor-response", lambda: pylme.lmer("Subject ~ Days + (1|Subject)", SS), DataError, r"response must be numeric$"),  # #35
    # weights and offset
    ("negative-weights", lambda: pylme.lmer(F, SS, weights=-np.ones(180)), DataError, r"all\(weights >= 0\) is not TRUE$"),  # #40
    ("zero-weights", lambda: pylme.lmer(F, SS, weights=np.r_[0.0, np.ones(179)]), DataError, r"1 zero weight\(s\)"),
    ("weights-length", lambda: pylme.lmer(F, SS, weights=np.ones(10)), DataError,
     r"variable lengths differ \(found for '\(weights\)'\)"),  # #43
    ("offset-length", lambda: pylme.lmer(F, SS, offset=np.ones(10)), DataError,
     r"variable lengths differ \(found for '\(offset\)'\)"),  # #45
    ("weights-column-missing", lambda: pylme.lmer(F, SS, weights="w"), UnknownVariableError, r"object 'w' not found"),
    ("weights-not-numeric", lambda: pylme.lmer(F, SS, weights=np.array(["a"] * 180)), DataError, r"weights must be numeric"),
    # formula
    ("not-a-string", lambda: pylme.lmer(3, SS), FormulaError, r"formula must be a string"),
    ("syntax-unclosed", lambda: pylme.lmer("Reaction ~ Days + (1|Subject", SS), FormulaSyntaxError,
     r"unexpected end of input\n  Reaction ~ Days \+ \(1\|Subject\n {30}\^"),
    ("syntax-operator", lambda: pylme.lmer("Reaction ~ Days + * (1|Subject)", SS), FormulaSyntaxError,
     r"unexpected '\*'\n  .*\n {20}\^"),
    # a bare bar is lme4's random term (#8, tests/unit/formula/test_bare_bar.py); a bar inside one is
    # refused (lme4: "model frame and formula mismatch in model.matrix()")
    ("bar-inside-a-bare-bar", lambda: pylme.lmer("Reaction ~ Days | Subject | Subject", SS), FormulaError,
     r"a random-effects term may contain only one '\|': \(Days \| Subject \| Subject\)"),
    ("unknown-function", lambda: pylme.lmer("Reaction ~ foo(Days) + (1|Subject)", SS), FormulaError,
     r"unknown function 'foo' in formula: pylme supports I, "),
    ("no-random-effects", lambda: pylme.lmer("Reaction ~ Days", SS), FormulaError,
     r"No random effects terms specified in formula$"),  # #6
    ("one-sided", lambda: pylme.lmer("~ Days + (1|Subject)", SS), FormulaError,
     r"!checkLHS \|\| length\(as.formula\(formula, env = denv\)\) == 3 is not TRUE"),  # #5
    ("dot", lambda: pylme.lmer("Reaction ~ . + (1|Subject)", SS), FormulaError, r"'\.' in a formula is not supported"),
    ("empty-re-term", lambda: pylme.lmer("Reaction ~ Days + (0|Subject)", SS), FormulaError,
     r"random-effects term \(0 \| Subject\) has no columns"),  # #7
    ("grouping-expression", lambda: pylme.lmer("Reaction ~ Days + (1|log(Days))", SS), FormulaError,
     r"Invalid grouping factor specification, log\(Days\)"),  # #9
    # lme4 structure checks (a.2)
    ("one-level", lambda: pylme.lmer(F, SS[SS.Subject == "308"]), ModelSpecError,
     r"grouping factors must have > 1 sampled level$"),  # #15
    ("levels-vs-obs", lambda: pylme.lmer("Reaction ~ Days + (1|obs)", SS.assign(obs=np.arange(180))), ModelSpecError,
     r"number of levels of each grouping factor must be < number of observations \(problems: obs\)$"),  # #17
    ("obs-vs-random-effects", lambda: pylme.lmer("Reaction ~ Days + (Days|Subject)", SS[SS.Days < 2]), ModelSpecError,
     re.escape("number of observations (=36) <= number of random effects (=36) for term (Days | Subject); the "
               "random-effects parameters and the residual variance (or scale parameter) are probably unidentifiable")),  # #18
    ("rank-x-stop", lambda: pylme.lmer("Reaction ~ Days + I(2 * Days) + (1|Subject)", SS,
                                       control=pylme.LmerControl(check_rankX="stop.deficient")), ModelSpecError,
     re.escape("the fixed-effects model matrix is column rank deficient (rank(X) = 2 < 3 = p);\n"
               "the fixed effects will be jointly unidentifiable")),  # #31
    ("scale-stop", lambda: pylme.lmer("Reaction ~ I(Days * 1e6) + (1|Subject)", SS,
                                      control=pylme.LmerControl(check_scaleX="stop")), ModelSpecError,
     r"Some predictor variables are on very different scales: consider rescaling$"),  # #34
    # arguments and control (a.6)
    ("start-length", lambda: pylme.lmer("Reaction ~ Days + (Days|Subject)", SS, start=[1, 2]), ControlError,
     r"incorrect number of theta components \(!=3\)$"),  # #52
    ("start-names", lambda: pylme.lmer(F, SS, start={"Theta": [1]}), ControlError,
     r"incorrect components in start list: Theta$"),  # #53
    ("start-type", lambda: pylme.lmer(F, SS, start="abc"), ControlError,
     r"'start' must be NULL, a numeric vector or named list of such vectors$"),  # #54
    ("control-type", lambda: pylme.lmer(F, SS, control=3), ControlError, r"'control' is not a list; use lmerControl\(\)$"),  # #48
    ("control-level", lambda: pylme.LmerControl(check_nlev_gtr_1="warnign"), ControlError,
     re.escape("invalid control level ‘warnign’ in check.nlev.gtr.1: valid options are "
               "{‘message’,‘warning’,‘stop’,‘ignore’}")),  # #20, R 4.2.2's sQuote (UTF-8)
    ("optimizer-none", lambda: pylme.LmerControl(optimizer="none"), ControlError,
     r"deprecated use of optimizer=='none'; use NULL instead$"),  # #50
    ("optimizer-unknown", lambda: pylme.LmerControl(optimizer="junk"), ControlError,
     r"couldn't find optimizer function junk"),  # #49
    ("devfun-theta-length", lambda: pylme.devfun(F, SS)([1.0, 2.0]), ControlError,
     r"incorrect number of theta components \(!=1\)$"),
]


@pytest.mark.parametrize("call, error, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_typed_error_with_lme4_text(call, error, pattern):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, PylmeError)
    assert re.match(pattern, str(info.value)), str(info.value)


def test_control_as_mapping_is_deprecated_but_accepted():
    with pytest.warns(DeprecationWarning, match=r"^passing control as list is deprecated: please use lmerControl\(\) instead$"):
        fit = pylme.lmer(F, SS, control={"optimizer": "bobyqa"})
    assert fit.opt.optimizer == "bobyqa"


def test_hypothesis_never_leaks_raw_errors():
    """Random junk formulas and frames only ever raise pylme's own errors."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(["Reaction", "Days", "Subject", "~", "+", "-", "*", "/", ":", "|", "||", "(", ")",
                              "1", "0", "log(", "I(", "^2", " ", "x", ","])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(pieces, min_size=1, max_size=12))
    def check(tokens):
        formula = "".join(tokens)
        try:
            pylme.lmer(formula, SS)
        except PylmeError:
            pass

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check()
