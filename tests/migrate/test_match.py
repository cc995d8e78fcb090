"""R's ``match()`` in a migrated script: first occurrence, NA where absent (R 4.2.2).

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
