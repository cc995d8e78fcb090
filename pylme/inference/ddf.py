"""t and F tests of fixed effects with Satterthwaite or Kenward-Roger denominator df
(lmerTest 3.1-3: ``contest1D``, ``contestMD``, ``get_coefmat``, ``contest``).

The degrees of freedom themselves come from :mod:`.satterthwaite` (lmerTest) and
:mod:`.kenward_roger` (pbkrtest ``vcovAdj``/``Lb_ddf``/``KRmodcomp``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import linalg, stats

from ..errors import ControlError
from . import kenward_roger as kr
from . import satterthwaite as sat
from .contrasts import ginv

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["DDF_METHODS", "check_ddf", "coefficients", "contest", "contest_1d", "contest_md",
           "T_COLUMNS", "F_COLUMNS"]

DDF_METHODS = ("Satterthwaite", "Kenward-Roger", "lme4")
T_COLUMNS = ("Estimate", "Std. Error", "df", "t value", "Pr(>|t|)")
F_COLUMNS = ("Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)")
_EPS = float(np.sqrt(np.finfo(float).eps))


def check_ddf(ddf: str, allow_lme4: bool = True) -> str:
    """R's ``match.arg(ddf)``: exact or unique partial match of a method name."""
    choices = DDF_METHODS if allow_lme4 else DDF_METHODS[:2]
    if isinstance(ddf, str):
        hits = [c for c in choices if c.startswith(ddf)] if ddf else []
        if ddf in choices:
            return ddf
        if len(hits) == 1:
            return hits[0]
    quoted = ", ".join(f"\u201c{c}\u201d" for c in choices)
    raise ControlError(f"'arg' should be one of {quoted}")


def _t_row(estimate: float, var_con: float, ddf: float, rhs: float) -> dict:
    """lmerTest's ``mk_ttable``."""
    se = float(np.sqrt(var_con))
    tstat = (estimate - rhs) / se
    return {"Estimate": estimate, "Std. Error": se, "df": ddf, "t value": tstat,
            "Pr(>|t|)": float(2 * stats.t.sf(abs(tstat), ddf))}


def contest_1d(fit: "LmerFit", L, ddf: str = "Satterthwaite", rhs: float = 0.0) -> dict:
    """Test of one contrast ``L β = rhs`` (lmerTest ``contest1D``).

    Returns
    -------
    dict
        ``Estimate``, ``Std. Error``, ``df``, ``t value``, ``Pr(>|t|)``.
    """
    ddf = check_ddf(ddf, allow_lme4=False)
    L = np.asarray(L, dtype=float).ravel()
    if L.size != fit.inputs.p:
        raise ControlError(f"the contrast has {L.size} elements, the model {fit.inputs.p} fixed effects")
    if np.any(np.isnan(L)):
        return dict.fromkeys(T_COLUMNS, np.nan)
    estimate = float(L @ fit.beta)
    if ddf == "Kenward-Roger":
        adj = kr.vcov_adj(fit)
        return _t_row(estimate, float(L @ adj.vcov @ L), kr.lb_ddf(adj, L), rhs)
    var_con, df = sat.satterthwaite_1d(sat.varpar_info(fit), L)
    return _t_row(estimate, var_con, df, rhs)


def _f_row(F: float, ndf: float, ddf: float, sigma: float, scale: float = 1.0) -> dict:
    """lmerTest's ``mk_Ftable``."""
    ms = F * sigma**2
    F = F * scale
    return {"Sum Sq": ms * ndf, "Mean Sq": ms, "NumDF": ndf, "DenDF": ddf, "F value": F,
            "Pr(>F)": float(stats.f.sf(F, ndf, ddf))}


def contest_md(fit: "LmerFit", L, ddf: str = "Satterthwaite", rhs: Any = 0.0) -> dict | None:
    """Joint F test of ``L β = rhs`` (lmerTest ``contestMD``); ``None`` for an empty ``L``."""
    ddf = check_ddf(ddf, allow_lme4=False)
    L = np.atleast_2d(np.asarray(L, dtype=float))
    if L.shape[0] == 0:
        return None
    rhs = np.broadcast_to(np.asarray(rhs, dtype=float), (L.shape[0],))
    if np.any(np.isnan(L)):
        return dict.fromkeys(F_COLUMNS, np.nan)
    beta = fit.beta
    if ddf == "Kenward-Roger":
        beta_h = ginv(L) @ rhs if np.any(rhs != 0) else 0.0
        res = kr.kr_ftest(kr.vcov_adj(fit), L, beta - beta_h)
        return _f_row(res["FstatU"], res["ndf"], res["ddf"], fit.sigma, res["F_scaling"])
    if L.shape[0] == 1:
        row = contest_1d(fit, L[0], rhs=float(rhs[0]))
        return _f_row(row["t value"] ** 2, 1, row["df"], fit.sigma)
    return _satterthwaite_f(fit, L, rhs)


def _satterthwaite_f(fit: "LmerFit", L: np.ndarray, rhs: np.ndarray) -> dict | None:
    """The multi-row Satterthwaite F test, rotated onto the eigenvectors of L V Lᵀ."""
    info = sat.varpar_info(fit)
    beta = fit.beta
    if np.any(rhs != 0):
        beta = beta - ginv(L) @ rhs
    d, P = linalg.eigh(L @ info.vcov_beta @ L.T, driver="evr")  # R's eigen(): dsyevr
    d, P = d[::-1], P[:, ::-1]
    pos = d > max(_EPS * d[0], 0)
    q = int(pos.sum())
    if q == 0:
        return None
    PtL = (P.T @ L)[:q]
    if q == 1:
        row = contest_1d(fit, PtL[0], rhs=float(rhs[0]))
        return _f_row(row["t value"] ** 2, q, row["df"], info.sigma)
    t2 = (PtL @ beta) ** 2 / d[:q]
    return _f_row(float(t2.sum() / q), q, sat.satterthwaite_md(info, PtL, d[:q]), info.sigma)


def coefficients(fit: "LmerFit", ddf: str = "Satterthwaite") -> pd.DataFrame:
    """The fixed-effects table of ``summary(fit, ddf=)`` (lmerTest ``get_coefmat``).

    Parameters
    ----------
    fit : LmerFit
    ddf : {"Satterthwaite", "Kenward-Roger", "lme4"}
        ``"lme4"`` gives lme4's table (no df, no p-values).

    Returns
    -------
    pandas.DataFrame
        ``Estimate``, ``Std. Error``, ``df``, ``t value``, ``Pr(>|t|)`` by coefficient.
    """
    ddf = check_ddf(ddf)
    names = list(fit.inputs.X_columns)
    if ddf == "lme4":
        se = np.sqrt(np.diag(fit.vcov().to_numpy()))
        return pd.DataFrame({"Estimate": fit.beta, "Std. Error": se, "t value": fit.beta / se}, index=names)
    eye = np.eye(len(names))
    rows = [contest_1d(fit, eye[j], ddf) for j in range(len(names))]
    return pd.DataFrame(rows, index=names, columns=list(T_COLUMNS))


def _wald_ci(row: dict, level: float) -> tuple[float, float]:
    """lmerTest ``waldCI``."""
    fac = stats.t.isf((1 - level) / 2, row["df"])
    return row["Estimate"] - row["Std. Error"] * fac, row["Estimate"] + row["Std. Error"] * fac


def contest(fit: "LmerFit", L, ddf: str = "Satterthwaite", joint: bool = True, rhs: Any = 0.0,
            confint: bool = True, level: float = 0.95) -> pd.DataFrame:
    """Tests of linear hypotheses ``L β = rhs`` (lmerTest ``contest``).

    Parameters
    ----------
    fit : LmerFit
    L : array_like, shape (p,) or (k, p)
        Contrast vector or matrix (one row per hypothesis); a DataFrame keeps its row names.
    ddf : {"Satterthwaite", "Kenward-Roger"}
    joint : bool
        One F test of all rows (lmerTest ``contestMD``), or a t test per row (``contest1D``).
    rhs : float or array_like
    confint, level
        For ``joint=False``: add lmerTest's Wald intervals ``lower``/``upper``.

    Returns
    -------
    pandas.DataFrame
        F table (``Sum Sq``, ``Mean Sq``, ``NumDF``, ``DenDF``, ``F value``, ``Pr(>F)``) or
        t table (``Estimate``, ``Std. Error``, ``df``, ``t value``, [``lower``, ``upper``,]
        ``Pr(>|t|)``).
    """
    names = list(L.index) if isinstance(L, pd.DataFrame) else None
    Lm = np.atleast_2d(np.asarray(L, dtype=float))
    if joint:
        row = contest_md(fit, Lm, ddf, rhs)
        return pd.DataFrame([row] if row else [], columns=list(F_COLUMNS))
    rhs_v = np.broadcast_to(np.asarray(rhs, dtype=float), (Lm.shape[0],))
    rows = []
    for l, r in zip(Lm, rhs_v):
        row = contest_1d(fit, l, ddf, float(r))
        if confint:
            lower, upper = _wald_ci(row, level)
            p = row.pop("Pr(>|t|)")
            row.update(lower=lower, upper=upper)
            row["Pr(>|t|)"] = p
        rows.append(row)
    return pd.DataFrame(rows, index=names)
