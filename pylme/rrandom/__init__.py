"""R's random numbers, bit for bit: R 4.2.2's default ``RNGkind("Mersenne-Twister", "Inversion", "Rejection")``.

>>> from pylme import rrandom
>>> rrandom.set_seed(42)
>>> rrandom.rnorm(3)         # R: set.seed(42); rnorm(3)
array([ 1.37095845, -0.56469817,  0.36312841])

The module-level functions share one global stream (R's ``.Random.seed``);
:class:`RRandom` is a private stream with the same methods.  The generators are
Numba ports of R's C sources (``RNG.c``, ``snorm.c``/``qnorm.c``, ``sexp.c``,
``rbinom.c``, ``rpois.c``, ``rgamma.c``, ``rnbinom.c``, ``do_sample``), checked against R's own draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .api import RRandom, global_stream

__all__ = ["RRandom", "set_seed", "get_state", "set_state", "runif", "rnorm", "rexp", "rgamma", "rbinom",
           "rpois", "rnbinom", "sample", "sample_int", "global_stream"]


def set_seed(seed: Any) -> None:
    """R's ``set.seed(seed)`` for the global stream."""
    global_stream().set_seed(seed)


def get_state() -> np.ndarray:
    """The global stream's ``.Random.seed`` (626 ``int32``)."""
    return global_stream().get_state()


def set_state(state: Any) -> None:
    """Restore the global stream from :func:`get_state` (or R's ``.Random.seed``)."""
    global_stream().set_state(state)


def runif(n: Any, min: Any = 0.0, max: Any = 1.0) -> np.ndarray:  # noqa: A002 - R's names
    """R's ``runif(n, min, max)`` on the global stream."""
    return global_stream().runif(n, min, max)


def rnorm(n: Any, mean: Any = 0.0, sd: Any = 1.0) -> np.ndarray:
    """R's ``rnorm(n, mean, sd)`` on the global stream."""
    return global_stream().rnorm(n, mean, sd)


def rexp(n: Any, rate: Any = 1.0) -> np.ndarray:
    """R's ``rexp(n, rate)`` on the global stream."""
    return global_stream().rexp(n, rate)


def rgamma(n: Any, shape: Any, rate: Any = 1.0, scale: Any = None) -> np.ndarray:
    """R's ``rgamma(n, shape, rate, scale)`` on the global stream."""
    return global_stream().rgamma(n, shape, rate, scale)


def rbinom(n: Any, size: Any, prob: Any) -> np.ndarray:
    """R's ``rbinom(n, size, prob)`` on the global stream."""
    return global_stream().rbinom(n, size, prob)


def rpois(n: Any, lam: Any) -> np.ndarray:
    """R's ``rpois(n, lambda)`` on the global stream."""
    return global_stream().rpois(n, lam)


def rnbinom(n: Any, size: Any, prob: Any = None, mu: Any = None) -> np.ndarray:
    """R's ``rnbinom(n, size, prob, mu)`` on the global stream."""
    return global_stream().rnbinom(n, size, prob, mu)


def sample(x: Any, size: Any = None, replace: bool = False, prob: Any = None) -> np.ndarray:
    """R's ``sample(x, size, replace, prob)`` on the global stream."""
    return global_stream().sample(x, size, replace, prob)


def sample_int(n: Any, size: Any = None, replace: bool = False, prob: Any = None) -> np.ndarray:
    """R's ``sample.int(n, size, replace, prob)`` on the global stream."""
    k = int(float(n)) if size is None else int(float(size))
    return global_stream().sample_int(float(n), k, replace, prob)
