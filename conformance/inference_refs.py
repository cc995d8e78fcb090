"""The stored inference references and the pylme fits that match them (no R needed).

Three files under ``r_reference/inference/``, each written by its generator:

* ``anova_ddf.json`` (``python -m conformance.r_inference_anova``: lmerTest 3.1-3,
  pbkrtest 0.5.2, lme4 1.1-31): per conformance case the Satterthwaite and
  Kenward-Roger tables, anova tables, ``drop1``, printed texts and lme4's own
  reproducibility (``permutation_spread``); plus model comparisons (``comparisons``);
* ``confint.json`` (``python -m conformance.r_inference_confint``): Wald, profile and
  parametric bootstrap intervals;
* ``predict.json`` (``python -m conformance.r_inference_predict``): predictions, each
  with the arguments of the equivalent pylme call.

Every stored value is a record with the R expression that produced it (``r_expr``).
Used by :mod:`conformance.inference` (``python -m conformance run``) and by the tests in
``tests/inference`` (through their thin helper modules).
"""

from __future__ import annotations

import dataclasses
import json
import os
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

import pylme
from pylme.errors import PylmeWarning
from conformance.py_side import control_from_r
from conformance.regen import DEFAULT_OUT, decode_value

__all__ = ["REF_DIR", "FILES", "path", "load", "numbers", "matrix", "frame", "text",
           "model_ids", "kr_model_ids", "quantity", "fit", "summary_text", "without_control_lines",
           "comparison", "permutation_spread",
           "relative_spread", "REPRODUCIBLE_THETA", "lme4_reproducible", "envelope_violations",
           "print_difference", "confint_fit", "confint_profile", "DEVIATIONS", "prediction_ids",
           "build_frame", "predict_fit", "newdata", "pylme_predict", "relative_error",
           "clear_fits"]

REF_DIR = DEFAULT_OUT / "inference"
#: The reference files, by stem.
FILES = ("anova_ddf", "confint", "predict")


def path(name: str, ref_dir: Path = REF_DIR) -> Path:
    """``r_reference/inference/<name>.json``."""
    return ref_dir / f"{name}.json"


@lru_cache(maxsize=None)
def load(name: str, ref_dir: Path = REF_DIR) -> dict:
    """One whole reference file (cached; values left as stored)."""
    return json.loads(path(name, ref_dir).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ decoding records


def numbers(value) -> np.ndarray:
    """Stored numbers as floats: R's NA (null) and the "NaN"/"Inf"/"-Inf" texts included."""
    return np.array(decode_value(value), dtype=float)


def matrix(rec: dict) -> pd.DataFrame:
    """A stored R matrix as a DataFrame with its dimnames."""
    values = numbers(rec["value"]).reshape(rec["dim"])
    rows, cols = rec.get("dimnames") or (None, None)
    return pd.DataFrame(values, index=rows, columns=cols)


def frame(rec: dict) -> pd.DataFrame:
    """A stored R data frame (NA as NaN); a table without rows has only its columns."""
    if rec.get("nrow") == 0 or (isinstance(rec.get("value"), list) and "columns" not in rec):
        names = rec["value"][0] if "value" in rec else rec["columns"]
        return pd.DataFrame(columns=list(names), dtype=float)
    data = {c: numbers(rec["value"][c]) for c in rec["columns"]}
    return pd.DataFrame(data, index=rec.get("rownames"), columns=rec["columns"])


def text(rec: dict) -> str:
    """A stored ``capture.output(print(x))`` as the text R printed."""
    return "".join(line + "\n" for line in rec["value"])


# ------------------------------------------------------------------ anova_ddf.json


def model_ids(slow: bool | None = None) -> list[str]:
    """Models of ``anova_ddf.json``; slow-tier ones only when `slow` (default: ``PYLME_SLOW``)."""
    if slow is None:
        slow = bool(os.environ.get("PYLME_SLOW"))
    return sorted(m for m, rec in load("anova_ddf")["models"].items()
                  if slow or rec["case"].get("tier") != "slow")


def kr_model_ids(slow: bool | None = None) -> list[str]:
    """Models with a stored Kenward-Roger table (REML fits)."""
    return [m for m in model_ids(slow) if quantity(m, "kenward_roger")["kind"] == "value"]


def quantity(model_id: str, name: str, file: str = "anova_ddf") -> dict:
    """The stored record `name` of a model of `file`."""
    return load(file)["models"][model_id]["quantities"][name]


@lru_cache(maxsize=None)
def fit(model_id: str, at_r_theta: bool = False) -> pylme.LmerFit:
    """pylme's fit of a model of ``anova_ddf.json``; ``at_r_theta``: not optimized, evaluated
    at R's θ̂."""
    rec = load("anova_ddf")["models"][model_id]
    case = rec["case"]
    data = pylme.datasets.load(case["dataset"])
    q = rec["quantities"]
    control = control_from_r(case["control"] or "") or pylme.LmerControl()
    start = None
    if at_r_theta:
        control = dataclasses.replace(control, optimizer=None)
        start = numbers(q["theta"]["value"])
    kwargs = {}
    if case["weights"]:
        kwargs["weights"] = np.array(q["weights"]["value"], dtype=float)
    if case["offset"]:
        kwargs["offset"] = np.array(q["offset"]["value"], dtype=float)
    if case.get("contrasts"):
        kwargs["contrasts"] = dict(case["contrasts"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pylme.lmer(case["formula"], data, REML=case["reml"], control=control, start=start,
                          data_name=case["dataset"], **kwargs)


def summary_text(model_id: str, name: str) -> str:
    """R's printed ``summary(fm, ddf =)`` less the ``Weights:``/``Offset:`` lines (pylme got
    vectors, not expressions)."""
    lines = quantity(model_id, name)["value"]
    case = load("anova_ddf")["models"][model_id]["case"]
    drop = tuple(p for p, on in (("Weights:", case["weights"]), (" Offset:", case["offset"])) if on)
    return "".join(line + "\n" for line in lines if not (drop and line.startswith(drop)))


def without_control_lines(printed: str) -> str:
    """Drop the lines a fit evaluated at fixed θ adds or changes (``Control:``, optimizer code)."""
    skip = ("Control:", "lmerControl(", "optimizer (")
    return "".join(line + "\n" for line in printed.split("\n") if line and not line.startswith(skip))


def comparison(comp_id: str):
    """pylme's version of a stored ``anova(m1, m2, ...)`` and the messages it gave.

    Returns
    -------
    (pylme.inference.anova.AnovaResult, list of str)
    """
    import re

    from pylme.errors import PylmeMessage
    from pylme.inference.anova import anova

    comp = load("anova_ddf")["comparisons"][comp_id]
    data = pylme.datasets.load(comp["data"]["name"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = {name: pylme.lmer(m["formula"], data, REML=m["reml"], data_name=comp["data"]["name"])
                for name, m in comp["models"].items()}
    args = [a.strip() for a in re.fullmatch(r"anova\((.*)\)", comp["r_expr"]).group(1).split(",")]
    names = [a for a in args if "=" not in a]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = anova(*[fits[n] for n in names], refit="refit = FALSE" not in args, model_names=names)
    return result, [str(w.message) for w in caught if issubclass(w.category, PylmeMessage)]


def permutation_spread(model_id: str) -> dict[str, np.ndarray]:
    """lme4's own reproducibility: ``{name: (rows, 1 + k)}`` over ``k`` row permutations.

    Column 0 is the stored fit, the others refits of the same model on seeded row
    permutations of its data (``pylme_perm_spread`` in the reference's helpers).  Names:
    ``theta``, ``criterion``, ``satterthwaite_df``, ``satterthwaite_p`` and, for REML fits
    of small data, ``kenward_roger_df``, ``kenward_roger_se``.
    """
    rec = quantity(model_id, "permutation_spread")
    out = {}
    for name, part in zip(rec["names"], rec["value"]):
        values = numbers(part["value"])
        out[name] = values.reshape(part["dim"]) if "dim" in part else values.reshape(1, -1)
    return out


def relative_spread(values: np.ndarray, floor: float = 0.0) -> float:
    """Largest ``(max − min) / max(|value|, floor)`` over the rows of a permutation table."""
    values = np.atleast_2d(values)
    scale = np.maximum(np.max(np.abs(values), axis=1), floor)
    return float(np.max((values.max(axis=1) - values.min(axis=1)) / scale))


#: θ̂ moving by more than this (relative, components below 1e-2 taken as 1e-2) under a row
#: permutation of the data means lme4's end point is not reproducible to the issue's
#: ddf tolerances: the end-to-end ddf checks then use lme4's own envelope.
REPRODUCIBLE_THETA = 1e-5


def lme4_reproducible(model_id: str) -> bool:
    """Whether lme4's θ̂ is stable to :data:`REPRODUCIBLE_THETA` under row permutations."""
    return relative_spread(permutation_spread(model_id)["theta"], floor=1e-2) <= REPRODUCIBLE_THETA


def envelope_violations(mine, table: np.ndarray, rtol: float) -> list[str]:
    """Values of ``mine`` outside their row's [min, max] over lme4's permutation refits,
    widened on each side by that range's own width and by ``rtol`` relative, as texts
    (empty: all inside).

    Why the width: k refits sample lme4's reach; another one (or another machine's last
    bits) falls outside their range with probability 2/(k + 1), 2/9 for 8 (measured:
    sleepstudy ``(poly(Days, 2) | Subject)``'s p-value under the Sandybridge kernel lies
    4.6e-4 relative above a range 5.7e-3 wide)."""
    mine = np.asarray(mine, dtype=float).ravel()
    table = np.atleast_2d(table)
    lo, hi = table.min(axis=1), table.max(axis=1)
    slack = rtol * np.maximum(np.abs(lo), np.abs(hi)) + (hi - lo)
    bad = (mine < lo - slack) | (mine > hi + slack)
    return [f"[{i}]: pylme {mine[i]!r} outside lme4's permutation envelope [{lo[i]!r}, {hi[i]!r}] "
            f"(rtol {rtol:g})" for i in np.flatnonzero(bad)]


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def print_difference(mine: str, theirs: str, rtol: float = 1e-6) -> str | None:
    """Where pylme's printed text differs from R's beyond the last printed digit of
    optimizer-dependent numbers (same lines, widths and tokens, numbers within ``rtol`` plus
    one unit of R's last printed digit); None when it does not."""
    if mine == theirs:
        return None
    a, b = mine.split("\n"), theirs.split("\n")
    if len(a) != len(b):
        return f"{len(a)} lines, R has {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        if len(x) != len(y) or len(x.split()) != len(y.split()):
            return f"line {i + 1}: pylme {x!r} vs R {y!r}"
        for s, t in zip(x.split(), y.split()):
            u, v = _number(s), _number(t)
            if not (s == t or (u is not None and v is not None
                               and abs(u - v) <= rtol * abs(v) + _last_digit(t) * (1 + 1e-9))):
                return f"line {i + 1}: pylme {x!r} vs R {y!r}"
    return None


def _last_digit(token: str) -> float:
    """One unit of the last printed digit of R's number `token` (``19.979`` -> 0.001): a
    value on a rounding boundary prints either way depending on its last bits, in lme4 as
    in pylme, so a flip of that digit does not depend on pylme being right or wrong."""
    mantissa, _, exponent = token.lower().lstrip("+-").partition("e")
    try:
        return 10.0 ** (-len(mantissa.partition(".")[2]) + int(exponent or 0))
    except ValueError:
        return 0.0


# ------------------------------------------------------------------ confint.json


@lru_cache(maxsize=None)
def confint_fit(model_id: str) -> pylme.LmerFit:
    """pylme's fit of a model of ``confint.json``."""
    m = load("confint")["models"][model_id]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeWarning)
        return pylme.lmer(m["formula"], pylme.datasets.load(m["data"]["name"]), REML=m["reml"])


@lru_cache(maxsize=None)
def confint_profile(model_id: str):
    """``profile()`` of :func:`confint_fit` (lme4's ``pr <- profile(fm)``)."""
    from pylme.inference.profile import profile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeWarning)
        return profile(confint_fit(model_id))


# ------------------------------------------------------------------ predict.json

#: Where pylme deliberately raises another text than lme4 1.1-31 (pylme/inference/predict.py
#: documents why): lme4's own message for the condition instead of an evaluation failure.
DEVIATIONS = {
    ("sleepstudy_slope", "re_form_unknown_group_error"):
        "grouping factors specified in re.form that were not present in original model",
}


def prediction_ids() -> list[tuple[str, str]]:
    """(model id, prediction id) of every stored prediction."""
    return [(m, p) for m, rec in sorted(load("predict")["models"].items())
            for p in sorted(rec["predictions"])]


def build_frame(rec: dict) -> pd.DataFrame:
    """A data frame exported by the generator (factors as Categoricals with R's levels)."""
    data = {}
    for col in rec["columns"]:
        values = col["values"]
        if col["type"] in ("factor", "ordered"):
            data[col["name"]] = pd.Categorical(values, categories=col["levels"],
                                               ordered=col["type"] == "ordered")
        elif col["type"] == "integer" and None not in values:
            data[col["name"]] = np.array(values, dtype=np.int64)
        elif col["type"] in ("integer", "double"):
            data[col["name"]] = numbers(values)
        elif col["type"] == "logical":
            data[col["name"]] = pd.array(values, dtype="boolean")
        else:
            data[col["name"]] = np.array(values, dtype=object)
    return pd.DataFrame(data, index=rec["rownames"])


@lru_cache(maxsize=None)
def predict_fit(model_id: str) -> pylme.LmerFit:
    """The pylme fit of a model of ``predict.json``."""
    rec = load("predict")["models"][model_id]
    data = (build_frame(rec["data"]["frame"]) if rec["data"]["frame"]
            else pylme.datasets.load(rec["dataset"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pylme.lmer(rec["formula"], data, REML=rec["reml"], **rec["pylme_lmer_args"])


def newdata(model_id: str, name: str | None) -> pd.DataFrame | None:
    """A stored ``newdata`` frame of a model of ``predict.json`` (None: no newdata)."""
    if name is None:
        return None
    return build_frame(load("predict")["models"][model_id]["newdata"][name])


def pylme_predict(model_id: str, prediction_id: str) -> np.ndarray:
    """pylme's prediction for a stored record (raises what pylme raises)."""
    args = dict(load("predict")["models"][model_id]["predictions"][prediction_id]["pylme"])
    nd = newdata(model_id, args.pop("newdata"))
    # pylme returns a Series on newdata's index; the stored R vector is compared by position
    return np.asarray(predict_fit(model_id).predict(nd, **args), dtype=float)


def relative_error(got: np.ndarray, want: np.ndarray) -> float:
    """Largest ``|got − want| / max(|want|, 1)``; NaN positions must agree (else inf)."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    if got.shape != want.shape or not np.array_equal(np.isnan(got), np.isnan(want)):
        return np.inf
    ok = ~np.isnan(want)
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1.0)))


def clear_fits() -> None:
    """Forget the cached pylme fits (and profiles): the next use fits afresh, with pylme as
    it is then."""
    for cached in (fit, confint_fit, confint_profile, predict_fit):
        cached.cache_clear()
