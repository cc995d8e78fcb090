"""pylme/polish.py: the Newton step and restarts after a premature end point."""

from __future__ import annotations

import numpy as np
import pytest

from pylme.control import LmerControl
from pylme.convergence import gradient_check_fails
from pylme.optimize import OptResult, deriv12
from pylme.polish import NEWTON_STEPS, SETTLED_GAIN, _column_below, mirrored_edge, newton_step, polish

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


# ---------------------------------------------------------------- mirrored edge

#: a 2×2 term's covariance whose optimum has a negative covariance (θ₂₁ < 0 at θ₁₁ > 0)
SIGMA_STAR = np.array([[0.04, -0.03], [-0.03, 0.05]])
TERM_LOWER = np.array([0.0, -np.inf, 0.0])  # lme4's lower for (θ₁₁, θ₂₁, θ₂₂)


def covariance_fit(theta):
    """A criterion of Σ = TTᵀ only, as lme4's is: unchanged when a column of T flips sign."""
    t11, t21, t22 = theta
    T = np.array([[t11, 0.0], [t21, t22]])
    return float(100.0 + 1e3 * np.sum((T @ T.T - SIGMA_STAR) ** 2))


def test_a_singular_end_point_whose_mirror_descends_is_restarted_from_the_mirror():
    # θ₁₁ = 0 with θ₂₁ > 0: the slope into the interior ascends (a covariance θ₁₁θ₂₁ > 0
    # moves away from Σ*'s), lme4's restart_edge stops there; the mirror θ₂₁ < 0 descends
    edge = np.array([0.0, 0.12, 0.17])
    assert covariance_fit(edge + [1e-5, 0, 0]) > covariance_fit(edge)
    mirror = edge * [1, -1, 1]
    assert covariance_fit(mirror) == covariance_fit(edge)
    assert covariance_fit(mirror + [1e-5, 0, 0]) < covariance_fit(mirror)
    start = _opt(edge, fn=covariance_fit)
    polished = mirrored_edge(covariance_fit, start, TERM_LOWER, LmerControl())
    assert polished.polished == "mirrored edge"
    assert polished.fval < start.fval - 1.0  # Σ* itself (fval 100): θ₂₁ < 0 at θ₁₁ > 0
    assert polished.fval == pytest.approx(100.0, abs=1e-6)
    assert polished.par[0] > 0.1 and polished.par[1] < 0
    assert polished.feval > start.feval and len(polished.trace) > len(start.trace)
    # and polish() applies it to a singular end point
    assert polish(covariance_fit, start, TERM_LOWER, LmerControl()).fval == polished.fval


def test_mirrors_are_left_alone_when_no_slope_descends():
    def positive_cov(theta):  # optimum on the edge: Σ* = [[0, 0], [0, 0.05]]
        t11, t21, t22 = theta
        T = np.array([[t11, 0.0], [t21, t22]])
        return float(100.0 + 1e3 * np.sum((T @ T.T - [[0.0, 0.0], [0.0, 0.05]]) ** 2))

    edge = _opt([0.0, 0.1, 0.2], fn=positive_cov)
    assert mirrored_edge(positive_cov, edge, TERM_LOWER, LmerControl()) is edge
    # nothing below the zero diagonal (θ₂₁ = 0), or a zero last diagonal (no column below)
    for par in ([0.0, 0.0, 0.17], [0.2, -0.15, 0.0]):
        start = _opt(par, fn=covariance_fit)
        assert mirrored_edge(covariance_fit, start, TERM_LOWER, LmerControl()) is start, par


def test_the_mirror_flips_only_the_column_below_the_zero_diagonal():
    # two terms: a scalar (lower 0) and a 3×3 (θ₁₁ θ₂₁ θ₃₁ θ₂₂ θ₃₂ θ₃₃), whose θ₂₂ is 0
    lower = np.array([0.0, 0.0, -np.inf, -np.inf, 0.0, -np.inf, 0.0])
    assert list(_column_below(lower, 0)) == []
    assert list(_column_below(lower, 1)) == [2, 3]
    assert list(_column_below(lower, 4)) == [5]
    assert list(_column_below(lower, 6)) == []


def test_the_mirror_is_tried_before_lme4s_derivative_check_is_paid_for():
    """optimize_lmer(before_derivs=mirror_before_derivs(...)): an end point left for its
    mirror's basin gets no derivatives; the restart's end point gets lme4's."""
    from pylme.optimize import optimize_lmer
    from pylme.polish import mirror_before_derivs

    points = []

    def counted(theta):
        points.append(np.array(theta, dtype=float))
        return covariance_fit(theta)

    control = LmerControl()
    edge = np.array([0.0, 0.12, 0.17])  # the optimizer's end point, as a start it stays there
    direct = optimize_lmer(counted, edge, TERM_LOWER, control)
    n_direct = len(points)
    assert direct.derivs is not None
    points.clear()
    hooked = optimize_lmer(counted, edge, TERM_LOWER, control,
                           before_derivs=mirror_before_derivs(counted, TERM_LOWER, control))
    assert hooked.polished == "mirrored edge" and hooked.derivs is not None
    assert hooked.fval == pytest.approx(100.0, abs=1e-6)
    assert hooked.fval < direct.fval - 1.0, direct.par  # lme4's steps alone stay on the edge
    # deriv12's stencil around the first end point (steps of exactly ±1e-4) was never taken
    def on_stencil(p, centre):
        d = np.abs(p - centre)
        step = np.isclose(d, 1e-4, rtol=1e-9, atol=0)
        return step.any() and np.all(step | (d == 0))

    assert sum(on_stencil(p, direct.par) for p in points) == 0
    n_stencil = 2 * 3 + 4 * 3  # lme4's check with 3 θ: 2k single and 2k(k-1) paired steps
    points.clear()
    optimize_lmer(counted, edge, TERM_LOWER, control)
    assert sum(on_stencil(p, direct.par) for p in points) == n_stencil
    assert n_direct == len(points)
