"""R-shaped records as labelled arrays: what the comparisons align by name.

A record (``conformance.r_side``: ``{"value": ..., "names": ...}``, a data frame with
``columns``/``rownames``, an array with ``dim``/``dimnames``, or a bare value) is split
into :class:`Block` s, one per array, each with its per-axis labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from conformance.regen import decode_value

__all__ = ["Block", "blocks", "as_array", "unique_labels", "floats"]


@dataclass(frozen=True)
class Block:
    """One array of a record with its per-axis labels (None: positional axis)."""

    values: np.ndarray  # object array
    labels: tuple  # per axis: list of unique labels, or None


def blocks(record: Any, prefix: str = "") -> dict[str, Block]:
    """Split an R-shaped record (or a bare value) into labelled arrays, keyed by path."""
    if isinstance(record, Mapping) and "columns" in record:
        rows = unique_labels(record["rownames"]) if record.get("rownames") else None
        return {f"{prefix}{c}": Block(as_array(record["value"][c]), (rows,))
                for c in record["columns"]}
    if isinstance(record, Mapping) and "dim" in record:
        values = as_array(record["value"]).reshape(record["dim"])
        dimnames = record.get("dimnames") or [None] * values.ndim
        return {prefix: Block(values, tuple(unique_labels(d) if d else None for d in dimnames))}
    value = record.get("value") if isinstance(record, Mapping) else record
    names = record.get("names") if isinstance(record, Mapping) else None
    if value is None or np.isscalar(value):
        return {prefix: Block(as_array(value), ())}
    items = value.tolist() if isinstance(value, np.ndarray) and value.dtype == object else value
    if len(items) and all(isinstance(v, (Mapping, list, tuple, np.ndarray)) for v in items):
        keys = unique_labels(names) if names else [f"[{i}]" for i in range(len(items))]
        return {k: b for key, v in zip(keys, items) for k, b in blocks(v, f"{prefix}{key}/").items()}
    return {prefix: Block(as_array(value), (unique_labels(names) if names else None,))}


def as_array(value: Any) -> np.ndarray:
    """An object array of `value` (numpy float arrays stay float for speed)."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return value.astype(float)
    out = np.empty(np.shape(value) if isinstance(value, (list, tuple, np.ndarray)) else (),
                   dtype=object)
    out[...] = value
    return out


def unique_labels(names: list) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in map(str, names):
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def floats(values: np.ndarray) -> np.ndarray | None:
    """Float view of `values` (R's NA -> NaN, "Inf"/"-Inf"/"NaN" decoded); None if not numeric."""
    if values.dtype.kind in "fiu":
        return values.astype(float)
    flat = values.ravel()
    out = np.empty(flat.size)
    for i, v in enumerate(flat):
        if v is None:
            out[i] = np.nan
        elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number, str)):
            return None
        else:
            v = decode_value(v) if isinstance(v, str) else v
            if isinstance(v, str):
                return None
            out[i] = float(v)
    return out.reshape(values.shape)
