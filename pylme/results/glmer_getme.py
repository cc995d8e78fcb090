"""lme4's ``getME()`` vocabulary for a fitted GLMM (lme4 1.1-31: ``getME.merMod`` on a ``glmerMod``).

The names, their matching (R's ``match.arg``, ``"ALL"``, several names at once) and most
values are lmer's (:mod:`pylme.results.getme`).  What differs for a GLMM:

* ``"y"`` is the response as the family's ``initialize`` leaves it (proportions for a
  binomial ``cbind`` response), ``"mu"`` the conditional means, ``"offset"`` the model
  offset (lme4 ``resp$offset``);
* ``"L"``, ``"RX"``, ``"RZX"`` come from the last PIRLS decomposition, whose weights
  are the working weights (``weights(fit, type = "working")``);
* ``"devcomp"`` holds glmer's ``cmp`` (``ldL2, ldRX2, wrss, ussq, pwrss, drsum, REML,
  dev, sigmaML, sigmaREML, tolPwrss``) and ``dims`` (with ``nAGQ``, ``compDev``,
  ``GLMM = 1``, ``useSc``);
* ``"devfun"`` is lme4 1.1-31's rebuilt deviance function of (θ, β)
  (:class:`pylme.inference.glmm_refit.GlmerDevfun`);
* ``"glmer.nb.theta"`` is the negative-binomial θ of such a family, NaN (R's NA) otherwise;
* ``"n"`` is, as in lme4, the number of observations (not the binomial trials).

pylme additions (after lme4's names, like lmer's ``"weights"`` and ``"optinfo"``):
``"eta"`` — the linear predictor with offset at the optimum (lme4 has no such name; its
``fit@resp$eta``) — and ``"n_trials"``, the binomial trials (lme4 ``fit@resp$n``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular

from ..arguments import match_arg
from ..errors import ArgumentError
from .getme import LME4_NAMES, NAMES, PYLME_NAMES, _A, _names

if TYPE_CHECKING:
    from .glmer_model import GlmerFit

__all__ = ["getme", "GLMM_NAMES", "GLMM_CHOICES"]


def _working(fit: "GlmerFit") -> np.ndarray:
    return np.asarray(fit.optimum.state.weights, dtype=float)


def _L(fit: "GlmerFit") -> np.ndarray:
    """Lower Cholesky factor of ΛᵀZᵀWZΛ + I with the working weights W, unpermuted."""
    A = _A(fit) @ sp.diags(np.sqrt(_working(fit)))
    return np.linalg.cholesky((A @ A.T).toarray() + np.eye(A.shape[0]))


def _RZX(fit: "GlmerFit") -> np.ndarray:
    """L⁻¹ΛᵀZᵀWX with the unpermuted L (lme4 ``RZX`` up to CHOLMOD's row permutation)."""
    rhs = _A(fit) @ (np.asarray(fit.inputs.X, dtype=float) * _working(fit)[:, None])
    return solve_triangular(_L(fit), np.asarray(rhs), lower=True)


def _RX(fit: "GlmerFit") -> np.ndarray:
    return np.array(fit.optimum.state.step.RX, dtype=float)


def _devcomp(fit: "GlmerFit") -> dict[str, dict[str, float]]:
    """lme4 ``devcomp`` of a glmerMod (``mkMerMod``)."""
    state, n, p = fit.optimum.state, fit.nobs, fit.inputs.p
    RX = _RX(fit)
    ldRX2 = float(2.0 * np.sum(np.log(np.abs(np.diag(RX))))) if RX.size else 0.0
    use_sc = fit.use_sc
    cmp = {"ldL2": float(state.ldL2), "ldRX2": ldRX2, "wrss": fit.wrss, "ussq": float(state.ussq),
           "pwrss": fit.pwrss, "drsum": float(state.drsum), "REML": np.nan, "dev": float(fit.optimum.fval),
           "sigmaML": float(np.sqrt(fit.pwrss / n)) if use_sc else np.nan, "sigmaREML": np.nan,
           "tolPwrss": float(fit.control.tol_pwrss)}
    dims = {"N": n, "n": n, "p": p, "nmp": n - p, "q": fit.inputs.re_terms.q, "nth": fit.theta.size,
            "nAGQ": fit.n_agq, "compDev": int(bool(fit.control.comp_dev)), "useSc": int(use_sc),
            "reTrms": len(fit.inputs.re_terms.terms), "spFe": 0, "REML": 0, "GLMM": 1, "NLMM": 0}
    return {"cmp": cmp, "dims": dims}


def _nb_theta(fit: "GlmerFit") -> float:
    """lme4: ``getNBdisp(object)`` for a negative-binomial family, NA otherwise."""
    if not str(fit.family.family).startswith("Negative Binomial"):
        return np.nan
    from ..inference.glmm_simulate import _nb_theta as family_theta

    return family_theta(fit.family)


def _devfun(fit: "GlmerFit"):
    from ..inference.glmm_refit import GlmerDevfun

    return GlmerDevfun(fit)


def _offset(fit: "GlmerFit") -> np.ndarray:
    return np.asarray(fit.resp.offset, dtype=float).copy()


#: The GLMM's values: lmer's, with the entries that differ for a GLMM replaced.
GLMM_NAMES: dict[str, Callable[["GlmerFit"], Any]] = {
    **NAMES,
    "RX": _RX,
    "L": _L,
    "RZX": _RZX,
    "devcomp": _devcomp,
    "devfun": _devfun,
    "glmer.nb.theta": _nb_theta,
    "offset": _offset,
    "eta": lambda f: np.asarray(f.optimum.state.eta, dtype=float).copy(),
    "n_trials": lambda f: np.asarray(f.inputs.n_trials, dtype=float).copy(),
}
#: What ``name`` is matched against: lme4's names, then pylme's (lmer's and the GLMM's).
GLMM_CHOICES = LME4_NAMES + PYLME_NAMES + ("eta", "n_trials")


def getme(fit: "GlmerFit", name: Any) -> Any:
    """Return the component ``name`` of a fitted GLMM (lme4 ``getME.merMod``).

    Parameters
    ----------
    fit : GlmerFit
    name : str or sequence of str
        A name of :data:`GLMM_CHOICES` or an unambiguous prefix (R's ``match.arg``);
        ``"ALL"`` for every component; several names for a dict of components.

    Returns
    -------
    object
        As :func:`pylme.results.getme.get_me` (see the module notes for the GLMM values).

    Raises
    ------
    ArgumentError
        R's texts for a missing, unknown or ambiguous name.
    """
    names = _names(name)
    if len(names) > 1:
        return {n: getme(fit, n) for n in names}
    if not names:
        raise ArgumentError(f"argument is of length zero (getME name = {name!r})")
    only = names[0]
    if only == "ALL":
        return {n: GLMM_NAMES[n](fit) for n in GLMM_CHOICES}
    return GLMM_NAMES[match_arg(only, GLMM_CHOICES, "name")](fit)
