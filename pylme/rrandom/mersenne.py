"""R's default uniform generator: Mersenne-Twister with R's seeding (R 4.2 ``src/main/RNG.c``).

The state is one ``uint32`` array of 625 words laid out as R's ``dummy[]``: word 0 is
``mti`` (the position in the block of 624), words 1..624 the twister's ``mt[]``.  R's
``.Random.seed`` is that array (as signed 32-bit integers) behind the kind code
``10403`` (Mersenne-Twister, Inversion, Rejection).

``set.seed(seed)`` (R ``RNG_Init``): the seed is scrambled by 50 steps of the LCG
``seed = 69069 * seed + 1`` (mod 2^32), then the 625 words are the next 625 LCG values,
and ``mti`` is forced to 624 (``FixupSeeds(initial = 1)``) so that the first draw
regenerates the whole block.  ``unif_rand`` returns the tempered word times 2^-32,
moved off 0 and 1 by R's ``fixup``.
"""

from __future__ import annotations

import numpy as np

from ._jit import rkernel

__all__ = ["N_WORDS", "KIND_CODE", "seeded_state", "unif_rand", "mt_genrand"]

N_WORDS = 625
"""Length of the state (R's ``dummy``): ``mti`` then ``mt[0..623]``."""

KIND_CODE = 10403
"""``.Random.seed[1]`` for RNGkind("Mersenne-Twister", "Inversion", "Rejection")."""

_N = 624
_M = 397
_MATRIX_A = 0x9908B0DF
_UPPER = 0x80000000
_LOWER = 0x7FFFFFFF
_I2_32M1 = 2.328306437080797e-10  # 1 / (2^32 - 1), R's i2_32m1
_TWO_M32 = 2.3283064365386963e-10  # 2^-32


def seeded_state(seed: int) -> np.ndarray:
    """The generator state after R's ``set.seed(seed)`` (``RNG_Init`` + ``FixupSeeds``)."""
    s = int(seed) & 0xFFFFFFFF  # R's Int32 is unsigned: a negative seed wraps
    for _ in range(50):
        s = (69069 * s + 1) & 0xFFFFFFFF
    words = np.empty(N_WORDS, dtype=np.uint32)
    for j in range(N_WORDS):
        s = (69069 * s + 1) & 0xFFFFFFFF
        words[j] = s
    words[0] = _N  # FixupSeeds(initial): mti = N, the next draw twists the block
    return words


@rkernel
def _sgenrand(st, seed):
    # R's MT_sgenrand: only used when mti == N + 1 (a state nobody seeded)
    s = np.int64(seed) & 0xFFFFFFFF
    for i in range(_N):
        hi = s & 0xFFFF0000
        s = (69069 * s + 1) & 0xFFFFFFFF
        st[1 + i] = hi | ((s & 0xFFFF0000) >> 16)
        s = (69069 * s + 1) & 0xFFFFFFFF
    st[0] = _N


@rkernel
def _twist(st):
    for kk in range(_N):
        y = (np.int64(st[1 + kk]) & _UPPER) | (np.int64(st[1 + (kk + 1) % _N]) & _LOWER)
        mag = _MATRIX_A if (y & 1) else 0
        st[1 + kk] = np.int64(st[1 + (kk + _M) % _N]) ^ (y >> 1) ^ mag


@rkernel
def mt_genrand(st):
    """R's ``MT_genrand``: the next tempered word times 2^-32, in [0, 1)."""
    mti = np.int64(st[0])
    if mti >= _N:
        if mti == _N + 1:
            _sgenrand(st, 4357)
        _twist(st)
        mti = 0
    y = np.int64(st[1 + mti])
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    st[0] = mti + 1
    return y * _TWO_M32


@rkernel
def unif_rand(st):
    """R's ``unif_rand`` for Mersenne-Twister: ``fixup(MT_genrand())``, in (0, 1)."""
    x = mt_genrand(st)
    if x <= 0.0:
        return 0.5 * _I2_32M1
    if 1.0 - x <= 0.0:
        return 1.0 - 0.5 * _I2_32M1
    return x
