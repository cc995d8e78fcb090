"""Turn what ``instrument.R`` recorded into :class:`~conformance.bridge.capture.Capture` objects.

Runs in the capture child after the script. For each recorded fit a fresh R environment
binds ``fm`` (the script's own fitted object), ``data`` (the captured variables, their
contrasts set as the fit used them) and ``.rn`` (their original row names); the reference
record is then extracted exactly as the conformance harness extracts a registered case
(:func:`conformance.r_side._extract` with ``STRUCTURE``/``DETERMINISTIC``/``OPTIMIZER``/
``PRINT``, or :func:`conformance.r_side_glmm.fit_glmm`), so that
:func:`conformance.compare.compare_case` judges pylme's refit under the same tiers.
``structure.frame_rows`` is re-expressed as positions in the captured data (R's row names
may be those of a subset).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from conformance.bridge.capture import AnovaCapture, Capture, ScriptCapture
from conformance.bridge.rdata import contrasts, frame, plain
from conformance.cases import Case
from conformance.r_session import RError, RSession
from conformance.r_side import (DETERMINISTIC, OPTIMIZER, PRINT, SCHEMA_VERSION, STRUCTURE,
                                _SUMMARISE_R, _bind_devfun, _extract, _objective, _q, encode,
                                extract, fit_call, r_versions)

__all__ = ["extract_all"]

_ST = ".pylme_state"
_FIELDS = ("kind", "file", "line", "call_text", "formula", "data_name", "reml", "family", "nAGQ",
           "control", "weights_text", "offset_text", "subset_text", "na_action", "r_error",
           "capture_error", "unsupported", "base", "warnings", "messages", "weights", "offset",
           "newresp", "start")
_SET_CONTRASTS = """local({
  ctr <- attr(lme4::getME(fm, "X"), "contrasts")
  for (v in intersect(names(ctr), names(data)))
    if (is.factor(data[[v]])) contrasts(data[[v]]) <- ctr[[v]]
  data
})"""


def extract_all(session: RSession, script: str) -> ScriptCapture:
    """Every capture of the script run in `session`, with its reference record."""
    session.run(_SUMMARISE_R)
    session.run("suppressPackageStartupMessages(library(lme4))")
    versions = r_versions(session)
    n = session.get(f"length({_ST}$fits)").value.values[0]
    printed = _printed(session)
    captures = [_capture(session, k, versions, printed.get(k, [])) for k in range(1, n + 1)]
    return ScriptCapture(script, captures, _anovas(session),
                         plain(session.get(f"{_ST}$script_error").value), versions,
                         plain(session.get(f"{_ST}$timed_out").value))


def _field(session: RSession, k: int, name: str) -> Any:
    return plain(session.get(f"{_ST}$fits[[{k}]][[{name!r}]]").value)


def _list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _capture(session: RSession, k: int, versions: dict, printed: list) -> Capture:
    f = {name: _field(session, k, name) for name in _FIELDS}
    common = dict(index=k, kind=f["kind"], file=f["file"] or "", line=f["line"],
                  call_text=f["call_text"] or "", warnings=_list(f["warnings"]),
                  messages=_list(f["messages"]), printed=printed)
    if f["r_error"] is not None:
        return Capture(**common, r_error=f["r_error"])
    if f["unsupported"] is not None:
        return Capture(**common, unsupported=f["unsupported"])
    if f["capture_error"] is not None:
        return Capture(**common, capture_error=f["capture_error"])
    env = session.new_env()
    session.run(f"fm <- {_ST}$fits[[{k}]]$fit", env)
    if f["kind"] == "refit":
        case = Case(f"verify_{k}", "data", "", reml=True)
        reference = _refit_reference(session, env, case, versions, f)
        return Capture(**common, reference=reference, base=int(f["base"]),
                       newresp=None if f["newresp"] is None else _list(f["newresp"]))
    session.run(f"data <- {_ST}$fits[[{k}]]$data; .rn <- {_ST}$fits[[{k}]]$rownames", env)
    data = frame(session.get("data", env).value)
    try:
        ctr = contrasts(session.get('attr(lme4::getME(fm, "X"), "contrasts")', env).value, data)
    except ValueError as exc:
        return Capture(**common, unsupported=f"non-default {exc}")
    session.run(f"data <- {_SET_CONTRASTS}", env)
    case = Case(f"verify_{k}", "data", f["formula"], reml=bool(f["reml"]),
                weights=f["weights_text"], offset=f["offset_text"], control=f["control"] or "",
                family=f["family"], nAGQ=1 if f["nAGQ"] is None else int(f["nAGQ"]))
    reference = _reference(session, env, case, versions, f)
    return Capture(**common, case=case, data=data, weights=f["weights"] and _list(f["weights"]),
                   offset=f["offset"] and _list(f["offset"]), na_action=f["na_action"] or "na.omit",
                   contrasts=ctr, data_name=f["data_name"] or "", start=f["start"],
                   reference=reference)


def _reference(session: RSession, env: Any, case: Case, versions: dict, f: dict) -> dict:
    """The record ``r_side.fit_case`` would make, but of the script's own fitted object."""
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "case": case.to_dict(),
                              "versions": versions,
                              "data": {"name": "data", "r_expr": None, "from_frame": True},
                              "r_call": fit_call(case),
                              "devfun_call": fit_call(case, devfun_only=True),
                              "fit": {"warnings": _list(f["warnings"]),
                                      "messages": _list(f["messages"])}}
    if case.is_glmm:
        from conformance.r_side_glmm import fit_glmm

        fit_glmm(session, env, case, record)
    else:
        _bind_devfun(session, env, record)
        record["structure"] = _extract(session, env, STRUCTURE)
        record["deterministic"] = _extract(session, env, DETERMINISTIC)
        record["optimizer"] = _extract(session, env, (_objective(case),) + OPTIMIZER)
        record["print"] = _extract(session, env, PRINT)
    record["structure"]["frame_rows"] = extract(
        session, env, _q("frame_rows", "match(rownames(model.frame(fm)), .rn)"))
    if f["subset_text"] is not None:
        _without_subset_line(record)
    return record


def _without_subset_line(record: dict) -> None:
    """pylme fits the captured rows of a ``subset =`` and has no subset argument, so its
    summary cannot print lme4's `` Subset: <expr>`` header line: that one line is left out of
    R's printed text (every number of the fit is still compared)."""
    for name in ("summary", "print"):
        rec = record.get("print", {}).get(name)
        if isinstance(rec, dict) and isinstance(rec.get("value"), list):
            rec["value"] = [line for line in rec["value"]
                            if not str(line).startswith(" Subset: ")]


def _refit_reference(session: RSession, env: Any, case: Case, versions: dict, f: dict) -> dict:
    """A refit's record: its structure, optimizer and printed groups (no deviance function
    of the new response is rebuilt in R)."""
    glmm = session.get("lme4::isGLMM(fm)", env).value.values[0]
    reml = bool(session.get("lme4::isREML(fm)", env).value.values[0])
    record = {"schema_version": SCHEMA_VERSION, "case": case.to_dict(), "versions": versions,
              "fit": {"warnings": _list(f["warnings"]), "messages": _list(f["messages"])}}
    objective = _q("objective", "-2 * as.numeric(logLik(fm))", scalar=True) if glmm else \
        _objective(Case(case.id, "data", "", reml=reml))
    record["structure"] = _extract(session, env, tuple(q for q in STRUCTURE
                                                       if q.name != "frame_rows"))
    record["optimizer"] = _extract(session, env, (objective,) + OPTIMIZER)
    record["print"] = _extract(session, env, PRINT)
    return record


def _anovas(session: RSession) -> list[AnovaCapture]:
    out = []
    n = session.get(f"length({_ST}$anovas)").value.values[0]
    for k in range(1, n + 1):
        base = f"{_ST}$anovas[[{k}]]"
        try:
            models = _list(plain(session.get(f"{base}$models").value))
            table = {"kind": "value", "r_expr": "as.data.frame(anova(...))",
                     **encode(session.get(f"{base}$table").value)}
            text = {"kind": "value", "r_expr": "capture.output(print(anova(...)))",
                    **encode(session.get(f"{base}$print").value)}
            out.append(AnovaCapture(models, table, text,
                                    bool(plain(session.get(f"{base}$refit").value)),
                                    _list(plain(session.get(f"{base}$names").value)),
                                    bool(plain(session.get(f"{base}$with_lm").value)),
                                    plain(session.get(f"{base}$file").value) or "",
                                    plain(session.get(f"{base}$line").value),
                                    _lm_inputs(session, base, len(models))))
        except RError as err:  # an anova the harness cannot read is shown, not hidden
            out.append(AnovaCapture([], {"kind": "error", "error": err.message}, {}, True, [],
                                    False, "", None))
    return out


def _lm_inputs(session: RSession, base: str, n: int) -> list:
    """The lm/glm inputs of an anova's models (None for its mixed models), numbers as
    numpy arrays: ``X`` (rows by columns), ``y``, ``weights``, ``offset``."""
    out = []
    for j in range(1, n + 1):
        item = plain(session.get(f"{base}$lms[[{j}]]").value)
        if isinstance(item, dict) and "error" not in item:
            item["X"] = np.asarray(item["X"], dtype=float).reshape(len(_list(item["y"])), -1)
            item["columns"] = _list(item.get("columns"))
            for name in ("y", "weights", "offset"):
                if item.get(name) is not None:
                    item[name] = np.asarray(_list(item[name]), dtype=float)
        out.append(item)
    return out


def _printed(session: RSession) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    n = session.get(f"length({_ST}$prints)").value.values[0]
    for k in range(1, n + 1):
        item = plain(session.get(f"{_ST}$prints[[{k}]]").value)
        if item.get("model") is not None:
            out.setdefault(int(item["model"]), []).append(f"{item['what']} (line {item['line']})")
    return out
