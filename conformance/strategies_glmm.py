"""Hypothesis strategy that generates glmer designs (``conformance.generated`` runs them).

:func:`glmm_designs` draws a :class:`~conformance.strategies.GeneratedDesign` with a
``family``: binomial responses as 0/1 (``bernoulli``), as ``cbind(s, t - s)`` with
1-12 trials per row (``binomial_cbind``) or as proportions ``s/t`` with ``weights = t``
(``proportion``), logit or probit links; Poisson counts, with or without an
``offset = o`` of log exposures; one grouping factor (intercept, correlated or
uncorrelated random slopes of ``x``), two crossed ones, or nesting written ``g/h`` or
``g + g:h``; an optional factor ``f`` in the fixed part; group effects of SD 0.4-1.2 or
none (boundary fits, θ̂ = 0); nAGQ 1 mostly, 0 in about one design in five, and adaptive
Gauss-Hermite (3 or 5 nodes) in about half of those with a single scalar term. A run draws
each structure (:data:`STRATA`) apart, so all three get their share.

Designs are small (60-400 rows, 4-10 levels per factor): a GLMM fit costs 10-50 times an
lmer fit in both lme4 and pylme. Hypothesis draws only structure (counts, switches,
choices) and shrinks towards fewer levels, rows and features; the numbers come from a
NumPy generator seeded by a drawn integer. Nothing here imports R.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from conformance.strategies import _DECIMALS, GeneratedDesign, _Draft, _flag, make_frame

__all__ = ["GLMM_FEATURES", "glmm_designs", "STRATA", "MIN_ROWS", "MAX_ROWS"]

#: Feature tags of GLMM designs.
GLMM_FEATURES: tuple[str, ...] = (
    "bernoulli", "binomial_cbind", "proportion", "probit", "poisson", "offset",
    "crossed", "nested", "slope_numeric", "correlated", "double_bar", "fixed_factor",
    "no_group_effect", "nAGQ0", "quadrature",
)

MIN_ROWS, MAX_ROWS = 60, 400

# (random part, features, (grouping factor, columns of Z per level) per term)
_RANDOM = {
    "single": (("(1 | g)", (), (("g", 1),)),
               ("(x | g)", ("slope_numeric", "correlated"), (("g", 2),)),
               ("(x || g)", ("slope_numeric", "double_bar"), (("g", 1),)),
               ("(0 + x | g)", ("slope_numeric",), (("g", 1),))),
    "crossed": (("(1 | g) + (1 | h)", ("crossed",), (("g", 1), ("h", 1))),
                ("(x | g) + (1 | h)", ("crossed", "slope_numeric", "correlated"),
                 (("g", 2), ("h", 1)))),
    "nested": (("(1 | g/h)", ("nested",), (("g", 1), ("g:h", 1))),
               ("(1 | g) + (1 | g:h)", ("nested",), (("g", 1), ("g:h", 1)))),
}
_RESPONSES = ("bernoulli", "binomial_cbind", "proportion", "poisson")
#: The structures a run is split into (``conformance.generated`` draws each apart):
#: Hypothesis does not spread a short ``sampled_from`` evenly over a run (three
#: structures came out 49/7/44 % of 100 designs; crossed ones 2 of 115 drawn from eight
#: options), so every structure gets its share of the designs by construction.
STRATA: tuple[str, ...] = tuple(_RANDOM)
_ORDER = ("y", "s", "t", "x", "f", "g", "h", "o")  # readable CSVs


def _levels(name: str, k: int) -> list[str]:
    return [f"{name}{i + 1}" for i in range(k)]


def _groups(draw, draft: _Draft, kind: str) -> None:
    """The grouping factors: rows per level (single), cells (crossed) or sub-groups (nested)."""
    rng = draft.rng
    if kind == "single":
        k = draw(st.integers(4, 10), label="levels of g")
        sizes = draw(st.lists(st.integers(4, 30), min_size=k, max_size=k), label="group sizes")
        g = [lv for lv, size in zip(_levels("g", k), sizes) for _ in range(size)]
        draft.add_factor("g", [g[i] for i in rng.permutation(len(g))], _levels("g", k))
        draft.groups = ("g",)
        return
    if kind == "crossed":
        kg = draw(st.integers(4, 8), label="levels of g")
        kh = draw(st.integers(3, 6), label="levels of h")
        reps = draw(st.integers(2, 5), label="replicates per cell")
        cells = [(a, b) for a in _levels("g", kg) for b in _levels("h", kh) for _ in range(reps)]
        h_levels = _levels("h", kh)
    else:
        kg = draw(st.integers(4, 8), label="levels of g")
        subs = draw(st.lists(st.integers(2, 3), min_size=kg, max_size=kg), label="sub-levels")
        cells = []
        for i, m in enumerate(subs):
            for j in range(m):
                size = draw(st.integers(3, 10), label="sub-group size")
                cells += [(f"g{i + 1}", f"g{i + 1}s{j + 1}")] * size
        h_levels = [f"g{i + 1}s{j + 1}" for i, m in enumerate(subs) for j in range(m)]
    order = rng.permutation(len(cells))
    draft.add_factor("g", [cells[i][0] for i in order], _levels("g", kg))
    draft.add_factor("h", [cells[i][1] for i in order], h_levels)
    draft.groups = ("g", "h")


def _size_rows(draft: _Draft) -> None:
    """Copy random rows up to :data:`MIN_ROWS`; keep a random :data:`MAX_ROWS` beyond it
    (every level keeps a row: the first row of each level is never dropped)."""
    while draft.n < MIN_ROWS:
        row = int(draft.rng.integers(0, draft.n))
        for values in draft.columns.values():
            values.append(values[row])
    if draft.n > MAX_ROWS:
        first = {}
        for i, key in enumerate(zip(*(draft.columns[g] for g in draft.groups))):
            first.setdefault(key, i)
        keep = set(first.values())
        rest = [i for i in draft.rng.permutation(draft.n) if i not in keep]
        keep |= set(rest[: MAX_ROWS - len(keep)])
        rows = sorted(keep)
        for name in draft.columns:
            draft.columns[name] = [draft.columns[name][i] for i in rows]


def _linear_predictor(draw, draft: _Draft, slopes: bool) -> np.ndarray:
    """η = β₀ + β₁x (+ f effects) + group effects (intercepts, and slopes of x)."""
    rng, n = draft.rng, draft.n
    x = np.round(rng.normal(size=n), _DECIMALS)
    draft.columns["x"] = list(x)
    eta = draw(st.sampled_from((-0.5, 0.0, 0.5)), label="intercept") + 0.5 * x
    if draw(st.booleans(), label="factor f"):
        nf = draw(st.integers(2, 3), label="levels of f")
        levels = [f"f{chr(ord('a') + i)}" for i in range(nf)]
        codes = rng.integers(0, nf, size=n)
        draft.add_factor("f", [levels[i] for i in codes], levels)
        draft.fixed.append("f")
        draft.features.add("fixed_factor")
        eta = eta + np.array([0.0, 0.4, -0.3])[codes]
    sd = 0.0 if _flag(draw, "no group effect", 6) else draw(
        st.sampled_from((0.4, 0.8, 1.2)), label="group sd")
    if sd == 0.0:
        draft.features.add("no_group_effect")
    for name in draft.groups:
        codes = pd.Categorical(draft.columns[name]).codes
        k = codes.max() + 1
        eta = eta + rng.normal(scale=sd, size=k)[codes]
        if slopes and name == "g":
            eta = eta + x * rng.normal(scale=sd / 2, size=k)[codes]
    return eta


def _response(draw, draft: _Draft, eta: np.ndarray) -> tuple[str, str, str | None, str | None]:
    """Draw the response; returns (family R text, response formula text, weights, offset)."""
    rng, n = draft.rng, draft.n
    kind = draw(st.sampled_from(_RESPONSES), label="response")
    draft.features.add(kind)
    if kind == "poisson":
        offset = None
        if draw(st.booleans(), label="offset"):
            o = np.round(np.log(rng.uniform(0.5, 3.0, size=n)), _DECIMALS)
            draft.columns["o"] = list(o)
            eta = eta + o
            offset = "o"
            draft.features.add("offset")
        draft.columns["y"] = list(rng.poisson(np.exp(0.7 + eta)).astype(float))
        return "poisson", "y", None, offset
    probit = _flag(draw, "probit link", 3)
    prob = (0.5 * (1 + _erf(0.6 * eta / np.sqrt(2))) if probit else 1 / (1 + np.exp(-eta)))
    family = 'binomial(link = "probit")' if probit else "binomial"
    if probit:
        draft.features.add("probit")
    if kind == "bernoulli":
        draft.columns["y"] = list(rng.binomial(1, prob).astype(float))
        return family, "y", None, None
    trials = rng.integers(1, 13, size=n)
    successes = rng.binomial(trials, prob)
    draft.columns["s"], draft.columns["t"] = list(successes.astype(float)), list(trials.astype(float))
    if kind == "proportion":
        del draft.columns["s"]
        draft.columns["y"] = list(successes / trials)
        return family, "y", "t", None
    return family, "cbind(s, t - s)", None, None


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(x)


@st.composite
def glmm_designs(draw, structures: tuple[str, ...] = STRATA) -> GeneratedDesign:
    """Draw one glmer design (see the module docstring).

    Parameters
    ----------
    structures : tuple of str
        Which of :data:`STRATA` (``single``, ``crossed``, ``nested``) to draw from.

    Returns
    -------
    GeneratedDesign
        With ``family`` (R text) and ``nAGQ`` set; ``reml`` is False (glmer fits by ML).
    """
    draft = _Draft(np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="data seed")))
    kind = draw(st.sampled_from(structures), label="structure")
    random, tags, _ = draw(st.sampled_from(_RANDOM[kind]), label="random part")
    draft.random = random
    draft.features.update(tags)
    _groups(draw, draft, kind)
    _size_rows(draft)
    eta = _linear_predictor(draw, draft, "slope_numeric" in tags)
    family, response, weights, offset = _response(draw, draft, eta)
    if draw(st.booleans(), label="x in fixed part"):
        draft.fixed.insert(0, "x")
    n_agq = 1
    if _flag(draw, "nAGQ = 0", 6):
        n_agq = 0
        draft.features.add("nAGQ0")
    elif random in ("(1 | g)", "(0 + x | g)") and _flag(draw, "quadrature", 2):
        n_agq = draw(st.sampled_from((3, 5)), label="nodes")
        draft.features.add("quadrature")
    factors = tuple(draft.factors)
    names = {f.name for f in factors}
    frame = make_frame({c: v if c in names else list(np.asarray(v, float))
                        for c, v in draft.columns.items()}, factors)
    formula = f"{response} ~ {' + '.join(draft.fixed) or '1'} + {random}"
    return GeneratedDesign(frame[[c for c in _ORDER if c in frame.columns]], factors, formula,
                           False, weights, offset,
                           tuple(f for f in GLMM_FEATURES if f in draft.features),
                           family=family, nAGQ=n_agq)
