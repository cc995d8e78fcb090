"""A long formula prints on deparse()'s lines, as lme4's ``.prt.call`` shows it.

Expected lines from R 4.2.2 + lme4 1.1-31::

    d <- sleepstudy
    for (i in 1:11) d[[paste0("xvariable", i)]] <- sin((seq_len(nrow(d)) - 1) * i)
    f <- as.formula(paste("Reaction ~", paste0("xvariable", 1:11, collapse = " + "),
                          "+ (1|Subject)"))
    capture.output(print(summary(lmer(f, d))))[2:4]   # and print(m)
"""

from __future__ import annotations

import numpy as np
import pytest

import pylme

R_LINES = [
    "Formula: Reaction ~ xvariable1 + xvariable2 + xvariable3 + xvariable4 +  ",
    "    xvariable5 + xvariable6 + xvariable7 + xvariable8 + xvariable9 +  ",
    "    xvariable10 + xvariable11 + (1 | Subject)",
]


@pytest.fixture(scope="module")
def fit():
    data = pylme.datasets.load("sleepstudy")
    for i in range(1, 12):
        data[f"xvariable{i}"] = np.sin(np.arange(len(data)) * i)
    terms = " + ".join(f"xvariable{i}" for i in range(1, 12))
    return pylme.lmer(f"Reaction ~ {terms} + (1|Subject)", data)


@pytest.mark.parametrize("text", [lambda m: str(m.summary()), lambda m: str(m),
                                  lambda m: str(m.summary(ddf="Satterthwaite"))],
                         ids=["summary", "print", "summary-satterthwaite"])
def test_long_formula_lines_are_rs(fit, text):
    lines = text(fit).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Formula:"))
    assert lines[start:start + 3] == R_LINES
