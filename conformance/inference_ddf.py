"""pylme against ``r_reference/inference/anova_ddf.json``: t tests, anova, drop1, LRTs.

Per model (a conformance case), the records of ``tests/inference/test_ddf.py`` and
``test_anova.py``:

* on pylme's own fit (tier ``ddf``): θ̂ where lme4 is reproducible, else the criterion;
  lmerTest's Satterthwaite and pbkrtest's Kenward-Roger tables (or lme4's envelope over
  its permutation refits), Kenward-Roger's refusal of ML fits; ``drop1`` (tier ``lrt``);
  the printed ``summary(fm, ddf =)`` and type III tables (tier ``printed``, models where
  lme4 is reproducible);
* at lme4's θ̂ (quantity suffix ``@ lme4 θ̂``): the same tables to the method's own
  tolerances, pbkrtest's adjusted covariance, lmerTest's Jacobian and ``vcov_varpar``,
  lme4's and lmerTest's anova tables and type III hypotheses, printed texts;

and per stored model comparison (``comparisons``) lme4's ``anova(m1, m2, ...)`` table,
printed text and messages. Tolerances: :mod:`conformance.inference_tiers`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from conformance import inference_refs as refs
from conformance.compare import QuantityResult
from conformance.inference_checks import (Subject, compare_bound, compare_envelope, compare_raises,
                                          compare_tables, compare_text, guarded)
from conformance.inference_tiers import (ANOVA, CRITERION_ATOL, DDF, DDF_AT_R_THETA,
                                         ENVELOPE_RTOL, LRT, PRINTED, TEXT_RTOL, TOLERANCES,
                                         Columns)
from conformance.tiers import EXACT, Tier
from pylme.convergence import lme4_wording
from pylme.errors import ModelSpecError
from pylme.inference import contrasts as C
from pylme.inference import ddf as D
from pylme.inference.anova import anova, drop1
from pylme.inference.kenward_roger import vcov_adj
from pylme.inference.satterthwaite import varpar_info

__all__ = ["AT_R_THETA", "VARPAR_MODELS", "model_records", "comparison_records", "records"]

#: Suffix of the quantities evaluated at lme4's θ̂ (pylme not optimized).
AT_R_THETA = " @ lme4 θ̂"
#: Models whose lmerTest ``vcov_varpar`` (2 H⁻¹ of a finite-difference Hessian) and Jacobian
#: are compared, as in test_ddf.py (elsewhere, e.g. the 21-θ singular cake model, finite
#: differences at a boundary need not agree to 1e-6).
VARPAR_MODELS = ("sleepstudy_slope_reml", "pastes_cask_batch_reml", "cake_temp_ml", "penicillin_reml")
_EXACT_COLUMNS = (Columns(None, EXACT),)


def _once(make: Callable[[], object]) -> Callable[[], object]:
    """``make()`` computed on the first call only (a table and its printed text share it)."""
    cache: list = []

    def get():
        if not cache:
            cache.append(make())
        return cache[0]
    return get


class _Model:
    """Records of one model: its stored quantities and the subjects of its checks."""

    def __init__(self, model_id: str) -> None:
        self.id = model_id
        self.q = refs.load("anova_ddf")["models"][model_id]["quantities"]
        self.stable = refs.lme4_reproducible(model_id)
        self.kr = self.q["kenward_roger"]["kind"] == "value"
        self.out: list[QuantityResult] = []

    def add(self, name: str, tier: Tier, check: Callable[[Subject], QuantityResult],
            suffix: str = "", r_expr: str | None = None) -> None:
        subject = Subject(self.id, name + suffix, tier, r_expr or self.q[name]["r_expr"])
        self.out.append(guarded(subject, lambda: check(subject)))

    def matrix(self, name: str):
        return refs.matrix(self.q[name])

    def frame(self, name: str):
        return refs.frame(self.q[name])

    def text(self, name: str) -> str:
        return refs.text(self.q[name])


def model_records(model_id: str) -> list[QuantityResult]:
    """Every record of one model of ``anova_ddf.json``."""
    m = _Model(model_id)
    _own_fit(m)
    _at_r_theta(m)
    _anova_at_r_theta(m)
    _drop1(m)
    return m.out


def _own_fit(m: _Model) -> None:
    fit = refs.fit(m.id)
    spread = refs.permutation_spread(m.id)
    perm_expr = m.q["permutation_spread"]["r_expr"]
    if m.stable:
        m.add("theta", DDF, lambda s: compare_tables(
            s, {"": fit.theta}, {"": refs.numbers(m.q["theta"]["value"])}, TOLERANCES["theta"],
            "lme4 reproducible under row permutations: pylme's θ̂ must be lme4's"))
    else:
        m.add("criterion", DDF, lambda s: compare_bound(
            s, fit.deviance(REML=fit.is_REML), spread["criterion"][0][0], CRITERION_ATOL,
            "lme4's stored criterion"), r_expr=perm_expr)
    theta_spread = refs.relative_spread(spread["theta"], floor=1e-2)
    for name, method, parts in (
            ("satterthwaite", "Satterthwaite", (("df", "satterthwaite_df"), ("Pr(>|t|)", "satterthwaite_p"))),
            ("kenward_roger", "Kenward-Roger", (("df", "kenward_roger_df"), ("Std. Error", "kenward_roger_se")))):
        if name == "kenward_roger" and not m.kr:
            m.add(name, DDF, lambda s: compare_raises(
                s, lambda: D.coefficients(fit, "Kenward-Roger"), m.q["kenward_roger"]["error"],
                (ModelSpecError,)))
        elif m.stable:
            m.add(name, DDF, lambda s, name=name, method=method: compare_tables(
                s, {"": D.coefficients(fit, method)}, {"": m.matrix(name)}, TOLERANCES[name]))
        else:
            m.add(name, DDF, lambda s, method=method, parts=parts: compare_envelope(
                s, [(col, D.coefficients(fit, method)[col], spread[key], ENVELOPE_RTOL[key])
                    for col, key in parts], theta_spread),
                r_expr=f"{m.q[name]['r_expr']}; envelope: {perm_expr}")
    if not m.stable:
        return
    printed = [("summary_satterthwaite_print", lambda: fit.summary(ddf="Satterthwaite"), refs.summary_text),
               ("anova_type3_print", lambda: anova(fit, ddf="Satterthwaite"), None)]
    if m.kr:
        printed += [("summary_kr_print", lambda: fit.summary(ddf="Kenward-Roger"), refs.summary_text),
                    ("anova_type3_kr_print", lambda: fit.anova(ddf="Kenward-Roger", type="III"), None)]
    for name, mine, expected in printed:
        m.add(name, PRINTED, lambda s, name=name, mine=mine, expected=expected: compare_text(
            s, lme4_wording(str(mine())), expected(m.id, name) if expected else m.text(name),
            TEXT_RTOL))


def _at_r_theta(m: _Model) -> None:
    at = refs.fit(m.id, at_r_theta=True)
    m.add("satterthwaite", DDF_AT_R_THETA, lambda s: compare_tables(
        s, {"": D.coefficients(at, "Satterthwaite")}, {"": m.matrix("satterthwaite")},
        TOLERANCES["satterthwaite_at_r_theta"]), AT_R_THETA)
    if m.kr:
        m.add("kenward_roger", DDF_AT_R_THETA, lambda s: compare_tables(
            s, {"": D.coefficients(at, "Kenward-Roger")}, {"": m.matrix("kenward_roger")},
            TOLERANCES["kenward_roger_at_r_theta"]), AT_R_THETA)
        m.add("vcov_adj", DDF_AT_R_THETA, lambda s: compare_tables(
            s, {"": vcov_adj(at).vcov}, {"": m.matrix("vcov_adj").to_numpy()},
            TOLERANCES["vcov_adj"]), AT_R_THETA)
    if m.id in VARPAR_MODELS:
        m.add("vcov_varpar", DDF_AT_R_THETA, lambda s: compare_tables(
            s, {"": varpar_info(at).vcov_varpar}, {"": m.matrix("vcov_varpar").to_numpy()},
            TOLERANCES["vcov_varpar"]), AT_R_THETA)
        m.add("jacobian", DDF_AT_R_THETA, lambda s: compare_tables(
            s, {f"Jac_list[[{i + 1}]]": j for i, j in enumerate(varpar_info(at).jacobian)},
            {f"Jac_list[[{i + 1}]]": refs.matrix(j).to_numpy()
             for i, j in enumerate(m.q["jacobian"]["value"])}, TOLERANCES["jacobian"]), AT_R_THETA)
    names = [("summary_satterthwaite_print", "Satterthwaite")]
    if m.kr:
        names.append(("summary_kr_print", "Kenward-Roger"))
    for name, ddf in names:
        m.add(name, PRINTED, lambda s, name=name, ddf=ddf: compare_text(
            s, refs.without_control_lines(lme4_wording(str(at.summary(ddf=ddf)))),
            refs.without_control_lines(refs.summary_text(m.id, name)), TEXT_RTOL), AT_R_THETA)


def _table_columns(expected, name: str) -> Sequence[Columns]:
    """The tolerance groups of a table, or exact labels only for a table without rows."""
    return TOLERANCES[name] if len(expected) else _EXACT_COLUMNS


def _anova_at_r_theta(m: _Model) -> None:
    at = refs.fit(m.id, at_r_theta=True)
    tables = [("anova_lme4", lambda: anova(at), "anova_lme4", None),
              *[(f"anova_type{k}", lambda k=k: anova(at, ddf="Satterthwaite", type=k), "anova_lmertest",
                 TEXT_RTOL) for k in (3, 2, 1)]]
    if m.kr:
        tables.append(("anova_type3_kr", lambda: anova(at, ddf="Kenward-Roger"), "anova_type3_kr", None))
    for name, make, tolerances, text_rtol in tables:
        result = _once(make)
        expected = m.frame(name)
        m.add(name, ANOVA, lambda s, result=result, expected=expected, tolerances=tolerances:
              compare_tables(s, {"": result().table}, {"": expected},
                             _table_columns(expected, tolerances)), AT_R_THETA)
        m.add(name + "_print", PRINTED, lambda s, result=result, name=name, text_rtol=text_rtol:
              compare_text(s, str(result()), m.text(name + "_print"), text_rtol), AT_R_THETA)
    hypotheses = m.q["anova_type3_hypotheses"]
    theirs = {n: refs.matrix(rec).to_numpy() for n, rec in zip(hypotheses.get("names") or [],
                                                               hypotheses["value"])}
    # R's expression keeps the terms with at least one row: Filter(function(L) nrow(L) > 0L, ...)
    m.add("anova_type3_hypotheses", ANOVA, lambda s: compare_tables(
        s, {t: L for t, L in C.contrasts_type3(at).items() if np.shape(L)[0] > 0}, theirs,
        TOLERANCES["hypotheses"]), AT_R_THETA)


def _drop1(m: _Model) -> None:
    fit = refs.fit(m.id)
    expected = m.frame("drop1")
    if not m.q["drop1"].get("rownames"):  # R's automatic row names: one unnamed row, "1"
        expected.index = [str(i + 1) for i in range(len(expected))]
    result = _once(lambda: drop1(fit, test="Chisq"))
    m.add("drop1", LRT, lambda s: compare_tables(s, {"": result().table}, {"": expected},
                                                 TOLERANCES["drop1"]))
    m.add("drop1_print", PRINTED, lambda s: compare_text(s, str(result()), m.text("drop1_print"),
                                                         TEXT_RTOL))
    m.add("drop1_notest_print", PRINTED, lambda s: compare_text(
        s, str(fit.drop1()), m.text("drop1_notest_print"), TEXT_RTOL))


def comparison_records(comp_id: str) -> list[QuantityResult]:
    """lme4's ``anova(m1, m2, ...)`` of a stored comparison: table, printed text, messages."""
    comp = refs.load("anova_ddf")["comparisons"][comp_id]
    table_subject = Subject(comp_id, "anova", LRT, comp["anova"]["r_expr"])
    print_subject = Subject(comp_id, "anova_print", PRINTED, comp["anova_print"]["r_expr"])
    try:
        result, messages = refs.comparison(comp_id)
    except Exception as exc:  # noqa: BLE001 - reported as the failure of both records
        return [s.result(False, f"pylme raised {type(exc).__name__}: {exc}")
                for s in (table_subject, print_subject)]
    return [guarded(table_subject, lambda: compare_tables(
                table_subject, {"": result.table}, {"": refs.frame(comp["anova"])},
                TOLERANCES["comparison"])),
            guarded(print_subject, lambda: compare_text(
                print_subject, str(result), refs.text(comp["anova_print"]), TEXT_RTOL,
                (messages, comp["anova_print"].get("messages", []))))]


def records(model_ids: Sequence[str], comparison_ids: Sequence[str]) -> list[QuantityResult]:
    """The records of the given models and comparisons, in that order."""
    out = []
    for model_id in model_ids:
        out += model_records(model_id)
    for comp_id in comparison_ids:
        out += comparison_records(comp_id)
    return out
