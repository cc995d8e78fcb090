"""The inference part of ``python -m conformance run``: pylme against the stored inference
references ``r_reference/inference/{anova_ddf,confint,predict}.json`` (no R needed).

:func:`run_inference` fits the references' models in pylme and returns one
:class:`~conformance.report.InferenceRun` per file, its records made by
:mod:`conformance.inference_ddf` (Satterthwaite / Kenward-Roger tables, anova, drop1,
model comparisons) and :mod:`conformance.inference_methods` (confint, predict), under the
tolerances of :mod:`conformance.inference_tiers` (those of the tests in
``tests/inference``). Selection follows the cases': models of the slow tier only when
``slow`` is among `tiers`, and with `case_ids` only the models of those ids.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence

from conformance import inference_ddf, inference_methods
from conformance import inference_refs as refs
from conformance.cases import FAST
from conformance.compare import QuantityResult
from conformance.report import InferenceRun

__all__ = ["run_inference", "selected"]


def selected(file: str, tiers: Sequence[str] = (FAST,),
             case_ids: Sequence[str] = ()) -> dict[str, list[str]]:
    """The ids to compare in one reference file, by part (``models``, ``comparisons``, ...).

    Models of ``anova_ddf.json`` carry their case's tier; those of ``confint.json`` and
    ``predict.json`` are fast. With `case_ids`, only models (and comparisons) of those ids.
    """
    ref = refs.load(file)

    def keep(ids, tier_of: Callable[[str], str]) -> list[str]:
        if case_ids:
            return [i for i in sorted(ids) if i in case_ids]
        return [i for i in sorted(ids) if tier_of(i) in tiers]

    if file == "anova_ddf":
        return {"models": keep(ref["models"], lambda m: ref["models"][m]["case"].get("tier", FAST)),
                "comparisons": keep(ref["comparisons"], lambda c: FAST)}
    parts = {"models": keep(ref["models"], lambda m: FAST)}
    if file == "confint":
        parts["bootstrap"] = keep(["hsb_null_reml"], lambda m: FAST)
    return parts


def _records(file: str, parts: dict[str, list[str]]) -> list[QuantityResult]:
    if file == "anova_ddf":
        return inference_ddf.records(parts["models"], parts["comparisons"])
    if file == "confint":
        out = [r for m in parts["models"] for r in inference_methods.confint_records(m)]
        return out + (inference_methods.bootstrap_records() if parts["bootstrap"] else [])
    return [r for m in parts["models"] for r in inference_methods.predict_records(m)]


def run_inference(tiers: Sequence[str] = (FAST,), case_ids: Sequence[str] = (),
                  progress: Callable[[InferenceRun], None] | None = None) -> list[InferenceRun]:
    """Compare pylme with every stored inference reference; one run per file.

    Parameters
    ----------
    tiers : sequence of str
        Case tiers whose models are compared (``fast``, ``slow``).
    case_ids : sequence of str
        When given, only the models (and comparisons) with these ids.
    progress : callable, optional
        Called with each file's run when it is done.
    """
    runs = []
    refs.clear_fits()  # fit with pylme as it is now (and leave no fit behind: finally below)
    try:
        for file in refs.FILES:
            runs.append(_run_file(file, tiers, case_ids))
            if progress is not None:
                progress(runs[-1])
    finally:
        refs.clear_fits()
    return runs


def _run_file(file: str, tiers: Sequence[str], case_ids: Sequence[str]) -> InferenceRun:
    """The records of one reference file (a harness error instead when it cannot be read)."""
    start = time.perf_counter()
    try:
        ref = refs.load(file)
        parts = selected(file, tiers, case_ids)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pylme's messages: the records compare them
            results = tuple(_records(file, parts))
    except Exception as exc:  # noqa: BLE001 - one broken file must not hide the others
        return InferenceRun(file, {}, (), time.perf_counter() - start,
                            f"harness error: {type(exc).__name__}: {exc}")
    return InferenceRun(file, ref.get("versions", {}), results, time.perf_counter() - start)
