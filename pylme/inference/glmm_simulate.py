"""Responses simulated from a fitted GLMM (lme4 1.1-31: ``.simulateFun`` for a ``glmerMod``
and the family functions ``binomial_simfun``, ``poisson_simfun``, ``Gamma_simfun``, ...).

Each simulated response is drawn in two steps (glmer_spec.md §5.6):

1. the linear predictor ``η* = η + Z_new Λ_new u``, ``u ~ N(0, I)``, where ``η`` is the
   prediction conditioned on the terms of ``re_form`` (none by default) and the other
   terms are drawn afresh — lmer's plan (:func:`pylme.inference.simulate.simulation_plan`),
   without σ: a GLMM's random effects have covariance ``ΛΛᵀ``;
2. ``μ* = linkinv(η*)`` with R's inverse link (not lme4's clamped one), then the
   family's draw: binomial ``rbinom(w, μ*)/w`` for a proportion, the two columns
   ``(Y, w − Y)`` for a ``cbind`` response, a factor with the response's levels for a
   factor response (``w`` must be whole numbers: ``cannot simulate from non-integer
   prior.weights``); Poisson ``rpois(μ*)``; Gamma with ``shape = σ·w``, ``rate =
   shape/μ*``; inverse Gaussian with mean μ* and shape ``w/σ``; Gaussian (a non-identity
   link) ``N(μ*, σ²)``; negative binomial with size θ.  lme4's notes about prior weights
   (``ignoring prior weights``, ``using weights to scale shape parameter``, ``using
   weights as inverse variances``) are signalled once per call, as lme4 does.

Random numbers are numpy's by default (see :mod:`pylme.inference.simulate`): simulated response
``j`` uses the ``j``-th child stream of ``SeedSequence(seed)`` — random effects first,
then the family's draws — so :meth:`GlmerFit.bootMer` with the same seed refits exactly
the responses ``simulate`` returns.  Draws are not R's.

With ``rng="R"`` they are R's (:mod:`pylme.rrandom`), in lme4's order: one
``rnorm(q * nsim)`` for the random effects of all responses, then one call of lme4's
family function on ``rep_len(mu*, n * nsim)`` (``simfunList``): binomial
``rbinom(n * nsim, size = w, prob = mu*)`` (``size = 1`` for a factor response),
Poisson ``rpois(n * nsim, mu*)``, Gamma ``rgamma(n * nsim, shape = σ w, rate = shape / mu*)``,
Gaussian ``rnorm(n * nsim, mu*, σ)``, negative binomial ``rnbinom(n * nsim, mu = mu*,
size = θ)``; response ``j`` is the ``j``-th block of ``n``.  The inverse-Gaussian draws
(``statmod::rinvgauss``, outside base R) are not available with ``rng="R"``.

Deviation from lme4: with ``newdata`` and a ``cbind`` response lme4 recycles the fitted
rows' trial counts over the new rows; pylme does that only when the numbers of rows agree
and raises :class:`~pylme.errors.DataError` otherwise.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import DataError, ModelSpecError, PylmeMessage, PylmeWarning
from ..results.vectors import data_index
from .checks import as_newdata, check_flag
from .simulate import SimulationPlan, _check_nsim, as_seed_sequence, check_rng, r_stream, replicate_generator, \
    seed_value, simulation_plan

if TYPE_CHECKING:
    from ..results.glmer_model import GlmerFit

__all__ = ["glmer_simulate", "GlmmSampler", "glmm_sampler"]

_NON_INTEGER = "cannot simulate from non-integer prior.weights"
_IGNORING = "ignoring prior weights"


def _family_name(family) -> str:
    """lme4 ``normalizeFamilyName``: any ``Negative Binomial(θ)`` is ``negative.binomial``."""
    name = str(family.family)
    return "negative.binomial" if name.startswith("Negative Binomial") else name


def _nb_theta(family) -> float:
    """θ of a negative-binomial family (lme4 ``getNBdisp``)."""
    theta = getattr(family, "theta", None)
    if theta is None:
        found = re.match(r"Negative Binomial\((.*)\)", str(family.family))
        theta = float(found.group(1)) if found else np.nan
    return float(theta)


@dataclass(frozen=True, eq=False)
class GlmmSampler:
    """Everything one simulated GLMM response needs but the random numbers.

    Attributes
    ----------
    plan : SimulationPlan
        lmer's plan: the conditional prediction η and the terms drawn afresh.
    family : Family
    family_name : str
        lme4's normalized family name.
    weights : ndarray
        The prior weights of the draws (trials for binomial).
    sigma : float
        σ̂ (Gamma shape, inverse-Gaussian shape, Gaussian SD).
    kind : str
        ``"numeric"``, ``"cbind"`` or ``"factor"``: the form of a binomial response.
    names : tuple of str
        Column names of a ``cbind`` response.
    levels : tuple of str
        Levels of a factor response.
    """

    plan: SimulationPlan
    family: Any
    family_name: str
    weights: np.ndarray
    sigma: float
    kind: str
    names: tuple
    levels: tuple

    @property
    def n(self) -> int:
        return self.plan.n

    def eta(self, rng: np.random.Generator) -> np.ndarray:
        """``η* = η + Σ_terms zᵀ T u[level]`` with fresh ``u`` (term by term, level by level)."""
        total = self.plan.eta.copy()
        for t in self.plan.terms:
            u = rng.standard_normal((t.nlevels, t.template.shape[0]))
            b = np.vstack([u @ t.template.T, np.zeros((1, u.shape[1]))])  # row -1: an NA group
            total += np.einsum("ij,ij->i", t.z, b[t.codes])
        return total

    def draw(self, rng: np.random.Generator) -> Any:
        """One simulated response in the form :meth:`GlmerFit.refit` takes: a vector, an
        ``(n, 2)`` array of successes and failures, or a ``pandas.Categorical``."""
        with np.errstate(all="ignore"):
            mu = np.asarray(self.family.link.r_linkinv(self.eta(rng)), dtype=float)
        name, w = self.family_name, self.weights
        if name == "binomial":
            if self.kind == "factor":
                codes = rng.binomial(1, mu)
                return pd.Categorical.from_codes(codes, categories=list(self.levels))
            y = rng.binomial(w.astype(np.int64), mu).astype(float)
            if self.kind == "cbind":
                return np.column_stack([y, w - y])
            with np.errstate(divide="ignore", invalid="ignore"):
                return y / w  # R: 0/0 is NaN for a zero weight
        if name == "poisson":
            return rng.poisson(mu).astype(float)
        if name == "Gamma":
            shape = self.sigma * w
            return rng.gamma(shape, mu / shape)
        if name == "inverse.gaussian":
            return rng.wald(mu, w / self.sigma)
        if name == "gaussian":
            return rng.normal(mu, self.sigma)
        theta = _nb_theta(self.family)
        return rng.negative_binomial(theta, theta / (theta + mu)).astype(float)

    def draw_all_r(self, stream: Any, nsim: int) -> list:
        """``nsim`` responses drawn from R's stream as lme4's ``.simulateFun`` draws them."""
        eta = self.plan.eta[:, None] + self.plan.fresh_effects_r(stream, nsim)
        with np.errstate(all="ignore"):
            mu = np.asarray(self.family.link.r_linkinv(eta), dtype=float)
        ftd = mu.reshape(-1, order="F")  # rep_len(musim, n * nsim): column after column
        ntot = ftd.size
        name, w, n = self.family_name, self.weights, self.n
        if name == "binomial":
            if self.kind == "factor":
                codes = stream.rbinom(ntot, 1, ftd)
                return [pd.Categorical.from_codes(codes[j * n:(j + 1) * n], categories=list(self.levels))
                        for j in range(nsim)]
            y = np.asarray(stream.rbinom(ntot, w, ftd), dtype=float)
            if self.kind == "cbind":
                return [np.column_stack([y[j * n:(j + 1) * n], w - y[j * n:(j + 1) * n]]) for j in range(nsim)]
            with np.errstate(divide="ignore", invalid="ignore"):
                values = y / np.tile(w, nsim)  # R recycles the weights
        elif name == "poisson":
            values = np.asarray(stream.rpois(ntot, ftd), dtype=float)
        elif name == "Gamma":
            shape = self.sigma * w
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.tile(shape, nsim) / ftd
            values = stream.rgamma(ntot, shape, rate=1.0, scale=1.0 / rate)  # R: scale = 1/rate
        elif name == "gaussian":
            values = stream.rnorm(ntot, ftd, self.sigma)
        elif name == "negative.binomial":
            values = np.asarray(stream.rnbinom(ntot, _nb_theta(self.family), mu=ftd), dtype=float)
        else:
            raise ModelSpecError(f"rng=\"R\" does not implement simulation for family \u2018{self.family.family}\u2019 "
                                 "(lme4 draws it with statmod::rinvgauss)")
        return [values[j * n:(j + 1) * n] for j in range(nsim)]


_SUPPORTED = ("binomial", "poisson", "Gamma", "inverse.gaussian", "gaussian", "negative.binomial")


def glmm_sampler(fit: "GlmerFit", use_u: bool = False, re_form: Any = None, newdata: Any = None,
                 allow_new_levels: bool = False) -> GlmmSampler:
    """The sampler of :func:`glmer_simulate` and of the GLMM bootstrap.

    lme4's checks and notes about the prior weights are made here, once (lme4 signals
    them once per ``simulate`` call, before any draw).

    Raises
    ------
    DataError
        Non-integer binomial weights (lme4's text); a ``cbind`` response simulated for
        ``newdata`` with another number of rows.
    ModelSpecError
        A family lme4 cannot simulate from.
    """
    newdata = as_newdata(newdata)
    family = fit.family
    name = _family_name(family)
    if name not in _SUPPORTED:
        raise ModelSpecError(f"simulation not implemented for family \u2018{family.family}\u2019")
    plan = simulation_plan(fit, use_u, re_form, newdata, allow_new_levels)
    inputs = fit.inputs
    kind = inputs.response_kind if name == "binomial" else "numeric"
    prior = np.asarray(fit.weights(), dtype=float)
    if newdata is None:
        weights = prior
    elif kind == "cbind":
        # lme4: rowSums of the fitted response (the trials), recycled over the new rows
        if plan.n != prior.size:
            raise DataError("simulating a cbind() response for newdata needs its numbers of trials: lme4 "
                            "recycles those of the fitted rows, which pylme does only when newdata has as "
                            f"many complete rows as the fit ({prior.size}), not {plan.n}")
        weights = prior
    else:
        weights = np.ones(plan.n)
    if name == "binomial":
        if np.any(np.mod(weights, 1.0) != 0):
            raise DataError(_NON_INTEGER)
    elif name == "poisson":
        if np.any(prior != 1):  # lme4's poisson_simfun looks at the fit's own weights
            warnings.warn(_IGNORING, PylmeWarning, stacklevel=3)
    elif name == "Gamma":
        if np.any(weights != 1):
            warnings.warn("using weights to scale shape parameter", PylmeMessage, stacklevel=3)
    elif name == "inverse.gaussian":
        if np.any(weights != 1):
            warnings.warn("using weights as inverse variances", PylmeMessage, stacklevel=3)
    elif np.any(weights != 1):
        warnings.warn(_IGNORING, PylmeWarning, stacklevel=3)
    return GlmmSampler(plan=plan, family=family, family_name=name, weights=weights, sigma=float(fit.sigma),
                       kind=kind, names=tuple(inputs.response_names), levels=tuple(inputs.response_levels))


def glmer_simulate(fit: "GlmerFit", nsim: int = 1, seed: Any = None, use_u: bool = False, newdata: Any = None,
                   re_form: Any = None, allow_new_levels: bool = False, rng: str = "numpy") -> pd.DataFrame:
    """Simulate responses from a fitted GLMM (lme4 ``simulate.merMod``).

    Parameters
    ----------
    fit : GlmerFit
    nsim : int
        Number of simulated responses.
    seed : int, SeedSequence, Generator or None
        Response ``j`` uses the ``j``-th child stream of ``SeedSequence(seed)`` (numpy's
        generators, not R's).
    use_u : bool
        Condition on the fitted random effects (lme4 ``use.u = TRUE``).
    newdata : pandas.DataFrame, optional
        Simulate for these rows instead of the fitted ones.
    re_form : str or Formula, optional
        Random-effects terms to condition on (default none: lme4's ``re.form = NA``).
    allow_new_levels : bool
        Accept levels of ``newdata`` the fit never saw (they get fresh draws).
    rng : {"numpy", "R"}
        ``"R"``: R's draws in lme4's order (module notes), equal to R's
        ``set.seed(seed); simulate(gm, nsim)``; ``seed=None`` continues rrandom's global stream.

    Returns
    -------
    pandas.DataFrame
        Columns ``sim_1`` … ``sim_<nsim>``; for a ``cbind`` response two columns per
        simulation (a column MultiIndex ``(sim_j, name)`` with the response's column
        names, e.g. ``incidence`` and ``""``: ``out["sim_1"]`` is R's matrix); for a
        factor response categorical columns with the response's levels.  Rows as lmer's
        ``simulate``; ``attrs["seed"]`` reproduces the draws.

    Raises
    ------
    DataError
        ``nsim`` not a positive integer, both ``use_u`` and ``re_form``, non-integer
        binomial weights, the errors of :func:`glmm_predict.glmer_predict`.
    """
    nsim = _check_nsim(nsim)
    use_u = check_flag(use_u, "use_u")
    allow_new_levels = check_flag(allow_new_levels, "allow_new_levels")
    if check_rng(rng) == "R":
        stream = r_stream(seed)
        state = stream.get_state()
        sampler = glmm_sampler(fit, use_u, re_form, newdata, allow_new_levels)
        out = _frame(fit, sampler, sampler.draw_all_r(stream, nsim), newdata is None)
        out.attrs["seed"] = state
        return out
    root = as_seed_sequence(seed)
    sampler = glmm_sampler(fit, use_u, re_form, newdata, allow_new_levels)
    draws = [sampler.draw(replicate_generator(root, j)) for j in range(nsim)]
    out = _frame(fit, sampler, draws, newdata is None)
    out.attrs["seed"] = seed_value(root)
    return out


def _frame(fit: "GlmerFit", sampler: GlmmSampler, draws: list, fitted_rows: bool) -> pd.DataFrame:
    """lme4's data frame of simulations, ``napredict``-padded for an ``na.exclude`` fit."""
    frame = fit.inputs.frame
    index = sampler.plan.index
    rows = None
    if fitted_rows and frame.na_action == "exclude" and len(frame.dropped):
        index, rows = data_index(fit), np.asarray(frame.kept)
    size = len(index)
    columns: dict = {}
    for j, values in enumerate(draws):
        label = f"sim_{j + 1}"
        if sampler.kind == "cbind":
            for c, name in enumerate(sampler.names):
                columns[(label, name)] = _padded(values[:, c], rows, size)
        elif sampler.kind == "factor":
            codes = np.asarray(values.codes)
            full = codes if rows is None else _padded_codes(codes, rows, size)
            columns[label] = pd.Categorical.from_codes(full, categories=list(sampler.levels))
        else:
            columns[label] = _padded(np.asarray(values, dtype=float), rows, size)
    out = pd.DataFrame(columns, index=index)
    if sampler.kind == "cbind":
        out.columns = pd.MultiIndex.from_tuples(list(columns))
    return out


def _padded(values: np.ndarray, rows: np.ndarray | None, size: int) -> np.ndarray:
    if rows is None:
        return values
    full = np.full(size, np.nan)
    full[rows] = values
    return full


def _padded_codes(codes: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    full = np.full(size, -1, dtype=codes.dtype)  # -1: a missing value of a Categorical
    full[rows] = codes
    return full
