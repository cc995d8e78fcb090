"""The generated-design policy: how the tiers' verdicts are re-checked for random designs.

Used by :func:`conformance.generated.compare_design` after
``compare.compare_case``. Nothing here changes the tiers (``conformance/tiers.py``,
the single place for tolerances of curated cases); this module documents, with
the measurements behind each rule, why random designs need a few more.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from pylme.convergence import lme4_wording

# The tiers are tuned on curated cases whose optimizer path pylme reproduces
# step by step; random designs are often flat, near-singular or ridge-shaped.
# Measured on 200 designs (seed 20240607), the deterministic group (all at R's
# θ̂) and the objective (one-sided) always agreed; but pylme's criterion equals
# lme4's only to ~1e-14 (another Cholesky ordering; and, at the time, the
# intercept-only start θ was 1 ulp off), so BOBYQA's last steps differ. Once
# the objective passes:
# * feval and the stop message are advisory: 18 designs differed only there
#   (feval by 1 or 2; θ within 6.4e-7, objectives within 1.1e-12);
# * θ within its tolerance (1e-5 absolute near 0) still moves BLUPs ∝ Λθ of
#   small components by more than rtol 1e-5 (0.0683279 vs 0.0683289;
#   -0.0071669 vs -0.0071746 for a component with θ ~ 1e-3) and printed
#   near-zero SDs by more than a digit (4.057e-05 vs 4.031e-05): θ-dependent
#   numbers get rtol 1e-4 and atol 1e-5·max|y| (θ's own absolute slack on the
#   response scale), printed numbers rtol 1e-4 of their line or, both below
#   1e-3, atol 1e-4;
# * the FD gradient quoted in "Model failed to converge with max|grad| =
#   0.00282169 (tol = 0.002, ...)" (pylme 0.00261376) is taken at each side's
#   own θ̂ (advisory in the tiers, derivs_gradient): that number is masked;
# * on a ridge (θ outside its tolerance: 15 designs, θ 1e-4..0.24 apart,
#   objectives within 9e-8, feval 86/85, 178/155) the position is no
#   conformance property ("multi-optimum: a pass"): θ and what follows from
#   it are advisory, and so are the diagnostics of that position (isSingular,
#   the singular-fit and convergence messages, the convergence code when the
#   messages differ); text is compared with numbers masked (NaN included: the
#   correlation of a zero-variance component) and those diagnostic lines
#   left out: every other word and line must match.
# * a finite-difference Hessian eigenvalue at noise level (see
#   _hessian_at_noise) makes lme4's Hessian checks a coin toss: those
#   convergence messages (not the singular-fit one) and the code are left out
#   as on a ridge, numbers are still compared.
# * a diagonal θ snapped to 0 on one side only (see _snapped_differently): the
#   correlations of that zero-SD component (R 1.00, pylme NaN) are not compared.
# If pylme's objective is worse by more than 1e-6, both are refitted on 16 row
# permutations of the data (rounding alone moves lme4's own optimum by up to
# 1.1e-5 on flat designs): see _within_spread.
# And always: structure.Zt of an ordered factor's random slope holds contr.poly
# values 1 ulp apart (-0.7071067811865475 vs ...476); the tiers give X's
# polynomial columns 1e-13 ("values out of a QR decomposition"), Zt gets it too.
# u and b at R's θ̂ are compared relative to their largest entry; when that is
# rounding noise itself (every BLUP zero, as in exact_singular designs: R
# 6.7e-14, pylme 7.4e-17) they are compared absolutely, to 1e-10·max|y|.
# A re-check that still fails stays a failure; re-checked results are flagged.
# GLMM designs (conformance.strategies_glmm) follow the same rules: their end point is
# a Nelder-Mead stop on a piecewise-smooth criterion (PIRLS iteration counts), so the
# quantities that follow it (Hessian-based vcov, the four residual types, predictions,
# deviance(), stage 1's end point) are re-checked as the lmer ones; stage 1's count and
# criterion are advisory once the final objective passes, as feval is.
_DEPENDENT = tuple(f"optimizer.{n}" for n in (
    "fixef", "sigma", "se", "ranef", "condVar", "fitted", "residuals_response",
    "residuals_pearson", "logLik", "AIC", "BIC", "VarCorr",
    "vcov", "deviance", "residuals_deviance", "residuals_working", "predict_link",
    "predict_response", "theta_stage1", "beta_stage1"))
_ADVISORY = ("optimizer.feval", "optimizer.optinfo_message", "optimizer.feval_stage1",
             "optimizer.objective_stage1")
_RIDGE_ADVISORY = ("optimizer.theta", "optimizer.isSingular", *_DEPENDENT)
_MESSAGES = ("fit.warnings", "fit.messages", "optimizer.conv_lme4_messages")
_GRADIENT = re.compile(r"(?<=max\|grad\| = )\S+")
# printed numbers, NaN included (the correlation of a zero-variance component)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|\bNaN\b")
_CONV_LINE = re.compile(r"^optimizer \(.*\) convergence code")
_SINGULAR = "boundary (singular) fit: see help('isSingular')"


def _messages(side: dict, group: str, name: str) -> list[str]:
    record = side.get(group, {}).get(name)
    values = record.get("value") if isinstance(record, dict) else record
    # pylme's deliberate wording (help(pylme.isSingular)) read back as lme4's
    return [_GRADIENT.sub("#", lme4_wording(m)) for m in _strings(values)]


def _strings(values) -> list[str]:
    """The texts of a message record, flattened (R's ``messages`` may be a list of vectors)."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return [text for v in values for text in _strings(v)]


def apply_policy(case_id: str, results: list, reference: dict, py: Any,
                 features: Iterable[str] = (), spreads: tuple = ((), ())) -> list:
    """Re-check the failures the generated-design policy (above) covers.

    `py` is pylme's side (``py_side.PyFitResult``: ``groups`` and ``fit``);
    `spreads` lme4's and pylme's objectives on row-permuted copies of the data.
    """
    by = {r.quantity: r for r in results}
    if "optimizer.theta" not in by:  # an error case: nothing here applies
        return results
    sides = (reference, {**py.groups, "fit": py.fit})
    if not by["optimizer.objective"].passed and spreads[0]:
        ours = float(py.groups["optimizer"]["objective"]["value"])
        results = [_within_spread(r, *spreads, ours) if r.quantity == "optimizer.objective"
                   else r for r in results]
        by = {r.quantity: r for r in results}
    objective_ok = by["optimizer.objective"].passed
    ridge = objective_ok and not by["optimizer.theta"].passed
    noisy = objective_ok and _hessian_at_noise(sides)
    y = np.asarray(reference["structure"]["y"].get("value") or [0.0], dtype=float)
    # one entry per printed line ("...ratio\n - Rescale variables?"); the
    # singular-fit message depends on θ̂ only, so it stays unless on a ridge
    diagnostics = {line.strip() for side in sides
                   for m in _messages(side, "optimizer", "conv_lme4_messages")
                   for line in m.split("\n")} if ridge or noisy else set()
    if not ridge:
        diagnostics -= {_SINGULAR}
    context = {"poly_zt": {"ordered_factor", "slope_factor"} <= set(features),
               "objective_ok": objective_ok, "ridge": ridge, "noisy": noisy,
               "snap": objective_ok and _snapped_differently(reference, py.groups),
               "y_scale": float(np.max(np.abs(y))),
               "conv_differ": not by["optimizer.conv_lme4_messages"].passed,
               "diagnostics": diagnostics}
    out = []
    for r in results:
        verdict = None if r.passed else _verdict(case_id, r.quantity, sides, context)
        out.append(r if verdict is None else dataclasses.replace(
            r, passed=verdict[0], flagged=True,
            detail=f"generated-design policy: {verdict[1]} | strict tier: {r.detail}"))
    return out


def _hessian_at_noise(sides: tuple) -> bool:
    """Whether either side's finite-difference Hessian has an eigenvalue at noise level.

    lme4's deriv12 differences the criterion with step 1e-4, so rounding of a
    criterion f puts noise of about 4·eps·|f|/1e-8 ≈ 1e-7·|f| on every entry;
    an eigenvalue that small decides "numerically singular" (|λ| < 1e-6),
    "degenerate" (λ < -1e-6) or a failed Cholesky by chance. Measured: on a
    flat direction (x constant within g) R's λ = 4.3e-06, pylme's -7.1e-07.
    """
    noise = 1e-6
    eigenvalues = []
    for side in sides:
        record = side.get("optimizer", {}).get("derivs_hessian")
        objective = side.get("optimizer", {}).get("objective")
        try:
            H = np.asarray(record.get("value"), dtype=float)
            noise = max(noise, 1e-7 * abs(float(objective.get("value"))))
            eigenvalues.extend(np.linalg.eigvalsh((H + H.T) / 2))
        except (AttributeError, TypeError, ValueError, np.linalg.LinAlgError):
            continue
    return any(abs(ev) < 2 * noise for ev in eigenvalues)


def _within_spread(result: Any, r_values: tuple, py_values: tuple, ours: float) -> Any:
    """pylme's objective against lme4's own spread under row permutations.

    Passes when lme4 itself lands as high on some reordering of the same data
    (pylme <= max lme4 + 1e-6: on one design lme4 stopped 2.5e-6 above its best
    in 69 of 100 permutations, pylme in 56), or when pylme's median over the
    permutations is no worse than lme4's (+1e-6: on another design lme4's rare
    early stops reach 1.1e-5 but only 15 times in 200).
    """
    r_median, py_median = float(np.median(r_values)), float(np.median(py_values))
    ok = ours <= max(r_values) + 1e-6 or py_median <= r_median + 1e-6
    return dataclasses.replace(result, passed=ok, flagged=True, detail=(
        f"generated-design policy: on {len(r_values)} row permutations lme4 reached "
        f"[{min(r_values)!r}, {max(r_values)!r}] (median {r_median!r}), pylme "
        f"[{min(py_values)!r}, {max(py_values)!r}] (median {py_median!r}) | "
        f"strict tier: {result.detail}"))


def _verdict(case_id: str, q: str, sides: tuple, ctx: dict) -> tuple[bool, str] | None:
    """(passed, why) under the policy, or None when the policy does not cover `q`."""
    from conformance import compare
    from conformance.tiers import DETERMINISTIC, OPTIMIZER, STRUCTURE, Check, Tolerance

    group, name = q.split(".", 1)
    prepared = getattr(compare, "_prepared", None)  # condVar labelled by level
    records = [prepared(group, name, s) if prepared else s.get(group, {}).get(name)
               for s in sides]
    if q == "structure.Zt" and ctx["poly_zt"]:
        redo = compare.compare_record(case_id, q, *records, Check(STRUCTURE, Tolerance(atol=1e-13)))
        return redo.passed, f"contr.poly slack 1e-13 on Zt {redo.detail}"
    if q in ("deterministic.u", "deterministic.b"):
        atol = 1e-10 * ctx["y_scale"]
        redo = compare.compare_record(case_id, q, *records,
                                      Check(DETERMINISTIC, Tolerance(rtol=1e-10, atol=atol)))
        return redo.passed, f"all but zero: absolute {atol:.2g} (1e-10·max|y|) {redo.detail}"
    if not ctx["objective_ok"]:
        return None
    ridge = ctx["ridge"]
    if q == "optimizer.conv_lme4_code" and (ridge or ctx["noisy"]) and ctx["conv_differ"]:
        return True, "advisory (the convergence messages differ, see them)"
    if q in _ADVISORY or (ridge and q in _RIDGE_ADVISORY):
        return True, f"advisory ({'on a ridge' if ridge else 'path differs by rounding'})"
    if q in _DEPENDENT:
        atol = 1e-5 * ctx["y_scale"]
        if q == "optimizer.VarCorr" and ctx["snap"]:
            records = _without_undefined_correlations(*records)
        redo = compare.compare_record(case_id, q, *records,
                                      Check(OPTIMIZER, Tolerance(rtol=1e-4, atol=atol)))
        return redo.passed, redo.detail or f"within rtol 1e-4, atol {atol:.2g} (1e-5·max|y|)"
    if q in _MESSAGES:
        theirs, ours = ([m for m in _messages(s, group, name)
                         if not {line.strip() for line in m.split("\n")} <= ctx["diagnostics"]]
                        for s in sides)
        return theirs == ours, f"gradient numbers masked{', diagnostics left out' * ridge}"
    if group == "print":
        lines = [(records[i] or {}).get("value") or [] for i in (0, 1)]
        return _text_matches(*lines, ridge, ctx["diagnostics"], nan_ok=ctx["snap"])
    return None


def _snapped_differently(reference: dict, py_groups: dict, tol: float = 1e-5) -> bool:
    """A diagonal θ exactly 0 on one side, within lme4's boundary.tol of 0 on the other.

    check.boundary snaps such a θ only if that lowers the criterion strictly;
    measured: lme4 f(3.6e-7, 1.6e-7, 0) = f(0, 1.6e-7, 0) = 44.22831692007987,
    pylme 44.22831692007987 and 44.22831692007985, so pylme snaps and lme4 not.
    The correlations of that zero-SD component are then undefined on one side
    (R 1.00, pylme NaN).
    """
    try:
        lower = np.asarray(reference["structure"]["lower"]["value"], dtype=object)
        r = np.asarray(reference["optimizer"]["theta"]["value"], dtype=float)
        p = np.asarray(py_groups["optimizer"]["theta"]["value"], dtype=float)
    except (KeyError, TypeError, ValueError):
        return False
    diagonal = np.array([v == 0 for v in lower])
    if r.shape != p.shape or diagonal.shape != r.shape:
        return False
    differ = ((r == 0) != (p == 0)) & (np.maximum(r, p) < tol) & diagonal
    return bool(differ.any())


def _without_undefined_correlations(ref: Any, py: Any) -> tuple[Any, Any]:
    """VarCorr frames with correlations that are NaN on either side set to NaN on both."""
    def values(record: Any) -> list:
        return list((record or {}).get("value", {}).get("sdcor") or [])

    theirs, ours = values(ref), values(py)
    var2 = (ref or {}).get("value", {}).get("var2") or []
    undefined = {i for i, v in enumerate(var2) if v is not None and i < len(ours)
                 and any(x is None or x != x for x in (theirs[i], ours[i]))}
    def masked(record: Any, sdcor: list) -> Any:
        new = [None if i in undefined else x for i, x in enumerate(sdcor)]
        return {**record, "value": {**record["value"], "sdcor": new}}

    return masked(ref, theirs), masked(py, ours)


def _text_matches(theirs: list[str], ours: list[str], ridge: bool,
                  diagnostics: set[str], nan_ok: bool = False) -> tuple[bool, str]:
    """Line by line: words exactly, numbers loosely (masked on a ridge), without
    the convergence block's `diagnostics` lines when there are any."""
    from conformance.tiers import DELIBERATE_LINES

    def kept(lines: list[str], pylme: bool) -> list[str]:
        return [line for line in lines
                if not (pylme and any(re.match(p, line) for p in DELIBERATE_LINES))
                and not (diagnostics and (_GRADIENT.sub("#", line.strip()) in diagnostics
                                          or _CONV_LINE.match(line)))]

    theirs, ours = kept(theirs, False), kept([lme4_wording(line) for line in ours], True)
    while diagnostics and theirs and ours and not (theirs[-1].strip() and ours[-1].strip()):
        # lme4 ends the convergence block with an empty line, absent without one
        (theirs if not theirs[-1].strip() else ours).pop()
    if len(theirs) != len(ours):
        return False, f"{len(theirs)} lines in R, {len(ours)} in pylme"
    for i, (r, p) in enumerate(zip(theirs, ours)):
        if not _same_line(r, p, ridge, nan_ok):
            return False, f"line {i + 1}: R {r!r} | pylme {p!r}"
    return True, "numbers masked" if ridge else "numbers within rtol 1e-4 / near-zero atol 1e-4"


def _same_line(r: str, p: str, masked: bool, nan_ok: bool = False) -> bool:
    if _NUMBER.sub("#", r).split() != _NUMBER.sub("#", p).split():
        return False
    texts = _NUMBER.findall(r)
    xs, ys = [float(v) for v in texts], [float(v) for v in _NUMBER.findall(p)]
    scale = max((abs(x) for x in xs if not np.isnan(x)), default=0.0)
    for text, x, y in zip(texts, xs, ys):
        if np.isnan(x) or np.isnan(y):
            if masked or nan_ok or (np.isnan(x) and np.isnan(y)):
                continue
            return False
        mantissa, _, exponent = text.lower().partition("e")
        unit = 10.0 ** -len(mantissa.partition(".")[2]) * 10.0 ** int(exponent or 0)
        near_zero = max(abs(x), abs(y)) < 1e-3 and abs(x - y) <= 1e-4
        if not masked and abs(x - y) > 1e-4 * scale + unit and not near_zero:
            return False
    return True


#: Real pylme discrepancies found on generated designs that no generator
#: feature isolates (so they cannot be excluded from the default generator):
#: quantity -> the reason, with exact numbers and the minimal case directory.
#: They are reported as known, not counted as failures.
KNOWN_GENERATED: dict[str, str] = {
    # (fixed: lme4's convergence code is the Hessian check's when it fires — the case
    # gen_d7b5a06ccd1f_reml, y ~ 1 + (1 | g) + (1 | h), now matches)
}


def failing(results: Iterable) -> list[str]:
    """Names of the quantities that failed, other than known discrepancies.

    Skipped and flagged quantities pass. A failure recorded for every case in
    ``tiers.KNOWN_DISCREPANCIES`` (``"*"``) or in :data:`KNOWN_GENERATED` is a
    known pylme difference, not news from a generated design.
    """
    return [r.quantity for r in results if not r.passed and not is_known(r)]


def is_known(result: Any) -> bool:
    """Whether a failing `result` is a known discrepancy (see :func:`failing`)."""
    from conformance import tiers

    known = getattr(tiers, "KNOWN_DISCREPANCIES", {})
    return (known.get(("*", result.quantity)) is not None
            or result.quantity in KNOWN_GENERATED)
