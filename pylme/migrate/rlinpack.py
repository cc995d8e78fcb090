"""R's least squares to the last bit: LINPACK ``dqrdc2`` + ``dqrsl`` as R's ``dqrls``
(``lm.fit``'s and ``glm.fit``'s ``.Call(C_Cdqrls, x, y, tol)``) runs them on the
reference BLAS R 4.2.2 links (``ddot``: products summed in order; ``dnrm2``: LAPACK
3.10+'s, a plain sum of squares for values of ordinary size; ``daxpy``/``dscal``:
element by element).

Why bit for bit: R prints 4-5 significant digits, and data with few decimals put a
printed value on a rounding tie (``1.70 / 16 = 0.10625`` printed with 4 digits): a
residual sum of squares one unit in the last place away from R's prints the other
neighbour.  statsmodels' pseudo-inverse and LAPACK's blocked QR land elsewhere in the
last bits, so :mod:`pylme.migrate.rlm` and :mod:`pylme.migrate.rglm` solve with this.
Column by column (one NumPy operation per pair of columns), for models of the size
scripts fit with ``lm``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Dqrls", "dqrls", "dnrm2", "ddot"]

# dnrm2's (LAPACK 3.10 la_constants) thresholds for IEEE doubles: values outside
# [_TSML, _TBIG] are accumulated scaled
_TSML = 2.0 ** math.ceil((-1021 - 1) * 0.5)
_TBIG = 2.0 ** math.floor((1024 - 53 + 1) * 0.5)


def ddot(x: np.ndarray, y: np.ndarray) -> float:
    """Reference BLAS ``ddot``: the products summed in order (the unrolled loop adds
    them left to right too)."""
    if x.size == 0:
        return 0.0
    return float(np.cumsum(x * y)[-1])  # cumsum adds in order (np.sum is pairwise)


def dnrm2(x: np.ndarray) -> float:
    """Reference BLAS (LAPACK >= 3.10) ``dnrm2``: ``sqrt`` of the in-order sum of
    squares for values of ordinary size (Blue's scaling only for tiny or huge ones,
    which go to NumPy's norm here)."""
    if x.size == 0:
        return 0.0
    ax = np.abs(x)
    if np.any((ax > _TBIG) | ((ax < _TSML) & (ax > 0))) or not np.all(np.isfinite(ax)):
        return float(np.linalg.norm(x))
    return math.sqrt(float(np.cumsum(ax * ax)[-1]))


@dataclass(frozen=True, eq=False)
class Dqrls:
    """``C_Cdqrls``'s result.

    Attributes
    ----------
    qr : ndarray (n, p)
        The compact QR (columns in pivot order).
    qraux : ndarray (p,)
    pivot : ndarray of int
        0-based original column of each position; the first ``rank`` are kept.
    rank : int
    coefficients : ndarray (p,)
        In pivot order; those past ``rank`` are 0 (``lm.fit`` makes them NA).
    residuals, effects : ndarray (n,)
    """

    qr: np.ndarray
    qraux: np.ndarray
    pivot: np.ndarray
    rank: int
    coefficients: np.ndarray
    residuals: np.ndarray
    effects: np.ndarray


def _dqrdc2(x: np.ndarray, tol: float):
    """LINPACK ``dqrdc2`` (R's limited column pivoting): a column whose norm has
    fallen below ``tol`` times its original norm goes to the end."""
    n, p = x.shape
    qraux = np.array([dnrm2(x[:, j]) for j in range(p)])
    work2 = np.where(qraux == 0.0, 1.0, qraux)
    pivot = np.arange(p)
    k = p  # columns [k, p) have been cycled to the end
    for l in range(min(n, p)):
        while l < k and qraux[l] < work2[l] * tol:
            order = list(range(l + 1, p)) + [l]  # column l to the end, the others up
            x[:, l:] = x[:, order]
            for arr in (pivot, qraux, work2):
                arr[l:] = arr[order]
            k -= 1
        if l == n - 1:
            break
        col = x[l:, l]
        nrmxl = dnrm2(col)
        if nrmxl == 0.0:
            continue
        if col[0] != 0.0:
            nrmxl = math.copysign(nrmxl, col[0])
        col *= 1.0 / nrmxl
        col[0] = 1.0 + col[0]
        for j in range(l + 1, p):
            t = -ddot(col, x[l:, j]) / col[0]
            x[l:, j] += t * col
            if qraux[j] == 0.0:
                continue
            tt = max(1.0 - (abs(x[l, j]) / qraux[j]) ** 2, 0.0)
            if abs(tt) < 1e-6:  # R's modification: recompute the norm, relative tolerance
                qraux[j] = dnrm2(x[l + 1:, j])
            else:
                qraux[j] = qraux[j] * math.sqrt(tt)
        qraux[l] = col[0]
        x[l, l] = -nrmxl
    return qraux, pivot, min(k, n)


def _apply(qr: np.ndarray, qraux: np.ndarray, j: int, v: np.ndarray) -> None:
    """One Householder reflection of ``dqrsl`` on ``v[j:]`` (in place)."""
    u = qr[j:, j].copy()
    u[0] = qraux[j]
    t = -ddot(u, v[j:]) / u[0]
    v[j:] += t * u


def dqrls(x: np.ndarray, y: np.ndarray, tol: float = 1e-7) -> Dqrls:
    """R's ``dqrls``: ``dqrdc2`` then ``dqrsl`` (job 01110: Q'y, coefficients,
    residuals) on copies of ``x`` (n x p) and ``y`` (n)."""
    qr = np.array(x, dtype=float, order="F", copy=True)
    n, p = qr.shape
    qraux, pivot, k = _dqrdc2(qr, tol)
    qty = np.array(y, dtype=float, copy=True)
    coef = np.zeros(p)
    rsd = np.zeros(n)
    if k > 0:
        ju = min(k, n - 1)
        for j in range(ju):
            if qraux[j] != 0.0:
                _apply(qr, qraux, j, qty)
        b = qty[:k].copy()
        for j in range(k - 1, -1, -1):  # back substitution, column oriented (daxpy)
            b[j] = b[j] / qr[j, j]
            if j > 0:
                b[:j] += (-b[j]) * qr[:j, j]
        coef[:k] = b
        rsd[k:] = qty[k:]
        for j in range(ju - 1, -1, -1):
            if qraux[j] != 0.0:
                _apply(qr, qraux, j, rsd)
    else:
        rsd = np.array(y, dtype=float, copy=True)
    return Dqrls(qr=qr, qraux=qraux, pivot=pivot, rank=int(k), coefficients=coef,
                 residuals=rsd, effects=qty)
