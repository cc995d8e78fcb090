"""lme4's ``getME()`` vocabulary for a fitted model (lme4: ``getME.merMod``).

Values follow lme4's conventions so they compare one-to-one with R: ``Lind`` is
1-based (as in R), ``Gp`` holds 0-based offsets (as in R), matrices are
``scipy.sparse`` where lme4 returns sparse Matrix objects, and named vectors are
``pandas.Series``.

Names are matched as lme4 1.1-31 matches them (``getME.merMod``: ``match.arg`` over
its list of names, in :data:`LME4_NAMES` order, so ``"the"`` is ``"theta"``); several
names give a dict (lme4's named list) and ``"ALL"`` every component.  pylme adds
``"weights"`` and ``"optinfo"`` (:data:`PYLME_NAMES`) after lme4's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..arguments import is_vector, match_arg
from ..design.random import relative_factor
from ..errors import ArgumentError

if TYPE_CHECKING:
    from .model import LmerFit

__all__ = ["get_me", "NAMES", "LME4_NAMES", "PYLME_NAMES", "CHOICES"]


def _theta(fit: "LmerFit") -> pd.Series:
    return pd.Series(fit.theta, index=list(fit.inputs.re_terms.theta_names))


def _lower(fit: "LmerFit") -> pd.Series:
    return pd.Series(fit.inputs.re_terms.lower, index=list(fit.inputs.re_terms.theta_names))


def _X(fit: "LmerFit") -> pd.DataFrame:
    return pd.DataFrame(fit.inputs.X, columns=list(fit.inputs.X_columns))


def _Tlist(fit: "LmerFit") -> dict[str, np.ndarray]:
    re = fit.inputs.re_terms
    return {t.group.name: relative_factor(fit.theta[sl], t.p) for t, sl in zip(re.terms, re.theta_slices)}


def _devcomp(fit: "LmerFit") -> dict[str, dict[str, float]]:
    s, n, p = fit.solution, fit.nobs, fit.inputs.p
    reml = fit.is_REML
    cmp = {"ldL2": s.ldL2, "ldRX2": s.ldRX2, "wrss": s.wrss, "ussq": s.ussq, "pwrss": s.pwrss,
           "drsum": np.nan, "REML": fit.opt.fval if reml else np.nan,
           "dev": np.nan if reml else fit.opt.fval,
           "sigmaML": float(np.sqrt(s.pwrss / n)), "sigmaREML": float(np.sqrt(s.pwrss / (n - p)))}
    dims = {"N": n, "n": n, "p": p, "nmp": n - p, "q": fit.inputs.re_terms.q, "nth": fit.theta.size,
            "useSc": 1, "reTrms": len(fit.inputs.re_terms.terms), "spFe": 0, "REML": fit.problem.reml_df,
            "GLMM": 0, "NLMM": 0}
    return {"cmp": cmp, "dims": dims}


def _optinfo(fit: "LmerFit") -> dict[str, Any]:
    o = fit.opt
    return {"optimizer": o.optimizer, "control": dict(o.control), "feval": o.feval, "message": o.message,
            "warnings": list(o.warnings), "val": o.par.copy(),
            "derivs": None if o.derivs is None else {"gradient": o.derivs.gradient, "Hessian": o.derivs.Hessian},
            "conv": {"opt": o.conv, "lme4": {"code": list(fit.conv.code), "messages": list(fit.conv.messages)}}}


def _Tp(fit: "LmerFit") -> pd.Series:
    """Cumulative θ counts per term, from ``beg__`` (lme4 ``getME(, "Tp")``)."""
    terms = fit.inputs.re_terms.terms
    counts = np.cumsum([0] + [t.p * (t.p + 1) // 2 for t in terms]).astype(float)
    return pd.Series(counts, index=["beg__"] + [t.group.name for t in terms])


def _ST(fit: "LmerFit") -> dict[str, np.ndarray]:
    """Each term's T scaled to unit diagonal, the diagonal then put back (lme4 ``vec2STlist``):
    ``ST = T diag(1/diag(T))`` with ``diag(ST) = diag(T)`` (NaN where a diagonal is 0, as R)."""
    out = {}
    for name, T in _Tlist(fit).items():
        d = np.diag(T).copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            st = T * (1.0 / d)[None, :]
        np.fill_diagonal(st, d)
        out[name] = st
    return out


def _A(fit: "LmerFit") -> sp.csc_matrix:
    """ΛᵀZᵀ (lme4 ``getME(, "A")``)."""
    re = fit.inputs.re_terms
    return (re.Lambdat(fit.theta) @ re.Zt()).tocsc()


def _L(fit: "LmerFit") -> np.ndarray:
    """Lower Cholesky factor of ΛᵀZᵀWZΛ + I, unpermuted (lme4's ``L`` is CHOLMOD's, with a fill-reducing P)."""
    A = _A(fit) @ sp.diags(np.sqrt(fit.weights()))
    return np.linalg.cholesky((A @ A.T).toarray() + np.eye(A.shape[0]))


def _RZX(fit: "LmerFit") -> np.ndarray:
    """L⁻¹ΛᵀZᵀWX with the unpermuted L (lme4 ``RZX`` up to CHOLMOD's row permutation)."""
    from scipy.linalg import solve_triangular

    w = fit.weights()
    rhs = _A(fit) @ (fit.inputs.X * w[:, None])
    return solve_triangular(_L(fit), np.asarray(rhs), lower=True)


def _mmList(fit: "LmerFit") -> dict[str, np.ndarray]:
    """Each term's model matrix (lme4 ``mmList``), keyed by its bar text."""
    return {t.label: t.z.copy() for t in fit.inputs.re_terms.terms}


def _devfun(fit: "LmerFit"):
    from ..fit import DevFun

    return DevFun(fit.inputs, fit.problem, fit.theta_start)


NAMES: dict[str, Callable[["LmerFit"], Any]] = {
    "X": _X,
    "Z": lambda f: f.inputs.re_terms.Zt().T.tocsc(),
    "Zt": lambda f: f.inputs.re_terms.Zt(),
    "Ztlist": lambda f: _Ztlist(f),
    "y": lambda f: f.inputs.y.copy(),
    "mu": lambda f: f.solution.mu.copy(),
    "u": lambda f: f.solution.u.copy(),
    "b": lambda f: f.solution.b.copy(),
    "Gp": lambda f: f.inputs.re_terms.Gp.copy(),
    "Tp": _Tp,
    "ST": _ST,
    # lme4: the negative-binomial θ of a glmer.nb fit, NA for any other model
    "glmer.nb.theta": lambda f: np.nan,
    "Lambdat": lambda f: f.inputs.re_terms.Lambdat(f.theta),
    "Lambda": lambda f: f.inputs.re_terms.Lambdat(f.theta).T.tocsc(),
    "Lind": lambda f: f.inputs.re_terms.Lind + 1,
    "Tlist": _Tlist,
    "theta": _theta,
    "lower": _lower,
    "beta": lambda f: f.beta,
    "fixef": lambda f: f.fixef(),
    "RX": lambda f: f.solution.RX.copy(),
    "A": _A,
    "L": _L,
    "RZX": _RZX,
    "mmList": _mmList,
    "sigma": lambda f: f.sigma,
    "flist": lambda f: {k: pd.Categorical.from_codes(v.codes, v.levels) for k, v in f.inputs.re_terms.flist.items()},
    "cnms": lambda f: list(f.inputs.re_terms.cnms),
    "REML": lambda f: f.problem.reml_df if f.is_REML else 0,  # p, or 1 after lme4's refit()
    "is_REML": lambda f: f.is_REML,
    "n_rtrms": lambda f: len(f.inputs.re_terms.terms),
    "n_rfacs": lambda f: len(f.inputs.re_terms.flist),
    "N": lambda f: f.nobs,
    "n": lambda f: f.nobs,
    "p": lambda f: f.inputs.p,
    "q": lambda f: f.inputs.re_terms.q,
    "k": lambda f: len(f.inputs.re_terms.terms),
    "p_i": lambda f: np.array([t.p for t in f.inputs.re_terms.terms]),
    "l_i": lambda f: np.array([t.nlevels for t in f.inputs.re_terms.terms]),
    "q_i": lambda f: np.array([t.q for t in f.inputs.re_terms.terms]),
    "m_i": lambda f: np.array([t.n_theta for t in f.inputs.re_terms.terms]),
    "m": lambda f: f.theta.size,
    "devcomp": _devcomp,
    "optinfo": _optinfo,
    "offset": lambda f: np.zeros(f.nobs) if f.inputs.offset is None else f.inputs.offset.copy(),
    "weights": lambda f: f.weights(),
    "devfun": _devfun,
}


def _Ztlist(fit: "LmerFit") -> dict[str, sp.csc_matrix]:
    """One block of Zt rows per term *component*, named ``group.component`` (lme4 1.1-31 ``getME(, "Ztlist")``)."""
    re = fit.inputs.re_terms
    Zt = re.Zt().tocsr()
    out = {}
    for t, start in zip(re.terms, re.Gp[:-1]):
        for c, name in enumerate(t.cnms):
            out[f"{t.group.name}.{name}"] = Zt[start + c : start + t.q : t.p, :].tocsc()
    return out


#: lme4 1.1-31's names, in the order of ``getME.merMod``'s ``name`` argument (its
#: ``match.arg`` choices and the order of ``getME(fm, "ALL")``).
LME4_NAMES = ("X", "Z", "Zt", "Ztlist", "mmList", "y", "mu", "u", "b", "Gp", "Tp", "L", "Lambda",
              "Lambdat", "Lind", "Tlist", "A", "RX", "RZX", "sigma", "flist", "fixef", "beta", "theta",
              "ST", "REML", "is_REML", "n_rtrms", "n_rfacs", "N", "n", "p", "q", "p_i", "l_i", "q_i", "k",
              "m_i", "m", "cnms", "devcomp", "offset", "lower", "devfun", "glmer.nb.theta")
#: pylme's additions: the prior weights and the optimizer's record (lme4 ``@optinfo``).
PYLME_NAMES = ("weights", "optinfo")
#: What ``name`` is matched against: lme4's names, then pylme's.
CHOICES = LME4_NAMES + PYLME_NAMES


def _as_character(value: Any) -> str:
    """One element of ``name`` as R's ``as.character`` makes it (text stays text; numbers and
    logicals become their R spelling, which matches no name)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    raise ArgumentError(f"getME() names must be text, got {type(value).__name__} {value!r}")


def _names(name: Any) -> list[str]:
    """``as.character(name)``: the names asked for, in order."""
    if isinstance(name, (pd.Series, pd.Index)):
        name = name.to_numpy()
    if is_vector(name):
        return [_as_character(v) for v in np.asarray(name, dtype=object).ravel(order="F")]
    if name is None:
        return []
    return [_as_character(name)]


def get_me(fit: "LmerFit", name: Any) -> Any:
    """Return the component ``name`` of a fit, in lme4's vocabulary (lme4 ``getME.merMod``).

    Parameters
    ----------
    fit : LmerFit
    name : str or sequence of str
        A name of :data:`CHOICES` or an unambiguous prefix of one (R's ``match.arg``);
        ``"ALL"`` (exactly) for every component; several names for several components.

    Returns
    -------
    object
        The component; for several names a dict keyed by the names as given (R's
        ``names(name) <- name``; a name given twice appears once); for ``"ALL"`` a dict of
        every component by its full name.

    Raises
    ------
    ArgumentError
        R's texts: ``argument is of length zero`` (None, an empty sequence), ``'arg'
        should be one of “X”, “Z”, ...`` (an unknown or ambiguous name, or a number:
        R's ``as.character`` turns it into text that matches nothing); a value that is
        neither text nor a number (a dict, an object).
    """
    names = _names(name)
    if len(names) > 1:
        return {n: get_me(fit, n) for n in names}
    if not names:  # R: if (name == "ALL") on character(0)
        raise ArgumentError(f"argument is of length zero (getME name = {name!r})")
    only = names[0]
    if only == "ALL":
        return {n: NAMES[n](fit) for n in CHOICES}
    return NAMES[match_arg(only, CHOICES, "name")](fit)
