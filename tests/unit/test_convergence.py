"""lme4 checkConv / checkHess / isSingular logic and texts (lme4 1.1-31, R/checkConv.R)."""

import numpy as np
import pytest

from pylme.control import ConvCheck, LmerControl
from pylme.convergence import SINGULAR_MESSAGE, check_conv, is_singular
from pylme.optimize import Derivs

LOWER = np.array([0.0, -np.inf, 0.0])


def derivs(g, H):
    return Derivs(np.asarray(g, float), np.asarray(H, float))


def test_singular_check_comes_first_and_skips_derivative_checks():
    bad = derivs([10.0, 10.0, 10.0], -np.eye(3))
    result = check_conv(bad, np.array([1e-5, 0.3, 1.0]), LOWER, LmerControl())
    assert result.messages == (SINGULAR_MESSAGE,)
    assert result.signals == ((SINGULAR_MESSAGE, "message"),)


def test_is_singular_uses_only_diagonal_entries():
    assert not is_singular(np.array([1.0, 0.0, 1.0]), LOWER)  # off-diagonal 0 is fine
    assert is_singular(np.array([1.0, 0.5, 9e-5]), LOWER)
    assert not is_singular(np.array([1.0, 0.5, 9e-5]), LOWER, tol=1e-5)


def test_gradient_message_uses_c_g_format_and_component_1():
    H = np.diag([1.0, 2.0, 3.0])
    result = check_conv(derivs([0.0, 0.0, 0.0123456789], H), np.ones(3), LOWER, LmerControl())
    assert result.messages == ("Model failed to converge with max|grad| = 0.00712778 (tol = 0.002, component 1)",)


def test_unable_to_evaluate_scaled_gradient_then_degenerate_hessian():
    H = np.array([[1.0, 0.0], [0.0, -1.0]])
    result = check_conv(derivs([0.0, 0.0], H), np.ones(2), np.zeros(2), LmerControl())
    assert result.messages == (
        "unable to evaluate scaled gradient",
        "Model failed to converge: degenerate  Hessian with 1 negative eigenvalues",
    )
    # lme4: the Hessian check's code replaces the gradient's (res$code <- resHess$code)
    assert result.code == (-3,)


def test_hessian_nan_and_singular_and_large_eigenvalue():
    nan = check_conv(derivs([0.0], [[np.inf]]), np.ones(1), np.zeros(1), LmerControl())
    assert nan.messages[-1] == "Problem with Hessian check (infinite or missing values?)"
    sing = check_conv(derivs([0.0, 0.0], np.diag([1.0, 1e-9])), np.ones(2), np.zeros(2), LmerControl())
    assert sing.messages[-1] == " Hessian is numerically singular: parameters are not uniquely determined"
    big = check_conv(derivs([0.0, 0.0], np.diag([1e7, 1.0])), np.ones(2), np.zeros(2), LmerControl())
    assert big.messages == (
        "Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?",
        "Model is nearly unidentifiable: large eigenvalue ratio\n - Rescale variables?",
    )
    # both Hessian messages go out as one warning, joined by ";" (lme4 paste(collapse = ";"))
    assert big.signals == (("Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?;"
                            "Model is nearly unidentifiable: large eigenvalue ratio\n - Rescale variables?", "warning"),)
    assert big.code == (2, 3)


def test_na_gradient_is_recorded_not_signalled():
    result = check_conv(derivs([np.nan, 0.0], np.eye(2)), np.ones(2), np.zeros(2), LmerControl())
    assert result.code == (-5,) and result.messages == ("Gradient contains NAs",) and result.signals == ()


def test_relative_gradient_check_overwrites_messages():
    control = LmerControl(check_conv_grad=ConvCheck("warning", 2e-3, relTol=1e-3))
    result = check_conv(derivs([0.0, 0.01], np.eye(2)), np.array([1.0, 2.0]), np.zeros(2), control)
    assert result.code == (-2,)
    assert result.messages == ("Model failed to converge with max|relative grad| = 0.005 (tol = 0.001)",)


def test_ignore_actions_and_no_derivatives():
    control = LmerControl(check_conv_grad=ConvCheck("ignore", 2e-3), check_conv_hess=ConvCheck("ignore", 1e-6))
    assert check_conv(derivs([1.0], [[-1.0]]), np.ones(1), np.zeros(1), control).messages == ()
    assert check_conv(None, np.ones(1), np.zeros(1), LmerControl()).messages == ()


def test_invalid_action_is_rejected():
    from pylme.errors import ControlError

    with pytest.raises(ControlError, match="invalid control level ‘warnign’"):  # R's sQuote
        ConvCheck("warnign", 1e-3)
