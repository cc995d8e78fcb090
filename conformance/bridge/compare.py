"""Judge every captured model (and anova table) of a script under the conformance tiers.

For each :class:`~conformance.bridge.capture.Capture`, pylme's refit
(:mod:`conformance.bridge.refit`) — or, with ``--python``, the paired fit of the translated
Python script — is compared with R's record by :func:`conformance.compare.compare_case`,
quantity by quantity (θ, objective, β by name, σ, SEs, VarCorr, BLUPs, the printed summary,
fit warnings and messages), each under its tolerance tier; ``anova(m1, m2, ...)`` tables
the script computed from captured models are compared as the harness compares its
likelihood-ratio tests (``lrt.anova``, ``lrt.anova_print``); an ``lm``/``glm`` among the
compared models is fitted again with statsmodels (:mod:`conformance.bridge.lmfit`) and
compared through :func:`pylme.anova` as lme4 compares it.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pylme
from conformance import py_side
from conformance.bridge.capture import AnovaCapture, Capture, ScriptCapture
from conformance.bridge.lmfit import statsmodels_result
from conformance.bridge.refit import Unsupported, refit_capture
from conformance.compare import QuantityResult, compare_case, compare_record
# _GRADIENT: the max|grad| lme4 quotes in "Model failed to converge with max|grad| = ...",
# an optimizer-tier number the policy masks; the detail lines below mask it the same way
from conformance.generated_policy import _GRADIENT, apply_policy
from conformance.report import is_failure
from conformance.tiers import DELIBERATE_CONDITIONS, OPTIMIZER, check_for
from pylme.convergence import lme4_wording
from pylme.recording import Condition

__all__ = ["ModelReport", "AnovaReport", "verify_captures", "pair_python", "worst_by_tier",
           "PASS", "MISMATCH", "UNSUPPORTED", "R_ERROR", "CAPTURE_ERROR", "FAILING"]

PASS, MISMATCH, UNSUPPORTED, R_ERROR, CAPTURE_ERROR = (
    "pass", "MISMATCH", "unsupported", "R error", "capture error")
#: Statuses that make ``pylme verify`` exit 1.
FAILING = frozenset({MISMATCH, CAPTURE_ERROR})


@dataclass(frozen=True)
class ModelReport:
    """The verdict on one captured model.

    Attributes
    ----------
    index : int
        1-based order of the fit in the R script.
    kind : str
        ``lmer``, ``glmer``, ``glmer.nb``, ``nlmer`` or ``refit``.
    site : str
        ``file:line`` of the call in the R script.
    formula : str
    status : str
        One of :data:`PASS`, :data:`MISMATCH`, :data:`UNSUPPORTED`, :data:`R_ERROR`,
        :data:`CAPTURE_ERROR`.
    reason : str
        Why it is not a pass (the failing quantities, pylme's error, the unsupported feature).
    results : tuple of QuantityResult
    worst : dict of str to float
        Largest relative (else absolute) difference per tier among the compared quantities.
    printed : tuple of str
        The script's summary()/print() calls on this model.
    python_site : str
        With ``--python``: ``file:line`` of the paired Python fit.
    """

    index: int
    kind: str
    site: str
    formula: str
    status: str
    reason: str = ""
    results: tuple = ()
    worst: dict = field(default_factory=dict)
    printed: tuple = ()
    python_site: str = ""


@dataclass(frozen=True)
class AnovaReport:
    """The verdict on one ``anova(m1, m2, ...)`` of the script.

    ``models`` holds, in argument order, each compared model's capture index (None for a
    mixed model that was not captured), or ``"lm"``/``"glm"`` for R's lm/glm arguments.
    """

    index: int
    site: str
    models: tuple
    status: str
    reason: str = ""
    results: tuple = ()


def worst_by_tier(results: Sequence[QuantityResult]) -> dict[str, float]:
    """The largest compared difference per tier (relative where defined, else absolute)."""
    out: dict[str, float] = {}
    for r in results:
        if r.skipped:
            continue
        value = r.max_rel_err if math.isfinite(r.max_rel_err) else r.max_abs_err
        if math.isfinite(value):
            out[r.tier] = max(out.get(r.tier, 0.0), value)
    return out


def _site(file: str, line: Any) -> str:
    return f"{file.rsplit('/', 1)[-1] if file else '?'}:{line if line is not None else '?'}"


def _judged(capture: Capture, results: list[QuantityResult], **kw: Any) -> ModelReport:
    failing = [r for r in results if is_failure(r)]
    reason = "; ".join(f"{r.quantity}: {r.detail}"[:300] for r in failing[:4])
    if len(failing) > 4:
        reason += f"; ... {len(failing) - 4} more"
    return ModelReport(capture.index, capture.kind, _site(capture.file, capture.line),
                       _formula(capture), MISMATCH if failing else PASS, reason,
                       tuple(results), worst_by_tier(results), tuple(capture.printed), **kw)


def _formula(capture: Capture) -> str:
    if capture.case is not None and capture.case.formula:
        return capture.case.formula
    return capture.call_text.replace("\n", " ")


def _not_compared(capture: Capture) -> ModelReport | None:
    """The report of a capture that cannot be compared at all, or None."""
    for status, reason in ((R_ERROR, capture.r_error), (UNSUPPORTED, capture.unsupported),
                           (CAPTURE_ERROR, capture.capture_error)):
        if reason is not None:
            return ModelReport(capture.index, capture.kind, _site(capture.file, capture.line),
                               _formula(capture), status, reason, printed=tuple(capture.printed))
    return None


def _judge(capture: Capture, result: Any) -> list[QuantityResult]:
    """Every quantity of `capture` against pylme's `result`: the tiers, then the
    generated-design policy (``conformance.generated_policy``). A script's model is an
    arbitrary design, not a curated case whose optimizer path pylme reproduces step by step
    and whose lme4 spread is stored: the evaluation count and stop message are advisory once
    the objective agrees, a ridge's position likewise, as for random designs."""
    case_id = result.case.id
    results = compare_case(case_id, capture.reference, result)
    return apply_policy(case_id, results, capture.reference, result)


def verify_captures(script: ScriptCapture) -> tuple[list[ModelReport], list[AnovaReport], dict]:
    """pylme's refit of every capture against R's record, and of every anova.

    Returns
    -------
    (models, anovas, fitted)
        The per-model and per-anova reports, and ``{capture index: (pylme model, Case)}``.
    """
    reports, fitted = [], {}
    for capture in script.captures:
        done = _not_compared(capture)
        if done is not None:
            reports.append(done)
            continue
        try:
            refit = refit_capture(capture, fitted)
        except Unsupported as exc:
            reports.append(ModelReport(capture.index, capture.kind,
                                       _site(capture.file, capture.line), _formula(capture),
                                       UNSUPPORTED, str(exc), printed=tuple(capture.printed)))
            continue
        results = _judge(capture, refit.result)
        if refit.model is not None:
            fitted[capture.index] = (refit.model, refit.result.case)
        reports.append(_judged(capture, results))
    return reports, [_anova(k, a, fitted) for k, a in enumerate(script.anovas, 1)], fitted


def _anova(k: int, anova: AnovaCapture, fitted: dict) -> AnovaReport:
    site = _site(anova.file, anova.line)
    # an lm/glm argument is shown by its kind in place of a capture index
    models = tuple(lm["kind"] if isinstance(lm, dict) and "kind" in lm else m
                   for m, lm in zip(anova.models, anova.lms or [None] * len(anova.models)))
    if anova.table.get("kind") == "error":
        return AnovaReport(k, site, models, CAPTURE_ERROR, anova.table.get("error", ""))
    lms = list(anova.lms or [None] * len(models))
    indices = tuple(anova.models)
    if anova.with_lm and not any(lms):  # a capture made before the lm side was captured
        return AnovaReport(k, site, models, UNSUPPORTED,
                           "anova() of a merMod against an lm/glm fit: the lm side is not "
                           "captured")
    missing = [m for m, lm in zip(indices, lms) if lm is None and (m is None or m not in fitted)]
    if missing:
        return AnovaReport(k, site, models, UNSUPPORTED,
                           "a compared model was not fitted by pylme (see its row)")
    try:  # R's lm/glm arguments as statsmodels fits, in their argument places
        objects = [statsmodels_result(lm) if lm is not None else fitted[m][0]
                   for m, lm in zip(indices, lms)]
    except Unsupported as exc:
        return AnovaReport(k, site, models, UNSUPPORTED, str(exc))
    except Exception as exc:  # noqa: BLE001 - statsmodels failing where R fitted
        return AnovaReport(k, site, models, MISMATCH,
                           f"statsmodels could not fit the lm/glm: {type(exc).__name__}: {exc}")
    case_id = f"verify_anova_{k}"
    first, *others = objects
    names = list(anova.names) if len(anova.names) == len(objects) else None
    try:
        with warnings.catch_warnings():  # "refitting model(s) with ML": R said it already
            warnings.simplefilter("ignore")
            result = (pylme.anova(first, *others, refit=anova.refit, model_names=names)
                      if others else first.anova())  # lme4's table of one model (no ddf)
        table = result.table
        ours = {"anova": py_side._frame_record(table, table.index),
                "anova_print": py_side._rec(py_side.stdout_lines(str(result)))}
    except Exception as exc:  # noqa: BLE001 - reported as a mismatch
        return AnovaReport(k, site, models, MISMATCH, f"pylme raised {type(exc).__name__}: {exc}")
    results = [compare_record(case_id, f"lrt.{name}", ref, ours[name],
                              check_for(case_id, f"lrt.{name}"))
               for name, ref in (("anova", anova.table), ("anova_print", anova.print))]
    failing = [r for r in results if is_failure(r)]
    return AnovaReport(k, site, models, MISMATCH if failing else PASS,
                       "; ".join(f"{r.quantity}: {r.detail}"[:300] for r in failing),
                       tuple(results))


# ---------------------------------------------------------------- --python


def _norm(formula: str) -> str:
    return re.sub(r"\s+", "", formula or "")


def _python_conditions(recorded: Any) -> dict[str, list[str]]:
    """The Python fit's conditions, split as :func:`conformance.py_side._conditions` splits
    pylme's own refit's: lme4's warnings, lme4's messages, other Python warnings and the
    deliberate pylme-only ones (``tiers.DELIBERATE_CONDITIONS``).

    They are those ``pylme.recording`` caught while the script's fit was made
    (:attr:`pylme.recording.RecordedFit.conditions`); for a fit recorded without them (a
    ``refit``: its method is not wrapped) they are read from the fit itself, as lme4 keeps
    them in ``@optinfo``: the optimizer's warnings (``optinfo$warnings``; both stages of a
    GLMM), then ``checkConv``'s signals (``optinfo$conv$lme4``) as message or warning by
    their action.
    """
    out: dict[str, list[str]] = {"warnings": [], "messages": [], "other_warnings": [],
                                 "pylme_only": []}
    conditions = recorded.conditions
    if conditions is None:
        conditions = _stored_conditions(recorded.fit)
    for c in conditions:
        if c.category in DELIBERATE_CONDITIONS:  # no lme4 counterpart
            out["pylme_only"].append(f"{c.category}: {c.text}")
        elif c.kind in ("message", "warning"):
            out[f"{c.kind}s"].append(c.text)
        else:
            out["other_warnings"].append(f"{c.category}: {c.text}")
    return out


def _stored_conditions(fit: Any) -> tuple[Condition, ...]:
    optimum = getattr(fit, "optimum", None)  # a GlmerFit keeps its stages there
    stages = (optimum.stage1, optimum.opt) if optimum is not None else (fit.opt,)
    conv = optimum.conv if optimum is not None else fit.conv
    out = [Condition("OptimizerWarning", text, "warning")
           for stage in stages if stage is not None for text in stage.warnings]
    out += [Condition("ConvergenceWarning" if action != "message" else "PylmeMessage", text,
                      "message" if action == "message" else "warning")
            for text, action in conv.signals]
    return tuple(out)


_CONDITION_WORDS = {"warnings": "warned", "messages": "gave the message"}


def _condition_detail(result: QuantityResult, r_fit: Mapping,
                      conditions: Mapping) -> QuantityResult:
    """A ``fit.warnings``/``fit.messages`` difference said in words: which condition R
    signalled and the Python script's fit did not, and the reverse (texts in lme4's words,
    a quoted ``max|grad|`` masked as the comparison masks it). A difference the tiers or the
    generated-design policy pass (flagged) keeps their reason after the words."""
    if result.skipped or result.quantity not in ("fit.warnings", "fit.messages"):
        return result
    kind = result.quantity.split(".", 1)[1]
    verb = _CONDITION_WORDS[kind]
    theirs = [lme4_wording(t) for t in r_fit.get(kind) or []]
    ours = [lme4_wording(t) for t in conditions.get(kind) or []]
    r_only, py_only = _unmatched(theirs, ours), _unmatched(ours, theirs)
    parts = [f"R {verb} {t!r}; the Python script's fit did not" for t in r_only]
    parts += [f"the Python script's fit {verb} {t!r}; R did not" for t in py_only]
    if result.passed:
        if not parts:  # equal, or equal but for a masked gradient: the tiers' detail says so
            return result
        return dataclasses.replace(result, detail="; ".join(parts) + f" ({result.detail})")
    if not parts:
        parts = [f"R {verb} {theirs!r}; the Python script's fit {verb} {ours!r} (another order)"]
    return dataclasses.replace(result, detail="; ".join(parts))


def _unmatched(texts: Sequence[str], others: Sequence[str]) -> list[str]:
    """`texts` not matched one for one in `others` (a quoted gradient's number aside)."""
    rest = [_GRADIENT.sub("#", o) for o in others]
    out = []
    for text in texts:
        key = _GRADIENT.sub("#", text)
        if key in rest:
            rest.remove(key)
        else:
            out.append(text)
    return out


#: quantities of a Python script's model data that the script may have computed from
#: fitted models (a response drawn by simulate(), fitted values plus noise)
_COMPUTED_DATA = ("structure.y",)


def _computed_data(result: QuantityResult) -> QuantityResult:
    """A response the Python script computed is judged at the optimizer tier, not exactly.

    Data a script reads are bit-identical on both sides, but a response it computes from a
    fitted model (``simulate(fit)``, ``fitted(lm) + rnorm(...)``) carries that fit's
    differences: R's QR least squares against statsmodels' (a few units in the last place),
    or pylme's optimum against lme4's (~1e-9). The draws themselves are R's, bit for bit.
    """
    if result.quantity not in _COMPUTED_DATA or result.passed or result.skipped:
        return result
    err = result.max_rel_err
    if not (math.isfinite(err) and err <= OPTIMIZER.tolerance.rtol):
        return result
    return dataclasses.replace(result, tier=OPTIMIZER.name, passed=True,
                               detail=f"computed by the script from fitted models: "
                                      f"{err:.2g} relative, within the optimizer tier "
                                      f"({result.detail})"[:300])


def _formula_matches(recorded: Any, formula: str) -> bool:
    """The recorded fit's formula as written, or as lme4 expands it (``(x || g)`` becomes
    ``((1 | g) + (0 + x | g))`` in an lmer fit's formula; glmer keeps it as written)."""
    if _norm(recorded.formula) == _norm(formula):
        return True
    parsed = getattr(getattr(recorded.fit, "inputs", None), "formula", None)
    if parsed is None:
        return False
    from pylme.formula.deparse import deparse

    try:
        return _norm(deparse(parsed)) == _norm(formula)
    except Exception:  # noqa: BLE001 - a formula the deparser cannot print matches by text only
        return False


def pair_python(script: ScriptCapture, recorded: Sequence[Any]) -> list[ModelReport]:
    """Pair the Python script's recorded fits with R's captures and compare each pair.

    A capture is paired with the first unused Python fit of the same formula (spaces
    ignored), else with the next unused one in order; an R ``refit()`` is paired with the
    next unused Python ``fit.refit(...)`` (recorded as kind ``"refit"``) and judged under its
    base model's case, as pylme's own refit is. The Python fit's warnings and messages
    (:func:`_python_conditions`) are compared with those R's fit signalled as pylme's own
    refit's are (exact lists in lme4's words; a quoted ``max|grad|`` masked once the
    objective agrees); a condition on one side only is a mismatch said in words. A capture
    left without a Python fit, and a Python fit left without a capture, are mismatches.
    """
    unused = list(recorded)
    cases = {c.index: c.case for c in script.captures if c.case is not None}
    reports = []
    for capture in script.captures:
        done = _not_compared(capture)
        if done is not None:
            reports.append(done)
            continue
        is_refit = capture.kind == "refit"
        case = (dataclasses.replace(cases[capture.base], id=f"verify_{capture.index}")
                if is_refit and capture.base in cases else capture.case)
        if case is None:
            reports.append(ModelReport(capture.index, capture.kind,
                                       _site(capture.file, capture.line), _formula(capture),
                                       UNSUPPORTED, f"refit() of model #{capture.base}, whose "
                                                    "case was not captured"))
            continue
        pool = [p for p in unused if (p.kind == "refit") == is_refit]
        match = next((p for p in pool if _formula_matches(p, case.formula)),
                     pool[0] if pool else None)
        if match is None:
            reports.append(ModelReport(capture.index, capture.kind,
                                       _site(capture.file, capture.line), _formula(capture),
                                       MISMATCH, "the Python script fitted no model for it"))
            continue
        unused.remove(match)
        py_site = _site(match.filename, match.lineno)
        if match.fit is None:
            reports.append(ModelReport(capture.index, capture.kind,
                                       _site(capture.file, capture.line), _formula(capture),
                                       MISMATCH, "the Python fit could not be pickled",
                                       python_site=py_site))
            continue
        conditions = _python_conditions(match)
        result = py_side.extract(match.fit, case, capture.reference, capture.data, conditions)
        results = [_computed_data(_condition_detail(r, capture.reference.get("fit", {}),
                                                    conditions))
                   for r in _judge(capture, result)]
        if not _formula_matches(match, case.formula):
            results.insert(0, QuantityResult(case.id, "formula", "exact", 1.0, math.nan,
                                             False, f"R {case.formula!r} Python "
                                                    f"{match.formula!r}"))
        reports.append(_judged(capture, results, python_site=py_site))
    for extra in unused:
        reports.append(ModelReport(0, extra.kind, "-", extra.formula, MISMATCH,
                                   "a Python fit with no R counterpart",
                                   python_site=_site(extra.filename, extra.lineno)))
    return reports
