"""How the R random-number kernels are compiled (Numba, bit-identical to R's C code).

pylme's rules for Numba kernels (:mod:`pylme.numba_compile`: no ``fastmath``: no reassociation and no fused
multiply-adds, which gcc does not emit for R's baseline x86-64 build; ``error_model="numpy"``
so that ``x/0`` is ±Inf as in C), with the on-disk cache keyed on every module of this
package: the kernels inline each other across modules (``unif_rand`` into ``norm_rand``
into ``rpois`` ...), so editing one must recompile them all.
"""

from __future__ import annotations

from pathlib import Path

from pylme.numba_compile import kernel_compiler

__all__ = ["rkernel"]

_SOURCES = ("_jit.py", "mersenne.py", "normal.py", "exponential.py", "uniform.py", "discrete.py",
            "binom.py", "pois.py", "gamma.py", "nbinom.py")

#: ``numba.njit`` a generator kernel: cached, C error model, no fastmath (``rkernel(fun)``)
rkernel = kernel_compiler(Path(__file__).resolve().parent / name for name in _SOURCES)
