"""The comparison's Markdown (stdout and the README's ``speed-table`` block) and its scaling fit."""

from __future__ import annotations

import numpy as np

from .targets import markdown_lines as target_lines

__all__ = ["scaling_exponents", "markdown"]


def scaling_exponents(models: list[dict]) -> dict:
    """Per tool, the least-squares slope of log(seconds) on log(rows) over the scaling
    series (points where the tool finished; at least two needed)."""
    points: dict[str, list[tuple[int, float]]] = {}
    for row in models:
        if row.get("series") != "scaling" or not row.get("rows"):
            continue
        for tool, e in row["tools"].items():
            if e.get("seconds"):
                points.setdefault(tool, []).append((row["rows"], e["seconds"]))
    out = {}
    for tool, pts in points.items():
        if len(pts) < 2:
            continue
        x = np.log([p[0] for p in pts])
        y = np.log([p[1] for p in pts])
        slope, _ = np.polyfit(x, y, 1)
        out[tool] = {"exponent": float(slope), "points": [{"rows": n, "seconds": s} for n, s in pts]}
    return out


def _seconds(x: float | None) -> str:
    if x is None:
        return "–"
    if x < 1e-3:
        return f"{x * 1e6:.0f} µs"
    if x < 1:
        return f"{x * 1e3:.3g} ms"
    return f"{x:.3g} s"


def _mib(kib: int | None) -> str:
    return "–" if not kib else f"{kib / 1024:.0f} MiB"


def _fit_cell(e: dict, timeout: float) -> str:
    if e["status"] == "timeout":
        return f"> {timeout:.0f} s (cap)"
    if e["status"] != "ok":
        return "error"
    return _seconds(e["seconds"])


def _ratio_cell(e: dict) -> str:
    if e.get("ratio") is None:
        return "–"
    return (">" if e.get("ratio_lower_bound") else "") + f"{e['ratio']:.2f}×"


def _diff_cell(e: dict, against: str | None) -> str:
    d = e.get("objective_diff")
    if d is None:
        return "–"
    text = "0" if d == 0 else f"{d:+.2e}"
    return text if against == "lme4" else f"{text} (vs best)"


def _floor_cells(e: dict) -> tuple[str, str]:
    floor = e.get("floor")
    if not floor:
        return "–", "–"
    if floor.get("seconds") is None:
        return f"({floor.get('backend')})", "–"
    cell = f"{_seconds(floor['seconds'])} ({floor['order']}²)"
    per = e.get("per_eval")
    return cell, (f"{per / floor['seconds']:.1f}" if per else "–")


def _header(meta: dict, rows: list) -> list[str]:
    batched = {}
    for row in rows:
        if row.get("batch", 1) > 1:
            batched.setdefault(row["batch"], []).append(row["model"])
    batches = "".join(f"; {', '.join(models)}: samples of {b} consecutive fits, each divided by {b}, every tool alike"
                      for b, models in batched.items())
    lines = [f"Measured by `python -m benchmarks compare` on {meta['machine']}, {meta['date']}; "
             f"load average {meta['load_start']} at the start, {meta.get('load_end', '?')} at the end; "
             f"median of {meta['repeat']} interleaved fits per tool (fewer where a model caps it{batches}), "
             f"timeout {meta['timeout']:.0f} s per fit."]
    for tool, v in meta.get("versions", {}).items():
        lines[-1] += f" {tool} {v};"
    for tool, r in meta.get("r", {}).items():
        lines.append(f"{tool}: {r.get('R')}, BLAS `{r.get('blas')}`, LAPACK `{r.get('lapack')}`.")
    for tool, why in meta.get("unavailable", {}).items():
        lines.append(f"{tool}: not run ({why}).")
    lines.append(f"pylme: NumPy {meta.get('numpy')}, BLAS {meta.get('numpy_blas')}.")
    for run in meta.get("reruns", []):
        shown = run.get("shown", run["models"])
        if shown:
            lines.append(f"Rows marked {_rerun_mark(meta, run['date'])} ({', '.join(shown)}) were rerun on "
                         f"{run['date']}, load {run['load_start']} at the start, {run['load_end']} at the "
                         f"end, median of {run['repeat']}, timeout {run.get('timeout', meta['timeout']):.0f} s per fit "
                         "(same machine and tools).")
    return lines


def _rerun_mark(meta: dict, date: str | None) -> str:
    """†1 for the first rerun, †2 for the second, …; '' for a row of the main run."""
    dates = [run["date"] for run in meta.get("reruns", [])]
    return f"†{dates.index(date) + 1}" if date in dates else ""


def markdown(report: dict) -> str:
    """The whole report as Markdown: header, model table, scaling exponents, whole process."""
    meta = report["meta"]
    timeout = meta["timeout"]
    lines = _header(meta, report.get("models", []))
    lines += ["", "× lme4 = lme4's time over the tool's (above 1: faster than lme4). Δ objective = lme4's own "
              "deviance function at the tool's θ minus at lme4's θ (REML criterion for REML fits; "
              "\"vs best\": against the lowest value any tool reached, where lme4 did not finish); peak RSS = "
              "the tool's worker process (Python, and the embedded R for lme4). evals = deviance evaluations of one fit "
              "(optimizer and derivative check); per eval = one evaluation at the fitted θ (* timed once, at the judged θ); floor = "
              "in-place `dpotrf` of pylme's largest dense block at that θ.", "",
              "| model | θ | tool | fit | × lme4 | evals | per eval | floor | eval/floor | peak RSS | Δ objective |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in report["models"]:
        first = True
        for tool, e in row["tools"].items():
            floor, over = _floor_cells(e)
            per = _seconds(e.get("per_eval")) + ("*" if e.get("per_eval_source") == "judge" else "")
            mark = _rerun_mark(meta, row.get("rerun"))
            label = (row["label"] + (f" {mark}" if mark else "")) if first else ""
            theta = str(row.get("n_theta") or "") if first else ""
            lines.append(f"| {label} | {theta} | {tool} | {_fit_cell(e, row.get('timeout', timeout))} | {_ratio_cell(e)} | "
                         f"{e.get('evals') if e.get('evals') is not None else '–'} | {per} | {floor} | {over} | "
                         f"{_mib(e.get('maxrss_kib'))} | {_diff_cell(e, row.get('diff_against'))} |")
            first = False
    scaling = report.get("scaling") or {}
    if scaling:
        lines += ["", "Scaling series (crossed designs, 50 rows per user and 200 per item; least-squares slope "
                  "of log time on log rows):", "", "| tool | exponent | points |", "|---|---|---|"]
        for tool, s in scaling.items():
            pts = ", ".join(f"{p['rows']:,}: {_seconds(p['seconds'])}" for p in s["points"])
            lines.append(f"| {tool} | {s['exponent']:.2f} | {pts} |")
    proc = report.get("process")
    if proc and proc.get("tools"):
        mark = _rerun_mark(meta, proc.get("rerun"))
        lines += ["", f"Whole process (interpreter start, import, load sleepstudy, fit `{proc['formula']}`)"
                  f"{' ' + mark if mark else ''}, median of {proc['repeat']} interleaved runs:", "",
                  "| tool | wall | ÷ Rscript | peak RSS |", "|---|---|---|---|"]
        for tool, e in proc["tools"].items():
            ratio = "–" if e.get("ratio_to_lme4") is None else f"{e['ratio_to_lme4']:.2f}"
            wall = "error" if e.get("error") else _seconds(e.get("seconds"))
            name = "python + imports only" if tool == "imports" else tool
            lines.append(f"| {name} | {wall} | {ratio} | {_mib(e.get('maxrss_kib'))} |")
    lines += target_lines(report)
    return "\n".join(lines)
