"""Run one model on every tool, interleaved: the parent side of :mod:`benchmarks.worker`.

For each model one worker process per tool is started (so that ``ru_maxrss`` is that tool's
alone) and loaded; then the repetitions go round-robin — round ``r`` fits tool 1, tool 2,
…, the next round starts one tool later — so that a change of machine load falls on every
tool alike.  A fit that outlasts ``timeout`` kills its worker; the tool is then reported
as ``> timeout`` and not fitted again.  Finally every tool's θ is judged by lme4's own
deviance function (a fresh R worker when lme4's timed out).
"""

from __future__ import annotations

import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .models import ModelSpec

__all__ = ["Worker", "WorkerError", "WorkerTimeout", "run_model", "openblas_dir"]

ROOT = Path(__file__).resolve().parent.parent
#: Seconds allowed for a worker to start (imports, R and lme4) and to load a data set.
START_TIMEOUT = 300.0
#: Where Debian/Ubuntu put OpenBLAS's ``libblas.so.3`` (the alternative to the reference BLAS).
OPENBLAS_DIRS = (str(Path.home() / ".cache/pylme-bench/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"),
                 "/usr/lib/x86_64-linux-gnu/openblas-pthread", "/usr/lib/x86_64-linux-gnu/openblas-openmp",
                 "/usr/lib/x86_64-linux-gnu/openblas-serial", "/usr/lib/aarch64-linux-gnu/openblas-pthread",
                 "/usr/lib64/openblas", "/opt/OpenBLAS/lib")


class WorkerError(RuntimeError):
    """The worker died or could not start."""


class WorkerTimeout(WorkerError):
    """A command outlasted its time limit (the worker was killed)."""


def openblas_dir() -> str | None:
    """A directory holding OpenBLAS as ``libblas.so.3`` (``$PYLME_BENCH_OPENBLAS`` first)."""
    candidates = [os.environ.get("PYLME_BENCH_OPENBLAS", ""), *OPENBLAS_DIRS]
    for d in candidates:
        if d and (Path(d) / "libblas.so.3").exists():
            return d
    return None


class Worker:
    """A running :mod:`benchmarks.worker` process for one tool."""

    def __init__(self, tool: str, timeout: float = START_TIMEOUT):
        env = dict(os.environ)
        if tool == "lme4-openblas":
            lib = openblas_dir()
            if lib is None:
                raise WorkerError("no OpenBLAS libblas.so.3 found (set PYLME_BENCH_OPENBLAS)")
            env["LD_LIBRARY_PATH"] = lib + os.pathsep + env.get("LD_LIBRARY_PATH", "")
        self.tool = tool
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen([sys.executable, "-m", "benchmarks.worker", tool], cwd=ROOT, env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                      start_new_session=True)
        self._buf = b""
        self.hello = self._read(timeout)
        if not self.hello.get("ok"):
            self.close()
            raise WorkerError(self.hello.get("error", "worker failed to start"))

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def stderr_tail(self, n: int = 2000) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")[-n:]

    def _read(self, timeout: float | None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buf:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                self.kill()
                raise WorkerTimeout(f"{self.tool}: no answer within {timeout:.0f} s")
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self._proc.wait()
                raise WorkerError(f"{self.tool} worker exited ({self._proc.returncode}): {self.stderr_tail()}")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def call(self, msg: dict, timeout: float | None) -> dict:
        """Send one command; its answer (``ok`` false answers raise WorkerError)."""
        try:
            self._proc.stdin.write((json.dumps(msg) + "\n").encode())
            self._proc.stdin.flush()
        except BrokenPipeError as exc:
            raise WorkerError(f"{self.tool} worker is gone: {self.stderr_tail()}") from exc
        answer = self._read(timeout)
        if not answer.get("ok"):
            raise WorkerError(answer.get("error", "unknown error"))
        return answer

    def kill(self) -> None:
        if self.alive:
            os.killpg(self._proc.pid, signal.SIGKILL)  # its own session: R's children go too
            self._proc.wait()

    def close(self) -> None:
        if self.alive:
            try:
                self._proc.stdin.write(b'{"op": "quit"}\n')
                self._proc.stdin.flush()
                self._proc.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.kill()
        self._stderr.close()


def _tool_entry(tool: str) -> dict:
    return {"tool": tool, "status": "ok", "times": [], "seconds": None, "theta": None, "objective": None,
            "evals": None, "optimizer_evals": None, "per_eval": None, "floor": None, "maxrss_kib": None,
            "rss_start_kib": None, "version": None, "judged": None, "objective_diff": None, "ratio": None}


def run_model(spec: ModelSpec, tools: list[str], repeat: int, timeout: float, csv: str | None,
              budget: float = 0.5, log=print, frame: str | None = None) -> dict:
    """Fit ``spec`` with every applicable tool, interleaved; the model's row of the report.

    ``csv``: the data for R (generated designs); ``frame``: the data pickled for the Python
    tools (else each worker loads or generates it itself).
    """
    tools = [t for t in tools if spec.applies_to(t)]
    entries = {t: _tool_entry(t) for t in tools}
    workers: dict[str, Worker] = {}
    n_rep = min(repeat, spec.max_repeat or repeat)
    try:
        for tool in tools:
            try:
                w = workers[tool] = Worker(tool)
                load = w.call({"op": "load", "model": spec.to_dict(), "csv": csv, "frame": frame},
                              START_TIMEOUT + (timeout if spec.warmup else 0.0))
                entries[tool]["version"] = load["info"].get("version")
                entries[tool]["rss_start_kib"] = w.hello.get("rss_ready_kib")
                if "blas" in load["info"]:
                    entries[tool]["r"] = {k: load["info"][k] for k in ("R", "blas", "lapack")}
            except WorkerTimeout:
                entries[tool]["status"] = "timeout"
                workers.pop(tool, None)
            except WorkerError as exc:
                entries[tool]["status"] = f"error: {exc}"
                workers.pop(tool, None)
        for r in range(n_rep):
            order = tools[r % len(tools):] + tools[: r % len(tools)] if tools else []
            for tool in order:
                w = workers.get(tool)
                if w is None:
                    continue
                try:
                    # without a warm-up, the first timed fit is also the counted one
                    ans = w.call({"op": "fit", "count": r == 0 and not spec.warmup}, timeout)
                    entries[tool]["times"].append(ans["seconds"])
                    log(f"  {spec.key:22s} {tool:13s} round {r + 1}/{n_rep}: {ans['seconds']:.3f} s")
                except WorkerTimeout:
                    entries[tool]["status"] = "timeout"
                    log(f"  {spec.key:22s} {tool:13s} round {r + 1}/{n_rep}: > {timeout:.0f} s (killed)")
                    workers.pop(tool).close()
                except WorkerError as exc:
                    entries[tool]["status"] = f"error: {exc}"
                    workers.pop(tool).close()
        for tool, w in list(workers.items()):
            try:
                res = w.call({"op": "result", "budget": budget}, START_TIMEOUT + 10 * timeout)
                entries[tool].update({k: res[k] for k in ("theta", "objective", "evals", "optimizer_evals",
                                                          "per_eval", "floor", "maxrss_kib")})
            except WorkerError as exc:
                entries[tool]["status"] = f"error in result: {exc}"
        judge = _judge(spec, workers, entries, csv, timeout)
    finally:
        for w in workers.values():
            w.close()
    for e in entries.values():
        e["seconds"] = statistics.median(e["times"]) if e["times"] and e["status"] == "ok" else None
        # the whole fit spread over its evaluations (set-up and derivative check included)
        e["fit_per_eval"] = e["seconds"] / e["evals"] if e["seconds"] and e["evals"] else None
    _ratios(entries, timeout)
    return {"model": spec.key, "label": spec.label, "formula": spec.formula, "REML": spec.reml,
            "rows": spec.rows, "series": spec.series, "repeat": n_rep, "batch": spec.batch, "timeout": timeout,
            "n_theta": judge.get("n_theta"),
            "judge": judge.get("by"), "diff_against": judge.get("against"), "tools": entries}


def _judge(spec: ModelSpec, workers: dict, entries: dict, csv: str | None, timeout: float) -> dict:
    """lme4's deviance function at every tool's θ; differences to lme4's own end point."""
    thetas = {t: e["theta"] for t, e in entries.items() if e["theta"] is not None}
    if not thetas:
        return {}
    judge_worker, fresh = workers.get("lme4"), False
    try:
        if judge_worker is None:
            judge_worker, fresh = Worker("lme4"), True
            judge_worker.call({"op": "load", "model": spec.to_dict(), "csv": csv, "judge_only": True}, START_TIMEOUT)
        ans = judge_worker.call({"op": "judge", "thetas": thetas}, START_TIMEOUT + 2 * timeout)
    except WorkerError as exc:
        # no R: the objectives stay the tools' own, not comparable
        return {"by": f"unavailable ({str(exc).splitlines()[0][:120]})",
                "n_theta": len(next(iter(thetas.values())))}
    finally:
        if fresh and judge_worker is not None:
            judge_worker.close()
    judged = ans["objectives"]
    # lme4's own end point is the reference; when lme4 did not finish, the best point any
    # tool reached (the differences are then all >= 0)
    ref, against = judged.get("lme4"), "lme4"
    if ref is None:
        values = [v for v in judged.values() if v is not None]
        ref, against = (min(values), "best") if values else (None, None)
    for tool, value in judged.items():
        entries[tool]["judged"] = value
        if value is not None and ref is not None:
            entries[tool]["objective_diff"] = value - ref
    if "lme4" in entries and entries["lme4"]["per_eval"] is None:
        entries["lme4"]["per_eval"] = ans.get("eval_seconds")
        entries["lme4"]["per_eval_source"] = "judge"  # one evaluation per judged θ, not a median of many
    return {"by": "lme4 devfun", "against": against, "n_theta": ans.get("n_theta")}


def _ratios(entries: dict, timeout: float) -> None:
    """``ratio``: lme4's median over the tool's (> 1: faster than lme4); with lme4 timed out,
    a lower bound ``timeout / seconds`` flagged by ``ratio_lower_bound``."""
    lme4 = entries.get("lme4")
    for tool, e in entries.items():
        if e["seconds"] is None or lme4 is None:
            continue
        if lme4["seconds"] is not None:
            e["ratio"] = lme4["seconds"] / e["seconds"]
        elif lme4["status"] == "timeout":
            e["ratio"], e["ratio_lower_bound"] = timeout / e["seconds"], True
