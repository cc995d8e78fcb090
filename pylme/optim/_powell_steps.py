"""BOBYQA's two kinds of step: the trust-region step and the alternative step (Powell's TRSBOX, ALTMOV).

Part of the port of Powell's BOBYQA (see :mod:`pylme.optim.bobyqa` and
:mod:`pylme.optim._powell_model` for the conventions: 0-based indices, Powell's order
of operations, "none" = -1).  Powell's ``GOTO`` structure is kept as an explicit state
machine so that every branch is taken exactly where the Fortran takes it.
"""

from __future__ import annotations

import math

from ._powell_model import Model

__all__ = ["trsbox", "altmov"]

_CONST = 1.0 + math.sqrt(2.0)


def _hess_times(m: Model, s: list, hs: list) -> None:
    # hs = (model Hessian) s: explicit part hq, then the implicit part sum_k pq_k x_k x_k'
    n, hq = m.n, m.hq
    for j in range(n):
        hs[j] = 0.0
    ih = 0
    for j in range(n):
        for i in range(j + 1):
            if i < j:
                hs[j] = hs[j] + hq[ih] * s[i]
            hs[i] = hs[i] + hq[ih] * s[j]
            ih += 1
    for k in range(m.npt):
        if m.pq[k] != 0.0:
            xk = m.xpt[k]
            temp = 0.0
            for j in range(n):
                temp = temp + xk[j] * s[j]
            temp = temp * m.pq[k]
            for i in range(n):
                hs[i] = hs[i] + temp * xk[i]


def trsbox(m: Model, delta: float, xnew: list, d: list, gnew: list) -> tuple[float, float]:
    """Truncated conjugate gradients for the box- and trust-region-constrained model step.

    Sets ``xnew`` (= xopt + d), ``d`` and ``gnew`` (the model gradient at xopt+d);
    returns ``(dsq, crvmin)`` as Powell's TRSBOX does.
    """
    n, xopt, gopt, sl, su = m.n, m.xopt, m.gopt, m.sl, m.su
    xbdi = [0.0] * n
    s = [0.0] * n
    hs = [0.0] * n
    hred = [0.0] * n
    iterc = 0
    nact = 0
    for i in range(n):
        xbdi[i] = 0.0
        if xopt[i] <= sl[i]:
            if gopt[i] >= 0.0:
                xbdi[i] = -1.0
        elif xopt[i] >= su[i]:
            if gopt[i] <= 0.0:
                xbdi[i] = 1.0
        if xbdi[i] != 0.0:
            nact += 1
        d[i] = 0.0
        gnew[i] = gopt[i]
    delsq = delta * delta
    qred = 0.0
    crvmin = -1.0
    beta = stepsq = gredsq = ggsav = blen = stplen = shs = 0.0
    dredsq = dredg = sredg = angbd = xsav = 0.0
    itermax = 0
    iact = -1
    label = 20
    while True:
        if label == 20:
            beta = 0.0
            label = 30
        if label == 30:
            stepsq = 0.0
            for i in range(n):
                if xbdi[i] != 0.0:
                    s[i] = 0.0
                elif beta == 0.0:
                    s[i] = -gnew[i]
                else:
                    s[i] = beta * s[i] - gnew[i]
                stepsq = stepsq + s[i] * s[i]
            if stepsq == 0.0:
                label = 190
                continue
            if beta == 0.0:
                gredsq = stepsq
                itermax = iterc + n - nact
            if gredsq * delsq <= 1e-4 * qred * qred:
                label = 190
                continue
            _hess_times(m, s, hs)
            label = 50  # crvmin is nonzero in the conjugate gradient phase
        if label == 50:
            resid = delsq
            ds = 0.0
            shs = 0.0
            for i in range(n):
                if xbdi[i] == 0.0:
                    resid = resid - d[i] * d[i]
                    ds = ds + s[i] * d[i]
                    shs = shs + s[i] * hs[i]
            if resid <= 0.0:
                label = 90
                continue
            temp = math.sqrt(stepsq * resid + ds * ds)
            if ds < 0.0:
                blen = (temp - ds) / stepsq
            else:
                blen = resid / (temp + ds)
            stplen = blen
            if shs > 0.0:
                stplen = min(blen, gredsq / shs)
            iact = -1
            for i in range(n):
                if s[i] != 0.0:
                    xsum = xopt[i] + d[i]
                    if s[i] > 0.0:
                        temp = (su[i] - xsum) / s[i]
                    else:
                        temp = (sl[i] - xsum) / s[i]
                    if temp < stplen:
                        stplen = temp
                        iact = i
            sdec = 0.0
            if stplen > 0.0:
                iterc += 1
                temp = shs / stepsq
                if iact == -1 and temp > 0.0:
                    crvmin = min(crvmin, temp)
                    if crvmin == -1.0:
                        crvmin = temp
                ggsav = gredsq
                gredsq = 0.0
                for i in range(n):
                    gnew[i] = gnew[i] + stplen * hs[i]
                    if xbdi[i] == 0.0:
                        gredsq = gredsq + gnew[i] * gnew[i]
                    d[i] = d[i] + stplen * s[i]
                sdec = max(stplen * (ggsav - 0.5 * stplen * shs), 0.0)
                qred = qred + sdec
            if iact >= 0:  # restart the conjugate gradients on a new bound
                nact += 1
                xbdi[iact] = 1.0
                if s[iact] < 0.0:
                    xbdi[iact] = -1.0
                delsq = delsq - d[iact] * d[iact]
                if delsq <= 0.0:
                    label = 90
                    continue
                label = 20
                continue
            if stplen < blen:
                if iterc == itermax or sdec <= 0.01 * qred:
                    label = 190
                    continue
                beta = gredsq / ggsav
                label = 30
                continue
            label = 90
        if label == 90:
            crvmin = 0.0
            label = 100
        if label == 100:
            # the alternative iteration: rotate d on the trust-region boundary
            if nact >= n - 1:
                label = 190
                continue
            dredsq = 0.0
            dredg = 0.0
            gredsq = 0.0
            for i in range(n):
                if xbdi[i] == 0.0:
                    dredsq = dredsq + d[i] * d[i]
                    dredg = dredg + d[i] * gnew[i]
                    gredsq = gredsq + gnew[i] * gnew[i]
                    s[i] = d[i]
                else:
                    s[i] = 0.0
            # Powell's ITCSAV test: the product reached from here is the reduced d's (HRED),
            # the one reached after label 120 the search direction's (label 150)
            _hess_times(m, s, hs)
            for i in range(n):
                hred[i] = hs[i]
            label = 120
        if label == 120:
            iterc += 1
            temp = gredsq * dredsq - dredg * dredg
            if temp <= 1e-4 * qred * qred:
                label = 190
                continue
            temp = math.sqrt(temp)
            for i in range(n):
                if xbdi[i] == 0.0:
                    s[i] = (dredg * d[i] - dredsq * gnew[i]) / temp
                else:
                    s[i] = 0.0
            sredg = -temp
            angbd = 1.0
            iact = -1
            refix = False
            for i in range(n):
                if xbdi[i] == 0.0:
                    tempa = xopt[i] + d[i] - sl[i]
                    tempb = su[i] - xopt[i] - d[i]
                    if tempa <= 0.0:
                        nact += 1
                        xbdi[i] = -1.0
                        refix = True
                        break
                    if tempb <= 0.0:
                        nact += 1
                        xbdi[i] = 1.0
                        refix = True
                        break
                    ssq = d[i] * d[i] + s[i] * s[i]
                    t = xopt[i] - sl[i]
                    temp = ssq - t * t
                    if temp > 0.0:
                        temp = math.sqrt(temp) - s[i]
                        if angbd * temp > tempa:
                            angbd = tempa / temp
                            iact = i
                            xsav = -1.0
                    t = su[i] - xopt[i]
                    temp = ssq - t * t
                    if temp > 0.0:
                        temp = math.sqrt(temp) + s[i]
                        if angbd * temp > tempb:
                            angbd = tempb / temp
                            iact = i
                            xsav = 1.0
            if refix:
                label = 100
                continue
            _hess_times(m, s, hs)
            # label 150: curvatures of the alternative iteration
            shs = 0.0
            dhs = 0.0
            dhd = 0.0
            for i in range(n):
                if xbdi[i] == 0.0:
                    shs = shs + s[i] * hs[i]
                    dhs = dhs + d[i] * hs[i]
                    dhd = dhd + d[i] * hred[i]
            redmax = 0.0
            isav = 0
            redsav = 0.0
            rdprev = rdnext = 0.0
            iu = int(17.0 * angbd + 3.1)
            for i in range(1, iu + 1):
                angt = angbd * float(i) / float(iu)
                sth = (angt + angt) / (1.0 + angt * angt)
                temp = shs + angt * (angt * dhd - dhs - dhs)
                rednew = sth * (angt * dredg - sredg - 0.5 * sth * temp)
                if rednew > redmax:
                    redmax = rednew
                    isav = i
                    rdprev = redsav
                elif i == isav + 1:
                    rdnext = rednew
                redsav = rednew
            if isav == 0:
                label = 190
                continue
            if isav < iu:
                temp = (rdnext - rdprev) / (redmax + redmax - rdprev - rdnext)
                angt = angbd * (float(isav) + 0.5 * temp) / float(iu)
            cth = (1.0 - angt * angt) / (1.0 + angt * angt)
            sth = (angt + angt) / (1.0 + angt * angt)
            temp = shs + angt * (angt * dhd - dhs - dhs)
            sdec = sth * (angt * dredg - sredg - 0.5 * sth * temp)
            if sdec <= 0.0:
                label = 190
                continue
            dredg = 0.0
            gredsq = 0.0
            for i in range(n):
                gnew[i] = gnew[i] + (cth - 1.0) * hred[i] + sth * hs[i]
                if xbdi[i] == 0.0:
                    d[i] = cth * d[i] + sth * s[i]
                    dredg = dredg + d[i] * gnew[i]
                    gredsq = gredsq + gnew[i] * gnew[i]
                hred[i] = cth * hred[i] + sth * hs[i]
            qred = qred + sdec
            if iact >= 0 and isav == iu:
                nact += 1
                xbdi[iact] = xsav
                label = 100
                continue
            if sdec > 0.01 * qred:
                label = 120
                continue
            label = 190
        if label == 190:
            dsq = 0.0
            for i in range(n):
                v = max(min(xopt[i] + d[i], su[i]), sl[i])
                if xbdi[i] == -1.0:
                    v = sl[i]
                if xbdi[i] == 1.0:
                    v = su[i]
                xnew[i] = v
                d[i] = v - xopt[i]
                dsq = dsq + d[i] * d[i]
            return dsq, crvmin


class AltmovMemory:
    """ALTMOV's line choice kept between calls.

    Powell leaves it undefined when no line gives a positive predicted denominator; the
    previous call's choice is kept then (first call: no move).
    """

    def __init__(self):
        self.ksav = -1
        self.stpsav = 0.0
        self.ibdsav = 0


def altmov(m: Model, kopt: int, knew: int, adelt: float, xnew: list, xalt: list,
           memory: AltmovMemory, snap: bool = False) -> tuple[float, float]:
    """Two alternative new positions for point ``knew`` (Powell's ALTMOV); returns ``(alpha, cauchy)``.

    As in minqa 1.2.5, whose ALTMOV resets ``IBDSAV`` to zero just before using it,
    ``xnew`` is only clipped to the bounds (``snap=False``); Powell's original (and
    minqa up to 1.2.4) also puts it exactly on the bound that limited the line search
    (``snap=True``).
    """
    n, npt, xpt, xopt, sl, su = m.n, m.npt, m.xpt, m.xopt, m.sl, m.su
    hcol = [0.0] * npt
    for j in range(m.nptm):
        temp = m.zmat[knew][j]
        for k in range(npt):
            hcol[k] = hcol[k] + temp * m.zmat[k][j]
    alpha = hcol[knew]
    ha = 0.5 * alpha
    glag = list(m.bmat[knew][:n])
    for k in range(npt):
        xk = xpt[k]
        temp = 0.0
        for j in range(n):
            temp = temp + xk[j] * xopt[j]
        temp = hcol[k] * temp
        for i in range(n):
            glag[i] = glag[i] + temp * xk[i]
    # a large denominator along the lines through xopt and another interpolation point
    presav = 0.0
    for k in range(npt):
        if k == kopt:
            continue
        xk = xpt[k]
        dderiv = 0.0
        distsq = 0.0
        for i in range(n):
            temp = xk[i] - xopt[i]
            dderiv = dderiv + glag[i] * temp
            distsq = distsq + temp * temp
        subd = adelt / math.sqrt(distsq)
        slbd = -subd
        ilbd = iubd = 0
        sumin = min(1.0, subd)
        for i in range(n):
            temp = xk[i] - xopt[i]
            if temp > 0.0:
                if slbd * temp < sl[i] - xopt[i]:
                    slbd = (sl[i] - xopt[i]) / temp
                    ilbd = -(i + 1)
                if subd * temp > su[i] - xopt[i]:
                    subd = max(sumin, (su[i] - xopt[i]) / temp)
                    iubd = i + 1
            elif temp < 0.0:
                if slbd * temp > su[i] - xopt[i]:
                    slbd = (su[i] - xopt[i]) / temp
                    ilbd = i + 1
                if subd * temp < sl[i] - xopt[i]:
                    subd = max(sumin, (sl[i] - xopt[i]) / temp)
                    iubd = -(i + 1)
        if k == knew:
            diff = dderiv - 1.0
            step = slbd
            vlag = slbd * (dderiv - slbd * diff)
            isbd = ilbd
            temp = subd * (dderiv - subd * diff)
            if abs(temp) > abs(vlag):
                step = subd
                vlag = temp
                isbd = iubd
            tempd = 0.5 * dderiv
            tempa = tempd - diff * slbd
            tempb = tempd - diff * subd
            if tempa * tempb < 0.0:
                temp = tempd * tempd / diff
                if abs(temp) > abs(vlag):
                    step = tempd / diff
                    vlag = temp
                    isbd = 0
        else:
            step = slbd
            vlag = slbd * (1.0 - slbd)
            isbd = ilbd
            temp = subd * (1.0 - subd)
            if abs(temp) > abs(vlag):
                step = subd
                vlag = temp
                isbd = iubd
            if subd > 0.5 and abs(vlag) < 0.25:
                step = 0.5
                vlag = 0.25
                isbd = 0
            vlag = vlag * dderiv
        temp = step * (1.0 - step) * distsq
        predsq = vlag * vlag * (vlag * vlag + ha * temp * temp)
        if predsq > presav:
            presav = predsq
            memory.ksav = k
            memory.stpsav = step
            memory.ibdsav = isbd
    ksav, stpsav = memory.ksav, memory.stpsav
    xk = xpt[ksav] if ksav >= 0 else xopt
    for i in range(n):
        temp = xopt[i] + stpsav * (xk[i] - xopt[i])
        xnew[i] = max(sl[i], min(su[i], temp))
    if snap:
        if memory.ibdsav < 0:
            xnew[-memory.ibdsav - 1] = sl[-memory.ibdsav - 1]
        if memory.ibdsav > 0:
            xnew[memory.ibdsav - 1] = su[memory.ibdsav - 1]
    # the constrained Cauchy step of the knew-th Lagrange function, both signs
    bigstp = adelt + adelt
    w = [0.0] * (2 * n)
    csave = 0.0
    cauchy = 0.0
    for iflag in (0, 1):
        wfixsq = 0.0
        ggfree = 0.0
        for i in range(n):
            w[i] = 0.0
            tempa = min(xopt[i] - sl[i], glag[i])
            tempb = max(xopt[i] - su[i], glag[i])
            if tempa > 0.0 or tempb < 0.0:
                w[i] = bigstp
                ggfree = ggfree + glag[i] * glag[i]
        if ggfree == 0.0:
            return alpha, 0.0
        step = 0.0
        while True:
            temp = adelt * adelt - wfixsq
            if not temp > 0.0:
                break
            wsqsav = wfixsq
            step = math.sqrt(temp / ggfree)
            ggfree = 0.0
            for i in range(n):
                if w[i] == bigstp:
                    temp = xopt[i] - step * glag[i]
                    if temp <= sl[i]:
                        w[i] = sl[i] - xopt[i]
                        wfixsq = wfixsq + w[i] * w[i]
                    elif temp >= su[i]:
                        w[i] = su[i] - xopt[i]
                        wfixsq = wfixsq + w[i] * w[i]
                    else:
                        ggfree = ggfree + glag[i] * glag[i]
            if not (wfixsq > wsqsav and ggfree > 0.0):
                break
        gw = 0.0
        for i in range(n):
            if w[i] == bigstp:
                w[i] = -step * glag[i]
                xalt[i] = max(sl[i], min(su[i], xopt[i] + w[i]))
            elif w[i] == 0.0:
                xalt[i] = xopt[i]
            elif glag[i] > 0.0:
                xalt[i] = sl[i]
            else:
                xalt[i] = su[i]
            gw = gw + glag[i] * w[i]
        curv = 0.0
        for k in range(npt):
            xk = xpt[k]
            temp = 0.0
            for j in range(n):
                temp = temp + xk[j] * w[j]
            curv = curv + hcol[k] * temp * temp
        if iflag == 1:
            curv = -curv
        if curv > -gw and curv < -_CONST * gw:
            scale = -gw / curv
            for i in range(n):
                temp = xopt[i] + scale * w[i]
                xalt[i] = max(sl[i], min(su[i], temp))
            t = 0.5 * gw * scale
            cauchy = t * t
        else:
            t = gw + 0.5 * curv
            cauchy = t * t
        if iflag == 0:
            for i in range(n):
                glag[i] = -glag[i]
                w[n + i] = xalt[i]
            csave = cauchy
    if csave > cauchy:
        for i in range(n):
            xalt[i] = w[n + i]
        cauchy = csave
    return alpha, cauchy
