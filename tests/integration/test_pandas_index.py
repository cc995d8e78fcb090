"""fitted / residuals / predict / simulate return pandas objects on the data's own index.

lme4 names these vectors by the row names of the model frame (every row, NA-padded, under
``na.exclude``); ``predict(fm, newdata)`` by ``newdata``'s row names.  pylme returns
``pandas.Series`` (simulate: a DataFrame ``sim_1`` ...) indexed by the data's index.

Expected values and names: ``tests/data/lme4_defaults/make_pandas_index.R`` (R 4.2.2,
lme4 1.1-31), which fits ``lmer(Reaction ~ Days + (1 | Subject), d, weights = w,
na.action = ...)`` to the first six subjects of ``sleepstudy`` for each scenario, with R's
row names set to the string form of the pandas index used here; each stored vector names
the R expression that produced it.
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, DataError

REF = json.loads((pathlib.Path(__file__).parents[1] / "data" / "lme4_defaults" / "pandas_index.json").read_text())
SCENARIOS = sorted(REF["scenarios"])
RTOL = 1e-6  # optimizer end points: pylme and lme4 agree to ~1e-7 on this model
RESIDUAL_KEYS = [k for k in REF["scenarios"]["range"]["quantities"] if k.startswith("residuals_")]


def _base() -> pd.DataFrame:
    d = pylme.datasets.load("sleepstudy")
    keep = d["Subject"].cat.codes < 6  # R: subset(sleepstudy, as.integer(Subject) <= 6)
    d = d[keep.to_numpy()].reset_index(drop=True)
    d["w"] = 1.0 + d["Days"] % 3
    return d


def _data(scenario: str) -> pd.DataFrame:
    d = _base()
    if scenario.startswith("na_"):
        d.loc[[1, 6], "Reaction"] = np.nan  # R rows 2 and 7
        d.loc[20, "Days"] = np.nan  # R row 21
    labels = REF["scenarios"][scenario]["labels"]
    if labels[0] == "s1":
        d.index = pd.Index(labels)
    elif labels[0] != "0":
        d.index = pd.Index(REF["shuffled"])  # a shuffled integer index
    return d


_FITS: dict[str, pylme.LmerFit] = {}


def _fit(scenario: str) -> pylme.LmerFit:
    if scenario not in _FITS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITS[scenario] = pylme.lmer("Reaction ~ Days + (1 | Subject)", _data(scenario), weights="w",
                                         na_action=REF["scenarios"][scenario]["na_action"])
    return _FITS[scenario]


def _newdata(scenario: str) -> pd.DataFrame:
    nd = _base().loc[[4, 11, 32, 40, 57], ["Days", "Subject"]].copy()  # R rows 5, 12, 33, 41, 58
    nd.loc[11, "Days"] = np.nan
    nd.index = pd.Index(["n5", "n12", "n33", "n41", "n58"])
    return nd


def _assert_like_r(got, expected: dict) -> None:
    """Same labels (R's names are the labels' strings), NaN where R has NA, values within RTOL."""
    assert isinstance(got, pd.Series), type(got)
    assert [str(i) for i in got.index] == expected["names"], expected["r_expr"]
    want = np.array([np.nan if v is None else v for v in expected["values"]], dtype=float)
    np.testing.assert_array_equal(np.isnan(got.to_numpy()), np.isnan(want), err_msg=expected["r_expr"])
    np.testing.assert_allclose(got.to_numpy(), want, rtol=RTOL, err_msg=expected["r_expr"])


def _residual_call(key: str) -> tuple[str, bool]:
    _, kind, scaled = key.split("_")
    return kind, scaled == "scaled"


# --- fitted / residuals / predict on the fitted rows -------------------------------------------

@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fitted_is_labelled_as_lme4(scenario):
    got = _fit(scenario).fitted()
    _assert_like_r(got, REF["scenarios"][scenario]["quantities"]["fitted"])  # fitted(fm)
    assert got.name == "fitted"


@pytest.mark.parametrize("key", RESIDUAL_KEYS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_residuals_every_type_and_scaling(scenario, key):
    kind, scaled = _residual_call(key)
    got = _fit(scenario).residuals(type=kind, scaled=scaled)
    _assert_like_r(got, REF["scenarios"][scenario]["quantities"][key])  # residuals(fm, type, scaled)
    assert got.name == "residuals"


@pytest.mark.parametrize("re_form, key", [(None, "predict"), ("NA", "predict_population"),
                                          (np.nan, "predict_population"), ("~0", "predict_population")])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_predict_without_newdata(scenario, re_form, key):
    got = _fit(scenario).predict(re_form=re_form)
    _assert_like_r(got, REF["scenarios"][scenario]["quantities"][key])  # predict(fm[, re.form = NA])
    assert got.name == "predicted"


@pytest.mark.parametrize("na_action, key", [(None, "newdata_na.pass"), ("pass", "newdata_na.pass"),
                                            ("omit", "newdata_na.omit"), ("exclude", "newdata_na.exclude")])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_predict_newdata_keeps_its_own_index(scenario, na_action, key):
    got = _fit(scenario).predict(_newdata(scenario), na_action=na_action)
    _assert_like_r(got, REF["scenarios"][scenario]["quantities"][key])  # predict(fm, nd, na.action = )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_predict_newdata_population_level(scenario):
    got = _fit(scenario).predict(_newdata(scenario), re_form="NA")
    _assert_like_r(got, REF["scenarios"][scenario]["quantities"]["newdata_population"])


@pytest.mark.parametrize("index", [pd.RangeIndex(5), pd.Index([9, 3, 7, 1, 5]), pd.Index(list("edcba")),
                                   pd.Index([0.5, 1.5, 2.5, 3.5, 4.5]),
                                   pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1), ("b", 2), ("c", 1)])])
def test_predict_newdata_any_index_kind(index):
    fit = _fit("range")
    nd = _newdata("range").assign(Days=[0.0, 1.0, 2.0, 3.0, 4.0])
    plain = fit.predict(nd).to_numpy()
    nd.index = index
    got = fit.predict(nd)
    assert got.index.equals(index)
    np.testing.assert_array_equal(got.to_numpy(), plain)


def test_predict_mapping_newdata_gets_a_default_index():
    got = _fit("string").predict({"Days": [0.0, 9.0], "Subject": ["308", "309"]})
    assert list(got.index) == [0, 1]


# --- the rows themselves: which labels, in which order --------------------------------------------

@pytest.mark.parametrize("scenario", SCENARIOS)
def test_labels_are_the_datas_own(scenario):
    fit, data = _fit(scenario), _data(scenario)
    used = data.dropna(subset=["Reaction", "Days"]).index
    expected = data.index if REF["scenarios"][scenario]["na_action"] == "exclude" else used
    for values in (fit.fitted(), fit.residuals(), fit.predict(), fit.residuals("pearson", scaled=True)):
        assert values.index.equals(expected)
        assert values.index.dtype == data.index.dtype  # ints stay ints, strings stay strings
    dropped = data.index.difference(used)
    if REF["scenarios"][scenario]["na_action"] == "exclude":
        assert fit.fitted().loc[dropped].isna().all() and fit.fitted().loc[used].notna().all()
    else:
        assert not set(dropped) & set(fit.fitted().index)


# --- simulate ---------------------------------------------------------------------------------

@pytest.mark.parametrize("nsim", [1, 3])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_simulate_frame_is_labelled_like_fitted(scenario, nsim):
    fit = _fit(scenario)
    sims = fit.simulate(nsim=nsim, seed=1)
    assert isinstance(sims, pd.DataFrame)
    assert list(sims.columns) == [f"sim_{j}" for j in range(1, nsim + 1)]  # R: simulate() names
    assert sims.index.equals(fit.fitted().index)
    np.testing.assert_array_equal(sims.isna().all(axis=1).to_numpy(), fit.fitted().isna().to_numpy())


@pytest.mark.parametrize("scenario", ["string", "na_exclude"])
def test_simulate_newdata_uses_its_index(scenario):
    nd = _newdata(scenario).dropna()
    sims = _fit(scenario).simulate(nsim=2, seed=4, newdata=nd)
    assert sims.index.equals(nd.index) and list(sims.columns) == ["sim_1", "sim_2"]


# --- numpy interoperability -----------------------------------------------------------------

@pytest.mark.parametrize("scenario", SCENARIOS)
def test_series_work_as_arrays(scenario):
    fit = _fit(scenario)
    f, r = fit.fitted(), fit.residuals()
    y = np.asarray(f) + np.asarray(r)
    ok = ~np.isnan(y)
    np.testing.assert_allclose(y[ok], fit.inputs.y, rtol=1e-12)  # fitted + residuals = response
    assert np.asarray(f).dtype == np.float64 and np.asarray(f).shape == (len(f),)
    np.testing.assert_allclose((f + r).dropna().to_numpy(), fit.inputs.y, rtol=1e-12)
    assert np.nanmax(np.abs(fit.residuals("pearson", scaled=True))) > 0


def test_results_are_fresh_copies():
    fit = _fit("string")
    f = fit.fitted()
    f.iloc[:] = 0.0
    assert (fit.fitted() != 0).all()
    p = fit.predict()
    p.iloc[:] = 0.0
    assert (fit.predict() != 0).all() and (fit.fitted() != 0).all()


# --- residuals' type: R's match.arg -------------------------------------------------------------

@pytest.mark.parametrize("given, full", [("resp", "response"), ("pear", "pearson"), ("w", "working"),
                                         ("dev", "deviance"), ("response", "response"), ("pe", "pearson"),
                                         (None, "working")])  # R: match.arg(NULL) is the first choice
def test_residual_type_partial_matching(given, full):
    fit = _fit("na_exclude")
    pd.testing.assert_series_equal(fit.residuals(given), fit.residuals(full))


@pytest.mark.parametrize("bad", ["p", "", "foo", "Pearson", 1, 2.5, b"pearson", {"pearson": 1}])
def test_residual_type_errors_as_match_arg(bad):
    with pytest.raises(ArgumentError) as err:
        _fit("string").residuals(bad)
    assert str(err.value).startswith("'arg' ")  # R: 'arg' should be one of “working”, “response”, ...


def test_partial_residuals_not_implemented_as_lme4():
    with pytest.raises(DataError, match="^partial residuals are not implemented yet$"):
        _fit("string").residuals("partial")
    with pytest.raises(DataError, match="^partial residuals are not implemented yet$"):
        _fit("string").residuals("pa")


@pytest.mark.parametrize("scaled, same_as", [(1, True), (0, False), ("TRUE", True), ("F", False)])
def test_scaled_is_read_as_r_logical(scaled, same_as):
    fit = _fit("string")
    pd.testing.assert_series_equal(fit.residuals(scaled=scaled), fit.residuals(scaled=same_as))


@pytest.mark.parametrize("bad", ["yes", None, float("nan"), [True, False]])
def test_scaled_rejected_as_r_rejects(bad):
    with pytest.raises(ArgumentError):
        _fit("string").residuals(scaled=bad)
