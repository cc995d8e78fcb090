"""pylme against ``r_reference/inference/confint.json`` and ``predict.json``.

The records of ``tests/inference/test_confint.py`` (Wald and profile intervals, the
profile's points and base deviance, boot.ci on lme4's own bootstrap replicates, pylme's
own parametric bootstrap within Monte-Carlo error) and ``tests/inference/test_predict.py``
(every stored prediction or error text, the fits' θ̂). Tolerances:
:mod:`conformance.inference_tiers`. The unit-level pieces of ``confint.json``
(``pieces``: splines, sd/cor conversions, boot.ci's helpers on fixed inputs) stay with
the tests: they check functions, not a fitted model.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import norm

from conformance import inference_refs as refs
from conformance.compare import QuantityResult
from conformance.inference_checks import Subject, compare_raises, compare_tables, guarded
from conformance.inference_tiers import BOOT_MC_SE, CONFINT, PREDICT, TOLERANCES
from pylme.errors import DataError, FormulaError, ModelSpecError
from pylme.inference import confint as ci_mod

__all__ = ["WALD_CALLS", "PROFILE_CALLS", "CLOSE_PROFILE_MODELS", "confint_records",
           "bootstrap_records", "predict_records"]

#: Stored Wald intervals and the pylme call that gives each.
WALD_CALLS = {"wald": {}, "wald_level90": {"level": 0.9}, "wald_beta": {"parm": "beta_"},
              "wald_newnames": {"oldNames": False}}
#: Stored profile intervals of ``confint(fm, parm = ...)`` and the pylme call of each.
PROFILE_CALLS = {"profile_days": {"parm": "Days"},
                 "profile_theta": {"parm": "theta_", "oldNames": False, "quiet": True}}
#: Models whose profile intervals are held to 1e-6 rather than 1e-3 (the issue's model).
CLOSE_PROFILE_MODELS = ("hsb_null_reml",)


def _adder(out: list, model_id: str, records: dict, tier) -> Callable:
    def add(name: str, check: Callable[[Subject], QuantityResult], r_expr: str | None = None,
            quantity: str | None = None) -> None:
        subject = Subject(model_id, quantity or name, tier, r_expr or records[name]["r_expr"])
        out.append(guarded(subject, lambda: check(subject)))
    return add


def confint_records(model_id: str) -> list[QuantityResult]:
    """Every record of one model of ``confint.json``."""
    q = refs.load("confint")["models"][model_id]["quantities"]
    out: list[QuantityResult] = []
    add = _adder(out, model_id, q, CONFINT)
    fit = refs.confint_fit(model_id)
    for name, kwargs in WALD_CALLS.items():
        if name in q:
            add(name, lambda s, name=name, kwargs=kwargs: compare_tables(
                s, {"": fit.confint(method="Wald", **kwargs)}, {"": refs.matrix(q[name])},
                TOLERANCES["wald"]))
    close = model_id in CLOSE_PROFILE_MODELS
    for name, kwargs in (("profile", {}), ("profile_level90", {"level": 0.9})):
        if name in q:
            add(name, lambda s, name=name, kwargs=kwargs: compare_tables(
                s, {"": refs.confint_profile(model_id).confint(**kwargs)},
                {"": refs.matrix(q[name])}, TOLERANCES["profile_close" if close else "profile"],
                "the issue's model: 1e-6" if close else ""))
    for name, kwargs in PROFILE_CALLS.items():
        if name in q:
            add(name, lambda s, name=name, kwargs=kwargs: compare_tables(
                s, {"": fit.confint(**kwargs)}, {"": refs.matrix(q[name])},
                TOLERANCES["profile_parm"]))
    if "profile_frame" in q:
        add("profile_frame", lambda s: _profile_frame(s, refs.confint_profile(model_id).frame,
                                                      q["profile_frame"]))
    add("ml_deviance", lambda s: compare_tables(
        s, {"": [refs.confint_profile(model_id).base_deviance]},
        {"": refs.numbers(q["ml_deviance"]["value"])}, TOLERANCES["ml_deviance"],
        "the profile's base deviance"))
    return out


def _profile_frame(subject: Subject, ours: pd.DataFrame, rec: dict) -> QuantityResult:
    """``as.data.frame(pr)``: the same columns, the same points visited (the step rule saw
    the same ζ values: ``.par`` equal), numbers within tolerance."""
    if list(ours.columns) != rec["columns"]:
        return subject.result(False, f"columns: R {rec['columns']} pylme {list(ours.columns)}")
    theirs_par, ours_par = list(rec["value"][".par"]), list(ours[".par"].astype(str))
    if ours_par != theirs_par:
        first = next((i for i, (a, b) in enumerate(zip(ours_par, theirs_par)) if a != b),
                     min(len(ours_par), len(theirs_par)))
        return subject.result(False, f".par (the points visited): {len(theirs_par)} rows in R, "
                                     f"{len(ours_par)} in pylme, first difference at row {first + 1}")
    numeric = [c for c in rec["columns"] if c != ".par"]
    theirs = pd.DataFrame({c: refs.numbers(list(rec["value"][c])) for c in numeric})
    mine = ours[numeric].reset_index(drop=True).astype(float)
    return compare_tables(subject, {"": mine}, {"": theirs}, TOLERANCES["profile_frame"])


def bootstrap_records() -> list[QuantityResult]:
    """``confint.json``'s bootstrap of hsb_null_reml: boot.ci on lme4's replicates, lme4's
    bootFun at the fit, and pylme's own parametric bootstrap within Monte-Carlo error."""
    boot = refs.load("confint")["bootstrap"]
    q = boot["quantities"]
    model_id = "hsb_null_reml"
    out: list[QuantityResult] = []
    add = _adder(out, model_id, q, CONFINT)
    t0, t, names = refs.numbers(q["t0"]["value"]), refs.numbers(q["t"]["value"]), q["t0"]["names"]
    for kind, key, level in (("perc", "perc", 0.95), ("basic", "basic", 0.95), ("norm", "norm", 0.95),
                             ("perc", "perc_level90", 0.9)):
        add(key, lambda s, kind=kind, key=key, level=level: compare_tables(
            s, {"": ci_mod.boot_confint(t0, t, level=level, type=kind, names=names)},
            {"": refs.matrix(q[key])}, TOLERANCES["boot_replicates"],
            "boot.ci on lme4's own 1000 replicates"), quantity=f"boot_{key}")
    add("t0", lambda s: compare_tables(
        s, {"": ci_mod.boot_fun(refs.confint_fit(model_id)).to_numpy()}, {"": t0},
        TOLERANCES["boot_t0"]), quantity="boot_t0")
    add("confint_boot", lambda s: _parametric_bootstrap(s, boot))
    return out


def _quantile_se(sd: np.ndarray, a: float, n: int) -> np.ndarray:
    """Monte-Carlo standard error of a normal-theory a-quantile from n replicates."""
    return sd * np.sqrt(a * (1 - a) / n) / norm.pdf(norm.ppf(a))


def _parametric_bootstrap(subject: Subject, boot: dict) -> QuantityResult:
    n = boot["nsim"]
    ours = refs.confint_fit("hsb_null_reml").confint(method="boot", nsim=n, seed=boot["seed"])
    sd = refs.numbers(boot["quantities"]["t_sd"]["value"])
    # two independent estimates of each endpoint: BOOT_MC_SE standard errors of their difference
    allowed = BOOT_MC_SE * np.sqrt(2) * _quantile_se(sd, 0.025, n)
    return compare_tables(subject, {"": ours}, {"": refs.matrix(boot["quantities"]["confint_boot"])},
                          TOLERANCES["boot_monte_carlo"],
                          f"other random streams: within {BOOT_MC_SE:g}·√2 Monte-Carlo standard "
                          f"errors of a 2.5% quantile ({', '.join(f'{a:.3g}' for a in allowed)})",
                          row_atol=allowed)


def predict_records(model_id: str) -> list[QuantityResult]:
    """Every stored prediction of one model of ``predict.json``, and the fit's θ̂."""
    rec = refs.load("predict")["models"][model_id]
    out: list[QuantityResult] = []
    add = _adder(out, model_id, rec["predictions"], PREDICT)
    add("theta", lambda s: compare_tables(
        s, {"": refs.predict_fit(model_id).theta}, {"": refs.numbers(rec["theta"]["value"])},
        TOLERANCES["predict_theta"]), r_expr=rec["theta"]["r_expr"])
    for pid, prediction in sorted(rec["predictions"].items()):
        if prediction["kind"] == "error":
            add(pid, lambda s, pid=pid, prediction=prediction: compare_raises(
                s, lambda: refs.pylme_predict(model_id, pid), prediction["error"],
                (DataError, ModelSpecError, FormulaError), refs.DEVIATIONS.get((model_id, pid))))
        else:
            add(pid, lambda s, pid=pid, prediction=prediction: compare_tables(
                s, {"": refs.pylme_predict(model_id, pid)}, {"": refs.numbers(prediction["value"])},
                TOLERANCES["predict"], "relative to max(|R|, 1)"))
    return out
