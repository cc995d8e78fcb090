"""Fitted models are ordinary Python objects: pickle (every protocol), copy, deepcopy and
process pools give back a fit whose every method returns *identical* results (bit for bit).

The outputs are compared through :func:`canon`, which turns a result into nested tuples
of exact bytes (float bits, array buffers, index labels, printed text), so a difference
in the last bit of any number fails.  No R numbers here: the reference is the original
fit itself (its agreement with lme4 is tested elsewhere).
"""

from __future__ import annotations

import copy
import dataclasses
import multiprocessing
import operator
import pickle
import struct
import threading
import warnings
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import pylme
from pylme.control import ConvCheck, LmerControl
from pylme.fit import DevFun
from pylme.frozen import FrozenMap
from pylme.results.getme import NAMES as GETME_NAMES
from pylme.results.model import LmerFit

PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))

# --------------------------------------------------------------------------- the models
SLEEP = pylme.datasets.load("sleepstudy")
PENICILLIN = pylme.datasets.load("Penicillin")
# deterministic weights and offset (the values only need to differ between rows)
SLEEP_WO = SLEEP.assign(w=1.0 + (SLEEP["Days"] % 3) / 2.0, o=0.5 * SLEEP["Days"])
SLEEP_NA = SLEEP.copy()
SLEEP_NA.loc[[3, 50, 121], "Reaction"] = np.nan


@dataclasses.dataclass(frozen=True)
class Case:
    formula: str
    data: pd.DataFrame
    kwargs: Mapping[str, Any]
    reduced: str  # an update() formula for the nested model of anova(m1, m0)
    re_form: str  # a re_form selecting some of the terms


CASES = {
    "sleep_slope_reml": Case("Reaction ~ Days + (Days | Subject)", SLEEP, {}, ". ~ . - Days", "~(Days | Subject)"),
    "penicillin_crossed_ml": Case("diameter ~ 1 + (1 | plate) + (1 | sample)", PENICILLIN, {"REML": False},
                                  ". ~ . - (1 | sample)", "~(1 | plate)"),
    "weighted": Case("Reaction ~ Days + (1 | Subject)", SLEEP_WO, {"weights": "w"}, ". ~ . - Days",
                     "~(1 | Subject)"),
    "na_exclude": Case("Reaction ~ Days + (Days || Subject)", SLEEP_NA, {"na_action": "exclude"}, ". ~ . - Days",
                       "~(1 | Subject)"),
    "offset": Case("Reaction ~ Days + (1 | Subject)", SLEEP_WO, {"offset": "o"}, ". ~ . - Days", "~(1 | Subject)"),
}


def quietly(fn: Callable, *args, **kwargs):
    """``fn(...)`` and the warnings it raised, as (category, text) pairs (compared too)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, tuple((w.category.__name__, str(w.message)) for w in caught)


def fit_case(name: str) -> LmerFit:
    case = CASES[name]
    return quietly(pylme.lmer, case.formula, case.data, **case.kwargs)[0]


# --------------------------------------------------------------------------- exact canonical form
def canon(x: Any) -> Any:
    """Nested tuples of exact values: equal iff the results are identical to the last bit."""
    if isinstance(x, LmerFit):  # its results, not its internals (compared method by method)
        return ("LmerFit", x.summary().text, canon(x.theta), canon(x.beta), canon(x.opt.fval),
                canon(x.solution.mu), canon(x.call_args))
    if isinstance(x, DevFun):  # a function: compare its values
        points = [x.theta0, x.theta0 * 0.5 + 0.25, np.abs(x.theta0) + 1.0]
        return ("DevFun", canon(x.theta0), canon(x.lower), tuple(x.theta_names), tuple(canon(x(p)) for p in points))
    if x is None or isinstance(x, (str, bytes, bool)):
        return x
    if isinstance(x, (float, np.floating)):  # the bits (NaN payloads and -0.0 included); LogLik's attributes
        return (type(x).__name__, struct.pack("<d", float(x)), canon(getattr(x, "__dict__", None) or None))
    if isinstance(x, (int, np.integer, np.bool_)):
        return (type(x).__name__, int(x))
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            return ("ndarray[object]", x.shape, tuple(canon(v) for v in x.ravel()))
        return ("ndarray", x.dtype.str, x.shape, np.ascontiguousarray(x).tobytes())
    if sp.issparse(x):
        return ("sparse", x.format, x.shape, canon(x.toarray()))
    if isinstance(x, pd.DataFrame):
        return ("DataFrame", canon(x.index), canon(x.columns), tuple(str(t) for t in x.dtypes),
                tuple(canon(x.iloc[:, j].to_numpy()) for j in range(x.shape[1])), canon(dict(x.attrs)))
    if isinstance(x, pd.Series):
        return ("Series", canon(x.name), canon(x.index), str(x.dtype), canon(x.to_numpy()), canon(dict(x.attrs)))
    if isinstance(x, pd.Index):
        return (type(x).__name__, tuple(canon(v) for v in x))
    if isinstance(x, pd.Categorical):
        return ("Categorical", canon(x.categories), canon(x.codes), x.ordered)
    if isinstance(x, np.random.SeedSequence):
        return ("SeedSequence", x.entropy, x.spawn_key, x.pool_size)
    if isinstance(x, Mapping):
        return (type(x).__name__, tuple((canon(k), canon(v)) for k, v in x.items()), _own_text(x))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(canon(v) for v in x))
    if dataclasses.is_dataclass(x):
        return (type(x).__name__, _own_text(x),
                tuple((f.name, canon(getattr(x, f.name))) for f in dataclasses.fields(x)))
    raise TypeError(f"canon() does not know {type(x).__name__}")  # a new type: teach canon, do not guess


def _own_text(x: Any) -> str | None:
    """The printed text of types that define one (default reprs hold addresses)."""
    return str(x) if type(x).__str__ is not object.__str__ and type(x).__str__ is not dict.__str__ else None


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two canonical forms differ (for a readable failure)."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, tuple):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        for i, (u, v) in enumerate(zip(a, b)):
            found = first_difference(u, v, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r:.200} vs {b!r:.200}"


def assert_identical(original: Any, other: Any) -> None:
    a, b = canon(original), canon(other)
    assert a == b, first_difference(a, b)


# --------------------------------------------------------------------------- every method
def _newdata(fit: LmerFit) -> pd.DataFrame:
    return fit.call_args["data"].iloc[::23]


def _new_response(fit: LmerFit) -> np.ndarray:
    y = fit.getME("y")
    return y + np.sin(np.arange(y.size))  # deterministic, different from y


def _boot_statistic(m: LmerFit) -> pd.Series:  # module level: picklable
    return pd.concat([m.fixef(), pd.Series({"sigma": m.sigma})])


METHODS: dict[str, Callable[[LmerFit, Case], Any]] = {
    "summary": lambda f, c: f.summary(),
    "summary_correlation": lambda f, c: f.summary(correlation=True),
    "summary_satterthwaite": lambda f, c: f.summary(ddf="Satterthwaite"),
    "print": lambda f, c: (str(f), repr(f)),
    "fixef": lambda f, c: (f.fixef(), f.fixef(add_dropped=True)),
    "ranef_condVar": lambda f, c: (f.ranef(condVar=True), str(f.ranef(condVar=True))),
    "coef": lambda f, c: f.coef(),
    "VarCorr": lambda f, c: (f.VarCorr(), str(f.VarCorr())),
    "vcov": lambda f, c: f.vcov(),
    "fitted": lambda f, c: f.fitted(),
    "residuals": lambda f, c: [f.residuals(type=t, scaled=s) for t in ("response", "pearson") for s in (False, True)],
    "weights": lambda f, c: f.weights(),
    "predict": lambda f, c: f.predict(),
    "predict_population": lambda f, c: f.predict(re_form="~0"),
    "predict_newdata": lambda f, c: f.predict(newdata=_newdata(f)),
    "predict_newdata_re_form": lambda f, c: (f.predict(newdata=_newdata(f), re_form=c.re_form),
                                             f.predict(newdata=_newdata(f), re_form=np.nan)),
    "confint_wald": lambda f, c: f.confint(method="Wald"),
    "confint_profile": lambda f, c: f.confint(method="profile"),
    "anova_two_fits": lambda f, c: f.anova(f.update(c.reduced)),
    "anova_one_fit": lambda f, c: f.anova(),
    "drop1": lambda f, c: f.drop1(test="Chisq"),
    "simulate": lambda f, c: f.simulate(nsim=3, seed=20240611),
    "refit": lambda f, c: f.refit(_new_response(f)),
    "refit_ml": lambda f, c: f.refit_ml(),
    "update": lambda f, c: f.update(c.reduced),
    "bootMer": lambda f, c: pylme.bootMer(f, _boot_statistic, nsim=4, seed=7, n_jobs=1, progress=False),
    "getME": lambda f, c: {name: f.getME(name) for name in GETME_NAMES},
    "likelihood": lambda f, c: (f.logLik(), f.logLik(REML=False), f.AIC(), f.BIC(), f.REMLcrit(),
                                f.deviance(REML=False), f.deviance(), f.nobs, f.npar, f.df_residual),
    "small_accessors": lambda f, c: (f.ngrps(), f.isSingular(), f.n_dropped, f.theta, f.beta, f.sigma, f.is_REML),
    "devfun": lambda f, c: f.getME("devfun"),
}
#: Slow methods (profiling, bootstrap): checked on the highest-protocol pickle only.
HEAVY = {"confint_profile", "bootMer"}

COPIES: dict[str, Callable[[LmerFit], LmerFit]] = {
    "pickle_highest": lambda f: pickle.loads(pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL)),
    "pickle_0": lambda f: pickle.loads(pickle.dumps(f, protocol=0)),
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
}

_FITS: dict = {}
_ORIGINAL_OUTPUTS: dict = {}


def original(case: str) -> LmerFit:
    if case not in _FITS:
        _FITS[case] = fit_case(case)
    return _FITS[case]


def copied(case: str, kind: str) -> LmerFit:
    key = (case, kind)
    if key not in _FITS:
        _FITS[key] = COPIES[kind](original(case))
    return _FITS[key]


def run_method(fit: LmerFit, case: str, method: str):
    return quietly(METHODS[method], fit, CASES[case])


def original_output(case: str, method: str):
    key = (case, method)
    if key not in _ORIGINAL_OUTPUTS:
        _ORIGINAL_OUTPUTS[key] = canon(run_method(original(case), case, method))
    return _ORIGINAL_OUTPUTS[key]


COMBINATIONS = [(case, method, kind) for case in CASES for method in METHODS for kind in COPIES
                if method not in HEAVY or kind == "pickle_highest"]


@pytest.mark.parametrize("case, method, kind", COMBINATIONS)
def test_copied_fit_gives_identical_results(case, method, kind):
    expected = original_output(case, method)
    got = canon(run_method(copied(case, kind), case, method))
    assert got == expected, first_difference(expected, got)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("case", list(CASES))
def test_every_protocol_round_trips_and_is_stable(case, protocol):
    fit = original(case)
    data = pickle.dumps(fit, protocol=protocol)
    back = pickle.loads(data)
    assert type(back) is LmerFit
    assert_identical(fit, back)
    assert_identical(fit.getME("devfun"), back.getME("devfun"))
    # a second round trip of the copy gives the same fit again
    assert_identical(fit, pickle.loads(pickle.dumps(back, protocol=protocol)))


@pytest.mark.parametrize("kind", list(COPIES))
def test_copies_stay_frozen_and_read_only(kind):
    back = copied("sleep_slope_reml", kind)
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.theta_start = None
    with pytest.raises(TypeError):
        back.call_args["REML"] = False
    with pytest.raises(TypeError):
        back.inputs.frame.columns["Days"] = None
    assert isinstance(back.call_args, FrozenMap)


@pytest.mark.parametrize("kind", ["pickle_highest", "pickle_0", "deepcopy"])
def test_deep_copies_share_nothing_mutable_with_the_original(kind):
    fit, back = original("weighted"), copied("weighted", kind)
    assert back is not fit and back.problem is not fit.problem
    assert back.call_args["data"] is not fit.call_args["data"]
    assert back.problem._system._local is not fit.problem._system._local  # a fresh workspace


def test_shallow_copy_is_a_new_object_with_the_same_parts():
    fit = original("weighted")
    back = copy.copy(fit)
    assert back is not fit and back.problem is fit.problem


# --------------------------------------------------------------------------- the deviance problem
@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("case", list(CASES))
def test_deviance_problem_round_trip_evaluates_identically(case, protocol):
    problem = original(case).problem
    problem.evaluate(original(case).theta)  # fill the one-entry factor cache
    back = pickle.loads(pickle.dumps(problem, protocol=protocol))
    assert back._cache is None  # caches are not pickled: rebuilt on first use
    assert "_cache" not in problem.__getstate__()
    theta = original(case).theta
    for th in (theta, theta * 0.7 + 0.05, np.abs(theta) + 2.0):
        assert canon(back.objective(th)) == canon(problem.objective(th))
        assert canon(back.parts(th)) == canon(problem.parts(th))
        assert canon(back.evaluate(th)) == canon(problem.evaluate(th))
        assert canon(back.unscaled_vcov(th)) == canon(problem.unscaled_vcov(th))
        assert canon(back.cond_var(th)) == canon(problem.cond_var(th))


def test_sparse_back_end_problem_pickles():
    """The sparse back-end's SuperLU factor cannot be pickled: it lives only in the cache."""
    from pylme.fit import make_problem

    fit = original("penicillin_crossed_ml")
    from pylme.deviance import TermData, make_deviance

    terms = [TermData(refs=t.group.codes, z=t.z, nlevels=t.nlevels) for t in fit.inputs.re_terms.terms]
    problem = make_deviance(terms, fit.inputs.X, fit.inputs.y, reml=False, method="sparse")
    assert problem.method == "sparse"
    problem.evaluate(fit.theta)  # the cache now holds a SuperLU object
    back = pickle.loads(pickle.dumps(problem))
    assert canon(back.evaluate(fit.theta)) == canon(problem.evaluate(fit.theta))
    assert canon(back.cond_var(fit.theta)) == canon(problem.cond_var(fit.theta))
    assert canon(make_problem(fit.inputs).objective(fit.theta)) == canon(fit.problem.objective(fit.theta))


def test_unpickled_problem_evaluates_in_threads():
    """The per-thread workspace is rebuilt after unpickling, one per thread."""
    fit = original("penicillin_crossed_ml")
    back = pickle.loads(pickle.dumps(fit.problem))
    thetas = [fit.theta * s for s in (0.5, 0.8, 1.0, 1.3, 2.0, 3.0)]
    expected = [fit.problem.objective(th) for th in thetas]
    results: dict = {}

    def work(i):
        results[i] = [back.objective(th) for th in thetas for _ in range(20)][::20]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(canon(r) == canon(expected) for r in results.values())


# --------------------------------------------------------------------------- other result objects
def _profile():
    return original("weighted").profile()


OBJECTS: dict[str, Callable[[], Any]] = {
    "devfun": lambda: quietly(pylme.devfun, "Reaction ~ Days + (Days | Subject)", SLEEP)[0],
    "devfun_ml_weighted": lambda: pylme.devfun("Reaction ~ Days + (1 | Subject)", SLEEP_WO, REML=False, weights="w"),
    "boot_result": lambda: pylme.bootMer(original("offset"), _boot_statistic, nsim=3, seed=5, n_jobs=1,
                                         progress=False),
    "profile": lambda: quietly(_profile)[0],
    "lmer_control": lambda: LmerControl(optimizer="bobyqa", check_conv_grad=ConvCheck("ignore", 1e-3)),
    "lmer_control_default": LmerControl,
    "conv_check": lambda: ConvCheck("warning", 2e-3),
    "anova_table": lambda: quietly(original("sleep_slope_reml").anova, original("sleep_slope_reml").update(". ~ . - Days"))[0],
    "anova_sequential": lambda: original("sleep_slope_reml").anova(),
    "anova_satterthwaite": lambda: original("sleep_slope_reml").anova(ddf="Satterthwaite"),
    "drop1_table": lambda: quietly(original("offset").drop1)[0],
    "varcorr": lambda: original("penicillin_crossed_ml").VarCorr(),
    "summary": lambda: original("na_exclude").summary(),
    "loglik": lambda: original("sleep_slope_reml").logLik(),
    "ranef": lambda: original("na_exclude").ranef(condVar=True),
    "conv_result": lambda: original("sleep_slope_reml").conv,
    "opt_result": lambda: original("sleep_slope_reml").opt,
    "frozen_map": lambda: FrozenMap({"a": 1, "b": np.arange(3.0)}),
}


_OBJECTS_MADE: dict = {}


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("name", list(OBJECTS))
def test_result_objects_pickle_and_copy(name, protocol):
    if name not in _OBJECTS_MADE:
        _OBJECTS_MADE[name] = OBJECTS[name]()
    obj = _OBJECTS_MADE[name]
    expected = canon(obj)
    for back in (pickle.loads(pickle.dumps(obj, protocol=protocol)), copy.deepcopy(obj), copy.copy(obj)):
        assert type(back) is type(obj)
        got = canon(back)
        assert got == expected, first_difference(expected, got)
        assert _own_text(back) == _own_text(obj)  # the printed text, where the type has one


def test_unpickled_profile_gives_the_same_intervals():
    pr = _OBJECTS_MADE.get("profile") or OBJECTS["profile"]()
    back = pickle.loads(pickle.dumps(pr))
    for kwargs in ({}, {"level": 0.9}, {"parm": "beta_"}):
        assert_identical(pr.confint(**kwargs), back.confint(**kwargs))


# --------------------------------------------------------------------------- the comparison itself
@pytest.mark.parametrize("a, b", [
    (1.0, float(np.nextafter(1.0, 2.0))),  # one ulp
    (0.0, -0.0),
    (np.arange(3.0), np.arange(3.0) + np.array([0.0, 0.0, 1e-15])),
    (np.arange(3.0), np.arange(3)),  # dtype
    (pd.Series([1.0, 2.0], index=["a", "b"]), pd.Series([1.0, 2.0], index=["a", "c"])),
    (pd.DataFrame({"x": [1.0]}), pd.DataFrame({"y": [1.0]})),
    (pd.DataFrame({"x": [1.0]}).assign(), pd.DataFrame({"x": [1.0]}).pipe(lambda d: d.set_axis(["r"]))),
    (sp.csc_matrix(np.eye(2)), sp.csr_matrix(np.eye(2))),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # order
    ("text", "text "),
])
def test_canon_tells_apart_any_difference(a, b):
    assert canon(a) != canon(b)
    assert first_difference(canon(a), canon(b)) is not None
    assert canon(a) == canon(copy.deepcopy(a))


def test_canon_rejects_unknown_types():
    with pytest.raises(TypeError, match="does not know"):
        canon(object())


# --------------------------------------------------------------------------- FrozenMap itself
@pytest.mark.parametrize("items", [{}, {"a": 1}, {"x": [1, 2], "y": None, "z": "text"}, {1: "int key"}])
def test_frozen_map_is_a_read_only_mapping(items):
    m = FrozenMap(items)
    assert dict(m) == items and len(m) == len(items) and list(m) == list(items)
    assert m == items and m.copy() == items and m.copy() is not items
    assert (m | {"new": 0}) == {**items, "new": 0} and ({"new": 0} | m) == {"new": 0, **items}
    with pytest.raises(TypeError):
        m["a"] = 2
    with pytest.raises(TypeError):
        del m["a"]
    with pytest.raises(AttributeError):
        m._items = {}
    with pytest.raises(AttributeError):
        m.anything = 1
    source = dict(items)
    m2 = FrozenMap(source)
    source["later"] = 1  # the map owns a copy
    assert "later" not in m2
    for protocol in PROTOCOLS:
        assert pickle.loads(pickle.dumps(m, protocol=protocol)) == m


# --------------------------------------------------------------------------- process pools
def _contexts() -> list[str]:
    return [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()]


POOL_METHODS = ["summary", "vcov", "ranef", "predict", "simulate", "confint"]


def _pool_calls(fit: LmerFit):
    """Method calls as picklable callables (run in a worker or here)."""
    return [
        (operator.methodcaller("summary"), fit),
        (operator.methodcaller("vcov"), fit),
        (operator.methodcaller("ranef", condVar=True), fit),
        (operator.methodcaller("predict", newdata=_newdata(fit), re_form="~0"), fit),
        (operator.methodcaller("simulate", nsim=2, seed=99), fit),
        (operator.methodcaller("confint", method="Wald"), fit),
    ]


@pytest.mark.parametrize("context", _contexts())
def test_process_pool_round_trips(context):
    """Fits made in workers come back identical to local fits; fits sent to workers give
    the same results there as here."""
    names = list(CASES)
    local = {name: original(name) for name in names}
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context(context)) as pool:
        made = {name: pool.submit(pylme.lmer, CASES[name].formula, CASES[name].data, **CASES[name].kwargs)
                for name in names}
        remote_calls = {name: [pool.submit(fn, fit) for fn, fit in _pool_calls(local[name])] for name in names}
        made = {name: future.result() for name, future in made.items()}
        # a fit made in a worker, sent to another call in a worker (both directions in one)
        echoed = {name: pool.submit(copy.deepcopy, made[name]) for name in names}
        echoed = {name: future.result() for name, future in echoed.items()}
        remote = {name: [f.result() for f in futures] for name, futures in remote_calls.items()}
    for name in names:
        assert_identical(local[name], made[name])
        assert_identical(local[name], echoed[name])
        here = [fn(fit) for fn, fit in _pool_calls(local[name])]
        for method, a, b in zip(POOL_METHODS, here, remote[name]):
            assert canon(a) == canon(b), (name, method, first_difference(canon(a), canon(b)))
        # the fit that travelled both ways still works
        assert_identical(local[name].confint(method="Wald"), echoed[name].confint(method="Wald"))
