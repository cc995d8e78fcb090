"""Whole-process comparison: start the interpreter, import, load sleepstudy, fit, exit.

``python -c "import pylme; ...; pylme.lmer(...)"`` against ``Rscript -e 'library(lme4);
lmer(...)'`` (and mixedlm's equivalent when it is among the tools), run interleaved
(round-robin) ``repeat`` times; the median wall time of each and the peak RSS of the child
(``os.wait4``'s ``ru_maxrss``).

Each tool runs once untimed first, and Python runs with its bytecode cache on (as an
installed package runs): ``PYTHONDONTWRITEBYTECODE`` in the benchmark's own environment
would otherwise make every timed run recompile pylme's sources, which no user pays — R's
packages are likewise loaded from their byte-compiled lazy-load databases.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time

__all__ = ["COMMANDS", "compare_processes"]

SLEEPSTUDY = "Reaction ~ Days + (Days | Subject)"

#: tool -> argv of the whole process (interpreter start to exit)
COMMANDS = {
    "lme4": ["Rscript", "-e", f"suppressMessages(library(lme4)); m <- lmer({SLEEPSTUDY}, data = sleepstudy)"],
    "pylme": [sys.executable, "-c",
              f"import pylme; d = pylme.datasets.load('sleepstudy'); m = pylme.lmer({SLEEPSTUDY!r}, d)"],
    "mixedlm": [sys.executable, "-c",
                f"import mixedlm; d = mixedlm.load_sleepstudy(); m = mixedlm.lmer({SLEEPSTUDY!r}, d)"],
}
#: not a tool: the part of pylme's process that pylme does not control (the interpreter
#: and the libraries every fit needs), reported beside the tools
IMPORTS = [sys.executable, "-c", "import numpy, pandas, scipy.linalg, scipy.sparse"]


def _run_once(argv: list[str], timeout: float) -> tuple[float, int]:
    """(wall seconds, peak RSS KiB) of one run of ``argv``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            proc.wait()
            raise TimeoutError(f"{argv[0]} ran past {timeout:.0f} s")
        time.sleep(0.002)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} failed: {proc.stderr.read().decode()[-500:]}")
    return seconds, int(usage.ru_maxrss)


def compare_processes(tools: list[str], repeat: int, timeout: float = 120.0) -> dict:
    """Median wall time and peak RSS of the whole process per tool, runs interleaved."""
    commands = {**COMMANDS, "imports": IMPORTS}
    runnable = [t for t in tools if t in COMMANDS and shutil.which(COMMANDS[t][0]) is not None]
    if "pylme" in runnable:
        runnable.append("imports")
    if "mixedlm" in runnable:
        try:
            import importlib.util

            if importlib.util.find_spec("mixedlm") is None:
                runnable.remove("mixedlm")
        except ImportError:
            runnable.remove("mixedlm")
    times: dict[str, list[float]] = {t: [] for t in runnable}
    rss: dict[str, int] = {t: 0 for t in runnable}
    errors: dict[str, str] = {}
    for tool in runnable:  # untimed: bytecode written, files in the page cache
        try:
            _run_once(commands[tool], timeout)
        except (RuntimeError, TimeoutError) as exc:
            errors[tool] = str(exc)
    for r in range(repeat):
        order = runnable[r % max(1, len(runnable)):] + runnable[: r % max(1, len(runnable))]
        for tool in order:
            if tool in errors:
                continue
            try:
                seconds, peak = _run_once(commands[tool], timeout)
            except (RuntimeError, TimeoutError) as exc:
                errors[tool] = str(exc)
                continue
            times[tool].append(seconds)
            rss[tool] = max(rss[tool], peak)
    out = {"model": "sleepstudy", "formula": SLEEPSTUDY, "repeat": repeat, "tools": {}}
    for tool in runnable:
        seconds = statistics.median(times[tool]) if times[tool] else None
        out["tools"][tool] = {"seconds": seconds, "times": times[tool], "maxrss_kib": rss[tool] or None,
                              "error": errors.get(tool), "command": " ".join(commands[tool][:2]) + " …"}
    ref = out["tools"].get("lme4", {}).get("seconds")
    for entry in out["tools"].values():
        entry["ratio_to_lme4"] = entry["seconds"] / ref if ref and entry["seconds"] else None
    return out
