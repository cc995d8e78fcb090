"""GlmerFit methods for model comparison and intervals (lme4: ``anova``, ``drop1``,
``profile``, ``confint`` for glmerMod).

Each method has the full signature of the function that does the work, which is
imported only when the method is called:

* ``anova``, ``drop1``: :func:`pylme.inference.anova.anova` / ``drop1`` (lmer's code:
  lme4 runs the same ``anova.merMod``/``drop1.merMod`` for both kinds of fit);
* ``profile``: :func:`pylme.inference.glmm_profile.glmm_profile`;
* ``confint``: :func:`pylme.inference.glmm_confint.glmm_confint`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    import pandas as pd

    from ..inference.anova import AnovaResult
    from ..inference.profile import Profile

__all__ = ["GlmerInferenceMethods"]


class GlmerInferenceMethods:
    """lme4's inference methods for glmer fits, mixed into :class:`pylme.results.glmer_model.GlmerFit`."""

    __slots__ = ()

    def anova(self, *others: Any, refit: bool = True, model_names: Sequence[str] | None = None,
              names: Sequence[str] | None = None, **named_models: Any) -> "AnovaResult":
        """lme4 ``anova.merMod``: the sequential table of this model, or its likelihood-ratio
        comparison with other fits.

        With other models: columns ``npar AIC BIC logLik deviance Chisq Df Pr(>Chisq)``
        (deviance = −2ℓ on each fit's own scale), rows ordered by ``npar``; glmer fits
        are never refitted, REML lmer fits among them are refitted by ML (lme4's
        message).  Alone: lme4's sequential table with σ = 1 (binomial, Poisson):
        ``npar Sum Sq Mean Sq F value`` from ``R_X β̂``.

        Parameters
        ----------
        *others : GlmerFit or LmerFit
            Models to compare with this one.
        refit : bool
            Refit REML lmer fits by ML first (lme4's default).
        model_names : sequence of str, optional
            lme4's ``model.names``: row labels, this model first.
        names : sequence of str, optional
            The same as ``model_names``.
        **named_models : GlmerFit or LmerFit
            Models given by keyword, labelled by the keyword (this model is ``"m1"``).

        Returns
        -------
        AnovaResult
            ``str()`` of it is R's printed table.
        """
        from ..inference.anova import anova

        return anova(self, *others, refit=refit, model_names=model_names, names=names,  # type: ignore[arg-type]
                     **named_models)

    def drop1(self, scope: Sequence[str] | None = None, test: str | None = None,
              k: float = 2) -> "AnovaResult":
        """Single-term deletions (lme4 ``drop1.merMod``): ``glmer`` re-run without each term.

        Parameters
        ----------
        scope : str or sequence of str, optional
            Term labels to drop, or a one-sided formula text (default: R's ``drop.scope``).
        test : {None, "none", "Chisq"}
            ``"Chisq"`` adds likelihood-ratio tests (``LRT``, ``Pr(Chi)``).
        k : float
            The AIC penalty per parameter.

        Returns
        -------
        AnovaResult
        """
        from ..inference.anova import drop1

        return drop1(self, scope=scope, test=test, k=k)  # type: ignore[arg-type]

    def profile(self, which: Any = None, alphamax: float = 0.01, maxpts: int = 100,
                delta: float | None = None, delta_cutoff: float = 1 / 8, verbose: int = 0,
                devtol: float = 1e-9, maxmult: float = 10, startmethod: str = "prev",
                optimizer: str | None = None, control: Mapping[str, float] | None = None,
                signames: bool = True, prof_scale: str = "sdcor") -> "Profile":
        """Likelihood profiles of every parameter (lme4 ``profile.merMod`` for a GLMM); see
        :func:`pylme.inference.glmm_profile.glmm_profile`.

        Parameters
        ----------
        which : None, int, str or sequence
            Parameters to profile: 0-based positions in (variance parameters, fixed
            effects), names, ``"theta_"`` or ``"beta_"``.
        alphamax : float
            Profiling stops beyond ``|ζ| = sqrt(qchisq(1 − alphamax, #parameters))``.
        maxpts : int
            Rows per direction and parameter, at most.
        delta : float, optional
            Target ζ step (default ``cutoff·delta_cutoff``).
        delta_cutoff : float
            Target ζ step as a fraction of the cutoff.
        verbose : int
            Print progress.
        devtol : float
            A deviance below the optimum by more than this is an error.
        maxmult : float
            A step is at most ``maxmult`` times the previous one.
        startmethod : {"prev", "global"}
            Start each fit at the previous point's estimates or at the optimum.
        optimizer : str, optional
            Default: the fit's second-stage optimizer (lme4's Nelder–Mead).
        control : dict, optional
            Optimizer settings overriding the fit's.
        signames : bool
            ``.sig01``-style names (True) or ``sd_(Intercept)|herd`` names.
        prof_scale : {"sdcor", "varcov"}
            Profile standard deviations/correlations or variances/covariances.

        Returns
        -------
        Profile
        """
        from ..inference.glmm_profile import glmm_profile

        return glmm_profile(self, which=which, alphamax=alphamax, maxpts=maxpts,  # type: ignore[arg-type]
                            delta=delta, delta_cutoff=delta_cutoff, verbose=verbose, devtol=devtol,
                            maxmult=maxmult, startmethod=startmethod, optimizer=optimizer, control=control,
                            signames=signames, prof_scale=prof_scale)

    def confint(self, parm: Any = None, level: float = 0.95, method: str = "profile",
                zeta: Sequence[float] | None = None, nsim: int = 500, boot_type: str = "perc",
                seed: Any = None, quiet: bool = False, oldNames: bool = True, *,
                alphamax: float = 0.01, maxpts: int = 100, delta: float | None = None,
                delta_cutoff: float = 1 / 8, verbose: int = 0, devtol: float = 1e-9, maxmult: float = 10,
                startmethod: str = "prev", optimizer: str | None = None,
                control: Mapping[str, float] | None = None, prof_scale: str = "sdcor",
                use_u: bool = False, type: str = "parametric", progress: bool = False,
                n_jobs: int | None = 2, re_form: Any = None, rng: str = "numpy") -> "pd.DataFrame":
        """Confidence intervals (lme4 ``confint.merMod``); see
        :func:`pylme.inference.glmm_confint.glmm_confint`.

        Parameters
        ----------
        parm : None, int, str or sequence
            Rows: 0-based positions, names, ``"theta_"`` or ``"beta_"``.
        level : float
            Confidence level, strictly between 0 and 1.
        method : {"profile", "Wald", "boot"}
            Matched as R's ``match.arg``.
        zeta : pair of float, optional
            Profile: ζ values to invert instead of the level's quantiles.
        nsim : int
            Bootstrap: number of replicates.
        boot_type : {"perc", "basic", "norm"}
            Bootstrap: interval type.
        seed : optional
            Bootstrap: seed of the simulations.
        quiet : bool
            Suppress the "Computing ... confidence intervals ..." message.
        oldNames : bool
            ``.sig01``-style names (True) or ``sd_(Intercept)|herd`` names.
        alphamax : float
            Profile setting (see :meth:`profile`).
        maxpts : int
            Profile setting (see :meth:`profile`).
        delta : float, optional
            Profile setting (see :meth:`profile`).
        delta_cutoff : float
            Profile setting (see :meth:`profile`).
        verbose : int
            Profile setting (see :meth:`profile`).
        devtol : float
            Profile setting (see :meth:`profile`).
        maxmult : float
            Profile setting (see :meth:`profile`).
        startmethod : {"prev", "global"}
            Profile setting (see :meth:`profile`).
        optimizer : str, optional
            Profile setting (see :meth:`profile`).
        control : dict, optional
            Profile setting (see :meth:`profile`).
        prof_scale : {"sdcor", "varcov"}
            Profile setting (see :meth:`profile`).
        use_u : bool
            Bootstrap setting (see :meth:`bootMer`).
        type : {"parametric", "semiparametric"}
            Bootstrap setting (see :meth:`bootMer`).
        progress : bool
            Bootstrap setting (see :meth:`bootMer`).
        n_jobs : int or None
            Bootstrap setting (see :meth:`bootMer`).
        re_form : str, optional
            Bootstrap setting (see :meth:`bootMer`).
        rng : {"numpy", "R"}
            Bootstrap setting (see :meth:`bootMer`).

        Returns
        -------
        pandas.DataFrame
        """
        from ..inference.glmm_confint import glmm_confint

        return glmm_confint(self, parm=parm, level=level, method=method, zeta=zeta,  # type: ignore[arg-type]
                            nsim=nsim, boot_type=boot_type, seed=seed, quiet=quiet, oldNames=oldNames,
                            alphamax=alphamax, maxpts=maxpts, delta=delta, delta_cutoff=delta_cutoff,
                            verbose=verbose, devtol=devtol, maxmult=maxmult, startmethod=startmethod,
                            optimizer=optimizer, control=control, prof_scale=prof_scale, use_u=use_u, type=type,
                            progress=progress, n_jobs=n_jobs, re_form=re_form, rng=rng)
