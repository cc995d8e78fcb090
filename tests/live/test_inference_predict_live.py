"""``predict`` against live R/lme4 (skipped with the install hint when R/rpy2 is absent).

Recomputes the stored predictions of ``r_reference/inference/predict.json`` in R, checks
that R still gives the frozen values (the reference is current), and compares pylme with
them; plus a few predictions on random new data generated here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inference"))

from predict_reference import (DEVIATIONS, build_frame, fitted_model, pylme_predict, r_values,  # noqa: E402
                               reference, relative_error)

pytestmark = pytest.mark.needs_r

MODELS = ("sleepstudy_slope", "pastes_nested", "cake_ordered", "sleepstudy_poly_scale")


@pytest.fixture(scope="module")
def live_records(r_session):
    from conformance.r_inference_predict import MODELS as SPECS, model_record

    specs = {m.id: m for m in SPECS}
    return {mid: model_record(r_session, specs[mid]) for mid in MODELS}


@pytest.mark.parametrize("model_id", MODELS)
def test_r_still_gives_the_stored_values(live_records, model_id):
    stored = reference()["models"][model_id]["predictions"]
    for pid, rec in live_records[model_id]["predictions"].items():
        assert rec["kind"] == stored[pid]["kind"], pid
        if rec["kind"] == "value":
            assert relative_error(r_values(rec), r_values(stored[pid])) < 1e-9, pid
        else:
            assert rec["error"] == stored[pid]["error"], pid


@pytest.mark.parametrize("model_id", MODELS)
def test_pylme_matches_live_r(live_records, model_id):
    for pid, rec in live_records[model_id]["predictions"].items():
        if rec["kind"] == "error":
            with pytest.raises(Exception) as info:
                pylme_predict(model_id, pid)
            assert str(info.value) == DEVIATIONS.get((model_id, pid), rec["error"]), pid
        else:
            assert relative_error(pylme_predict(model_id, pid), r_values(rec)) < 1e-6, pid


def test_random_newdata(r_session):
    """Random Days and subjects (a few new) for the sleepstudy model, all re_form kinds."""
    rng = np.random.default_rng(11)
    levels = list(pylme.datasets.load("sleepstudy")["Subject"].cat.categories) + ["900", "901"]
    nd = pd.DataFrame({"Days": np.round(rng.uniform(-2, 12, 40), 3),
                       "Subject": rng.choice(levels, 40).astype(object)})
    env = r_session.new_env()
    r_session.run("fm <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)", env)
    r_session.assign_frame("nd", nd, env)
    fit = fitted_model("sleepstudy_slope")
    for r_form, py_form in (("NULL", None), ("NA", "NA"), ("~(1 | Subject)", "~(1 | Subject)")):
        got = fit.predict(nd, re_form=py_form, allow_new_levels=True)
        want = r_session.get(f"unname(predict(fm, nd, re.form = {r_form}, allow.new.levels = TRUE))", env)
        assert relative_error(got, np.array(want.value.values, float)) < 1e-6, r_form


def test_frames_round_trip(r_session):
    rec = reference()["models"]["cake_ordered"]["newdata"]["nd"]
    frame = build_frame(rec)
    assert frame["temperature"].cat.ordered and list(frame.columns) == ["recipe", "temperature", "replicate"]
