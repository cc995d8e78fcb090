"""Kernels for a uniform block-diagonal matrix: ``ℓ`` dense ``k×k`` blocks on the diagonal.

This is the first diagonal block of the blocked system (MixedModels.jl:
``UniformBlockDiagonal``, ``cholUnblocked!`` on its ``k×k`` slices, and the
``copyscaleinflate!`` that forms ``Tᵀ A_l T + I``).  Its Cholesky factor is
block diagonal too, so eliminating it never creates fill.

Blocks are stored as an array of shape ``(ℓ, k, k)``.  ``k = 1`` (a scalar random
term) has its own elementwise path because it is by far the most common case and
the batched ``numpy.linalg`` calls have a fixed overhead per block; ``k = 2`` (a random
intercept and slope) has a closed-form path for the same reason (it is evaluated tens of
thousands of times by a parametric bootstrap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import PivotError

__all__ = ["BlockDiagFactor", "factor_inflated"]

_EYE_2 = np.array([1.0, 0.0, 0.0, 1.0])  # the identity of a 2×2 block, flattened


@dataclass(frozen=True)
class BlockDiagFactor:
    """Cholesky factor of ``G_l = Tᵀ A_l T + I`` for every block ``l``.

    Attributes
    ----------
    chol : ndarray, shape (ℓ, k, k)
        Lower Cholesky factors ``L_l`` of ``G_l``.
    logdet : float
        ``log det G = Σ_l 2 Σ_i log L_l[i, i]``.
    schur : ndarray, shape (ℓ, k, k)
        ``B_l = T G_l⁻¹ Tᵀ = K_lᵀ K_l``: what the eliminated block subtracts from the
        unscaled cross-products of the later blocks (the Schur complement is
        ``A_rr − A_r1 B A_1r``, linear in ``B``).
    half : ndarray, shape (ℓ, k, k)
        ``K_l = L_l⁻¹ Tᵀ``, the factor of ``B_l``.  Products with the dense columns go
        through it (lme4's ``RZX = L⁻¹ΛᵀZᵀWX``) rather than through ``B``: the downdate
        ``DᵀWD − (K A_1d)ᵀ(K A_1d)`` cancels heavily when θ is large, and forming it from
        ``K`` keeps it as accurate as lme4's.
    template : ndarray, shape (k, k)
        The lower-triangular ``T`` used.
    """

    chol: np.ndarray
    logdet: float
    schur: np.ndarray
    half: np.ndarray
    template: np.ndarray

    @property
    def nblocks(self) -> int:
        return self.chol.shape[0]

    @property
    def width(self) -> int:
        return self.chol.shape[1]

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
    # B = T G⁻¹ Tᵀ = Kᵀ K with K = L⁻¹ Tᵀ: symmetric by construction
    kmat = np.linalg.solve(chol, np.broadcast_to(template.T, g.shape))
    schur = np.swapaxes(kmat, 1, 2) @ kmat
    return BlockDiagFactor(chol, logdet, schur, kmat, template)


def _factor_scalar(gram: np.ndarray, template: np.ndarray) -> BlockDiagFactor:
    """``k = 1``: ``g_l = t² a_l + 1`` elementwise (MixedModels: a ``Diagonal`` block)."""
    t2 = float(template[0, 0]) ** 2
    g = gram[:, 0, 0] * t2 + 1.0
    if not np.all(np.isfinite(g)):
        raise PivotError(-1, "random")
    logdet = float(np.sum(np.log(g)))
    root = np.sqrt(g)
    chol = root[:, None, None]
    schur = (t2 / g)[:, None, None]
    half = (float(template[0, 0]) / root)[:, None, None]
    return BlockDiagFactor(chol, logdet, schur, half, template)


def _factor_pair(gram: np.ndarray, template: np.ndarray) -> BlockDiagFactor:
    """``k = 2`` in closed form, with as few numpy calls as possible (the per-call overhead
    dominates for blocks this small).

    With blocks flattened row-major, ``vec(TᵀA_lT) = vec(A_l) K`` with ``K = T ⊗ T``: one
    product forms every ``G_l``, its Cholesky factor is written out (``l00 = √g00``,
    ``l10 = g10/l00``, ``l11 = √(g11 − l10²)``, the arithmetic of ``dpotrf``), and so is
    ``L_l⁻¹Tᵀ`` (forward substitution) and ``B_l = (L_l⁻¹Tᵀ)ᵀ(L_l⁻¹Tᵀ)``.  Forming ``B``
    from the factor, not from ``adj(G)/det G``, matters: ``B`` feeds a downdate that
    cancels heavily at large θ and magnifies any error in it.
    """
    n = gram.shape[0]
    t00, t10, t11 = float(template[0, 0]), float(template[1, 0]), float(template[1, 1])
    cross, side = t00 * t10, t10 * t11
    kron = np.array([[t00 * t00, 0.0, 0.0, 0.0], [cross, t00 * t11, 0.0, 0.0],
                     [cross, 0.0, t00 * t11, 0.0], [t10 * t10, side, side, t11 * t11]])
    g = gram.reshape(n, 4) @ kron
    g += _EYE_2
    l00 = np.sqrt(g[:, 0])
    l10 = g[:, 2] / l00
    l11 = np.sqrt(g[:, 3] - l10 * l10)
    logdet = 2.0 * float(np.log(l00 * l11).sum())
    if not math.isfinite(logdet):
        raise PivotError(-1, "random")  # G ≥ I, so only inf/nan get here
    # K = L⁻¹Tᵀ with Tᵀ = [[t00, t10], [0, t11]]: row 0 = Tᵀ[0]/l00, row 1 = (Tᵀ[1] − l10·row 0)/l11
    half = np.empty((n, 2, 2))
    half[:, 0, 0] = t00 / l00
    half[:, 0, 1] = t10 / l00
    half[:, 1, 0] = -l10 * half[:, 0, 0] / l11
    half[:, 1, 1] = (t11 - l10 * half[:, 0, 1]) / l11
    chol = np.zeros((n, 2, 2))
    chol[:, 0, 0], chol[:, 1, 0], chol[:, 1, 1] = l00, l10, l11
    return BlockDiagFactor(chol, logdet, np.swapaxes(half, 1, 2) @ half, half, template)
