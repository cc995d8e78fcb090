"""Loading the R ground truth written by tests/data/printing/make_expected.R.

jsonlite writes length-one vectors as scalars (``auto_unbox``) and every
double as its ``%.17g`` text; these helpers undo both.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from pylme.printing import (CallInfo, Criteria, FixedEffectsTable, MerModInputs, OptimizerInfo,
                            RanefGroup, VarCorrInputs, VarCorrTerm)
from pylme.printing.rformat import parse_r_double

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "printing"


def vec(x) -> list:
    """An R vector from JSON: scalars (auto-unboxed length-1) become lists,
    named lists (JSON objects) their values."""
    if x is None:
        return []
    if isinstance(x, dict):
        return list(x.values())
    return x if isinstance(x, list) else [x]


def dbl(x) -> list[float]:
    return [parse_r_double(v) for v in vec(x)]


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


def model_files() -> list[str]:
    return sorted(p.name for p in DATA_DIR.glob("model_*.json"))


def anova_files() -> list[str]:
    return sorted(p.name for p in DATA_DIR.glob("anova_*.json"))


def _opt_lines(x):
    return None if x is None else tuple(vec(x))


def merMod_inputs(rec: dict) -> MerModInputs:
    """Fill the printing dataclasses from one model record, the way the
    fitting code is expected to (from getME/VarCorr/vcov values)."""
    call = rec["call"]
    aic = rec["aictab"]
    if rec["reml"]:
        criteria = Criteria(reml=True, reml_criterion=parse_r_double(aic["REML"]))
    else:
        criteria = Criteria(reml=False, aic=parse_r_double(aic["AIC"]),
                            bic=parse_r_double(aic["BIC"]), loglik=parse_r_double(aic["logLik"]),
                            deviance=parse_r_double(aic["deviance"]),
                            df_resid=parse_r_double(aic["df.resid"]))
    terms = []
    for t in rec["varcorr"]:
        sd = dbl(t["stddev"])
        k = len(sd)
        corr = np.array(dbl(t["correlation"])).reshape(k, k, order="F")
        terms.append(VarCorrTerm(t["group"], tuple(vec(t["names"])), sd, corr))
    names = tuple(vec(rec["fixef_names"]))
    p = len(names)
    corr = None
    if rec.get("fixef_correlation") is not None:
        corr = np.array(dbl(rec["fixef_correlation"])).reshape(p, p, order="F")
    fixef = FixedEffectsTable(names, dbl(rec["fixef"]), dbl(rec["std_error"]), corr)
    opt = OptimizerInfo(rec["optimizer"], int(rec["conv_opt"]), rec.get("conv_message"),
                        tuple(vec(rec["lme4_messages"])), tuple(vec(rec["optimizer_warnings"])))
    ngrps = tuple(zip(vec(rec["ngrps_names"]), [rec["ngrps"][n] for n in vec(rec["ngrps_names"])]))
    return MerModInputs(
        call=CallInfo(tuple(vec(call["formula"])), _opt_lines(call.get("data")),
                      _opt_lines(call.get("weights")), _opt_lines(call.get("offset")),
                      _opt_lines(call.get("control")), _opt_lines(call.get("subset"))),
        criteria=criteria,
        varcorr=VarCorrInputs(tuple(terms), parse_r_double(rec["sigma"]) if rec["use_scale"] else None),
        nobs=int(rec["nobs"]), ngrps=ngrps, fixef=fixef, optinfo=opt,
        scaled_residuals=dbl(rec["scaled_residuals"]),
        fit_messages=tuple(vec(rec["fit_msgs"])))


def ranef_groups(rec: dict) -> list[RanefGroup]:
    out = []
    for g in rec["ranef"]:
        cols = vec(g["columns"])
        values = np.column_stack([dbl(g["values"][c]) for c in cols])
        out.append(RanefGroup(g["group"], tuple(cols), tuple(vec(g["levels"])), values,
                              bool(g["has_postvar"])))
    return out
