"""The inference methods of :class:`~pylme.results.model.LmerFit` (lme4's S3 methods on
``merMod``: ``anova``, ``drop1``, ``confint``, ``profile``, ``predict``, ``simulate``,
``update``).

Each method has the full signature of the function in :mod:`pylme.inference` that does
the work (``tests/meta/test_public_api_docs.py`` checks that they agree), so that
``help(fit.confint)`` and editors show every argument; the work itself is imported only
when a method is called, which keeps ``import pylme`` light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence, cast

from ..inference.update import UNCHANGED  # the sentinel "keep the call's value" (formula-stage imports only)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ..inference.anova import AnovaResult
    from ..inference.profile import Profile
    from .model import LmerFit

__all__ = ["InferenceMethods"]


class InferenceMethods:
    """lme4's inference methods, mixed into :class:`~pylme.results.model.LmerFit`."""

    __slots__ = ()

    def anova(self, *others: "LmerFit", refit: bool = True,
              model_names: Sequence[str] | None = None, names: Sequence[str] | None = None,
              ddf: str | None = None, type: Any = None, **named_models: "LmerFit") -> "AnovaResult":
        """Analysis-of-variance table of this model, or its comparison with others (lme4
        ``anova.merMod``; lmerTest's ``anova`` with ``ddf``).  See :func:`pylme.anova`.

        Parameters
        ----------
        *others : LmerFit
            Models to compare with this one (lme4's likelihood-ratio table).
        refit : bool
            Refit REML models by ML before comparing them (lme4's default).
        model_names : sequence of str, optional
            lme4's ``model.names``: row labels, this model first.
        names : sequence of str, optional
            The same as ``model_names``.
        ddf : {None, "lme4", "Satterthwaite", "Kenward-Roger"}
            One model only: lme4's sequential F table or lmerTest's F tests.
        type : {3, 2, 1, "III", "II", "I", "marginal"}, optional
            lmerTest's hypothesis type (with ``ddf``).
        **named_models : LmerFit
            Models given by keyword, labelled by the keyword (this model is ``"m1"``).

        Returns
        -------
        AnovaResult
        """
        from ..inference.anova import anova

        fit = cast("LmerFit", self)
        return anova(fit, *others, refit=refit, model_names=model_names, names=names, ddf=ddf, type=type,
                     **named_models)

    def drop1(self, scope: Sequence[str] | None = None, test: str | None = None,
              k: float = 2) -> "AnovaResult":
        """Single-term deletions (lme4 ``drop1.merMod``); see :func:`pylme.inference.anova.drop1`.

        Parameters
        ----------
        scope : str or sequence of str, optional
            Term labels to drop, or a one-sided formula text (default: R's ``drop.scope``).
        test : {None, "none", "Chisq"}
            ``"Chisq"`` adds likelihood-ratio tests.
        k : float
            The AIC penalty per parameter.

        Returns
        -------
        AnovaResult
        """
        from ..inference.anova import drop1

        fit = cast("LmerFit", self)
        return drop1(fit, scope=scope, test=test, k=k)

    def confint(self, parm: Any = None, level: float = 0.95, method: str = "profile",
                zeta: Sequence[float] | None = None, nsim: int = 500, boot_type: str = "perc",
                seed: Any = None, quiet: bool = False, oldNames: bool = True, *,
                alphamax: float = 0.01, maxpts: int = 100, delta: float | None = None,
                delta_cutoff: float = 1 / 8, verbose: int = 0, devtol: float = 1e-9, maxmult: float = 10,
                startmethod: str = "prev", optimizer: str | None = None,
                control: Mapping[str, float] | None = None, prof_scale: str = "sdcor",
                use_u: bool = False, type: str = "parametric", progress: bool = False,
                n_jobs: int | None = 2, re_form: Any = None, rng: str = "numpy") -> "pd.DataFrame":
        """Confidence intervals (lme4 ``confint.merMod``); see :func:`pylme.inference.confint.confint`.

        Parameters
        ----------
        parm : None, int, str or sequence
            Rows: 0-based positions, names, ``"theta_"`` or ``"beta_"``.
        level : float
            Confidence level, strictly between 0 and 1.
        method : {"profile", "Wald", "boot"}
            Matched as R's ``match.arg`` (``"W"`` is ``"Wald"``).
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
            ``.sig01``-style names (True) or ``sd_...|group`` names.
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
            Bootstrap setting (see :func:`pylme.bootMer`).
        type : {"parametric", "semiparametric"}
            Bootstrap setting (see :func:`pylme.bootMer`).
        progress : bool
            Bootstrap setting (see :func:`pylme.bootMer`).
        n_jobs : int or None
            Bootstrap setting (see :func:`pylme.bootMer`).
        re_form : str, optional
            Bootstrap setting (see :func:`pylme.bootMer`).
        rng : {"numpy", "R"}
            Bootstrap setting: ``"R"`` draws R's random numbers in lme4's order, as R's
            ``confint(fm, method = "boot", nsim = nsim, seed = seed)``.

        Returns
        -------
        pandas.DataFrame
        """
        from ..inference.confint import confint

        fit = cast("LmerFit", self)
        return confint(fit, parm=parm, level=level, method=method, zeta=zeta, nsim=nsim, boot_type=boot_type,
                       seed=seed, quiet=quiet, oldNames=oldNames, alphamax=alphamax, maxpts=maxpts,
                       delta=delta, delta_cutoff=delta_cutoff, verbose=verbose, devtol=devtol,
                       maxmult=maxmult, startmethod=startmethod, optimizer=optimizer, control=control,
                       prof_scale=prof_scale, use_u=use_u, type=type, progress=progress, n_jobs=n_jobs,
                       re_form=re_form, rng=rng)

    def profile(self, which: Any = None, alphamax: float = 0.01, maxpts: int = 100,
                delta: float | None = None, delta_cutoff: float = 1 / 8, verbose: int = 0,
                devtol: float = 1e-9, maxmult: float = 10, startmethod: str = "prev",
                optimizer: str | None = None, control: Mapping[str, float] | None = None,
                signames: bool = True, prof_scale: str = "sdcor") -> "Profile":
        """Likelihood profiles of the parameters (lme4 ``profile.merMod``); see
        :func:`pylme.inference.profile.profile`.

        Parameters
        ----------
        which : None, int, str or sequence
            Parameters to profile: 0-based positions, names, ``"theta_"`` or ``"beta_"``.
        alphamax : float
            Profiling stops beyond ``|ζ| = sqrt(qchisq(1 − alphamax, #parameters))``.
        maxpts : int
            Rows per direction and parameter, at most.
        delta : float, optional
            Target ζ step (default ``cutoff·delta_cutoff``).
        delta_cutoff : float
            Target ζ step as a fraction of the cutoff.
        verbose : int
            Print progress as lme4 does.
        devtol : float
            A deviance below the optimum by more than this is an error.
        maxmult : float
            A step is at most ``maxmult`` times the previous one.
        startmethod : {"prev", "global"}
            Start each fit at the previous point's estimates or at the optimum.
        optimizer : str, optional
            Default: the fit's optimizer.
        control : dict, optional
            Optimizer settings overriding the fit's.
        signames : bool
            ``.sig01``-style names (True) or ``sd_...|group`` names.
        prof_scale : {"sdcor", "varcov"}
            Profile standard deviations/correlations or variances/covariances.

        Returns
        -------
        Profile
        """
        from ..inference.profile import profile

        fit = cast("LmerFit", self)
        return profile(fit, which=which, alphamax=alphamax, maxpts=maxpts, delta=delta,
                       delta_cutoff=delta_cutoff, verbose=verbose, devtol=devtol, maxmult=maxmult,
                       startmethod=startmethod, optimizer=optimizer, control=control, signames=signames,
                       prof_scale=prof_scale)

    def predict(self, newdata: Any = None, re_form: Any = None, allow_new_levels: bool = False,
                na_action: str | None = None, *, type: str = "link", ReForm: Any = None, REForm: Any = None,
                REform: Any = None) -> Any:
        """Predictions, with or without random effects (lme4 ``predict.merMod``); see
        :func:`pylme.inference.predict.predict`.

        Parameters
        ----------
        newdata : pandas.DataFrame or mapping, optional
            Data to predict for (default: the fit's data).
        re_form : None, str, Formula or NaN
            Random-effects terms to include (``None``: all; ``"~0"`` or NaN: none).
        allow_new_levels : bool
            Give unseen levels b = 0 instead of lme4's error.
        na_action : {"pass", "omit", "exclude", "fail"}, optional
            Handling of rows of ``newdata`` with missing fixed-effects variables.
        type : {"link", "response"}
            lme4's scale of the predictions (the same for an LMM).
        ReForm, REForm, REform : optional
            lme4's deprecated spellings of ``re_form``.

        Returns
        -------
        pandas.Series or numpy.ndarray
            The predictions (see :func:`pylme.inference.predict.predict`).
        """
        from ..inference.predict import predict

        fit = cast("LmerFit", self)
        return predict(fit, newdata=newdata, re_form=re_form, allow_new_levels=allow_new_levels,
                       na_action=na_action, type=type, ReForm=ReForm, REForm=REForm, REform=REform)

    def simulate(self, nsim: int = 1, seed: Any = None, use_u: bool = False, newdata: Any = None,
                 re_form: Any = None, allow_new_levels: bool = False, rng: str = "numpy") -> "pd.DataFrame":
        """Responses simulated from the fitted model (lme4 ``simulate.merMod``); see
        :func:`pylme.inference.simulate.simulate`.

        Parameters
        ----------
        nsim : int
            Number of responses, a positive integer.
        seed : int, SeedSequence, Generator or None
            Seed of the draws (numpy's, not R's, unless ``rng="R"``: then R's ``set.seed``).
        use_u : bool
            Condition on the fitted random effects.
        newdata : pandas.DataFrame, optional
            Simulate for these rows instead of the fitted ones.
        re_form : str or Formula, optional
            Random-effects terms to condition on.
        allow_new_levels : bool
            Accept levels of ``newdata`` the fit never saw.
        rng : {"numpy", "R"}
            ``"R"``: R's draws in lme4's order (:mod:`pylme.rrandom`); ``seed=None`` then
            continues rrandom's global stream.

        Returns
        -------
        pandas.DataFrame
            Columns ``sim_1`` … ``sim_<nsim>``.
        """
        from ..inference.simulate import simulate

        fit = cast("LmerFit", self)
        return simulate(fit, nsim=nsim, seed=seed, use_u=use_u, newdata=newdata, re_form=re_form,
                        allow_new_levels=allow_new_levels, rng=rng)

    def bootMer(self, func: Any, nsim: int = 1, seed: Any = None, use_u: bool = False, type: str = "parametric",
                progress: bool = True, n_jobs: int | None = 2, re_form: Any = None,
                rng: str = "numpy") -> Any:
        """Parametric (or semiparametric) bootstrap of a statistic (lme4 ``bootMer``); see
        :func:`pylme.inference.bootstrap.bootMer`.

        Parameters
        ----------
        func : callable
            ``func(fitted_model)``: a number, vector, Series or dict of numbers.
        nsim : int
            Number of replicates.
        seed : int, SeedSequence, Generator or None
            Seed of the simulations (R's ``set.seed`` argument with ``rng="R"``).
        use_u : bool
            Condition on the fitted random effects.
        type : {"parametric", "semiparametric"}
            Kind of bootstrap.
        progress : bool
            Show a progress bar.
        n_jobs : int or None
            Worker processes.
        re_form : str, optional
            Random-effects terms to condition on instead of ``use_u``.
        rng : {"numpy", "R"}
            ``"R"``: all responses drawn first from R's stream in lme4's order.

        Returns
        -------
        BootResult
        """
        from ..inference.bootstrap import bootMer

        fit = cast("LmerFit", self)
        return bootMer(fit, func, nsim=nsim, seed=seed, use_u=use_u, type=type, progress=progress, n_jobs=n_jobs,
                       re_form=re_form, rng=rng)

    def update(self, formula: str | None = None, *, data: Any = UNCHANGED, REML: Any = UNCHANGED,
               weights: Any = UNCHANGED, offset: Any = UNCHANGED, na_action: Any = UNCHANGED,
               contrasts: Any = UNCHANGED, control: Any = UNCHANGED, start: Any = UNCHANGED,
               verbose: Any = UNCHANGED, data_name: Any = UNCHANGED) -> "LmerFit":
        """Refit with a changed formula or :func:`pylme.lmer` arguments (lme4 ``update``); see
        :func:`pylme.inference.update.update`.  Arguments left out keep the original call's value.

        Parameters
        ----------
        formula : str, optional
            ``update.formula``-style text (``"~ . - Days"``) or a complete formula.
        data : pandas.DataFrame, optional
            New data.
        REML : bool, optional
            REML or maximum likelihood.
        weights : str or array-like or None, optional
            New prior weights (None removes them).
        offset : str or array-like or None, optional
            New offset (None removes it).
        na_action : {"omit", "exclude", "fail"}, optional
            New missing-value handling.
        contrasts : dict or None, optional
            New contrasts.
        control : LmerControl or None, optional
            New optimizer and check settings.
        start : array-like or dict or None, optional
            New starting θ.
        verbose : int, optional
            Optimizer trace level.
        data_name : str or None, optional
            Name shown on the ``Data:`` line.

        Returns
        -------
        LmerFit
        """
        from ..inference.update import update

        fit = cast("LmerFit", self)
        return update(fit, formula, data=data, REML=REML, weights=weights, offset=offset, na_action=na_action,
                      contrasts=contrasts, control=control, start=start, verbose=verbose, data_name=data_name)
