"""pylme.deviance against lme4 1.1-31 (values from tests/data/deviance/make_reference.R).

Every case file holds the R expression; tolerances are 1e-10 relative for the
criterion (the brief's parity target) and a little looser for derived vectors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pylme.deviance import DevianceProblem, PlsSolution, TermData, make_deviance
from pylme.errors import NumericalError

DATA = Path(__file__).resolve().parents[1] / "data" / "deviance"
CASES = ["dyestuff_reml", "dyestuff_ml", "sleepstudy_reml", "sleepstudy_ml", "sleepstudy_zerocorr",
         "penicillin_reml", "pastes_reml", "weighted_offset", "vector3", "nofixed", "synth_crossed"]
INSTEVAL_CSV = Path("/tmp/pylme_insteval/insteval.csv")


def load_case(name: str, method: str = "auto"):
    """The deviance problem of one exported lme4 model, and its reference JSON."""
    frame = pd.read_csv(DATA / f"{name}.csv")
    ref = json.loads((DATA / f"{name}.json").read_text())
    X = frame[[c for c in frame.columns if c.startswith("X_")]].to_numpy(float)
    terms = []
    for t, term in enumerate(ref["terms"], start=1):
        z = frame[[f"z{t}_{c}" for c in range(1, term["p"] + 1)]].to_numpy(float)
        terms.append(TermData(frame[f"g{t}"].to_numpy(), z, term["nlevels"]))
    reml = "REML = FALSE" not in ref["expr"]
    prob = make_deviance(terms, X, frame["y"].to_numpy(float), frame["w"].to_numpy(float),
                         frame["o"].to_numpy(float), reml, method=method)
    return prob, ref


def vec(x) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=float))


def rel_err(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    if b.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


# ---------------------------------------------------------------------------- parity
@pytest.mark.parametrize("method", ["auto", "sparse"])
@pytest.mark.parametrize("name", CASES)
def test_objective_matches_lme4_devfun(name, method):
    prob, ref = load_case(name, method)
    for point in ref["points"] + [ref["solution"]]:
        theta = vec(point["theta"])
        assert rel_err(prob.objective(theta), float(point["value"])) < 1e-10, (name, theta)


@pytest.mark.parametrize("method", ["auto", "sparse"])
@pytest.mark.parametrize("name", CASES)
def test_solution_matches_lme4(name, method):
    prob, ref = load_case(name, method)
    s = ref["solution"]
    theta = vec(s["theta"])
    sol = prob.evaluate(theta)
    p = prob.p
    assert sol.reml == bool(s["reml_flag"])
    assert rel_err(sol.objective, float(s["value"])) < 1e-10
    assert rel_err(sol.ldL2, float(s["ldL2"])) < 1e-10
    if p:  # lme4 leaves ldRX2 unset (garbage) when p = 0; ours is log det of a 0×0 = 0
        assert rel_err(sol.ldRX2, float(s["ldRX2"])) < 1e-9
    else:
        assert sol.ldRX2 == 0.0
    for key in ("wrss", "ussq"):
        assert rel_err(getattr(sol, key), float(s[key])) < 1e-10, key
    for key in ("beta", "u", "b", "mu"):
        assert rel_err(getattr(sol, key), vec(s[key])) < 1e-9, key
    RX = np.array(s["RX"], float).reshape(p, p) if p else np.zeros((0, 0))
    unsc = np.array(s["unsc"], float).reshape(p, p) if p else np.zeros((0, 0))
    assert rel_err(sol.RX, RX) < 1e-9
    assert rel_err(prob.unscaled_vcov(theta), unsc) < 1e-9
    for got, want in zip(prob.cond_var(theta), s["condvar"]):
        assert rel_err(got, np.array(want, float).reshape(got.shape)) < 1e-9
    assert sol.pwrss == pytest.approx(sol.wrss + sol.ussq, rel=1e-15)
    assert sol.sigma_ml == pytest.approx(np.sqrt(sol.pwrss / prob.n), rel=1e-15)


@pytest.mark.parametrize("name, theta, value", [
    ("dyestuff_reml", [1.0], 319.792389042002),
    ("dyestuff_reml", [0.0], 326.023232155879),
    ("dyestuff_ml", [0.713], 327.342162809547),
    ("sleepstudy_reml", [0.966741773967, 0.015169058896, 0.230909953208], 1743.62827196),
    ("penicillin_reml", [1.539675554, 3.512518860], 330.8605889996),
])
def test_documented_reference_values(name, theta, value):
    prob, _ = load_case(name)
    assert prob.objective(theta) == pytest.approx(value, rel=1e-11)


# ---------------------------------------------------------------------------- InstEval
def _insteval_csv() -> Path:
    if INSTEVAL_CSV.exists():
        return INSTEVAL_CSV
    if shutil.which("Rscript") is None:
        pytest.skip(f"{INSTEVAL_CSV} absent and R not available (run tests/data/deviance/make_insteval.R)")
    subprocess.run(["Rscript", str(DATA / "make_insteval.R")], check=True, capture_output=True, timeout=300)
    if not INSTEVAL_CSV.exists():
        pytest.skip(f"{INSTEVAL_CSV} could not be generated")
    return INSTEVAL_CSV


@pytest.mark.slow
def test_insteval_matches_lme4():
    frame = pd.read_csv(_insteval_csv())
    ref = json.loads((DATA / "insteval.json").read_text())
    n = len(frame)
    X = frame.iloc[:, 3:].to_numpy(float)
    terms = [TermData(frame["s"].to_numpy(), np.ones((n, 1)), ref["nlevels"][0]),
             TermData(frame["d"].to_numpy(), np.ones((n, 1)), ref["nlevels"][1])]
    prob = make_deviance(terms, X, frame["y"].to_numpy(float), None, None, True)
    assert prob.method == "dense" and (prob.n, prob.p, prob.q) == (73421, 28, 4100)
    for point in ref["points"]:
        assert rel_err(prob.objective(vec(point["theta"])), float(point["value"])) < 1e-10
    sol = prob.evaluate(vec(ref["theta_hat"]))
    assert rel_err(sol.beta, vec(ref["beta_hat"])) < 1e-8
    assert sol.sigma_reml == pytest.approx(float(ref["sigma_hat"]), rel=1e-10)


# ---------------------------------------------------------------------------- behaviour
def _tiny_problem(y=None, X=None, reml=True, method="auto"):
    refs = np.repeat(np.arange(6), 5)
    rng = np.random.default_rng(3)
    y = rng.standard_normal(30) + refs if y is None else y
    X = np.ones((30, 1)) if X is None else X
    return make_deviance([TermData(refs, np.ones(30), 6)], X, y, None, None, reml, method=method)


def test_no_fixed_effects_is_always_ml():
    prob = _tiny_problem(X=np.zeros((30, 0)), reml=True)
    assert prob.p == 0 and prob.reml is False
    sol = prob.evaluate([0.7])
    assert sol.reml is False and sol.RX.shape == (0, 0) and sol.beta.shape == (0,)
    assert prob.unscaled_vcov([0.7]).shape == (0, 0)


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_perfect_fit_gives_minus_infinity(method):
    # lme4's own value here is a rounding accident (finite at θ = 1, -Inf at θ = 0.5)
    prob = _tiny_problem(y=np.full(30, 1527.5), method=method)
    for theta in ([1.0], [0.5], [0.0]):
        assert prob.objective(theta) == -np.inf
        sol = prob.evaluate(theta)
        assert sol.objective == -np.inf
        assert sol.beta[0] == pytest.approx(1527.5, rel=1e-12)


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_rank_deficient_x_raises_lme4_message(method):
    X = np.column_stack([np.ones(30), np.ones(30)])
    prob = _tiny_problem(X=X, method=method)
    with pytest.raises(NumericalError, match="^Downdated VtV is not positive definite$"):
        prob.objective([1.0])
    with pytest.raises(NumericalError, match="Downdated VtV"):
        prob.evaluate([1.0])


def test_theta_validation():
    prob = _tiny_problem()
    with pytest.raises(ValueError, match="length 1"):
        prob.objective([1.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        prob.objective([np.nan])


def test_layout_properties():
    prob, _ = load_case("synth_crossed")
    assert (prob.n, prob.p, prob.q, prob.n_theta) == (300, 2, 40 + 50 + 16, 7)
    np.testing.assert_array_equal(prob.lower, [0, 0, -np.inf, 0, 0, -np.inf, 0])
    np.testing.assert_array_equal(prob.theta_offsets, [0, 1, 4, 7])
    assert prob.reml is True and np.isfinite(prob.ldW)


def test_results_are_immutable_and_independent():
    prob, ref = load_case("sleepstudy_reml")
    theta = vec(ref["solution"]["theta"])
    first = prob.evaluate(theta)
    beta, u = first.beta.copy(), first.u.copy()
    for array in (first.beta, first.u, first.b, first.mu, first.RX):
        assert not array.flags.writeable
    prob.evaluate([1.0, 0.0, 1.0])
    prob.objective([0.3, 0.1, 0.2])
    prob.cond_var([2.0, 0.5, 1.0])
    np.testing.assert_array_equal(first.beta, beta)
    np.testing.assert_array_equal(first.u, u)
    with pytest.raises(AttributeError):
        prob.reml = False
    with pytest.raises(Exception):
        first.objective = 0.0
    assert isinstance(first, PlsSolution) and isinstance(prob, DevianceProblem)


def test_threads_agree_with_serial():
    prob, _ = load_case("penicillin_reml")
    thetas = [np.array([a, b]) for a in (0.0, 0.5, 1.5) for b in (0.3, 3.5)]
    serial = [prob.objective(t) for t in thetas]
    results: dict = {}

    def work(i):
        results[i] = [prob.objective(t) for t in thetas for _ in range(3)][::3]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for i in range(4):
        assert results[i] == serial


def test_input_validation():
    refs = np.repeat(np.arange(3), 4)
    term = TermData(refs, np.ones(12), 3)
    y = np.arange(12.0)
    with pytest.raises(ValueError, match="finite"):
        make_deviance([term], np.ones((12, 1)), np.where(y > 5, np.nan, y))
    with pytest.raises(ValueError, match="weights"):
        make_deviance([term], np.ones((12, 1)), y, weights=-np.ones(12))
    with pytest.raises(ValueError, match="same number of rows"):
        make_deviance([term], np.ones((12, 1)), y, offset=np.zeros(5))
    with pytest.raises(ValueError, match="at least one"):
        make_deviance([], np.ones((12, 1)), y)


def test_term_data_validation():
    with pytest.raises(ValueError, match="refs"):
        TermData(np.array([0, 3]), np.ones(2), 3)
    with pytest.raises(ValueError, match="shape"):
        TermData(np.array([0, 1]), np.ones((3, 1)), 2)
    term = TermData([0, 1, 1], [1.0, 2.0, 3.0], 2)
    assert term.z.shape == (3, 1) and term.refs.dtype == np.int64


def test_term_order_does_not_matter_for_the_criterion():
    prob, ref = load_case("penicillin_reml")
    frame = pd.read_csv(DATA / "penicillin_reml.csv")
    terms = [TermData(frame["g2"].to_numpy(), frame[["z2_1"]].to_numpy(), 6),
             TermData(frame["g1"].to_numpy(), frame[["z1_1"]].to_numpy(), 24)]
    swapped = make_deviance(terms, frame[["X_1"]].to_numpy(), frame["y"].to_numpy(), None, None, True)
    theta = vec(ref["solution"]["theta"])
    assert swapped.objective(theta[::-1]) == pytest.approx(prob.objective(theta), rel=1e-13)
