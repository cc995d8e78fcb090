"""Cholesky pieces for compiled code: LAPACK's ``dpotrf``/``dtrtrs``, a pattern factorization, NumPy's sum.

The compiled PIRLS decomposition (:mod:`.pls_kernels`) must make the calls the NumPy path
makes, to the bit, from inside Numba:

* :func:`dpotrf_lower` and :func:`dtrtrs_lower_t` call scipy's LAPACK
  (``scipy.linalg.cython_lapack``, the library ``scipy.linalg.lapack`` wraps) with the
  arguments scipy's wrappers pass.  The functions are registered with LLVM under names of
  our own at import, and compiled code refers to those names, not to addresses, so Numba's
  on-disk cache stays valid in every process;
* :func:`pairwise_sum` adds as ``ndarray.sum`` does (NumPy's pairwise summation);
* :func:`sparse_potrf` factors a dense array on a known factor pattern (nested designs
  leave the trailing matrix almost empty, where LAPACK's dense work is mostly wasted).
"""

from __future__ import annotations

import math
import os
import sys

if "numba" not in sys.modules:  # as pylme.glmm.jit: C-library math, never Intel's SVML
    os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")

import llvmlite.binding as _llvm  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import types as _nt  # noqa: E402
from numba.extending import get_cython_function_address  # noqa: E402

__all__ = ["dpotrf_lower", "dtrtrs_lower_t", "pairwise_sum", "sparse_potrf"]

_njit = numba.njit(cache=True, error_model="numpy", fastmath=False, nogil=True)

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
def pairwise_sum(a, n):
    """``a[:n].sum()`` in NumPy's order: its pairwise summation (blocks of at most 128 added
    with 8 accumulators, longer runs split in two at a multiple of 8), without recursion."""
    if n <= 128:
        return _pairwise_leaf(a, 0, n)
    starts = np.empty(64, dtype=np.intp)  # the recursion's frames: depth ≤ log2(n)
    sizes = np.empty(64, dtype=np.intp)
    stages = np.empty(64, dtype=np.intp)
    lefts = np.empty(64)
    top = 0
    starts[0], sizes[0], stages[0] = 0, n, 0
    ret = 0.0
    while top >= 0:
        s, m = starts[top], sizes[top]
        if m <= 128:
            ret = _pairwise_leaf(a, s, m)
            top -= 1
            continue
        n2 = m // 2
        n2 -= n2 % 8
        if stages[top] == 0:  # left half first
            stages[top] = 1
            top += 1
            starts[top], sizes[top], stages[top] = s, n2, 0
        elif stages[top] == 1:  # then the right half
            lefts[top] = ret
            stages[top] = 2
            top += 1
            starts[top], sizes[top], stages[top] = s + n2, m - n2, 0
        else:
            ret = lefts[top] + ret
            top -= 1
    return ret


@_njit
def _pairwise_leaf(a, start, n):
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[start + i]
        return res
    r = np.empty(8)
    for j in range(8):
        r[j] = a[start + j]
    i = 8
    while i < n - (n % 8):
        for j in range(8):
            r[j] += a[start + i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += a[start + i]
        i += 1
    return res


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
