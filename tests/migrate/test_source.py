"""R snippets -> the exact Python source (readability: imports, names, idioms)."""

from __future__ import annotations

import pytest

from pylme.migrate import migrate_source

CASES = [
    # auto-printing at top level; assignments and library() print nothing
    ("library(lme4)\nfm <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)\nsummary(fm)\nfm\n",
     'import pylme\nfrom pylme.migrate.rprint import rprint\n\n'
     'sleepstudy = pylme.datasets.load("sleepstudy")\n'
     'fm = pylme.lmer("Reaction ~ Days + (Days | Subject)", sleepstudy, data_name="sleepstudy")\n'
     'rprint(fm.summary())\nrprint(fm)\n'),
    # comments are carried over, trailing ones stay on their line
    ("# header\nx <- 1  # one\n# alone\ny <- x + 1\n",
     "# header\n\nx = 1  # one\n# alone\ny = x + 1\n"),
    # R's precedence: & binds looser than comparisons, ^ is **, %in% is np.isin
    ("ok <- x > 1 & y < 2 | !z\n",
     "ok = (x > 1) & (y < 2) | ~z\n"),
    ("if (a > 1 && !b) d <- 2^k else d <- a %in% s\n",
     "import numpy as np\n\nif a > 1 and not b:\n    d = 2 ** k\nelse:\n    d = np.isin(a, s)\n"),
    # a loop over 1:n keeps R's numbers; indexing by them is shifted to 0-based
    ("x <- c(5, 6, 7)\nfor (i in 1:3) print(x[i])\n",
     "import numpy as np\nfrom pylme.migrate.rprint import rprint\n\n"
     "x = np.array([5, 6, 7])\nfor i in range(1, 3 + 1):\n    rprint(x[i - 1])\n"),
    # data frames: $ columns, logical row filters, column selection
    ('d <- read.csv("d.csv")\nd$z <- d$x * 2\nd2 <- d[d$x > 1, c("x", "z")]\n',
     'import pandas as pd\nfrom pylme.migrate import rbase\n\n'
     'd = pd.read_csv("d.csv", na_values=["NA"], keep_default_na=False).pipe(rbase.blank_to_na)\n'
     'd["z"] = d["x"] * 2\nd2 = d.loc[d["x"] > 1, ["x", "z"]]\n'),
    # pipes become calls; magrittr's dot placeholder
    ("library(magrittr)\ny <- x %>% f(2)\nz <- x %>% g(1, .)\nf <- function(a, b) a + b\ng <- function(a, b) a - b\n",
     "y = f(x, 2)\nz = g(1, x)\n\n\ndef f(a, b):\n    return a + b\n\n\ndef g(a, b):\n    return a - b\n"),
    # R's RNG calls and set.seed -> pylme.rrandom; simulate under set.seed -> rng="R"
    ("set.seed(1)\nx <- rnorm(10, mean = 2)\ns <- simulate(fm, nsim = 2)\n",
     'from pylme import rrandom\n\nrrandom.set_seed(1)\nx = rrandom.rnorm(10, mean=2)\n'
     's = fm.simulate(nsim=2, rng="R")\n'),
    # options(contrasts=) -> pylme.options
    ('op <- options(contrasts = c("contr.sum", "contr.poly"))\noptions(op)\n',
     'import pylme\n\nop = pylme.options(contrasts=("contr.sum", "contr.poly"))\npylme.options(**op)\n'),
    # lm -> statsmodels formula API
    ("fit <- lm(y ~ x, data = d)\ncoef(fit)\n",
     'import statsmodels.formula.api as smf\nfrom pylme.migrate import rbase\n'
     'from pylme.migrate.rprint import rprint\n\n'
     'fit = smf.ols("y ~ x", data=d).fit()\nrprint(rbase.r_names(fit.params, fit))\n'),
]


@pytest.mark.parametrize("r_source, python", CASES)
def test_translation_source(r_source, python):
    result = migrate_source(r_source)
    assert result.todos == ()
    assert result.python == python
