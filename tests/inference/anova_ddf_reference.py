"""Shared helpers of the anova / ddf tests: the stored R reference and matching pylme fits.

``r_reference/inference/anova_ddf.json`` is written by ``python -m
conformance.r_inference_anova`` (lmerTest 3.1-3, pbkrtest 0.5.2, lme4 1.1-31, R 4.2.2).
The loading and decoding live in :mod:`conformance.inference_refs` (``python -m
conformance run`` checks the same reference); this module adds the assertions.
"""

from __future__ import annotations

from conformance import inference_refs as _refs
from conformance.inference_refs import (REPRODUCIBLE_THETA, comparison, envelope_violations, fit,
                                        frame, kr_model_ids, lme4_reproducible, matrix, model_ids,
                                        permutation_spread, print_difference, quantity,
                                        relative_spread, summary_text, text,
                                        without_control_lines)

__all__ = ["REFERENCE", "REPRODUCIBLE_THETA", "reference", "model_ids", "kr_model_ids", "quantity",
           "matrix", "frame", "text", "fit", "permutation_spread", "relative_spread",
           "lme4_reproducible", "summary_text", "without_control_lines", "comparison",
           "assert_same_print", "assert_within_envelope"]

REFERENCE = _refs.path("anova_ddf")


def reference() -> dict:
    """The whole stored reference."""
    return _refs.load("anova_ddf")


def assert_same_print(mine: str, theirs: str, rtol: float = 1e-6) -> None:
    """R's printed text, up to the last printed digit of optimizer-dependent numbers: the
    same lines and tokens, numbers within ``rtol`` of each other."""
    where = print_difference(mine, theirs, rtol)
    assert where is None, f"{where}:\n{mine}\n---\n{theirs}"


def assert_within_envelope(mine, table, rtol: float, what: str) -> None:
    """Every value of ``mine`` lies in its row's [min, max] over lme4's permutation refits,
    widened by ``rtol`` relative."""
    bad = envelope_violations(mine, table, rtol)
    assert not bad, f"{what}: " + "; ".join(bad)
