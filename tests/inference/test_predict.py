"""``predict`` against lme4 1.1-31 (R-free: ``r_reference/inference/predict.json``) and its
own contracts: re_form forms, NA handling, new levels, offsets, errors.

Target (issue "Inference and methods"): predictions on new data, with and without random
effects and with new levels, equal lme4's to 1e-6 relative.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, DataError, DeprecatedUsageWarning, FormulaError, ModelSpecError, PylmeWarning
from pylme.inference.predict import _truncate, parse_re_form, predict

from predict_reference import (DEVIATIONS, fitted_model, prediction_ids, pylme_predict, r_values,
                               reference, relative_error)

TOL = 1e-6


@pytest.fixture(scope="module")
def sleep():
    return pylme.datasets.load("sleepstudy")


@pytest.fixture(scope="module")
def fm(sleep):
    return pylme.lmer("Reaction ~ Days + (Days | Subject)", sleep)


# --- against R -------------------------------------------------------------------------------


@pytest.mark.parametrize("model_id, prediction_id", prediction_ids())
def test_matches_lme4(model_id, prediction_id):
    rec = reference()["models"][model_id]["predictions"][prediction_id]
    if rec["kind"] == "error":
        expected = DEVIATIONS.get((model_id, prediction_id), rec["error"])
        with pytest.raises((DataError, ModelSpecError, FormulaError)) as info:
            pylme_predict(model_id, prediction_id)
        assert str(info.value) == expected
        return
    assert relative_error(pylme_predict(model_id, prediction_id), r_values(rec)) < TOL, rec["r_expr"]


def test_reference_covers_the_required_cases():
    models = reference()["models"]
    assert {"sleepstudy_slope", "penicillin", "pastes_nested", "cake_ordered", "sleepstudy_offset_term",
            "sleepstudy_poly_scale"} <= set(models)
    kinds = {p["pylme"]["re_form"] for m in models.values() for p in m["predictions"].values()}
    assert {None, "NA", "~0", "~(1 | Subject)"} <= kinds
    assert any(p["pylme"]["allow_new_levels"] and p["kind"] == "value"
               for m in models.values() for p in m["predictions"].values())
    assert all("r_expr" in p for m in models.values() for p in m["predictions"].values())


def test_fits_match_lme4_theta():
    for model_id, rec in reference()["models"].items():
        theta = np.array(rec["theta"]["value"], float)
        np.testing.assert_allclose(fitted_model(model_id).theta, theta, rtol=1e-5, atol=1e-7)


# --- contracts -----------------------------------------------------------------------------------


def test_no_newdata_is_fitted(fm):
    np.testing.assert_array_equal(predict(fm), fm.fitted())
    np.testing.assert_allclose(predict(fm, re_form="~(Days | Subject)"), fm.fitted(), rtol=1e-13)
    np.testing.assert_allclose(predict(fm, re_form="NA"), fm.inputs.X @ fm.beta, rtol=1e-13)


def test_newdata_equal_to_the_data_gives_fitted(fm, sleep):
    np.testing.assert_allclose(fm.predict(sleep), fm.fitted(), rtol=1e-12)


@pytest.mark.parametrize("none", ["~0", "NA", " ~ 0", np.nan, float("nan"), pd.NA])
def test_population_level_spellings(fm, sleep, none):
    np.testing.assert_allclose(fm.predict(sleep.head(5), re_form=none), (fm.inputs.X @ fm.beta)[:5], rtol=1e-13)


def test_re_form_parsing(fm):
    assert parse_re_form(fm, None)[0].group.id == "Subject"
    assert parse_re_form(fm, "~0") == []
    assert len(parse_re_form(fm, "~(1 | Subject) + (0 + Days | Subject)")) == 2
    with pytest.raises(FormulaError, match="No random effects terms specified in formula"):
        parse_re_form(fm, "~1")
    with pytest.raises(FormulaError):
        parse_re_form(fm, 3)


def test_subset_terms_sum_to_all(sleep):
    fit = pylme.lmer("Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", sleep)
    nd = sleep.iloc[::17]
    base = fit.predict(nd, re_form="NA")
    parts = [fit.predict(nd, re_form=f) - base for f in ("~(1 | Subject)", "~(0 + Days | Subject)")]
    np.testing.assert_allclose(base + parts[0] + parts[1], fit.predict(nd), rtol=1e-13)


def test_component_not_in_model(sleep):
    fit = pylme.lmer("Reaction ~ Days + (1 | Subject)", sleep)
    with pytest.raises(ModelSpecError, match="random effects specified in re.form that were not present "
                                             "in original model Days"):
        fit.predict(sleep.head(3), re_form="~(Days | Subject)")
    with pytest.raises(ModelSpecError, match="grouping factors specified in re.form"):
        fit.predict(sleep.head(3), re_form="~(1 | Days)")


def test_new_levels_get_zero(fm):
    nd = pd.DataFrame({"Days": [1.0, 1.0], "Subject": ["308", "new"]})
    got = fm.predict(nd, allow_new_levels=True)
    assert got[1] == pytest.approx(fm.beta[0] + fm.beta[1], rel=1e-14)
    with pytest.raises(DataError, match="^new levels detected in newdata: new$"):
        fm.predict(nd)


def test_truncated_level_list():
    text = ", ".join(str(i) for i in range(1001, 1021))
    assert _truncate(text) == "1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, ..."
    assert _truncate("a, b") == "a, b"


def test_na_actions(fm):
    nd = pd.DataFrame({"Days": [1.0, np.nan, 3.0], "Subject": ["308", "309", "310"]})
    passed = fm.predict(nd)
    assert np.isnan(passed[1]) and np.all(np.isfinite(passed[[0, 2]]))
    np.testing.assert_array_equal(fm.predict(nd, na_action="omit"), passed[[0, 2]])
    np.testing.assert_array_equal(fm.predict(nd, na_action="exclude"), passed)
    with pytest.raises(DataError, match="missing values in object"):
        fm.predict(nd, na_action="fail")
    with pytest.raises(DataError, match="na_action must be one of"):
        fm.predict(nd, na_action="drop")


def test_na_fixed_factor_gives_na():
    cake = pylme.datasets.load("cake")
    fit = pylme.lmer("angle ~ recipe * temperature + (1 | recipe:replicate)", cake, REML=False)
    nd = cake.iloc[[0, 1, 2]].copy()
    nd["temperature"] = nd["temperature"].cat.add_categories([]).astype(object)
    nd.iloc[1, nd.columns.get_loc("temperature")] = None
    got = fit.predict(nd)
    assert np.isnan(got[1]) and np.all(np.isfinite(got[[0, 2]]))


def test_fixed_factor_new_level_is_an_error():
    cake = pylme.datasets.load("cake")
    fit = pylme.lmer("angle ~ recipe + temp + (1 | replicate)", cake)
    nd = pd.DataFrame({"recipe": ["A", "Z"], "temp": [180.0, 190.0], "replicate": ["1", "2"]})
    with pytest.raises(DataError, match="new level Z"):
        fit.predict(nd)


def test_offset_argument_not_used_for_newdata(sleep):
    data = sleep.assign(o=2.0 * sleep["Days"])
    fit = pylme.lmer("Reaction ~ Days + (1 | Subject)", data, offset="o")
    np.testing.assert_allclose(fit.predict(re_form="NA"), fit.inputs.X @ fit.beta + data["o"], rtol=1e-13)
    np.testing.assert_allclose(fit.predict(data, re_form="NA"), fit.inputs.X @ fit.beta, rtol=1e-13)


def test_offset_term_evaluated_on_newdata(sleep):
    fit = pylme.lmer("Reaction ~ Days + offset(log(Days + 1)) + (1 | Subject)", sleep)
    nd = pd.DataFrame({"Days": [0.0, 9.0], "Subject": ["308", "309"]})
    want = fit.beta[0] + fit.beta[1] * nd["Days"] + np.log(nd["Days"] + 1)
    np.testing.assert_allclose(fit.predict(nd, re_form="NA"), want, rtol=1e-13)


def test_exclude_fit_pads(sleep):
    data = sleep.copy()
    data.loc[[2, 49], "Reaction"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", data, na_action="exclude")
    for got in (fit.predict(), fit.predict(re_form="NA")):
        assert got.shape == (180,) and np.isnan(got[[2, 49]]).all()
    assert fit.predict(na_action="omit").shape == (178,)


def test_mapping_newdata_and_argument_warnings(fm):
    got = fm.predict({"Days": [0.0], "Subject": ["308"]})
    assert got.shape == (1,)
    # lme4's type = c("link", "response"), matched by match.arg; the same values for an LMM
    assert fm.predict({"Days": [0.0], "Subject": ["308"]}, type="resp")[0] == got[0]
    with pytest.raises(ArgumentError, match="should be one of"):
        fm.predict({"Days": [0.0], "Subject": ["308"]}, type="terms")
    with pytest.warns(DeprecatedUsageWarning, match="'ReForm' is deprecated; use 're.form' instead"):
        pop = fm.predict({"Days": [0.0], "Subject": ["308"]}, ReForm="NA")
    assert pop[0] == pytest.approx(fm.beta[0], rel=1e-14)


def test_missing_variable(fm):
    with pytest.raises(DataError, match="Subject"):
        fm.predict(pd.DataFrame({"Days": [1.0]}))


def test_numeric_grouping_values_match_factor_levels(fm):
    a = fm.predict(pd.DataFrame({"Days": [2.0, 3.0], "Subject": [308, 372]}))
    b = fm.predict(pd.DataFrame({"Days": [2.0, 3.0], "Subject": pd.Categorical(["308", "372"])}))
    np.testing.assert_array_equal(a, b)


def test_predict_leaves_the_fit_unchanged(fm, sleep):
    before = (fm.theta.copy(), fm.beta.copy(), fm.fitted().copy())
    fm.predict(sleep.head(10), re_form="~(1 | Subject)")
    np.testing.assert_array_equal(before[2], fm.fitted())
    np.testing.assert_array_equal(before[0], fm.theta)
