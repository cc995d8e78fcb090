"""Responses simulated from a fitted model (lme4 1.1-31: ``simulate.merMod``, ``.simulateFun``).

Each simulated response is

    y* = η + σ̂ (Z_new Λ_new u + ε),   u ~ N(0, I),  ε ~ N(0, I_n),

where ``η`` is the prediction conditioned on the terms of ``re_form`` (none by default,
all with ``use_u=True``) and ``Z_new Λ_new`` covers the terms *not* conditioned on, with
θ̂ inserted.  Prior weights are ignored (every residual has SD σ̂), as in lme4.

Random numbers
--------------
By default (``rng="numpy"``) pylme uses numpy's generators, not R's Mersenne-Twister,
so draws are not R's (their distribution is the same).  Every simulated response has its own stream:
column ``j`` is drawn from ``Generator(PCG64(SeedSequence(entropy, spawn_key=(j,))))``
(the ``j``-th child of ``SeedSequence(seed)``), first the random effects (term by term,
level by level, components adjacent — lme4's order of ``u``), then the residuals.  So a
column does not depend on ``nsim`` or on how many processes drew it, and
:func:`pylme.bootMer` with the same ``seed`` refits exactly these responses.

With ``rng="R"`` the draws are R's (:mod:`pylme.rrandom`), in lme4's order: after
``set.seed(seed)`` on rrandom's global stream (or from that stream as it stands when
``seed`` is None, as lme4 uses ``.Random.seed``), one ``rnorm(q * nsim)`` for the
random effects of all ``nsim`` responses (``u`` of response ``j`` is the ``j``-th block of
``q``, in lme4's order of ``u``), then one ``rnorm(n * nsim)`` for the residuals
(column-major: response ``j`` takes the ``j``-th block of ``n``).  The values then equal
R's ``set.seed(seed); simulate(fm, nsim)`` up to the rounding of the sums and of the
fitted parameters.

Deviation from lme4: the relative covariance factor of each simulated term is the
model's own for that term.  lme4 1.1-31 inserts θ̂ by position into the new terms
(``Lambdat@x <- theta[Lind]``), which takes another term's θ when ``re_form`` leaves a
subset of the terms, or when ``newdata`` orders the terms differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..design.random import lme4_term_order, relative_factor
from ..results.vectors import data_index
from ..errors import ArgumentError, DataError
from .checks import as_newdata, check_fit, check_flag
from .predict import NewReTerm, bar_label, check_new_levels, fitted_bars, linear_predictor, new_re_terms, \
    parse_re_form

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["simulate", "SimulationPlan", "simulation_plan", "as_seed_sequence", "replicate_generator", "check_rng",
           "r_stream"]

RNG_KINDS = ("numpy", "R")


def check_rng(rng: Any) -> str:
    """``"numpy"`` (pylme's per-replicate streams) or ``"R"`` (R's draws, :mod:`pylme.rrandom`)."""
    if not isinstance(rng, str) or rng not in RNG_KINDS:
        raise ArgumentError(f"rng must be \"numpy\" or \"R\", got {rng!r}")
    return rng


def r_stream(seed: Any) -> Any:
    """rrandom's global stream (R's ``.Random.seed``), after ``set.seed(seed)`` when ``seed`` is given."""
    from .. import rrandom

    stream = rrandom.global_stream()
    if seed is not None:
        if isinstance(seed, (np.random.SeedSequence, np.random.Generator)):
            raise DataError("with rng=\"R\" the seed is an integer (R's set.seed), not a numpy seed")
        stream.set_seed(seed)
    return stream


# --- seeds ------------------------------------------------------------------------------------


def as_seed_sequence(seed: Any) -> np.random.SeedSequence:
    """``seed`` as a SeedSequence: an int (or sequence of ints), a SeedSequence, a
    Generator (one draw from it gives the entropy) or None (fresh OS entropy)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    if seed is None:
        return np.random.SeedSequence()
    try:
        return np.random.SeedSequence(seed)
    except (TypeError, ValueError) as exc:
        raise DataError(f"seed must be None, a non-negative integer, a SeedSequence or a Generator, got {seed!r}") from exc


def replicate_generator(root: np.random.SeedSequence, j: int) -> np.random.Generator:
    """The generator of simulated response ``j`` (0-based): the ``j``-th child of ``root``.

    Built from ``root``'s entropy and spawn key, so it does not depend on how many
    children ``root`` has already spawned.
    """
    child = np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (j,),
                                   pool_size=root.pool_size)
    return np.random.Generator(np.random.PCG64(child))


def seed_value(root: np.random.SeedSequence) -> Any:
    """What reproduces ``root``: its entropy when it is a root, else the SeedSequence itself."""
    return root.entropy if not root.spawn_key else root


# --- the plan: everything but the random numbers --------------------------------------------------


@dataclass(frozen=True, eq=False)
class _SimTerm:
    """One term drawn afresh: ``b_l = T u_l`` for each level present, added as ``zᵀ b[level]``."""

    z: np.ndarray  # (n, p)
    codes: np.ndarray  # (n,), -1: NA group, no contribution
    nlevels: int
    template: np.ndarray  # (p, p) lower triangular T from θ̂


@dataclass(frozen=True, eq=False)
class SimulationPlan:
    """What one simulated response needs (lme4 ``.simulateFun`` before its ``rnorm`` calls).

    Attributes
    ----------
    eta : ndarray, shape (n,)
        The conditional prediction (lme4 ``etapred``).
    sigma : float
        σ̂.
    terms : tuple
        The random-effects terms drawn afresh.
    index : pandas.Index
        Row labels of the simulated values.
    """

    eta: np.ndarray
    sigma: float
    terms: tuple
    index: pd.Index

    @property
    def n(self) -> int:
        return self.eta.size

    def fresh_effects_r(self, stream: Any, nsim: int) -> np.ndarray:
        """``Z Λ u`` of ``nsim`` responses, ``(n, nsim)``, from R's ``rnorm(q * nsim)`` (lme4 ``sim.reff``).

        ``u`` follows lme4's order of the new terms: ``mkNewReTrms`` sorts them by
        decreasing number of levels (``rev(order(nl))``), whatever the formula's order.
        """
        terms = [self.terms[i] for i in lme4_term_order([t.nlevels for t in self.terms])]
        sizes = [t.nlevels * t.template.shape[0] for t in terms]
        q = int(sum(sizes))
        u_all = stream.rnorm(q * nsim).reshape(nsim, q)  # matrix(u, ncol = nsim): column j is block j
        out = np.zeros((self.n, nsim))
        for j in range(nsim):
            start = 0
            for t, size in zip(terms, sizes):
                u = u_all[j, start:start + size].reshape(t.nlevels, t.template.shape[0])  # components adjacent
                start += size
                b = np.vstack([u @ t.template.T, np.zeros((1, u.shape[1]))])  # row -1: NA group
                out[:, j] += np.einsum("ij,ij->i", t.z, b[t.codes])
        return out

    def draw_r(self, stream: Any, nsim: int) -> np.ndarray:
        """``nsim`` responses, ``(n, nsim)``, drawn as lme4 draws them from R's stream."""
        reff = self.fresh_effects_r(stream, nsim)
        eps = stream.rnorm(self.n * nsim).reshape(nsim, self.n).T
        return self.eta[:, None] + self.sigma * (reff + eps)

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """One simulated response: random-effects normals first, then the residuals."""
        unit = [rng.standard_normal((t.nlevels, t.template.shape[0])) for t in self.terms]
        total = rng.standard_normal(self.n)
        for t, u in zip(self.terms, unit):
            b = np.vstack([u @ t.template.T, np.zeros((1, u.shape[1]))])  # row -1: NA group
            total += np.einsum("ij,ij->i", t.z, b[t.codes])
        return self.eta + self.sigma * total


def _conditioned(fit: "LmerFit", use_u: bool, re_form: Any) -> list:
    if use_u and re_form is not None:
        raise DataError("should specify only one of \u2018use.u\u2019 and \u2018re.form\u2019")
    if use_u:
        return fitted_bars(fit)
    return [] if re_form is None else parse_re_form(fit, re_form)


def simulation_plan(fit: "LmerFit", use_u: bool = False, re_form: Any = None, newdata: Any = None,
                    allow_new_levels: bool = False) -> SimulationPlan:
    """Prediction and fresh random-effects terms for :func:`simulate` (and :func:`pylme.bootMer`).

    Terms of the model whose label is not a term of ``re_form`` are drawn afresh (lme4:
    ``update(reOnly(formula), . ~ . - re.form)``).  With ``newdata``, rows with a
    missing fixed-effects variable are dropped (lme4 predicts with ``na.omit``), and
    each level present — a new one too, with ``allow_new_levels`` — gets its own draw.
    """
    newdata = as_newdata(newdata)
    conditioned = _conditioned(fit, use_u, re_form)
    eta, rows = linear_predictor(fit, newdata, conditioned, allow_new_levels, na_action="omit")
    labels = {bar_label(b) for b in conditioned}
    fresh = [b for b in fitted_bars(fit) if bar_label(b) not in labels]
    terms: list[NewReTerm] = []
    if fresh:
        data = None if newdata is None else newdata.iloc[rows]
        terms = new_re_terms(fit, data, fresh)
        check_new_levels(terms, fit, allow_new_levels)
    index = fit.inputs.frame.row_labels if newdata is None else newdata.index[rows]
    return SimulationPlan(eta=eta, sigma=fit.sigma, terms=tuple(_sim_term(fit, t) for t in terms), index=index)


def _sim_term(fit: "LmerFit", term: NewReTerm) -> _SimTerm:
    re = fit.inputs.re_terms
    k = next(i for i, t in enumerate(re.terms) if t.label == term.label)
    template = relative_factor(fit.theta[re.theta_slices[k]], re.terms[k].p)
    return _SimTerm(z=term.z, codes=term.codes, nlevels=len(term.levels), template=template)


# --- simulate -----------------------------------------------------------------------------------


def simulate(fit: "LmerFit", nsim: int = 1, seed: Any = None, use_u: bool = False, newdata: Any = None,
             re_form: Any = None, allow_new_levels: bool = False, rng: str = "numpy") -> pd.DataFrame:
    """Simulate responses from the fitted model (lme4 ``simulate.merMod``).

    Parameters
    ----------
    fit : LmerFit
    nsim : int
        Number of responses.
    seed : int, SeedSequence, Generator or None
        See the module notes: column ``j`` has its own stream derived from ``seed``.
        Draws are not R's (numpy's PCG64, not R's Mersenne-Twister) unless ``rng="R"``;
        then ``seed`` is R's ``set.seed`` argument (None: rrandom's global stream as it stands).
    use_u : bool
        Condition on the fitted random effects (lme4 ``use.u = TRUE``, same as
        ``re.form = NULL``); by default all random effects are drawn afresh.
    newdata : pandas.DataFrame, optional
        Simulate for these rows instead of the fitted ones.
    re_form : str or Formula, optional
        Random-effects terms to condition on (``"~0"``: none); the other terms are
        drawn afresh.  Give ``use_u`` or ``re_form``, not both.
    allow_new_levels : bool
        Accept levels of ``newdata`` the fit never saw (they get fresh draws).
    rng : {"numpy", "R"}
        ``"R"``: R's draws in lme4's order (module notes), equal to R's
        ``set.seed(seed); simulate(fm, nsim)``.

    Returns
    -------
    pandas.DataFrame
        Columns ``sim_1`` … ``sim_<nsim>``; rows labelled like the data (padded with
        NaN rows for the dropped rows of a fit with ``na_action="exclude"``).
        ``attrs["seed"]`` reproduces the draws (the root seed's entropy; with
        ``rng="R"`` the stream's ``.Random.seed`` before the draws, as lme4's ``seed`` attribute).

    Raises
    ------
    DataError
        ``nsim`` not positive, both ``use_u`` and ``re_form``, and the errors of
        :func:`pylme.inference.predict.predict`.
    """
    check_fit(fit, "simulate")
    nsim = _check_nsim(nsim)
    use_u = check_flag(use_u, "use_u")
    allow_new_levels = check_flag(allow_new_levels, "allow_new_levels")
    if check_rng(rng) == "R":
        stream = r_stream(seed)
        state = stream.get_state()
        plan = simulation_plan(fit, use_u, re_form, newdata, allow_new_levels)
        out = _padded_frame(fit, plan.draw_r(stream, nsim), plan.index, newdata is None)
        out.attrs["seed"] = state
        return out
    root = as_seed_sequence(seed)
    plan = simulation_plan(fit, use_u, re_form, newdata, allow_new_levels)
    values = np.empty((plan.n, nsim))
    for j in range(nsim):
        values[:, j] = plan.draw(replicate_generator(root, j))
    out = _padded_frame(fit, values, plan.index, newdata is None)
    out.attrs["seed"] = seed_value(root)
    return out


def _check_nsim(nsim: Any) -> int:
    try:
        value = int(nsim)
    except (TypeError, ValueError, OverflowError):  # OverflowError: nsim = inf
        value = 0
    if value <= 0 or value != nsim:
        raise DataError("(nsim <- as.integer(nsim[1])) > 0 is not TRUE")
    return value


def _padded_frame(fit: "LmerFit", values: np.ndarray, index: pd.Index, fitted_rows: bool) -> pd.DataFrame:
    """lme4's data frame of simulations, ``napredict``-padded for an ``na.exclude`` fit."""
    columns = [f"sim_{j + 1}" for j in range(values.shape[1])]
    frame = fit.inputs.frame
    if not (fitted_rows and frame.na_action == "exclude" and len(frame.dropped)):
        return pd.DataFrame(values, index=index, columns=columns)
    full = np.full((frame.n + len(frame.dropped), values.shape[1]), np.nan)
    full[np.asarray(frame.kept)] = values
    # the same labels as fitted()/residuals() of that fit: the data's own index
    return pd.DataFrame(full, index=data_index(fit), columns=columns)
