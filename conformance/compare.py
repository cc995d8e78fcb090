"""Compare pylme with an lme4 reference, quantity by quantity, under the tolerance tiers.

Public, stable API (also used by ``conformance/strategies.py`` for generated designs):

* :class:`QuantityResult` -- one compared quantity;
* :func:`compare_case(case_id, reference, fit_result)` -- every quantity of a case;
* :func:`fit_and_compare(case, reference, frame=None)` -- fit with pylme, then compare;
* :func:`compare_references(case_id, stored, live)` -- toolchain drift (R against R).

A *reference* is a case-file dict (``conformance.regen.load_reference``) or the
same dict produced live by ``conformance.r_side.fit_case``. Values are aligned
by name wherever R gives names (θ names, β column names, factor levels,
term components, data-frame columns), by position only where R has none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from conformance import py_side
from conformance.cases import Case
from conformance.regen import decode_value
from conformance.tiers import Check, check_for, drift_check_for, is_close

__all__ = ["QuantityResult", "compare_case", "fit_and_compare", "compare_references",
           "compare_record", "PLOTTED"]

_GROUPS = ("structure", "deterministic", "optimizer", "print", "extras")
#: Quantities whose (R, pylme) value pairs are kept for the report's scatter plots.
PLOTTED = ("optimizer.theta", "optimizer.objective")
_POLY_COLUMN = re.compile(r"(\.[LQC]$|\^\d+$|\.[LQC]:|\^\d+:|poly\()")
_CHECKSUM_RTOL = 1e-12  # R's sum() accumulates in long double, numpy pairwise in double
_SHOWN = 3  # mismatching entries quoted in a failure's detail


@dataclass(frozen=True)
class QuantityResult:
    """The comparison of one quantity of one case.

    Attributes
    ----------
    case_id : str
    quantity : str
        ``"group.name"`` as in the reference (``"optimizer.theta"``, ``"print.summary"``,
        ``"fit.messages"``).
    tier : str
        Name of the :class:`~conformance.tiers.Tier` it was checked under.
    max_abs_err, max_rel_err : float
        Largest ``|pylme - R|`` and ``|pylme - R| / |R|`` (over entries with R ≠ 0);
        for text, the number of differing lines / entries; NaN when not numeric.
    passed : bool
    detail : str
        What differed (names and both values), or a note.
    flagged : bool
        Passed, but worth a look (pylme's objective better than lme4's, feval
        differing under a non-default optimizer, a pylme-only condition).
    skipped : bool
        Not compared (pylme lacks the quantity, or R failed to compute it).
    points : tuple of (float, float)
        (R, pylme) pairs of the quantities in :data:`PLOTTED`.
    """

    case_id: str
    quantity: str
    tier: str
    max_abs_err: float
    max_rel_err: float
    passed: bool
    detail: str = ""
    flagged: bool = False
    skipped: bool = False
    points: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class _Entry:
    series: str
    key: str
    value: Any
    column: str = ""


# ---------------------------------------------------------------- flattening


def _flatten(record: Any, prefix: str = "") -> list[_Entry]:
    """Entries keyed by names (or positions) of an R-shaped record or bare value."""
    if isinstance(record, Mapping) and "columns" in record:
        return _flatten_frame(record, prefix)
    if isinstance(record, Mapping) and "dim" in record:
        return _flatten_array(record, prefix)
    value = record.get("value") if isinstance(record, Mapping) else record
    names = record.get("names") if isinstance(record, Mapping) else None
    if value is None or np.isscalar(value):
        return [_Entry(prefix, prefix or "value", value)]
    items = list(value.tolist() if isinstance(value, np.ndarray) else value)
    keys = _unique(names) if names else [f"[{i}]" for i in range(len(items))]
    if items and all(isinstance(v, (Mapping, list, tuple, np.ndarray)) for v in items):
        return [e for k, v in zip(keys, items) for e in _flatten(v, f"{prefix}{k}/")]
    return [_Entry(prefix, f"{prefix}{k}", v) for k, v in zip(keys, items)]


def _unique(names: list) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in map(str, names):
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def _flatten_frame(record: Mapping, prefix: str) -> list[_Entry]:
    out = []
    for column in record["columns"]:
        values = list(record["value"][column])
        rows = record.get("rownames") or [f"[{i}]" for i in range(len(values))]
        out += [_Entry(f"{prefix}{column}", f"{prefix}{r}/{column}", v, column)
                for r, v in zip(_unique(rows), values)]
    return out


def _flatten_array(record: Mapping, prefix: str) -> list[_Entry]:
    arr = np.array(record["value"], dtype=object).reshape(record["dim"])
    dimnames = record.get("dimnames") or [None] * arr.ndim
    labels = [_unique(d) if d else [f"[{i}]" for i in range(n)]
              for d, n in zip(dimnames, arr.shape)]
    out = []
    for index in np.ndindex(*arr.shape):
        key = ",".join(labels[d][i] for d, i in enumerate(index))
        column = labels[-1][index[-1]] if arr.ndim == 2 else ""
        out.append(_Entry(prefix, f"{prefix}{key}", arr[index], column))
    return out


# ---------------------------------------------------------------- scalar comparison


def _number(value: Any) -> float | None:
    """A float for numbers, R's NA (None) as NaN, encoded non-finite strings; else None."""
    if value is None:
        return math.nan
    if isinstance(value, (bool, np.bool_, str)):
        decoded = decode_value(value) if isinstance(value, str) else value
        return decoded if isinstance(decoded, float) else None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return None


@dataclass
class _Tally:
    max_abs: float = 0.0
    max_rel: float = 0.0
    numeric: bool = False
    bad: list = None

    def __post_init__(self):
        self.bad = []


def _compare_entries(ref: list[_Entry], py: list[_Entry], check: Check) -> _Tally:
    tally = _Tally()
    py_by_key = {e.key: e for e in py}
    scales = _scales(ref)
    for entry in ref:
        other = py_by_key.get(entry.key)
        if other is None:
            tally.bad.append(f"{entry.key or 'value'}: missing in pylme")
            continue
        r, p = _number(entry.value), _number(other.value)
        if r is None or p is None or isinstance(entry.value, (bool, np.bool_)) or isinstance(
                other.value, (bool, np.bool_)):
            if entry.value != other.value:
                tally.bad.append(f"{entry.key}: R {entry.value!r} pylme {other.value!r}")
            continue
        _compare_number(entry, r, p, check, scales[entry.series], tally)
    extra = [e.key for e in py if e.key not in {x.key for x in ref}]
    if extra:
        tally.bad.append(f"only in pylme: {', '.join(extra[:_SHOWN])}")
    return tally


def _scales(entries: list[_Entry]) -> dict[str, float]:
    scales: dict[str, float] = {}
    for e in entries:
        v = _number(e.value)
        if v is not None and math.isfinite(v):
            scales[e.series] = max(scales.get(e.series, 0.0), abs(v))
        else:
            scales.setdefault(e.series, 0.0)
    return scales


def _compare_number(entry: _Entry, r: float, p: float, check: Check, scale: float,
                    tally: _Tally) -> None:
    tally.numeric = True
    tolerance = check.tolerance
    if check.poly_atol and _POLY_COLUMN.search(entry.column):
        tolerance = type(tolerance)(tolerance.rtol, max(tolerance.atol, check.poly_atol),
                                    tolerance.floor)
    if math.isfinite(r) and math.isfinite(p):
        diff = abs(p - r)
        tally.max_abs = max(tally.max_abs, diff)
        if r != 0:
            tally.max_rel = max(tally.max_rel, diff / abs(r))
    if not is_close(p, r, tolerance, scale):
        allowed = tolerance.allowed(r, scale) if math.isfinite(r) else 0.0
        tally.bad.append(f"{entry.key}: R {r!r} pylme {p!r} (|diff| {abs(p - r):.3g}, "
                         f"allowed {allowed:.3g})")


# ---------------------------------------------------------------- checksums


def _summarise_like(ref: Mapping, py: Any) -> tuple[dict, dict] | None:
    """R's checksum record and pylme's full value summarised the same way, as flat dicts."""
    value = py.get("value") if isinstance(py, Mapping) else py
    if value is None:
        return None
    if "checksum" in ref:  # a long vector (r_side .pylme_summarise)
        x = np.asarray(value, dtype=float).ravel()
        ours = {"length": x.size, "head": x[:20].tolist(), "sum": x.sum(),
                "sum_sq": (x * x).sum(), "min": x.min(), "max": x.max()}
        theirs = {"length": ref["length"], "head": ref["head"], **ref["checksum"]}
        return theirs, ours
    names = ref.get("names") or []
    theirs = dict(zip(names, ref["value"]))
    if names[:1] == ["dim"]:  # X
        X = np.asarray(value, dtype=float)
        ours = {"dim": list(X.shape), "col_sums": X.sum(axis=0).tolist(),
                "col_sums_sq": (X * X).sum(axis=0).tolist()}
    else:  # Zt triplets
        i, j, x = (np.asarray(v, dtype=float) for v in value)
        ours = {"nnz": [x.size], "sum": [x.sum()], "sum_sq": [(x * x).sum()],
                "row_sums": np.bincount(i.astype(int), weights=x,
                                        minlength=len(theirs["row_sums"])).tolist(),
                "row_index_sum": [(i * x).sum()], "col_index_sum": [(j * x).sum()]}
    return theirs, ours


def _compare_checksum(ref: Mapping, py: Any, check: Check) -> _Tally:
    """Checksums: counts exact, sums to ``max(rtol, 1e-12)`` of their magnitude bound."""
    pair = _summarise_like(ref, py)
    if pair is None:
        tally = _Tally()
        tally.bad.append("pylme has no value")
        return tally
    theirs, ours = pair
    tol = check.tolerance
    loose = Check(check.tier, type(tol)(max(tol.rtol, _CHECKSUM_RTOL), tol.atol, 1.0),
                  poly_atol=check.poly_atol)
    ref_entries = [_Entry(k, f"{k}{e.key}", e.value) for k in theirs
                   for e in _flatten(decode_value(theirs[k]) if isinstance(theirs[k], list)
                                     else theirs[k])]
    py_entries = [_Entry(k, f"{k}{e.key}", e.value) for k in ours for e in _flatten(ours[k])]
    return _compare_entries(ref_entries, py_entries, loose)


# ---------------------------------------------------------------- one record


def compare_record(case_id: str, quantity: str, ref: Any, py: Any, check: Check,
                   context: Mapping | None = None) -> QuantityResult:
    """Compare one reference record with pylme's record under `check`.

    Parameters
    ----------
    case_id, quantity : str
    ref, py : record or None
        R's record (kind ``value``/``checksum``/``error``) and pylme's.
    check : Check
    context : dict, optional
        ``{"optimizer": R's optimizer name}`` for the ``count`` method.
    """
    def result(abs_err=math.nan, rel_err=math.nan, passed=True, detail="", **kw):
        return QuantityResult(case_id, quantity, check.tier.name, abs_err, rel_err, passed,
                              detail, **kw)

    if check.method == "skip":
        return result(detail=f"not compared: {check.reason}", skipped=True)
    if isinstance(ref, Mapping) and ref.get("kind") == "error":
        return result(detail=f"not compared: R failed: {ref.get('error')}", skipped=True)
    if ref is None:
        return result(passed=False, detail="missing in the reference")
    if py is None:
        return result(passed=False, detail="pylme did not produce this quantity")
    method = {"objective": _objective, "lines": _lines, "count": _count}.get(check.method)
    if method is not None:
        return method(result, ref, py, check, context or {})
    tally = (_compare_checksum(ref, py, check) if ref.get("kind") == "checksum"
             else _compare_entries(_flatten(ref), _flatten(py), check))
    detail = "; ".join(tally.bad[:_SHOWN]) + (f" (+{len(tally.bad) - _SHOWN} more)"
                                              if len(tally.bad) > _SHOWN else "")
    if check.reason and not tally.bad:
        detail = f"tolerance: {check.reason}"
    points = _points(quantity, ref, py)
    if tally.numeric:
        return result(tally.max_abs, tally.max_rel, not tally.bad, detail, points=points)
    return result(float(len(tally.bad)), math.nan, not tally.bad, detail)


def _points(quantity: str, ref: Any, py: Any) -> tuple[tuple[float, float], ...]:
    if quantity not in PLOTTED:
        return ()
    theirs = {e.key: _number(e.value) for e in _flatten(ref)}
    return tuple((theirs[e.key], _number(e.value)) for e in _flatten(py)
                 if e.key in theirs and _number(e.value) is not None)


def _objective(result, ref, py, check: Check, context) -> QuantityResult:
    """One-sided: pylme <= R + atol passes; pylme < R - rtol*|R| is flagged, not failed."""
    r, p = _number(ref.get("value")), _number(py.get("value"))
    if r is None or p is None or math.isnan(r) or math.isnan(p):
        return result(passed=r is not None and p is not None and math.isnan(r) and math.isnan(p),
                      detail=f"R {r!r} pylme {p!r}")
    diff = p - r
    rel = abs(diff) / abs(r) if r else math.nan
    passed = diff <= check.tolerance.atol
    flagged = -diff > check.tolerance.rtol * abs(r)
    detail = ("" if passed else f"pylme worse than lme4: R {r!r} pylme {p!r} (+{diff:.3g})")
    if flagged:
        detail = f"pylme better than lme4 by {-diff:.3g} ({rel:.2g} relative): R {r!r} pylme {p!r}"
    return result(abs(diff), rel, passed, detail, flagged=flagged, points=((r, p),))


def _lines(result, ref, py, check: Check, context) -> QuantityResult:
    theirs, ours = list(ref.get("value") or []), list(py.get("value") or [])
    bad = [i for i in range(max(len(theirs), len(ours)))
           if i >= len(theirs) or i >= len(ours) or theirs[i] != ours[i]]
    if not bad:
        return result(0.0, math.nan)
    i = bad[0]
    line = lambda xs: repr(xs[i]) if i < len(xs) else "<no line>"  # noqa: E731
    detail = (f"{len(bad)} line(s) differ ({len(theirs)} in R, {len(ours)} in pylme); "
              f"first at line {i + 1}: R {line(theirs)} | pylme {line(ours)}")
    return result(float(len(bad)), math.nan, False, detail)


def _count(result, ref, py, check: Check, context) -> QuantityResult:
    r, p = ref.get("value"), py.get("value")
    if r == p:
        return result(0.0, 0.0, detail=f"feval {r}")
    optimizer = context.get("optimizer")
    diff = abs(p - r) if isinstance(r, (int, float)) and isinstance(p, (int, float)) else math.nan
    detail = f"feval R {r} pylme {p} (optimizer {optimizer})"
    if optimizer == "nloptwrap":
        return result(diff, math.nan, False, detail)
    return result(diff, math.nan, True, detail, flagged=True)


# ---------------------------------------------------------------- a whole case


def _conditions(case_id: str, reference: Mapping, fit: Mapping,
                check_of=check_for) -> list[QuantityResult]:
    """Fit warnings/messages (and errors) compared as exact lists of texts."""
    out = []
    for kind in ("warnings", "messages"):
        quantity = f"fit.{kind}"
        check = check_of(case_id, quantity)
        theirs, ours = list(reference["fit"].get(kind) or []), list(fit.get(kind) or [])
        notes = [f"pylme only ({n})" for n in fit.get("pylme_only", [])] if kind == "messages" \
            else [f"other Python warning: {w}" for w in fit.get("other_warnings", [])]
        passed = theirs == ours
        detail = "" if passed else f"R {theirs} pylme {ours}"
        detail = "; ".join([detail, *notes]).strip("; ")
        out.append(QuantityResult(case_id, quantity, check.tier.name,
                                  float(0 if passed else 1), math.nan, passed, detail,
                                  flagged=bool(notes)))
    return out


def _error_case(case_id: str, reference: Mapping, fit: Mapping) -> list[QuantityResult]:
    r_error, py_error = reference["fit"].get("error"), fit.get("error")
    check = check_for(case_id, "fit.error")
    passed = r_error is not None and r_error == py_error
    detail = "" if passed else f"R error {r_error!r}; pylme error {py_error!r}"
    return [QuantityResult(case_id, "fit.error", check.tier.name, math.nan, math.nan, passed,
                           detail)]


def _with_levels(condvar: Any, ranef: Any) -> Any:
    """condVar arrays with their levels as third dimnames (taken from the same side's ranef)."""
    if not isinstance(condvar, Mapping) or not isinstance(ranef, Mapping):
        return condvar
    levels = dict(zip(ranef.get("names") or [], [f.get("rownames") for f in ranef["value"]]))

    def label(element: Any, rows: Any) -> Any:
        if isinstance(element, Mapping) and "dim" in element and rows:
            return {**element, "dimnames": [None, None, rows]}
        if isinstance(element, Mapping) and isinstance(element.get("value"), list):
            return {**element, "value": [label(e, rows) for e in element["value"]]}
        return element

    names = condvar.get("names") or []
    return {**condvar, "value": [label(e, levels.get(n)) for n, e in zip(names, condvar["value"])]}


def _with_colnames(x: Any, colnames: Any) -> Any:
    """structure.X with R column names, so polynomial columns get their slack."""
    if not isinstance(x, Mapping) or "dim" not in x or not colnames:
        return x
    names = colnames.get("value") if isinstance(colnames, Mapping) else colnames
    return {**x, "dimnames": [None, list(names)]} if names else x


def _prepared(group: str, name: str, side: Mapping) -> Any:
    record = side.get(group, {}).get(name)
    if (group, name) == ("optimizer", "condVar"):
        return _with_levels(record, side.get("optimizer", {}).get("ranef"))
    if (group, name) == ("structure", "X") and record and record.get("kind") != "checksum":
        return _with_colnames(record, side.get("structure", {}).get("X_colnames"))
    return record


def compare_case(case_id: str, reference: Mapping, fit_result: Any) -> list[QuantityResult]:
    """Compare pylme's result for one case with an lme4 reference, every quantity.

    Parameters
    ----------
    case_id : str
        Used in the results and to look up per-case overrides in ``tiers``.
    reference : dict
        A case-file dict (stored, ``conformance.regen.load_reference``) or the
        same schema produced live by ``conformance.r_side.fit_case``.
    fit_result : conformance.py_side.PyFitResult or pylme.LmerFit
        pylme's side; a bare ``LmerFit`` is extracted first (the case is rebuilt
        from ``reference["case"]``).

    Returns
    -------
    list of QuantityResult
        One per quantity of the reference (conditions first), in reference order.
    """
    if not isinstance(fit_result, py_side.PyFitResult):
        case = Case(**{k: _tuples(v) for k, v in reference["case"].items()})
        fit_result = py_side.extract(fit_result, case, reference)
    if "error" in reference["fit"] or "error" in fit_result.fit:
        return _error_case(case_id, reference, fit_result.fit)
    results = _conditions(case_id, reference, fit_result.fit)
    context = {"optimizer": reference.get("optimizer", {}).get("optimizer", {}).get("value")}
    for group in _GROUPS:
        for name in reference.get(group, {}):
            quantity = f"{group}.{name}"
            results.append(compare_record(
                case_id, quantity, _prepared(group, name, reference),
                _prepared(group, name, fit_result.groups), check_for(case_id, quantity), context))
    for name in ("anova", "anova_print"):
        if name in reference.get("lrt", {}):
            quantity = f"lrt.{name}"
            results.append(compare_record(case_id, quantity, reference["lrt"][name],
                                          fit_result.groups.get("lrt", {}).get(name),
                                          check_for(case_id, quantity)))
    return results


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples :class:`Case` holds (devfun_at, extras)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def fit_and_compare(case: Case, reference: Mapping, frame: Any = None) -> list[QuantityResult]:
    """Fit `case` with pylme (on `frame` when given) and :func:`compare_case` it."""
    return compare_case(case.id, reference, py_side.fit_case(case, reference, frame))


def compare_references(case_id: str, stored: Mapping, live: Mapping) -> list[QuantityResult]:
    """Toolchain drift: live R against the stored file, same quantities, tier ``drift``."""
    results = []
    versions = QuantityResult(case_id, "versions", "drift", math.nan, math.nan,
                              stored.get("versions") == live.get("versions"),
                              f"stored {stored.get('versions')} live {live.get('versions')}"
                              if stored.get("versions") != live.get("versions") else "")
    results.append(versions)
    if "error" in stored["fit"] or "error" in live["fit"]:
        same = stored["fit"].get("error") == live["fit"].get("error")
        return results + [QuantityResult(case_id, "fit.error", "drift", math.nan, math.nan, same,
                                         "" if same else f"{stored['fit']} vs {live['fit']}")]
    results += _conditions(case_id, stored, live, check_of=drift_check_for)
    results = results[:1] + [QuantityResult(**{**r.__dict__, "tier": "drift"})
                             for r in results[1:]]
    for group in (*_GROUPS, "lrt"):
        names = dict.fromkeys([*stored.get(group, {}), *live.get(group, {})])
        for name in names:
            if group == "lrt" and name not in ("anova", "anova_print"):
                continue
            quantity = f"{group}.{name}"
            results.append(compare_record(case_id, quantity, stored.get(group, {}).get(name),
                                          live.get(group, {}).get(name),
                                          drift_check_for(case_id, quantity)))
    return results
