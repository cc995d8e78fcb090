"""How pylme compiles its GLM kernels with Numba so they stay bit-identical to R/lme4.

lme4's families are C++ and R's densities C, compiled without vector math libraries or
fused multiply-adds, calling the C library's ``exp``/``log``/``lgamma``.  A Numba kernel
gives the same bits when it is compiled

* without ``fastmath`` (no reassociation: the sums stay left to right, no contraction
  of ``a*b + c`` into an FMA, no ``x/y`` turned into ``x * (1/y)``);
* without Intel's SVML: Numba maps vectorised ``exp``/``log`` calls to SVML when that
  library is installed, and SVML's results differ from the C library's in the last bit.
  ``NUMBA_DISABLE_INTEL_SVML`` is set (unless the user set it) before Numba is first
  imported; :data:`SVML_ACTIVE` reports an SVML already switched on by an earlier import;
* with ``error_model="numpy"``: ``x/0`` is ±Inf or NaN as in C, not a Python exception.

``cache=True`` stores the machine code next to each module (``__pycache__``, ignored by
git; Numba falls back to its user-wide cache directory where that is not writable), so
a process compiles a kernel once per installation and loads it after.  Numba keys a
cached kernel on its own file only, but pylme's kernels inline helpers and freeze
constants from the other kernel modules: :func:`kernel` adds a fingerprint of all of
them (:data:`KERNEL_SOURCES`) to the key, so editing any one recompiles every kernel
instead of loading stale code.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

if "numba" not in sys.modules:
    # must precede Numba's first import: the codegen reads it once, at initialisation
    os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")

import numba  # noqa: E402

try:  # Numba's per-function cache; its index key is what the fingerprint extends
    from numba.core.caching import FunctionCache
except ImportError:  # pragma: no cover - a Numba without it keeps its own per-file keys
    FunctionCache = None

__all__ = ["kernel", "scalar_kernel", "SVML_ACTIVE", "KERNEL_SOURCES"]

SVML_ACTIVE: bool = bool(getattr(numba.config, "USING_SVML", False))
"""Whether Numba vectorises math calls through SVML in this process (then kernels may
differ from the C library in the last bit; the kernel tests would report it)."""

KERNEL_SOURCES = ("jit.py", "nmath.py", "nmath_kernels.py", "lgamma.py", "densities.py", "density_kernels.py",
                  "sums.py", "family_kernels.py")
"""The modules (in ``pylme/glmm``) whose code or constants the compiled kernels contain."""


def _fingerprint() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in KERNEL_SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # not a plain file (zipped install): Numba's own key remains
            digest.update(name.encode())
    return digest.hexdigest()


_FINGERPRINT = _fingerprint()

if FunctionCache is not None:
    class _KernelCache(FunctionCache):
        """Numba's function cache, keyed also on :data:`KERNEL_SOURCES`' contents."""

        def _index_key(self, sig, codegen):
            return super()._index_key(sig, codegen) + (_FINGERPRINT,)


def _compiled(fun, **options):
    dispatcher = numba.njit(cache=True, error_model="numpy", fastmath=False, nogil=True, **options)(fun)
    if FunctionCache is not None and isinstance(getattr(dispatcher, "_cache", None), FunctionCache):
        dispatcher._cache = _KernelCache(dispatcher.py_func)
    return dispatcher


def kernel(fun):
    """Compile ``fun`` as a pylme kernel: ``numba.njit``, cached, C error model, no fastmath."""
    return _compiled(fun)


def scalar_kernel(fun):
    """Compile a scalar helper of the kernels, inlined into its callers (Numba ``inline="always"``).

    Numba compiles each function separately and LLVM rarely inlines a helper that holds
    loops; the calls then cost more than the arithmetic (a Bernoulli ``aic`` row is one
    ``log``), so the hot helpers are merged into the array kernels that call them.
    """
    return _compiled(fun, inline="always")
