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
_ADJUGATE_SIGNS = np.array([1.0, -1.0, -1.0, 1.0])


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
        ``B_l = T G_l⁻¹ Tᵀ``: what the eliminated block subtracts from the
        unscaled cross-products of the later blocks (the Schur complement is
        ``A_rr − A_r1 B A_1r``, linear in ``B``).
    template : ndarray, shape (k, k)
        The lower-triangular ``T`` used.
    """

    chol: np.ndarray
    logdet: float
    schur: np.ndarray
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
    return BlockDiagFactor(chol, logdet, schur, template)


def _factor_scalar(gram: np.ndarray, template: np.ndarray) -> BlockDiagFactor:
    """``k = 1``: ``g_l = t² a_l + 1`` elementwise (MixedModels: a ``Diagonal`` block)."""
    t2 = float(template[0, 0]) ** 2
    g = gram[:, 0, 0] * t2 + 1.0
    if not np.all(np.isfinite(g)):
        raise PivotError(-1, "random")
    logdet = float(np.sum(np.log(g)))
    chol = np.sqrt(g)[:, None, None]
    schur = (t2 / g)[:, None, None]
    return BlockDiagFactor(chol, logdet, schur, template)


def _factor_pair(gram: np.ndarray, template: np.ndarray) -> BlockDiagFactor:
    """``k = 2`` in closed form, with as few numpy calls as possible (the per-call overhead
    dominates for blocks this small).

    With blocks flattened row-major, ``vec(TᵀA_lT) = vec(A_l) K`` and
    ``vec(T G⁻¹ Tᵀ) = vec(G⁻¹) Kᵀ`` with ``K = T ⊗ T``: one product forms every ``G_l``,
    its Cholesky factor is written out (``l00 = √g00``, ``l10 = g10/l00``,
    ``l11 = √(g11 − l10²)``, the arithmetic of ``dpotrf``), ``G_l⁻¹ = adj(G_l)/det G_l``
    with ``det G_l = (l00·l11)²``, and one more product gives every ``B_l``.  Agrees with
    the batched LAPACK path to rounding (``G ≥ I`` keeps the inverse well conditioned).
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
    root_det = l00 * l11
    logdet = 2.0 * float(np.log(root_det).sum())
    if not math.isfinite(logdet):
        raise PivotError(-1, "random")  # G ≥ I, so only inf/nan get here
    inverse = g[:, ::-1] * _ADJUGATE_SIGNS  # adj(G) = [[g11, −g01], [−g10, g00]]
    inverse /= (root_det * root_det)[:, None]
    chol = np.zeros((n, 2, 2))
    chol[:, 0, 0], chol[:, 1, 0], chol[:, 1, 1] = l00, l10, l11
    return BlockDiagFactor(chol, logdet, (inverse @ kron.T).reshape(n, 2, 2), template)
