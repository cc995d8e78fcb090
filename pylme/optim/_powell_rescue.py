"""BOBYQA's recovery from a damaged interpolation set (Powell's RESCUE).

Part of the port of Powell's BOBYQA (conventions in :mod:`pylme.optim._powell_model`).
BOBYQA calls it only when rounding errors have at least halved the denominator of the
H-matrix update, which is rare.

One deliberate difference from minqa 1.2.5: minqa's RESCUE passes an undeclared local
scalar ``X`` to ``CALFUN`` instead of the new point ``W`` that Powell's code evaluates,
so minqa evaluates the objective at whatever memory follows (or stops with ``non-finite
x values not allowed in calfun``).  That cannot be reproduced; Powell's point is used.
"""

from __future__ import annotations

import math
from typing import Callable

from ._powell_model import Model, point, update

__all__ = ["rescue"]


def _ids(ptsid: float, np1: int) -> tuple[int, int]:
    # Powell packs two coordinate indices p, q into p + q/(n+1) + sfrac; Fortran's
    # assignments to INTEGER truncate towards zero, as int() does
    ip = int(ptsid)
    iq = int(float(np1) * ptsid - float(ip * np1))
    return ip, iq


def rescue(m: Model, xl, xu, maxfun: int, nf: int, delta: float, kopt: int, vlag: list,
           calfun: Callable[[list], float]) -> tuple[int, int]:
    """Rebuild BMAT, ZMAT and the model around xopt, replacing points if needed.

    Returns ``(nf, kopt)``; ``nf`` is -1 when ``maxfun`` stopped the recovery.  ``xopt``
    becomes the origin (xbase is shifted); the caller recomputes it from ``kopt``.
    """
    n, npt, nptm, ndim = m.n, m.npt, m.nptm, m.ndim
    xpt, fval, xopt, gopt, hq, pq = m.xpt, m.fval, m.xopt, m.gopt, m.hq, m.pq
    bmat, zmat, sl, su, xbase = m.bmat, m.zmat, m.sl, m.su, m.xbase
    np1 = n + 1
    sfrac = 0.5 / float(np1)
    ptsaux = [[0.0] * n, [0.0] * n]
    ptsid = [0.0] * npt
    w = [0.0] * (ndim + npt)
    # shift the points so that xopt is the origin; distances to it in w[ndim:]
    sumpq = 0.0
    winc = 0.0
    for k in range(npt):
        xk = xpt[k]
        distsq = 0.0
        for j in range(n):
            xk[j] = xk[j] - xopt[j]
            distsq = distsq + xk[j] * xk[j]
        sumpq = sumpq + pq[k]
        w[ndim + k] = distsq
        winc = max(winc, distsq)
        for j in range(nptm):
            zmat[k][j] = 0.0
    ih = 0
    for j in range(n):
        w[j] = 0.5 * sumpq * xopt[j]
        for k in range(npt):
            w[j] = w[j] + pq[k] * xpt[k][j]
        for i in range(j + 1):
            hq[ih] = hq[ih] + w[i] * xopt[j] + w[j] * xopt[i]
            ih += 1
    for j in range(n):
        xbase[j] = xbase[j] + xopt[j]
        sl[j] = sl[j] - xopt[j]
        su[j] = su[j] - xopt[j]
        xopt[j] = 0.0
        ptsaux[0][j] = min(delta, su[j])
        ptsaux[1][j] = max(-delta, sl[j])
        if ptsaux[0][j] + ptsaux[1][j] < 0.0:
            ptsaux[0][j], ptsaux[1][j] = ptsaux[1][j], ptsaux[0][j]
        if abs(ptsaux[1][j]) < 0.5 * abs(ptsaux[0][j]):
            ptsaux[1][j] = 0.5 * ptsaux[0][j]
        for i in range(ndim):
            bmat[i][j] = 0.0
    fbase = fval[kopt]
    # provisional points along the coordinate directions, with their BMAT and ZMAT
    ptsid[0] = sfrac
    for j in range(n):
        jp, jpn = j + 1, j + 1 + n
        p1, p2 = ptsaux[0][j], ptsaux[1][j]
        ptsid[jp] = float(j + 1) + sfrac
        if jpn < npt:
            ptsid[jpn] = float(j + 1) / float(np1) + sfrac
            temp = 1.0 / (p1 - p2)
            bmat[jp][j] = -temp + 1.0 / p1
            bmat[jpn][j] = temp + 1.0 / p2
            bmat[0][j] = -bmat[jp][j] - bmat[jpn][j]
            zmat[0][j] = math.sqrt(2.0) / abs(p1 * p2)
            zmat[jp][j] = zmat[0][j] * p2 * temp
            zmat[jpn][j] = -zmat[0][j] * p1 * temp
        else:
            bmat[0][j] = -1.0 / p1
            bmat[jp][j] = 1.0 / p1
            bmat[j + npt][j] = -0.5 * (p1 * p1)
    if npt >= n + np1:
        for kk in range(2 * np1, npt + 1):  # Powell's 1-based K
            iw = int((float(kk - np1) - 0.5) / float(n))
            ip = kk - np1 - iw * n
            iq = ip + iw
            if iq > n:
                iq = iq - n
            ptsid[kk - 1] = float(ip) + float(iq) / float(np1) + sfrac
            temp = 1.0 / (ptsaux[0][ip - 1] * ptsaux[0][iq - 1])
            c = kk - np1 - 1
            zmat[0][c] = temp
            zmat[ip][c] = -temp
            zmat[iq][c] = -temp
            zmat[kk - 1][c] = temp
    nrem = npt
    kold = 0
    knew = kopt
    beta = denom = 0.0
    label = 80
    while label != 260:
        if label == 80:
            # exchange provisional point kold with original point knew
            bmat[kold][:n], bmat[knew][:n] = bmat[knew][:n], bmat[kold][:n]
            for j in range(nptm):
                zmat[kold][j], zmat[knew][j] = zmat[knew][j], zmat[kold][j]
            ptsid[kold] = ptsid[knew]
            ptsid[knew] = 0.0
            w[ndim + knew] = 0.0
            nrem -= 1
            if knew != kopt:
                vlag[kold], vlag[knew] = vlag[knew], vlag[kold]
                update(m, vlag, beta, denom, knew, w)
                if nrem == 0:
                    return nf, kopt
                for k in range(npt):
                    w[ndim + k] = abs(w[ndim + k])
        # label 120: the closest original point not yet reinstated
        dsqmin = 0.0
        for k in range(npt):
            if w[ndim + k] > 0.0 and (dsqmin == 0.0 or w[ndim + k] < dsqmin):
                knew = k
                dsqmin = w[ndim + k]
        if dsqmin == 0.0:
            label = 260
            continue
        for j in range(n):
            w[npt + j] = xpt[knew][j]
        for k in range(npt):
            total = 0.0
            if k == kopt:
                pass
            elif ptsid[k] == 0.0:
                for j in range(n):
                    total = total + w[npt + j] * xpt[k][j]
            else:
                ip, iq = _ids(ptsid[k], np1)
                if ip > 0:
                    total = w[npt + ip - 1] * ptsaux[0][ip - 1]
                if iq > 0:
                    row = 1 if ip == 0 else 0
                    total = total + w[npt + iq - 1] * ptsaux[row][iq - 1]
            w[k] = 0.5 * total * total
        for k in range(npt):
            total = 0.0
            for j in range(n):
                total = total + bmat[k][j] * w[npt + j]
            vlag[k] = total
        beta = 0.0
        for j in range(nptm):
            total = 0.0
            for k in range(npt):
                total = total + zmat[k][j] * w[k]
            beta = beta - total * total
            for k in range(npt):
                vlag[k] = vlag[k] + total * zmat[k][j]
        bsum = 0.0
        distsq = 0.0
        for j in range(n):
            total = 0.0
            for k in range(npt):
                total = total + bmat[k][j] * w[k]
            jp = j + npt
            bsum = bsum + total * w[jp]
            for ip in range(npt, ndim):
                total = total + bmat[ip][j] * w[ip]
            bsum = bsum + total * w[jp]
            vlag[jp] = total
            distsq = distsq + xpt[knew][j] * xpt[knew][j]
        beta = 0.5 * distsq * distsq + beta - bsum
        vlag[kopt] = vlag[kopt] + 1.0
        # the provisional point kold to delete: avoid a small update denominator
        denom = 0.0
        vlmxsq = 0.0
        for k in range(npt):
            if ptsid[k] != 0.0:
                hdiag = 0.0
                for j in range(nptm):
                    hdiag = hdiag + zmat[k][j] * zmat[k][j]
                den = beta * hdiag + vlag[k] * vlag[k]
                if den > denom:
                    kold = k
                    denom = den
            vlmxsq = max(vlmxsq, vlag[k] * vlag[k])
        if denom <= 1e-2 * vlmxsq:
            w[ndim + knew] = -w[ndim + knew] - winc
            label = 120
        else:
            label = 80
    # label 260: evaluate f at the remaining provisional points and update the model
    xp = xq = 0.0
    ihp = 0
    for kpt in range(npt):
        if ptsid[kpt] == 0.0:
            continue
        if nf >= maxfun:
            return -1, kopt
        ih = 0
        for j in range(n):
            w[j] = xpt[kpt][j]
            xpt[kpt][j] = 0.0
            temp = pq[kpt] * w[j]
            for i in range(j + 1):
                hq[ih] = hq[ih] + temp * w[i]
                ih += 1
        pq[kpt] = 0.0
        ip, iq = _ids(ptsid[kpt], np1)
        if ip > 0:
            xp = ptsaux[0][ip - 1]
            xpt[kpt][ip - 1] = xp
        if iq > 0:
            xq = ptsaux[0][iq - 1]
            if ip == 0:
                xq = ptsaux[1][iq - 1]
            xpt[kpt][iq - 1] = xq
        vquad = fbase
        if ip > 0:
            ihp = (ip + ip * ip) // 2
            vquad = vquad + xp * (gopt[ip - 1] + 0.5 * xp * hq[ihp - 1])
        if iq > 0:
            ihq = (iq + iq * iq) // 2
            vquad = vquad + xq * (gopt[iq - 1] + 0.5 * xq * hq[ihq - 1])
            if ip > 0:
                iw = max(ihp, ihq) - abs(ip - iq)
                vquad = vquad + xp * xq * hq[iw - 1]
        for k in range(npt):
            temp = 0.0
            if ip > 0:
                temp = temp + xp * xpt[k][ip - 1]
            if iq > 0:
                temp = temp + xq * xpt[k][iq - 1]
            vquad = vquad + 0.5 * pq[k] * temp * temp
        nf += 1
        f = calfun(point(m, xpt[kpt], xl, xu))
        fval[kpt] = f
        if f < fval[kopt]:
            kopt = kpt
        diff = f - vquad
        for i in range(n):
            gopt[i] = gopt[i] + diff * bmat[kpt][i]
        for k in range(npt):
            total = 0.0
            for j in range(nptm):
                total = total + zmat[k][j] * zmat[kpt][j]
            temp = diff * total
            if ptsid[k] == 0.0:
                pq[k] = pq[k] + temp
            else:
                ip, iq = _ids(ptsid[k], np1)
                ihq = (iq * iq + iq) // 2
                if ip == 0:
                    a = ptsaux[1][iq - 1]
                    hq[ihq - 1] = hq[ihq - 1] + temp * (a * a)
                else:
                    ihp = (ip * ip + ip) // 2
                    a = ptsaux[0][ip - 1]
                    hq[ihp - 1] = hq[ihp - 1] + temp * (a * a)
                    if iq > 0:
                        b = ptsaux[0][iq - 1]
                        hq[ihq - 1] = hq[ihq - 1] + temp * (b * b)
                        iw = max(ihp, ihq) - abs(iq - ip)
                        hq[iw - 1] = hq[iw - 1] + temp * a * b
        ptsid[kpt] = 0.0
    return nf, kopt
