"""Confidence intervals of a generalized linear mixed model (lme4: ``confint.merMod`` for a
``glmerMod``).

Rows are lme4's: the standard deviations/correlations of the random effects (``.sig01``
... or ``sd_(Intercept)|herd`` ...; ``.sigma``/``sigma`` too for families with a scale)
then the fixed effects.

* ``"profile"``: inverts glmer's likelihood profile (:func:`.glmm_profile.glmm_profile`),
  after lme4's message ``Computing profile confidence intervals ...``;
* ``"Wald"`` and ``"boot"``: :func:`pylme.results.glmer_predict.wald_confint` and
  :func:`pylme.results.glmer_predict.boot_confint`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..errors import PylmeMessage
from .checks import check_flag, check_level, check_positive_int, match_arg
from .profile import check_zeta, format_perc, get_which
from .sdcor import profnames

if TYPE_CHECKING:
    import pandas as pd

    from ..results.glmer_model import GlmerFit

__all__ = ["glmm_confint", "glmm_parameter_names"]

_METHODS = ("profile", "Wald", "boot")
_BOOT_TYPES = ("perc", "basic", "norm")


def glmm_parameter_names(fit: "GlmerFit", oldNames: bool = True) -> tuple[list[str], list[str]]:
    """(variance-parameter names, all names) as lme4's ``confint.merMod`` makes them
    (``profnames(fit, oldNames, useSc)``: σ only for families with a scale)."""
    vn = profnames(fit, signames=oldNames)  # type: ignore[arg-type]
    if not fit.use_sc:
        vn = vn[:-1]
    return vn, vn + list(fit.inputs.X_columns)


def pr_empty(level: float | None) -> "pd.DataFrame":
    """The table of ``confint`` when ``parm`` selects nothing (no rows, R's columns)."""
    import numpy as np
    import pandas as pd

    if level is None:  # zeta given: R's unnamed columns
        return pd.DataFrame(np.empty((0, 2)), columns=pd.RangeIndex(2))
    a = (1 - level) / 2
    return pd.DataFrame(np.empty((0, 2)), columns=format_perc([a, 1 - a]))


def glmm_confint(fit: "GlmerFit", parm: Any = None, level: float = 0.95, method: str = "profile",
                 zeta: Sequence[float] | None = None, nsim: int = 500, boot_type: str = "perc",
                 seed: Any = None, quiet: bool = False, oldNames: bool = True, *,
                 alphamax: float = 0.01, maxpts: int = 100, delta: float | None = None,
                 delta_cutoff: float = 1 / 8, verbose: int = 0, devtol: float = 1e-9, maxmult: float = 10,
                 startmethod: str = "prev", optimizer: str | None = None,
                 control: Mapping[str, float] | None = None, prof_scale: str = "sdcor",
                 use_u: bool = False, type: str = "parametric", progress: bool = False,
                 n_jobs: int | None = 2, re_form: Any = None, rng: str = "numpy") -> "pd.DataFrame":
    """Confidence intervals for the parameters of a GLMM (lme4 ``confint.merMod``).

    Parameters
    ----------
    fit : GlmerFit
    parm : None, int, str or sequence
        Rows: 0-based positions in (variance parameters, fixed effects), names (in the
        ``oldNames`` convention), ``"theta_"`` or ``"beta_"``.  Default all.
    level : float
        Confidence level, strictly between 0 and 1.
    method : {"profile", "Wald", "boot"}
        Matched as R's ``match.arg``.
    zeta : pair of float, optional
        ``method="profile"``: ζ values to invert instead of the level's quantiles.
    nsim : int
        ``method="boot"``: replicates.
    boot_type : {"perc", "basic", "norm"}
        ``method="boot"``: interval type.
    seed : optional
        ``method="boot"``: seed of the simulations.
    quiet : bool
        Suppress the "Computing ... confidence intervals ..." message.
    oldNames : bool
        ``.sig01``-style names (True) or ``sd_(Intercept)|herd`` names.
    alphamax, maxpts, delta, delta_cutoff, verbose, devtol, maxmult, startmethod, optimizer, control, prof_scale
        ``method="profile"``: see :func:`~pylme.inference.glmm_profile.glmm_profile`.
    use_u : bool
        ``method="boot"``: condition the simulations on the fitted random effects.
    type : {"parametric", "semiparametric"}
        ``method="boot"``: the bootstrap's kind (only parametric for GLMMs).
    progress : bool
        ``method="boot"``: show a progress bar.
    n_jobs : int or None
        ``method="boot"``: worker processes.
    re_form : str, optional
        ``method="boot"``: random-effects terms to condition the simulations on.
    rng : {"numpy", "R"}
        ``method="boot"``: ``"R"`` draws R's random numbers in lme4's order.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, columns ``"2.5 %"``, ``"97.5 %"``.

    Raises
    ------
    ArgumentError
        An unknown ``method``/``boot_type``, ``level`` outside (0, 1), a bad ``parm``.
    ModelSpecError
        ``method="profile"`` for a family with a scale parameter (lme4's error, after
        the message).
    """
    method = match_arg(method, _METHODS, "method")
    boot_type = match_arg(boot_type, _BOOT_TYPES, "boot.type")
    level = check_level(level)
    quiet = check_flag(quiet, "quiet")
    oldNames = check_flag(oldNames, "oldNames")
    if method == "boot":
        nsim = check_positive_int(nsim, "nsim", "(nsim <- as.integer(nsim[1])) > 0 is not TRUE")
    z = check_zeta(zeta) if method == "profile" and zeta is not None else None
    vn, names = glmm_parameter_names(fit, oldNames)
    chosen = None if parm is None else get_which(parm, len(vn), len(names), names, "parm")
    if not quiet and method != "Wald":
        kind = "profile" if method == "profile" else "bootstrap"
        warnings.warn(f"Computing {kind} confidence intervals ...", PylmeMessage, stacklevel=3)
    if method == "profile":
        from .glmm_profile import glmm_profile

        if chosen == []:  # nothing selected (get_which has warned): R's 0-row table, no profiling
            return pr_empty(level if z is None else None)

        pr = glmm_profile(fit, which=chosen, alphamax=alphamax, maxpts=maxpts, delta=delta,
                          delta_cutoff=delta_cutoff, verbose=verbose, devtol=devtol, maxmult=maxmult,
                          startmethod=startmethod, optimizer=optimizer, control=control, signames=oldNames,
                          prof_scale=prof_scale)
        return pr.confint(level=level, zeta=z)
    from ..results import glmer_predict  # written separately; imported only when needed

    if method == "Wald":
        return glmer_predict.wald_confint(fit, parm=parm, level=level, oldNames=oldNames)
    # the message is said above, as lme4 says it: before the bootstrap
    return glmer_predict.boot_confint(fit, parm=parm, level=level, nsim=nsim, boot_type=boot_type, seed=seed,
                                      quiet=True, oldNames=oldNames, use_u=use_u, type=type, progress=progress,
                                      n_jobs=n_jobs, re_form=re_form, rng=rng)
