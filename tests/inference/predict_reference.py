"""Shared helpers of the predict tests: the stored R reference and the matching pylme fits.

``r_reference/inference/predict.json`` is written by ``python -m
conformance.r_inference_predict`` (lme4 1.1-31, R 4.2.2); every prediction there carries
the R expression that produced it and the arguments of the equivalent pylme call.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

import pylme
from conformance.regen import decode_value

REFERENCE = Path(__file__).resolve().parents[2] / "r_reference" / "inference" / "predict.json"

#: Where pylme deliberately raises another text than lme4 1.1-31 (pylme/inference/predict.py
#: documents why): lme4's own message for the condition instead of an evaluation failure.
DEVIATIONS = {
    ("sleepstudy_slope", "re_form_unknown_group_error"):
        "grouping factors specified in re.form that were not present in original model",
}


@lru_cache(maxsize=1)
def reference() -> dict:
    """The whole stored reference."""
    return json.loads(REFERENCE.read_text())


def prediction_ids() -> list[tuple[str, str]]:
    """(model id, prediction id) of every stored prediction."""
    return [(m, p) for m, rec in sorted(reference()["models"].items()) for p in sorted(rec["predictions"])]


def build_frame(rec: dict) -> pd.DataFrame:
    """A data frame exported by the generator (factors as Categoricals with R's levels)."""
    data = {}
    for col in rec["columns"]:
        values = col["values"]
        if col["type"] in ("factor", "ordered"):
            data[col["name"]] = pd.Categorical(values, categories=col["levels"], ordered=col["type"] == "ordered")
        elif col["type"] == "integer" and None not in values:
            data[col["name"]] = np.array(values, dtype=np.int64)
        elif col["type"] in ("integer", "double"):
            data[col["name"]] = np.array([np.nan if v is None else v for v in decode_value(values)], dtype=float)
        elif col["type"] == "logical":
            data[col["name"]] = pd.array(values, dtype="boolean")
        else:
            data[col["name"]] = np.array(values, dtype=object)
    return pd.DataFrame(data, index=rec["rownames"])


@lru_cache(maxsize=None)
def fitted_model(model_id: str) -> pylme.LmerFit:
    """The pylme fit of a stored model."""
    rec = reference()["models"][model_id]
    data = build_frame(rec["data"]["frame"]) if rec["data"]["frame"] else pylme.datasets.load(rec["dataset"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pylme.lmer(rec["formula"], data, REML=rec["reml"], **rec["pylme_lmer_args"])


def newdata(model_id: str, name: str | None) -> pd.DataFrame | None:
    if name is None:
        return None
    return build_frame(reference()["models"][model_id]["newdata"][name])


def pylme_predict(model_id: str, prediction_id: str) -> np.ndarray:
    """pylme's prediction for a stored record (raises what pylme raises)."""
    args = dict(reference()["models"][model_id]["predictions"][prediction_id]["pylme"])
    nd = newdata(model_id, args.pop("newdata"))
    return fitted_model(model_id).predict(nd, **args)


def r_values(rec: dict) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in decode_value(rec["value"])], dtype=float)


def relative_error(got: np.ndarray, want: np.ndarray) -> float:
    """Largest ``|got − want| / max(|want|, 1)``; NaN positions must agree (else inf)."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    if got.shape != want.shape or not np.array_equal(np.isnan(got), np.isnan(want)):
        return np.inf
    ok = ~np.isnan(want)
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1.0)))
