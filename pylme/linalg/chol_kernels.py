"""Cholesky pieces for compiled code: LAPACK's ``dpotrf``/``dtrtrs``, a pattern factorization, NumPy's sum.

The compiled PIRLS decomposition (:mod:`.pls_kernels`) must make the calls the NumPy path
makes, to the bit, from inside Numba:

* :func:`dpotrf_lower` and :func:`dtrtrs_lower_t` call scipy's LAPACK
  (``scipy.linalg.cython_lapack``, the library ``scipy.linalg.lapack`` wraps) with the
  arguments scipy's wrappers pass.  The functions are registered with LLVM under names of
  our own at import, and compiled code refers to those names, not to addresses, so Numba's
  on-disk cache stays valid in every process;
* :func:`pairwise_sum` adds as ``ndarray.sum`` does (NumPy's pairwise summation; from
  :mod:`.sums`, compiled here with the other linalg kernels, :mod:`.jit`);
* :func:`sparse_potrf` factors a dense array on a known factor pattern (nested designs
  leave the trailing matrix almost empty, where LAPACK's dense work is mostly wasted).
"""

from __future__ import annotations

import math
from pathlib import Path

from ..numba_compile import kernel_compiler

#: The compiled linalg kernels' sources: PIRLS's (:mod:`.pls_kernels`) inline these.
SOURCES = tuple(Path(__file__).with_name(name) for name in ("chol_kernels.py", "pls_kernels.py", "sums.py"))
#: ``numba.njit`` under pylme's rules (:mod:`pylme.numba_compile`), keyed on :data:`SOURCES`
linalg_kernel = kernel_compiler(SOURCES)  # (imports Numba, SVML off, before the lines below)

import llvmlite.binding as _llvm  # noqa: E402
import numpy as np  # noqa: E402
from numba import types as _nt  # noqa: E402
from numba.extending import get_cython_function_address  # noqa: E402

from . import jit, sums  # noqa: E402

jit.compile_kernels()  # code compiled here calls them: they must be dispatchers now
pairwise_sum = sums.pairwise_sum

__all__ = ["dpotrf_lower", "dtrtrs_lower_t", "pairwise_sum", "sparse_potrf", "linalg_kernel", "SOURCES"]

_njit = linalg_kernel

# scipy's LAPACK under names of our own: compiled code refers to symbols, not addresses, so
# Numba's on-disk cache stays valid in every process (each registers them again here)
for _name in ("dpotrf", "dtrtrs"):
    _llvm.add_symbol(f"pylme_{_name}", get_cython_function_address("scipy.linalg.cython_lapack", _name))
_chars, _ints, _doubles = _nt.CPointer(_nt.uint8), _nt.CPointer(_nt.int32), _nt.CPointer(_nt.float64)
_dpotrf = _nt.ExternalFunction("pylme_dpotrf", _nt.void(_chars, _ints, _doubles, _ints, _ints))
_dtrtrs = _nt.ExternalFunction("pylme_dtrtrs", _nt.void(_chars, _chars, _chars, _ints, _ints, _doubles, _ints,
                                                         _doubles, _ints, _ints))


@_njit
def dpotrf_lower(a):
    """LAPACK ``dpotrf`` of the C-ordered square ``a``'s lower triangle, in place; returns ``info``.

    The call ``scipy.linalg.lapack.dpotrf(a.T, lower=0, overwrite_a=1)`` makes: the lower
    triangle of a C array is the upper one of its Fortran view.
    """
    size = a.shape[0]
    ints = np.empty(3, dtype=np.int32)  # n, lda, info (pointers into one buffer)
    ints[0] = size
    ints[1] = size
    ints[2] = 0
    chars = np.empty(1, dtype=np.uint8)
    chars[0] = 85  # 'U'
    _dpotrf(chars.ctypes, ints[0:].ctypes, a.ctypes, ints[1:].ctypes, ints[2:].ctypes)
    return ints[2]


@_njit
def dtrtrs_lower_t(lower, b):
    """``Lᵀx = b`` in place of ``b`` by LAPACK ``dtrtrs('L', 'T', 'N')``; returns ``info``.

    ``lower`` (p × p, C order, zeros above the diagonal) is passed as scipy's
    ``dtrtrs(L, b, lower=1, trans=1)`` passes it: a Fortran-ordered copy.
    """
    p = lower.shape[0]
    fortran = np.empty((p, p))
    for i in range(p):
        for j in range(p):
            fortran[j, i] = lower[i, j]
    ints = np.empty(4, dtype=np.int32)  # n, nrhs, lda = ldb, info
    ints[0] = p
    ints[1] = 1
    ints[2] = max(p, 1)
    ints[3] = 0
    chars = np.empty(3, dtype=np.uint8)
    chars[0] = 76  # 'L'
    chars[1] = 84  # 'T'
    chars[2] = 78  # 'N'
    _dtrtrs(chars[0:].ctypes, chars[1:].ctypes, chars[2:].ctypes, ints[0:].ctypes, ints[1:].ctypes,
            fortran.ctypes, ints[2:].ctypes, b.ctypes, ints[2:].ctypes, ints[3:].ctypes)
    return ints[3]


@_njit
def sparse_potrf(a, col_ptr, col_rows):
    """Cholesky factor of ``a`` (its lower triangle, in place) on a known factor pattern.

    Right-looking: column ``j`` is scaled, then only the entries ``(i, k)`` of rows ``i ≥ k``
    of column ``j``'s pattern are updated — the multiply-adds a sparse factorization makes,
    on the dense array.  LAPACK ``dpotrf``'s convention: returns 0, or ``j + 1`` for the
    first pivot ``j`` that is not positive (left in place, the factor then incomplete).
    """
    size = a.shape[0]
    for j in range(size):
        d = a[j, j]
        if not d > 0.0:
            return j + 1
        ljj = math.sqrt(d)
        a[j, j] = ljj
        lo, hi = col_ptr[j], col_ptr[j + 1]
        for p in range(lo, hi):
            a[col_rows[p], j] /= ljj
        for p in range(lo, hi):
            i = col_rows[p]
            lij = a[i, j]
            for p2 in range(lo, p + 1):
                k = col_rows[p2]
                a[i, k] -= lij * a[k, j]
    return 0
