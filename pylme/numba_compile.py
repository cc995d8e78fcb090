"""How pylme compiles a kernel with Numba so that it keeps R's and lme4's bits.

lme4's kernels are C++ and R's C, compiled without vector math libraries or fused
multiply-adds, calling the C library's ``exp``/``log``/``lgamma``.  A Numba kernel gives
the same bits when it is compiled

* without ``fastmath``: no reassociation (sums stay left to right), no contraction of
  ``a*b + c`` into an FMA, no ``x/y`` turned into ``x * (1/y)``;
* without Intel's SVML: Numba maps vectorised ``exp``/``log`` calls to SVML when that
  library is installed, and SVML's results differ from the C library's in the last bit.
  ``NUMBA_DISABLE_INTEL_SVML`` is set (unless the user set it) before Numba is first
  imported, which is why Numba is imported here, on the first compilation, and nowhere
  else before;
* with ``error_model="numpy"``: ``x/0`` is ±Inf or NaN as in C, not a Python exception.

``cache=True`` stores the machine code next to each module (``__pycache__``; Numba falls
back to its user-wide cache directory where that is not writable), so a process compiles
a kernel once per installation and loads it after.  Numba keys a cached kernel on its own
file only, but pylme's kernels call and inline kernels of other modules: a compiler made
by :func:`kernel_compiler` adds a fingerprint of all the source files it is given to the
key, so editing any one recompiles every kernel instead of loading stale code.

Used by :mod:`pylme.glmm.jit`, :mod:`pylme.rrandom._jit` and :mod:`pylme.linalg.jit`.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["kernel_compiler", "svml_active"]


def _numba():
    if "numba" not in sys.modules:  # read once by Numba's codegen, at initialisation
        os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")
    import numba

    return numba


def svml_active() -> bool:
    """Whether Numba vectorises math calls through SVML in this process (set by an earlier
    import of Numba with SVML on: kernels may then differ from the C library in the last bit)."""
    return bool(getattr(_numba().config, "USING_SVML", False))


def kernel_compiler(sources: Iterable[Path]) -> Callable[..., Any]:
    """A function ``compile(fun, **options)``: ``fun`` as a Numba kernel under the rules above.

    Parameters
    ----------
    sources : iterable of Path
        Every file whose code or constants the kernels contain (their own included); the
        on-disk cache is keyed on their contents.

    Returns
    -------
    callable
        ``compile(fun, **options)`` returns ``numba.njit(cache=True, error_model="numpy",
        fastmath=False, nogil=True, **options)(fun)`` with the extended cache key.
    """
    numba = _numba()
    try:  # Numba's per-function cache; its index key is what the fingerprint extends
        from numba.core.caching import FunctionCache
    except ImportError:  # pragma: no cover - a Numba without it keeps its own per-file keys
        FunctionCache = None
    cache = None if FunctionCache is None else _keyed_cache(FunctionCache, _fingerprint(sources))

    def compile_kernel(fun: Callable, **options: Any) -> Any:
        dispatcher = numba.njit(cache=True, error_model="numpy", fastmath=False, nogil=True, **options)(fun)
        if cache is not None and isinstance(getattr(dispatcher, "_cache", None), FunctionCache):
            dispatcher._cache = cache(dispatcher.py_func)
        return dispatcher

    return compile_kernel


def _keyed_cache(base: type, fingerprint: str) -> type:
    class KernelCache(base):
        """Numba's function cache, keyed also on the kernels' source files."""

        def _index_key(self, sig, codegen):
            return super()._index_key(sig, codegen) + (fingerprint,)

    return KernelCache


def _fingerprint(sources: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sources:
        try:
            digest.update(Path(path).read_bytes())
        except OSError:  # not a plain file (zipped install): Numba's own key remains
            digest.update(Path(path).name.encode())
    return digest.hexdigest()
