"""Powell's BOBYQA iteration as minqa 1.2.5 compiles it (Fortran BOBYQA and BOBYQB).

Part of the port of Powell's BOBYQA (conventions in :mod:`pylme.optim._powell_model`).
:func:`run` is the Fortran subroutine BOBYQA: it moves a start that lies within
``rhobeg`` of a bound as Powell prescribes, then runs BOBYQB, whose ``GOTO`` structure
is kept as an explicit state machine with Powell's statement labels.  minqa's changes
to Powell's code are reproduced: ``IERR`` codes instead of messages (10, 20, 320, 390,
430), ``minqit`` called at every reduction of ``rho`` (printing), and the final point
returned whenever its value is not above ``FSAVE``.
"""

from __future__ import annotations

import math
from typing import Callable

from ._powell_model import Model, point, prelim, update
from ._powell_rescue import rescue
from ._powell_steps import AltmovMemory, altmov, trsbox

__all__ = ["run"]


def run(x: list, xl: list, xu: list, npt: int, rhobeg: float, rhoend: float, maxfun: int,
        calfun: Callable[[list], float], on_rho: Callable | None = None, snap: bool = False):
    """Powell's BOBYQA on ``calfun``; returns ``(x, f, nf, ierr)``.

    ``x`` is the returned point (the best one, clipped to the bounds), ``f`` its value,
    ``nf`` the number of evaluations and ``ierr`` minqa's Fortran code (0 = normal).
    ``on_rho(rho, nf, fopt, xbase, xopt)`` is minqa's ``minqit`` hook.  ``snap``
    selects Powell's original ALTMOV rule (see :func:`~pylme.optim._powell_steps.altmov`);
    minqa 1.2.5 does not snap.
    """
    n = len(x)
    x = list(x)
    if npt < n + 2 or npt > ((n + 2) * (n + 1)) // 2:
        return x, math.nan, 0, 10
    sl, su = [0.0] * n, [0.0] * n
    for j in range(n):
        temp = xu[j] - xl[j]
        if temp < rhobeg + rhobeg:
            return x, math.nan, 0, 20
        sl[j] = xl[j] - x[j]
        su[j] = xu[j] - x[j]
        # a start within rhobeg of a bound is moved onto it or rhobeg away from it
        if sl[j] >= -rhobeg:
            if sl[j] >= 0.0:
                x[j] = xl[j]
                sl[j] = 0.0
                su[j] = temp
            else:
                x[j] = xl[j] + rhobeg
                sl[j] = -rhobeg
                su[j] = max(xu[j] - x[j], rhobeg)
        elif su[j] <= rhobeg:
            if su[j] <= 0.0:
                x[j] = xu[j]
                sl[j] = -temp
                su[j] = 0.0
            else:
                x[j] = xu[j] - rhobeg
                sl[j] = min(xl[j] - x[j], -rhobeg)
                su[j] = rhobeg
    return _bobyqb(Model(n, npt, x, sl, su), x, xl, xu, rhobeg, rhoend, maxfun, calfun, on_rho, snap)


def _bobyqb(m: Model, x, xl, xu, rhobeg, rhoend, maxfun, calfun, on_rho, snap):
    n, npt, ndim = m.n, m.npt, m.ndim
    nh = (n * (n + 1)) // 2
    xpt, fval, xopt, gopt, hq, pq = m.xpt, m.fval, m.xopt, m.gopt, m.hq, m.pq
    sl, su, xbase = m.sl, m.su, m.xbase
    xnew, xalt, d = [0.0] * n, [0.0] * n, [0.0] * n
    vlag = [0.0] * ndim
    w = [0.0] * (3 * ndim)
    gnew = [0.0] * n
    memory = AltmovMemory()
    ierr = 0
    nf, kopt = prelim(m, xl, xu, rhobeg, maxfun, calfun)
    xoptsq = 0.0
    for i in range(n):
        xopt[i] = xpt[kopt][i]
        xoptsq = xoptsq + xopt[i] * xopt[i]
    fsave = fval[0]
    f = fval[nf - 1] if nf > 0 else math.nan
    # Powell's scalars, named as in the Fortran (several are read before they are set
    # on some paths, e.g. DIFFC and DNORM, hence the initial values)
    kbase = 0
    rho = rhobeg
    delta = rho
    nresc = nf
    ntrits = 0
    diffa = diffb = diffc = 0.0
    itest = 0
    nfsav = nf
    knew = -1
    dsq = crvmin = dnorm = ratio = adelt = alpha = cauchy = 0.0
    beta = denom = vquad = diff = fopt = distsq = 0.0
    label = 720 if nf < npt else 20
    if nf < npt:
        ierr = 390
    while True:
        if label == 20:
            if kopt != kbase:  # gradient of the model at the new trust-region centre
                ih = 0
                for j in range(n):
                    for i in range(j + 1):
                        if i < j:
                            gopt[j] = gopt[j] + hq[ih] * xopt[i]
                        gopt[i] = gopt[i] + hq[ih] * xopt[j]
                        ih += 1
                if nf > npt:
                    for k in range(npt):
                        xk = xpt[k]
                        temp = 0.0
                        for j in range(n):
                            temp = temp + xk[j] * xopt[j]
                        temp = pq[k] * temp
                        for i in range(n):
                            gopt[i] = gopt[i] + temp * xk[i]
            label = 60
        if label == 60:
            dsq, crvmin = trsbox(m, delta, xnew, d, gnew)
            dnorm = min(delta, math.sqrt(dsq))
            if dnorm < 0.5 * rho:
                # a short step: decide between another model step and a smaller rho
                ntrits = -1
                t = 10.0 * rho
                distsq = t * t
                if nf <= nfsav + 2:
                    label = 650
                    continue
                errbig = max(max(diffa, diffb), diffc)
                frhosq = 0.125 * rho * rho
                if crvmin > 0.0 and errbig > frhosq * crvmin:
                    label = 650
                    continue
                bdtol = errbig / rho
                label = 680
                for j in range(n):
                    bdtest = bdtol
                    if xnew[j] == sl[j]:
                        bdtest = gnew[j]
                    if xnew[j] == su[j]:
                        bdtest = -gnew[j]
                    if bdtest < bdtol:
                        curv = hq[(j + 1 + (j + 1) * (j + 1)) // 2 - 1]
                        for k in range(npt):
                            curv = curv + pq[k] * (xpt[k][j] * xpt[k][j])
                        bdtest = bdtest + 0.5 * curv * rho
                        if bdtest < bdtol:
                            label = 650
                            break
                continue
            ntrits += 1
            label = 90
        if label == 90:
            if dsq <= 1e-3 * xoptsq:
                xoptsq = _shift_base(m, xnew, w, vlag, xoptsq)
            label = 210 if ntrits == 0 else 230
        if label == 190:
            nfsav = nf
            kbase = kopt
            nf, kopt = rescue(m, xl, xu, maxfun, nf, delta, kopt, vlag, calfun)
            xoptsq = 0.0
            if kopt != kbase:
                for i in range(n):
                    xopt[i] = xpt[kopt][i]
                    xoptsq = xoptsq + xopt[i] * xopt[i]
            if nf < 0:
                nf = maxfun
                ierr = 390
                label = 720
                continue
            nresc = nf
            if nfsav < nf:
                nfsav = nf
                label = 20
                continue
            if ntrits > 0:
                label = 60
                continue
            label = 210
        if label == 210:
            alpha, cauchy = altmov(m, kopt, knew, adelt, xnew, xalt, memory, snap)
            for i in range(n):
                d[i] = xnew[i] - xopt[i]
            label = 230
        if label == 230:
            beta, dsq = _vlag_beta(m, d, xoptsq, kopt, w, vlag)
            if ntrits == 0:
                v = vlag[knew] * vlag[knew]
                denom = v + alpha * beta
                if denom < cauchy and cauchy > 0.0:  # the Cauchy step gives a larger denominator
                    for i in range(n):
                        xnew[i] = xalt[i]
                        d[i] = xnew[i] - xopt[i]
                    cauchy = 0.0
                    continue
                if denom <= 0.5 * v:
                    if nf > nresc:
                        label = 190
                    else:
                        ierr, label = 320, 720
                    continue
            else:
                knew, denom, scaden, biglsq = _choose_knew(m, beta, vlag, delta, xopt, kopt)
                if scaden <= 0.5 * biglsq:
                    if nf > nresc:
                        label = 190
                    else:
                        ierr, label = 320, 720
                    continue
            label = 360
        if label == 360:
            x[:] = point(m, xnew, xl, xu)
            if nf >= maxfun:
                ierr, label = 390, 720
                continue
            nf += 1
            f = calfun(x)
            if ntrits == -1:
                fsave = f
                label = 720
                continue
            # the model's prediction of the change and its error
            fopt = fval[kopt]
            vquad = 0.0
            ih = 0
            for j in range(n):
                vquad = vquad + d[j] * gopt[j]
                for i in range(j + 1):
                    temp = d[i] * d[j]
                    if i == j:
                        temp = 0.5 * temp
                    vquad = vquad + hq[ih] * temp
                    ih += 1
            for k in range(npt):
                v = w[npt + k]
                vquad = vquad + 0.5 * pq[k] * (v * v)
            diff = f - fopt - vquad
            diffc = diffb
            diffb = diffa
            diffa = abs(diff)
            if dnorm > rho:
                nfsav = nf
            if ntrits > 0:
                if vquad >= 0.0:
                    ierr, label = 430, 720
                    continue
                ratio = (f - fopt) / vquad
                if ratio <= 0.1:
                    delta = min(0.5 * delta, dnorm)
                elif ratio <= 0.7:
                    delta = max(0.5 * delta, dnorm)
                else:
                    delta = max(0.5 * delta, dnorm + dnorm)
                if delta <= 1.5 * rho:
                    delta = rho
                if f < fopt:
                    ksav, densav = knew, denom
                    knew, denom, scaden, biglsq = _choose_knew(m, beta, vlag, delta, xnew, -1)
                    if scaden <= 0.5 * biglsq:
                        knew, denom = ksav, densav
            update(m, vlag, beta, denom, knew, w)
            _include_point(m, knew, f, diff, xnew, w)
            if f < fopt:
                kopt = knew
                xoptsq = 0.0
                ih = 0
                for j in range(n):
                    xopt[j] = xnew[j]
                    xoptsq = xoptsq + xopt[j] * xopt[j]
                    for i in range(j + 1):
                        if i < j:
                            gopt[j] = gopt[j] + hq[ih] * d[i]
                        gopt[i] = gopt[i] + hq[ih] * d[j]
                        ih += 1
                for k in range(npt):
                    xk = xpt[k]
                    temp = 0.0
                    for j in range(n):
                        temp = temp + xk[j] * d[j]
                    temp = pq[k] * temp
                    for i in range(n):
                        gopt[i] = gopt[i] + temp * xk[i]
            if ntrits > 0:
                itest = _frobenius_test(m, kopt, w, vlag, itest, nh)
            if ntrits == 0 or f <= fopt + 0.1 * vquad:
                label = 60
                continue
            a, b = 2.0 * delta, 10.0 * rho
            distsq = max(a * a, b * b)
            label = 650
        if label == 650:
            # the interpolation point farthest from xopt, if too far
            knew = -1
            for k in range(npt):
                xk = xpt[k]
                total = 0.0
                for j in range(n):
                    t = xk[j] - xopt[j]
                    total = total + t * t
                if total > distsq:
                    knew = k
                    distsq = total
            if knew >= 0:
                dist = math.sqrt(distsq)
                if ntrits == -1:
                    delta = min(0.1 * delta, 0.5 * dist)
                    if delta <= 1.5 * rho:
                        delta = rho
                ntrits = 0
                adelt = max(min(0.1 * dist, delta), rho)
                dsq = adelt * adelt
                label = 90
                continue
            if ntrits != -1 and (ratio > 0.0 or max(delta, dnorm) > rho):
                label = 60
                continue
            label = 680
        if label == 680:
            if rho > rhoend:  # next rho and delta
                delta = 0.5 * rho
                ratio = rho / rhoend
                if ratio <= 16.0:
                    rho = rhoend
                elif ratio <= 250.0:
                    rho = math.sqrt(ratio) * rhoend
                else:
                    rho = 0.1 * rho
                delta = max(delta, rho)
                if on_rho is not None:
                    on_rho(rho, nf, fval[kopt], xbase, xopt)
                ntrits = 0
                nfsav = nf
                label = 60
                continue
            if ntrits == -1:  # one last Newton-Raphson step, too short to have been tried
                label = 360
                continue
            label = 720
        if label == 720:
            if fval[kopt] <= fsave:
                x[:] = point(m, xopt, xl, xu)
                f = fval[kopt]
            return x, f, nf, ierr


def _shift_base(m: Model, xnew, w, vlag, xoptsq: float) -> float:
    """Move xbase to xbase+xopt, updating BMAT and the model (BOBYQB label 90); returns 0."""
    n, npt, nptm = m.n, m.npt, m.nptm
    xpt, xopt, bmat, zmat, pq, hq = m.xpt, m.xopt, m.bmat, m.zmat, m.pq, m.hq
    fracsq = 0.25 * xoptsq
    sumpq = 0.0
    for k in range(npt):
        xk = xpt[k]
        sumpq = sumpq + pq[k]
        total = -0.5 * xoptsq
        for i in range(n):
            total = total + xk[i] * xopt[i]
        w[npt + k] = total
        temp = fracsq - 0.5 * total
        for i in range(n):
            w[i] = bmat[k][i]
            vlag[i] = total * xk[i] + temp * xopt[i]
            row = bmat[npt + i]
            for j in range(i + 1):
                row[j] = row[j] + w[i] * vlag[j] + vlag[i] * w[j]
    for jj in range(nptm):
        sumz = 0.0
        sumw = 0.0
        for k in range(npt):
            sumz = sumz + zmat[k][jj]
            vlag[k] = w[npt + k] * zmat[k][jj]
            sumw = sumw + vlag[k]
        for j in range(n):
            total = (fracsq * sumz - 0.5 * sumw) * xopt[j]
            for k in range(npt):
                total = total + vlag[k] * xpt[k][j]
            w[j] = total
            for k in range(npt):
                bmat[k][j] = bmat[k][j] + total * zmat[k][jj]
        for i in range(n):
            row = bmat[i + npt]
            temp = w[i]
            for j in range(i + 1):
                row[j] = row[j] + temp * w[j]
    ih = 0
    for j in range(n):
        w[j] = -0.5 * sumpq * xopt[j]
        for k in range(npt):
            w[j] = w[j] + pq[k] * xpt[k][j]
            xpt[k][j] = xpt[k][j] - xopt[j]
        for i in range(j + 1):
            hq[ih] = hq[ih] + w[i] * xopt[j] + xopt[i] * w[j]
            ih += 1
            bmat[npt + i][j] = bmat[npt + j][i]
    for i in range(n):
        m.xbase[i] = m.xbase[i] + xopt[i]
        xnew[i] = xnew[i] - xopt[i]
        m.sl[i] = m.sl[i] - xopt[i]
        m.su[i] = m.su[i] - xopt[i]
        xopt[i] = 0.0
    return 0.0


def _vlag_beta(m: Model, d, xoptsq: float, kopt: int, w, vlag) -> tuple[float, float]:
    """Lagrange values VLAG and BETA of the step d (BOBYQB label 230); returns ``(beta, dsq)``."""
    n, npt, nptm = m.n, m.npt, m.nptm
    xpt, xopt, bmat, zmat = m.xpt, m.xopt, m.bmat, m.zmat
    for k in range(npt):
        xk, bk = xpt[k], bmat[k]
        suma = sumb = total = 0.0
        for j in range(n):
            suma = suma + xk[j] * d[j]
            sumb = sumb + xk[j] * xopt[j]
            total = total + bk[j] * d[j]
        w[k] = suma * (0.5 * suma + sumb)
        vlag[k] = total
        w[npt + k] = suma
    beta = 0.0
    for jj in range(nptm):
        total = 0.0
        for k in range(npt):
            total = total + zmat[k][jj] * w[k]
        beta = beta - total * total
        for k in range(npt):
            vlag[k] = vlag[k] + total * zmat[k][jj]
    dsq = bsum = dx = 0.0
    for j in range(n):
        dsq = dsq + d[j] * d[j]
        total = 0.0
        for k in range(npt):
            total = total + w[k] * bmat[k][j]
        bsum = bsum + total * d[j]
        row = bmat[npt + j]
        for i in range(n):
            total = total + row[i] * d[i]
        vlag[npt + j] = total
        bsum = bsum + total * d[j]
        dx = dx + d[j] * xopt[j]
    beta = dx * dx + dsq * (xoptsq + dx + dx + 0.5 * dsq) + beta - bsum
    vlag[kopt] = vlag[kopt] + 1.0
    return beta, dsq


def _choose_knew(m: Model, beta, vlag, delta, centre, skip: int):
    """The point to replace: largest weighted denominator (BOBYQB loops 350 and 460).

    Distances are measured from ``centre``; point ``skip`` is left out (-1: none).
    Returns ``(knew, denom, scaden, biglsq)``.
    """
    n, nptm, xpt, zmat = m.n, m.nptm, m.xpt, m.zmat
    delsq = delta * delta
    scaden = biglsq = 0.0
    knew, denom = -1, 0.0
    for k in range(m.npt):
        if k == skip:
            continue
        zk = zmat[k]
        hdiag = 0.0
        for jj in range(nptm):
            hdiag = hdiag + zk[jj] * zk[jj]
        v = vlag[k] * vlag[k]
        den = beta * hdiag + v
        xk = xpt[k]
        distsq = 0.0
        for j in range(n):
            t = xk[j] - centre[j]
            distsq = distsq + t * t
        r = distsq / delsq
        temp = max(1.0, r * r)
        if temp * den > scaden:
            scaden = temp * den
            knew = k
            denom = den
        biglsq = max(biglsq, temp * v)
    return knew, denom, scaden, biglsq


def _include_point(m: Model, knew: int, f: float, diff: float, xnew, w) -> None:
    """Put xnew in place of point knew and update the model by diff (BOBYQB loops 470–530)."""
    n, npt, nptm = m.n, m.npt, m.nptm
    xpt, pq, hq, zmat, bmat, xopt, gopt = m.xpt, m.pq, m.hq, m.zmat, m.bmat, m.xopt, m.gopt
    ih = 0
    pqold = pq[knew]
    pq[knew] = 0.0
    xk = xpt[knew]
    for i in range(n):
        temp = pqold * xk[i]
        for j in range(i + 1):
            hq[ih] = hq[ih] + temp * xk[j]
            ih += 1
    zknew = zmat[knew]
    for jj in range(nptm):
        temp = diff * zknew[jj]
        for k in range(npt):
            pq[k] = pq[k] + temp * zmat[k][jj]
    m.fval[knew] = f
    for i in range(n):
        xk[i] = xnew[i]
        w[i] = bmat[knew][i]
    for k in range(npt):
        zk = zmat[k]
        suma = 0.0
        for jj in range(nptm):
            suma = suma + zknew[jj] * zk[jj]
        xk = xpt[k]
        sumb = 0.0
        for j in range(n):
            sumb = sumb + xk[j] * xopt[j]
        temp = suma * sumb
        for i in range(n):
            w[i] = w[i] + temp * xk[i]
    for i in range(n):
        gopt[i] = gopt[i] + diff * w[i]


def _frobenius_test(m: Model, kopt: int, w, vlag, itest: int, nh: int) -> int:
    """Replace the model by the least Frobenius norm interpolant after 3 failed tests (BOBYQB 570–640)."""
    n, npt, nptm = m.n, m.npt, m.nptm
    xpt, fval, zmat, bmat, xopt, gopt, sl, su = m.xpt, m.fval, m.zmat, m.bmat, m.xopt, m.gopt, m.sl, m.su
    for k in range(npt):
        vlag[k] = fval[k] - fval[kopt]
        w[k] = 0.0
    for j in range(nptm):
        total = 0.0
        for k in range(npt):
            total = total + zmat[k][j] * vlag[k]
        for k in range(npt):
            w[k] = w[k] + total * zmat[k][j]
    for k in range(npt):
        xk = xpt[k]
        total = 0.0
        for j in range(n):
            total = total + xk[j] * xopt[j]
        w[k + npt] = w[k]
        w[k] = total * w[k]
    gqsq = gisq = 0.0
    for i in range(n):
        total = 0.0
        for k in range(npt):
            total = total + bmat[k][i] * vlag[k] + xpt[k][i] * w[k]
        if xopt[i] == sl[i]:
            a, b = min(0.0, gopt[i]), min(0.0, total)
        elif xopt[i] == su[i]:
            a, b = max(0.0, gopt[i]), max(0.0, total)
        else:
            a, b = gopt[i], total
        gqsq = gqsq + a * a
        gisq = gisq + b * b
        vlag[npt + i] = total
    itest += 1
    if gqsq < 10.0 * gisq:
        itest = 0
    if itest >= 3:
        for i in range(max(npt, nh)):
            if i < n:
                gopt[i] = vlag[npt + i]
            if i < npt:
                m.pq[i] = w[npt + i]
            if i < nh:
                m.hq[i] = 0.0
        itest = 0
    return itest
