"""How pylme compiles its GLM kernels with Numba so they stay bit-identical to R/lme4.

The rules (no ``fastmath``, no SVML, the C error model, a cache keyed on every source the
kernels inline) are :mod:`pylme.numba_compile`'s; this module names the GLM kernels'
sources (:data:`KERNEL_SOURCES`) and offers the two decorators the kernel modules use.
:data:`SVML_ACTIVE` reports an SVML already switched on by an earlier import of Numba.
"""

from __future__ import annotations

from pathlib import Path

from pylme.numba_compile import kernel_compiler, svml_active

__all__ = ["kernel", "scalar_kernel", "SVML_ACTIVE", "KERNEL_SOURCES"]

SVML_ACTIVE: bool = svml_active()
"""Whether Numba vectorises math calls through SVML in this process (then kernels may
differ from the C library in the last bit; the kernel tests would report it)."""

KERNEL_SOURCES = ("jit.py", "nmath.py", "nmath_kernels.py", "lgamma.py", "densities.py", "density_kernels.py",
                  "sums.py", "family_kernels.py")
"""The modules (in ``pylme/glmm``) whose code or constants the compiled kernels contain."""


_compile = kernel_compiler(Path(__file__).resolve().parent / name for name in KERNEL_SOURCES)


def kernel(fun):
    """Compile ``fun`` as a pylme kernel: ``numba.njit``, cached, C error model, no fastmath."""
    return _compile(fun)


def scalar_kernel(fun):
    """Compile a scalar helper of the kernels, inlined into its callers (Numba ``inline="always"``).

    Numba compiles each function separately and LLVM rarely inlines a helper that holds
    loops; the calls then cost more than the arithmetic (a Bernoulli ``aic`` row is one
    ``log``), so the hot helpers are merged into the array kernels that call them.
    """
    return _compile(fun, inline="always")
