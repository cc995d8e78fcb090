"""``ndarray.sum``'s order for compiled and interpreted kernels: NumPy's pairwise summation.

A kernel that adds up a vector must round as the NumPy code it replaces does, so the
factor's log-determinant keeps its bits whether the sum runs in NumPy, in a compiled
kernel or interpreted (:mod:`.jit`).
"""

from __future__ import annotations

import numpy as np

from .jit import kernel

__all__ = ["pairwise_sum"]


@kernel
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


@kernel
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
