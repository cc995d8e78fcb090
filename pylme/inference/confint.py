"""Confidence intervals of a linear mixed model (lme4: ``confint.merMod``,
``confint.bootMer``; boot: ``boot.ci``'s percentile, basic and normal intervals).

Rows follow lme4: the variance parameters (per term the standard deviations and
correlations in θ order, then σ) and the fixed effects, named ``.sig01, ..., .sigma``
(``oldNames=True``) or ``sd_(Intercept)|Subject, cor_Days.(Intercept)|Subject, ...,
sigma``.  Columns are ``"2.5 %"``, ``"97.5 %"`` (R ``format(100*a, digits=3)`` + " %").

* ``"profile"``: inverts the likelihood profile (:func:`pylme.inference.profile.profile`).
* ``"Wald"``: ``β̂ ± z·SE`` for the fixed effects, NaN for the variance parameters.
* ``"boot"``: parametric bootstrap through
  :func:`pylme.inference.bootstrap.bootMer` with lme4's statistic (sd/cor, σ, β), then
  boot's ``perc``/``basic``/``norm`` intervals, reimplemented here.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..errors import DataError, PylmeMessage, PylmeWarning
from .profile import format_perc, get_which, profile
from .sdcor import cv_to_sv, profnames, term_sizes

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["confint", "boot_fun", "boot_confint", "norm_inter", "perc_ci", "basic_ci", "norm_ci"]

_METHODS = ("profile", "Wald", "boot")
_BOOT_TYPES = ("perc", "basic", "norm")


def confint(fit: "LmerFit", parm: Any = None, level: float = 0.95, method: str = "profile",
            zeta: Sequence[float] | None = None, nsim: int = 500, boot_type: str = "perc",
            seed: Any = None, quiet: bool = False, oldNames: bool = True, **kwargs: Any) -> pd.DataFrame:
    """Confidence intervals for the parameters of an LMM (lme4 ``confint.merMod``).

    Parameters
    ----------
    fit : LmerFit
    parm : None, int, str or sequence
        Rows to return: 0-based positions in (variance parameters, σ, fixed effects),
        names (in the ``oldNames`` convention), ``"theta_"`` (all variance parameters,
        σ included) or ``"beta_"`` (all fixed effects).  Default all.
    level : float
        Confidence level.
    method : {"profile", "Wald", "boot"}
    zeta : pair of float, optional
        ``method="profile"`` only: ζ values to invert instead of the level's quantiles.
    nsim : int
        Bootstrap replicates (``method="boot"``).
    boot_type : {"perc", "basic", "norm"}
        Bootstrap interval type (lme4 ``boot.type``).
    seed : optional
        Seed of the bootstrap simulations.
    quiet : bool
        Suppress the "Computing ... confidence intervals ..." message.
    oldNames : bool
        ``.sig01``-style names (True) or ``sd_...|group`` names.
    **kwargs
        Passed on to :func:`~pylme.inference.profile.profile` (e.g. ``alphamax``,
        ``delta_cutoff``) or to ``bootMer`` (e.g. ``use_u``, ``type``).

    Returns
    -------
    pandas.DataFrame
        One row per parameter, columns the lower and upper limits.
    """
    if method not in _METHODS:
        raise ValueError(f"'method' should be one of {', '.join(repr(m) for m in _METHODS)}")
    if boot_type not in _BOOT_TYPES:
        raise ValueError(f"'boot_type' should be one of {', '.join(repr(t) for t in _BOOT_TYPES)}")
    vn = profnames(fit, signames=oldNames)
    names = vn + list(fit.fixef().index)
    chosen = list(range(len(names))) if parm is None else get_which(parm, len(vn), len(names), names)
    if not quiet and method != "Wald":
        kind = "profile" if method == "profile" else "bootstrap"
        warnings.warn(f"Computing {kind} confidence intervals ...", PylmeMessage, stacklevel=3)
    if method == "profile":
        pr = profile(fit, which=chosen, signames=oldNames, **kwargs)
        return pr.confint(level=level, zeta=zeta)
    if method == "Wald":
        return _wald(fit, vn, level).iloc[chosen]
    table = _boot(fit, vn, level, nsim, boot_type, seed, **kwargs)
    return table if parm is None else table.iloc[chosen]


def _wald(fit: "LmerFit", vn: list[str], level: float) -> pd.DataFrame:
    """β̂ ± qnorm(a)·SE; NaN rows for the variance parameters (lme4's Wald branch)."""
    a = (1 - level) / 2
    probs = np.array([a, 1 - a])
    beta = fit.fixef()
    se = np.sqrt(np.diagonal(fit.vcov().to_numpy()))
    fixed = beta.to_numpy()[:, None] + se[:, None] * norm.ppf(probs)[None, :]
    values = np.vstack([np.full((len(vn), 2), np.nan), fixed])
    return pd.DataFrame(values, index=vn + list(beta.index), columns=format_perc(probs))


# ---------------------------------------------------------------------------- bootstrap
def boot_fun(fit: "LmerFit", names: Sequence[str] | None = None) -> pd.Series:
    """lme4's bootstrap statistic: sd/cor per term (θ order), σ, then the fixed effects."""
    values = np.concatenate([cv_to_sv(fit.theta, term_sizes(fit), s=fit.sigma), fit.fixef().to_numpy()])
    index = (list(names) if names is not None else profnames(fit)) + list(fit.fixef().index)
    return pd.Series(values, index=index)


def _boot(fit: "LmerFit", vn: list[str], level: float, nsim: int, boot_type: str, seed: Any,
          **kwargs: Any) -> pd.DataFrame:
    from .bootstrap import bootMer  # written separately; imported only when needed

    names = vn + list(fit.fixef().index)
    kwargs.setdefault("progress", False)  # lme4's bootMer default: .progress = "none"
    bb = bootMer(fit, lambda m: boot_fun(m, vn).to_numpy(), nsim=nsim, seed=seed, **kwargs)
    t = np.asarray(bb.t, dtype=float).reshape(nsim, -1)
    if np.all(np.isnan(t)):
        raise DataError("*all* bootstrap runs failed!")
    _say_boot_warnings(bb)
    return boot_confint(np.asarray(bb.t0, dtype=float), t, level=level, type=boot_type, names=names)


def _say_boot_warnings(bb: Any) -> None:
    """lme4 ``print.bootWarnings``: one message summarizing what the refits signalled.

    Per kind (message, warning, error) the total count and the least frequent text,
    with " (and others)" when there were several distinct texts.
    """
    summary = getattr(bb, "warning_summary", None)
    if not summary:
        return
    lines = []
    for kind in ("message", "warning", "error"):
        counts = summary.get(kind) or {}
        if counts:
            ordered = sorted(counts.items(), key=lambda kv: kv[1])  # R: sort(table), stable
            lines.append(f"{sum(counts.values())} {kind}(s): {ordered[0][0]}"
                         + (" (and others)" if len(ordered) > 1 else ""))
    if lines:
        warnings.warn("\n" + "\n".join(lines), PylmeMessage, stacklevel=4)


def boot_confint(t0: np.ndarray, t: np.ndarray, level: float = 0.95, type: str = "perc",
                 names: Sequence[str] | None = None) -> pd.DataFrame:
    """Bootstrap intervals per statistic (lme4 ``confint.bootMer`` over ``boot::boot.ci``).

    Parameters
    ----------
    t0 : ndarray, shape (k,)
        The statistic on the data.
    t : ndarray, shape (R, k)
        The statistic on each bootstrap sample (NaN for failed runs).
    level : float
    type : {"perc", "basic", "norm"}
    names : sequence of str, optional
        Row names.
    """
    t0 = np.atleast_1d(np.asarray(t0, dtype=float))
    t = np.asarray(t, dtype=float).reshape(-1, t0.size)
    rows = []
    for i in range(t0.size):
        _check_not_constant(t[:, i])
        if type == "perc":
            rows.append(perc_ci(t[:, i], level))
        elif type == "basic":
            rows.append(basic_ci(t0[i], t[:, i], level))
        elif type == "norm":
            rows.append(norm_ci(t0[i], t[:, i], level))
        else:
            raise ValueError(f"'type' should be one of {', '.join(repr(b) for b in _BOOT_TYPES)}")
    a = (1 - level) / 2
    index = list(names) if names is not None else None
    return pd.DataFrame(np.array(rows).reshape(-1, 2), index=index, columns=format_perc([a, 1 - a]))


def _check_not_constant(t: np.ndarray) -> None:
    """boot.ci gives up when every replicate equals the mean (its ``const()`` test)."""
    finite = t[np.isfinite(t)]
    mean = float(np.mean(finite)) if finite.size else np.nan
    eps = min(1e-8, mean / 1e6)
    if finite.size and np.all(np.abs(finite - mean) < eps):
        raise DataError(f"All values of t are equal to  {mean:.15g} \n Cannot calculate confidence intervals")


def norm_inter(t: np.ndarray, alpha) -> np.ndarray:
    """Interpolated order statistics on the normal quantile scale (boot ``norm.inter``).

    Returns the endpoints for each ``alpha``; warns ``extreme order statistics used as
    endpoints`` when ``(R + 1)·alpha`` falls outside ``(1, R)``.
    """
    t = np.sort(t[np.isfinite(t)])
    R = t.size
    alpha = np.atleast_1d(np.asarray(alpha, dtype=float))
    rk = (R + 1) * alpha
    if not np.all((rk > 1) & (rk < R)):
        warnings.warn("extreme order statistics used as endpoints", PylmeWarning, stacklevel=3)
    k = np.trunc(rk).astype(int)
    out = np.empty(alpha.size)
    for i, (ki, rki, a) in enumerate(zip(k, rk, alpha)):
        if ki == rki:
            out[i] = t[ki - 1] if ki > 0 else t[0]
        elif ki == 0:
            out[i] = t[0]
        elif ki == R:
            out[i] = t[R - 1]
        else:
            q, qk, qk1 = norm.ppf(a), norm.ppf(ki / (R + 1)), norm.ppf((ki + 1) / (R + 1))
            out[i] = t[ki - 1] + (q - qk) / (qk1 - qk) * (t[ki] - t[ki - 1])
    return out


def perc_ci(t: np.ndarray, conf: float = 0.95) -> np.ndarray:
    """Percentile interval (boot ``perc.ci``)."""
    return norm_inter(t, (1 + np.array([-conf, conf])) / 2)


def basic_ci(t0: float, t: np.ndarray, conf: float = 0.95) -> np.ndarray:
    """Basic ("reverse percentile") interval ``2·t0 − q`` (boot ``basic.ci``)."""
    return 2 * t0 - norm_inter(t, (1 + np.array([conf, -conf])) / 2)


def norm_ci(t0: float, t: np.ndarray, conf: float = 0.95) -> np.ndarray:
    """Normal interval ``t0 − bias ∓ sd(t)·z`` (boot ``norm.ci``)."""
    t = t[np.isfinite(t)]
    bias = float(np.mean(t)) - t0
    merr = np.sqrt(np.var(t, ddof=1)) * norm.ppf((1 + conf) / 2)
    return np.array([t0 - bias - merr, t0 - bias + merr])
