"""Shared helpers of the predict tests: the stored R reference and the matching pylme fits.

``r_reference/inference/predict.json`` is written by ``python -m
conformance.r_inference_predict`` (lme4 1.1-31, R 4.2.2); every prediction there carries
the R expression that produced it and the arguments of the equivalent pylme call.  The
helpers live in :mod:`conformance.inference_refs` (``python -m conformance run`` checks
the same reference).
"""

from __future__ import annotations

import numpy as np

from conformance import inference_refs as _refs
from conformance.inference_refs import (DEVIATIONS, build_frame, newdata, prediction_ids,
                                        pylme_predict, relative_error)
from conformance.inference_refs import predict_fit as fitted_model

__all__ = ["REFERENCE", "DEVIATIONS", "reference", "prediction_ids", "build_frame", "fitted_model",
           "newdata", "pylme_predict", "r_values", "relative_error"]

REFERENCE = _refs.path("predict")


def reference() -> dict:
    """The whole stored reference."""
    return _refs.load("predict")


def r_values(rec: dict) -> np.ndarray:
    """R's predictions of a stored record (NA as NaN)."""
    return _refs.numbers(rec["value"])
