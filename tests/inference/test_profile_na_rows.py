"""A profile step that fails (lme4: tryCatch -> an NA row) never hands NLopt a NaN start.

Under the Sandybridge OpenBLAS kernel a step of sleepstudy's ``prof.scale = "varcov"``
profile fails, its NA parameters seeded the next step, and NLopt, given a NaN start,
corrupted memory ("double free or corruption"). The optimizer wrapper now refuses
non-finite starting values with a typed error, which makes the next row NA, as in lme4.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import pylme
from pylme.errors import OptimizerError
from pylme.inference.devfun2 import minimize


@pytest.mark.parametrize("start", [[np.nan, 1.0], [1.0, np.inf], [-np.inf, 0.0]])
def test_non_finite_start_is_a_typed_error_not_a_crash(start):
    with pytest.raises(OptimizerError, match="non-finite starting values"):
        minimize(lambda v: float(np.sum(np.square(v))), np.array(start), [-np.inf, -np.inf],
                 None, "bobyqa", {})


def test_a_failing_step_gives_na_rows_and_the_profile_goes_on(monkeypatch):
    import pylme.inference.profile_steps as steps

    fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
    real, calls = steps.minimize, {"n": 0}

    def fails_once(fn, start, *args):
        calls["n"] += 1
        if calls["n"] == 5:  # one step fails, as the Sandybridge kernel made it fail
            raise OptimizerError("a failing step")
        return real(fn, start, *args)

    monkeypatch.setattr(steps, "minimize", fails_once)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ci = fit.confint(parm="theta_", prof_scale="varcov", oldNames=False, quiet=True)
    assert any("NAs detected in profiling" in str(w.message) for w in caught)
    # the failed step cuts one end of the first profile (lme4: NA there); the others are whole
    assert ci.shape == (4, 2) and np.isfinite(ci.to_numpy()[1:]).all()
