"""lme4's start θ needs R's ``ave(y, f)`` to the last bit: the vectorised group means equal
:func:`pylme.rstats.r_ave` (the per-group reference) bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from pylme.fit import group_means
from pylme.rstats import r_ave


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("integer", [False, True])
def test_group_means_are_r_ave(seed, integer):
    rng = np.random.default_rng(seed)
    levels = int(rng.integers(1, 300))
    n = int(rng.integers(levels, 20 * levels))
    codes = np.concatenate([np.arange(levels), rng.integers(0, levels, n - levels)])
    rng.shuffle(codes)
    if integer:
        y = rng.integers(-50, 500, n).astype(float)
    else:
        y = rng.normal(300.0, 50.0, n) * 10.0 ** rng.integers(-8, 9, n)  # sums that round
    got = group_means(y, codes, integer)
    np.testing.assert_array_equal(got, r_ave(y, codes, integer))


def test_unused_codes_infinite_values_and_one_big_group():
    codes = np.array([4, 0, 4, 4, 7, 0, 4])
    y = np.array([1e300, 2.0, 1e300, np.inf, 3.0, 0.1, 5.0])
    np.testing.assert_array_equal(group_means(y, codes), r_ave(y, codes))
    big = np.zeros(5000, dtype=np.int64)
    big[:3] = [1, 2, 1]
    y = np.random.default_rng(1).normal(size=5000)
    np.testing.assert_array_equal(group_means(y, big), r_ave(y, big))
