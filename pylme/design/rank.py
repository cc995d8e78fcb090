"""Rank-deficient fixed-effects matrices, handled as lme4 does (lme4: ``chkRank.drop.cols``).

lme4 detects rank deficiency with R's ``qr(X, tol = 1e-7, LAPACK = FALSE)``, i.e. the
LINPACK routine ``dqrdc2`` with "limited column pivoting": a column whose norm, after
the Householder reflections of the earlier columns, has fallen below ``tol`` times its
original norm is moved to the far right.  The retained columns keep their original
order and the aliased ones are exactly those ``lm()`` would report as ``NA``.  A plain
rank-revealing QR with full pivoting would choose *different* columns to drop, so the
algorithm is reproduced here step by step.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import DataCheckWarning, ModelSpecError, RankDeficiencyMessage

__all__ = ["QRRank", "qr_rank", "RankDrop", "drop_rank_deficient"]


@dataclass(frozen=True)
class QRRank:
    """Result of :func:`qr_rank` (R: ``qr(X, tol, LAPACK = FALSE)[c("rank", "pivot")]``)."""

    rank: int
    pivot: np.ndarray  # 0-based column order; the first `rank` entries are the kept columns


def qr_rank(x: np.ndarray, tol: float = 1e-7) -> QRRank:
    """Rank and pivot of ``x`` by LINPACK ``dqrdc2`` (R's default ``qr()``).

    Parameters
    ----------
    x : ndarray, shape (n, p)
        The matrix; it is copied, never modified.
    tol : float
        Relative tolerance on the reduced column norms (R's ``tol``, lme4 uses 1e-7).
    """
    a = np.array(x, dtype=float, order="F", copy=True)
    n, p = a.shape
    norms = np.linalg.norm(a, axis=0) if n > 0 else np.zeros(p)
    qraux = norms.copy()  # running (reduced) column norms
    orig = np.where(norms == 0.0, 1.0, norms)  # work(, 2): original norms, 0 -> 1
    pivot = np.arange(p)
    k = p  # 0-based count of columns not yet cycled to the end
    for col in range(min(n, p)):
        # cycle negligible columns to the right end (stop when `col` reaches them)
        while col < k and qraux[col] < orig[col] * tol:
            _rotate_to_end(a, col)
            for arr in (pivot, qraux, orig):
                arr[col:] = np.roll(arr[col:], -1)
            k -= 1
        if col == n - 1:
            break
        _householder_step(a, qraux, col)
    return QRRank(rank=min(k, n), pivot=pivot)


def _rotate_to_end(a: np.ndarray, col: int) -> None:
    """Move column ``col`` to the last position, shifting the later columns left."""
    a[:, col:] = np.roll(a[:, col:], -1, axis=1)


def _householder_step(a: np.ndarray, qraux: np.ndarray, col: int) -> None:
    """Reflect column ``col`` and down-date the norms of later columns (dqrdc2 body)."""
    xl = a[col:, col]
    nrmxl = np.linalg.norm(xl)
    if nrmxl == 0.0:
        return
    if xl[0] != 0.0:
        nrmxl = np.copysign(nrmxl, xl[0])
    xl /= nrmxl
    xl[0] += 1.0
    for j in range(col + 1, a.shape[1]):
        xj = a[col:, j]
        t = -np.dot(xl, xj) / xl[0]
        xj += t * xl
        if qraux[j] == 0.0:
            continue
        tt = max(1.0 - (abs(xj[0]) / qraux[j]) ** 2, 0.0)
        # R's 1999 fix: recompute the norm exactly after a large reduction
        if abs(tt) < 1e-6:
            qraux[j] = np.linalg.norm(a[col + 1 :, j])
        else:
            qraux[j] *= np.sqrt(tt)
    qraux[col] = xl[0]
    a[col, col] = -nrmxl


@dataclass(frozen=True)
class RankDrop:
    """Which columns of X lme4 keeps (lme4: attributes ``col.dropped``, ``msgRankdrop``)."""

    keep: np.ndarray  # 0-based indices of kept columns, in original order
    dropped: tuple[str, ...]  # names of the dropped columns
    dropped_positions: tuple[int, ...]  # 0-based original positions of dropped columns
    message: str | None  # lme4's message text, or None when nothing was dropped


def drop_rank_deficient(
    values: np.ndarray, columns: tuple[str, ...], action: str, tol: float = 1e-7
) -> RankDrop:
    """Apply lme4's ``check.rankX`` policy to the fixed-effects matrix.

    Parameters
    ----------
    values, columns : ndarray (n, p), tuple of str
        X and its column names.
    action : str
        ``"message+drop.cols"`` (lme4 default), ``"silent.drop.cols"``,
        ``"warn+drop.cols"``, ``"stop.deficient"`` or ``"ignore"``.

    Raises
    ------
    ModelSpecError
        For ``"stop.deficient"`` with a deficient X, with lme4's text.
    """
    p = values.shape[1]
    everything = RankDrop(np.arange(p), (), (), None)
    if action == "ignore" or p == 0:
        return everything
    qr = qr_rank(values, tol)
    if qr.rank == p:
        return everything
    if action == "stop.deficient":
        raise ModelSpecError(
            f"the fixed-effects model matrix is column rank deficient (rank(X) = {qr.rank} < {p} = p);\n"
            "the fixed effects will be jointly unidentifiable"
        )
    n_drop = p - qr.rank
    message = "fixed-effect model matrix is rank deficient so dropping " + (
        "1 column / coefficient" if n_drop == 1 else f"{n_drop} columns / coefficients"
    )
    if action == "warn+drop.cols":
        warnings.warn(message, DataCheckWarning, stacklevel=4)
    elif action == "message+drop.cols":
        warnings.warn(message, RankDeficiencyMessage, stacklevel=4)
    keep = np.sort(qr.pivot[: qr.rank])
    dropped = tuple(int(j) for j in sorted(qr.pivot[qr.rank :]))
    if qr_rank(values[:, keep], tol).rank < keep.size:
        raise ModelSpecError("Dropping columns failed to produce full column rank design matrix")
    return RankDrop(keep, tuple(columns[j] for j in dropped), dropped, message)
