"""What machine computed a number: CPU, R's BLAS/LAPACK, numpy's OpenBLAS kernel.

Last bits, and with them BOBYQA's path, depend on these (``conformance.spread``), so
the reference files record them and the report shows them beside this machine's.
"""

from __future__ import annotations

import os
import platform
from typing import Any

__all__ = ["cpu_info", "numpy_blas", "machine_info", "describe"]

#: Instruction-set extensions that select OpenBLAS kernels and Eigen code paths.
_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f")


def cpu_info() -> dict[str, Any]:
    """The CPU's model name and the instruction-set extensions that matter here."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and value.strip():
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    return {"model": model, "machine": platform.machine(),
            "flags": [f for f in _FLAGS if f in flags]}


def numpy_blas() -> list[dict[str, Any]]:
    """numpy/scipy's BLAS libraries with the kernel each chose (threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - pylme depends on threadpoolctl
        return []
    return [{"library": info.get("internal_api"), "version": info.get("version"),
             "kernel": info.get("architecture"), "file": os.path.basename(info.get("filepath", ""))}
            for info in threadpool_info() if info.get("user_api") == "blas"]


def machine_info(session: Any = None) -> dict[str, Any]:
    """This machine: CPU, numpy's BLAS kernel, ``OPENBLAS_CORETYPE``, and R's BLAS/LAPACK
    when an R `session` is given."""
    info: dict[str, Any] = {"cpu": cpu_info(), "numpy_blas": numpy_blas(),
                            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")}
    if session is not None:
        value = session.get("c(blas = unname(extSoftVersion()['BLAS']), lapack = La_library(), "
                            "lapack_version = La_version())").value
        info["r_blas"] = dict(zip(value.attr_values("names"), value.values))
    return info


def describe(info: dict[str, Any]) -> str:
    """One line: ``AMD EPYC (avx2 fma); numpy OpenBLAS Haswell; R BLAS libblas.so.3``."""
    cpu = info.get("cpu", {})
    parts = [f"{cpu.get('model', '?')} ({' '.join(cpu.get('flags', [])) or 'no SIMD flags'})"]
    blas = info.get("numpy_blas") or []
    if blas:
        parts.append("numpy " + ", ".join(f"{b.get('library')} {b.get('kernel')}" for b in blas))
    if info.get("OPENBLAS_CORETYPE"):
        parts.append(f"OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}")
    r_blas = info.get("r_blas")
    if r_blas:
        parts.append(f"R BLAS {os.path.basename(str(r_blas.get('blas', '?')))}, LAPACK "
                     f"{os.path.basename(str(r_blas.get('lapack', '?')))} {r_blas.get('lapack_version', '')}")
    return "; ".join(parts)
