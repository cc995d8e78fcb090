"""GlmerFit methods for prediction, simulation, refitting and the parametric bootstrap
(lme4: ``predict.merMod``, ``simulate.merMod``, ``refit``, ``update``, ``bootMer``,
``hatvalues`` for a ``glmerMod``), and the Wald and bootstrap intervals that
``GlmerFit.confint`` dispatches to.

Each method has the full signature of the function in :mod:`pylme.inference` that does
the work (``glmm_predict``, ``glmm_simulate``, ``glmm_refit``, ``glmm_intervals``,
``glmm_hat``); the work is imported only when a method is called, which keeps
``import pylme`` light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, cast

from ..inference.update import UNCHANGED  # the sentinel "keep the call's value"

if TYPE_CHECKING:
    import pandas as pd

    from ..inference.bootstrap import BootResult
    from .glmer_model import GlmerFit

__all__ = ["GlmerPredictMethods", "wald_confint", "boot_confint"]


def wald_confint(fit: "GlmerFit", parm: Any = None, level: float = 0.95, oldNames: bool = True) -> "pd.DataFrame":
    """Wald intervals of a GLMM (lme4 ``confint.merMod(method = "Wald")``); see
    :func:`pylme.inference.glmm_intervals.wald_confint`.

    Parameters
    ----------
    fit : GlmerFit
    parm : None, int, str or sequence
        Rows: 0-based positions in (variance parameters, fixed effects), names,
        ``"theta_"`` or ``"beta_"``; default all.
    level : float
        Confidence level, strictly between 0 and 1.
    oldNames : bool
        ``.sig01``-style names (True) or ``sd_(Intercept)|herd`` names.

    Returns
    -------
    pandas.DataFrame
        NaN rows for the variance parameters, ``β̂ ± qnorm(a)·SE`` for the fixed effects.
    """
    from ..inference.glmm_intervals import wald_confint as run

    return run(fit, parm=parm, level=level, oldNames=oldNames)


def boot_confint(fit: "GlmerFit", parm: Any = None, level: float = 0.95, nsim: int = 500, boot_type: str = "perc",
                 seed: Any = None, quiet: bool = True, oldNames: bool = True, *, use_u: bool = False,
                 type: str = "parametric", progress: bool = False, n_jobs: int | None = 2,
                 re_form: Any = None, rng: str = "numpy") -> "pd.DataFrame":
    """Parametric-bootstrap intervals of a GLMM (lme4 ``confint.merMod(method = "boot")``); see
    :func:`pylme.inference.glmm_intervals.boot_confint`.

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
        boot's interval type.
    seed : optional
        Seed of the simulations.
    quiet : bool
        Suppress the message ``Computing bootstrap confidence intervals ...`` (default:
        ``GlmerFit.confint`` emits it itself before dispatching here).
    oldNames : bool
        ``.sig01``-style names (True) or ``sd_...|group`` names.
    use_u : bool
        Condition the simulations on the fitted random effects.
    type : {"parametric", "semiparametric"}
        Only ``"parametric"`` for GLMMs.
    progress : bool
        Show a progress bar.
    n_jobs : int or None
        Worker processes.
    re_form : str, optional
        Random-effects terms to condition the simulations on.
    rng : {"numpy", "R"}
        ``"R"``: R's random numbers in lme4's order.

    Returns
    -------
    pandas.DataFrame
    """
    from ..inference.glmm_intervals import boot_confint as run

    return run(fit, parm=parm, level=level, nsim=nsim, boot_type=boot_type, seed=seed, quiet=quiet,
               oldNames=oldNames, use_u=use_u, type=type, progress=progress, n_jobs=n_jobs, re_form=re_form,
               rng=rng)


class GlmerPredictMethods:
    """lme4's prediction and refitting methods, mixed into :class:`~pylme.results.glmer_model.GlmerFit`."""

    __slots__ = ()

    def predict(self, newdata: Any = None, type: str = "link", re_form: Any = None, allow_new_levels: bool = False,
                na_action: str | None = None, *, ReForm: Any = None, REForm: Any = None,
                REform: Any = None) -> "pd.Series":
        """Predictions on the link or the response scale (lme4 ``predict.merMod``); see
        :func:`pylme.inference.glmm_predict.glmer_predict`.

        Parameters
        ----------
        newdata : pandas.DataFrame or mapping, optional
            Rows to predict for (default: the fitted rows).  Only the formula's
            ``offset()`` terms are evaluated on new data, as in lme4.
        type : {"link", "response"}
            η (default) or R's inverse link of η.
        re_form : None, str, Formula or NaN
            Random-effects terms to include (``None``: all; ``"~0"`` or NaN: none).
        allow_new_levels : bool
            Give unseen levels b = 0 instead of lme4's error.
        na_action : {"pass", "omit", "exclude", "fail"}, optional
            Rows of ``newdata`` with missing fixed-effects variables.
        ReForm, REForm, REform : optional
            lme4's deprecated spellings of ``re_form``.

        Returns
        -------
        pandas.Series
        """
        from ..inference.glmm_predict import glmer_predict

        fit = cast("GlmerFit", self)
        return glmer_predict(fit, newdata=newdata, type=type, re_form=re_form, allow_new_levels=allow_new_levels,
                             na_action=na_action, ReForm=ReForm, REForm=REForm, REform=REform)

    def simulate(self, nsim: int = 1, seed: Any = None, use_u: bool = False, newdata: Any = None,
                 re_form: Any = None, allow_new_levels: bool = False, rng: str = "numpy") -> "pd.DataFrame":
        """Responses simulated from the fitted GLMM (lme4 ``simulate.merMod``); see
        :func:`pylme.inference.glmm_simulate.glmer_simulate`.

        Parameters
        ----------
        nsim : int
            Number of responses.
        seed : int, SeedSequence, Generator or None
            Seed of the draws (numpy's, not R's).
        use_u : bool
            Condition on the fitted random effects.
        newdata : pandas.DataFrame, optional
            Simulate for these rows.
        re_form : str or Formula, optional
            Random-effects terms to condition on.
        allow_new_levels : bool
            Accept levels of ``newdata`` the fit never saw.
        rng : {"numpy", "R"}
            ``"R"``: R's draws in lme4's order (``seed`` is R's ``set.seed`` argument;
            None continues rrandom's global stream).

        Returns
        -------
        pandas.DataFrame
            ``sim_1`` … (two columns per simulation for a ``cbind`` response).
        """
        from ..inference.glmm_simulate import glmer_simulate

        fit = cast("GlmerFit", self)
        return glmer_simulate(fit, nsim=nsim, seed=seed, use_u=use_u, newdata=newdata, re_form=re_form,
                              allow_new_levels=allow_new_levels, rng=rng)

    def refit(self, newresp: Any = None, *, control: Any = None) -> "GlmerFit":
        """Fit the same model to a new response (lme4 ``refit.merMod``); see
        :func:`pylme.inference.glmm_refit.glmer_refit`.

        One optimization over (θ, β) from (θ̂, β̂), as lme4 (not glmer's two stages).

        Parameters
        ----------
        newresp : array-like, optional
            A vector, an ``(n, 2)`` array of successes and failures, a Categorical, or a
            one-simulation frame of :meth:`simulate`; ``None`` refits the same response.
        control : GlmerControl, optional
            lme4's ``control`` of ``refit`` (default: ``glmerControl()``'s settings).

        Returns
        -------
        GlmerFit
        """
        from ..inference.glmm_refit import glmer_refit

        fit = cast("GlmerFit", self)
        return glmer_refit(fit, newresp, control=control)

    def update(self, formula: str | None = None, *, data: Any = UNCHANGED, family: Any = UNCHANGED,
               weights: Any = UNCHANGED, offset: Any = UNCHANGED, nAGQ: Any = UNCHANGED,
               control: Any = UNCHANGED, start: Any = UNCHANGED, na_action: Any = UNCHANGED,
               contrasts: Any = UNCHANGED, verbose: Any = UNCHANGED, data_name: Any = UNCHANGED) -> Any:
        """Refit with a changed formula or :func:`pylme.glmer` arguments (lme4 ``update``); see
        :func:`pylme.inference.glmm_refit.glmer_update`.  Arguments left out keep the call's value.

        Parameters
        ----------
        formula : str, optional
            ``update.formula``-style text (``". ~ . - period"``) or a complete formula.
        data : pandas.DataFrame, optional
            New data.
        family : str or Family, optional
            New family.
        weights : str or array-like or None, optional
            New prior weights (None removes them).
        offset : str or array-like or None, optional
            New offset (None removes it).
        nAGQ : int, optional
            New number of quadrature nodes.
        control : GlmerControl or None, optional
            New control settings.
        start : array-like or dict or None, optional
            New start values.
        na_action : {"omit", "exclude", "fail"}, optional
            New missing-value handling.
        contrasts : dict or None, optional
            New contrasts.
        verbose : int, optional
            Optimizer trace level.
        data_name : str or None, optional
            Name shown on the ``Data:`` line.

        Returns
        -------
        GlmerFit
        """
        from ..inference.glmm_refit import glmer_update

        fit = cast("GlmerFit", self)
        return glmer_update(fit, formula, data=data, family=family, weights=weights, offset=offset, nAGQ=nAGQ,
                            control=control, start=start, na_action=na_action, contrasts=contrasts,
                            verbose=verbose, data_name=data_name)

    def bootMer(self, func: Callable[["GlmerFit"], Any], nsim: int = 1, seed: Any = None, use_u: bool = False,
                type: str = "parametric", progress: bool = True, n_jobs: int | None = 2,
                re_form: Any = None, rng: str = "numpy") -> "BootResult":
        """Parametric bootstrap of a statistic of the model (lme4 ``bootMer``); see
        :func:`pylme.inference.glmm_intervals.glmer_bootMer`.

        Parameters
        ----------
        func : callable
            ``func(fitted_model)``: a number, vector, Series or dict of numbers.
        nsim : int
            Number of replicates.
        seed : int, SeedSequence, Generator or None
            Replicate ``i`` refits column ``sim_<i+1>`` of ``simulate(nsim, seed=seed)``.
        use_u : bool
            Condition on the fitted random effects.
        type : {"parametric", "semiparametric"}
            Only ``"parametric"`` for GLMMs.
        progress : bool
            Show a progress bar.
        n_jobs : int or None
            Worker processes.
        re_form : str, optional
            Random-effects terms to condition on instead of ``use_u``.
        rng : {"numpy", "R"}
            ``"R"``: R's random numbers in lme4's order (R's ``bootMer(gm, FUN, nsim, seed = seed)``).

        Returns
        -------
        BootResult
        """
        from ..inference.glmm_intervals import glmer_bootMer

        fit = cast("GlmerFit", self)
        return glmer_bootMer(fit, func, nsim=nsim, seed=seed, use_u=use_u, type=type, progress=progress,
                             n_jobs=n_jobs, re_form=re_form, rng=rng)

    def hatvalues(self) -> "pd.Series":
        """Diagonal of the hat matrix (lme4 ``hatvalues.merMod``), with lme4's warning ``the hat
        matrix may not make sense for GLMMs``; see :func:`pylme.inference.glmm_hat.glmer_hatvalues`.

        Returns
        -------
        pandas.Series
        """
        from ..inference.glmm_hat import glmer_hatvalues

        return glmer_hatvalues(cast("GlmerFit", self))
