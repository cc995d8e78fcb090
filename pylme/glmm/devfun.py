"""glmer's two deviance functions (lme4 ``mkGlmerDevfun``/``updateGlmerDevfun``, ``mkdevfun``).

* **θ only** (nAGQ = 0 and glmer's first stage): every evaluation restarts PIRLS from
  the stored linear predictor ``lp0`` and solves for (u, β) jointly; the value is the
  Laplace deviance.
* **(θ, β)** (second stage): η restarts at ``baseOffset + lp0``, β enters through the
  offset ``baseOffset + Xβ`` and PIRLS solves for u alone; the value is the Laplace
  deviance (nAGQ = 1) or adaptive Gauss–Hermite quadrature (nAGQ > 1).

Both scales are lme4's (glmer_spec.md §2.3–2.5, trap 1): the Laplace deviance is
``ldL2 + ‖û‖² + aic`` (a full −2 log-likelihood), quadrature uses ``Σ d_i`` instead of
the ``aic``.  Each object keeps the last PIRLS state (``last``) — what lme4's modules
hold after an evaluation — so a fit can read β̂, û, μ from its final evaluation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .pirls import PirlsResult, Response, pirls
from .predictor import Predictor

__all__ = ["GHRule", "gh_rule", "laplace", "agq_deviance", "ThetaDevfun", "ThetaBetaDevfun"]

_SQRT_2PI = math.sqrt(2.0 * math.pi)


@dataclass(frozen=True)
class GHRule:
    """A k-point Gauss–Hermite rule for the standard normal density (lme4 ``GHrule(k)``).

    Attributes
    ----------
    z : ndarray
        Nodes.
    w : ndarray
        Weights, summing to 1.
    ldnorm : ndarray
        ``log φ(z)``.
    """

    z: np.ndarray
    w: np.ndarray
    ldnorm: np.ndarray


def gh_rule(k: int) -> GHRule:
    """lme4's ``GHrule(k)``: nodes ``√2·x_j`` and normalized weights of the physicists' rule."""
    x, w = np.polynomial.hermite.hermgauss(int(k))
    z = x * math.sqrt(2.0)
    return GHRule(z=z, w=w / w.sum(), ldnorm=-0.5 * z * z - 0.5 * math.log(2.0 * math.pi))


def laplace(resp: Response, state: PirlsResult) -> float:
    """lme4 ``glmResp::Laplace``: ``ldL2 + ‖u‖² + aic(y, n, μ, wt, Σd)``."""
    return state.ldL2 + state.ussq + resp.aic(state.mu, state.drsum)


def agq_deviance(predictor: Predictor, resp: Response, state: PirlsResult, rule: GHRule) -> float:
    """lme4 ``glmerAGQ`` for one scalar random-effects term at a u-only PIRLS state.

    ``Σ_j devc0_j + ldL2 − 2 log Π_j mult_j`` with ``devc_j(u) = u_j² + Σ_{i∈j} d_i``
    and the per-level quadrature multipliers ``mult_j`` at ``û_j + z_k/L_jj`` (lme4
    takes the log of the product, so many levels can overflow exactly as in lme4).
    """
    term = predictor.terms[0]
    refs, zcol, nl = term.refs, term.z[:, 0], term.nlevels
    theta = state.theta
    devc0 = state.u * state.u + np.bincount(refs, weights=state.dev_resid, minlength=nl)
    # L is diagonal for one scalar term: L_jj² = 1 + θ²·Σ_{i∈j} W_i z_i² (last decomposition)
    ldiag = np.sqrt(theta[0] ** 2 * np.bincount(refs, weights=state.weights * zcol * zcol, minlength=nl) + 1.0)
    sd = 1.0 / ldiag
    moving = rule.z != 0.0  # lme4 adds w_k alone for a node exactly at 0
    z = rule.z[moving]
    k = z.size
    n = refs.size
    with np.errstate(all="ignore"):
        # every node at once, with lme4's arithmetic per element: u = û + z_k·sd, b = θu,
        # η = offset + (Zb [+ Xβ]); μ, d_i and the per-level sums as in the one-node loop
        U = state.u[None, :] + z[:, None] * sd[None, :]
        G = (U * theta[0])[:, refs]
        if not predictor.unit_z(0):
            G = zcol[None, :] * G
        if predictor.p and np.any(state.beta != 0.0):
            G = G + (predictor.X @ state.beta)[None, :]
        eta = (state.offset[None, :] + G).ravel()
        dev = resp.family.dev_resids(np.tile(resp.y, k), resp.mu(eta), np.tile(resp.weights, k))
        index = (np.arange(k)[:, None] * nl + refs[None, :]).ravel()
        devc = U * U + np.bincount(index, weights=dev, minlength=k * nl).reshape(k, nl)
        moved = np.exp(-0.5 * (devc - devc0[None, :]) - rule.ldnorm[moving][:, None]) \
            * rule.w[moving][:, None] / _SQRT_2PI
        mult = np.zeros(nl)
        row = 0
        for node, wk in zip(rule.z, rule.w):  # accumulated in the rule's order, as lme4
            if node == 0.0:
                mult += wk
            else:
                mult += moved[row]
                row += 1
        return float(devc0.sum() + state.ldL2 - 2.0 * np.log(np.prod(mult)))


class ThetaDevfun:
    """The θ-only deviance (lme4's nAGQ = 0 devfun): joint PIRLS from ``lp0``, Laplace value.

    Parameters
    ----------
    predictor : Predictor
    resp : Response
    lp0 : ndarray
        The stored linear predictor without offset (lme4 ``lp0``).
    tol : float
        lme4 ``tolPwrss``.
    """

    def __init__(self, predictor: Predictor, resp: Response, lp0: np.ndarray, tol: float):
        self.predictor, self.resp, self.lp0, self.tol = predictor, resp, lp0, tol
        self.last: PirlsResult | None = None

    def state(self, theta) -> PirlsResult:
        """The PIRLS state at θ (and remember it as ``last``)."""
        th = np.asarray(theta, dtype=float)
        base = self.resp.offset
        previous = (self.last.u, self.last.beta) if self.last is not None else None
        self.last = pirls(self.predictor, self.resp, th, base + self.lp0, base, u_only=False, tol=self.tol,
                          previous=previous)
        return self.last

    def __call__(self, theta) -> float:
        return laplace(self.resp, self.state(theta))


class ThetaBetaDevfun:
    """The (θ, β) deviance of glmer's second stage (lme4 ``updateGlmerDevfun``'s devfun).

    Parameters
    ----------
    predictor : Predictor
    resp : Response
    lp0 : ndarray
        Linear predictor (without offset) at the end of stage 1.
    tol : float
    n_agq : int
        1: Laplace; > 1: adaptive Gauss–Hermite quadrature with that many nodes.
    """

    def __init__(self, predictor: Predictor, resp: Response, lp0: np.ndarray, tol: float, n_agq: int = 1):
        self.predictor, self.resp, self.lp0, self.tol = predictor, resp, lp0, tol
        self.n_agq = int(n_agq)
        self.rule = gh_rule(self.n_agq) if self.n_agq > 1 else None
        self.n_theta = predictor.n_theta
        self.last: PirlsResult | None = None

    def state(self, par) -> PirlsResult:
        par = np.asarray(par, dtype=float)
        theta, beta = par[: self.n_theta], par[self.n_theta :]
        base = self.resp.offset
        offset = base + self.predictor.X @ beta if beta.size else base
        previous = (self.last.u, self.last.beta) if self.last is not None else None
        self.last = pirls(self.predictor, self.resp, theta, base + self.lp0, offset, u_only=True, tol=self.tol,
                          previous=previous)
        return self.last

    def value(self, state: PirlsResult) -> float:
        if self.rule is None:
            return laplace(self.resp, state)
        return agq_deviance(self.predictor, self.resp, state, self.rule)

    def __call__(self, par) -> float:
        return self.value(self.state(par))
