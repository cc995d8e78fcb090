"""A known parity gap (issue 11's benchmark table): a fit that ends in a worse basin than lme4's.

R 4.2.2 + lme4 1.1-31 (reference BLAS)::

    m <- lmer(y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept) + (0 + service | dept),
              InstEval, REML = FALSE)
    deviance(m)   # 237647.05837998737 (print(, digits = 17)); OpenBLAS: 237647.05838227784

pylme ends at θ with ``t11 = 0`` (a singular fit) and deviance 237648.6016478: 1.54 above.
Traced against lme4's own ``nloptwrap`` on the same deviance function, the two optimizer
paths agree to ≤ 5e-8 in θ for 70 evaluations and then drift apart (last-bit chaos on a
surface with several basins; lme4 on OpenBLAS ends at a third θ with lme4's deviance).
The optimizer's robustness at a singular end point is what must change; this test then
passes and its strict xfail marker must go.
"""

from __future__ import annotations

import warnings

import pytest

import pylme

LME4_DEVIANCE = 237647.05837998737


@pytest.mark.xfail(strict=True, reason="pylme ends 1.54 above lme4 in another basin (see the module docstring)")
def test_instEval_service_by_dept_reaches_lme4s_deviance():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept) + (0 + service | dept)",
                         pylme.datasets.load("InstEval"), REML=False)
    assert fit.deviance() <= LME4_DEVIANCE + 1e-6
