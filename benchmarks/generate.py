"""Seeded generators of the benchmark's synthetic designs (same seed, same rows, any machine).

Two families, both drawn with NumPy's ``default_rng`` (PCG64, stable across NumPy versions
for the methods used here):

* :func:`kb07_like` — subjects × items fully crossed, three ±½ contrasts varying within
  subjects and within items, and a 4 × 4 random-effects covariance per factor:
  ``y ~ a * b * c + (1 + a + b + c | subj) + (1 + a + b + c | item)`` has 10 + 10 = 20
  θ parameters, as the kb07 model of MixedModels.jl's benchmarks (1,789 rows there).
* :func:`crossed` — ``n`` rows over ``n_users`` × ``n_items`` crossed levels (every level
  observed at least once), one covariate: ``y ~ x + (1 | user) + (1 | item)``, the
  recommender-style design of issue 11 (100k and 1M rows on 20,000 × 5,000) and of the
  scaling series (:func:`scaling_sizes`).

Factor columns are pandas ``Categorical`` with zero-padded string labels, so that R's
``read.csv(stringsAsFactors = TRUE)`` orders the levels exactly as pandas does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["kb07_like", "crossed", "scaling_sizes", "scaling_levels", "FACTORS"]

#: The factor (grouping) columns of each generator, for readers that must restore them.
FACTORS = {"kb07_like": ("subj", "item"), "crossed": ("user", "item")}


def _labels(prefix: str, n: int) -> list[str]:
    width = len(str(n))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _factor(codes: np.ndarray, prefix: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=_labels(prefix, n))


def _random_effects(rng: np.random.Generator, nlevels: int, sd: np.ndarray, corr: float) -> np.ndarray:
    """``nlevels`` draws of a k-variate normal with standard deviations ``sd`` and one
    common correlation ``corr`` (positive definite for the values used here)."""
    k = sd.size
    r = np.full((k, k), corr)
    np.fill_diagonal(r, 1.0)
    chol = np.linalg.cholesky(r * np.outer(sd, sd))
    return rng.standard_normal((nlevels, k)) @ chol.T


def kb07_like(n_subj: int = 60, n_items: int = 30, seed: int = 2007) -> pd.DataFrame:
    """A kb07-like crossed design with 20 θ (``n_subj × n_items`` rows, default 1,800).

    Parameters
    ----------
    n_subj, n_items : int
        Levels of the two crossed grouping factors; every subject sees every item once.
    seed : int

    Returns
    -------
    DataFrame
        Columns ``subj``, ``item`` (categorical), ``a``, ``b``, ``c`` (±0.5), ``y``.
    """
    rng = np.random.default_rng(seed)
    s, i = np.divmod(np.arange(n_subj * n_items), n_items)
    # Latin-square style counterbalancing: each contrast changes within subjects and items
    a = np.where((s + i) % 2 == 0, -0.5, 0.5)
    b = np.where(((s + i) // 2) % 2 == 0, -0.5, 0.5)
    c = np.where(((s + 2 * i) // 3) % 2 == 0, -0.5, 0.5)
    xs = np.column_stack([np.ones_like(a), a, b, c])
    subj_re = _random_effects(rng, n_subj, np.array([300.0, 60.0, 40.0, 50.0]), 0.3)
    item_re = _random_effects(rng, n_items, np.array([350.0, 30.0, 80.0, 20.0]), -0.2)
    fixed = 2180.0 + 70.0 * a - 330.0 * b + 150.0 * c + 40.0 * a * b - 20.0 * b * c
    y = fixed + np.einsum("nk,nk->n", xs, subj_re[s]) + np.einsum("nk,nk->n", xs, item_re[i])
    y = y + rng.normal(0.0, 700.0, size=y.size)
    return pd.DataFrame({"subj": _factor(s, "S", n_subj), "item": _factor(i, "I", n_items),
                         "a": a, "b": b, "c": c, "y": y})


def _covering_codes(rng: np.random.Generator, n: int, nlevels: int) -> np.ndarray:
    """``n`` level codes in random order, every level at least once (no empty level)."""
    if n < nlevels:
        raise ValueError(f"{n} rows cannot cover {nlevels} levels")
    codes = np.concatenate([np.arange(nlevels), rng.integers(0, nlevels, size=n - nlevels)])
    rng.shuffle(codes)
    return codes


def crossed(n: int, n_users: int, n_items: int, seed: int = 11) -> pd.DataFrame:
    """``n`` rows of a crossed users × items design with one covariate.

    Parameters
    ----------
    n : int
        Rows (at least ``max(n_users, n_items)``).
    n_users, n_items : int
        Levels of the two crossed grouping factors.
    seed : int

    Returns
    -------
    DataFrame
        Columns ``user``, ``item`` (categorical), ``x``, ``y``.
    """
    rng = np.random.default_rng(seed)
    u = _covering_codes(rng, n, n_users)
    i = _covering_codes(rng, n, n_items)
    x = rng.standard_normal(n)
    u_eff = rng.normal(0.0, 0.8, size=n_users)
    i_eff = rng.normal(0.0, 0.5, size=n_items)
    y = 3.0 + 0.4 * x + u_eff[u] + i_eff[i] + rng.normal(0.0, 1.0, size=n)
    return pd.DataFrame({"user": _factor(u, "U", n_users), "item": _factor(i, "I", n_items), "x": x, "y": y})


def scaling_sizes(lo: int = 4, hi: int = 6, per_decade: int = 2) -> list[int]:
    """Row counts of the scaling series: ``10**lo … 10**hi``, ``per_decade`` points a decade."""
    steps = (hi - lo) * per_decade
    return [int(round(10 ** (lo + k / per_decade))) for k in range(steps + 1)]


def scaling_levels(n: int) -> tuple[int, int]:
    """Users and items of the scaling series at ``n`` rows: 50 rows per user and 200 per
    item on average, so that 10⁶ rows is the 20,000 × 5,000 design."""
    return max(2, n // 50), max(2, n // 200)
