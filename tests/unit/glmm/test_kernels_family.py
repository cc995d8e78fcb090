"""The compiled family and link kernels equal the NumPy reference bit for bit.

The reference (``pylme.glmm.links.numpy_linkinv``/``numpy_mu_eta``,
``pylme.glmm.family_math.numpy_variance``/``numpy_dev_resids``/``numpy_aic``) is held to
R 4.2.2 / lme4 1.1-31 by test_links.py and test_families.py, which now run the kernels
too (the public methods call them); here both are compared on random and extreme inputs,
including the sums whose value depends on their order.
"""

import pickle

import numpy as np
import pytest

from kernel_inputs import EPS, SPECIALS, etas, probabilities
from family_refs import hexvec, load, same_bits
from pylme.glmm import family_kernels as fk
from pylme.glmm import family_math as fm
from pylme.glmm import jit
from pylme.glmm.links import LINK_NAMES, _CPP_LINKINV, _CPP_MU_ETA, make_link, numpy_linkinv, numpy_mu_eta
from pylme.families import Family, Gamma, binomial, gaussian, inverse_gaussian, negative_binomial, poisson
from pylme.glmm.sums import left_sum, sequential_sum

RNG_SEED = 20240531


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(RNG_SEED)


def test_every_frozen_lme4_aic_is_matched_to_the_last_bit():
    # R's lgammafn in dgamma makes the Gamma aic exact too (test_families.py allows 1e-12)
    for case in load("families")["families"]:
        fam = Family(case["family"], make_link(case["link"]), theta=case.get("theta"),
                     varfun=case.get("varfun"))
        y, n, mu, wt = (hexvec(case[k]) for k in ("y", "n", "mu", "wt"))
        got = fam.aic(y, n, mu, wt, float(hexvec(case["dev"])[0]))
        assert same_bits([got], hexvec(case["aic"])), case["name"]


def test_kernel_links_are_lme4s_cpp_links():
    assert set(fk.LINK_CODES) == set(_CPP_LINKINV) == set(_CPP_MU_ETA)


@pytest.mark.parametrize("name", LINK_NAMES)
def test_linkinv_and_mu_eta_bit_for_bit(name, rng):
    eta = etas(rng)
    link = make_link(name)
    assert same_bits(link.linkinv(eta), numpy_linkinv(name, eta))
    assert same_bits(link.mu_eta(eta), numpy_mu_eta(name, eta))


def _bernoulli(rng, size):
    mu = probabilities(rng, size)
    y = (rng.random(size) < np.nan_to_num(mu)).astype(float)
    return y, mu


def _family_inputs(kind: str, rng: np.random.Generator, size: int = 2000):
    """(y, n, mu, wt, dev) shaped like each family's data, with extremes mixed in."""
    wt = rng.uniform(0.2, 3.0, size)
    n = np.ones(size)
    if kind == "binomial":
        y, mu = _bernoulli(rng, size)
    elif kind in ("poisson", "negbin"):
        mu = np.exp(rng.normal(1.0, 2.0, size))
        y = rng.poisson(np.minimum(mu, 1e6)).astype(float)
        y[:5] = [0.0, 1e15, 3e9, 7.0, 0.0]
        mu[:5] = [1e-310, 1e15, 2.5e9, 0.0, 1e300]
    else:
        mu = np.exp(rng.normal(0.0, 1.0, size))
        y = rng.gamma(2.0, mu / 2.0)
        y[:3] = [1e-300, 1e300, 5.0]
    wt[-3:] = [0.0, 1.0, 1e-300]
    with np.errstate(all="ignore"):
        dev = float(np.sum(fm.numpy_dev_resids(kind, y, mu, wt, 2.5)))
    return y, n, mu, wt, dev


def _same_aic_rows(fam: Family, kind: str, y, n, mu, wt, dev, rows: int = 400) -> bool:
    """The aic of each single row, kernel vs reference (a sum hides a row's last bit)."""
    for i in range(min(rows, y.size)):
        s = slice(i, i + 1)
        with np.errstate(all="ignore"):
            ref = fm.numpy_aic(kind, y[s], n[s], mu[s], wt[s], dev, fam.theta)
        if not same_bits([fam.aic(y[s], n[s], mu[s], wt[s], dev)], [ref]):
            return False
    return True


FAMILIES = {"binomial": binomial(), "binomial_probit": binomial("probit"), "poisson": poisson(),
            "Gamma": Gamma("log"), "inverse.gaussian": inverse_gaussian(), "gaussian": gaussian("log"),
            "negbin": negative_binomial(2.5)}


@pytest.mark.parametrize("key", FAMILIES)
def test_variance_dev_resids_aic_bit_for_bit(key, rng):
    fam = FAMILIES[key]
    kind = fm.family_kind(fam.family)
    assert kind in fk.KIND_CODES
    y, n, mu, wt, dev = _family_inputs(kind, rng)
    with np.errstate(all="ignore"):
        assert same_bits(fam.variance(mu), fm.numpy_variance(kind, mu, fam.theta))
        assert same_bits(fam.dev_resids(y, mu, wt), fm.numpy_dev_resids(kind, y, mu, wt, fam.theta))
        for d in (dev, 0.0, -1.0, np.inf, np.nan):
            assert same_bits([fam.aic(y, n, mu, wt, d)], [fm.numpy_aic(kind, y, n, mu, wt, d, fam.theta)])
    assert _same_aic_rows(fam, kind, y, n, mu, wt, dev)


@pytest.mark.parametrize("shape", ["bernoulli", "bernoulli_edges", "proportions", "mixed", "specials"])
def test_binomial_dev_resids_and_aic_paths(shape, rng):
    # the kernels have a one-log path for 0/1 responses with 0 < mu < 1 ("bernoulli": a
    # 0/0 or y/0 ratio anywhere sends the whole call to the two-log path, a row that is
    # not one trial in (0, 1) the aic to R's full dbinom)
    size = 3000
    y, mu = _bernoulli(rng, size)
    wt = np.resize([1.0, 0.0, 2.5, np.inf, 1e-300, 1.0], size)
    if shape == "bernoulli":
        mu = np.clip(np.nan_to_num(mu, nan=0.5), 1e-300, 1 - EPS)
        # both sides of dbinom's switch to Loader's bd0 (min(mu, 1 - mu) < 0.1), for y = 0 and 1
        edges = np.concatenate([[t, np.nextafter(t, 0), np.nextafter(t, 1)] for t in (0.1, 0.9, 0.5)])
        mu[:36] = np.tile(edges, 4)
        y[:36] = np.repeat([0.0, 1.0, 0.0, 1.0], 9)
        wt = np.ones(size)
    elif shape == "proportions":
        y = rng.random(size)
    elif shape == "mixed":
        y = np.where(rng.random(size) < 0.4, y, rng.random(size))
    elif shape == "specials":
        y = np.resize(np.concatenate([SPECIALS, [0.0, 1.0, 0.5, 2.0, -1.0]]), size)
        rng.shuffle(y)
    fam = binomial()
    with np.errstate(all="ignore"):
        assert same_bits(fam.dev_resids(y, mu, wt), fm.numpy_dev_resids("binomial", y, mu, wt))
        assert same_bits(fam.dev_resids(y, mu, wt[::-1]), fm.numpy_dev_resids("binomial", y, mu, wt[::-1]))
        n = np.ones(size)
        for w in (wt, np.where(wt == 1.0, 1.0, 0.7)):
            assert same_bits([fam.aic(y, n, mu, w, 0.0)], [fm.numpy_aic("binomial", y, n, mu, w, 0.0)])
    assert _same_aic_rows(fam, "binomial", y, n, mu, wt, 0.0, rows=600)


def test_binomial_aic_with_trials_and_weights(rng):
    size = 2000
    trials = rng.integers(0, 40, size).astype(float)
    y = np.where(trials > 0, rng.binomial(trials.astype(int), 0.3) / np.maximum(trials, 1), 0.0)
    mu = probabilities(rng, size)
    prior = rng.uniform(0.5, 2.0, size)
    fam = binomial()
    for n, wt in ((trials, trials), (trials, trials * prior), (np.ones(size), prior),
                  (np.ones(size), np.rint(prior * 3)), (trials + 0.3, trials)):
        with np.errstate(all="ignore"):
            ref = fm.numpy_aic("binomial", y, n, mu, wt, 0.0)
        assert same_bits([fam.aic(y, n, mu, wt, 0.0)], [ref])
        assert _same_aic_rows(fam, "binomial", y, n, mu, wt, 0.0, rows=200)


def test_poisson_non_integer_counts(rng):
    y = np.array([0.0, 1.0, 2.5, 3.0 + 1e-9, 1e15 + 0.5, -1.0])
    mu = np.array([1.0, 2.0, 3.0, 3.0, 1e15, 1.0])
    one = np.ones(y.size)
    with np.errstate(all="ignore"):
        ref = fm.numpy_aic("poisson", y, one, mu, one, 0.0)
    assert poisson().aic(y, one, mu, one, 0.0) == ref == np.inf


@pytest.mark.parametrize("theta", [1e-5, 1 / 3, 1.0, 2.5, 123456.789, 1e6])
def test_negative_binomial_thetas(theta, rng):
    y, n, mu, wt, dev = _family_inputs("negbin", rng, 500)
    fam = negative_binomial(theta)
    with np.errstate(all="ignore"):
        assert same_bits(fam.variance(mu), fm.numpy_variance("negbin", mu, theta))
        assert same_bits(fam.dev_resids(y, mu, wt), fm.numpy_dev_resids("negbin", y, mu, wt, theta))
        assert same_bits([fam.aic(y, n, mu, wt, dev)], [fm.numpy_aic("negbin", y, n, mu, wt, dev, theta)])
    assert _same_aic_rows(fam, "negbin", y, n, mu, wt, dev, rows=100)


def test_shapes_broadcasting_and_array_likes():
    fam = binomial()
    assert fam.variance(0.25).shape == ()
    assert fam.link.linkinv(0.0).shape == () and fam.link.mu_eta([[0.0, 1.0]]).shape == (1, 2)
    mu = np.linspace(0.05, 0.95, 12).reshape(3, 4)
    y = (mu > 0.5).astype(float)
    got = fam.dev_resids(y, mu, 2.0)  # a scalar weight broadcasts
    assert got.shape == (3, 4)
    with np.errstate(all="ignore"):
        assert same_bits(got, fm.numpy_dev_resids("binomial", *np.broadcast_arrays(y, mu, 2.0)))
    strided = mu.T  # not C-contiguous
    assert same_bits(fam.variance(strided), fm.numpy_variance("binomial", strided))
    assert same_bits(fam.link.linkinv(strided), numpy_linkinv("logit", strided))
    with np.errstate(all="ignore"):
        ref = fm.numpy_dev_resids("poisson", np.array([0.0, 1, 2]), np.array([0.5, 1.5, 2.5]), np.ones(3))
    assert same_bits(poisson().dev_resids([0, 1, 2], [0.5, 1.5, 2.5], [1, 1, 1]), ref)
    assert fam.aic([1.0], [1.0], [0.5], [1.0], 0.0) == -2.0 * np.log(0.5)
    assert fam.dev_resids([], [], []).shape == (0,)
    assert fam.aic([], [], [], [], 0.0) == 0.0


def test_sequential_sum_is_the_reference_order(rng):
    for x in (rng.normal(0, 1, 7584) * 10.0 ** rng.integers(-8, 8, 7584), np.array([-0.0]),
              np.array([1e16, 1.0, 1.0, -1e16]), rng.normal(size=(40, 30))[:, ::3]):
        assert same_bits([sequential_sum(x)], [np.cumsum(x)[-1]])
    assert sequential_sum([]) == 0.0
    assert np.signbit(sequential_sum(np.array([-0.0, -0.0])))


def test_one_compiled_signature_per_kernel(rng):
    # the Python entry points always pass the same types: whatever input they get (lists,
    # scalars, float32, read-only arrays), they add at most one compilation per kernel
    # (the compiled PIRLS loop may have compiled others, from njit code, in this process)
    kernels = (fk.link_kernel, fk.variance_kernel, fk.dev_resids_kernel, fk.aic_kernel, left_sum)
    eta = etas(rng)
    make_link("logit").linkinv(eta)
    binomial().variance(eta)
    binomial().dev_resids(eta, eta, eta)
    binomial().aic(eta, eta, eta, eta, 0.0)
    sequential_sum(eta)
    counts = [len(kernel.signatures) for kernel in kernels]
    for name in fk.LINK_CODES:
        make_link(name).linkinv(eta.tolist()[:5])
        make_link(name).mu_eta(np.float32(0.5))
    for fam in FAMILIES.values():
        fam.variance([0.5])
        fam.dev_resids(1, 0.5, 1)
        fam.aic([1], [1], [0.5], [1], 1)
    frozen = np.linspace(0.1, 0.9, 5)
    frozen.flags.writeable = False  # fitted models hold read-only arrays
    binomial().dev_resids(frozen, frozen, frozen)
    binomial().aic(frozen, frozen, frozen, frozen, 0.0)
    make_link("logit").linkinv(frozen)
    sequential_sum([1, 2, 3])
    sequential_sum(np.arange(4, dtype=np.float32))
    sequential_sum(frozen)
    assert [len(kernel.signatures) for kernel in kernels] == counts
    assert not jit.SVML_ACTIVE


def test_families_still_pickle_after_kernel_use():
    fam = Family("binomial", make_link("probit"))
    fam.link.linkinv([0.1])
    fam.aic([1.0], [1.0], [0.5], [1.0], 0.0)
    again = pickle.loads(pickle.dumps(fam))
    assert again == fam and same_bits(again.link.mu_eta([0.3]), fam.link.mu_eta([0.3]))


def test_clamps_hold_at_the_extremes():
    logit = make_link("logit")
    mu = logit.linkinv(np.array([-800.0, 800.0, np.nan]))
    assert mu.tolist() == [EPS, 1 - EPS, 1 - EPS]
    assert binomial().variance(np.array([0.0, 1.0, np.nan])).tolist() == [EPS, EPS, EPS]
