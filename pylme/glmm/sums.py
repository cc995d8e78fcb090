"""The summation order of lme4's C++, so sums match lme4's to the last bit.

lme4 1.1-31 is compiled with ``-DEIGEN_DONT_VECTORIZE`` (``src/Makevars``), so both its
explicit loops (``ans += ...`` in the binomial, Poisson and Gamma ``aic``) and Eigen's
``.sum()`` (the deviance ``devResid().sum()`` that PIRLS and the ``aic`` receive, the
``wt.sum()`` and log sums of the other families) add strictly left to right in double
precision.  NumPy's ``sum`` is pairwise and R's ``sum`` accumulates in long double, so
both differ from lme4 in the last bits; the frozen R values in
``tests/data/glmm/families.json`` include sums whose result depends on the order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sequential_sum"]


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
    x = np.asarray(x, dtype=float).ravel()
    return float(np.cumsum(x)[-1]) if x.size else 0.0
