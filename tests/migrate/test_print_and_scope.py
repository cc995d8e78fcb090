"""Top-level printing of plots, ``with()``'s visibility, ``<<-`` declarations, ``stop()``
as a value, merge's R order: translations checked by their text and by running them
(values computed by R are in tests/data/migrate/r_values.json, see test_values.py)."""

from __future__ import annotations

import pandas as pd

from pylme.migrate import migrate_source


def _py(code: str) -> str:
    result = migrate_source(code)
    assert result.todos == (), result.python
    return result.python


def test_ggplot_sum_is_a_ggplot_and_autoprints_on_the_device():
    py = _py("library(ggplot2)\np <- ggplot(d, aes(x, y)) + geom_point()\n"
             "q <- p + geom_line()\nq\nprint(p)\n")
    assert "rdev.page(q.draw())" in py and "rdev.page(p.draw())" in py
    assert "print(q)" not in py


def test_with_has_the_visibility_of_its_expression():
    py = _py("with(d, plot(x, y))\nwith(d, mean(x))\n")
    assert "print(ax.set(" not in py
    assert 'print(d["x"].mean(skipna=False))' in py


def test_superassignment_declares_global_and_nonlocal():
    py = _py("n <- 0\nf <- function() {\n  n <<- n + 1\n}\n"
             "g <- function() {\n  k <- 0\n  h <- function() k <<- k + 1\n  h()\n  k\n}\n")
    assert "    global n\n" in py and "nonlocal k" in py
    ns: dict = {}
    exec(compile(py + "f()\nf()\nout = g()\n", "<t>", "exec"), ns)
    assert ns["n"] == 2 and ns["out"] == 1


def test_stop_statement_raises_and_stop_value_is_an_expression():
    py = _py('f <- function(x) {\n  if (x < 0) stop("negative")\n  x\n}\n'
             'g <- function(x) if (x > 0) x else stop("bad: ", x)\n'
             'ok <- TRUE\ny <- if (ok) 1 else stop("never")\n')
    assert 'raise RuntimeError("negative")' in py
    assert 'y = 1 if ok else rbase.stop("never")' in py
    ns: dict = {}
    exec(compile(py, "<t>", "exec"), ns)
    assert ns["g"](2) == 2 and ns["y"] == 1
    for fn, arg in ((ns["f"], -1), (ns["g"], -3)):
        try:
            fn(arg)
        except RuntimeError as exc:
            assert str(exc) in ("negative", "bad: -3")
        else:
            raise AssertionError("no error raised")


def test_character_na_stays_missing():
    py = _py('x <- c("b", NA)\n')
    assert 'np.array(["b", None], dtype=object)' in py
    ns: dict = {}
    exec(compile(py, "<t>", "exec"), ns)
    assert pd.isna(ns["x"][1])
