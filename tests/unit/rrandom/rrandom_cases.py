"""The draws compared with R: each case is one R expression after ``set.seed(seed)`` and
the same calls on a :class:`pylme.rrandom.RRandom` stream.

Used by ``tests/data/rrandom/freeze_r_draws.py`` (runs R, writes ``r_draws.json``) and
by the tests, which compare the first 200 values and the SHA-256 of all of them (the
little-endian doubles, ``as.double`` of R's integers).
"""

from __future__ import annotations

import numpy as np

M = 10**6

_P50 = "(1:50)^1.5"
_P300 = "c(rep(1, 150), (1:150) / 10)"
_P100 = "sqrt(1:100)"


def _p50():
    return np.arange(1, 51) ** 1.5


def _p300():
    return np.concatenate([np.ones(150), np.arange(1, 151) / 10])


def _p100():
    return np.sqrt(np.arange(1, 101))


def _interleaved(g):
    parts = []
    for _ in range(2000):
        parts += [g.rnorm(3), g.rbinom(2, 50, 0.5), g.rpois(2, [3, 30]), g.rgamma(1, 0.7), g.runif(1),
                  g.sample(20, 3), g.rexp(1), g.rbinom(1, 80, 0.2), g.rgamma(2, [3, 12]), g.rpois(1, 3)]
    return np.concatenate([np.asarray(p, dtype=float) for p in parts])


_R_INTERLEAVED = ("unlist(lapply(1:2000, function(i) as.double(c(rnorm(3), rbinom(2, 50, 0.5), "
                  "rpois(2, c(3, 30)), rgamma(1, 0.7), runif(1), sample(20, 3), rexp(1), rbinom(1, 80, 0.2), "
                  "rgamma(2, c(3, 12)), rpois(1, 3)))))")

CASES = [
    # name, seed, R expression, Python
    ("runif", 1, "runif(1e6)", lambda g: g.runif(M)),
    ("runif_range", 42, "runif(1e6, c(-2, 0), c(5, 1e-3))", lambda g: g.runif(M, [-2, 0], [5, 1e-3])),
    ("rnorm_seed1", 1, "rnorm(1e6)", lambda g: g.rnorm(M)),
    ("rnorm_seed13", 13, "rnorm(1e6)", lambda g: g.rnorm(M)),
    ("rnorm_neg_seed", -7, "rnorm(1e6, c(0, 10, -5), c(1, 2))", lambda g: g.rnorm(M, [0, 10, -5], [1, 2])),
    ("rnorm_sd0", 5, "rnorm(1e5, 1, c(1, 0, 3))", lambda g: g.rnorm(10**5, 1, [1, 0, 3])),
    ("rexp", 2, "rexp(1e6)", lambda g: g.rexp(M)),
    ("rexp_rates", 3, "rexp(1e6, c(1, 0.5, 3))", lambda g: g.rexp(M, [1, 0.5, 3])),
    ("rbinom_inversion", 4, "rbinom(1e6, 10, 0.3)", lambda g: g.rbinom(M, 10, 0.3)),
    ("rbinom_bernoulli", 5, "rbinom(1e6, 1, 0.5)", lambda g: g.rbinom(M, 1, 0.5)),
    ("rbinom_btpe", 6, "rbinom(1e6, 100, 0.4)", lambda g: g.rbinom(M, 100, 0.4)),
    ("rbinom_btpe_p_gt_half", 7, "rbinom(1e6, 1000, 0.9)", lambda g: g.rbinom(M, 1000, 0.9)),
    ("rbinom_changing", 8, "rbinom(1e6, c(5, 200, 1000, 7), c(0.2, 0.7, 0.05))",
     lambda g: g.rbinom(M, [5, 200, 1000, 7], [0.2, 0.7, 0.05])),
    ("rbinom_huge_n", 9, "rbinom(1e5, 1e9, 0.5)", lambda g: g.rbinom(10**5, 10**9, 0.5)),
    ("rpois_small", 10, "rpois(1e6, 3.5)", lambda g: g.rpois(M, 3.5)),
    ("rpois_tiny", 11, "rpois(1e6, 0.5)", lambda g: g.rpois(M, 0.5)),
    ("rpois_big", 12, "rpois(1e6, 25)", lambda g: g.rpois(M, 25)),
    ("rpois_huge", 13, "rpois(1e6, 1000)", lambda g: g.rpois(M, 1000)),
    ("rpois_changing", 14, "rpois(1e6, c(2, 15, 0.1, 9.99, 10, 50))",
     lambda g: g.rpois(M, [2, 15, 0.1, 9.99, 10, 50])),
    ("rgamma_small_shape", 15, "rgamma(1e6, 0.5)", lambda g: g.rgamma(M, 0.5)),
    ("rgamma_shape1", 16, "rgamma(1e6, 1)", lambda g: g.rgamma(M, 1)),
    ("rgamma_shape2.5", 17, "rgamma(1e6, 2.5, rate = 2)", lambda g: g.rgamma(M, 2.5, rate=2)),
    ("rgamma_shape5", 18, "rgamma(1e6, 5, scale = 3)", lambda g: g.rgamma(M, 5, scale=3)),
    ("rgamma_shape20", 19, "rgamma(1e6, 20)", lambda g: g.rgamma(M, 20)),
    ("rgamma_changing", 20, "rgamma(1e6, c(0.3, 2, 7, 50), c(1, 3))",
     lambda g: g.rgamma(M, [0.3, 2, 7, 50], [1, 3])),
    ("rnbinom_prob", 30, "rnbinom(1e6, 3, 0.4)", lambda g: g.rnbinom(M, 3, 0.4)),
    ("rnbinom_mu_changing", 31, "rnbinom(1e6, c(0.5, 2, 50, Inf), mu = c(1, 20, 0, 4))",
     lambda g: g.rnbinom(M, [0.5, 2, 50, np.inf], mu=[1, 20, 0, 4])),
    ("sample_perm", 21, "sample(1e6)", lambda g: g.sample(M)),
    ("sample_replace", 22, "sample(10, 1e6, replace = TRUE)", lambda g: g.sample(10, M, replace=True)),
    ("sample_replace_big_n", 23, "sample(123456789, 1e6, replace = TRUE)",
     lambda g: g.sample(123456789, M, replace=True)),
    ("sample_hash", 24, "sample(2e7, 1e5)", lambda g: g.sample(2e7, 10**5)),
    ("sample_prob_replace", 25, f"sample(50, 1e6, replace = TRUE, prob = {_P50})",
     lambda g: g.sample(50, M, replace=True, prob=_p50())),
    ("sample_prob_walker", 26, f"sample(300, 1e6, replace = TRUE, prob = {_P300})",
     lambda g: g.sample(300, M, replace=True, prob=_p300())),
    ("sample_prob_noreplace", 27, f"unlist(lapply(1:10000, function(i) sample(100, 100, prob = {_P100})))",
     lambda g: np.concatenate([g.sample(100, 100, prob=_p100()) for _ in range(10000)])),
    ("sample_vector", 28, "sample(c(2.5, -1, 7, 11), 1e5, replace = TRUE)",
     lambda g: g.sample(np.array([2.5, -1, 7, 11]), 10**5, replace=True)),
    ("interleaved", 29, _R_INTERLEAVED, _interleaved),
]
