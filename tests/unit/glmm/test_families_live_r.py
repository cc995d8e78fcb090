"""Families against a live R/lme4 on fresh random inputs (skipped without R; ``needs_r``).

The frozen tests (test_families.py) pin R's values; this one draws new y, μ and weights
each run and asks lme4's own C++ family (``lme4:::glmFamily$new``) for V(μ), the deviance
residuals and the ``aic``, and R's ``dpois`` for its warnings.
"""

import numpy as np
import pytest

from family_refs import max_rel_diff, same_bits
from pylme.families import Gamma, binomial, gaussian, inverse_gaussian, negative_binomial, poisson

pytestmark = pytest.mark.needs_r


def _r_vec(x) -> str:
    return "c(" + ", ".join(float(v).hex() for v in np.asarray(x, float)) + ")"


def _r_doubles(r_session, code: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in r_session.get(code).value.values], dtype=float)


FAMILIES = [("binomial()", binomial()), ("binomial('probit')", binomial("probit")),
            ("poisson()", poisson()), ("Gamma('log')", Gamma("log")),
            ("inverse.gaussian()", inverse_gaussian()), ("gaussian('log')", gaussian("log")),
            ("MASS::negative.binomial(1.7)", negative_binomial(1.7))]


@pytest.mark.parametrize("r_family, fam", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_random_inputs_match_lme4(r_session, r_family, fam):
    rng = np.random.default_rng()
    size = 200
    if fam.family == "binomial":
        n = rng.integers(1, 30, size).astype(float)
        y = rng.binomial(n.astype(int), 0.3) / n
        mu = rng.uniform(0.01, 0.99, size)
        wt = n
    else:
        n = np.ones(size)
        mu = rng.gamma(2.0, 3.0, size)
        y = rng.poisson(mu).astype(float) if fam.family in ("poisson",) or fam.theta else rng.gamma(2.0, mu / 2.0)
        wt = rng.choice([0.5, 1.0, 2.0], size)
    r_session.run(f"gf <- lme4:::glmFamily$new(family = {r_family}); y <- {_r_vec(y)}; n <- {_r_vec(n)}; "
                  f"mu <- {_r_vec(mu)}; wt <- {_r_vec(wt)}; dr <- gf$devResid(y, mu, wt)")
    assert same_bits(fam.variance(mu), _r_doubles(r_session, "gf$variance(mu)"))
    dr = _r_doubles(r_session, "dr")
    assert same_bits(fam.dev_resids(y, mu, wt), dr)
    dev = float(_r_doubles(r_session, "sum(dr)")[0])
    r_aic = _r_doubles(r_session, "gf$aic(y, n, mu, wt, sum(dr))")
    assert max_rel_diff([fam.aic(y, n, mu, wt, dev)], r_aic) <= 1e-12


def test_poisson_warnings_match_r(r_session):
    y = np.array([1.0, 2.5, 4.0, 0.125])
    got = r_session.get(f"lme4:::glmFamily$new(family = poisson())$aic({_r_vec(y)}, rep(1, 4), "
                        "rep(2, 4), rep(1, 4), 1)")
    assert poisson().aic_warnings(y) == got.warnings
