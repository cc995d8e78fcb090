"""Symbolic cost of a sparse Cholesky factorization, without factoring: minimum-degree elimination.

:meth:`.blocked.BlockedSystem` chooses a dense or a sparse trailing factorization by their
estimated costs.  The sparse cost is that of the factor under a fill-reducing ordering
(the count of its entries and ``Σ_j c_j²`` flops, ``c_j`` the entries of column ``j``),
which SuperLU only reports after a numeric factorization — 6 s on a 5,000-level crossed
block that then turns out to fill in completely and is factored dense.  This module
plays the elimination game on the pattern instead: the node of least degree is eliminated,
its neighbours become a clique (rows held as bitsets), until the graph is empty or the
accumulated cost passes the dense one — crossed designs that fill in pass it after a few
dozen nodes.  It is the minimum-degree ordering that SuperLU's ``MMD_AT_PLUS_A`` (and
CHOLMOD's AMD, which lme4 uses) approximates; ties go to the lower index, so the result
is the same on every machine.
"""

from __future__ import annotations

import numpy as np

from .jit import kernel

__all__ = ["FillEstimate", "min_degree_cost"]


class FillEstimate:
    """The outcome of :func:`min_degree_cost`.

    Attributes
    ----------
    factor_nnz : int
        Entries of the factor's columns eliminated so far (all of them when ``complete``).
    flops : float
        ``Σ c_j²`` over those columns.
    complete : bool
        False when the elimination stopped because the cost passed the limit.
    """

    def __init__(self, factor_nnz: int, flops: float, complete: bool):
        self.factor_nnz, self.flops, self.complete = factor_nnz, flops, complete


def min_degree_cost(keys: np.ndarray, n: int, flop_weight: float, entry_weight: float,
                    limit: float) -> FillEstimate:
    """Eliminate the symmetric pattern ``keys`` by minimum degree, up to a cost ``limit``.

    Parameters
    ----------
    keys : ndarray of int64
        Lower-triangle positions ``row * n + col`` (``row ≥ col``; the diagonal may be
        included or not).
    n : int
        Order of the matrix.
    flop_weight, entry_weight : float
        The cost of the factor is ``flop_weight · flops + entry_weight · factor_nnz``.
    limit : float
        Stop as soon as that cost exceeds this.

    Returns
    -------
    FillEstimate
    """
    keys = np.asarray(keys, dtype=np.int64)
    rows, cols = keys // max(n, 1), keys % max(n, 1)
    off = rows != cols
    nnz, flops, complete = _eliminate(rows[off], cols[off], n, float(flop_weight), float(entry_weight), float(limit))
    return FillEstimate(int(nnz), float(flops), bool(complete))


@kernel
def _popcount_row(bits, i):
    """Set bits of row ``i`` (the SWAR popcount: a dozen operations per 64-bit word)."""
    m1, m2, m4 = np.uint64(0x5555555555555555), np.uint64(0x3333333333333333), np.uint64(0x0F0F0F0F0F0F0F0F)
    h01 = np.uint64(0x0101010101010101)
    count = 0
    for w in range(bits.shape[1]):
        x = bits[i, w]
        x = x - ((x >> np.uint64(1)) & m1)
        x = (x & m2) + ((x >> np.uint64(2)) & m2)
        x = (x + (x >> np.uint64(4))) & m4
        count += int((x * h01) >> np.uint64(56))
    return count


@kernel
def _eliminate(rows, cols, n, flop_weight, entry_weight, limit):
    words = (n + 63) // 64
    bits = np.zeros((max(n, 1), max(words, 1)), dtype=np.uint64)
    one = np.uint64(1)
    for e in range(rows.shape[0]):
        a, b = rows[e], cols[e]
        bits[a, b // 64] |= one << np.uint64(b % 64)
        bits[b, a // 64] |= one << np.uint64(a % 64)
    degree = np.zeros(max(n, 1), dtype=np.int64)
    for i in range(n):
        degree[i] = _popcount_row(bits, i)
    alive = np.ones(max(n, 1), dtype=np.bool_)
    nbrs = np.zeros(max(n, 1), dtype=np.int64)
    nnz = 0
    flops = 0.0
    for _ in range(n):
        v = -1
        best = n + 1
        for i in range(n):  # the alive node of least degree (lowest index on ties)
            if alive[i] and degree[i] < best:
                best = degree[i]
                v = i
        count = best + 1  # the factor's column: the diagonal and the neighbours
        nnz += count
        flops += float(count) * float(count)
        if flop_weight * flops + entry_weight * nnz > limit:
            return nnz, flops, False
        alive[v] = False
        m = 0
        for w in range(words):  # the neighbours of v
            x = bits[v, w]
            while x:
                low = x & (~x + one)
                bit = 0
                while (low >> np.uint64(bit)) != one:
                    bit += 1
                nbrs[m] = w * 64 + bit
                m += 1
                x ^= low
        vw, vb = v // 64, one << np.uint64(v % 64)
        for j in range(m):  # they become a clique; v leaves the graph
            u = nbrs[j]
            for w in range(words):
                bits[u, w] |= bits[v, w]
            bits[u, u // 64] &= ~(one << np.uint64(u % 64))
            bits[u, vw] &= ~vb
            degree[u] = _popcount_row(bits, u)
    return nnz, flops, True
