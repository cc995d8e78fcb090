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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from conformance import py_side
from conformance.cases import Case
from conformance.path_checks import (conv_messages_check, count_check, message_check,
                                     objective_check, text_check, text_rtol)
from conformance.records import Block, as_array, blocks, floats
from conformance.regen import decode_value
from conformance.spread import Envelope, envelope
from conformance.tiers import (CHECKSUM_RTOL, UNSUPPORTED, Check, agreement, check_for,
                               checksum_scales, drift_check_for, is_poly_column)

__all__ = ["QuantityResult", "compare_case", "fit_and_compare", "compare_references",
           "compare_record", "PLOTTED"]

_GROUPS = ("structure", "deterministic", "optimizer", "print", "extras")
#: Quantities whose (R, pylme) value pairs are kept for the report's scatter plots.
PLOTTED = ("optimizer.theta", "optimizer.objective")
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
        Largest ``|pylme - R|`` and ``|pylme - R| / max(|R|, floor·scale)`` (the
        relative error as the tolerance rule of ``tiers`` judges it); for text
        and other exact quantities, the number of differing lines / entries and
        NaN.
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
    r_expr : str
        The R expression of the reference value, where the record names one (the
        inference references: ``conformance.inference``).
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
    r_expr: str = ""


# ---------------------------------------------------------------- block comparison


@dataclass
class _Tally:
    max_abs: float = 0.0
    max_rel: float = 0.0
    numeric: bool = False
    bad: list = field(default_factory=list)


def _align(ref: Block, py: Block, path: str, tally: _Tally) -> np.ndarray | None:
    """pylme's values put in R's label order on every axis, or None (mismatch noted).

    Labelled axes are matched by name; an axis without labels on either side
    (R stores none) is matched by position.
    """
    name = path or "value"
    if ref.values.ndim != py.values.ndim:
        tally.bad.append(f"{name}: shape R {ref.values.shape} pylme {py.values.shape}")
        return None
    index = []
    for axis in range(ref.values.ndim):
        r_lab, p_lab = ref.labels[axis], py.labels[axis]
        if r_lab is None or p_lab is None:
            if ref.values.shape[axis] != py.values.shape[axis]:
                tally.bad.append(f"{name}: shape R {ref.values.shape} pylme {py.values.shape}")
                return None
            index.append(np.arange(ref.values.shape[axis]))
        elif r_lab == p_lab:
            index.append(np.arange(len(r_lab)))
        elif sorted(r_lab) == sorted(p_lab):
            where = {label: i for i, label in enumerate(p_lab)}
            index.append(np.array([where[label] for label in r_lab]))
        else:
            only_r = [x for x in r_lab if x not in set(p_lab)][:_SHOWN]
            only_p = [x for x in p_lab if x not in set(r_lab)][:_SHOWN]
            tally.bad.append(f"{name}: names differ (R only {only_r}, pylme only {only_p})")
            return None
    return py.values[np.ix_(*index)] if index else py.values


def _compareblocks(ref: dict[str, Block], py: dict[str, Block], check: Check,
                    scales: Mapping[str, float] | None = None,
                    extra_atol: np.ndarray | float = 0.0) -> _Tally:
    tally = _Tally()
    for path in [p for p in py if p not in ref][:_SHOWN]:
        tally.bad.append(f"{path}: only in pylme")
    for path, block in ref.items():
        if path not in py:
            tally.bad.append(f"{path or 'value'}: missing in pylme")
            continue
        ours = _align(block, py[path], path, tally)
        if ours is not None:
            _compare_values(block, ours, path, check, (scales or {}).get(path), tally, extra_atol)
    return tally


def _compare_values(ref: Block, ours: np.ndarray, path: str, check: Check,
                    scale: float | None, tally: _Tally,
                    extra_atol: np.ndarray | float = 0.0) -> None:
    r, p = floats(ref.values), floats(ours)
    if r is None or p is None:
        wrong = [i for i in np.ndindex(*ref.values.shape) if ref.values[i] != ours[i]]
        tally.bad += [f"{_key(ref, path, i)}: R {ref.values[i]!r} pylme {ours[i]!r}"
                      for i in wrong[:_SHOWN]]
        return
    tally.numeric = True
    scale = scale if scale is not None else float(np.max(np.abs(r[np.isfinite(r)]), initial=0.0))
    verdict = agreement(r, p, check.tolerance, scale,
                        _poly_atol(ref, check, r.shape) + _fit_to(extra_atol, r.shape))
    tally.max_abs = max(tally.max_abs, verdict.max_abs)
    tally.max_rel = max(tally.max_rel, verdict.max_rel)
    ok, diff, allowed = verdict.ok, verdict.diff, verdict.allowed
    for i in list(zip(*np.nonzero(~ok)))[:_SHOWN] if r.ndim else ([()] if not ok else []):
        tally.bad.append(f"{_key(ref, path, i)}: R {float(r[i])!r} pylme {float(p[i])!r} "
                         f"(|diff| {diff[i]:.3g}, allowed {allowed[i]:.3g})")
    extra = int((~ok).sum()) - _SHOWN
    if extra > 0:
        tally.bad.append(f"... {extra} more in {path or 'value'}")


def _fit_to(extra: np.ndarray | float, shape: tuple) -> np.ndarray | float:
    """lme4's own move as an absolute slack per entry: per component when it has one
    number per entry (θ), else its largest value for every entry."""
    if np.ndim(extra) == 0:
        return float(extra)
    extra = np.asarray(extra, dtype=float)
    return extra.reshape(shape) if extra.size == int(np.prod(shape)) else float(extra.max())


def _poly_atol(ref: Block, check: Check, shape: tuple) -> np.ndarray | float:
    """Absolute slack: the check's atol, plus ``poly_atol`` on polynomial X columns."""
    atol = check.tolerance.atol
    if not check.poly_atol or len(ref.labels) != 2 or ref.labels[1] is None:
        return atol
    poly = np.array([is_poly_column(c) for c in ref.labels[1]])
    return np.where(poly, max(atol, check.poly_atol), atol)[None, :] * np.ones(shape)


def _key(block: Block, path: str, index: tuple) -> str:
    labels = [lab[i] if lab is not None else str(i) for lab, i in zip(block.labels, index)]
    return f"{path}[{','.join(labels)}]" if labels else (path or "value")


# ---------------------------------------------------------------- checksums


def _summarise_like(ref: Mapping, py: Any) -> tuple[dict, dict] | None:
    """R's checksum record and pylme's full value summarised the same way, as flat dicts."""
    value = py.get("value") if isinstance(py, Mapping) else py
    if isinstance(py, Mapping) and py.get("kind") == "checksum":  # R against R (drift)
        return _checksum_dict(ref), _checksum_dict(py)
    if value is None:
        return None
    if "checksum" in ref:  # a long vector (r_side .pylme_summarise)
        x = np.asarray(value, dtype=float).ravel()
        ours = {"length": x.size, "head": x[:20], "sum": x.sum(),
                "sum_sq": (x * x).sum(), "min": x.min(), "max": x.max()}
        return _checksum_dict(ref), ours
    theirs = _checksum_dict(ref)
    if "dim" in theirs:  # X
        X = np.asarray(value, dtype=float)
        ours = {"dim": list(X.shape), "col_sums": X.sum(axis=0), "col_sums_sq": (X * X).sum(axis=0)}
    else:  # Zt triplets
        i, j, x = (np.asarray(v, dtype=float) for v in value)
        ours = {"nnz": [x.size], "sum": [x.sum()], "sum_sq": [(x * x).sum()],
                "row_sums": np.bincount(i.astype(int), weights=x, minlength=len(theirs["row_sums"])),
                "row_index_sum": [(i * x).sum()], "col_index_sum": [(j * x).sum()]}
    return theirs, ours


def _checksum_dict(record: Mapping) -> dict:
    """The statistics of a checksum record as one flat dict."""
    if "checksum" in record:
        return {"length": record["length"], "head": record["head"], **record["checksum"]}
    return dict(zip(record.get("names") or [], record["value"]))


def _checksum_slack(stats: dict, move: float) -> dict[str, float]:
    """How far each checksum may move when every entry moves by at most `move`."""
    if not move or "length" not in stats:
        return {}
    n = float(stats["length"])
    top = max(abs(float(decode_value(stats["min"]))), abs(float(decode_value(stats["max"]))))
    return {"head": move, "min": move, "max": move, "sum": n * move,
            "sum_sq": n * move * (2 * top + move)}


def _compare_checksum(ref: Mapping, py: Any, check: Check,
                      extra_atol: np.ndarray | float = 0.0) -> _Tally:
    """Checksums: counts exact, sums to ``max(rtol, 1e-12)`` of their magnitude bound."""
    pair = _summarise_like(ref, py)
    if pair is None:
        return _Tally(bad=["pylme has no value"])
    theirs, ours = pair
    tol = check.tolerance
    loose = Check(check.tier, type(tol)(max(tol.rtol, CHECKSUM_RTOL), tol.atol, 1.0))
    as_blocks = lambda d: {k: Block(as_array(v), (None,) * np.ndim(v)) for k, v in d.items()}  # noqa: E731
    slack = _checksum_slack(theirs, float(np.max(extra_atol, initial=0.0)))
    tally = _Tally()
    for key, block in as_blocks(theirs).items():
        part = _compareblocks({key: block}, as_blocks({key: ours[key]}) if key in ours else {},
                               loose, checksum_scales(theirs), slack.get(key, 0.0))
        tally.bad += part.bad
        tally.numeric |= part.numeric
        tally.max_abs = max(tally.max_abs, part.max_abs)
        tally.max_rel = max(tally.max_rel, part.max_rel)
    return tally


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
        ``{"optimizer": R's optimizer name, "envelope": conformance.spread.Envelope,
        "text_rtol": float}``: the envelope widens optimizer-tier values, the objective and
        the evaluation count by lme4's own spread; ``text_rtol`` is its relative size,
        applied to the numbers of the printed text.
    """
    def result(abs_err=math.nan, rel_err=math.nan, passed=True, detail="", **kw):
        return QuantityResult(case_id, quantity, check.tier.name, abs_err, rel_err, passed,
                              detail, **kw)

    if check.method == "skip" or (py is None and quantity in UNSUPPORTED):
        return result(detail=f"not compared: {check.reason or UNSUPPORTED[quantity]}",
                      skipped=True)
    if isinstance(ref, Mapping) and ref.get("kind") == "error":
        return result(detail=f"not compared: R failed: {ref.get('error')}", skipped=True)
    if ref is None:
        return result(passed=False, detail="missing in the reference")
    if py is None:
        return result(passed=False, detail="pylme did not produce this quantity")
    if isinstance(py, Mapping) and py.get("kind") == "error":
        return result(passed=False, detail=f"pylme raised {py.get('error')}")
    out = _dispatch(result, quantity, ref, py, check, context or {})
    if check.advisory and not out.passed:
        return QuantityResult(**{**out.__dict__, "passed": True, "flagged": True,
                                 "detail": f"advisory ({check.reason}): {out.detail}"})
    return out


def _dispatch(result, quantity: str, ref: Any, py: Any, check: Check,
              context: Mapping) -> QuantityResult:
    method = {"objective": objective_check, "lines": text_check, "numeric_lines": text_check,
              "count": count_check}.get(check.method)
    if method is not None:
        return method(result, ref, py, check, {**context, "quantity": quantity})
    env: Envelope | None = context.get("envelope")
    if quantity == "optimizer.conv_lme4_messages" and ref.get("value") != py.get("value"):
        theirs, ours = _texts(ref.get("value")), _texts(py.get("value"))
        within = conv_messages_check(theirs, ours, theirs, ours, env)
        if within is not None:
            return result(1.0, math.nan, True, within[1], flagged=True)
    if quantity == "optimizer.optinfo_message" and env is not None:
        same = message_check(ref, py, env, context.get("polished", ""))
        if same is not None:
            return same(result)
    extra = env.extra_atol(quantity) if env is not None and check.tier.name == "optimizer" else 0.0
    tally = (_compare_checksum(ref, py, check, extra) if ref.get("kind") == "checksum"
             else _compareblocks(blocks(ref), blocks(py), check, extra_atol=extra))
    detail = "; ".join(tally.bad[:_SHOWN]) + (f" (+{len(tally.bad) - _SHOWN} more)"
                                              if len(tally.bad) > _SHOWN else "")
    if check.reason and not tally.bad:
        detail = f"tolerance: {check.reason}"
    if env is not None and np.max(extra, initial=0.0) > 0 and tally.bad:
        detail += f" (allowed includes {env.describe(quantity)})"
    points = _points(quantity, ref, py)
    if tally.numeric:
        return result(tally.max_abs, tally.max_rel, not tally.bad, detail, points=points)
    return result(float(len(tally.bad)), math.nan, not tally.bad, detail)


def _points(quantity: str, ref: Any, py: Any) -> tuple[tuple[float, float], ...]:
    """(R, pylme) pairs for the report's scatter plots, aligned by name."""
    if quantity not in PLOTTED:
        return ()
    ref_block, py_block = blocks(ref).get(""), blocks(py).get("")
    ours = None if ref_block is None or py_block is None else _align(ref_block, py_block, "", _Tally())
    r, p = (None, None) if ours is None else (floats(ref_block.values), floats(ours))
    if r is None or p is None:
        return ()
    return tuple(zip(np.ravel(r).tolist(), np.ravel(p).tolist()))


# ---------------------------------------------------------------- a whole case


def _texts(value: Any) -> list[str]:
    """A record's texts as a flat list (R's NULL: none; nested character vectors flattened)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [t for v in value for t in _texts(v)]


def _conv(side: Mapping) -> list[str]:
    record = side.get("optimizer", {}).get("conv_lme4_messages")
    return _texts(record.get("value")) if isinstance(record, Mapping) else []


def _conditions(case_id: str, reference: Mapping, fit: Mapping, tier: str | None = None,
                groups: Mapping | None = None, env: Envelope | None = None) -> list[QuantityResult]:
    """Fit warnings and messages, compared as exact lists of texts (pylme-only ones noted).

    Where lme4 itself words its convergence warnings differently over row permutations (a
    GLMM's quoted gradient), those are judged by ``path_checks.conv_messages_check``.
    """
    out = []
    for kind in ("warnings", "messages"):
        theirs, ours = list(reference["fit"].get(kind) or []), list(fit.get(kind) or [])
        notes = [f"pylme only ({n})" for n in fit.get("pylme_only", [])] if kind == "messages" \
            else [f"other Python warning: {w}" for w in fit.get("other_warnings", [])]
        passed = theirs == ours
        within = None if passed or groups is None else conv_messages_check(
            theirs, ours, _conv(reference), _conv(groups), env)
        if within is not None:
            notes.insert(0, within[1])
        detail = "; ".join(([] if passed or within else [f"R {theirs} pylme {ours}"]) + notes)
        quantity = f"fit.{kind}"
        out.append(QuantityResult(case_id, quantity, tier or check_for(case_id, quantity).tier.name,
                                  float(not passed), math.nan, passed or within is not None,
                                  detail, flagged=bool(notes)))
    return out


def _error_case(case_id: str, r_fit: Mapping, py_fit: Mapping, tier: str) -> list[QuantityResult]:
    """A fit that failed on either side: the error messages must be equal."""
    r_error, py_error = r_fit.get("error"), py_fit.get("error")
    passed = r_error is not None and r_error == py_error
    detail = "" if passed else f"R error {r_error!r}; other side {py_error!r}"
    return [QuantityResult(case_id, "fit.error", tier, math.nan, math.nan, passed, detail)]


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


#: Unnamed R vectors that get names from the same side's structure, to align by name.
_NAMED_BY = {("deterministic", "beta"): "X_colnames", ("deterministic", "u"): "Zt_rownames",
             ("deterministic", "b"): "Zt_rownames"}


def _prepared(group: str, name: str, side: Mapping) -> Any:
    """A record with the labels R left off: condVar levels, X column names, β/u/b names."""
    record = side.get(group, {}).get(name)
    if not isinstance(record, Mapping) or record.get("kind") == "checksum":
        return record
    record = _without_lme4_quirks(group, name, record, side)
    structure = side.get("structure", {})
    if (group, name) == ("optimizer", "condVar"):
        return _with_levels(record, side.get("optimizer", {}).get("ranef"))
    if (group, name) == ("structure", "X"):
        return _with_colnames(record, structure.get("X_colnames"))
    names = (structure.get(_NAMED_BY.get((group, name)), {}) or {}).get("value")
    value = record.get("value")
    if isinstance(names, list) and value is not None and len(names) == len(value):
        return {**record, "names": names}
    return record


def _without_lme4_quirks(group: str, name: str, record: Mapping, side: Mapping) -> Mapping:
    """Normalize what lme4 leaves undefined when X has no columns (p = 0), and R's
    list-of-vectors layout of several convergence messages.

    R's ``colnames()`` of a 0-column X is NULL (an empty list in pylme), and lme4 never
    sets ``ldRX2`` when p = 0, so ``devcomp$cmp["ldRX2"]`` holds an uninitialised value
    (pylme: 0); neither enters the criterion, which is compared separately.
    """
    if (group, name) == ("structure", "X_colnames") and record.get("value") in (None, (), []):
        return {**record, "value": []}
    if (group, name) == ("optimizer", "conv_lme4_messages") and isinstance(record.get("value"), list):
        # lme4 keeps several messages as a list of character vectors (GLMM fits): their
        # texts in order are the quantity (pylme holds a flat list)
        return {**record, "value": _texts(record["value"])}
    if (group, name) == ("deterministic", "devcomp_cmp") and _p_is_zero(side):
        names = record.get("names") or []
        value = record.get("value")
        if "ldRX2" in names and isinstance(value, list):
            keep = [i for i, n in enumerate(names) if n != "ldRX2"]
            return {**record, "names": [names[i] for i in keep], "value": [value[i] for i in keep]}
    return record


def _p_is_zero(side: Mapping) -> bool:
    colnames = side.get("structure", {}).get("X_colnames", {})
    return isinstance(colnames, Mapping) and colnames.get("value") in (None, (), [])


def _quantities(*records: Mapping) -> list[tuple[str, str]]:
    """(group, name) of every compared quantity in `records`, in reference order."""
    out: dict[tuple[str, str], None] = {}
    for record in records:
        for group in _GROUPS:
            out.update(dict.fromkeys((group, name) for name in record.get(group, {})))
        out.update(dict.fromkeys(("lrt", n) for n in ("anova", "anova_print")
                                 if n in record.get("lrt", {})))
    return list(out)


def compare_case(case_id: str, reference: Mapping, fit_result: Any,
                 env: Envelope | None = None) -> list[QuantityResult]:
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
    env : Envelope, optional
        lme4's own spread for this case; by default the one stored in
        ``r_reference/spread.json`` (a generated GLMM design brings its own).

    Returns
    -------
    list of QuantityResult
        Fit conditions first, then one per quantity of the reference, in its order.
    """
    if not isinstance(fit_result, py_side.PyFitResult):
        case = Case(**{k: _tuples(v) for k, v in reference["case"].items()})
        fit_result = py_side.extract(fit_result, case, reference)
    fit_result = _in_lme4_words(fit_result)
    if "error" in reference["fit"] or "error" in fit_result.fit:
        return _error_case(case_id, reference["fit"], fit_result.fit, "messages")
    env = env if env is not None else envelope(case_id)
    results = _conditions(case_id, reference, fit_result.fit, groups=fit_result.groups, env=env)
    polished = (fit_result.groups.get("optimizer", {}).get("pylme_polished") or {}).get("value")
    context = {"optimizer": reference.get("optimizer", {}).get("optimizer", {}).get("value"),
               "envelope": env, "text_rtol": text_rtol(env),
               "polished": polished or "",
               # glmer's optimizers are pylme's exact ports (minqa's BOBYQA, lme4's
               # Nelder-Mead): their counts are judged, whatever their names
               "judge_counts": bool(reference.get("case", {}).get("family"))}
    for group, name in _quantities(reference):
        quantity = f"{group}.{name}"
        results.append(compare_record(case_id, quantity, _prepared(group, name, reference),
                                      _prepared(group, name, fit_result.groups),
                                      check_for(case_id, quantity), context))
    return results


def _in_lme4_words(fit_result: py_side.PyFitResult) -> py_side.PyFitResult:
    """pylme's texts with its deliberate wording changes undone (``help(pylme.isSingular)``
    where lme4 says ``help('isSingular')``: ``pylme.convergence.LME4_WORDING``), so that
    every other character is still compared with lme4's."""
    from pylme.convergence import lme4_wording

    def undo(value: Any) -> Any:
        if isinstance(value, str):
            return lme4_wording(value)
        if isinstance(value, Mapping):
            return {k: undo(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(undo(v) for v in value)
        return value

    return py_side.PyFitResult(fit_result.case, undo(fit_result.fit), undo(fit_result.groups),
                               fit_result.seconds, fit_result.model)


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples :class:`Case` holds (devfun_at, extras)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def fit_and_compare(case: Case, reference: Mapping, frame: Any = None) -> list[QuantityResult]:
    """Fit `case` with pylme (on `frame` when given) and :func:`compare_case` it."""
    return compare_case(case.id, reference, py_side.fit_case(case, reference, frame))


def compare_references(case_id: str, stored: Mapping, live: Mapping) -> list[QuantityResult]:
    """Toolchain drift: live R against the stored file, every quantity, tier ``drift``."""
    same = stored.get("versions") == live.get("versions")
    results = [QuantityResult(case_id, "versions", "drift", math.nan, math.nan, same,
                              "" if same else f"stored {stored.get('versions')} live "
                                              f"{live.get('versions')}")]
    if "error" in stored["fit"] or "error" in live["fit"]:
        return results + _error_case(case_id, stored["fit"], live["fit"], "drift")
    results += _conditions(case_id, stored, live["fit"], tier="drift")
    for group, name in _quantities(stored, live):
        quantity = f"{group}.{name}"
        results.append(compare_record(case_id, quantity, stored.get(group, {}).get(name),
                                      live.get(group, {}).get(name),
                                      drift_check_for(case_id, quantity)))
    # both sides are R here: the details name them "stored" and "live R"
    return [replace(r, detail=_SIDES.sub(lambda m: _SIDE_NAMES[m.group(1)], r.detail))
            for r in results]


_SIDES = re.compile(r"\b(R|pylme) (?=[-\d\['\"(NITFn])")
_SIDE_NAMES = {"R": "stored ", "pylme": "live R "}
