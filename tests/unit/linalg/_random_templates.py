"""Random relative-covariance templates for the linear-algebra kernel tests."""

from __future__ import annotations

import numpy as np


def random_templates(blocks, rng: np.random.Generator) -> list[np.ndarray]:
    """One lower-triangular template per block (its ``width``), with a positive diagonal."""
    out = []
    for b in blocks:
        k = b.width
        t = np.tril(rng.uniform(-1.0, 1.0, (k, k)))
        t[np.diag_indices(k)] = rng.uniform(0.2, 1.5, k)
        out.append(t)
    return out
