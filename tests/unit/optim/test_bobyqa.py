"""pylme.optim.bobyqa against minqa 1.2.5's ``bobyqa`` (frozen in tests/data/optim).

The test objectives are bit-identical to R's (only +, -, *, /, floor, abs), so minqa's
path is compared evaluation by evaluation: every value the objective returned, in order,
the evaluation count, the end point and its value, the code, the message and the
warnings must be R's exactly, on any machine.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from optim_problems import PROBLEMS, printed_outputs, reference_runs, rescue_fn, rescue_reference, run_id, vector
from pylme.errors import ArgumentError, OptimizerError, OptimizerWarning
from pylme.optim import bobyqa

RUNS = reference_runs("bobyqa")


def _run(run, fn=None):
    problem = PROBLEMS[run["problem"]]
    control = {k: run["control"][k] for k in ("rhobeg", "rhoend", "npt", "maxfun", "iprint") if k in run["control"]}
    calls = []

    def traced(x):
        value = problem.fn(x)
        calls.append(value)
        return value

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = bobyqa(fn or traced, vector(run["start"]), vector(run["lower"]), vector(run["upper"]), **control)
    return result, calls, [str(w.message) for w in caught]


def _same_values(ours, theirs) -> bool:
    return len(ours) == len(theirs) and all(a == b or (math.isnan(a) and math.isnan(b))
                                            for a, b in zip(ours, theirs))


def test_reference_covers_the_settings_lme4_uses():
    settings = {tuple(sorted(run["control"])) for run in RUNS}
    assert {(), ("npt",), ("rhobeg", "rhoend"), ("maxfun",)} <= settings
    assert len(RUNS) >= 30 and {len(run["start"]) for run in RUNS} >= {1, 2, 3, 5}


@pytest.mark.parametrize("run", RUNS, ids=[run_id(r) for r in RUNS])
def test_path_is_minqas(run):
    result, calls, caught = _run(run)
    # minqa's own f(par) before Powell's code and f(par) after it are not the optimizer's
    inner = run["calls"][1:-1]
    first = next((i for i, (a, b) in enumerate(zip(calls, inner)) if a != b), None)
    assert _same_values(calls, inner), f"path differs from minqa's at evaluation {first}"
    assert result.feval == run["feval"]
    np.testing.assert_array_equal(result.par, vector(run["par"]))
    assert result.fval == float(run["fval"])
    assert (result.ierr, result.message) == (run["ierr"], run["msg"])
    assert caught == run["warnings"]


def test_evaluation_limit_is_minqas_code_1():
    run = next(r for r in RUNS if r["control"].get("maxfun") == 60)
    result, _, caught = _run(run)
    assert result.ierr == 1 and result.feval == 60
    assert result.message == "bobyqa -- maximum number of function evaluations exceeded"
    assert caught == ["maxfun < 10 * length(par)^2 is not recommended."]


def test_non_finite_values_are_replaced_as_minqa_does():
    run = next(r for r in RUNS if r["problem"] == "nan2" and not r["control"])
    result, calls, _ = _run(run)
    assert any(math.isnan(v) for v in calls)  # the objective did return NaN
    assert math.isfinite(result.fval) and result.par[0] <= 1.1


def test_large_npt_warns_as_minqa():
    with pytest.warns(OptimizerWarning, match=r"^Setting npt > 2 \* length\(par\) \+ 1 is not recommended\.$"):
        result = bobyqa(PROBLEMS["quad2"].fn, [1.0, 1.0], npt=6)
    assert result.ierr == 0


def test_rhobeg_larger_than_the_box_is_changed_as_minqa_does():
    with pytest.warns(OptimizerWarning, match="All upper - lower must be >= 2\\*rhobeg. Changing rhobeg"):
        result = bobyqa(PROBLEMS["quad2"].fn, [0.55, 1.0], [0.5, 0.9], [0.6, 1.2], rhobeg=0.2, rhoend=1e-9)
    assert np.all(result.par >= [0.5, 0.9]) and np.all(result.par <= [0.6, 1.2])


@pytest.mark.parametrize("start, lower, upper, error, pattern", [
    ([1.0, math.nan], -math.inf, math.inf, OptimizerError, r"all\(is.finite\(par\)\) is not TRUE"),
    ([1.0, math.inf], -math.inf, math.inf, OptimizerError, r"all\(is.finite\(par\)\) is not TRUE"),
    ([-1.0, 1.0], 0.0, math.inf, OptimizerError, "^Starting values violate bounds$"),
    ([1.0, 1.0], [0.0, 2.0], [1.0, 2.0], ArgumentError, r"all\(lower < upper\) is not TRUE"),
    ([1.0, 1.0], [0.0, 0.0, 0.0], math.inf, ArgumentError, r"length\(lower\) == n is not TRUE"),
])
def test_invalid_arguments_are_refused(start, lower, upper, error, pattern):
    with pytest.raises(error, match=pattern):
        bobyqa(PROBLEMS["quad2"].fn, start, lower, upper)


def test_rhoend_must_not_exceed_rhobeg():
    with pytest.raises(ArgumentError, match=r"ctrl\$rhoend <= ctrl\$rhobeg is not TRUE"):
        bobyqa(PROBLEMS["quad2"].fn, [1.0, 1.0], rhobeg=0.1, rhoend=0.2)


def test_objective_errors_propagate():
    def broken(x):
        if x[0] > 1.1:
            raise ArithmeticError("boom")
        return float(x[0] ** 2)

    with pytest.raises(ArithmeticError, match="boom"):
        bobyqa(broken, [1.0, 1.0])


def test_non_numeric_objective_is_refused():
    with pytest.raises(OptimizerError, match="Objective function must return a single numeric value."):
        bobyqa(lambda x: "a", [1.0, 1.0])


@pytest.mark.parametrize("entry", printed_outputs("bobyqa"), ids=lambda e: f"{e['problem']}-{e['control']}")
def test_printing_is_minqas(entry, capsys):
    problem = PROBLEMS[entry["problem"]]
    bobyqa(problem.fn, problem.start, problem.lower, math.inf, iprint=int(entry["control"]["iprint"]))
    ours = capsys.readouterr().out.splitlines()
    # R's capture.output() ends with the print of the result, which is not the optimizer's
    expected = entry["output"][: entry["output"].index("At return") + 2]
    assert ours == expected


def test_rescue_evaluates_powells_point_where_minqa_reads_undefined_memory():
    """minqa 1.2.5's RESCUE passes an undeclared scalar X to CALFUN; the path is minqa's up
    to that call, which evaluates Powell's intended point instead of minqa's garbage."""
    ref = rescue_reference()
    points = [vector(p) for p in ref["points"]]
    asked = []

    def fn(x):
        asked.append(np.array(x))
        return rescue_fn(x)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # npt > 2n+1
        bobyqa(fn, vector(ref["start"]), vector(ref["lower"]), vector(ref["upper"]), **ref["control"])
    before = points[1:-1]  # minqa's f(start) first; the last is RESCUE's first call
    assert all(np.array_equal(a, b) for a, b in zip(asked, before)) and len(asked) > len(before)
    theirs, ours = points[-1], asked[len(before)]
    assert np.array_equal(ours, np.clip(ours, vector(ref["lower"]), vector(ref["upper"])))
    assert not np.allclose(ours, theirs) and np.max(np.abs(ours - before[-1])) < 1.0
