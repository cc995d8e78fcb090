"""Checks of the quantities that follow the optimizer's path, judged against lme4's own
spread (``conformance.spread``): the objective, the evaluation count, the optimizer's
stopping message and the printed text.

Each check takes the ``result`` factory of :func:`conformance.compare.compare_record`
(which fills in the case, the quantity and the tier) and returns its
:class:`~conformance.compare.QuantityResult`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from conformance.records import as_array, floats
from conformance.spread import Envelope
from conformance.tiers import Check, check_for, numeric_text_close, without_deliberate_lines

if TYPE_CHECKING:  # the results are made by compare_record's factory
    from conformance.compare import QuantityResult

__all__ = ["objective_check", "text_check", "count_check", "message_check", "text_rtol"]


def message_check(ref: Any, py: Any, env: Envelope, polished: str):
    """The optimizer's stopping message where lme4's own path is not reproducible: any
    message lme4 itself stopped with over its row permutations passes (flagged), and so
    does the message of pylme's own restart (``pylme/polish.py``), which lme4 never makes."""
    r, p = ref.get("value"), py.get("value")
    if r == p:
        return None
    if p in env.messages and len(set(env.messages)) > 1:
        detail = (f"R {r!r} pylme {p!r}: lme4 itself stops with either over row permutations "
                  f"({len(env.messages)} distinct messages)")
    elif polished == "restart":
        detail = (f"R {r!r} pylme {p!r}: the stop of pylme's restart after BOBYQA's first "
                  "stop (pylme/polish.py), not lme4's")
    else:
        return None
    return lambda result: result(1.0, math.nan, True, detail, flagged=True)


def objective_check(result, ref, py, check: Check, context) -> QuantityResult:
    """One-sided: pylme <= R + atol passes; pylme < R - rtol*|R| is flagged, not failed."""
    r, p = (floats(as_array(x.get("value"))) for x in (ref, py))
    r, p = (None if v is None else float(v) for v in (r, p))
    if r is None or p is None or math.isnan(r) or math.isnan(p):
        return result(passed=r is not None and p is not None and math.isnan(r) and math.isnan(p),
                      detail=f"R {r!r} pylme {p!r}")
    diff = p - r
    rel = abs(diff) / abs(r) if r else math.nan
    env: Envelope | None = context.get("envelope")
    worst = env.worst_objective() if env is not None else None
    # lme4's own end points over row permutations: its worst is as much lme4's answer
    ceiling = max(r, worst) if worst is not None else r
    passed = p - ceiling <= check.tolerance.atol
    better = -diff > check.tolerance.rtol * abs(r)
    within_spread = passed and diff > check.tolerance.atol
    if not passed:
        detail = (f"pylme worse than lme4: R {r!r} pylme {p!r} (+{diff:.3g})"
                  + (f", lme4's own end points reach {worst!r}" if worst is not None else ""))
    elif within_spread:
        detail = (f"above R's end point by {diff:.3g} but inside lme4's own end points over row "
                  f"permutations (up to {worst!r}, widened by their range) + {check.tolerance.atol:g}")
    elif better:
        detail = f"pylme better than lme4 by {-diff:.3g} ({rel:.2g} relative): R {r!r} pylme {p!r}"
    else:
        detail = ""
    return result(abs(diff), rel, passed, detail, flagged=better or within_spread,
                  points=((r, p),))


def text_check(result, ref, py, check: Check, context) -> QuantityResult:
    """Text line by line. ``lines``: equal. ``numeric_lines``: the same words and number
    layouts, each number within ``rtol`` (the check's, or lme4's own relative spread for
    the case) plus one unit of its last printed digit; a line that differs only so is
    flagged, not failed (a value on a rounding boundary prints either way depending on
    its last bits, in lme4 as in pylme)."""
    theirs, ours = list(ref.get("value") or []), list(py.get("value") or [])
    ours, notes = without_deliberate_lines(ours)
    rtol = max(check.tolerance.rtol, float(context.get("text_rtol") or 0.0))
    tolerance = type(check.tolerance)(rtol=rtol)
    close = numeric_text_close if check.method == "numeric_lines" else (lambda a, b, t: False)
    bad, digits = [], []
    for i in range(max(len(theirs), len(ours))):
        if i < len(theirs) and i < len(ours) and theirs[i] == ours[i]:
            continue
        if i < len(theirs) and i < len(ours) and close(theirs[i], ours[i], tolerance):
            digits.append(i)
        else:
            bad.append(i)
    if digits:
        i = digits[0]
        notes.append(f"{len(digits)} line(s) differ only in printed digits within "
                     f"{rtol:.2g} relative + one unit of the last digit; first at line {i + 1}: "
                     f"R {theirs[i]!r} | pylme {ours[i]!r}")
    note = "; ".join(notes)
    if not bad:
        return result(0.0, math.nan, detail=note, flagged=bool(notes))
    i = bad[0]
    line = lambda xs: repr(xs[i]) if i < len(xs) else "<no line>"  # noqa: E731
    detail = (f"{len(bad)} line(s) differ ({len(theirs)} in R, {len(ours)} in pylme); "
              f"first at line {i + 1}: R {line(theirs)} | pylme {line(ours)}")
    return result(float(len(bad)), math.nan, False, "; ".join(filter(None, [detail, note])))


def count_check(result, ref, py, check: Check, context) -> QuantityResult:
    """Evaluation counts: lme4's own range over row permutations (the count follows the
    last bits: ``conformance.spread``), widened by one trust-region step; a count outside
    it means a different optimizer set-up (tolerances, start, bounds) and fails."""
    r, p = ref.get("value"), py.get("value")
    if r == p:
        return result(0.0, 0.0, detail=f"feval {r}")
    optimizer = context.get("optimizer")
    numbers = isinstance(r, (int, float)) and isinstance(p, (int, float))
    diff = abs(p - r) if numbers else math.nan
    detail = f"feval R {r} pylme {p} (optimizer {optimizer})"
    if r is None or optimizer != "nloptwrap":
        # no count in R (optimizer = NULL), or minqa's bobyqa / Nelder-Mead, whose
        # implementations pylme does not share: reported, never judged
        return result(diff, math.nan, True, detail, flagged=True)
    if context.get("polished"):
        return result(diff, math.nan, True, f"{detail}; pylme's {context['polished']} after "
                      "BOBYQA stopped (pylme/polish.py) adds its own evaluations", flagged=True)
    env: Envelope | None = context.get("envelope")
    accepted = env.feval_range(r if numbers else None) if env is not None and env.measured else None
    if accepted is None:
        return result(diff, math.nan, False, f"{detail}; lme4's own spread not measured "
                      "(python -m conformance spread)")
    low, high = accepted
    lme4 = sorted(set(env.feval))
    inside = numbers and low <= p <= high
    detail += (f"; lme4's own counts over row permutations {lme4[0]}..{lme4[-1]}, accepted "
               f"{low}..{high}")
    return result(diff, math.nan, inside, detail, flagged=inside)


#: The quantities summary() and print() show, whose relative move sizes the printed slack.
_PRINTED = ("fixef", "sigma", "se", "VarCorr")


def text_rtol(env: Envelope) -> float:
    """lme4's largest relative move of one printed value, where lme4 is not reproducible
    to the optimizer tier (0 elsewhere: the printed text must then be lme4's to the digit)."""
    move = max((env.rel_move(f"optimizer.{name}") for name in _PRINTED), default=0.0)
    return move if move > check_for("", "optimizer.fixef").tolerance.rtol else 0.0
