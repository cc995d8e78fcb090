"""``python -m benchmarks compare``: pylme, lme4, mixedlm and statsmodels side by side.

Every model of :mod:`benchmarks.models` is fitted by every available tool, each tool in its
own worker process, the repetitions interleaved round-robin (:mod:`benchmarks.runner`);
then the whole-process comparison on sleepstudy (:mod:`benchmarks.process`).  Output: a
Markdown table on stdout (:mod:`benchmarks.report`), everything in ``--json``, and with
``--readme`` the table in README.md's ``speed-table`` block.

Examples::

    python -m benchmarks compare                         # everything (hours on 2 cores)
    python -m benchmarks compare --quick --repeat 1      # Dyestuff, sleepstudy, Penicillin
    python -m benchmarks compare --only insteval_reml star --tools pylme,lme4 --json out.json
    python -m benchmarks compare --only scaling --timeout 600
    python -m benchmarks compare --r-openblas            # also lme4 on OpenBLAS (bash scripts/openblas_for_r.sh)
    python -m benchmarks compare --from-json out.json --readme   # an earlier run's report into README.md
    python -m benchmarks compare --only star --merge-into main.json --readme   # rerun rows, marked †1, †2, …
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import models as _models
from .models import TOOLS, select
from .process import compare_processes
from .readme_block import machine_line, replace_block
from .report import markdown, scaling_exponents
from .runner import Worker, WorkerError, openblas_dir, run_model

__all__ = ["main", "available_tools"]


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def available_tools() -> dict[str, str | None]:
    """tool -> None when it can run here, else why not (lme4-openblas is probed later)."""
    why: dict[str, str | None] = {"pylme": None}
    why["lme4"] = None if shutil.which("Rscript") and _has("rpy2") else "needs R with lme4 and rpy2"
    why["lme4-openblas"] = None if openblas_dir() else "no OpenBLAS libblas.so.3 found (PYLME_BENCH_OPENBLAS)"
    why["mixedlm"] = None if _has("mixedlm") else "mixedlm not installed"
    why["statsmodels"] = None if _has("statsmodels") else "statsmodels not installed"
    return why


def _probe_openblas() -> str | None:
    """None when an R worker started with OpenBLAS really runs on it, else why not."""
    try:
        w = Worker("lme4-openblas")
    except WorkerError as exc:
        return str(exc).splitlines()[0]
    try:
        blas = w.hello.get("r", {}).get("blas", "")
    finally:
        w.close()
    return None if "openblas" in blas.lower() else f"R still loads {blas}"


def _numpy_blas() -> str:
    import numpy as np

    try:
        cfg = np.__config__.CONFIG["Build Dependencies"]["blas"]
        return f"{cfg['name']} {cfg.get('version', '')}".strip()
    except (AttributeError, KeyError, TypeError):
        return "unknown"


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _write_frames(spec, directory: str, for_r: bool) -> tuple[str, str | None]:
    """The model's data pickled for the Python workers and, for a generated design when an
    R tool runs, as CSV for R; (pickle path, CSV path or None)."""
    stem = Path(directory) / spec.data.replace(":", "_")
    frame = _models.load_frame(spec)
    frame.to_pickle(f"{stem}.pkl")
    csv = None
    if for_r and spec.generated:
        csv = f"{stem}.csv"
        frame.to_csv(csv, index=False)
    return f"{stem}.pkl", csv


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks compare", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed fits per tool and model (median; default 5)")
    parser.add_argument("--only", nargs="+", default=None, help="model keys (or 'scaling' for the series)")
    parser.add_argument("--quick", action="store_true", help="small models only (for tests)")
    parser.add_argument("--tools", default=None, help=f"comma-separated subset of {','.join(TOOLS)}")
    parser.add_argument("--r-openblas", action="store_true", help="also lme4 in an R running on OpenBLAS")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per fit before a tool is cut off")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds spent timing one evaluation and the floor")
    parser.add_argument("--no-process", action="store_true", help="skip the whole-process comparison")
    parser.add_argument("--json", default=None, help="write the full results here")
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md (speed-table block)")
    parser.add_argument("--from-json", default=None, metavar="JSON",
                        help="run nothing: print (and with --readme, write) the report of an earlier --json")
    parser.add_argument("--merge-into", default=None, metavar="JSON",
                        help="replace the rows of the models run now (or of --from-json's run) in an "
                             "earlier --json, each rerun row marked with its run's date and load, and "
                             "write it back (or to --json)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        report = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        if args.merge_into:  # an earlier rerun's JSON merged into the main one
            earlier = json.loads(Path(args.merge_into).read_text(encoding="utf-8"))
            return _report(merge(earlier, report), args.json or args.merge_into, args.readme)
        return _report(report, None, args.readme)
    why = available_tools()
    wanted = [t.strip() for t in args.tools.split(",")] if args.tools else [t for t in TOOLS if t != "lme4-openblas"]
    if args.r_openblas and "lme4-openblas" not in wanted:
        wanted.append("lme4-openblas")
    unknown = [t for t in wanted if t not in TOOLS]
    if unknown:
        print(f"unknown tool(s) {', '.join(unknown)}; known: {', '.join(TOOLS)}", file=sys.stderr)
        return 2
    if "lme4-openblas" in wanted and why["lme4-openblas"] is None:
        why["lme4-openblas"] = _probe_openblas()
    unavailable = {t: why[t] for t in wanted if why[t]}
    tools = [t for t in TOOLS if t in wanted and not why[t]]
    log = (lambda *a: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    chosen = select(args.only, args.quick)
    meta = {"machine": machine_line().split(", 1-minute load")[0], "date": _dt.datetime.now().isoformat(timespec="seconds"),
            "load_start": _load(), "repeat": args.repeat, "timeout": args.timeout, "tools": tools,
            "unavailable": unavailable, "python": sys.version.split()[0], "numpy": __import__("numpy").__version__,
            "numpy_blas": _numpy_blas(), "versions": {}, "r": {}}
    rows = []
    with tempfile.TemporaryDirectory(prefix="pylme-bench-") as tmp:
        for_r = any(t.startswith("lme4") for t in tools)
        for spec in chosen:
            log(f"{spec.key}: {spec.formula}")
            frame, csv = _write_frames(spec, tmp, for_r)
            row = run_model(spec, tools, args.repeat, args.timeout, csv, args.budget, log, frame=frame)
            Path(frame).unlink()
            rows.append(row)
            for tool, e in row["tools"].items():
                if e.get("version"):
                    meta["versions"][tool] = e["version"]
                if e.get("r"):
                    meta["r"][tool] = e["r"]
    process = None if args.no_process else compare_processes([t for t in tools if t != "lme4-openblas"], args.repeat)
    meta["load_end"] = _load()
    report = {"meta": meta, "models": rows, "scaling": scaling_exponents(rows), "process": process}
    if args.merge_into:
        earlier = json.loads(Path(args.merge_into).read_text(encoding="utf-8"))
        return _report(merge(earlier, report), args.json or args.merge_into, args.readme)
    return _report(report, args.json, args.readme)


def merge(earlier: dict, rerun: dict) -> dict:
    """`earlier` with the rows of `rerun`'s models replaced (or added), each marked with the
    rerun's date; the rerun's run (date, load, repeat) is listed in ``meta["reruns"]``.
    The whole-process comparison is the rerun's when it made one."""
    meta = dict(earlier["meta"])
    run = {key: rerun["meta"][key] for key in ("date", "load_start", "load_end", "repeat", "timeout")}
    run["models"] = [row["model"] for row in rerun["models"]]
    meta["reruns"] = [*meta.get("reruns", []), run]
    fresh = {row["model"]: {**row, "rerun": run["date"]} for row in rerun["models"]}
    rows = [fresh.pop(row["model"], row) for row in earlier["models"]] + list(fresh.values())
    process = rerun.get("process") or earlier.get("process")
    if rerun.get("process"):
        process = {**process, "rerun": run["date"]}
    for past in meta["reruns"]:  # the models whose row is still that run's
        past["shown"] = [row["model"] for row in rows if row.get("rerun") == past["date"]]
    return {"meta": meta, "models": rows, "scaling": scaling_exponents(rows), "process": process}


def _report(report: dict, json_path: str | None, readme: bool) -> int:
    """Print the report's Markdown; write the JSON and the README block when asked."""
    text = markdown(report)
    print(text)
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2, default=float), encoding="utf-8")
    if readme:
        replace_block("speed-table", text)
    return 0
