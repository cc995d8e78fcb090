"""BOBYQA's interpolation model: its first construction and its update (Powell's PRELIM, UPDATE).

Part of the port of Powell's BOBYQA (see :mod:`pylme.optim.bobyqa`).  The state is
held in :class:`Model`, with Powell's names; indices are 0-based (Powell's are 1-based),
and "none" indices are -1 where Powell uses 0.  Every arithmetic expression keeps
Powell's order of operations (``a*b**2`` is ``a*(b*b)``, sums accumulate left to right),
so each value is bit-identical to the Fortran's.
"""

from __future__ import annotations

import math
from typing import Callable

__all__ = ["Model", "prelim", "update"]

_SQRT2 = math.sqrt(2.0)
_SQRT_HALF = math.sqrt(0.5)


class Model:
    """BOBYQB's arrays (Powell's names; matrices as lists of rows).

    xbase : shift of origin; xpt[k] : interpolation point k relative to xbase;
    fval[k] : f there; xopt : displacement of the trust-region centre; gopt : model
    gradient at xbase+xopt; hq : explicit second derivatives (packed upper triangle by
    columns); pq : parameters of the implicit ones; bmat : last n columns of H
    (ndim rows); zmat : factor of H's leading npt×npt block; sl, su : bounds minus xbase.
    """

    def __init__(self, n: int, npt: int, x, sl, su):
        self.n, self.npt = n, npt
        self.ndim = npt + n
        self.nptm = npt - n - 1
        self.xbase = list(x)
        self.xpt = [[0.0] * n for _ in range(npt)]
        self.fval = [0.0] * npt
        self.xopt = [0.0] * n
        self.gopt = [0.0] * n
        self.hq = [0.0] * (n * (n + 1) // 2)
        self.pq = [0.0] * npt
        self.bmat = [[0.0] * n for _ in range(npt + n)]
        self.zmat = [[0.0] * max(self.nptm, 0) for _ in range(npt)]
        self.sl, self.su = list(sl), list(su)


def point(m: Model, step, xl, xu) -> list[float]:
    """``xbase + step`` clipped to the bounds, exactly on a bound when ``step`` is (Powell's rule)."""
    x = []
    for j in range(m.n):
        v = min(max(xl[j], m.xbase[j] + step[j]), xu[j])
        if step[j] == m.sl[j]:
            v = xl[j]
        if step[j] == m.su[j]:
            v = xu[j]
        x.append(v)
    return x


def prelim(m: Model, xl, xu, rhobeg: float, maxfun: int,
           calfun: Callable[[list], float]) -> tuple[int, int]:
    """Evaluate the first ``npt`` points and build the first model (Powell's PRELIM).

    Returns ``(nf, kopt)``: evaluations made and the index of the best point.
    """
    n, npt = m.n, m.npt
    xpt, fval, gopt, hq, bmat, zmat, sl, su = m.xpt, m.fval, m.gopt, m.hq, m.bmat, m.zmat, m.sl, m.su
    rhosq = rhobeg * rhobeg
    recip = 1.0 / rhosq
    np1 = n + 1
    nf = 0
    kopt = 0
    fbeg = stepa = stepb = 0.0
    ipt = jpt = 0
    while True:
        # Powell's 1-based counters: nfm evaluations so far, nf the one being made
        nfm = nf
        nfx = nf - n
        nf += 1
        row = xpt[nf - 1]
        if nfm <= 2 * n:
            if 1 <= nfm <= n:
                stepa = rhobeg
                if su[nfm - 1] == 0.0:
                    stepa = -stepa
                row[nfm - 1] = stepa
            elif nfm > n:
                stepa = xpt[nf - n - 1][nfx - 1]
                stepb = -rhobeg
                if sl[nfx - 1] == 0.0:
                    stepb = min(2.0 * rhobeg, su[nfx - 1])
                if su[nfx - 1] == 0.0:
                    stepb = max(-2.0 * rhobeg, sl[nfx - 1])
                row[nfx - 1] = stepb
        else:
            itemp = (nfm - np1) // n
            jpt = nfm - itemp * n - n
            ipt = jpt + itemp
            if ipt > n:
                itemp = jpt
                jpt = ipt - n
                ipt = itemp
            row[ipt - 1] = xpt[ipt][ipt - 1]
            row[jpt - 1] = xpt[jpt][jpt - 1]
        f = calfun(point(m, row, xl, xu))
        fval[nf - 1] = f
        if nf == 1:
            fbeg = f
            kopt = 0
        elif f < fval[kopt]:
            kopt = nf - 1
        if nf <= 2 * n + 1:
            if 2 <= nf <= n + 1:
                gopt[nfm - 1] = (f - fbeg) / stepa
                if npt < nf + n:
                    bmat[0][nfm - 1] = -1.0 / stepa
                    bmat[nf - 1][nfm - 1] = 1.0 / stepa
                    bmat[npt + nfm - 1][nfm - 1] = -0.5 * rhosq
            elif nf >= n + 2:
                ih = (nfx * (nfx + 1)) // 2 - 1
                temp = (f - fbeg) / stepb
                diff = stepb - stepa
                hq[ih] = 2.0 * (temp - gopt[nfx - 1]) / diff
                gopt[nfx - 1] = (gopt[nfx - 1] * stepb - temp * stepa) / diff
                if stepa * stepb < 0.0 and f < fval[nf - n - 1]:
                    # switch the two points so that the lower value is at the first one
                    fval[nf - 1] = fval[nf - n - 1]
                    fval[nf - n - 1] = f
                    if kopt == nf - 1:
                        kopt = nf - n - 1
                    xpt[nf - n - 1][nfx - 1] = stepb
                    xpt[nf - 1][nfx - 1] = stepa
                c = nfx - 1
                bmat[0][c] = -(stepa + stepb) / (stepa * stepb)
                bmat[nf - 1][c] = -0.5 / xpt[nf - n - 1][c]
                bmat[nf - n - 1][c] = -bmat[0][c] - bmat[nf - 1][c]
                zmat[0][c] = _SQRT2 / (stepa * stepb)
                zmat[nf - 1][c] = _SQRT_HALF / rhosq
                zmat[nf - n - 1][c] = -zmat[0][c] - zmat[nf - 1][c]
        else:
            ih = (ipt * (ipt - 1)) // 2 + jpt - 1
            c = nfx - 1
            zmat[0][c] = recip
            zmat[nf - 1][c] = recip
            zmat[ipt][c] = -recip
            zmat[jpt][c] = -recip
            temp = row[ipt - 1] * row[jpt - 1]
            hq[ih] = (fbeg - fval[ipt] - fval[jpt] + f) / temp
        if not (nf < npt and nf < maxfun):
            return nf, kopt


def update(m: Model, vlag: list, beta: float, denom: float, knew: int, w: list) -> None:
    """Update BMAT and ZMAT for moving interpolation point ``knew`` (Powell's UPDATE).

    ``vlag`` (length ndim) holds the Lagrange values of the new point, ``w`` is
    workspace (its first ndim entries are overwritten, as in the Fortran).
    """
    n, npt, nptm = m.n, m.npt, m.nptm
    bmat, zmat = m.bmat, m.zmat
    ztest = 0.0
    for k in range(npt):
        zk = zmat[k]
        for j in range(nptm):
            a = abs(zk[j])
            if a > ztest:
                ztest = a
    ztest = 1e-20 * ztest
    zknew = zmat[knew]
    # rotations that put zeros in the knew-th row of zmat
    for j in range(1, nptm):
        if abs(zknew[j]) > ztest:
            temp = math.sqrt(zknew[0] * zknew[0] + zknew[j] * zknew[j])
            tempa = zknew[0] / temp
            tempb = zknew[j] / temp
            for i in range(npt):
                zi = zmat[i]
                temp = tempa * zi[0] + tempb * zi[j]
                zi[j] = tempa * zi[j] - tempb * zi[0]
                zi[0] = temp
        zknew[j] = 0.0
    for i in range(npt):
        w[i] = zknew[0] * zmat[i][0]
    alpha = w[knew]
    tau = vlag[knew]
    vlag[knew] = vlag[knew] - 1.0
    temp = math.sqrt(denom)
    tempb = zknew[0] / temp
    tempa = tau / temp
    for i in range(npt):
        zmat[i][0] = tempa * zmat[i][0] - tempb * vlag[i]
    for j in range(n):
        jp = npt + j
        w[jp] = bmat[knew][j]
        tempa = (alpha * vlag[jp] - tau * w[jp]) / denom
        tempb = (-beta * w[jp] - tau * vlag[jp]) / denom
        for i in range(jp + 1):
            bmat[i][j] = bmat[i][j] + tempa * vlag[i] + tempb * w[i]
            if i >= npt:
                bmat[jp][i - npt] = bmat[i][j]
