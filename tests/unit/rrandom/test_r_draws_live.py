"""Live check against the R at hand: fresh seeds and parameters (not the frozen ones)."""

from __future__ import annotations

import numpy as np
import pytest

from pylme.rrandom import RRandom

LIVE = [
    (20231, "rnorm(1e5, c(3, -1), 2)", lambda g: g.rnorm(10**5, [3, -1], 2)),
    (777, "rbinom(1e5, c(3, 60, 500), c(0.02, 0.5, 0.97))", lambda g: g.rbinom(10**5, [3, 60, 500], [0.02, 0.5, 0.97])),
    (31337, "rpois(1e5, c(0.7, 8, 11.5, 300))", lambda g: g.rpois(10**5, [0.7, 8, 11.5, 300])),
    (4242, "rgamma(1e5, c(0.2, 1.5, 14), 2)", lambda g: g.rgamma(10**5, [0.2, 1.5, 14], 2)),
    (99, "c(sample(1000), sample(7, 500, TRUE, prob = 1:7), rexp(1000, 4), runif(10))",
     lambda g: np.concatenate([g.sample(1000), g.sample(7, 500, True, np.arange(1, 8)), g.rexp(1000, 4),
                               g.runif(10)])),
]


@pytest.mark.needs_r
@pytest.mark.parametrize("seed, expr, draw", LIVE, ids=[c[1][:20] for c in LIVE])
def test_live_bit_identical(r_session, seed, expr, draw):
    ref = np.asarray(r_session.get(f"set.seed({seed}); as.double({expr})").value.values, dtype=float)
    np.testing.assert_array_equal(np.asarray(draw(RRandom(seed)), dtype=float), ref)
