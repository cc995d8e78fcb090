"""Parameter vector → lower-triangular templates, and block ↔ term coordinates.

A *term* ``t`` has a ``k_t × k_t`` lower-triangular template ``T_t`` whose lower
triangle, column-major, is a slice of the parameter vector (lme4's θ layout:
``T11, T21, …, Tk1, T22, …``; lme4 ``Lind``).  Terms that share their grouping are
amalgamated into one *block* with the block-diagonal template
``blockdiag(T_t, …)`` (MixedModels.jl amalgamates ``ReMat``s on the same factor),
so their cross-products live in one block-diagonal first block instead of
spilling into the dense trailing matrix.

Coordinates: the term-major order (lme4's ``u``/``b``: term, then level, then
component) and the internal block order (block, then level, then the components
of all member terms) are related by :attr:`TemplateLayout.internal_to_term`.
"""

from __future__ import annotations

import functools
from typing import Sequence

import numpy as np

__all__ = ["TemplateLayout", "lower_tri_colmajor"]


@functools.lru_cache(maxsize=64)
def lower_tri_colmajor(k: int):
    """Row and column indices of a ``k × k`` lower triangle in column-major order (read-only,
    shared: every model with a width-``k`` term asks for them)."""
    i, j = np.triu_indices(k)
    j.flags.writeable = i.flags.writeable = False
    return j, i


class TemplateLayout:
    """Where every parameter goes, and how blocks map back to terms.

    Parameters
    ----------
    widths : sequence of int
        ``k_t`` of every term (term order).
    nlevels : sequence of int
        Levels of every term's grouping.
    groups : sequence of sequence of int
        The terms of every block, block order; every term exactly once, members in
        term order.
    """

    def __init__(self, widths: Sequence[int], nlevels: Sequence[int], groups: Sequence[Sequence[int]]):
        self.widths = tuple(int(k) for k in widths)
        self.nlevels = tuple(int(x) for x in nlevels)
        self.groups = tuple(tuple(int(t) for t in g) for g in groups)
        counts = [k * (k + 1) // 2 for k in self.widths]
        self.par_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        sizes = [k * nl for k, nl in zip(self.widths, self.nlevels)]
        self.term_offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self._tri = [lower_tri_colmajor(k) for k in self.widths]
        self.block_widths = tuple(sum(self.widths[t] for t in g) for g in self.groups)
        self.internal_to_term = self._internal_map()
        self._fill = self._block_fill()

    @property
    def n_par(self) -> int:
        return int(self.par_offsets[-1])

    @property
    def size(self) -> int:
        return int(self.term_offsets[-1])

    def diagonal_mask(self) -> np.ndarray:
        """``True`` where a parameter is a diagonal entry of its template."""
        return np.concatenate([r == c for r, c in self._tri]) if self._tri else np.zeros(0, bool)

    def term_templates(self, par: np.ndarray) -> list:
        """``T_t`` for every term."""
        out = []
        for t, k in enumerate(self.widths):
            tmpl = np.zeros((k, k))
            rows, cols = self._tri[t]
            tmpl[rows, cols] = par[self.par_offsets[t] : self.par_offsets[t + 1]]
            out.append(tmpl)
        return out

    def block_templates(self, par: np.ndarray) -> list:
        """Block-diagonal templates of every block (block order), C-contiguous ``(K, K)``.

        One fresh buffer per call, filled by one indexed copy (this runs on every
        optimizer step: a loop over terms and blocks cost more than a small evaluation);
        the templates are views of consecutive slices of it.
        """
        fill = self.__dict__.get("_fill")
        if fill is None:  # unpickled from a version without it
            fill = self._fill = self._block_fill()
        pos, idx, views, size = fill
        buf = np.zeros(size)
        buf[pos] = np.asarray(par, dtype=float)[idx]
        return [buf[a : a + w * w].reshape(w, w) for a, w in views]

    def _block_fill(self):
        """Where every parameter goes in the concatenated, row-major block templates."""
        pos, idx, views, start = [], [], [], 0
        for g, width in zip(self.groups, self.block_widths):
            c = 0
            for t in g:
                rows, cols = self._tri[t]
                pos.append(start + (c + rows) * width + (c + cols))
                idx.append(np.arange(self.par_offsets[t], self.par_offsets[t + 1]))
                c += self.widths[t]
            views.append((start, width))
            start += width * width
        pos.append(np.zeros(0, np.intp))  # no terms: empty index arrays
        idx.append(np.zeros(0, np.intp))
        return np.concatenate(pos).astype(np.intp), np.concatenate(idx).astype(np.intp), tuple(views), start

    def _internal_map(self) -> np.ndarray:
        """Term-major index of every internal coordinate."""
        parts = []
        for g, width in zip(self.groups, self.block_widths):
            nl = self.nlevels[g[0]]
            cols = np.empty((nl, width), dtype=np.int64)
            c = 0
            for t in g:
                k = self.widths[t]
                cols[:, c : c + k] = self.term_offsets[t] + np.arange(nl)[:, None] * k + np.arange(k)[None, :]
                c += k
            parts.append(cols.ravel())
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def to_terms(self, internal: np.ndarray) -> np.ndarray:
        """Reorder a vector from internal to term-major order."""
        out = np.empty_like(internal)
        out[self.internal_to_term] = internal
        return out

    def split_block_diag(self, block_arrays: Sequence[np.ndarray]) -> list:
        """Per-term ``(ℓ, k_t, k_t)`` diagonal sub-blocks of per-block ``(ℓ, K, K)`` arrays."""
        out: list = [None] * len(self.widths)
        for g, arr in zip(self.groups, block_arrays):
            c = 0
            for t in g:
                k = self.widths[t]
                out[t] = np.ascontiguousarray(arr[:, c : c + k, c : c + k])
                c += k
        return out
