"""lme4 optwrap / optimizeLmer behaviour on objectives with known answers."""

import numpy as np
import pytest

from pylme.control import LmerControl
from pylme.errors import OptimizerWarning
from pylme.optimize import deriv12, optimize_lmer, optwrap


def quadratic(center):
    center = np.asarray(center, float)
    return lambda x: float(np.sum((x - center) ** 2) + 1.0)


def test_deriv12_exact_on_quadratic():
    f = lambda x: x[0] ** 2 + 3 * x[0] * x[1] + 2 * x[1] ** 2
    d = deriv12(f, np.array([1.0, 2.0]))
    np.testing.assert_allclose(d.gradient, [8.0, 11.0], rtol=1e-9)
    np.testing.assert_allclose(d.Hessian, [[2.0, 3.0], [3.0, 4.0]], rtol=1e-6)


@pytest.mark.parametrize("optimizer", ["nloptwrap", "bobyqa", "Nelder_Mead"])
def test_each_optimizer_finds_interior_minimum(optimizer):
    res = optimize_lmer(quadratic([0.5, -0.3]), np.array([1.0, 0.0]), np.array([0.0, -np.inf]),
                        LmerControl(optimizer=optimizer))
    # Nelder_Mead stops on lme4's FtolAbs = 1e-5, so it is only accurate to ~sqrt(1e-5)
    np.testing.assert_allclose(res.par, [0.5, -0.3], atol=5e-3 if optimizer == "Nelder_Mead" else 1e-4)
    assert res.conv == 0


def test_boundary_minimum_is_reached_exactly():
    res = optimize_lmer(quadratic([-1.0]), np.array([1.0]), np.array([0.0]), LmerControl())
    assert res.par[0] == 0.0
    assert res.fval == pytest.approx(2.0)


def test_maxeval_gives_lme4_warning_and_code_5():
    control = LmerControl(opt_ctrl={"maxeval": 3})
    with pytest.warns(OptimizerWarning, match="^convergence code 5 from nloptwrap: NLOPT_MAXEVAL_REACHED"):
        res = optwrap("nloptwrap", quadratic([0.5, 0.5]), np.array([1.0, 1.0]), np.zeros(2), control, calc_derivs=False)
    assert res.feval == 3 and res.conv == 5


def test_verbose_trace_matches_nloptr_print_level(capsys):
    with pytest.warns(OptimizerWarning):
        optwrap("nloptwrap", quadratic([0.5]), np.array([1.0]), np.zeros(1), LmerControl(opt_ctrl={"maxeval": 2}),
                calc_derivs=False, verbose=3)
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["iteration: 1", "\tx = ( 1.000000 )", "\tf(x) = 1.250000"]


def test_errors_in_objective_propagate():
    def broken(x):
        raise ArithmeticError("boom")

    with pytest.raises(ArithmeticError, match="boom"):
        optimize_lmer(broken, np.array([1.0]), np.array([0.0]), LmerControl())
