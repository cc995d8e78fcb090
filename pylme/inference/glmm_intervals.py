"""Parametric bootstrap and Wald/bootstrap intervals of a GLMM (lme4 1.1-31: ``bootMer``,
the ``"Wald"`` and ``"boot"`` branches of ``confint.merMod`` for a ``glmerMod``).

* :func:`glmer_bootMer` is lmer's bootstrap (:mod:`pylme.inference.bootstrap`: chunks,
  worker processes, per-replicate seed streams, lme4's tables of messages) with the GLMM
  sampler of :mod:`.glmm_simulate` and :meth:`GlmerFit.refit` per replicate.
* :func:`wald_confint`: NaN rows for the variance parameters (and σ for families with a
  scale), ``β̂ ± qnorm(a)·SE`` with the fit's standard errors (the finite-difference
  Hessian's, lme4's default for glmer).
* :func:`boot_confint`: lme4's statistic for a GLMM — the standard deviations and
  correlations of ``T_i T_iᵀ`` (*not* scaled by σ), then σ for families with a scale,
  then β̂ — bootstrapped, then boot's percentile/basic/normal intervals (lmer's
  :func:`pylme.inference.confint.boot_confint`).

The ``profile`` method of ``confint`` for GLMMs lives in
:mod:`pylme.results.glmer_inference`, which dispatches the other two methods here.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..errors import ArgumentError, DataError, PylmeMessage, PylmeWarning
from ..frozen import FrozenMap
from .bootstrap import BootResult, _call_text, _fork_context, _is_all_cpus, _Job, _positive, _run_all, _statistic, \
    _table, draw_all_r
from .checks import check_flag, check_level, check_positive_int, match_arg
from .confint import _say_boot_warnings
from .confint import boot_confint as _boot_table
from .glmm_simulate import glmm_sampler
from .profile import format_perc, get_which
from .sdcor import cv_to_sv, profnames, term_sizes
from .simulate import as_seed_sequence, check_rng, r_stream, seed_value

if TYPE_CHECKING:
    from ..results.glmer_model import GlmerFit

__all__ = ["glmer_bootMer", "wald_confint", "boot_confint", "variance_names", "GlmmBootStatistic"]

_TYPES = ("parametric", "semiparametric")
_BOOT_TYPES = ("perc", "basic", "norm")


def variance_names(fit: "GlmerFit", oldNames: bool = True) -> list[str]:
    """Names of the variance parameters (lme4 ``profnames(, useSc = useSc)``): ``.sig01, ...``
    and ``.sigma`` only for families with a scale."""
    names = profnames(fit, signames=oldNames)
    return names if fit.use_sc else names[:-1]


def _rows(fit: "GlmerFit", parm: Any, oldNames: bool) -> tuple[list[str], list[str], list[int]]:
    vn = variance_names(fit, oldNames)
    names = vn + list(fit.fixef().index)
    chosen = list(range(len(names))) if parm is None else get_which(parm, len(vn), len(names), names, "parm")
    return vn, names, chosen


# --- the bootstrap ---------------------------------------------------------------------------------


def glmer_bootMer(fit: "GlmerFit", func: Callable[["GlmerFit"], Any], nsim: int = 1, seed: Any = None,
                  use_u: bool = False, type: str = "parametric", progress: bool = True,
                  n_jobs: int | None = 2, re_form: Any = None, rng: str = "numpy") -> BootResult:
    """Parametric bootstrap of a statistic of a GLMM (lme4 ``bootMer``).

    Replicate ``i`` refits the fit (:meth:`GlmerFit.refit`) to the response of column
    ``sim_<i+1>`` of ``fit.simulate(nsim, seed=seed, use_u=use_u, re_form=re_form)`` and
    evaluates ``func`` on it; failed replicates give NaN rows and are counted.

    Parameters
    ----------
    fit : GlmerFit
    func : callable
        ``func(fitted_model)`` returns a number, a vector, a pandas Series or a dict of
        numbers (lme4 ``FUN``), e.g. ``lambda m: m.fixef()``.
    nsim : int
        Number of replicates.
    seed : int, SeedSequence, Generator or None
        Seed of the simulations (numpy's streams, not R's).
    use_u : bool
        Condition on the fitted random effects.
    type : {"parametric", "semiparametric"}
        Only ``"parametric"`` for GLMMs (see Raises); matched by R's ``match.arg``.
    progress : bool
        Show a progress bar.
    n_jobs : int or None
        Worker processes (None or -1: all CPUs).  Where processes cannot be forked the
        replicates run in this process.
    re_form : str, optional
        Random-effects terms to condition on instead of ``use_u``.
    rng : {"numpy", "R"}
        ``"R"``: after R's ``set.seed(seed)`` (rrandom's global stream) and ``func(fit)``,
        all responses are drawn as lme4's ``simulate(x, nsim)`` draws them, then refitted:
        the replicates of R's ``bootMer(gm, FUN, nsim, seed = seed)``.

    Returns
    -------
    BootResult

    Raises
    ------
    ArgumentError
        ``func`` not callable, an unknown ``type``, non-logical flags.
    DataError
        ``nsim``/``n_jobs`` not positive integers; ``type="semiparametric"``: lme4 adds
        resampled response residuals ``y − μ`` to μ, which is not a response a GLMM
        family accepts (binomial counts, Poisson counts), so pylme refuses it.

    Warns
    -----
    PylmeWarning
        ``some bootstrap runs failed (k/nsim)``.
    """
    if not callable(func):
        raise ArgumentError(f"'func' must be a function of the fitted model, got {func!r}")
    nsim = _positive(nsim, "nsim")
    n_jobs = (os.cpu_count() or 1) if _is_all_cpus(n_jobs) else _positive(n_jobs, "n_jobs")
    kind = match_arg(type, _TYPES, "type")
    use_u = check_flag(use_u, "use_u")
    progress = check_flag(progress, "progress")
    if kind == "semiparametric":
        raise DataError("semiparametric bootstrapping is not available for GLMMs in pylme: lme4 adds resampled "
                        "response residuals to the fitted means, which gives responses the family cannot take")
    drawn = None
    if check_rng(rng) == "R":
        stream = r_stream(seed)  # lme4: set.seed(seed), FUN(x), then one simulate(x, nsim)
        root = as_seed_sequence(0)  # unused: the responses are drawn here
        t0, names = _statistic(func(fit))
        sampler = glmm_sampler(fit, use_u=use_u, re_form=re_form)
        drawn = draw_all_r(sampler, stream, nsim)
    else:
        root = as_seed_sequence(seed)
        t0, names = _statistic(func(fit))
        sampler = glmm_sampler(fit, use_u=use_u, re_form=re_form)
    if _fork_context() is None:
        n_jobs = 1  # spawned workers rebuild lmer fits only; a GLMM's replicates stay here
    chunks = _run_all(_Job(fit, func, sampler, root, t0.size, drawn), nsim, min(n_jobs, nsim), progress)
    t = np.full((nsim, t0.size), np.nan)
    for chunk in chunks:
        t[chunk.start:chunk.start + chunk.values.shape[0]] = chunk.values
    tables = [_table([text for c in chunks for text in getattr(c, k)]) for k in ("messages", "warnings", "errors")]
    failed = sum(count for _, count in tables[2])
    if failed:
        warnings.warn(f"some bootstrap runs failed ({failed}/{nsim})", PylmeWarning, stacklevel=2)
    return BootResult(
        t0=t0, t=t, R=nsim, seed=seed if drawn is not None else seed_value(root),
        statistic_names=names or tuple(f"t{j + 1}" for j in range(t0.size)), sim=kind,
        mle=FrozenMap({"beta": fit.beta, "theta": fit.theta, "sigma": fit.sigma}),
        messages=tables[0], warnings=tables[1], errors=tables[2],
        call=_call_text(func, nsim, seed, use_u, kind))


class GlmmBootStatistic:
    """lme4's ``bootFun`` of ``confint(method = "boot")`` for a GLMM (picklable).

    ``Cv_to_Sv(θ)`` (standard deviations and correlations of ``T_i T_iᵀ``, no σ scaling),
    then σ for families with a scale, then the fixed effects.

    Parameters
    ----------
    names : sequence of str, optional
        Names of the variance parameters (default ``.sig01, ...``).
    """

    def __init__(self, names: list[str] | None = None):
        self.names = names

    def __call__(self, fit: "GlmerFit") -> pd.Series:
        sd = cv_to_sv(fit.theta, term_sizes(fit))
        values = np.concatenate([sd, [fit.sigma] if fit.use_sc else [], fit.beta])
        index = (list(self.names) if self.names is not None else variance_names(fit)) + list(fit.fixef().index)
        return pd.Series(values, index=index)


# --- intervals ---------------------------------------------------------------------------------------


def wald_confint(fit: "GlmerFit", parm: Any = None, level: float = 0.95, oldNames: bool = True) -> pd.DataFrame:
    """Wald intervals of a GLMM (lme4 ``confint.merMod(method = "Wald")``).

    Parameters
    ----------
    fit : GlmerFit
    parm : None, int, str or sequence
        Rows (lme4 ``get.which``): 0-based positions in (variance parameters, fixed
        effects), names, ``"theta_"`` or ``"beta_"``; default all.
    level : float
        Confidence level, strictly between 0 and 1.
    oldNames : bool
        ``.sig01``-style names (True) or ``sd_(Intercept)|herd`` names.

    Returns
    -------
    pandas.DataFrame
        Rows ``.sig01, ...`` (``.sigma`` for families with a scale) with NaN, then
        ``β̂ ± qnorm(a)·SE``; columns ``"2.5 %"``, ``"97.5 %"`` (lme4's ``format.perc``).

    Raises
    ------
    ArgumentError
        ``level`` outside (0, 1), a ``parm`` beyond the parameters.
    """
    level = check_level(level)
    oldNames = check_flag(oldNames, "oldNames")
    vn, names, chosen = _rows(fit, parm, oldNames)
    a = (1 - level) / 2
    probs = np.array([a, 1 - a])
    beta = fit.fixef().to_numpy()
    se = np.sqrt(np.diagonal(fit.vcov().to_numpy()))
    fixed = beta[:, None] + se[:, None] * norm.ppf(probs)[None, :]
    values = np.vstack([np.full((len(vn), 2), np.nan), fixed])
    return pd.DataFrame(values, index=names, columns=format_perc(probs)).iloc[chosen]


def boot_confint(fit: "GlmerFit", parm: Any = None, level: float = 0.95, nsim: int = 500, boot_type: str = "perc",
                 seed: Any = None, quiet: bool = True, oldNames: bool = True, *, use_u: bool = False,
                 type: str = "parametric", progress: bool = False, n_jobs: int | None = 2,
                 re_form: Any = None, rng: str = "numpy") -> pd.DataFrame:
    """Parametric-bootstrap intervals of a GLMM (lme4 ``confint.merMod(method = "boot")``).

    Parameters
    ----------
    fit : GlmerFit
    parm : None, int, str or sequence
        Rows, as for :func:`wald_confint`.
    level : float
        Confidence level, strictly between 0 and 1.
    nsim : int
        Bootstrap replicates.
    boot_type : {"perc", "basic", "norm"}
        boot's interval type (lme4 ``boot.type``).
    seed : optional
        Seed of the simulations (see :func:`glmer_bootMer`).
    quiet : bool
        Suppress lme4's message ``Computing bootstrap confidence intervals ...``.  The
        default True suits ``GlmerFit.confint(method="boot")``, which emits it itself
        before dispatching here; pass False to have it emitted here.
    oldNames : bool
        ``.sig01``-style names (True) or ``sd_(Intercept)|herd`` names.
    use_u : bool
        See :func:`glmer_bootMer`.
    type : {"parametric", "semiparametric"}
        See :func:`glmer_bootMer`.
    progress : bool
        Show a progress bar.
    n_jobs : int or None
        Worker processes.
    re_form : str, optional
        See :func:`glmer_bootMer`.
    rng : {"numpy", "R"}
        ``"R"``: R's random numbers in lme4's order (see :func:`glmer_bootMer`).

    Returns
    -------
    pandas.DataFrame
        One row per parameter (standard deviations/correlations of the random effects,
        σ for families with a scale, fixed effects).

    Raises
    ------
    ArgumentError
        Invalid ``level``, ``boot_type``, ``nsim`` or ``parm``.
    DataError
        ``*all* bootstrap runs failed!`` (lme4's text).
    """
    boot_type = match_arg(boot_type, _BOOT_TYPES, "boot.type")
    level = check_level(level)
    quiet = check_flag(quiet, "quiet")
    oldNames = check_flag(oldNames, "oldNames")
    nsim = check_positive_int(nsim, "nsim", "(nsim <- as.integer(nsim[1])) > 0 is not TRUE")
    vn, names, chosen = _rows(fit, parm, oldNames)
    if not quiet:
        warnings.warn("Computing bootstrap confidence intervals ...", PylmeMessage, stacklevel=3)
    bb = glmer_bootMer(fit, GlmmBootStatistic(vn), nsim=nsim, seed=seed, use_u=use_u, type=type,
                       progress=progress, n_jobs=n_jobs, re_form=re_form, rng=rng)
    t = np.asarray(bb.t, dtype=float).reshape(nsim, -1)
    if np.all(np.isnan(t)):
        raise DataError("*all* bootstrap runs failed!")
    _say_boot_warnings(bb)
    table = _boot_table(np.asarray(bb.t0, dtype=float), t, level=level, type=boot_type, names=names)
    return table if parm is None else table.iloc[chosen]
