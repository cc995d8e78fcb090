"""R's random-number functions over R's default streams (R 4.2.2, ``RNGkind()`` defaults).

:class:`RRandom` is one stream (one ``.Random.seed``); the module-level functions of
:mod:`pylme.rrandom` share one global stream, as R's functions share ``.Random.seed``.
Arguments are recycled as R recycles them (``rnorm(4, mean=[0, 10])`` alternates the
means) and ``n`` may be a sequence, whose length is then the count (R's
``length(n)``).  Draws are R's to the bit after the same ``set.seed``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import DataError, PylmeWarning
from . import binom, gamma, pois
from .discrete import prob_sample_noreplace, prob_sample_replace, sample_hash, sample_uniform, walker_sample
from .exponential import rexp_fill
from .nbinom import rnbinom_fill
from .mersenne import KIND_CODE, N_WORDS, seeded_state
from .normal import rnorm_fill
from .uniform import runif_fill

__all__ = ["RRandom", "global_stream", "count"]

_INT_MAX = 2147483647


def count(n: Any) -> int:
    """R's reading of ``n`` in ``rnorm(n, ...)``: the value of a scalar, else the length."""
    if np.ndim(n) > 0 and np.size(n) != 1:
        return int(np.size(n))
    try:
        value = float(np.asarray(n, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError) as exc:
        raise DataError("invalid arguments") from exc
    if not np.isfinite(value) or value < 0 or value >= 2.0 ** 52:
        raise DataError("invalid arguments")
    return int(value)


def _param(x: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x, dtype=np.float64).reshape(-1))


def _nas_produced(flag: bool) -> None:
    if flag:
        warnings.warn("NAs produced", PylmeWarning, stacklevel=3)


def _as_counts(values: np.ndarray) -> np.ndarray:
    # R returns an integer vector from rbinom/rpois; NaN (R's NA) keeps them double
    return values if np.isnan(values).any() else values.astype(np.int64)


class RRandom:
    """One stream of R's default generators (Mersenne-Twister, Inversion, Rejection).

    Parameters
    ----------
    seed : int, optional
        As R's ``set.seed(seed)``; ``None`` seeds from the operating system (R seeds
        from the time and process id when ``.Random.seed`` does not exist).

    Notes
    -----
    R's ``rbinom``, ``rpois`` and ``rgamma`` keep parameter-dependent set-up in static
    C variables between calls; each stream keeps its own copy (``_caches``).  The
    object pickles with its state.
    """

    def __init__(self, seed: Any = None) -> None:
        self._caches = {"binom": binom.new_cache(), "pois": pois.new_cache(), "gamma": gamma.new_cache()}
        self.set_seed(seed)

    # --- state ----------------------------------------------------------------------------

    def set_seed(self, seed: Any) -> None:
        """R's ``set.seed(seed)`` (``None``: a fresh seed from the operating system)."""
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "little")
        else:
            try:
                value = float(seed)
            except (TypeError, ValueError) as exc:
                raise DataError("supplied seed is not a valid integer") from exc
            if not np.isfinite(value) or abs(value) > _INT_MAX:
                raise DataError("supplied seed is not a valid integer")
            seed = int(value)  # asInteger truncates toward zero
        self._words = seeded_state(seed)

    def get_state(self) -> np.ndarray:
        """R's ``.Random.seed``: ``10403``, ``mti``, then the 624 words (``int32``)."""
        return np.concatenate([[KIND_CODE], self._words.view(np.int32)]).astype(np.int32)

    def set_state(self, state: Any) -> None:
        """Restore a state from :meth:`get_state` (or R's ``.Random.seed`` of the default kinds)."""
        words = np.asarray(state).reshape(-1)
        if words.size != N_WORDS + 1 or int(words[0]) != KIND_CODE:
            raise DataError(".Random.seed is not a Mersenne-Twister/Inversion/Rejection state of length 626")
        self._words = words[1:].astype(np.int64).astype(np.uint32)

    def _draws(self, n: Any, params: tuple, fill: Callable[..., bool]) -> np.ndarray:
        """R's variate loop: ``count(n)`` values from ``fill(out, *params)`` (parameters
        recycled inside it); a zero-length parameter gives NAs, as R does.  Warns R's
        ``NAs produced`` when ``fill`` reports one."""
        out = np.empty(count(n))
        if out.size and any(p.size == 0 for p in params):
            out[:] = np.nan
            _nas_produced(True)
            return out
        _nas_produced(fill(out, *params))
        return out

    # --- continuous -----------------------------------------------------------------------

    def runif(self, n: Any, min: Any = 0.0, max: Any = 1.0) -> np.ndarray:  # noqa: A002 - R's names
        """R's ``runif(n, min, max)``."""
        return self._draws(n, (_param(min), _param(max)),
                           lambda out, lo, hi: runif_fill(self._words, out, lo, hi))

    def rnorm(self, n: Any, mean: Any = 0.0, sd: Any = 1.0) -> np.ndarray:
        """R's ``rnorm(n, mean, sd)`` (inversion)."""
        return self._draws(n, (_param(mean), _param(sd)),
                           lambda out, mu, sigma: rnorm_fill(self._words, out, mu, sigma))

    def rexp(self, n: Any, rate: Any = 1.0) -> np.ndarray:
        """R's ``rexp(n, rate)``: ``exp_rand() / rate`` (R passes ``scale = 1/rate``)."""
        with np.errstate(divide="ignore"):
            scale = 1.0 / _param(rate)
        return self._draws(n, (scale,), lambda out, sc: rexp_fill(self._words, out, sc))

    def rgamma(self, n: Any, shape: Any, rate: Any = 1.0, scale: Any = None) -> np.ndarray:
        """R's ``rgamma(n, shape, rate = 1, scale = 1/rate)``."""
        if scale is None:
            with np.errstate(divide="ignore"):
                sc = 1.0 / _param(rate)
        else:
            sc = _param(scale)
            if not (np.size(rate) == 1 and float(np.asarray(rate).reshape(-1)[0]) == 1.0):
                if np.all(np.abs(_param(rate) * sc - 1) < 1e-15):
                    warnings.warn("specify 'rate' or 'scale' but not both", PylmeWarning, stacklevel=2)
                else:
                    raise DataError("specify 'rate' or 'scale' but not both")
        return self._draws(n, (_param(shape), sc), lambda out, a, s: gamma.rgamma_fill(
            self._words, self._caches["gamma"], out, a, s))

    # --- discrete -------------------------------------------------------------------------

    def rbinom(self, n: Any, size: Any, prob: Any) -> np.ndarray:
        """R's ``rbinom(n, size, prob)``; integer counts (``float`` with NaN where R gives NA)."""
        sz = _param(size)
        if np.any(np.isfinite(sz) & (sz >= _INT_MAX)):
            raise DataError("rbinom with size >= 2^31 - 1 (where R inverts qbinom) is not supported")
        return _as_counts(self._draws(n, (sz, _param(prob)), lambda out, s, p: binom.rbinom_fill(
            self._words, self._caches["binom"], out, s, p)))

    def rpois(self, n: Any, lam: Any) -> np.ndarray:
        """R's ``rpois(n, lambda)``; integer counts (``float`` with NaN where R gives NA)."""
        return _as_counts(self._draws(n, (_param(lam),), lambda out, mu: pois.rpois_fill(
            self._words, self._caches["pois"], out, mu)))

    def rnbinom(self, n: Any, size: Any, prob: Any = None, mu: Any = None) -> np.ndarray:
        """R's ``rnbinom(n, size, prob)`` or ``rnbinom(n, size, mu = mu)``; integer counts."""
        if (prob is None) == (mu is None):
            raise DataError("'prob' and 'mu' both specified" if prob is not None else
                            "argument \"prob\" is missing, with no default")
        by_mu = mu is not None
        return _as_counts(self._draws(
            n, (_param(size), _param(mu if by_mu else prob)),
            lambda out, sz, par: rnbinom_fill(self._words, self._caches["gamma"], self._caches["pois"],
                                              out, sz, par, by_mu)))

    def sample(self, x: Any, size: Any = None, replace: bool = False, prob: Any = None) -> np.ndarray:
        """R's ``sample(x, size, replace, prob)``.

        A single number ``x >= 1`` means the population ``1..x`` (as R); anything else
        is the population itself, and the result its elements.
        """
        arr = np.asarray(x)
        if arr.ndim == 0 and np.issubdtype(arr.dtype, np.number) and np.isfinite(arr) and arr >= 1:
            dn = float(arr)
            k = int(dn) if size is None else _size(size)
            idx = self.sample_int(dn, k, replace, prob)
            return idx
        pop = arr.reshape(-1) if arr.ndim else arr.reshape(1)
        k = pop.size if size is None else _size(size)
        idx = self.sample_int(float(pop.size), k, replace, prob)
        return pop[idx - 1]

    def sample_int(self, n: float, size: int, replace: bool = False, prob: Any = None) -> np.ndarray:
        """R's ``sample.int(n, size, replace, prob)``: 1-based indices (``int64``)."""
        replace = bool(replace)
        if prob is None:
            if not np.isfinite(n) or n < 0 or n > 4.5e15 or (size > 0 and n == 0):
                raise DataError("invalid first argument")
            if not replace and size > n:
                raise DataError("cannot take a sample larger than the population when 'replace = FALSE'")
            if n > 1e7 and not replace and size <= n / 2:  # sample.int's useHash: .Internal(sample2())
                return sample_hash(self._words, float(n), size).astype(np.int64)
            if n > _INT_MAX and not replace:
                raise DataError("sampling without replacement from n > 2^31 - 1 with size > n/2 is not supported")
            dn = float(n) if n > _INT_MAX or size > _INT_MAX else float(int(n))
            return sample_uniform(self._words, int(dn), size, replace).astype(np.int64)
        nint = int(n)
        if nint < 0 or (size > 0 and nint == 0):
            raise DataError("invalid first argument")
        if not replace and size > nint:
            raise DataError("cannot take a sample larger than the population when 'replace = FALSE'")
        p = _param(prob).copy()
        if p.size != nint:
            raise DataError("incorrect number of probabilities")
        p = _fixup_prob(p, size, replace)
        if replace:
            large = int(np.count_nonzero(nint * p > 0.1))
            if large > 200:
                return walker_sample(self._words, p, size).astype(np.int64)
            return prob_sample_replace(self._words, p, size).astype(np.int64)
        return prob_sample_noreplace(self._words, p, size).astype(np.int64)


def _size(size: Any) -> int:
    try:
        value = float(size)
    except (TypeError, ValueError) as exc:
        raise DataError("invalid 'size' argument") from exc
    if not np.isfinite(value) or value < 0:
        raise DataError("invalid 'size' argument")
    return int(value)


def _fixup_prob(p: np.ndarray, k: int, replace: bool) -> np.ndarray:
    """R's ``FixupProb``: check and normalise (summing the positive entries in order)."""
    total = 0.0
    npos = 0
    for v in p:
        if not np.isfinite(v):
            raise DataError("NA in probability vector")
        if v < 0.0:
            raise DataError("negative probability")
        if v > 0.0:
            npos += 1
            total += float(v)
    if npos == 0 or (not replace and k > npos):
        raise DataError("too few positive probabilities")
    return p / total


_GLOBAL: RRandom | None = None


def global_stream() -> RRandom:
    """The stream behind the module-level functions (R's ``.Random.seed``), created on first use."""
    global _GLOBAL
    if _GLOBAL is None:
        _GLOBAL = RRandom(None)
    return _GLOBAL
