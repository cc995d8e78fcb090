"""R 4.2.2's nmath functions behind the links and the ``aic``: distribution functions and log densities.

Expected values: tests/data/glmm/nmath.json, made by tests/data/glmm/make_families.R
(``pnorm(x)``, ``dnorm(x)``, ``qnorm(p)``, the logistic and Cauchy ones, and
``dbinom``/``dpois``/``dgamma`` with ``log = TRUE`` on wide grids: tails to ±700,
p down to 1e-300, counts to 1e15, λ from 1e-310 to e^40, shapes from e^-5 to e^6).
Everything agrees to the last bit except ``dgamma`` at non-integer shapes, where R's
stored ``ebd0`` table and R's own ``lgammafn`` differ from ours in the last bits
(≤ 1e-13 relative here; the family ``aic`` tests bound the effect).
"""

import numpy as np
import pytest
from scipy import special, stats

from family_refs import hexvec, load, max_rel_diff, same_bits
from pylme.glmm import densities, nmath
from pylme.glmm.sums import sequential_sum

REF = load("nmath")
X = hexvec(REF["x"])
P = hexvec(REF["p"])


@pytest.mark.parametrize("name, arg", [("pnorm", "x"), ("dnorm", "x"), ("qnorm", "p"), ("plogis", "x"),
                                       ("dlogis", "x"), ("qlogis", "p"), ("pcauchy", "x"),
                                       ("dcauchy", "x"), ("qcauchy", "p")])
def test_distribution_functions_bit_for_bit(name, arg):
    assert same_bits(getattr(nmath, name)(X if arg == "x" else P), hexvec(REF[name]))


def test_scipy_would_not_do():
    # why pylme carries R's algorithms: SciPy differs from R where these grids probe
    assert max_rel_diff(special.ndtr(X), hexvec(REF["pnorm"])) > 1e-9
    d = REF["dpois"]
    with np.errstate(all="ignore"):
        sp = stats.poisson.logpmf(hexvec(d["x"]), hexvec(d["lambda"]))
    ref = hexvec(d["log"])
    finite = np.isfinite(sp) & np.isfinite(ref)
    assert max_rel_diff(sp[finite], ref[finite]) > 1e-6


def test_dpois_bit_for_bit():
    d = REF["dpois"]
    got, _ = densities.dpois_log(hexvec(d["x"]), hexvec(d["lambda"]))
    assert same_bits(got, hexvec(d["log"]))


def test_dbinom_bit_for_bit():
    d = REF["dbinom"]
    got, _ = densities.dbinom_log(hexvec(d["x"]), hexvec(d["size"]), hexvec(d["prob"]))
    assert same_bits(got, hexvec(d["log"]))


def test_dgamma():
    d = REF["dgamma"]
    x, shape = hexvec(d["x"]), hexvec(d["shape"])
    got = densities.dgamma_log(x, shape, hexvec(d["scale"]))
    ref = hexvec(d["log"])
    assert max_rel_diff(got, ref) <= 1e-13
    # integer shape - 1 (the Poisson kernel at integer x): exact
    whole = (shape >= 1) & (shape == np.rint(shape))
    assert same_bits(got[whole], ref[whole])


def test_non_integer_masks():
    _, bad = densities.dpois_log([1.0, 2.5, 3.0 + 1e-9, -1.5], [1.0, 1.0, 1.0, 1.0])
    assert bad.tolist() == [False, True, False, True]
    _, bad = densities.dbinom_log([0.5, 1.0], [2.0, 2.0], [0.5, 0.5])
    assert bad.tolist() == [True, False]


def test_stirlerr_table_and_series_meet():
    # exact half-integer table up to 15, the series above: continuous across the switch
    s = densities.stirlerr(np.array([14.5, 15.0, 15.5, 16.0]))
    assert np.all(np.diff(s) < 0) and abs(s[1] - 1 / (12 * 15.0)) < 1e-5


def test_sequential_sum_is_left_to_right():
    x = [1e16, 1.0, 1.0, 1.0, 1.0]
    assert sequential_sum(x) == 1e16  # each 1 is lost against 1e16 (ties to even)
    assert sequential_sum(x[1:] + x[:1]) == 1e16 + 4
    assert sequential_sum([]) == 0.0
