"""Shared helpers of the anova / ddf tests: the stored R reference and matching pylme fits.

``r_reference/inference/anova_ddf.json`` is written by ``python -m
conformance.r_inference_anova`` (lmerTest 3.1-3, pbkrtest 0.5.2, lme4 1.1-31, R 4.2.2).
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
from conformance.py_side import control_from_r
from conformance.regen import decode_value

REFERENCE = Path(__file__).resolve().parents[2] / "r_reference" / "inference" / "anova_ddf.json"


@lru_cache(maxsize=1)
def reference() -> dict:
    """The whole stored reference."""
    return json.loads(REFERENCE.read_text())


def model_ids() -> list[str]:
    """Stored models; slow-tier ones (``--tier all``) only with ``PYLME_SLOW=1``."""
    slow = bool(os.environ.get("PYLME_SLOW"))
    return sorted(m for m, rec in reference()["models"].items()
                  if slow or rec["case"].get("tier") != "slow")


def kr_model_ids() -> list[str]:
    """Models with a stored Kenward-Roger table (REML fits)."""
    return [m for m in model_ids() if quantity(m, "kenward_roger")["kind"] == "value"]


def quantity(model_id: str, name: str) -> dict:
    return reference()["models"][model_id]["quantities"][name]


def matrix(rec: dict) -> pd.DataFrame:
    """A stored R matrix as a DataFrame with its dimnames."""
    values = np.array(decode_value(rec["value"]), dtype=float).reshape(rec["dim"])
    rows, cols = rec.get("dimnames") or (None, None)
    return pd.DataFrame(values, index=rows, columns=cols)


def frame(rec: dict) -> pd.DataFrame:
    """A stored R data frame (NA as NaN); a table without rows has only its columns."""
    if rec.get("nrow") == 0 or (isinstance(rec.get("value"), list) and "columns" not in rec):
        names = rec["value"][0] if "value" in rec else rec["columns"]
        return pd.DataFrame(columns=list(names), dtype=float)
    data = {c: np.array([np.nan if v is None else v for v in decode_value(rec["value"][c])], dtype=float)
            for c in rec["columns"]}
    return pd.DataFrame(data, index=rec.get("rownames"), columns=rec["columns"])


def text(rec: dict) -> str:
    """A stored ``capture.output(print(x))`` as the text R printed."""
    return "".join(line + "\n" for line in rec["value"])


@lru_cache(maxsize=None)
def fit(model_id: str, at_r_theta: bool = False) -> pylme.LmerFit:
    """pylme's fit of a stored model; ``at_r_theta``: not optimized, evaluated at R's θ̂."""
    rec = reference()["models"][model_id]
    case = rec["case"]
    data = pylme.datasets.load(case["dataset"])
    q = rec["quantities"]
    control = control_from_r(case["control"] or "") or pylme.LmerControl()
    start = None
    if at_r_theta:
        control = dataclasses.replace(control, optimizer=None)
        start = np.array(decode_value(q["theta"]["value"]), dtype=float)
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


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def assert_same_print(mine: str, theirs: str, rtol: float = 1e-6) -> None:
    """R's printed text, up to the last printed digit of optimizer-dependent numbers: the
    same lines and tokens, numbers within ``rtol`` of each other."""
    if mine == theirs:
        return
    a, b = mine.split("\n"), theirs.split("\n")
    assert len(a) == len(b), f"{len(a)} lines, R has {len(b)}:\n{mine}\n---\n{theirs}"
    for x, y in zip(a, b):
        if x == y:
            continue
        assert len(x) == len(y) and len(x.split()) == len(y.split()), f"{x!r} vs R {y!r}"
        for s, t in zip(x.split(), y.split()):
            u, v = _number(s), _number(t)
            assert s == t or (u is not None and v is not None and abs(u - v) <= rtol * abs(v)), \
                f"{x!r} vs R {y!r}"


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
        values = np.array(decode_value(part["value"]), dtype=float)
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


def assert_within_envelope(mine, table: np.ndarray, rtol: float, what: str) -> None:
    """Every value of ``mine`` lies in its row's [min, max] over lme4's permutation refits,
    widened by ``rtol`` relative."""
    mine = np.asarray(mine, dtype=float).ravel()
    table = np.atleast_2d(table)
    lo, hi = table.min(axis=1), table.max(axis=1)
    slack = rtol * np.maximum(np.abs(lo), np.abs(hi))
    bad = (mine < lo - slack) | (mine > hi + slack)
    assert not bad.any(), (f"{what}: pylme {mine[bad]} outside lme4's permutation envelope "
                           f"[{lo[bad]}, {hi[bad]}] (rtol {rtol})")
