"""A singular end point that lme4's ``restart_edge`` accepts but is no optimum (issue 11's table).

R 4.2.2 + lme4 1.1-31::

    m <- lmer(y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept) + (0 + service | dept),
              InstEval, REML = FALSE)
    deviance(m)   # 237647.05837998737 (print(, digits = 17)) on Debian's reference BLAS,
                  # 237647.05838227784 on OpenBLAS 0.3.21 (another θ: a flat ridge)
    getME(m, "theta")  # reference BLAS: 0.27570005 0.43529055 0.03775288 0.02627422 -0.11007674 0.01172898

On this surface BOBYQA's path follows the last bits of the deviance: traced against lme4's
own ``nloptwrap``, the two paths agree to ≤ 5e-8 in θ for 70 evaluations and then part.
On some OpenBLAS kernels pylme's first run ends at θ with ``dept.service0 = 0`` and
``dept.service1.service0 > 0``, deviance 237648.6016478 (1.54 above lme4), where the slope into
the interior ascends and lme4's ``restart_edge`` would stop too.  The same Σ has a mirror
image (the column's sign flipped) whose slope descends: pylme's ``mirrored_edge`` remedy
(pylme/polish.py) restarts there and reaches lme4's deviance, on every kernel.
"""

from __future__ import annotations

import warnings

import pylme

#: lme4's deviance on the two BLAS it was run on: its own spread on this ridge
LME4_DEVIANCES = (237647.05837998737, 237647.05838227784)


def test_instEval_service_by_dept_reaches_lme4s_deviance():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept) + (0 + service | dept)",
                         pylme.datasets.load("InstEval"), REML=False)
    assert fit.deviance() <= max(LME4_DEVIANCES) + 1e-6
    assert not fit.isSingular()  # as lme4's: every diagonal of θ above 1e-4
