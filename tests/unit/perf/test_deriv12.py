"""lme4's finite-difference derivative check (``deriv12``): lme4's numbers, cheaper to get.

The gradient and Hessian are lme4 1.1-31's to the last bit on a function both languages
evaluate with the same floating-point operations (frozen from R in
tests/data/perf/deriv12_lme4.json); spreading the evaluations over threads gives the same
bits as evaluating them in turn; ``optwrap`` takes the optimizer's value at the optimum
(lme4: ``fx = opt$value``) instead of evaluating it again.
"""

from __future__ import annotations

import json
import pathlib
import threading

import numpy as np
import pytest

import pylme
from pylme import optimize
from pylme.control import LmerControl

DATA = pathlib.Path(__file__).parents[2] / "data" / "perf" / "deriv12_lme4.json"


def _f(x) -> float:
    # the R function of the frozen file, operation for operation (R indexes from 1)
    return x[0] * x[0] * x[1] + 3 * x[1] * x[2] - x[0] * x[2] * x[2] + 1000.5 + x[3] * x[0] * x[3]


def test_deriv12_is_lme4s_to_the_last_bit():
    ref = json.loads(DATA.read_text())
    x = np.array(ref["x"])
    assert _f(x) == ref["fx"]
    for fx in (None, ref["fx"]):
        d = optimize.deriv12(_f, x, fx=fx)
        np.testing.assert_array_equal(d.gradient, ref["gradient"])
        np.testing.assert_array_equal(d.Hessian, np.array(ref["hessian"]).reshape(4, 4))


def test_deriv12_evaluates_lme4s_points_in_lme4s_order():
    seen = []
    x = np.array([1.0, 2.0, 3.0])
    optimize.deriv12(lambda t: seen.append(np.array(t)) or 0.0, x, fx=0.0)
    k = x.size
    assert len(seen) == 2 * k + 2 * k * (k - 1)  # 18: lme4's count with fx given
    e = np.eye(k) * 1e-4
    np.testing.assert_array_equal(seen[:2], [x + e[0], x - e[0]])
    # j = 1: its two steps, then the corners with i = 0: ++, +-, -+, --
    np.testing.assert_array_equal(seen[2:8], [x + e[1], x - e[1], x + e[0] + e[1], x + e[0] - e[1],
                                              x - e[0] + e[1], x - e[0] - e[1]])


def test_threads_give_the_same_bits(monkeypatch):
    fit = pylme.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", pylme.datasets.load("Penicillin"))
    threads = set()

    def objective(theta):
        threads.add(threading.get_ident())
        return fit.problem.objective(theta)

    x = fit.opt.par + np.array([0.01, -0.02])
    sequential = optimize.deriv12(objective, x)
    assert threads == {threading.get_ident()}
    monkeypatch.setattr(optimize, "_idle_cpus", lambda: 2)
    monkeypatch.setattr(optimize, "PARALLEL_MIN_SECONDS", 0.0)
    threads.clear()
    spread = optimize.deriv12(objective, x, threadsafe=True)
    assert len(threads) > 1  # the evaluations did run in worker threads
    np.testing.assert_array_equal(spread.gradient, sequential.gradient)
    np.testing.assert_array_equal(spread.Hessian, sequential.Hessian)


def test_a_failing_point_raises_as_in_turn(monkeypatch):
    monkeypatch.setattr(optimize, "_idle_cpus", lambda: 2)
    monkeypatch.setattr(optimize, "PARALLEL_MIN_SECONDS", 0.0)

    def objective(theta):
        if theta[1] < 1.0:
            raise ArithmeticError(f"bad point {theta.tolist()}")
        return float(theta @ theta)

    with pytest.raises(ArithmeticError, match="bad point"):
        optimize.deriv12(objective, np.array([1.0, 1.0, 1.0]), threadsafe=True)


def test_optwrap_takes_the_optimizers_value_at_the_optimum():
    calls = []

    def quadratic(theta):
        calls.append(np.array(theta))
        return float(np.sum((theta - 0.5) ** 2)) + 1.0

    opt = optimize.optwrap("nloptwrap", quadratic, np.array([1.0, 1.0]), np.zeros(2), LmerControl(),
                           calc_derivs=True)
    k = 2
    assert len(calls) == opt.feval + 2 * k + 2 * k * (k - 1)  # no extra evaluation at the optimum
    assert opt.fval == quadratic(opt.par)
