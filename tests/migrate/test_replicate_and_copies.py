"""R's copy-on-modify in translated functions, ``replicate()``, and one-row indexing.

R 4.2.2 values:

* ``d <- data.frame(a = 1:3); v <- replicate(3, { d$a <- d$a + 1; sum(d$a) })`` gives
  ``v`` = 9 9 9 and leaves ``d$a`` = 1 2 3 (each evaluation changes its own copy);
* ``f <- function(x) { x$b <- x$a * 2; x }; r <- f(d)``: ``names(d)`` stays ``"a"``;
* ``sleepstudy[3, "Days"]`` is 2; ``sleepstudy[3, c("Days", "Reaction")]`` a one-row frame;
* ``a <- anova(m0, m1)`` (sleepstudy, ML, ``(1|Subject)`` with and without ``Days``):
  ``a[2, "Pr(>Chisq)"]`` is 3.764461e-27.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pylme.migrate import migrate_source


def _run(source: str) -> dict:
    python = migrate_source(source).python
    assert "TODO" not in python
    scope: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(python, "<migrated>", "exec"), scope)
    return scope


def test_replicate_evaluates_on_copies_and_simplifies():
    scope = _run("d <- data.frame(a = 1:3)\nv <- replicate(3, { d$a <- d$a + 1; sum(d$a) })\n")
    assert list(scope["v"]) == [9, 9, 9]
    assert list(scope["d"]["a"]) == [1, 2, 3]


def test_a_function_changes_its_own_copy_of_an_argument():
    scope = _run("d <- data.frame(a = 1:3)\nf <- function(x) { x$b <- x$a * 2; x }\nr <- f(d)\n")
    assert list(scope["d"].columns) == ["a"]
    assert list(scope["r"]["b"]) == [2, 4, 6]


def test_one_row_and_named_columns():
    scope = _run('library(lme4)\nx <- sleepstudy[3, "Days"]\ny <- sleepstudy[3, c("Days", "Reaction")]\n')
    assert scope["x"] == 2
    assert scope["y"].shape == (1, 2) and list(scope["y"].columns) == ["Days", "Reaction"]


def test_a_cell_of_an_anova_table():
    scope = _run("library(lme4)\n"
                 "m1 <- lmer(Reaction ~ Days + (1|Subject), sleepstudy, REML = FALSE)\n"
                 "m0 <- lmer(Reaction ~ 1 + (1|Subject), sleepstudy, REML = FALSE)\n"
                 "a <- anova(m0, m1)\np <- a[2, \"Pr(>Chisq)\"]\n")
    assert scope["p"] == pytest.approx(3.764461e-27, rel=1e-5)
