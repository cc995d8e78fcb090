"""Block 1's rank update in re-weighted systems: the pattern once, the values per system.

:mod:`.rankupdate` stores the linear map ``B ↦ A_r1 B A_1r`` once and reuses it for every
θ of one system (lmer: the weights never change).  In glmer's PIRLS ``A_r1 = Z_rᵀWZ₁``
changes at every iteration and each set of values serves one factorization, so what is
prepared once here is only the *structure*; the values are formed per system, by the
cheapest of three routes (chosen once, from the structure, by :func:`update_pattern`):

* :class:`MapPattern` — the coefficient map of :class:`.rankupdate.MapUpdate` on its fixed
  CSR structure: per system, every coefficient ``A_r1[r,(l,c)]·A_r1[s,(l,d)]`` is two
  gathers and a product, then one compiled mat-vec;
* :class:`DensePattern` — when ``A_r1`` is a small, nearly full matrix (a few later levels
  crossed with everything, e.g. VerbAgg's 24 items against 316 subjects), one dense
  ``(A_r1 B) A_1r`` product is far cheaper than touching every coefficient;
* :class:`ProductPattern` — :class:`.rankupdate.ProductUpdate` (a sparse product per
  evaluation) on the new values, for designs whose coefficients would not fit in memory.

``values(cp)`` returns an object with the ``keys``/``subtract`` interface of the
:mod:`.rankupdate` classes, on the keys of the system the pattern was derived from.
"""

from __future__ import annotations

import numpy as np

from .crossprod import CrossProducts
from .pairmap import _within_level_pairs, accumulate_csr
from . import rankupdate
from .rankupdate import DenseUpdate, ProductUpdate, count_coefficients

__all__ = ["MapPattern", "DensePattern", "ProductPattern", "update_pattern"]

#: Never hold a dense ``A_r1`` above this many entries (8 bytes each).
DENSE_MAX_ENTRIES = 4_000_000
#: Relative costs in element operations (about 0.7 ns each with numpy 2.4 / OpenBLAS on the
#: 2-core reference box): a coefficient of the map costs two gathers, a product and its
#: share of the mat-vec; a dense entry of ``A_r1`` a fill, a scatter and the scaling by
#: ``B``; a multiply-add of the dense product about 1/16 of an operation.  Calibrated on
#: crossed designs (300–3000 first levels, 24–400 later ones, 2–24 later levels per first
#: level): the model picked the faster route in every case (VerbAgg's shape: dense 33 µs
#: against 400 µs for the map; one later level in 60 touched: map 11 µs against 300 µs).
MAP_COST = 6.0
DENSE_ENTRY_COST = 3.0
GEMM_FLOP_COST = 1.0 / 16.0


def update_pattern(cp: CrossProducts, update, route: str = "auto"):
    """The cheapest re-weightable form of ``update`` (the rank update built for ``cp``).

    Parameters
    ----------
    cp : CrossProducts
        The *structure* of every later system (its values are irrelevant).
    update : MapUpdate, DenseUpdate or ProductUpdate
        The :mod:`.rankupdate` object built from ``cp``; its ``keys`` are kept.
    route : {"auto", "map", "dense", "product"}
        "auto" compares estimated costs (a ``ProductUpdate`` always stays a product).
    """
    if route not in ("auto", "map", "dense", "product"):
        raise ValueError(f"unknown rank-update route {route!r}: use 'auto', 'map', 'dense' or 'product'")
    # a product where the stored coefficients would not fit (the twin's lmer route may be a
    # dense A_r1 instead, which is cheaper per θ but not per re-weighting)
    too_many = count_coefficients(cp) > rankupdate.MAX_COEFFICIENTS
    if route == "product" or isinstance(update, ProductUpdate) or (route == "auto" and too_many):
        product = update if isinstance(update, ProductUpdate) else ProductUpdate(cp)
        if not np.array_equal(product.keys, update.keys):  # both are the structural pattern
            raise AssertionError("rank-update keys differ between routes")  # a bug, never data
        return ProductPattern(product)
    r, q1, k = cp.n_rest, cp.first.size, cp.first.width
    dense_cost = r * q1 * (DENSE_ENTRY_COST + k) + GEMM_FLOP_COST * r * r * q1
    cheaper = r * q1 <= DENSE_MAX_ENTRIES and dense_cost < MAP_COST * count_coefficients(cp)
    if route == "dense" or (route == "auto" and cheaper):
        return DensePattern(cp, update.keys)
    return MapPattern(cp, update.keys)


def _index_dtype(*sizes: int):
    return np.int32 if max(sizes, default=0) < 2**31 - 1 else np.int64


class MapPattern:
    """The coefficient map on a fixed CSR structure (rows: the keys; columns: ``B``'s entries).

    Its coefficients are those of :func:`.pairmap.level_pairs`, each row's entries sorted
    by column as :func:`.pairmap.pair_operator` leaves them, so a system's update sums its
    terms in the same order as a freshly built one.
    """

    def __init__(self, cp: CrossProducts, keys: np.ndarray):
        k, nl = cp.first.width, cp.first.nlevels
        r = max(cp.n_rest, 1)
        a, b = _within_level_pairs(cp.r1_levels, nl)
        key = cp.r1_rows[a] * r + cp.r1_rows[b]
        slot = np.searchsorted(keys, key)
        if key.size and not np.array_equal(keys[np.minimum(slot, keys.size - 1)], key):
            raise AssertionError("rank-update pattern outside the system's keys")  # a bug, never data
        base = cp.r1_levels[a] * (k * k)
        slots, terms, src1, src2, src3, src4, off = [], [], [], [], [], [], []
        for c in range(k):  # the order of level_pairs
            for d in range(c, k):
                slots.append(slot)
                terms.append(base + (c * k + d))
                src1.append(a * k + c)
                src2.append(b * k + d)
                src3.append(a * k + d)
                src4.append(b * k + c)
                off.append(np.full(a.size, c != d))
        slot_all = np.concatenate(slots) if slots else np.zeros(0, np.int64)
        order = np.lexsort((np.concatenate(terms), slot_all))  # (row, column) pairs are distinct
        nterms = nl * k * k
        itype = _index_dtype(keys.size, nterms, slot_all.size, cp.r1_values.size)
        self.keys = keys
        self._shape = (keys.size, nterms)
        counts = np.bincount(slot_all, minlength=keys.size)
        self._indptr = np.concatenate([[0], np.cumsum(counts)]).astype(itype)
        self._indices = np.concatenate(terms)[order].astype(itype)
        self._src = (np.concatenate(src1)[order].astype(itype), np.concatenate(src2)[order].astype(itype))
        offpos = np.flatnonzero(np.concatenate(off)[order])
        self._off = (offpos.astype(itype), np.concatenate(src3)[order][offpos].astype(itype),
                     np.concatenate(src4)[order][offpos].astype(itype))

    @property
    def n_coefficients(self) -> int:
        return int(self._indices.size)

    def values(self, cp: CrossProducts) -> "MapValues":
        """The update of a system whose ``A_r1`` has this structure (``cp``'s values)."""
        v = cp.r1_values.ravel()
        data = v[self._src[0]]
        data *= v[self._src[1]]
        offpos, s3, s4 = self._off
        if offpos.size:  # B_l[d, c] = B_l[c, d]: both products on one coefficient
            data[offpos] += v[s3] * v[s4]
        np.negative(data, out=data)
        return MapValues(self.keys, self._shape, self._indptr, self._indices, data)


class MapValues:
    """``out −= A_r1 B A_1r`` at the keys by one CSR mat-vec (the :class:`.rankupdate.MapUpdate` interface)."""

    def __init__(self, keys, shape, indptr, indices, data):
        self.keys, self._shape, self._indptr, self._indices, self._data = keys, shape, indptr, indices, data

    @property
    def n_coefficients(self) -> int:
        return int(self._data.size)

    def csr_arrays(self):
        """The map's CSR arrays ``(indptr, indices, data)``: rows are the keys (compiled scatter)."""
        return self._indptr, self._indices, self._data

    def subtract(self, bvec: np.ndarray, out: np.ndarray, work: dict | None = None) -> None:
        accumulate_csr(self._shape, self._indptr, self._indices, self._data, bvec, out)


class DensePattern:
    """``A_r1`` as a dense ``r × ℓ₁ × k₁`` array, scattered from its CSR values."""

    def __init__(self, cp: CrossProducts, keys: np.ndarray):
        a_r1 = cp.a_r1
        r = cp.n_rest
        rows = np.repeat(np.arange(r, dtype=np.int64), np.diff(a_r1.indptr))
        self.keys = keys
        self._flat = rows * cp.first.size + a_r1.indices
        self._shape = (r, cp.first.nlevels, cp.first.width)

    def values(self, cp: CrossProducts) -> "DenseValues":
        r, nl, k = self._shape
        a = np.zeros(r * nl * k)
        a[self._flat] = cp.a_r1.data
        return DenseValues(self.keys, a.reshape(self._shape))


#: ``out −= (A_r1 B A_1r)[keys]`` through one dense product: the lmer route's class.
DenseValues = DenseUpdate


class ProductPattern:
    """:class:`.rankupdate.ProductUpdate` with new values of ``A_r1`` (its keys and level map kept)."""

    def __init__(self, update: ProductUpdate):
        self.keys = update.keys
        self._update = update

    def values(self, cp: CrossProducts) -> ProductUpdate:
        return self._update.with_matrix(cp.a_r1)
