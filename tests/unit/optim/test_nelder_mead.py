"""pylme.optim.nelder_mead against lme4 1.1-31's ``Nelder_Mead`` (frozen in tests/data/optim).

The objectives are bit-identical to R's, so lme4's path is compared evaluation by
evaluation: every value returned, the count, the end point, its value, ``NM.result``,
``convergence``, the message and the warnings must be lme4's exactly on any machine.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from optim_problems import PROBLEMS, printed_outputs, reference_runs, run_id, vector
from pylme.errors import ArgumentError, OptimizerError
from pylme.optim import nelder_mead

RUNS = reference_runs("Nelder_Mead")
_KEYWORDS = {"xst": "xst", "xt": "xt", "maxfun": "maxfun", "MinfMax": "min_f_max", "iprint": "iprint"}


def _kwargs(control: dict) -> dict:
    return {_KEYWORDS[k]: v for k, v in control.items() if k in _KEYWORDS}


def _run(run):
    problem = PROBLEMS[run["problem"]]
    calls = []

    def traced(x):
        value = problem.fn(x)
        calls.append(value)
        return value

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = nelder_mead(traced, vector(run["start"]), vector(run["lower"]), vector(run["upper"]),
                             **_kwargs(run["control"]))
    return result, calls, [str(w.message) for w in caught]


def test_reference_covers_lme4s_rules():
    codes = {run.get("NM.result") for run in RUNS}
    assert {1, 3, 4} <= codes  # MinfMax, x-convergence, evaluation limit
    assert sum("error" in run for run in RUNS) >= 3
    assert {len(run["start"]) for run in RUNS} >= {1, 2, 3, 5}


@pytest.mark.parametrize("run", [r for r in RUNS if "error" not in r],
                         ids=[run_id(r) for r in RUNS if "error" not in r])
def test_path_is_lme4s(run):
    result, calls, caught = _run(run)
    theirs = run["calls"]
    first = next((i for i, (a, b) in enumerate(zip(calls, theirs))
                  if not (a == b or (math.isnan(a) and math.isnan(b)))), None)
    assert len(calls) == len(theirs) and first is None, f"path differs from lme4's at evaluation {first}"
    assert result.feval == run["feval"]
    np.testing.assert_array_equal(result.par, vector(run["par"]))
    assert result.fval == float(run["fval"])
    assert (result.code, result.convergence, result.message) == (run["NM.result"], run["convergence"], run["message"])
    assert caught == run["warnings"]


@pytest.mark.parametrize("run", [r for r in RUNS if "error" in r],
                         ids=[run_id(r) for r in RUNS if "error" in r])
def test_errors_are_lme4s(run):
    with pytest.raises((OptimizerError, ArgumentError)) as info:
        _run(run)
    assert str(info.value) == run["error"]


def test_evaluation_limit_counts_one_more_evaluation_and_keeps_convergence_0():
    run = next(r for r in RUNS if r["control"].get("maxfun") == 100)
    result, _, caught = _run(run)
    assert (result.feval, result.code, result.convergence) == (101, 4, 0)
    assert caught == ["failure to converge in 100 evaluations"]


def test_nan_values_are_compared_as_the_cpp_code_compares_them():
    run = next(r for r in RUNS if r["problem"] == "nan2")
    result, calls, _ = _run(run)
    assert any(math.isnan(v) for v in calls) and result.code == 3


@pytest.mark.parametrize("start, kwargs, error, pattern", [
    ([math.nan, 1.0], {}, OptimizerError, "non-finite starting values"),
    ([1.0, -math.inf], {}, OptimizerError, "non-finite starting values"),
    ([-1.0, 1.0], {"lower": 0.0}, OptimizerError, r"all\(x0 >= lower\) is not TRUE"),
    ([1.0, 1.0], {"xst": [0.02, 0.0]}, ArgumentError, r"all\(xst != 0\) is not TRUE"),
    ([1.0, 1.0], {"xt": [1e-5, 0.0]}, ArgumentError, r"all\(xt > 0\) is not TRUE"),
    ([1.0, 1.0], {"xst": [0.02, 0.02, 0.02]}, ArgumentError, r"length\(xst\) == n is not TRUE"),
    ([1.0, 1.0], {"lower": 2.0, "upper": 2.0}, ArgumentError, r"all\(lower < upper\) is not TRUE"),
])
def test_invalid_arguments_are_refused(start, kwargs, error, pattern):
    lower, upper = kwargs.pop("lower", -math.inf), kwargs.pop("upper", math.inf)
    with pytest.raises(error, match=pattern):
        nelder_mead(PROBLEMS["quad2"].fn, start, lower, upper, **kwargs)


def test_objective_errors_propagate():
    def broken(x):
        if x[0] < 0.95:
            raise ArithmeticError("boom")
        return float(x[0] ** 2 + x[1] ** 2)

    with pytest.raises(ArithmeticError, match="boom"):
        nelder_mead(broken, [1.0, 1.0])


# lme4's Nelder_Mead: iprint from verbose when not given
_VERBOSE_IPRINT = {0: 0, 1: 20, 2: 10, 3: 1}


@pytest.mark.parametrize("entry", printed_outputs("Nelder_Mead"), ids=lambda e: f"{e['problem']}-{e['control']}")
def test_printing_is_lme4s(entry, capsys):
    problem = PROBLEMS[entry["problem"]]
    control = dict(entry["control"])
    iprint = control.pop("iprint", _VERBOSE_IPRINT[int(control.pop("verbose", 0))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nelder_mead(problem.fn, problem.start, problem.lower, math.inf, iprint=iprint, **_kwargs(control))
    ours = capsys.readouterr().out.splitlines()
    # R's capture.output() ends with the print of the result list ("$fval" ...)
    expected = entry["output"][: entry["output"].index("$fval")]
    assert ours == expected
