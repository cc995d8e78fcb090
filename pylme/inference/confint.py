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
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..errors import DataError, PylmeMessage, PylmeWarning
from .checks import check_fit, check_flag, check_level, check_positive_int, match_arg
from .profile import check_zeta, format_perc, get_which, profile
from .sdcor import cv_to_sv, profnames, term_sizes

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["confint", "boot_fun", "boot_confint", "norm_inter", "perc_ci", "basic_ci", "norm_ci"]

_METHODS = ("profile", "Wald", "boot")
_BOOT_TYPES = ("perc", "basic", "norm")


def confint(fit: "LmerFit", parm: Any = None, level: float = 0.95, method: str = "profile",
            zeta: Sequence[float] | None = None, nsim: int = 500, boot_type: str = "perc",
            seed: Any = None, quiet: bool = False, oldNames: bool = True, *,
            alphamax: float = 0.01, maxpts: int = 100, delta: float | None = None,
            delta_cutoff: float = 1 / 8, verbose: int = 0, devtol: float = 1e-9, maxmult: float = 10,
            startmethod: str = "prev", optimizer: str | None = None,
            control: Mapping[str, float] | None = None, prof_scale: str = "sdcor",
            use_u: bool = False, type: str = "parametric", progress: bool = False,
            n_jobs: int | None = 2, re_form: Any = None, rng: str = "numpy") -> pd.DataFrame:
    """Confidence intervals for the parameters of an LMM (lme4 ``confint.merMod``).

    lme4 passes its ``...`` on to ``profile()`` or ``bootMer()``; here those settings
    are keyword arguments of their own (``alphamax`` … ``prof_scale`` for
    ``method="profile"``, ``use_u`` … ``re_form`` for ``method="boot"``) and are
    ignored by the other methods, as R ignores them.

    Parameters
    ----------
    fit : LmerFit
    parm : None, int, str or sequence
        Rows to return: 0-based positions in (variance parameters, σ, fixed effects),
        names (in the ``oldNames`` convention), ``"theta_"`` (all variance parameters,
        σ included) or ``"beta_"`` (all fixed effects).  Default all.  Names that
        match nothing give lme4's warning ``Nothing selected by 'which="..."'`` and an
        empty table; a position beyond the parameters is an error (R: ``subscript out
        of bounds``).
    level : float
        Confidence level, strictly between 0 and 1 (R computes NaN or degenerate
        intervals outside; pylme raises).
    method : {"profile", "Wald", "boot"}
        Matched as R's ``match.arg`` does: ``"W"`` is ``"Wald"``, ``"prof"`` is
        ``"profile"``; ``None`` is ``"profile"``.
    zeta : pair of float, optional
        ``method="profile"`` only: ζ values to invert instead of the level's quantiles.
    nsim : int
        Bootstrap replicates (``method="boot"``), a positive integer.
    boot_type : {"perc", "basic", "norm"}
        Bootstrap interval type (lme4 ``boot.type``, matched by ``match.arg``).
    seed : optional
        Seed of the bootstrap simulations (see :func:`pylme.bootMer`).
    quiet : bool
        Suppress the "Computing ... confidence intervals ..." message.
    oldNames : bool
        ``.sig01``-style names (True) or ``sd_...|group`` names.
    alphamax : float
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    maxpts : int
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    delta : float, optional
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    delta_cutoff : float
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    verbose : int
        ``method="profile"``: print the profile's progress.
    devtol : float
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    maxmult : float
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    startmethod : {"prev", "global"}
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    optimizer : str, optional
        ``method="profile"``: see :func:`~pylme.inference.profile.profile`.
    control : dict, optional
        ``method="profile"``: optimizer settings of the profile's refits.
    prof_scale : {"sdcor", "varcov"}
        ``method="profile"``: intervals for standard deviations/correlations or for
        variances/covariances.
    use_u : bool
        ``method="boot"``: see :func:`pylme.bootMer`.
    type : {"parametric", "semiparametric"}
        ``method="boot"``: the bootstrap's kind (lme4 passes ``type`` to ``bootMer``).
    progress : bool
        ``method="boot"``: show a progress bar (lme4's default ``.progress = "none"``).
    n_jobs : int or None
        ``method="boot"``: worker processes.
    re_form : str, optional
        ``method="boot"``: see :func:`pylme.bootMer`.
    rng : {"numpy", "R"}
        ``method="boot"``: ``"R"`` draws R's random numbers in lme4's order, so the
        replicates are those of R's ``confint(fm, method = "boot", seed = seed)``.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, columns the lower and upper limits.

    Raises
    ------
    ArgumentError
        An unknown ``method``/``boot_type`` (R's ``match.arg`` text), ``level`` outside
        (0, 1), ``parm`` beyond the parameters or of a wrong type, ``nsim`` not a
        positive integer.
    """
    check_fit(fit, "confint")
    method = match_arg(method, _METHODS, "method")
    boot_type = match_arg(boot_type, _BOOT_TYPES, "boot.type")
    level = check_level(level)
    quiet = check_flag(quiet, "quiet")
    oldNames = check_flag(oldNames, "oldNames")
    if method == "boot":  # lme4 checks nsim in bootMer, after the message; pylme before any work
        nsim = check_positive_int(nsim, "nsim", "(nsim <- as.integer(nsim[1])) > 0 is not TRUE")
    z = check_zeta(zeta) if method == "profile" and zeta is not None else None
    vn = profnames(fit, signames=oldNames)
    names = vn + list(fit.fixef().index)
    chosen = list(range(len(names))) if parm is None else get_which(parm, len(vn), len(names), names, "parm")
    if not quiet and method != "Wald":
        kind = "profile" if method == "profile" else "bootstrap"
        warnings.warn(f"Computing {kind} confidence intervals ...", PylmeMessage, stacklevel=3)
    if method == "profile":
        pr = profile(fit, which=chosen, alphamax=alphamax, maxpts=maxpts, delta=delta,
                     delta_cutoff=delta_cutoff, verbose=verbose, devtol=devtol, maxmult=maxmult,
                     startmethod=startmethod, optimizer=optimizer, control=control,
                     signames=oldNames, prof_scale=prof_scale)
        return pr.confint(level=level, zeta=z)
    if method == "Wald":
        return _wald(fit, vn, level).iloc[chosen]
    table = _boot(fit, vn, level, nsim, boot_type, seed, use_u=use_u, type=type, progress=progress,
                  n_jobs=n_jobs, re_form=re_form, rng=rng)
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


def _boot(fit: "LmerFit", vn: list[str], level: float, nsim: int, boot_type: str, seed: Any, *,
          use_u: bool, type: str, progress: bool, n_jobs: int | None, re_form: Any,
          rng: str = "numpy") -> pd.DataFrame:
    from .bootstrap import bootMer  # written separately; imported only when needed

    names = vn + list(fit.fixef().index)
    bb = bootMer(fit, lambda m: boot_fun(m, vn).to_numpy(), nsim=nsim, seed=seed, use_u=use_u, type=type,
                 progress=progress, n_jobs=n_jobs, re_form=re_form, rng=rng)
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
        Confidence level, strictly between 0 and 1.
    type : {"perc", "basic", "norm"}
        boot's interval type (matched by ``match.arg``).
    names : sequence of str, optional
        Row names.

    Returns
    -------
    pandas.DataFrame
        One row per statistic, columns the lower and upper limits.
    """
    type = match_arg(type, _BOOT_TYPES, "type")
    level = check_level(level)
    try:
        t0 = np.atleast_1d(np.asarray(t0, dtype=float))
        t = np.asarray(t, dtype=float).reshape(-1, t0.size)
    except (TypeError, ValueError):
        raise DataError(f"t0 must be numbers and t an array with {np.size(t0)} columns") from None
    rows = []
    for i in range(t0.size):
        _check_not_constant(t[:, i])
        if type == "perc":
            rows.append(perc_ci(t[:, i], level))
        elif type == "basic":
            rows.append(basic_ci(t0[i], t[:, i], level))
        else:
            rows.append(norm_ci(t0[i], t[:, i], level))
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


def norm_inter(t: np.ndarray, alpha: float | Sequence[float] | np.ndarray) -> np.ndarray:
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
