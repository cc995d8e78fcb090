"""R references for ``confint``/``profile``/bootstrap intervals (lme4 1.1-31).

Writes ``r_reference/inference/confint.json``::

    .venv/bin/python -m conformance.r_inference_confint            # everything (~1 min)
    .venv/bin/python -m conformance.r_inference_confint --no-boot  # skip the bootstrap

Every stored value is a record pairing it with the R expression that produced it
(the record format of ``r_reference/README.md``: ``kind``, ``r_expr``, ``value``,
``dim``/``dimnames`` ...), plus the R messages and warnings it raised.  Expressions are
evaluated in one R environment per model in which the data are bound to the dataset's
name and ``fm`` is the fit; the profile is computed once (``pr <- profile(fm)``) and
reused for the intervals and the profile frame.

Like ``python -m conformance regen`` the script re-executes itself under
``setarch -R`` (ASLR off) so that repeated runs give identical files.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.cases import dataset_source
from conformance.r_session import RSession
from conformance.r_side import value_record, r_versions
from conformance.regen import aslr_disabled, canonical_json, reexec_without_aslr, write_text

OUT = Path(__file__).resolve().parents[1] / "r_reference" / "inference" / "confint.json"
SCHEMA_VERSION = 1

#: The seed and size of the stored parametric bootstrap (HSB MathAch ~ (1 | School)).
BOOT_SEED = 101
BOOT_NSIM = 1000

# lme4's internal bootFun of confint.merMod (R/profile.R), spelled out so that one
# bootMer run serves the three interval types: sd/cor per term (Cv_to_Sv order), sigma,
# then the fixed effects, named as confint's rows.
_BOOT_FUN = """bootFun <- function(x) {
  ss <- lme4:::Cv_to_Sv(getME(x, "theta"), n = lengths(x@cnms), s = sigma(x))
  c(setNames(ss, lme4:::profnames(fm, TRUE, useSc = TRUE)), fixef(x))
}"""


@dataclass(frozen=True)
class Model:
    """One fitted model and the quantities stored for it.

    Attributes
    ----------
    id : str
        Key in the JSON file.
    dataset : str
        ``pylme.datasets`` name (bound to this name in R).
    formula : str
    reml : bool
    profile_frame : bool
        Also store ``as.data.frame(pr)`` (the whole profile; small models only).
    extra : tuple of (name, R expression)
        Further quantities (other levels, ``oldNames = FALSE`` ...).
    """

    id: str
    dataset: str
    formula: str
    reml: bool
    profile_frame: bool = False
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def r_call(self) -> str:
        return f"lmer({self.formula}, data = {self.dataset}, REML = {'TRUE' if self.reml else 'FALSE'})"


MODELS: tuple[Model, ...] = (
    Model("hsb_null_reml", "HSB", "MathAch ~ (1 | School)", True, profile_frame=True,
          extra=(("profile_level90", "confint(pr, level = 0.9)"),
                 ("wald_level90", "confint(fm, method = 'Wald', level = 0.9)"),
                 ("wald_beta", "confint(fm, parm = 'beta_', method = 'Wald')"))),
    Model("sleepstudy_slope_reml", "sleepstudy", "Reaction ~ Days + (Days | Subject)", True,
          extra=(("wald_newnames", "confint(fm, method = 'Wald', oldNames = FALSE)"),
                 ("profile_theta", "confint(fm, parm = 'theta_', oldNames = FALSE)"),
                 ("profile_days", "confint(fm, parm = 'Days')"))),
    Model("dyestuff_ml", "Dyestuff", "Yield ~ 1 + (1 | Batch)", False, profile_frame=True),
    Model("dyestuff_reml", "Dyestuff", "Yield ~ 1 + (1 | Batch)", True),
    Model("penicillin_reml", "Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", True),
    # singular fit (sigma_Batch = 0): the profile of .sig01 runs upwards only
    Model("dyestuff2_reml", "Dyestuff2", "Yield ~ 1 + (1 | Batch)", True, profile_frame=True),
)

#: Building blocks checked on fixed inputs (no model): splines, sd/cor conversions and
#: boot's interval functions, including the extreme-order-statistics case (R = 30).
PIECES: tuple[tuple[str, str], ...] = (
    ("interp_spline_coef", "coef(splines::interpSpline(1:6, c(1, 3, 4, 4.5, 7, 9)))"),
    ("back_spline_coef", "coef(splines::backSpline(splines::interpSpline(1:6, c(1, 3, 4, 4.5, 7, 9))))"),
    ("back_spline_predict",
     "predict(splines::backSpline(splines::interpSpline(1:6, c(1, 3, 4, 4.5, 7, 9))), "
     "c(0.5, 1, 2.2, 5.5, 9, 9.5))$y"),
    ("interp_spline_predict",
     "predict(splines::interpSpline(1:6, c(1, 3, 4, 4.5, 7, 9)), c(0, 1.5, 3.7, 6, 7))$y"),
    ("cv_to_sv", "lme4:::Cv_to_Sv(c(0.9667, 0.0152, 0.2309, 1.5), n = c(2, 1), s = 25.59)"),
    ("sv_to_cv", "lme4:::Sv_to_Cv(c(24.74, 0.066, 5.92, 38.4, 25.59), n = c(2, 1), s = 25.59)"),
    ("boot_x", "local({set.seed(1); round(rexp(30), 6)})"),
    ("perc_ci_30", "local({set.seed(1); boot:::perc.ci(round(rexp(30), 6), 0.95)})"),
    ("basic_ci_30", "local({set.seed(1); boot:::basic.ci(1, round(rexp(30), 6), 0.9)})"),
    ("norm_ci_30", "local({set.seed(1); boot:::norm.ci(NULL, 0.95, t0 = 1, t = round(rexp(30), 6))})"),
    ("perc_ci_999", "local({set.seed(1); boot:::perc.ci(round(rexp(999), 6), 0.95)})"),
)

#: Quantities of every model (``pr`` is bound by then).
COMMON: tuple[tuple[str, str], ...] = (
    ("wald", "confint(fm, method = 'Wald')"),
    ("profile", "confint(fm)"),
    ("profile_from_pr", "confint(pr)"),
    ("theta", "getME(fm, 'theta')"),
    ("sigma", "sigma(fm)"),
    ("fixef", "fixef(fm)"),
    ("se", "sqrt(diag(as.matrix(vcov(fm))))"),
    ("ml_deviance", "deviance(refitML(fm))"),
)


def record(session: RSession, env: Any, r_expr: str) -> dict:
    """Evaluate `r_expr` in `env` (see :func:`conformance.r_side.value_record`)."""
    return value_record(session, env, r_expr)


def bind_data(session: RSession, env: Any, dataset: str) -> dict:
    """Bind the dataset to its name in `env`; return its provenance."""
    source = dataset_source(dataset)
    r_expr = source.r_expr if source else dataset
    session.run(f"{dataset} <- {r_expr}", env)
    dims = session.get(f"dim({dataset})", env).value.values
    return {"name": dataset, "r_expr": r_expr, "nrow": dims[0], "ncol": dims[1]}


def model_record(session: RSession, model: Model) -> dict:
    """Fit `model` in R and extract its intervals and (optionally) its profile."""
    env = session.new_env()
    out: dict[str, Any] = {"data": bind_data(session, env, model.dataset),
                           "formula": model.formula, "reml": model.reml,
                           "r_call": model.r_call}
    fitted = record(session, env, f"{{fm <- {model.r_call}; NULL}}")
    out["fit"] = {k: fitted[k] for k in ("warnings", "messages", "error") if k in fitted}
    profiled = record(session, env, "{pr <- profile(fm); NULL}")
    out["profile_call"] = {"r_expr": "pr <- profile(fm)",
                           **{k: profiled[k] for k in ("warnings", "messages", "error") if k in profiled}}
    quantities = COMMON + model.extra
    if model.profile_frame:
        quantities += (("profile_frame", "as.data.frame(pr)"),)
    out["quantities"] = {name: record(session, env, expr) for name, expr in quantities}
    return out


def boot_record(session: RSession, nsim: int = BOOT_NSIM, seed: int = BOOT_SEED) -> dict:
    """lme4's parametric bootstrap intervals for HSB ``MathAch ~ (1 | School)`` (REML)."""
    model = MODELS[0]
    env = session.new_env()
    out: dict[str, Any] = {"data": bind_data(session, env, model.dataset), "r_call": model.r_call,
                           "nsim": nsim, "seed": seed, "boot_fun": _BOOT_FUN}
    session.run(f"fm <- {model.r_call}", env)
    session.run(_BOOT_FUN, env)
    boot_expr = f"bb <- bootMer(fm, bootFun, nsim = {nsim}, seed = {seed})"
    ran = record(session, env, f"{{{boot_expr}; NULL}}")
    out["boot_call"] = {"r_expr": boot_expr,
                        **{k: ran[k] for k in ("warnings", "messages", "error") if k in ran}}
    quantities = {
        "t0": "bb$t0",
        "t_mean": "colMeans(bb$t)",
        "t_sd": "apply(bb$t, 2, sd)",
        "t_quantiles": "apply(bb$t, 2, quantile, probs = c(0.025, 0.25, 0.5, 0.75, 0.975), type = 7)",
        "t_cor": "cor(bb$t)",
        "t": "unname(bb$t)",
        "n_failed": "sum(!complete.cases(bb$t))",
        "perc": "confint(bb, type = 'perc')",
        "basic": "confint(bb, type = 'basic')",
        "norm": "confint(bb, type = 'norm')",
        "perc_level90": "confint(bb, type = 'perc', level = 0.9)",
        # the same run through confint.merMod (same seed, so the same simulations)
        "confint_boot": f"confint(fm, method = 'boot', nsim = {nsim}, seed = {seed})",
    }
    out["quantities"] = {name: record(session, env, expr) for name, expr in quantities.items()}
    return out


def generate(boot: bool = True, log=print) -> dict:
    """Everything stored in ``confint.json``."""
    session = RSession()
    versions = r_versions(session)
    versions["boot"] = session.get("as.character(packageVersion('boot'))").value.values[0]
    versions["splines"] = session.get("as.character(packageVersion('splines'))").value.values[0]
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "versions": versions,
                           "generator": "python -m conformance.r_inference_confint",
                           "aslr_disabled": aslr_disabled(), "models": {}}
    for model in MODELS:
        log(f"{model.id} ...")
        out["models"][model.id] = model_record(session, model)
    env = session.new_env()
    out["pieces"] = {name: record(session, env, expr) for name, expr in PIECES}
    if boot:
        log(f"bootstrap (nsim = {BOOT_NSIM}) ...")
        out["bootstrap"] = boot_record(session)
    return out


def _reexec_without_aslr() -> None:
    reexec_without_aslr("conformance.r_inference_confint")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-boot", action="store_true", help="skip the bootstrap (keeps nothing of it)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    _reexec_without_aslr()
    data = generate(boot=not args.no_boot)
    write_text(args.out, canonical_json(data))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
