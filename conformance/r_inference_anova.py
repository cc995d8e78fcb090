"""R references for ``anova``/``drop1`` (lme4 1.1-31) and Satterthwaite / Kenward-Roger
tests (lmerTest 3.1-3, pbkrtest 0.5.2).

Writes ``r_reference/inference/anova_ddf.json``::

    .venv/bin/python -m conformance.r_inference_anova               # fast cases (~30 s)
    .venv/bin/python -m conformance.r_inference_anova --tier all    # + InstEval and star

Two parts:

* ``models``: every conformance case (``conformance.cases``; they all have fixed
  effects), and a few models for lmerTest's contrasts (``EXTRA_MODELS``: a
  rank-deficient X, no intercept, ``contr.sum``), refitted with ``lmerTest::lmer`` (the same lme4 fit plus lmerTest's
  Hessian and Jacobian), with the Satterthwaite and Kenward-Roger coefficient tables,
  lmerTest's type I/II/III anova tables, lme4's single-model anova, ``drop1`` and the
  printed texts;
* ``comparisons``: lme4 ``anova(m1, m2, ...)`` likelihood-ratio tables of nested fits
  (made with ``lme4::lmer``) with their printed text and messages.

Every value is a record pairing it with the R expression that produced it (the record
format of ``r_reference/README.md``: ``kind``, ``r_expr``, ``value``, ``dim``,
``dimnames``, ``columns``, ``rownames``), plus R's messages and warnings.  Expressions
are evaluated in one R environment per model in which the data are bound to the
dataset's name and ``fm`` is the fit.  Like ``python -m conformance regen`` the script
re-executes itself under ``setarch -R`` (ASLR off) so that repeated runs give
identical files.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.cases import CASES, FAST, SLOW, Case, dataset_source
from conformance.r_session import RSession
from conformance.r_side import value_record, lmer_call, r_versions
from conformance.regen import aslr_disabled, canonical_json, reexec_without_aslr, write_text

OUT = Path(__file__).resolve().parents[1] / "r_reference" / "inference" / "anova_ddf.json"
SCHEMA_VERSION = 1
#: Kenward-Roger forms n×n matrices in pbkrtest: only for data up to this size.
KR_MAX_N = 10_000

#: Defined in every environment: a plain data frame (the table's numbers; lmerTest's
#: ``hypotheses`` attribute dropped), or for a table without rows (which the R-to-Python
#: conversion cannot carry) its column names and ``nrow = 0``.
FRAME_HELPER = ("pylme_frame <- function(x) { x <- as.data.frame(x); "
                "attributes(x) <- attributes(x)[c('names', 'row.names')]; class(x) <- 'data.frame'; "
                "if (nrow(x) > 0L) x else list(columns = names(x), nrow = 0L) }")

#: Defined in every environment: lme4's own reproducibility of ``fm``.  The model is refitted
#: on ``k`` seeded row permutations of its data (lme4's θ̂ moves with the last bits of the
#: arithmetic on flat criteria), and lmerTest's and pbkrtest's df are recomputed each time.
#: Column 1 is ``fm`` itself, columns 2..k+1 the permutations (``set.seed(s)``, s = 1..k).
PERM_SPREAD_HELPER = (
    "pylme_perm_spread <- function(fm, data, k = 8L, kr = TRUE) { "
    "one <- function(f) { cs <- coef(summary(f)); "
    "out <- list(theta = unname(getME(f, 'theta')), "
    "criterion = unname(if (isREML(f)) REMLcrit(f) else deviance(f)), "
    "satterthwaite_df = cs[, 'df'], satterthwaite_p = cs[, 'Pr(>|t|)']); "
    "if (kr && isREML(f)) { k2 <- coef(summary(f, ddf = 'Kenward-Roger')); "
    "out$kenward_roger_df = k2[, 'df']; out$kenward_roger_se = k2[, 'Std. Error'] }; out }; "
    "fits <- lapply(seq_len(k), function(s) { set.seed(s); d <- data[sample(nrow(data)), , drop = FALSE]; "
    "suppressMessages(suppressWarnings(update(fm, data = d))) }); "
    "res <- lapply(c(list(fm), fits), one); "
    "setNames(lapply(names(res[[1]]), function(n) do.call(cbind, lapply(res, `[[`, n))), names(res[[1]])) }")
#: Row permutations per model, and the largest data for which they include Kenward-Roger.
PERM_K = 8
PERM_KR_MAX_N = 2_000

#: Quantities of every model (``fm`` is the lmerTest fit).
COMMON: tuple[tuple[str, str], ...] = (
    ("theta", "getME(fm, 'theta')"),
    ("sigma", "sigma(fm)"),
    ("beta", "fixef(fm)"),
    ("satterthwaite", "coef(summary(fm))"),
    ("vcov_varpar", "fm@vcov_varpar"),
    ("jacobian", "fm@Jac_list"),
    ("anova_type3", "pylme_frame(anova(fm))"),
    ("anova_type3_print", "capture.output(print(anova(fm)))"),
    ("anova_type3_hypotheses", "Filter(function(L) nrow(L) > 0L, attr(anova(fm), 'hypotheses'))"),
    ("anova_type2", "pylme_frame(anova(fm, type = 2))"),
    ("anova_type2_print", "capture.output(print(anova(fm, type = 2)))"),
    ("anova_type1", "pylme_frame(anova(fm, type = 1))"),
    ("anova_type1_print", "capture.output(print(anova(fm, type = 1)))"),
    ("anova_lme4", "pylme_frame(anova(fm, ddf = 'lme4'))"),
    ("anova_lme4_print", "capture.output(print(anova(fm, ddf = 'lme4')))"),
    ("drop1", "pylme_frame(drop1(as(fm, 'lmerMod'), test = 'Chisq'))"),
    ("drop1_print", "capture.output(print(drop1(as(fm, 'lmerMod'), test = 'Chisq')))"),
    ("drop1_notest_print", "capture.output(print(drop1(as(fm, 'lmerMod'))))"),
    ("summary_satterthwaite_print", "capture.output(print(summary(fm)))"),
)

#: Kenward-Roger quantities (REML fits of moderate size).
KENWARD_ROGER: tuple[tuple[str, str], ...] = (
    ("kenward_roger", "coef(summary(fm, ddf = 'Kenward-Roger'))"),
    ("vcov_adj", "as.matrix(pbkrtest::vcovAdj(fm))"),
    ("anova_type3_kr", "pylme_frame(anova(fm, ddf = 'Kenward-Roger'))"),
    ("anova_type3_kr_print", "capture.output(print(anova(fm, ddf = 'Kenward-Roger')))"),
    ("summary_kr_print", "capture.output(print(summary(fm, ddf = 'Kenward-Roger')))"),
)

#: What an ML fit gives for Kenward-Roger (lmerTest refuses).
KR_ML_ERROR = ("kenward_roger", "coef(summary(fm, ddf = 'Kenward-Roger'))")


@dataclass(frozen=True)
class ExtraModel:
    """A model outside the conformance registry that exercises lmerTest's contrasts.

    Attributes
    ----------
    id, dataset, formula, reml
        As in :class:`conformance.cases.Case`.
    contrasts : tuple of (variable, contrast name)
        lmer's ``contrasts`` argument.
    """

    id: str
    dataset: str
    formula: str
    reml: bool = True
    contrasts: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "dataset": self.dataset, "formula": self.formula, "reml": self.reml,
                "weights": None, "offset": None, "control": "", "tier": FAST,
                "contrasts": dict(self.contrasts)}

    @property
    def r_call(self) -> str:
        args = [self.formula, f"data = {self.dataset}", f"REML = {'TRUE' if self.reml else 'FALSE'}"]
        if self.contrasts:
            inner = ", ".join(f"{k} = '{v}'" for k, v in self.contrasts)
            args.append(f"contrasts = list({inner})")
        return f"lmer({', '.join(args)})"


EXTRA_MODELS: tuple[ExtraModel, ...] = (
    ExtraModel("cake_rankdef_reml", "cake", "angle ~ temp + I(2 * temp) + recipe + (1 | replicate)"),
    ExtraModel("cake_nointercept_reml", "cake", "angle ~ 0 + recipe + temp + (1 | replicate)"),
    ExtraModel("cake_contrsum_reml", "cake", "angle ~ recipe * temp + (1 | replicate)",
               contrasts=(("recipe", "contr.sum"),)),
    ExtraModel("cake_contrsum_ml", "cake", "angle ~ recipe * temp + (1 | replicate)", reml=False,
               contrasts=(("recipe", "contr.sum"),)),
)


@dataclass(frozen=True)
class Comparison:
    """An lme4 ``anova()`` of nested fits.

    Attributes
    ----------
    id : str
    dataset : str
    models : tuple of (name, formula, REML)
        Bound to ``name`` in R with ``lme4::lmer``.
    r_expr : str
        The anova call, e.g. ``anova(m2, m1)``.
    """

    id: str
    dataset: str
    models: tuple[tuple[str, str, bool], ...]
    r_expr: str

    def r_call(self, formula: str, reml: bool) -> str:
        return f"lme4::lmer({formula}, data = {self.dataset}, REML = {'TRUE' if reml else 'FALSE'})"


_SLEEP = "Reaction ~ Days + (Days | Subject)"
_SPLIT = "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)"
_PEN = "diameter ~ 1 + (1 | plate) + (1 | sample)"

COMPARISONS: tuple[Comparison, ...] = (
    Comparison("sleepstudy_split_vs_slope", "sleepstudy",
               (("m1", _SLEEP, True), ("m2", _SPLIT, True)), "anova(m2, m1)"),
    Comparison("sleepstudy_intercept_vs_slope", "sleepstudy",
               (("m0", "Reaction ~ Days + (1 | Subject)", True), ("m1", _SLEEP, True)),
               "anova(m1, m0)"),
    Comparison("sleepstudy_three", "sleepstudy",
               (("m0", "Reaction ~ Days + (1 | Subject)", True), ("m1", _SLEEP, True),
                ("m2", _SPLIT, True)), "anova(m1, m2, m0)"),
    Comparison("sleepstudy_refit_false", "sleepstudy",
               (("m1", _SLEEP, True), ("m2", _SPLIT, True)), "anova(m2, m1, refit = FALSE)"),
    Comparison("sleepstudy_mixed_reml_ml", "sleepstudy",
               (("m1", _SLEEP, False), ("m2", _SPLIT, True)), "anova(m2, m1)"),
    Comparison("penicillin_ml", "Penicillin",
               (("m1", "diameter ~ 1 + (1 | plate)", False), ("m2", _PEN, False)), "anova(m1, m2)"),
    Comparison("penicillin_reml", "Penicillin",
               (("m1", "diameter ~ 1 + (1 | plate)", True), ("m2", _PEN, True)), "anova(m2, m1)"),
    Comparison("hsb_null_vs_cses", "HSB",
               (("m0", "MathAch ~ (1 | School)", True), ("m1", "MathAch ~ cses + (1 | School)", True)),
               "anova(m0, m1)"),
    Comparison("cake_temp_vs_interaction", "cake",
               (("m1", "angle ~ temp + recipe + (1 | replicate)", False),
                ("m2", "angle ~ temp * recipe + (1 | replicate)", False)), "anova(m1, m2)"),
)


def record(session: RSession, env: Any, r_expr: str) -> dict:
    """Evaluate `r_expr` in `env` (see :func:`conformance.r_side.value_record`)."""
    return value_record(session, env, r_expr)


def bind_data(session: RSession, env: Any, dataset: str) -> dict:
    """Bind the dataset to its name in `env`; return its provenance."""
    source = dataset_source(dataset)
    r_expr = source.r_expr if source else dataset
    session.run(FRAME_HELPER, env)
    session.run(PERM_SPREAD_HELPER, env)
    session.run(f"{dataset} <- {r_expr}", env)
    dims = session.get(f"dim({dataset})", env).value.values
    return {"name": dataset, "r_expr": r_expr, "nrow": dims[0], "ncol": dims[1]}


def _conditions(rec: dict) -> dict:
    return {k: rec[k] for k in ("warnings", "messages", "error") if k in rec}


def model_record(session: RSession, case: Case | ExtraModel) -> dict:
    """Fit `case` with ``lmerTest::lmer`` and extract every test and table."""
    env = session.new_env()
    # `lmer` is lmerTest's: the package is attached
    call = case.r_call if isinstance(case, ExtraModel) else lmer_call(case)
    weights = getattr(case, "weights", None)
    offset = getattr(case, "offset", None)
    out: dict[str, Any] = {"case": case.to_dict(), "data": bind_data(session, env, case.dataset),
                           "r_call": call, "fit_r_expr": f"fm <- {call}"}
    fitted = record(session, env, f"{{fm <- {call}; NULL}}")
    out["fit"] = _conditions(fitted)
    if fitted["kind"] == "error":
        return out
    quantities = list(COMMON)
    if weights:
        quantities.append(("weights", "unname(weights(fm))"))
    if offset:
        quantities.append(("offset", "getME(fm, 'offset')"))
    n = session.get("nobs(fm)", env).value.values[0]
    if case.reml and n <= KR_MAX_N:
        quantities += KENWARD_ROGER
    elif not case.reml:
        quantities.append(KR_ML_ERROR)
    kr = "TRUE" if n <= PERM_KR_MAX_N else "FALSE"
    quantities.append(("permutation_spread", f"pylme_perm_spread(fm, {case.dataset}, k = {PERM_K}L, kr = {kr})"))
    out["quantities"] = {name: record(session, env, expr) for name, expr in quantities}
    return out


def comparison_record(session: RSession, comp: Comparison) -> dict:
    """Fit the models of `comp` with lme4 and store the anova table and its print."""
    env = session.new_env()
    out: dict[str, Any] = {"data": bind_data(session, env, comp.dataset), "models": {}}
    for name, formula, reml in comp.models:
        call = comp.r_call(formula, reml)
        fitted = record(session, env, f"{{{name} <- {call}; NULL}}")
        out["models"][name] = {"formula": formula, "reml": reml, "r_call": call,
                               "fit": _conditions(fitted),
                               "theta": record(session, env, f"getME({name}, 'theta')")}
    out["anova"] = record(session, env, f"as.data.frame({comp.r_expr})")
    out["anova_print"] = record(session, env, f"capture.output(print({comp.r_expr}))")
    out["r_expr"] = comp.r_expr
    return out


def select_cases(tier: str) -> tuple[Case, ...]:
    """The conformance cases of `tier` (``"fast"`` or ``"all"``)."""
    tiers = (FAST,) if tier == FAST else (FAST, SLOW)
    return tuple(c for c in CASES if c.tier in tiers)


def generate(tier: str = FAST, log=print) -> dict:
    """Everything stored in ``anova_ddf.json``."""
    session = RSession(packages=("lme4", "lmerTest"))
    versions = r_versions(session)
    for pkg in ("lmerTest", "pbkrtest", "numDeriv", "MASS"):
        versions[pkg] = session.get(f"as.character(packageVersion('{pkg}'))").value.values[0]
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "versions": versions,
                           "generator": f"python -m conformance.r_inference_anova --tier {tier}",
                           "aslr_disabled": aslr_disabled(), "kr_max_n": KR_MAX_N,
                           "helpers": {"pylme_frame": FRAME_HELPER, "pylme_perm_spread": PERM_SPREAD_HELPER},
                           "models": {}, "comparisons": {}}
    for case in (*select_cases(tier), *EXTRA_MODELS):
        log(f"{case.id} ...")
        out["models"][case.id] = model_record(session, case)
    for comp in COMPARISONS:
        log(f"{comp.id} ...")
        out["comparisons"][comp.id] = comparison_record(session, comp)
    return out


def _reexec_without_aslr() -> None:
    reexec_without_aslr("conformance.r_inference_anova")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", choices=(FAST, "all"), default=FAST)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    _reexec_without_aslr()
    data = generate(tier=args.tier)
    write_text(args.out, canonical_json(data))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
