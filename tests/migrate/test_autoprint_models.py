"""R's auto-print of an lm/glm fit at top level (``m`` alone on a line) in a migrated script.

The expected text is Rscript's stdout (R 4.2.2) for the script below, frozen here.
"""

from __future__ import annotations

import contextlib
import io

from pylme.migrate import migrate_source

SCRIPT = "d <- data.frame(x = 1:10, y = c(2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1, 18.0, 20.2))\nm <- lm(y ~ x, data = d)\nm\ng <- glm(y ~ x, data = d)\ng\n"

R_STDOUT = "\nCall:\nlm(formula = y ~ x, data = d)\n\nCoefficients:\n(Intercept)            x  \n  2.247e-15    2.007e+00  \n\n\nCall:  glm(formula = y ~ x, data = d)\n\nCoefficients:\n(Intercept)            x  \n  2.247e-15    2.007e+00  \n\nDegrees of Freedom: 9 Total (i.e. Null);  8 Residual\nNull Deviance:\t    332.6 \nResidual Deviance: 0.2196 \tAIC: -3.805\n"


def test_autoprinted_lm_and_glm_print_as_r():
    python = migrate_source(SCRIPT).python
    assert "rlm.print_lm(m" in python and "rglm.print_glm(g" in python
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(python, "<migrated>", "exec"), {})
    assert buffer.getvalue() == R_STDOUT
