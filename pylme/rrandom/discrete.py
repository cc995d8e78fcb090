"""R's ``sample()`` (R 4.2 ``do_sample`` in ``src/main/random.c``, ``do_sample2`` in ``unique.c``).

* equal probabilities, with replacement: ``R_unif_index(n) + 1`` per draw;
* equal probabilities, without replacement: a partial Fisher-Yates shuffle in R's form
  (the chosen slot takes the last live element); one draw (``size < 2``) needs no table;
* ``n > 1e7`` without replacement and ``size <= n/2`` (``sample.int``'s ``useHash``):
  draws with rejection of repeats (``do_sample2``);
* with ``prob``: the probabilities are normalised (``FixupProb``), sorted into
  decreasing order by R's heap sort ``revsort`` (ties keep R's order), then
  - with replacement and more than 200 "large" probabilities (``n p > 0.1``):
    Walker's alias method (``walker_ProbSampleReplace``);
  - with replacement otherwise: inversion of the cumulative sums;
  - without replacement: inversion with the chosen mass removed after each draw.
"""

from __future__ import annotations

import numpy as np

from ._jit import rkernel
from .mersenne import unif_rand
from .uniform import unif_index

__all__ = ["sample_uniform", "sample_hash", "revsort", "prob_sample_replace", "walker_sample",
           "prob_sample_noreplace"]


@rkernel
def sample_uniform(st, n, k, replace):
    """Equal-probability indices (1-based, as doubles) of ``sample.int(n, k, replace)``."""
    out = np.empty(k, dtype=np.float64)
    dn = float(n)
    if replace or k < 2:
        for i in range(k):
            out[i] = unif_index(st, dn) + 1.0
        return out
    x = np.arange(n, dtype=np.int64)
    live = n
    for i in range(k):
        j = int(unif_index(st, float(live)))
        out[i] = x[j] + 1.0
        live -= 1
        x[j] = x[live]
    return out


@rkernel
def sample_hash(st, dn, k):
    """``do_sample2``: ``k`` distinct indices below ``dn`` by rejecting repeats (at most 100 tries each)."""
    out = np.empty(k, dtype=np.float64)
    seen = {0.0: True}
    seen.pop(0.0)
    for i in range(k):
        for _ in range(100):
            v = unif_index(st, dn) + 1.0
            out[i] = v
            if v not in seen:
                break
        seen[out[i]] = True
    return out


@rkernel
def revsort(a, ib):
    """R's ``revsort``: heap sort ``a`` into decreasing order, permuting ``ib`` alongside."""
    n = a.size
    if n <= 1:
        return
    # R's code is 1-based (a--, ib--): index k here means a[k - 1]
    l = (n >> 1) + 1
    ir = n
    while True:
        if l > 1:
            l -= 1
            ra = a[l - 1]
            ii = ib[l - 1]
        else:
            ra = a[ir - 1]
            ii = ib[ir - 1]
            a[ir - 1] = a[0]
            ib[ir - 1] = ib[0]
            ir -= 1
            if ir == 1:
                a[0] = ra
                ib[0] = ii
                return
        i = l
        j = l << 1
        while j <= ir:
            if j < ir and a[j - 1] > a[j]:
                j += 1
            if ra > a[j - 1]:
                a[i - 1] = a[j - 1]
                ib[i - 1] = ib[j - 1]
                i = j
                j += j
            else:
                j = ir + 1
        a[i - 1] = ra
        ib[i - 1] = ii


@rkernel
def prob_sample_replace(st, p, k):
    """R's ``ProbSampleReplace``: inversion of the sorted cumulative probabilities."""
    n = p.size
    perm = np.arange(1, n + 1, dtype=np.int64)
    revsort(p, perm)
    for i in range(1, n):
        p[i] += p[i - 1]
    out = np.empty(k, dtype=np.float64)
    for i in range(k):
        ru = unif_rand(st)
        j = 0
        while j < n - 1:
            if ru <= p[j]:
                break
            j += 1
        out[i] = perm[j]
    return out


@rkernel
def walker_sample(st, p, k):
    """R's ``walker_ProbSampleReplace`` (Walker's alias method, Ripley 1987 Alg 3.13B)."""
    n = p.size
    hl = np.empty(n, dtype=np.int64)
    q = np.empty(n, dtype=np.float64)
    alias = np.zeros(n, dtype=np.int64)
    h = -1  # last slot of the "q < 1" stack, growing up from the front
    lo = n  # first slot of the "q >= 1" stack, growing down from the back
    for i in range(n):
        q[i] = p[i] * n
        if q[i] < 1.0:
            h += 1
            hl[h] = i
        else:
            lo -= 1
            hl[lo] = i
    if h >= 0 and lo < n:
        for kk in range(n - 1):
            i = hl[kk]
            j = hl[lo]
            alias[i] = j
            q[j] += q[i] - 1.0
            if q[j] < 1.0:
                lo += 1
            if lo >= n:
                break
    for i in range(n):
        q[i] += i
    out = np.empty(k, dtype=np.float64)
    for i in range(k):
        kk = int(unif_index(st, float(n)))
        ru = kk + unif_rand(st)
        out[i] = kk + 1 if ru < q[kk] else alias[kk] + 1
    return out


@rkernel
def prob_sample_noreplace(st, p, k):
    """R's ``ProbSampleNoReplace``: each draw inverts the remaining mass, then removes it."""
    n = p.size
    perm = np.arange(1, n + 1, dtype=np.int64)
    revsort(p, perm)
    out = np.empty(k, dtype=np.float64)
    total = 1.0
    n1 = n - 1
    for i in range(k):
        rt = total * unif_rand(st)
        mass = 0.0
        j = 0
        while j < n1:
            mass += p[j]
            if rt <= mass:
                break
            j += 1
        out[i] = perm[j]
        total -= p[j]
        for m in range(j, n1):
            p[m] = p[m + 1]
            perm[m] = perm[m + 1]
        n1 -= 1
    return out
