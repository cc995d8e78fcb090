"""One tool in its own process: ``python -m benchmarks.worker <tool>``.

The parent (:mod:`benchmarks.runner`) starts one worker per tool and model and sends it
one JSON command per line on stdin; the worker answers one JSON line per command on the
original stdout, which is reserved for the protocol (the process's fd 1 is redirected to
stderr, so prints of R, numba or the tools cannot corrupt it).  Commands:

* ``{"op": "load", "model": {...}, "csv": path|null, "frame": path|null,
  "judge_only": bool}`` — read the
  data; with ``warmup`` in the model spec (and not ``judge_only``), one counted untimed fit;
* ``{"op": "fit", "count": bool}`` → ``{"seconds": s}``;
* ``{"op": "result", "budget": s}`` → θ, objective, evaluations, per-evaluation time,
  floor, and ``maxrss_kib``: the process's peak resident set so far (``VmHWM``);
* ``{"op": "judge", "thetas": {...}}`` (lme4 only) → lme4's deviance at each θ;
* ``{"op": "quit"}``.

Every answer has ``ok``; a failure answers ``{"ok": false, "error": "..."}`` and the
worker stays usable.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import traceback


def _maxrss_kib() -> int:
    """Peak resident set of this process, KiB.

    Linux's ``VmHWM`` (the counter behind ``ru_maxrss``) where available: ``ru_maxrss``
    also keeps the peak of the image that was replaced by ``exec``, i.e. of the parent
    that forked the worker, which would hide the tool's own figure.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


def _make_adapter(tool: str):
    if tool in ("lme4", "lme4-openblas"):
        from .rtool import Lme4Adapter

        return Lme4Adapter()
    from .tools import ADAPTERS

    return ADAPTERS[tool]()


def _handle(adapter, msg: dict) -> dict:
    from .models import ModelSpec

    op = msg["op"]
    if op == "load":
        spec = ModelSpec.from_dict(msg["model"])
        info = adapter.load(spec, msg.get("csv"), msg.get("frame"))
        if spec.warmup and not msg.get("judge_only"):
            info["warmup_seconds"] = adapter.fit(count=True)
        return {"info": info, "rss_loaded_kib": _maxrss_kib()}
    if op == "fit":
        return {"seconds": adapter.fit(count=bool(msg.get("count")))}
    if op == "result":
        # the fits' peak, read before the per-evaluation timings, the floor's copies of the
        # trailing matrix and lme4's yardstick (devFunOnly) allocate anything
        peak = _maxrss_kib()
        out = adapter.result(float(msg.get("budget", 0.5)))
        out["maxrss_kib"] = peak
        return out
    if op == "judge":
        return adapter.judge(msg["thetas"])
    raise ValueError(f"unknown op {op!r}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    tool = argv[0]
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything else written to stdout (R, numba, warnings) goes to stderr
    sys.stdout = sys.stderr
    base = _maxrss_kib()
    try:
        adapter = _make_adapter(tool)
        hello = {"ok": True, "tool": tool, "rss_start_kib": base, "rss_ready_kib": _maxrss_kib()}
        if hasattr(adapter, "blas"):
            hello["r"] = adapter.blas()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        proto.write(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}) + "\n")
        return 1
    proto.write(json.dumps(hello) + "\n")
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("op") == "quit":
            break
        try:
            answer = {"ok": True, **_handle(adapter, msg)}
        except Exception as exc:  # noqa: BLE001 - the parent records it in the table
            traceback.print_exc()
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        proto.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
