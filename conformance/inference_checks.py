"""Compare one pylme inference result with its stored R record: a :class:`QuantityResult`.

The primitives of :mod:`conformance.inference`: tables (labels in R's order, NA where R
has NA, numbers under the column groups of :data:`conformance.inference_tiers.TOLERANCES`),
printed text, error texts and lme4's permutation envelope. Each result carries the model,
the quantity, the tier, the R expression of the reference and, when it fails, what
differed (names and both values).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from conformance.compare import QuantityResult
from conformance.inference_refs import envelope_violations, print_difference
from conformance.inference_tiers import Columns
from conformance.tiers import Tier, Tolerance, agreement

__all__ = ["Subject", "guarded", "compare_tables", "compare_text", "compare_error",
           "compare_raises", "compare_envelope", "compare_bound"]

_SHOWN = 3  # differences quoted in a failure's detail


@dataclass(frozen=True)
class Subject:
    """What one record is about: model (or comparison) id, quantity, tier, R expression."""

    model_id: str
    quantity: str
    tier: Tier
    r_expr: str

    def result(self, passed: bool, detail: str = "", abs_err: float = math.nan,
               rel_err: float = math.nan, flagged: bool = False) -> QuantityResult:
        """The record of this subject."""
        return QuantityResult(self.model_id, self.quantity, self.tier.name, abs_err, rel_err,
                              passed, detail, flagged=flagged, r_expr=self.r_expr)


def guarded(subject: Subject, check: Callable[[], QuantityResult]) -> QuantityResult:
    """``check()``, or a failed record naming the exception pylme raised."""
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - one broken quantity must not hide the others
        return subject.result(False, f"pylme raised {type(exc).__name__}: {exc}")


def _frame(table) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, pd.Series):
        return table.to_frame()
    return pd.DataFrame(np.atleast_2d(np.asarray(table, dtype=float)))


def _labels_differ(name: str, mine: pd.DataFrame, theirs: pd.DataFrame) -> str | None:
    """Rows and columns must be R's, in R's order."""
    where = f"{name} " if name else ""
    for axis, ours, r in (("rows", mine.index, theirs.index), ("columns", mine.columns, theirs.columns)):
        if list(map(str, ours)) != list(map(str, r)):
            return f"{where}{axis}: R {list(r)[:8]} pylme {list(ours)[:8]}"
    return None


@dataclass
class _Tally:
    max_abs: float = 0.0
    max_rel: float = 0.0
    bad: list = field(default_factory=list)


def _compare_frame(name: str, mine: pd.DataFrame, theirs: pd.DataFrame,
                   columns: Sequence[Columns], tally: _Tally, row_atol: np.ndarray | None) -> None:
    where = _labels_differ(name, mine, theirs)
    if where is not None:
        tally.bad.append(where)
        return
    values = theirs.to_numpy(dtype=float)
    top = float(np.max(np.abs(values[np.isfinite(values)]), initial=0.0))
    for group in columns:
        scale = 1.0 if group.scaled is None else max(top, group.scaled)
        tolerance = Tolerance(group.tolerance.rtol, group.tolerance.atol * scale,
                              group.tolerance.floor)
        for j, col in enumerate(theirs.columns):
            if group.names is not None and col not in group.names:
                continue
            r = theirs.iloc[:, j].to_numpy(dtype=float)
            p = mine.iloc[:, list(mine.columns).index(col)].to_numpy(dtype=float)
            atol = None if row_atol is None else tolerance.atol + row_atol
            verdict = agreement(r, p, tolerance, scale, atol)
            tally.max_abs = max(tally.max_abs, verdict.max_abs)
            tally.max_rel = max(tally.max_rel, verdict.max_rel)
            tally.bad += [f"{name}[{theirs.index[i]}, {col}]: R {float(r[i])!r} pylme "
                          f"{float(p[i])!r} (|diff| {verdict.diff[i]:.3g}, allowed "
                          f"{verdict.allowed[i]:.3g})" for i in np.flatnonzero(~verdict.ok)]


def compare_tables(subject: Subject, mine: Mapping[str, object], theirs: Mapping[str, object],
                   columns: Sequence[Columns], note: str = "",
                   row_atol: np.ndarray | None = None) -> QuantityResult:
    """Tables (or matrices, or vectors) by name: the same names in R's order, the same row
    and column labels, NA where R has NA, numbers within each column group's tolerance.

    `mine` and `theirs` map a block name ("" for a single table) to a DataFrame, Series or
    array; `note` goes into the detail (why this check, or its tolerance, is what it is);
    `row_atol` adds an absolute tolerance per row (a Monte-Carlo error).
    """
    tally = _Tally()
    if list(mine) != list(theirs):
        tally.bad.append(f"names: R {list(theirs)} pylme {list(mine)}")
    else:
        for name in theirs:
            _compare_frame(name, _frame(mine[name]), _frame(theirs[name]), columns, tally, row_atol)
    bad = tally.bad
    detail = "; ".join(bad[:_SHOWN]) + (f" (+{len(bad) - _SHOWN} more)" if len(bad) > _SHOWN else "")
    return subject.result(not bad, "; ".join(filter(None, [detail, note])), tally.max_abs,
                          tally.max_rel)


def compare_text(subject: Subject, mine: str, theirs: str, rtol: float | None = None,
                 messages: tuple[list, list] | None = None) -> QuantityResult:
    """Printed text: equal (`rtol` None) or equal up to numbers within `rtol`; and, when
    given, pylme's messages ``messages[0]`` equal to R's ``messages[1]``."""
    if rtol is None:
        a, b = mine.split("\n"), theirs.split("\n")
        first = next((i for i in range(max(len(a), len(b)))
                      if i >= len(a) or i >= len(b) or a[i] != b[i]), None)
        line = lambda xs, i: repr(xs[i]) if i < len(xs) else "<no line>"  # noqa: E731
        where = None if first is None else (f"line {first + 1}: pylme {line(a, first)} vs R "
                                            f"{line(b, first)} ({len(a)} lines, R {len(b)})")
    else:
        where = print_difference(mine, theirs, rtol)
    problems = [] if where is None else [where]
    if messages is not None and list(messages[0]) != list(messages[1]):
        problems.append(f"messages: R {list(messages[1])} pylme {list(messages[0])}")
    how = "exact" if rtol is None else f"numbers within {rtol:g}"
    return subject.result(not problems, "; ".join(problems) or f"text {how}")


def compare_error(subject: Subject, raised: BaseException | None, expected: str,
                  deviation: str | None = None) -> QuantityResult:
    """R failed with `expected`: pylme must raise the same text (or the documented
    `deviation`, which is flagged)."""
    want = expected if deviation is None else deviation
    if raised is None:
        return subject.result(False, f"R failed with {expected!r}; pylme raised nothing")
    if str(raised) != want:
        return subject.result(False, f"error text: R {want!r} pylme {str(raised)!r}")
    if deviation is not None:
        return subject.result(True, f"documented deviation: pylme says {deviation!r}, lme4 "
                                    f"{expected!r}", flagged=True)
    return subject.result(True, "same error text")


def compare_raises(subject: Subject, call: Callable[[], object], expected: str,
                   types: tuple[type[BaseException], ...], deviation: str | None = None) -> QuantityResult:
    """R failed with `expected`: ``call()`` must raise one of `types` with that text (or the
    documented `deviation`); any other exception propagates (:func:`guarded` reports it)."""
    try:
        call()
    except types as exc:
        return compare_error(subject, exc, expected, deviation)
    return compare_error(subject, None, expected)


def compare_envelope(subject: Subject, parts: Sequence[tuple[str, object, np.ndarray, float]],
                     spread: float) -> QuantityResult:
    """pylme's values inside lme4's envelope over its permutation refits.

    `parts`: (column, pylme's values, lme4's table (rows, refits), rtol); `spread`: lme4's
    relative θ̂ spread, quoted in the detail.
    """
    bad = [f"{name}{v}" for name, mine, table, rtol in parts
           for v in envelope_violations(mine, table, rtol)]
    widen = ", ".join(f"{name} {rtol:g}" for name, _, _, rtol in parts)
    note = (f"lme4 not reproducible (θ̂ moves by {spread:.2g} relative over 8 row permutations): "
            f"lme4's envelope over its refits, widened by its own width and by {widen}")
    return subject.result(not bad, "; ".join(bad[:_SHOWN] + [note]))


def compare_bound(subject: Subject, mine: float, reference: float, atol: float,
                  what: str) -> QuantityResult:
    """One-sided: pylme's `mine` may exceed R's `reference` (`what` it is) by at most `atol`."""
    excess = mine - reference
    detail = f"pylme {mine!r}, {what} {reference!r} ({excess:+.3g}, allowed {atol:+.3g})"
    return subject.result(bool(excess <= atol), detail, abs(excess),
                          abs(excess) / abs(reference) if reference else math.nan)
