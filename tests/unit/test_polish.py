"""pylme/polish.py: the Newton step and restarts after a premature end point."""

from __future__ import annotations

import numpy as np
import pytest

from pylme.control import LmerControl
from pylme.convergence import gradient_check_fails
from pylme.optimize import OptResult, deriv12
from pylme.polish import NEWTON_STEPS, SETTLED_GAIN, newton_step, polish

H = np.array([[4.0e4, 1.0e3], [1.0e3, 2.0e2]])  # large curvature: a large-n model's criterion
OPTIMUM = np.array([1.4, 0.3])
LOWER = np.array([0.0, -np.inf])


def quadratic(theta):
    d = np.asarray(theta) - OPTIMUM
    return float(1000.0 + 0.5 * d @ H @ d)


def _opt(par, message="NLOPT_XTOL_REACHED: Optimization stopped because xtol_rel or xtol_abs (above) was reached.",
         fn=quadratic, feval=50):
    par = np.asarray(par, dtype=float)
    return OptResult(par=par, fval=fn(par), feval=feval, conv=0, message=message, optimizer="nloptwrap",
                     derivs=deriv12(fn, par), trace=((par, fn(par)),))


def test_newton_step_reaches_a_quadratic_optimum_in_one_evaluation():
    start = _opt(OPTIMUM + [3e-4, -4e-3])  # 2.4e-3 above the optimum
    assert gradient_check_fails(start.derivs, LmerControl().check_conv_grad)
    stepped = newton_step(quadratic, start, LOWER)
    np.testing.assert_allclose(stepped.par, OPTIMUM, atol=1e-9)
    assert stepped.fval == pytest.approx(1000.0, abs=1e-9)
    assert stepped.feval == start.feval + 1 and len(stepped.trace) == 2
    assert not gradient_check_fails(stepped.derivs, LmerControl().check_conv_grad)


def test_polish_takes_the_newton_step_when_lme4s_gradient_check_fails():
    start = _opt(OPTIMUM + [3e-4, -4e-3])
    polished = polish(quadratic, start, LOWER, LmerControl())
    np.testing.assert_allclose(polished.par, OPTIMUM, atol=1e-9)
    assert polished.message == start.message and polished.feval == start.feval + 1


def test_newton_step_never_leaves_the_bounds_nor_goes_uphill():
    def below_bound(t):  # optimum at θ₁ = -0.6, outside θ₁ ≥ 0
        return quadratic(np.asarray(t) + [2.0, 0.0])

    at_bound = _opt([0.01, 0.3], fn=below_bound)
    assert newton_step(below_bound, at_bound, LOWER) is at_bound

    def saddle(t):
        return float(t[0] ** 2 - t[1] ** 2)

    at = _opt([0.1, 0.1], fn=saddle)
    assert newton_step(saddle, at, np.array([-np.inf, -np.inf])) is at  # the step goes uphill


def test_settled_end_points_are_left_alone():
    settled = _opt(OPTIMUM + [1e-9, 0.0])
    assert polish(quadratic, settled, LOWER, LmerControl()) is settled
    failed = _opt(OPTIMUM + [3e-4, -4e-3])
    failed = OptResult(**{**failed.__dict__, "conv": 5})
    assert polish(quadratic, failed, LOWER, LmerControl()) is failed  # the optimizer's own failure stands


def test_ftol_restart_kept_only_when_it_gains_more_than_the_settled_gain():
    ftol = "NLOPT_FTOL_REACHED: Optimization stopped because ftol_rel or ftol_abs (above) was reached."
    flat = np.diag([2e-2, 2e-2])

    def shallow(t):
        d = np.asarray(t) - OPTIMUM
        return float(1000.0 + 0.5 * d @ flat @ d)

    far = _opt(OPTIMUM + [1e-2, 1e-2], message=ftol, fn=shallow)  # 2e-6 above: restart kept
    kept = polish(shallow, far, LOWER, LmerControl())
    assert kept.fval < far.fval - SETTLED_GAIN and kept.feval > far.feval
    near = _opt(OPTIMUM + [1e-3, 1e-3], message=ftol, fn=shallow)  # 2e-8 above: left alone
    assert polish(shallow, near, LOWER, LmerControl()) is near
    for key, value in (("ftol_abs", 1e-6), ("ftol_rel", 1e-3), ("xtol_rel", 1e-3),
                       ("xtol_abs", 1e-4), ("maxeval", 500)):
        user_set = LmerControl(opt_ctrl={key: value})  # the user chose when to stop
        assert polish(shallow, far, LOWER, user_set) is far, key


def test_newton_steps_bounded():
    assert 1 <= NEWTON_STEPS <= 5
