"""Write ``r_reference/``: frozen R results for every conformance case.

Layout::

    r_reference/meta.json             versions, platform, date, case-list hash
    r_reference/cases/<case_id>.json  one file per case (see r_reference/README.md)

Output is canonical so that regenerating gives byte-identical files (only
``meta.json``'s ``generated`` field changes): keys sorted, floats written as
``repr(float)`` (the shortest text that reads back to the same double, i.e.
the value of its 17-significant-digit form), non-finite doubles as the strings
``"NaN"``, ``"Inf"``, ``"-Inf"``, R's ``NA`` as ``null``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from conformance.cases import CASES, FAST, Case, case_list_sha256, select
from conformance.machine import machine_info

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "r_reference"
_WRAP = 100  # characters per line of a wrapped list of numbers

_ADDR_NO_RANDOMIZE = 0x0040000  # Linux personality flag set by `setarch -R`

# ---------------------------------------------------------------- canonical JSON


def canonical_json(obj: Any) -> str:
    """Serialise `obj` canonically (sorted keys, fixed float text, "\\n" at end).

    Lists of scalars are written inline, wrapped at about 100 characters, so
    that large vectors stay diffable line by line.
    """
    return _dump(obj, 0) + "\n"


def encode_scalar(value: Any) -> str:
    """JSON text of one scalar (None, bool, int, float, str)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return '"NaN"'
        if math.isinf(value):
            return '"Inf"' if value > 0 else '"-Inf"'
        return repr(float(f"{value:.17g}"))  # == repr(value): shortest round-trip text
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if hasattr(value, "item"):  # numpy scalar
        return encode_scalar(value.item())
    raise TypeError(f"cannot serialise {type(value).__name__}")


def decode_value(value: Any) -> Any:
    """Inverse of the non-finite encoding: "NaN"/"Inf"/"-Inf" -> float (recursively).

    Only use on numeric payloads: a character value "Inf" would also be decoded.
    """
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if isinstance(value, str) and value in ("NaN", "Inf", "-Inf"):
        return float(value.replace("Inf", "inf").replace("NaN", "nan"))
    return value


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _dump(obj: Any, level: int) -> str:
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {_dump(obj[k], level + 1)}"
                 for k in sorted(obj, key=str)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        if all(_is_scalar(v) for v in obj):
            return _dump_flat([encode_scalar(v) for v in obj], inner, pad)
        return "[\n" + ",\n".join(inner + _dump(v, level + 1) for v in obj) + "\n" + pad + "]"
    return encode_scalar(obj)


def _dump_flat(texts: list[str], inner: str, pad: str) -> str:
    one_line = "[" + ", ".join(texts) + "]"
    if len(one_line) <= _WRAP:
        return one_line
    if all(t.startswith('"') for t in texts):  # text (printed output, names): a line each
        return "[\n" + ",\n".join(inner + t for t in texts) + "\n" + pad + "]"
    lines, current = [], ""
    for text in texts:
        if current and len(current) + len(text) + 2 > _WRAP:
            lines.append(current)
            current = ""
        current = f"{current}, {text}" if current else text
    lines.append(current)
    return "[\n" + ",\n".join(inner + line for line in lines) + "\n" + pad + "]"


def write_text(path: Path, text: str) -> None:
    """Write `text` as UTF-8 with "\\n" newlines (no platform translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


# ---------------------------------------------------------------- regeneration


def aslr_disabled() -> bool:
    """True when this process runs without address-space layout randomisation.

    lme4 results for some models differ in the last bits between processes
    unless ASLR is off (see ``python -m conformance regen``, which re-executes
    itself under ``setarch -R``).
    """
    try:
        with open("/proc/self/personality", encoding="ascii") as fh:
            if int(fh.read().strip(), 16) & _ADDR_NO_RANDOMIZE:
                return True
        with open("/proc/sys/kernel/randomize_va_space", encoding="ascii") as fh:
            return fh.read().strip() == "0"
    except (OSError, ValueError):
        return False


_REEXEC_GUARD = "PYLME_CONFORMANCE_NO_ASLR"


def reexec_without_aslr(module: str) -> None:
    """Re-run ``python -m <module> <args>`` under ``setarch -R`` (no ASLR) when possible.

    Why: lme4's results for some models (e.g. Penicillin) differ in the last bits
    between R processes, which we attribute to memory layout changing the order of
    Eigen's vectorised reductions.  With ASLR off R's allocations land at the same
    addresses in every run, so regenerated files are byte-identical.  Returns when
    ASLR is already off, ``setarch`` is missing or not permitted, or this process is
    the re-run itself.
    """
    setarch = shutil.which("setarch")
    if aslr_disabled() or os.environ.get(_REEXEC_GUARD) or setarch is None:
        return
    command = [setarch, platform.machine(), "-R"]
    if subprocess.run([*command, "true"], capture_output=True).returncode != 0:
        return  # personality() not permitted here (e.g. a seccomp profile)
    os.environ[_REEXEC_GUARD] = "1"
    sys.stdout.flush()
    os.execv(setarch, [*command, sys.executable, "-m", module, *sys.argv[1:]])


def regenerate(out_dir: Path = DEFAULT_OUT, cases: Iterable[Case] | None = None,
               log: Callable[[str], None] = print) -> dict[str, float]:
    """Fit `cases` in R and write their reference files plus ``meta.json``.

    Parameters
    ----------
    out_dir : Path
        The ``r_reference`` directory.
    cases : iterable of Case, optional
        Defaults to the fast tier.
    log : callable
        Receives one progress line per case.

    Returns
    -------
    dict
        Seconds spent per case id.
    """
    from conformance.r_session import RSession  # R is needed only here
    from conformance.r_side import fit_case, r_versions

    cases = tuple(select(tiers=(FAST,)) if cases is None else cases)
    session = RSession()
    timings: dict[str, float] = {}
    for case in cases:
        start = time.perf_counter()
        record = fit_case(session, case)
        write_text(out_dir / "cases" / f"{case.id}.json", canonical_json(record))
        timings[case.id] = time.perf_counter() - start
        status = "ERROR " + record["fit"]["error"] if "error" in record["fit"] else "ok"
        log(f"{case.id:34s} {timings[case.id]:8.2f}s  {status}")
    write_meta(out_dir, session, r_versions(session))
    _report_stale(out_dir, log)
    return timings


def write_meta(out_dir: Path, session: Any, versions: dict) -> None:
    """Write ``meta.json`` (versions, platform, date, case-list hash)."""
    platform = session.get(
        "c(platform = R.version$platform, os = utils::osVersion, "
        "blas = unname(extSoftVersion()['BLAS']), lapack = La_library(), "
        "lapack_version = La_version())").value
    present = sorted(p.stem for p in (out_dir / "cases").glob("*.json"))
    meta = {
        "schema_version": 1,
        "generator": "python -m conformance regen",
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "r_version": versions.pop("R"),
        "packages": versions,
        "platform": dict(zip(platform.attr_values("names"), platform.values)),
        # the CPU and the BLAS kernels move last bits, and with them optimizer paths
        "machine": machine_info(session),
        "python": {"version": sys.version.split()[0], "rpy2": _dist_version("rpy2")},
        "aslr_disabled": aslr_disabled(),
        "case_list_sha256": case_list_sha256(),
        "cases": {c.id: {"tier": c.tier, "present": c.id in present} for c in CASES},
        "float_format": "repr(float(f'{x:.17g}')); NaN/Inf/-Inf as strings; NA as null",
    }
    write_text(out_dir / "meta.json", canonical_json(meta))


def _dist_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _report_stale(out_dir: Path, log: Callable[[str], None]) -> None:
    known = {c.id for c in CASES}
    for path in sorted((out_dir / "cases").glob("*.json")):
        if path.stem not in known:
            log(f"stale reference file (no such case): {path}")


def load_reference(case_id: str, ref_dir: Path = DEFAULT_OUT) -> dict:
    """Read ``r_reference/cases/<case_id>.json`` (values left as stored)."""
    with open(ref_dir / "cases" / f"{case_id}.json", encoding="utf-8") as fh:
        return json.load(fh)
