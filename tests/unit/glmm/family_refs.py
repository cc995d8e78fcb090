"""R values frozen by tests/data/glmm/make_families.R, decoded (shared by the family tests).

Doubles are stored exactly as C99 hexadecimal strings (R's ``sprintf("%a")``), with
``NA``/``NaN``/``Inf``/``-Inf`` for the special values.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "data" / "glmm"
_SPECIAL = {"NA": np.nan, "NaN": np.nan, "Inf": np.inf, "-Inf": -np.inf}


def hexvec(values) -> np.ndarray:
    """R's ``sprintf("%a", x)`` strings back to the exact doubles."""
    if isinstance(values, str):
        values = [values]
    return np.array([_SPECIAL[v] if v in _SPECIAL else float.fromhex(v) for v in values], dtype=float)


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The frozen file ``tests/data/glmm/<name>.json``."""
    return json.loads((DATA / f"{name}.json").read_text())


def same_bits(a, b) -> bool:
    """Element-wise identical doubles (NaN matches NaN)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def max_rel_diff(ours, ref) -> float:
    """Largest |ours − ref| / |ref| (0 where identical, including equal infinities and NaNs)."""
    ours, ref = np.asarray(ours, dtype=float), np.asarray(ref, dtype=float)
    with np.errstate(all="ignore"):
        d = np.abs(ours - ref) / np.abs(ref)
    d = np.where((ours == ref) | (np.isnan(ours) & np.isnan(ref)), 0.0, d)
    return float(np.max(d)) if d.size else 0.0
