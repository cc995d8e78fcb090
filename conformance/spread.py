"""lme4's own envelope per case, read from ``r_reference/spread.json`` (no R needed).

Why: BOBYQA's path follows the objective's last bits, so where the criterion is flat the
end point, the evaluation count and the last printed digit move with the CPU, the BLAS
kernel and the row order, in lme4 as in pylme. :mod:`conformance.r_spread` measured
how far lme4 itself moves when only the summation order changes (seeded row
permutations). A quantity that follows the optimizer passes when pylme is inside that
envelope around the reference, widened by the quantity's tier:

* values: ``|pylme - R| <= tier tolerance + REACH × lme4's largest move``;
* printed numbers: within lme4's largest relative move of one printed value;
* the objective: ``pylme <= max(R, lme4's worst end point + the end points' range) + 1e-6``;
* evaluation counts: inside ``[min, max]`` of lme4's own counts (the reference's among
  them), widened by their range and at least by :data:`FEVAL_SLACK`;
* a GLMM's first stage (``feval_stage1``, ``objective_stage1``) by the same rules, on
  lme4's own first-stage counts and criteria;
* a number quoted in a convergence message (``max|grad| = ...``): any number, when lme4
  itself quotes different ones over the permutations (``conv``).

Each envelope is widened by its own size (:data:`REACH`): eight refits sample lme4's
reach, they do not bound it.

Where lme4 is reproducible (most cases: moves of 1e-12 to 1e-9) this changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from conformance.regen import DEFAULT_OUT, decode_value

__all__ = ["Envelope", "envelope", "envelope_from_record", "FEVAL_SLACK", "REACH", "spread_meta"]

#: How far beyond lme4's largest move over the permutations pylme may be, as a multiple of
#: it: k refits sample lme4's reach, and another draw (another machine's last bits) falls
#: outside their range with probability 2/(k + 1), 2/9 for 8; so the envelope is widened by
#: its own size, here and for the objective and the counts.
REACH = 2.0

#: Evaluations beyond lme4's own range that still count as the same optimization: one
#: BOBYQA trust-region step (1 or 2 evaluations) earlier or later. Measured: lme4 itself
#: stops after 15 evaluations on cake ``temp`` ML with the rows in order and after 14 on
#: every permutation; 33 vs 31 on InstEval between two machines with the same R.
FEVAL_SLACK = 2


@dataclass(frozen=True)
class Envelope:
    """How far lme4 moved from its own fit over row permutations, for one case.

    Attributes
    ----------
    case_id : str
    feval : tuple of int
        lme4's evaluation counts (the fit on the original rows first).
    objective : tuple of float
        lme4's criterion at each of those end points.
    messages : tuple of str
        The optimizer's distinct stopping messages over those fits.
    rel_dev : dict
        Largest ``|lme4_perm - lme4| / |lme4|`` of one entry per quantity (entries above
        1e-6 of the quantity's largest).
    abs_dev : dict
        Largest ``|lme4_perm - lme4|`` per optimizer quantity (``theta``: one per
        component, in R's θ order; others: one number).
    measured : bool
        False when the case has no measurement (then the envelope is empty).
    """

    case_id: str
    feval: tuple[int, ...] = ()
    objective: tuple[float, ...] = ()
    abs_dev: dict[str, Any] = field(default_factory=dict)
    measured: bool = False
    messages: tuple[str, ...] = ()
    rel_dev: dict[str, Any] = field(default_factory=dict)
    feval_stage1: tuple[int, ...] = ()
    objective_stage1: tuple[float, ...] = ()
    conv: tuple[str, ...] = ()

    def series(self, quantity: str, name: str) -> tuple:
        """``feval``/``objective``, or stage 1's for ``optimizer.<name>_stage1``."""
        return getattr(self, f"{name}_stage1") if quantity.endswith("_stage1") else getattr(self, name)

    def extra_atol(self, quantity: str) -> float:
        """lme4's own largest move for ``optimizer.<name>`` (0 where not measured).

        One number for every entry, θ included: with a handful of permutations the move
        of a single component underestimates how far lme4 travels along a flat ridge
        (cake ``(temperature | recipe)``: components move by 1.6e-5 to 8.2e-4)."""
        value = self.abs_dev.get(quantity.split(".", 1)[-1])
        if value is None:
            return 0.0
        return REACH * float(np.max(value))

    def rel_move(self, quantity: str) -> float:
        """lme4's largest relative move of one entry of ``optimizer.<name>`` (0 where not
        measured): what its printed digits may differ by."""
        value = self.rel_dev.get(quantity.split(".", 1)[-1])
        return 0.0 if value is None else float(np.max(value))

    def worst_objective(self, quantity: str = "optimizer.objective") -> float | None:
        """lme4's highest criterion over its own end points, widened by their range (None
        when not measured); `quantity` ``optimizer.objective_stage1``: of the first stage."""
        finite = [v for v in self.series(quantity, "objective") if np.isfinite(v)]
        return max(finite) + (max(finite) - min(finite)) if finite else None

    def feval_range(self, reference: int | None,
                    quantity: str = "optimizer.feval") -> tuple[int, int] | None:
        """``(low, high)`` of the accepted counts: lme4's own, widened by their range and at
        least by :data:`FEVAL_SLACK` (`quantity` ``optimizer.feval_stage1``: stage 1's)."""
        counts = [int(c) for c in self.series(quantity, "feval")]
        counts += [int(reference)] if reference is not None else []
        if not counts:
            return None
        widen = max(FEVAL_SLACK, max(counts) - min(counts))
        return min(counts) - widen, max(counts) + widen

    def describe(self, quantity: str) -> str:
        """``2 × lme4's own largest move over 8 row permutations = 3.1e-04`` for a report."""
        extra = self.extra_atol(quantity)
        size = float(np.max(extra)) if np.size(extra) else 0.0
        return (f"{REACH:g} × lme4's own largest move over {max(len(self.feval) - 1, 0)} row "
                f"permutations = {size:.2g}")


def _path(ref_dir: Path) -> Path:
    return ref_dir / "spread.json"


@lru_cache(maxsize=4)
def _load(ref_dir: Path) -> dict:
    path = _path(ref_dir)
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def spread_meta(ref_dir: Path = DEFAULT_OUT) -> dict:
    """The file's provenance (generator, versions, machine), without the cases."""
    return {k: v for k, v in _load(ref_dir).items() if k not in ("cases", "helper", "glmm_helper")}


def envelope(case_id: str, ref_dir: Path = DEFAULT_OUT) -> Envelope:
    """lme4's envelope for `case_id` (an empty, unmeasured one when the file lacks it)."""
    entry = _load(ref_dir).get("cases", {}).get(case_id)
    return envelope_from_record(case_id, (entry or {}).get("spread") or {})


def envelope_from_record(case_id: str, record: dict) -> Envelope:
    """The :class:`Envelope` of one spread record (R's list, as ``r_spread`` stores it;
    measured on the fly for a generated GLMM design, ``conformance.generated``)."""
    if record.get("kind") != "value":
        return Envelope(case_id)
    parts = dict(zip(record["names"], record["value"]))
    devs = parts["abs_dev"]
    abs_dev = {name: _number(value) for name, value in zip(devs["names"], devs["value"])}
    rels = parts.get("rel_dev") or {"names": [], "value": []}
    rel_dev = {name: _number(value) for name, value in zip(rels["names"], rels["value"])}
    # optimizer = NULL leaves feval NA (None): no count to compare
    return Envelope(case_id, _ints(parts["feval"]), _floats(parts["objective"]), abs_dev, True,
                    tuple(str(m) for m in _vector(parts.get("message")) if m is not None),
                    rel_dev, _ints(parts.get("feval_stage1")),
                    _floats(parts.get("objective_stage1")),
                    tuple(str(m) for m in _vector(parts.get("conv")) if m is not None))


def _ints(value: Any) -> tuple[int, ...]:
    return tuple(int(x) for x in _vector(value) if x is not None)


def _floats(value: Any) -> tuple[float, ...]:
    return tuple(float(x) for x in _vector(value) if x is not None)


def _vector(value: Any) -> list:
    value = decode_value(value)
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _number(value: Any) -> Any:
    """A stored deviation: a list for θ (several components), a float otherwise."""
    value = decode_value(value.get("value") if isinstance(value, dict) else value)
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], list):
        return float(value[0]) if value[0] is not None else 0.0
    if isinstance(value, list):
        return [float(v) if v is not None else 0.0 for v in value]
    return float(value) if value is not None else 0.0
