"""R's ``match()`` and ``names(x)[i] <- v`` in a migrated script (R 4.2.2).

R: ``match(c("b","z","a"), c("a","b","b"))`` is ``2 NA 1``; ``match("b", c("a","b","b"))``
and ``match(3, c(5,3,3))`` are 2.
"""

from __future__ import annotations

import math

from pylme.migrate import migrate_source


def test_match_first_occurrence_and_na():
    python = migrate_source('x <- match(c("b","z","a"), c("a","b","b"))\ny <- match("b", c("a","b","b"))\n'
                            "z <- match(3, c(5,3,3))\n").python
    scope: dict = {}
    exec(compile(python, "<migrated>", "exec"), scope)
    assert scope["x"][0] == 2 and math.isnan(scope["x"][1]) and scope["x"][2] == 1
    assert scope["y"] == 2 and scope["z"] == 2


def test_names_assignment_with_logical_and_numeric_indices():
    """R: ``names(d)[names(d) == "b"] <- "B"; names(d)[3] <- "C"`` gives "a" "B" "C"."""
    python = migrate_source('d <- data.frame(a = 1:3, b = 4:6, c = 7:9)\nnames(d)[names(d) == "b"] <- "B"\n'
                            'names(d)[3] <- "C"\n').python
    scope: dict = {}
    exec(compile(python, "<migrated>", "exec"), scope)
    assert list(scope["d"].columns) == ["a", "B", "C"]
