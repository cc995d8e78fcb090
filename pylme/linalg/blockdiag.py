"""Kernels for a uniform block-diagonal matrix: ``ℓ`` dense ``k×k`` blocks on the diagonal.

This is the first diagonal block of the blocked system (MixedModels.jl:
``UniformBlockDiagonal``, ``cholUnblocked!`` on its ``k×k`` slices, and the
``copyscaleinflate!`` that forms ``Tᵀ A_l T + I``).  Its Cholesky factor is
block diagonal too, so eliminating it never creates fill.

Blocks are stored as an array of shape ``(ℓ, k, k)``.  ``k = 1`` (a scalar random
term) has its own elementwise path because it is by far the most common case and
the batched ``numpy.linalg`` calls have a fixed overhead per block; ``k = 2`` (a random
intercept and slope) has a closed-form path for the same reason (it is evaluated tens of
thousands of times by a parametric bootstrap).  Only the log-determinant and the pivots
are formed eagerly: the full factor, ``L⁻¹Tᵀ`` and ``B`` are built on first use, since the
optimizer's fast path of a one-factor model needs none of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .errors import PivotError

__all__ = ["BlockDiagFactor", "factor_inflated"]


@dataclass(frozen=True, eq=False)
class BlockDiagFactor:
    """Cholesky factor of ``G_l = Tᵀ A_l T + I`` for every block ``l``.

    Attributes
    ----------
    logdet : float
        ``log det G = Σ_l 2 Σ_i log L_l[i, i]``.
    template : ndarray, shape (k, k)
        The lower-triangular ``T`` used.
    pivots : tuple of ndarray
        The factor in the form its path made it: ``(l,)`` (k = 1, the diagonal),
        ``(l00, l10, l11)`` (k = 2) or ``(L,)`` with ``L`` of shape (ℓ, k, k).
    chol : ndarray, shape (ℓ, k, k)
        Lower Cholesky factors ``L_l`` of ``G_l`` (built on first use).
    half : ndarray, shape (ℓ, k, k)
        ``K_l = L_l⁻¹ Tᵀ``, the factor of ``B_l`` (built on first use).
    schur : ndarray, shape (ℓ, k, k)
        ``B_l = T G_l⁻¹ Tᵀ = K_lᵀ K_l``: what the eliminated block subtracts from the
        unscaled cross-products of the later blocks (the Schur complement is
        ``A_rr − A_r1 B A_1r``, linear in ``B``; built on first use).
    """

    logdet: float
    template: np.ndarray
    pivots: tuple

    @classmethod
    def from_arrays(cls, logdet: float, template: np.ndarray, chol: np.ndarray, half: np.ndarray,
                    schur: np.ndarray) -> "BlockDiagFactor":
        """The factor formed by the compiled kernel (:func:`.eval_kernels.first_block`).

        ``chol``, ``half`` and ``schur`` (each (ℓ, k, k)) become the factor's own: the
        pivots are read from ``chol`` in the form of :func:`factor_inflated`'s paths and the
        derived arrays are not formed again.
        """
        k = template.shape[0]
        if k == 1:
            pivots = (chol[:, 0, 0],)
        elif k == 2:
            pivots = (chol[:, 0, 0], chol[:, 1, 0], chol[:, 1, 1])
        else:
            pivots = (chol,)
        fac = cls(float(logdet), template, pivots)
        fac.__dict__.update(chol=chol, half=half, schur=schur)  # the cached properties, already known
        return fac

    @property
    def width(self) -> int:
        return self.template.shape[0]

    @property
    def nblocks(self) -> int:
        return self.pivots[0].shape[0]

    @cached_property
    def chol(self) -> np.ndarray:
        k = self.width
        if k == 1:
            return self.pivots[0][:, None, None]
        if k == 2:
            l00, l10, l11 = self.pivots
            chol = np.zeros((l00.size, 2, 2))
            chol[:, 0, 0], chol[:, 1, 0], chol[:, 1, 1] = l00, l10, l11
            return chol
        return self.pivots[0]

    @cached_property
    def half(self) -> np.ndarray:
        if self.width == 1:  # t / l: what scaled_forward gives for a unit right-hand side
            return (self.template[0, 0] / self.pivots[0])[:, None, None]
        if self.width > 2:
            return np.linalg.solve(self.chol, np.broadcast_to(self.template.T, self.chol.shape))
        eye = np.broadcast_to(np.eye(self.width), (self.nblocks, self.width, self.width))
        return self.scaled_forward(np.ascontiguousarray(eye))

    @cached_property
    def schur(self) -> np.ndarray:
        half = self.half
        if self.width == 1:  # a 1 × 1 product is one rounding: h·h
            return half * half
        return np.swapaxes(half, 1, 2) @ half

    def scaled_forward(self, rhs: np.ndarray) -> np.ndarray:
        """``L_l⁻¹ Tᵀ rhs_l`` for every block (lme4's ``RZX`` for block 1's rows).

        Forming the dense columns' downdate from these products (``RZXᵀRZX``) rather than
        through ``B`` matters: it is a small difference of large numbers when θ is large,
        and this association keeps its rounding error at lme4's level.

        Parameters
        ----------
        rhs : ndarray, shape (ℓ, k, m)

        Returns
        -------
        ndarray, shape (ℓ, k, m)
        """
        k = self.width
        t = self.template
        if k == 1:
            return rhs * (t[0, 0] / self.pivots[0])[:, None, None]
        if k == 2:  # written out: batched 2×2 products cost more in overhead than in flops
            l00, l10, l11 = self.pivots
            a0, a1 = rhs[:, 0, :], rhs[:, 1, :]
            out = np.empty(rhs.shape)
            r0, r1 = out[:, 0, :], out[:, 1, :]
            np.divide(t[0, 0] * a0 + t[1, 0] * a1, l00[:, None], out=r0)
            np.divide(t[1, 1] * a1 - l10[:, None] * r0, l11[:, None], out=r1)
            return out
        return np.matmul(self.half, rhs)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Solve ``G x = rhs`` block by block.

        Parameters
        ----------
        rhs : ndarray, shape (ℓ, k) or (ℓ, k, m)

        Returns
        -------
        ndarray, same shape as ``rhs``.
        """
        vector = rhs.ndim == 2
        b = rhs[..., None] if vector else rhs
        if self.width == 1:
            x = b / (self.chol * self.chol)
        else:
            y = np.linalg.solve(self.chol, b)
            x = np.linalg.solve(np.swapaxes(self.chol, 1, 2), y)
        return x[..., 0] if vector else x

    def inverse(self) -> np.ndarray:
        """``G_l⁻¹`` for every block, shape (ℓ, k, k)."""
        k = self.width
        eye = np.broadcast_to(np.eye(k), self.chol.shape)
        return self.solve(np.array(eye))


def factor_inflated(gram: np.ndarray, template: np.ndarray) -> BlockDiagFactor:
    """Factor ``G_l = Tᵀ A_l T + I`` for all blocks ``A_l`` (MixedModels ``cholUnblocked!``).

    Parameters
    ----------
    gram : ndarray, shape (ℓ, k, k)
        The symmetric blocks ``A_l`` (unscaled cross-products ``Z_lᵀ W Z_l``).
    template : ndarray, shape (k, k)
        Lower-triangular ``T``; any real entries (negative diagonals included).

    Returns
    -------
    BlockDiagFactor

    Raises
    ------
    PivotError
        If a block is not numerically positive definite (only possible through
        overflow: every ``G_l`` is ``≥ I``).
    """
    k = template.shape[0]
    if k == 1:
        return _factor_scalar(gram, template)
    if k == 2:
        return _factor_pair(gram, template)
    g = np.swapaxes(template, 0, 1) @ gram @ template
    g[:, np.arange(k), np.arange(k)] += 1.0
    try:
        chol = np.linalg.cholesky(g)
    except np.linalg.LinAlgError as exc:  # G ≥ I, so only inf/nan get here
        raise PivotError(-1, "random") from exc
    diag = np.diagonal(chol, axis1=1, axis2=2)
    logdet = 2.0 * float(np.sum(np.log(diag)))
    return BlockDiagFactor(logdet, template, (chol,))


def _factor_scalar(gram: np.ndarray, template: np.ndarray) -> BlockDiagFactor:
    """``k = 1``: ``g_l = t² a_l + 1`` elementwise (MixedModels: a ``Diagonal`` block)."""
    t2 = float(template[0, 0]) ** 2
    g = gram[:, 0, 0] * t2 + 1.0
    if not np.isfinite(g).all():
        raise PivotError(-1, "random")
    logdet = float(np.log(g).sum())
    return BlockDiagFactor(logdet, template, (np.sqrt(g),))


def _factor_pair(gram: np.ndarray, template: np.ndarray) -> BlockDiagFactor:
    """``k = 2`` in closed form, with as few numpy calls as possible (the per-call overhead
    dominates for blocks this small).

    With blocks flattened row-major (``[a, b, b, c]``), one product gives every
    ``(g00, g10, g11)`` of ``G_l = TᵀA_lT + I``; its Cholesky factor is written out
    (``l00 = √g00``, ``l10 = g10/l00``, ``l11 = √(g11 − l10²)``, the arithmetic of ``dpotrf``).
    """
    n = gram.shape[0]
    t00, t10, t11 = float(template[0, 0]), float(template[1, 0]), float(template[1, 1])
    # columns: g00 = t00²a + 2 t00 t10 b + t10² c, g10 = t11 (t00 b + t10 c), g11 = t11² c
    lower = np.array([[t00 * t00, 0.0, 0.0], [t00 * t10, t00 * t11, 0.0],
                      [t00 * t10, 0.0, 0.0], [t10 * t10, t10 * t11, t11 * t11]])
    g = gram.reshape(n, 4) @ lower
    l00 = np.sqrt(g[:, 0] + 1.0)
    l10 = g[:, 1] / l00
    l11 = np.sqrt(g[:, 2] + 1.0 - l10 * l10)
    logdet = 2.0 * float(np.log(l00 * l11).sum())
    if not math.isfinite(logdet):
        raise PivotError(-1, "random")  # G ≥ I, so only inf/nan get here
    return BlockDiagFactor(logdet, template, (l00, l10, l11))
