"""Checks of the quantities that follow the optimizer's path, judged against lme4's own
spread (``conformance.spread``): the objective, the evaluation count, the optimizer's
stopping message and the printed text.

Each check takes the ``result`` factory of :func:`conformance.compare.compare_record`
(which fills in the case, the quantity and the tier) and returns its
:class:`~conformance.compare.QuantityResult`.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from conformance.records import as_array, floats
from conformance.spread import Envelope
from conformance.tiers import Check, check_for, numeric_text_close, without_deliberate_lines

if TYPE_CHECKING:  # the results are made by compare_record's factory
    from conformance.compare import QuantityResult

__all__ = ["objective_check", "text_check", "count_check", "message_check", "text_rtol",
           "conv_messages_check", "CONV_SEPARATOR"]

#: How ``r_spread`` joins one fit's lme4 convergence messages into one text.
CONV_SEPARATOR = " ;; "
#: The number lme4 quotes in ``Model failed to converge with max|grad| = 0.00253327 (...)``.
_GRADIENT = re.compile(r"(?<=max\|grad\| = )[-+0-9.eE]+")


def message_check(ref: Any, py: Any, env: Envelope, polished: str):
    """The optimizer's stopping message where lme4's own path is not reproducible: any
    message lme4 itself stopped with over its row permutations passes (flagged), and so
    does the message of pylme's own restarts (``pylme/polish.py``), which lme4 never makes."""
    r, p = ref.get("value"), py.get("value")
    if r == p:
        return None
    if p in env.messages and len(set(env.messages)) > 1:
        detail = (f"R {r!r} pylme {p!r}: lme4 itself stops with either over row permutations "
                  f"({len(env.messages)} distinct messages)")
    elif any(remedy in polished for remedy in ("restart", "mirrored edge")):
        detail = (f"R {r!r} pylme {p!r}: the stop of pylme's {polished} after BOBYQA's first "
                  "stop (pylme/polish.py), not lme4's")
    else:
        return None
    return lambda result: result(1.0, math.nan, True, detail, flagged=True)


def _masked(texts: list[str]) -> list[str]:
    return [_GRADIENT.sub("#", t) for t in texts]


def _gradients(texts) -> list[float]:
    return [float(x) for t in texts for x in _GRADIENT.findall(t)]


def conv_messages_check(theirs: list[str], ours: list[str], r_conv: list[str],
                        py_conv: list[str], env: Envelope | None) -> tuple[bool, str] | None:
    """lme4's convergence messages where lme4 itself does not reproduce them (GLMMs).

    `theirs`/`ours` are the compared lists (the fit's warnings, or the messages alone),
    `r_conv`/`py_conv` each side's convergence messages among them. lme4's checks read the
    finite-difference gradient and Hessian at the end point, which moves with the row
    order; ``conv`` of lme4's spread holds the messages of each of its own fits. Passes
    (flagged) when everything else is equal and pylme's messages are those of one of
    lme4's own fits, a quoted ``max|grad|`` within the range lme4 itself quoted, widened
    by that range. None when lme4 always said the same (the strict comparison stands).
    """
    if env is None or len(set(env.conv)) < 2:
        return None

    def without(texts: list[str], conv: list[str]) -> list[str]:
        rest = list(texts)
        for message in conv:
            if message in rest:
                rest.remove(message)
        return rest

    if without(theirs, r_conv) != without(ours, py_conv):
        return None
    own = [[m for m in c.split(CONV_SEPARATOR) if m] for c in env.conv]
    if _masked(py_conv) not in [_masked(c) for c in own]:
        return None
    if not _within_quoted(py_conv, env, r_conv):
        return None
    quoted = _gradients(env.conv) + _gradients(r_conv)
    return True, (f"R {theirs} pylme {ours}: lme4's own convergence messages differ over row "
                  f"permutations ({len(set(env.conv))} distinct"
                  + (f", max|grad| {min(quoted):g}..{max(quoted):g}" if quoted else "") + ")")


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
    quantity = context.get("quantity", "optimizer.objective")
    worst = env.worst_objective(quantity) if env is not None else None
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
        if i < len(theirs) and i < len(ours) and (close(theirs[i], ours[i], tolerance)
                                                   or _gradient_line(theirs[i], ours[i], context)):
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


def _gradient_line(r: str, p: str, context) -> bool:
    """A printed ``max|grad|`` message whose number lme4 itself does not reproduce, with
    pylme's number within lme4's own range (see :func:`conv_messages_check`)."""
    env: Envelope | None = context.get("envelope")
    if env is None or len(set(env.conv)) < 2 or not _GRADIENT.search(r):
        return False
    if _masked([r]) != _masked([p]):
        return False
    return _within_quoted([p], env, [r])


def _within_quoted(py_texts: list[str], env: Envelope, r_texts: list[str]) -> bool:
    """pylme's quoted gradients inside lme4's own range, widened by that range."""
    quoted = _gradients(env.conv) + _gradients(r_texts)
    ours = _gradients(py_texts)
    if not ours:
        return True
    if not quoted:
        return False
    low, high = min(quoted), max(quoted)
    return all(low - (high - low) <= g <= high + (high - low) for g in ours)


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
    stage = "glmer's stage 1" if context.get("quantity", "").endswith("_stage1") else None
    detail = f"feval R {r} pylme {p} ({stage or f'optimizer {optimizer}'})"
    if r is None or not (optimizer == "nloptwrap" or context.get("judge_counts")):
        # no count in R (optimizer = NULL), or lmer with minqa's bobyqa / Nelder-Mead, whose
        # implementations pylme's lmer does not share: reported, never judged (glmer's
        # stages run pylme's ports of minqa's BOBYQA and lme4's Nelder-Mead: judged)
        return result(diff, math.nan, True, detail, flagged=True)
    if context.get("polished"):
        return result(diff, math.nan, True, f"{detail}; pylme's {context['polished']} after "
                      "BOBYQA stopped (pylme/polish.py) adds its own evaluations", flagged=True)
    env: Envelope | None = context.get("envelope")
    quantity = context.get("quantity", "optimizer.feval")
    accepted = (env.feval_range(r if numbers else None, quantity)
                if env is not None and env.measured else None)
    if accepted is None:
        return result(diff, math.nan, False, f"{detail}; lme4's own spread not measured "
                      "(python -m conformance spread)")
    low, high = accepted
    lme4 = sorted(set(env.series(quantity, "feval"))) or [r]
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
