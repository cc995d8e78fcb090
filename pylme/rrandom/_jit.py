"""How the R random-number kernels are compiled (Numba, bit-identical to R's C code).

The same rules as :mod:`pylme.glmm.jit` (no ``fastmath``: no reassociation and no fused
multiply-adds, which gcc does not emit for R's baseline x86-64 build; ``error_model="numpy"``
so that ``x/0`` is ±Inf as in C), with the on-disk cache keyed on every module of this
package: the kernels inline each other across modules (``unif_rand`` into ``norm_rand``
into ``rpois`` ...), so editing one must recompile them all.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

if "numba" not in sys.modules:  # as pylme.glmm.jit: C-library math, never Intel's SVML
    os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")

import numba  # noqa: E402

try:
    from numba.core.caching import FunctionCache
except ImportError:  # pragma: no cover
    FunctionCache = None

__all__ = ["rkernel"]

_SOURCES = ("_jit.py", "mersenne.py", "normal.py", "exponential.py", "uniform.py", "discrete.py",
            "binom.py", "pois.py", "gamma.py", "nbinom.py")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - zipped install: Numba's own key remains
            digest.update(name.encode())
    return digest.hexdigest()


_FINGERPRINT = _fingerprint()

if FunctionCache is not None:
    class _Cache(FunctionCache):
        """Numba's function cache, keyed also on this package's sources."""

        def _index_key(self, sig, codegen):
            return super()._index_key(sig, codegen) + (_FINGERPRINT,)


def rkernel(fun):
    """``numba.njit`` a generator kernel: cached, C error model, no fastmath."""
    dispatcher = numba.njit(cache=True, error_model="numpy", fastmath=False, nogil=True)(fun)
    if FunctionCache is not None and isinstance(getattr(dispatcher, "_cache", None), FunctionCache):
        dispatcher._cache = _Cache(dispatcher.py_func)
    return dispatcher
