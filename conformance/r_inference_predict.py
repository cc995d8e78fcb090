"""R references for ``predict`` on new data (lme4 1.1-31 ``predict.merMod``).

Writes ``r_reference/inference/predict.json``::

    .venv/bin/python -m conformance.r_inference_predict     # about 10 s

For each model: the lmer call, the data frames given as ``newdata`` (exported column
by column, factor levels included, so that the tests rebuild exactly the same frames),
and predictions with ``re.form = NULL``, ``NA``/``~0``, subsets of the random-effects
terms, new levels with ``allow.new.levels = TRUE``, NA handling — and the error texts
lme4 gives for new levels, NA grouping values and unusable ``re.form``.  Every value is
a record pairing it with the R expression that produced it (``kind``, ``r_expr``,
``value`` or ``error``), plus the arguments of the equivalent pylme call
(``pylme``: ``newdata``, ``re_form``, ``allow_new_levels``, ``na_action``).

``simulate()`` is not stored here: pylme's random numbers are not R's, so its tests
compare moments with theory instead.

Like ``python -m conformance regen`` the script re-executes itself under
``setarch -R`` (ASLR off) so that repeated runs give identical files.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.cases import dataset_source
from conformance.r_session import RError, RSession
from conformance.r_side import encode, r_versions
from conformance.regen import aslr_disabled, canonical_json, reexec_without_aslr, write_text

OUT = Path(__file__).resolve().parents[1] / "r_reference" / "inference" / "predict.json"
SCHEMA_VERSION = 1

#: Exports a data frame column by column (factors as labels + levels).
EXPORT_HELPER = """pylme_export <- function(x) list(
  names = names(x), rownames = rownames(x),
  columns = lapply(x, function(v) if (is.factor(v))
    list(type = if (is.ordered(v)) "ordered" else "factor", levels = levels(v), values = as.character(v))
  else list(type = typeof(v), values = v)))"""


@dataclass(frozen=True)
class Prediction:
    """One ``predict()`` call: its R arguments and the pylme equivalents.

    Attributes
    ----------
    id : str
    newdata : str or None
        Name of a newdata frame of the model (None: the fitted data).
    re_form : str or None
        R text of ``re.form`` (None: not given, i.e. NULL); pylme gets the same text
        (``"NA"`` and ``"~0"`` included).
    allow_new_levels : bool
    na_action : str or None
        ``"omit"``, ``"exclude"``, ``"pass"`` (R ``na.omit`` ...), None: not given.
    """

    id: str
    newdata: str | None = None
    re_form: str | None = None
    allow_new_levels: bool = False
    na_action: str | None = None

    def r_expr(self) -> str:
        args = ["fm"]
        if self.newdata is not None:
            args.append(f"newdata = {self.newdata}")
        if self.re_form is not None:
            args.append(f"re.form = {self.re_form}")
        if self.allow_new_levels:
            args.append("allow.new.levels = TRUE")
        if self.na_action is not None:
            args.append(f"na.action = na.{self.na_action}")
        return f"{{p <- predict({', '.join(args)}); names(p) <- NULL; p}}"

    def pylme(self) -> dict:
        return {"newdata": self.newdata, "re_form": self.re_form,
                "allow_new_levels": self.allow_new_levels, "na_action": self.na_action}


@dataclass(frozen=True)
class Model:
    """A fitted model with its newdata frames and predictions.

    Attributes
    ----------
    id : str
    dataset : str
        Shipped dataset (``pylme.datasets.load``); bound to ``data_r`` in R.
    formula, reml :
        The lmer call.
    data_r : str
        R expression of the fitted data (the dataset, possibly modified); exported
        when it is not the dataset itself.
    lmer_args : tuple of (str, str, object)
        Extra lmer arguments: (R name, R text, pylme keyword value).
    newdata : tuple of (str, str)
        (name, R expression) of each newdata frame.
    predictions : tuple of Prediction
    """

    id: str
    dataset: str
    formula: str
    reml: bool
    newdata: tuple
    predictions: tuple
    data_r: str = ""
    lmer_args: tuple = field(default=())

    def r_call(self) -> str:
        extra = "".join(f", {name} = {text}" for name, text, _ in self.lmer_args)
        return f"lmer({self.formula}, data = dat, REML = {'TRUE' if self.reml else 'FALSE'}{extra})"


_P = Prediction
_SLEEP_ND = ('data.frame(Days = c(0, 2.5, 7, 10, 1), '
             'Subject = factor(c("308", "309", "330", "372", "308"), levels = levels(sleepstudy$Subject)))')
_STANDARD = (_P("all", "nd"), _P("none_na", "nd", "NA"), _P("none_zero", "nd", "~0"))

MODELS: tuple[Model, ...] = (
    Model("sleepstudy_slope", "sleepstudy", "Reaction ~ Days + (Days | Subject)", True,
          newdata=(("nd", _SLEEP_ND),
                   ("nd_new", 'data.frame(Days = c(1, 3, 5), Subject = c("308", "999", "1000"))'),
                   ("nd_num", "data.frame(Days = 0:2, Subject = c(308, 309, 999))"),
                   ("nd_na_group", 'data.frame(Days = c(1, 2), Subject = factor(c("308", NA)))'),
                   ("nd_all_na", "data.frame(Days = c(1, 2), Subject = factor(c(NA, NA)))"),
                   ("nd_na_days", 'data.frame(Days = c(1, NA, 3), Subject = c("308", "309", "310"))'),
                   ("nd_many_new", "data.frame(Days = 1, Subject = as.character(1001:1020))")),
          predictions=_STANDARD + (
              _P("intercept_only", "nd", "~(1 | Subject)"),
              _P("slope_only", "nd", "~(0 + Days | Subject)"),
              _P("full_formula", "nd", "~(Days | Subject)"),
              _P("fitted_rows_none", None, "NA"),
              _P("fitted_rows_intercept", None, "~(1 | Subject)"),
              _P("fitted", None),
              _P("new_levels_allowed", "nd_new", allow_new_levels=True),
              _P("new_levels_error", "nd_new"),
              _P("numeric_group", "nd_num", allow_new_levels=True),
              _P("many_new_levels_error", "nd_many_new"),
              _P("na_group_error", "nd_na_group"),
              _P("na_group_allowed", "nd_na_group", allow_new_levels=True),
              _P("all_na_group_allowed", "nd_all_na", allow_new_levels=True),
              _P("all_na_group_error", "nd_all_na"),
              _P("na_days_pass", "nd_na_days"),
              _P("na_days_omit", "nd_na_days", na_action="omit"),
              _P("na_days_exclude", "nd_na_days", na_action="exclude"),
              _P("re_form_no_bars_error", "nd", "~1"),
              _P("re_form_unknown_group_error", "nd", "~(1 | foo)"),
          )),
    Model("penicillin", "Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", True,
          newdata=(("nd", 'data.frame(plate = c("a", "b", "x", "q"), sample = c("A", "F", "C", "C"))'),
                   ("nd_new", 'data.frame(plate = c("a", "zz", "zz"), sample = c("G", "B", "H"))')),
          predictions=_STANDARD + (
              _P("plate_only", "nd", "~(1 | plate)"),
              _P("sample_only", "nd", "~(1 | sample)"),
              _P("new_levels_allowed", "nd_new", allow_new_levels=True),
              _P("new_levels_plate_only", "nd_new", "~(1 | plate)", allow_new_levels=True),
              _P("new_levels_error", "nd_new"),
          )),
    Model("pastes_nested", "Pastes", "strength ~ 1 + (1 | batch/cask)", True,
          newdata=(("nd", 'data.frame(batch = c("A", "A", "E", "J"), cask = c("a", "c", "b", "a"))'),
                   ("nd_new", 'data.frame(batch = c("A", "K", "B"), cask = c("d", "a", "b"))')),
          predictions=_STANDARD + (
              _P("batch_only", "nd", "~(1 | batch)"),
              _P("cask_batch_only", "nd", "~(1 | cask:batch)"),
              _P("nested_formula", "nd", "~(1 | batch/cask)"),
              _P("new_levels_allowed", "nd_new", allow_new_levels=True),
              _P("new_levels_error", "nd_new"),
          )),
    Model("cake_ordered", "cake", "angle ~ recipe * temperature + (1 | recipe:replicate)", False,
          newdata=(("nd", "cake[c(1, 20, 77, 150, 199, 270), c('recipe', 'temperature', 'replicate')]"),
                   ("nd_new", "transform(cake[c(3, 100, 200), c('recipe', 'temperature')], "
                              "replicate = factor(c('1', '99', '2')))")),
          predictions=_STANDARD + (
              _P("new_levels_allowed", "nd_new", allow_new_levels=True),
              _P("new_levels_error", "nd_new"),
          )),
    Model("sleepstudy_offset_term", "sleepstudy",
          "Reaction ~ Days + offset(log(Days + 1)) + (Days | Subject)", True,
          newdata=(("nd", _SLEEP_ND),),
          predictions=_STANDARD + (_P("fitted_rows_none", None, "NA"),)),
    Model("sleepstudy_offset_argument", "sleepstudy", "Reaction ~ Days + (1 | Subject)", True,
          lmer_args=(("offset", "2 * Days", "offset2"),),
          data_r="transform(sleepstudy, offset2 = 2 * Days)",
          newdata=(("nd", _SLEEP_ND),),
          predictions=_STANDARD + (_P("fitted_rows_none", None, "NA"),)),
    Model("sleepstudy_poly_scale", "sleepstudy", "Reaction ~ poly(Days, 2) + (scale(Days) | Subject)", True,
          newdata=(("nd", 'data.frame(Days = c(-1, 0, 4.5, 9, 12), '
                          'Subject = c("308", "335", "352", "372", "308"))'),),
          predictions=_STANDARD + (_P("intercept_only", "nd", "~(1 | Subject)"),)),
    Model("sleepstudy_exclude", "sleepstudy", "Reaction ~ Days + (Days | Subject)", True,
          data_r="within(sleepstudy, Reaction[c(3, 50)] <- NA)",
          lmer_args=(("na.action", "na.exclude", "exclude"),),
          newdata=(("nd", _SLEEP_ND),),
          predictions=(_P("fitted", None), _P("fitted_rows_none", None, "NA"), _P("all", "nd"),
                       _P("fitted_omit", None, na_action="omit"))),
)

#: pylme keyword of each extra lmer argument (R name -> pylme name).
PYLME_ARG = {"offset": "offset", "na.action": "na_action", "weights": "weights"}


def record(session: RSession, env: Any, r_expr: str) -> dict:
    """Evaluate `r_expr` in `env`: its value record, with R's messages and warnings."""
    try:
        captured = session.get(r_expr, env)
    except RError as err:
        return {"kind": "error", "r_expr": r_expr, "error": err.message}
    out = {"kind": "value", "r_expr": r_expr, **encode(captured.value)}
    if captured.warnings:
        out["warnings"] = list(captured.warnings)
    return out


def export_frame(session: RSession, env: Any, r_expr: str) -> dict:
    """A data frame as plain JSON: names, row names and typed columns."""
    value = session.get(f"pylme_export({r_expr})", env).value
    parts = dict(zip(value.attr_values("names"), value.values))
    columns = []
    for name, col in zip(parts["names"].values, parts["columns"].values):
        spec = dict(zip(col.attr_values("names"), col.values))
        entry = {"name": name, "type": spec["type"].values[0], "values": list(spec["values"].values)}
        if "levels" in spec:
            entry["levels"] = list(spec["levels"].values)
        columns.append(entry)
    return {"r_expr": r_expr, "rownames": list(parts["rownames"].values), "columns": columns}


def model_record(session: RSession, model: Model) -> dict:
    """Fit `model` in R; export its newdata; run its predictions."""
    env = session.new_env()
    source = dataset_source(model.dataset)
    session.run(EXPORT_HELPER, env)
    session.run(f"{model.dataset} <- {source.r_expr if source else model.dataset}", env)
    data_r = model.data_r or model.dataset
    session.run(f"dat <- {data_r}", env)
    out: dict[str, Any] = {
        "dataset": model.dataset, "formula": model.formula, "reml": model.reml,
        "data": {"r_expr": data_r, "frame": export_frame(session, env, "dat") if model.data_r else None},
        "r_call": f"fm <- {model.r_call()}",
        "pylme_lmer_args": {PYLME_ARG[name]: value for name, _, value in model.lmer_args},
    }
    fitted = record(session, env, f"{{fm <- {model.r_call()}; NULL}}")
    if fitted["kind"] == "error":  # pragma: no cover - the models are known to fit
        raise RuntimeError(f"{model.id}: {fitted['error']}")
    out["theta"] = record(session, env, "unname(getME(fm, 'theta'))")
    out["newdata"] = {}
    for name, expr in model.newdata:
        session.run(f"{name} <- {expr}", env)
        out["newdata"][name] = export_frame(session, env, name)
    out["predictions"] = {p.id: {**record(session, env, p.r_expr()), "pylme": p.pylme()}
                          for p in model.predictions}
    return out


def generate(log=print) -> dict:
    """Everything stored in ``predict.json``."""
    session = RSession()
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "versions": r_versions(session),
                           "generator": "python -m conformance.r_inference_predict",
                           "aslr_disabled": aslr_disabled(), "helpers": {"pylme_export": EXPORT_HELPER},
                           "models": {}}
    for model in MODELS:
        log(f"{model.id} ...")
        out["models"][model.id] = model_record(session, model)
    return out


def _reexec_without_aslr() -> None:
    reexec_without_aslr("conformance.r_inference_predict")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    _reexec_without_aslr()
    write_text(args.out, canonical_json(generate()))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
