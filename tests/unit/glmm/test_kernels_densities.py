"""The compiled nmath and density kernels: R's values on R's grids, and the reference's bits elsewhere.

Expected R values: tests/data/glmm/nmath.json (R 4.2.2, tests/data/glmm/make_families.R)
and tests/data/glmm/lgamma.json (R 4.2.2 ``lgamma``, tests/data/glmm/make_lgamma.R), all
to the last bit (``dgamma`` too, now that R's ``lgammafn`` is reproduced).  Everywhere,
including random and extreme arguments, the kernels must give the bits of the NumPy
reference (``pylme.glmm.nmath``, ``pylme.glmm.densities``, ``pylme.glmm.lgamma``), and
R's ``non-integer x`` warnings at the same places.
"""

import numpy as np
import pytest
from scipy import special

from family_refs import hexvec, load, same_bits
from kernel_inputs import SPECIALS, etas
from pylme.glmm import densities, lgamma, nmath
from pylme.glmm import density_kernels as dk
from pylme.glmm import nmath_kernels as nk

REF = load("nmath")
SCALARS = {"pnorm": nk.pnorm1, "dnorm": nk.dnorm1, "plogis": nk.plogis1, "dlogis": nk.dlogis1,
           "pcauchy": nk.pcauchy1, "dcauchy": nk.dcauchy1}
_WHICH = {"dbinom": 0, "dpois": 1, "dgamma": 2}


def _each(fun, x) -> np.ndarray:
    return np.array([fun(float(v)) for v in x])


def _many(name: str, a, b, c=None):
    """A density kernel over arrays: (log density, R's warning mask)."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, 0.0 if c is None else c)))
    a, b, c = (np.ascontiguousarray(v).ravel() for v in (a, b, c))
    out = np.empty(a.size)
    warns = np.zeros(a.size, dtype=np.bool_)
    consts, table = dk.constants()
    dk.densities_many(_WHICH[name], a, b, c, consts, table, out, warns)
    return out, warns


@pytest.mark.parametrize("name", SCALARS)
def test_distribution_kernels_on_r_grid(name):
    assert same_bits(_each(SCALARS[name], hexvec(REF["x"])), hexvec(REF[name]))


@pytest.mark.parametrize("name", SCALARS)
def test_distribution_kernels_equal_reference(name):
    x = etas(np.random.default_rng(7))
    with np.errstate(all="ignore"):
        assert same_bits(_each(SCALARS[name], x), getattr(nmath, name)(x))


def test_dbinom_and_dpois_on_r_grid():
    d = REF["dbinom"]
    got, _ = _many("dbinom", hexvec(d["x"]), hexvec(d["size"]), hexvec(d["prob"]))
    assert same_bits(got, hexvec(d["log"]))
    d = REF["dpois"]
    got, _ = _many("dpois", hexvec(d["x"]), hexvec(d["lambda"]))
    assert same_bits(got, hexvec(d["log"]))


def test_dgamma_on_r_grid():
    d = REF["dgamma"]
    x, shape, scale = hexvec(d["x"]), hexvec(d["shape"]), hexvec(d["scale"])
    got, _ = _many("dgamma", x, shape, scale)
    assert same_bits(got, hexvec(d["log"]))  # non-integer shapes included: R's lgammafn
    assert same_bits(densities.dgamma_log(x, shape, scale), got)


def test_r_lgamma_on_r_grid():
    d = load("lgamma")
    x, ref = hexvec(d["x"]), hexvec(d["lgamma"])
    assert same_bits(lgamma.r_lgamma(x), ref)
    consts, _ = dk.constants()
    assert same_bits(_each(lambda v: dk.r_lgamma1(v, consts), x), ref)
    # the C library's lgamma is not R's: why pylme carries R's algorithm
    assert not same_bits(densities.c_lgamma(x[(x > 1) & (x < 16)]), ref[(x > 1) & (x < 16)])


def test_r_lgamma_domain_and_series():
    consts, _ = dk.constants()
    for v in (0.0, -1.0, -0.5, np.nan):
        assert np.isnan(lgamma.r_lgamma(v)) and np.isnan(dk.r_lgamma1(v, consts))
    assert lgamma.r_lgamma(np.inf) == dk.r_lgamma1(np.inf, consts) == np.inf
    gamcs, algmcs = lgamma.gamma_series()
    assert gamcs.size == lgamma.GAMMA_TERMS and algmcs.size == lgamma.DELTA_TERMS
    # the series reproduce Γ on their ranges: Γ(1 + y) = 15/16 + Σ' c_k T_k(2y − 1)
    y = np.linspace(0, 1, 11)
    assert np.allclose(lgamma.chebyshev_eval(2 * y - 1, gamcs) + 0.9375, special.gamma(1 + y), rtol=1e-15)


def _grid(rng, *columns):
    """Every combination of the columns' values (a Cartesian grid), flattened."""
    mesh = np.meshgrid(*columns, indexing="ij")
    return [m.ravel() for m in mesh]


COUNTS = np.array([0.0, 1.0, 2.0, 3.0, 7.0, 10.0, 15.0, 16.0, 35.0, 36.0, 80.0, 81.0, 500.0, 501.0,
                   1e3, 12345.0, 1e7, 2 ** 53, 1e15, 1e300, 0.5, 2.5, 3.0 + 1e-9, 3.0 + 1e-6, -1.0, -0.5])


def test_dbinom_equals_reference(rng=np.random.default_rng(11)):
    probs = np.concatenate([[0.0, 1.0, 1e-300, 1e-17, 0.05, 0.1, 0.0999999, 0.5, 0.9, 0.9000001,
                             1 - 1e-16, 1 - 2 ** -53, -0.1, 1.1], rng.random(8), SPECIALS[:3]])
    x, n, p = _grid(rng, COUNTS, np.concatenate([COUNTS, [np.nan, np.inf]]), probs)
    keep = rng.random(x.size) < 0.5  # half of the grid, and x ≤ n rows where it matters most
    x, n, p = (np.concatenate([x[keep], np.minimum(x, n)]), np.concatenate([n[keep], n]),
               np.concatenate([p[keep], p]))
    got, warns = _many("dbinom", x, n, p)
    ref, ref_warns = densities.dbinom_log(x, n, p)
    assert same_bits(got, ref)
    assert np.array_equal(warns, ref_warns)


def test_dpois_equals_reference(rng=np.random.default_rng(12)):
    lams = np.concatenate([[0.0, 1e-310, 1e-300, 1e-10, 0.5, 1.0, 2.5, 10.0, 1e5, 1e15, 1e300, np.inf, -1.0,
                            np.nan], np.exp(rng.normal(0, 5, 10))])
    x, lam = _grid(rng, np.concatenate([COUNTS, [np.nan, np.inf]]), lams)
    near = rng.poisson(50.0, 500).astype(float)  # counts near λ: ebd0's table rows
    x, lam = np.concatenate([x, near]), np.concatenate([lam, rng.uniform(40, 60, 500)])
    got, warns = _many("dpois", x, lam)
    ref, ref_warns = densities.dpois_log(x, lam)
    assert same_bits(got, ref)
    assert np.array_equal(warns, ref_warns)


def test_dgamma_equals_reference(rng=np.random.default_rng(13)):
    shapes = np.concatenate([[0.0, 1e-5, 0.3, 0.5, 1.0, 1.5, 2.0, 7.25, 15.5, 16.2, 40.0, 1e6, -1.0],
                             np.exp(rng.normal(0, 2, 6)), SPECIALS[:3]])
    xs = np.concatenate([[0.0, 1e-300, 1e-10, 0.5, 1.0, 3.0, 1e10, 1e300, -1.0], rng.gamma(2.0, 1.0, 5),
                         SPECIALS[:3]])
    scales = np.array([1e-300, 0.01, 1.0, 3.7, 1e10, 0.0, -1.0, np.nan])
    x, shape, scale = _grid(rng, xs, shapes, scales)
    got, _ = _many("dgamma", x, shape, scale)
    with np.errstate(all="ignore"):
        ref = densities.dgamma_log(x, shape, scale)
    assert same_bits(got, ref)


def test_building_blocks_equal_reference(rng=np.random.default_rng(14)):
    consts, table = dk.constants()
    n = np.concatenate([np.arange(0, 40, 0.5), rng.uniform(0, 600, 200), [1e-300, 0.1, 14.9, 15.1, 1e300]])
    with np.errstate(all="ignore"):
        assert same_bits(_each(lambda v: dk.stirlerr1(v, consts), n), densities.stirlerr(n))
    x = np.concatenate([rng.uniform(0, 100, 300), [0.0, 1.0, 1e-300, 1e300, np.inf, np.nan]])
    m = np.concatenate([x[:300] * rng.uniform(0.85, 1.15, 300), [1.0, 0.0, 1.0, 1e300, 1.0, 1.0]])
    assert same_bits(np.array([dk.bd01(a, b) for a, b in zip(x, m)]), densities.bd0(x, m))
    u = np.concatenate([rng.uniform(-0.8, 1.2, 400), [-0.79149064, 1.0, 0.01, -0.01, 0.0, np.nan, 1e-300]])
    with np.errstate(all="ignore"):
        assert same_bits(_each(dk.log1pmx1, u), densities.log1pmx(u))
        x, m = x[:-2], m[:-2]  # ebd0 is only called with finite arguments
        got = np.array([dk.ebd01(a, b, table) for a, b in zip(x, m)])
        yh, yl = densities.ebd0(x, m)
    assert same_bits(got[:, 0], yh) and same_bits(got[:, 1], yl)
    assert _each(dk.nonint1, [1.0, 2.5, 3.0 + 1e-9, -1.5, 1e15 + 0.5]).tolist() == [0, 1, 0, 1, 0]
