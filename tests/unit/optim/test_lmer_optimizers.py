"""lmer with ``optimizer = "bobyqa"`` and ``"Nelder_Mead"`` against lme4 (tests/data/optim/lmer_reference.json).

Two kinds of check:

* replay: the optimizer alone, fed the deviances lme4 computed at the points it asks for,
  must ask for exactly lme4's points in lme4's order and stop where lme4 stopped.  This is
  machine independent (the values are data) and isolates the optimizer from the
  deviance's last bits;
* whole fits: pylme's deviance differs from lme4's in the last bits, which can move the
  path where the criterion is flat, so the fit is judged as the conformance suite judges
  it (``conformance.spread``): the criterion no higher than lme4's (worst over its own
  row-permuted refits) + 1e-6, θ close, and the evaluation count inside lme4's own range
  over those refits, widened by that range and at least by ``FEVAL_SLACK``.
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from conformance.spread import FEVAL_SLACK
from pylme.control import LmerControl
from pylme.datasets import load
from pylme.errors import OptimizerWarning
from pylme.optim import bobyqa, nelder_mead
from pylme.optimize import optwrap

DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "optim"
REFERENCE = json.loads((DATA / "lmer_reference.json").read_text())


def _vec(value) -> np.ndarray:
    return np.array([float(v) for v in (value if isinstance(value, list) else [value])])


def _frame(name: str) -> pd.DataFrame:
    if name == "boundary":  # lme4's tests/boundary.R data (testdata/dat20101314.csv)
        frame = pd.read_csv(DATA / "boundary_dat20101314.csv")
        for column in ("Operator", "Part"):
            frame[column] = pd.Categorical(frame[column])
        return frame
    return load(name)


def _id(entry) -> str:
    return f"{entry['id']}-{entry['optimizer']}"


@pytest.mark.parametrize("trace", REFERENCE["traces"], ids=_id)
def test_replay_of_lme4s_deviances_follows_lme4s_path(trace):
    thetas = [tuple(_vec(t)) for t in trace["theta"]]
    values = dict(zip(thetas, _vec(trace["f"])))
    asked = []

    def deviance(theta):
        key = tuple(float(v) for v in theta)
        asked.append(key)
        assert key in values, f"evaluation {len(asked)} asks for a theta lme4 never evaluated: {key}"
        return values[key]

    start, lower = _vec(trace["start"]), _vec(trace["lower"])
    if trace["optimizer"] == "bobyqa":
        result = bobyqa(deviance, start, lower, np.inf)
        expected = thetas[1:-1]  # minqa's own f(start) and f(par) calls are not the optimizer's
    else:
        result = nelder_mead(deviance, start, lower, np.inf)
        expected = thetas
    assert asked == expected
    assert result.feval == trace["feval"]
    np.testing.assert_array_equal(result.par, _vec(trace["par"]))
    assert result.fval == float(trace["fval"])


@pytest.mark.parametrize("ref", REFERENCE["fits"], ids=_id)
def test_lmer_fit_is_lme4s(ref):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pylme.lmer(ref["formula"], _frame(ref["data"]), REML=ref["REML"],
                         control=LmerControl(optimizer=ref["optimizer"]))
    opt = fit.opt
    spread = _vec(ref["spread_objective"])
    worst = max(float(ref["objective"]), spread.max() + (spread.max() - spread.min()))
    assert opt.fval <= worst + 1e-6
    np.testing.assert_allclose(opt.par, _vec(ref["theta"]), rtol=1e-3, atol=1e-4)
    counts = [int(c) for c in ref["spread_feval"]] + [int(ref["feval"])]
    widen = max(FEVAL_SLACK, max(counts) - min(counts))
    assert min(counts) - widen <= opt.feval <= max(counts) + widen, (opt.feval, counts)
    assert (opt.conv, opt.message) == (ref["conv"], ref["message"])
    assert [str(w.message) for w in caught if "convergence" in str(w.message)] == \
        [w for w in ref["warnings"] if "convergence" in w]


# R: lmer(Yield ~ 1 + (1|Batch), Dyestuff, control = lmerControl(optimizer = ...), verbose = 1)
_VERBOSE_OUTPUT = {
    "bobyqa": ["start par. =  0.9787605 fn =  319.7587 ", "At return",
               "eval:  17 fn:      319.65428 par: 0.848324"],
    "Nelder_Mead": ["(NM) 20: f = 319.654 at 0.848761"],
}


@pytest.mark.parametrize("optimizer", sorted(_VERBOSE_OUTPUT))
def test_lmer_verbose_prints_what_lme4_prints(optimizer, capsys):
    # optwrap: bobyqa's iprint = min(verbose, 3); Nelder_Mead's iprint 20 for verbose = 1
    pylme.lmer("Yield ~ 1 + (1 | Batch)", load("Dyestuff"), control=LmerControl(optimizer=optimizer), verbose=1)
    assert capsys.readouterr().out.splitlines() == _VERBOSE_OUTPUT[optimizer]


def test_optwrap_passes_nelder_mead_options_and_reports_as_lme4():
    quadratic = lambda x: float((x[0] - 0.5) ** 2 + (x[1] + 0.3) ** 2 + 1.0)  # noqa: E731
    start, lower = np.array([1.0, 0.0]), np.array([0.0, -np.inf])
    opt = optwrap("Nelder_Mead", quadratic, start, lower,
                  LmerControl(optimizer="Nelder_Mead", opt_ctrl={"MinfMax": 1.2}), calc_derivs=False)
    assert opt.conv == 0 and opt.message == "objective function went below allowed minimum"
    assert opt.fval < 1.2 and opt.feval == len(opt.trace)
    with pytest.warns(OptimizerWarning) as record:
        opt = optwrap("Nelder_Mead", quadratic, start, lower,
                      LmerControl(optimizer="Nelder_Mead", opt_ctrl={"maxfun": 5}), calc_derivs=False)
    # lme4: Nelder_Mead's own warning, then optwrap's
    assert [str(w.message) for w in record] == [
        "failure to converge in 5 evaluations",
        "convergence code 4 from Nelder_Mead: failure to converge in 5 evaluations"]
    assert (opt.feval, opt.conv) == (6, 4)
    assert opt.warnings == tuple(str(w.message) for w in record)


def test_optwrap_passes_bobyqa_options_and_reports_as_lme4():
    quadratic = lambda x: float((x[0] - 0.5) ** 2 + (x[1] + 0.3) ** 2 + 1.0)  # noqa: E731
    start, lower = np.array([1.0, 0.0]), np.array([0.0, -np.inf])
    with pytest.warns(OptimizerWarning) as record:
        opt = optwrap("bobyqa", quadratic, start, lower,
                      LmerControl(optimizer="bobyqa", opt_ctrl={"maxfun": 6, "npt": 5}), calc_derivs=False)
    assert [str(w.message) for w in record] == [
        "maxfun < 10 * length(par)^2 is not recommended.",
        "convergence code 1 from bobyqa: bobyqa -- maximum number of function evaluations exceeded"]
    assert (opt.feval, opt.conv) == (6, 1) and len(opt.trace) == 6
