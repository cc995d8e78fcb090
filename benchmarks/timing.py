"""Small timing helpers shared by the workers (median of repetitions within a time budget)."""

from __future__ import annotations

import statistics
import time
from typing import Callable

__all__ = ["time_per_call", "MIN_BATCH_SECONDS"]

#: A timed sample runs the call often enough to last this long (timer resolution, loop cost).
MIN_BATCH_SECONDS = 0.005


def time_per_call(fn: Callable[[], object], budget: float = 0.5, prepare: Callable[[], object] | None = None,
                  min_samples: int = 3, max_samples: int = 50) -> float:
    """Median seconds per call of ``fn`` over samples filling about ``budget`` seconds.

    Parameters
    ----------
    fn : callable
        The call to time (no arguments).
    budget : float
        Seconds to spend; at least ``min_samples`` samples unless they would exceed ten
        budgets (then as many as fit, at least one).
    prepare : callable, optional
        Untimed set-up before every single call (e.g. refilling an array factored in
        place); with it, every sample is one call.
    min_samples, max_samples : int

    Returns
    -------
    float
    """
    batch = 1
    if prepare is None:  # small calls: batch them so that a sample outlasts the timer's noise
        while True:
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            spent = time.perf_counter() - start
            if spent >= MIN_BATCH_SECONDS or batch >= 1 << 20:
                break
            batch *= 4
    samples: list[float] = []
    total = 0.0
    # at least min_samples unless one sample alone costs many budgets (minutes on 10^6 rows)
    while len(samples) < max_samples and (total < budget or (len(samples) < min_samples and total < 10 * budget)):
        if prepare is not None:
            prepare()
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        spent = time.perf_counter() - start
        samples.append(spent / batch)
        total += spent
    return statistics.median(samples)
