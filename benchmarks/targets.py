"""Issue 11's speed targets, judged on one comparison's figures, with the anatomy of every miss.

Each :class:`Target` names a model (or the whole-process row) and a test on the figures of
one run; :func:`judge` returns one line per target that the run measured: met, or missed
with the measured gap and what the time is made of — the deviance evaluations (count ×
time per evaluation at the fitted θ), the dense-Cholesky floor of those evaluations, and
the time outside them (formula, model frame, design, setup, derivative bookkeeping).
Targets whose models or tools were not run are left out, never reported as met.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Target", "TARGETS", "judge", "markdown_lines"]


@dataclass(frozen=True)
class Target:
    """One goal of the comparison.

    Attributes
    ----------
    model : str
        Model key (:mod:`benchmarks.models`), or ``"process"`` for the whole-process row.
    kind : str
        ``"ratio"`` (lme4's time over pylme's ≥ ``value``), ``"ratio_openblas"`` (the same
        against lme4 on OpenBLAS), ``"beats"`` (pylme faster than ``tool``), ``"floor"``
        (time per evaluation ≤ ``value`` × the dense-Cholesky floor), ``"memory"`` (peak RSS
        ≤ lme4's), ``"seconds"`` (pylme's fit ≤ ``value`` s), ``"rss"`` (peak RSS <
        ``value`` MiB) or ``"process"`` (whole process ≤ ``value`` of Rscript's).
    value : float
    tool : str
        The other tool of ``"beats"``.
    """

    model: str
    kind: str
    value: float = 0.0
    tool: str = ""

    def label(self) -> str:
        return {"ratio": f"≥ {self.value:g}× faster than lme4",
                "ratio_openblas": f"≥ {self.value:g}× faster than lme4 on OpenBLAS",
                "beats": f"faster than {self.tool}",
                "floor": f"per evaluation ≤ {self.value:g} × the dense-Cholesky floor",
                "memory": "peak memory ≤ lme4's",
                "seconds": f"≤ {self.value:g} s",
                "rss": f"peak memory < {self.value / 1024:g} GiB",
                "process": f"whole process ≤ {self.value:g} of Rscript's"}[self.kind]


def _speed(model: str, ratio: float, openblas: float | None = None, beats_mixedlm: bool = True) -> list[Target]:
    out = [Target(model, "ratio", ratio)]
    if openblas:
        out.append(Target(model, "ratio_openblas", openblas))
    if beats_mixedlm:
        out.append(Target(model, "beats", tool="mixedlm"))
    return out


#: The goals of issue 11 (ratios against lme4 on Debian's reference BLAS).
TARGETS: tuple[Target, ...] = (
    *_speed("insteval_reml", 15, openblas=5), Target("insteval_reml", "floor", 1.5),
    *_speed("insteval_3theta", 10), *_speed("insteval_service_dept", 10),
    *_speed("star", 3, openblas=3), Target("star", "memory"),
    *_speed("kb07_like", 3, openblas=3), Target("kb07_like", "memory"),
    *(Target(m, "ratio", 3) for m in ("sleepstudy", "dyestuff", "penicillin")),
    Target("crossed_1m", "seconds", 60), Target("crossed_1m", "rss", 2048), Target("crossed_1m", "beats", tool="mixedlm"),
    Target("crossed_1m", "ratio", 5),
    Target("process", "process", 0.5),
)


def _s(x: float) -> str:
    if x < 1e-3:
        return f"{x * 1e6:.0f} µs"
    return f"{x * 1e3:.3g} ms" if x < 1 else f"{x:.3g} s"


def _anatomy(e: dict, need: float | None = None) -> str:
    """``pylme 0.95 s = 31 evaluations × 20.0 ms (620 ms; their dense Cholesky at the floor:
    31 × 13.5 ms = 419 ms) + 0.33 s outside them``, and, given the time a target needs, whether
    the evaluations' dense factorizations alone already exceed it."""
    seconds, evals, per = e.get("seconds"), e.get("evals"), e.get("per_eval")
    if not (seconds and evals and per):
        return ""
    inside = evals * per
    floor = (e.get("floor") or {}).get("seconds")
    floor_text = ""
    if floor:
        floor_text = f"; their dense Cholesky at the floor: {evals} × {_s(floor)} = {_s(evals * floor)}"
    text = (f"pylme {_s(seconds)} = {evals} evaluations × {_s(per)} ({_s(inside)}{floor_text}) + "
            f"{_s(max(seconds - inside, 0.0))} outside them")
    if need and floor and evals * floor > need:
        text += f"; the factorizations alone exceed the {_s(need)} the target allows"
    elif need and inside > need:
        text += f"; the evaluations alone exceed the {_s(need)} the target allows"
    return text


def _check(t: Target, row: dict) -> tuple[bool, str] | None:
    """(met, measured text) or None when the run lacks the figures."""
    tools = row.get("tools", {})
    p = tools.get("pylme")
    if not p or p.get("status") != "ok" or not p.get("seconds"):
        return None
    if t.kind in ("ratio", "ratio_openblas"):
        ref = tools.get("lme4" if t.kind == "ratio" else "lme4-openblas")
        if not ref:
            return None
        if ref.get("status") == "ok" and ref.get("seconds"):
            ratio, bound = ref["seconds"] / p["seconds"], ""
        elif ref.get("status") == "timeout" and t.kind == "ratio" and p.get("ratio_lower_bound"):
            ratio, bound = p["ratio"], "> "
        else:
            return None
        need = (ref.get("seconds") or 0) / t.value
        text = f"{bound}{ratio:.2f}×"
        if ratio < t.value and need:
            text += f"; needs ≤ {_s(need)}; {_anatomy(p, need)}"
        return ratio >= t.value, text
    if t.kind == "beats":
        other = tools.get(t.tool)
        if not other or other.get("status") != "ok" or not other.get("seconds"):
            return None
        ok = p["seconds"] < other["seconds"]
        text = f"pylme {_s(p['seconds'])}, {t.tool} {_s(other['seconds'])}"
        return ok, text if ok else f"{text}; {_anatomy(p)}"
    if t.kind == "floor":
        floor = (p.get("floor") or {}).get("seconds")
        if not (floor and p.get("per_eval")):
            return None
        over = p["per_eval"] / floor
        return over <= t.value, f"{_s(p['per_eval'])} per evaluation, floor {_s(floor)}: {over:.2f}×"
    if t.kind in ("memory", "rss"):
        mine = p.get("maxrss_kib")
        ref = (tools.get("lme4") or {}).get("maxrss_kib") if t.kind == "memory" else t.value * 1024
        if not (mine and ref):
            return None
        return mine <= ref, f"pylme {mine / 1024:.0f} MiB" + (f", lme4 {ref / 1024:.0f} MiB" if t.kind == "memory" else "")
    if t.kind == "seconds":
        return p["seconds"] <= t.value, f"{_s(p['seconds'])}" + ("" if p["seconds"] <= t.value else f"; {_anatomy(p)}")
    return None


def _check_process(t: Target, process: dict | None) -> tuple[bool, str] | None:
    tools = (process or {}).get("tools", {})
    p, r = tools.get("pylme", {}), tools.get("lme4", {})
    if not (p.get("seconds") and r.get("seconds")):
        return None
    ratio = p["seconds"] / r["seconds"]
    text = f"pylme {_s(p['seconds'])}, Rscript {_s(r['seconds'])}: {ratio:.2f}"
    imports = tools.get("imports", {}).get("seconds")
    if ratio > t.value and imports:
        text += (f"; needs ≤ {_s(r['seconds'] * t.value)}; starting Python and importing NumPy, pandas and "
                 f"SciPy alone take {_s(imports)}")
    return ratio <= t.value, text


def judge(report: dict) -> list[tuple[Target, bool, str]]:
    """Every target the run measured: (target, met, measured text with the anatomy of a miss)."""
    rows = {row["model"]: row for row in report.get("models", []) if "model" in row}
    out = []
    for t in TARGETS:
        res = _check_process(t, report.get("process")) if t.kind == "process" else (
            _check(t, rows[t.model]) if t.model in rows else None)
        if res is not None:
            out.append((t, *res))
    return out


def markdown_lines(report: dict) -> list[str]:
    """The targets table (empty when the run measured none)."""
    judged = judge(report)
    if not judged:
        return []
    lines = ["", "Targets (issue 11), judged on this run:", "", "| model | target | met | measured |",
             "|---|---|---|---|"]
    for t, met, text in judged:
        lines.append(f"| {t.model} | {t.label()} | {'yes' if met else '**no**'} | {text} |")
    return lines
