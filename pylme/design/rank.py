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

import math
import warnings
from collections import deque
from dataclasses import dataclass

import numpy as np

from ..errors import DataCheckWarning, ModelSpecError, RankDeficiencyMessage

__all__ = ["QRRank", "qr_rank", "RankDrop", "drop_rank_deficient"]


@dataclass(frozen=True)
class QRRank:
    """Result of :func:`qr_rank` (R: ``qr(X, tol, LAPACK = FALSE)[c("rank", "pivot")]``)."""

    rank: int
    pivot: np.ndarray  # 0-based column order; the first `rank` entries are the kept columns


_PANEL = 32  # reflections applied to the not-yet-reached columns at once


def qr_rank(x: np.ndarray, tol: float = 1e-7) -> QRRank:
    """Rank and pivot of ``x`` by LINPACK ``dqrdc2`` (R's default ``qr()``).

    Parameters
    ----------
    x : ndarray, shape (n, p)
        The matrix; it is copied, never modified.
    tol : float
        Relative tolerance on the reduced column norms (R's ``tol``, lme4 uses 1e-7).

    Notes
    -----
    dqrdc2 takes the columns left to right; a column whose reduced norm (tracked by
    a down-dating formula, recomputed exactly after a large reduction) has fallen below
    ``tol`` times its original norm is moved to the right end and never looked at
    again, any other one is reflected and the reflection applied to every later
    column.  The same decisions are made here with the same arithmetic per column, but
    the reflections reach the later columns in panels of ``_PANEL`` (one blocked
    update instead of one pass over the whole matrix per column): the column that comes
    up next is brought up to date on its own.  A later reflection never changes an
    earlier row, and the rows below are only rotated, so the entries and norms the
    down-dating uses are available after the blocked update.  The reduction stops once
    only cycled columns are left: dqrdc2 no longer changes the rank or the pivot then.
    """
    a = np.array(x, dtype=float, order="F", copy=True)
    n, p = a.shape
    norms = np.linalg.norm(a, axis=0) if n > 0 else np.zeros(p)
    qraux = norms.copy()  # running (reduced) column norms, by original column
    orig = np.where(norms == 0.0, 1.0, norms)  # dqrdc2 work(, 2): original norms, 0 -> 1
    processed: list[int] = []
    waiting = deque(range(p))  # columns not yet reflected, in dqrdc2's current order
    k = p  # position of the first column cycled to the end
    lup = min(n, p)
    while len(processed) < lup and len(processed) < k:
        panel = _Panel(start=len(processed), n=n)
        while len(panel.steps) < _PANEL and len(processed) < lup:
            l = len(processed)
            # cycle negligible columns to the end (never past those already cycled)
            column, q = None, 0.0
            while l < k:
                candidate = waiting[0]
                values, q = panel.bring_up_to_date(a[panel.start:, candidate], qraux[candidate])
                if q >= orig[candidate] * tol:
                    column = candidate
                    break
                waiting.rotate(-1)
                k -= 1
            if column is None:
                break  # only cycled columns are left
            processed.append(waiting.popleft())
            if l == n - 1:
                break  # dqrdc2 does not reflect the last row
            panel.reflect(values, l)
        panel.apply(a, qraux, np.fromiter(waiting, dtype=np.intp, count=len(waiting)))
    pivot = np.array(processed + list(waiting), dtype=np.intp)
    return QRRank(rank=min(k, n), pivot=pivot)


class _Panel:
    """Householder reflections of consecutive dqrdc2 steps, from row ``start`` down.

    Each reflection is dqrdc2's ``H = I - v v' / v[0]`` with ``v`` zero above its
    step's row ``l``; ``steps`` holds ``(l, v)`` with ``v`` over rows ``l..n-1``.
    """

    def __init__(self, start: int, n: int):
        self.start = start
        self.n = n
        self.steps: list[tuple[int, np.ndarray]] = []

    def bring_up_to_date(self, column: np.ndarray, q: float) -> tuple[np.ndarray, float]:
        """Apply this panel's reflections to one column (rows ``start..``) and down-date
        its norm through them, exactly as dqrdc2 does step by step."""
        x = np.array(column, dtype=float)
        for l, v in self.steps:
            seg = x[l - self.start:]
            seg += (-np.dot(v, seg) / v[0]) * v
            q = _downdate(q, seg[0], lambda: np.linalg.norm(seg[1:]))
        return x, q

    def reflect(self, values: np.ndarray, l: int) -> None:
        """dqrdc2's reflection of the pivot column at step ``l`` (values from ``start``)."""
        xl = values[l - self.start:]
        nrmxl = np.linalg.norm(xl)
        if nrmxl == 0.0:
            return  # dqrdc2 skips the step (no reflection)
        if xl[0] != 0.0:
            nrmxl = np.copysign(nrmxl, xl[0])
        v = xl / nrmxl
        v[0] += 1.0
        self.steps.append((l, v))

    def apply(self, a: np.ndarray, qraux: np.ndarray, columns: np.ndarray) -> None:
        """All reflections on the waiting ``columns`` at once, then their norms' down-dates."""
        if not self.steps or columns.size == 0:
            return
        m = self.n - self.start
        V = np.zeros((m, len(self.steps)))
        for i, (l, v) in enumerate(self.steps):
            V[l - self.start:, i] = v
        taus = np.array([1.0 / v[0] for _, v in self.steps])
        # H_1 ... H_b = I - V T V' (LAPACK dlarft, forward, columnwise); apply the transpose
        T = np.zeros((len(taus), len(taus)))
        for i, tau in enumerate(taus):
            T[:i, i] = -tau * (T[:i, :i] @ (V[:, :i].T @ V[:, i]))
            T[i, i] = tau
        block = a[self.start:, columns]
        block -= V @ (T.T @ (V.T @ block))
        a[self.start:, columns] = block
        q = qraux[columns]
        for l, _ in self.steps:
            row = block[l - self.start]
            live = q != 0.0
            with np.errstate(divide="ignore", invalid="ignore"):
                tt = np.maximum(1.0 - (np.abs(row) / np.where(live, q, 1.0)) ** 2, 0.0)
            exact = live & (np.abs(tt) < 1e-6)
            scaled = live & ~exact
            if np.any(exact):
                q[exact] = np.linalg.norm(block[l - self.start + 1:, exact], axis=0)
            q[scaled] *= np.sqrt(tt[scaled])
        qraux[columns] = q


def _downdate(q: float, entry: float, exact_norm) -> float:
    """dqrdc2's norm down-date of one column after one reflection (R's 1999 fix: the
    norm is recomputed exactly after a large reduction)."""
    if q == 0.0:
        return q
    tt = max(1.0 - (abs(entry) / q) ** 2, 0.0)
    if abs(tt) < 1e-6:
        return float(exact_norm())
    return q * math.sqrt(tt)


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
