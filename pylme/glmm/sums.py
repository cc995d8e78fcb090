"""The summation order of lme4's C++, so sums match lme4's to the last bit.

lme4 1.1-31 is compiled with ``-DEIGEN_DONT_VECTORIZE`` (``src/Makevars``), so both its
explicit loops (``ans += ...`` in the binomial, Poisson and Gamma ``aic``) and Eigen's
``.sum()`` (the deviance ``devResid().sum()`` that PIRLS and the ``aic`` receive, the
``wt.sum()`` and log sums of the other families) add strictly left to right in double
precision.  NumPy's ``sum`` is pairwise and R's ``sum`` accumulates in long double, so
both differ from lme4 in the last bits; the frozen R values in
``tests/data/glmm/families.json`` include sums whose result depends on the order.

The sum is a compiled loop (:func:`left_sum`; without ``fastmath`` the compiler may not
reorder it), the same as the reference ``np.cumsum(x)[-1]``.
"""

from __future__ import annotations

import numpy as np

from pylme.glmm.jit import kernel

__all__ = ["sequential_sum", "left_sum"]


@kernel
def left_sum(x):
    """``((x[0] + x[1]) + x[2]) + ...`` over a contiguous float64 vector; 0 for no terms."""
    s = 0.0
    for i in range(x.size):
        s = x[i] if i == 0 else s + x[i]  # starting from x[0] keeps the sign of a lone −0
    return s


def sequential_sum(x) -> float:
    """Left-to-right double sum, as lme4's C++ adds (a C loop / unvectorised Eigen ``sum()``).

    Parameters
    ----------
    x : array_like
        The terms, in storage order (flattened).

    Returns
    -------
    float
        ``((x[0] + x[1]) + x[2]) + ...``; 0 for no terms.
    """
    x = np.asarray(x, dtype=float)
    if not x.flags.c_contiguous:
        x = np.ascontiguousarray(x)
    flat = x.reshape(-1)
    flat.flags.writeable = False  # one compiled type: callers' arrays may be read-only (frozen)
    return float(left_sum(flat))
