"""Hypothesis strategies that generate lmer designs (data, factors, formula, options).

:func:`designs` draws a :class:`GeneratedDesign`: a DataFrame with Categorical
factors of explicit levels, a formula, REML, weights and offset; it becomes a
conformance :class:`~conformance.cases.Case` with :meth:`GeneratedDesign.to_case`.
Drawn (tags in :data:`FEATURES`): one factor with unbalanced groups and
singletons, fully or partially crossed factors, nesting written ``g/h`` or
coded ``g:h`` (sub-level labels unique or reused); intercepts, numeric and
factor slopes, ``(x | g)`` and ``(x || g)``, several terms per factor;
numeric, factor and ordered-factor covariates, interactions, no intercept,
exactly collinear columns (dropped by lme4 with a message), a badly scaled
predictor; ordinary, pure-noise (near-singular) or within-group-centred
(boundary, θ = 0) responses; weights, offsets, NaN in y, x, the group or w,
unused levels; and deliberately invalid designs (one level, as many levels as
rows, n <= q), where both must fail with lme4's message.

Hypothesis draws only structure (counts, switches, choices), so it shrinks
towards fewer groups, features and rows; numbers come from a NumPy generator
seeded by a drawn integer, rounded to six decimals for readable reports
(doubles reach R unchanged through rpy2; case files write ``%.17g``, see
``conformance.generated_cases``). Nothing here imports R.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from conformance.cases import Case

#: Feature tags; a design lists the ones it exercises in ``features``.
FEATURES: tuple[str, ...] = (
    "crossed", "partial_crossed", "nested_slash", "nested_colon", "nested_reused_labels",
    "slope_numeric", "slope_factor", "correlated", "double_bar", "split_terms",
    "fixed_factor", "ordered_factor", "interaction", "no_intercept", "no_fixed",
    "rank_deficient", "bad_scale", "pure_noise", "exact_singular",
    "weights", "offset", "missing", "unused_levels", "singleton", "invalid",
)

#: Features the default generator leaves out; each entry says why (a case file
#: in r_reference/generated/ when it is a known pylme discrepancy).
DEFAULT_EXCLUDED: frozenset[str] = frozenset({
    # (empty: "no_fixed" was excluded while r_session could not read R's zero-length
    # vectors; it now reads them with np.array)
})

_DECIMALS = 6  # data are rounded to this many decimals (readable reports)
_MIN_ROWS = 14  # see _ensure_identifiable


@dataclass(frozen=True)
class FactorMeta:
    """R factor metadata of one column: level labels in R's order, ordered flag."""

    name: str
    levels: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True, eq=False)
class GeneratedDesign:
    """One generated lmer problem.

    Attributes
    ----------
    frame : pandas.DataFrame
        The data: float columns (NaN = missing) and Categorical factor columns.
    factors : tuple of FactorMeta
        Levels and ordered flag of every factor column (R's order).
    formula : str
        lmer formula text.
    reml : bool
        lmer's ``REML``.
    weights, offset : str or None
        Column names used as ``weights =`` and ``offset =`` (both an R
        expression and a pylme column name).
    features : tuple of str
        The :data:`FEATURES` this design exercises (a GLMM's:
        ``conformance.strategies_glmm.GLMM_FEATURES``).
    family : str or None
        glmer's ``family`` as R text for a GLMM design (None: an lmer design).
    nAGQ : int
        glmer's ``nAGQ`` (GLMM designs only).
    """

    frame: pd.DataFrame
    factors: tuple[FactorMeta, ...]
    formula: str
    reml: bool = True
    weights: str | None = None
    offset: str | None = None
    features: tuple[str, ...] = ()
    family: str | None = None
    nAGQ: int = 1

    @cached_property
    def digest(self) -> str:
        """sha256 (first 12 hex digits) of the design's canonical content."""
        content = {"formula": self.formula, "reml": self.reml, "weights": self.weights,
                   "offset": self.offset,
                   # a GLMM's family and nAGQ (absent for lmer designs: their ids stay)
                   **({"family": self.family, "nAGQ": self.nAGQ} if self.family else {}),
                   "factors": [[f.name, list(f.levels), f.ordered] for f in self.factors],
                   "data": {str(c): [None if pd.isna(v) else repr(v) if isinstance(v, float)
                                     else str(v) for v in self.frame[c].tolist()]
                            for c in self.frame.columns}}
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    @property
    def id(self) -> str:
        """Case id ``gen_<digest>_<reml|ml>`` (registry ids end in _reml/_ml)."""
        return f"gen_{self.digest}_{'reml' if self.reml else 'ml'}"

    def fit_kwargs(self) -> dict:
        """Keyword arguments of ``pylme.lmer`` / ``pylme.devfun`` besides formula and data
        (of ``pylme.glmer`` for a GLMM design: the family as a :mod:`pylme.families` object)."""
        if self.family:
            from conformance.py_side_glmm import family_from_r

            return {"family": family_from_r(self.family), "nAGQ": self.nAGQ,
                    "weights": self.weights, "offset": self.offset}
        return {"REML": self.reml, "weights": self.weights, "offset": self.offset}

    def to_case(self, case_id: str | None = None, dataset: str = "data", notes: str = "") -> Case:
        """The conformance case; the data are bound to ``data`` (pass ``frame=`` to fit_case)."""
        return Case(case_id or self.id, dataset, self.formula, reml=self.reml,
                    weights=self.weights, offset=self.offset, family=self.family,
                    nAGQ=self.nAGQ,
                    notes=notes or f"generated design: {', '.join(self.features) or 'basic'}")

    def __repr__(self) -> str:  # falsifying examples: a readable data dump
        factors = ", ".join(f"{f.name}={list(f.levels)}{' ordered' if f.ordered else ''}"
                            for f in self.factors)
        return (f"GeneratedDesign<{self.describe()}; factors: {factors}; "
                f"features: {', '.join(self.features)}>\n{self.frame.to_csv(index=False)}")

    def _repr_pretty_(self, printer, cycle) -> None:  # what Hypothesis' printer calls
        printer.text(repr(self))

    def describe(self) -> str:
        """One line: id, formula, options and size."""
        opts = ([f"family={self.family}", f"nAGQ={self.nAGQ}"] if self.family
                else [f"REML={self.reml}"])
        opts += [f"{k}={v}" for k, v in (("weights", self.weights), ("offset", self.offset)) if v]
        return f"{self.id}: {self.formula} [{', '.join(opts)}] n={len(self.frame)}"


def make_frame(columns: dict[str, list], factors: tuple[FactorMeta, ...]) -> pd.DataFrame:
    """A DataFrame with float columns and Categorical factors of the declared levels."""
    metas = {f.name: f for f in factors}
    data = {}
    for name, values in columns.items():
        if name in metas:
            meta = metas[name]
            data[name] = pd.Categorical(values, categories=list(meta.levels), ordered=meta.ordered)
        else:
            data[name] = np.asarray(values, dtype=float)
    return pd.DataFrame(data)


# ---------------------------------------------------------------- grouping structure
@dataclass
class _Draft:
    """Mutable working state while a design is drawn (frozen into GeneratedDesign)."""

    rng: np.random.Generator
    columns: dict[str, list] = field(default_factory=dict)
    factors: list[FactorMeta] = field(default_factory=list)
    features: set[str] = field(default_factory=set)
    groups: tuple[str, ...] = ()      # grouping columns whose effects enter y
    fixed: list[str] = field(default_factory=list)
    random: str = ""

    @property
    def n(self) -> int:
        return len(next(iter(self.columns.values())))

    def add_factor(self, name: str, labels: list, levels: list[str], ordered: bool = False):
        self.columns[name] = list(labels)
        self.factors.append(FactorMeta(name, tuple(levels), ordered))


def _shuffled(draft: _Draft, labels: list) -> list:
    return [labels[i] for i in draft.rng.permutation(len(labels))]


def _single(draw, draft: _Draft, min_k: int) -> None:
    k = draw(st.integers(min_k, max(8, min_k)), label="levels of g")
    sizes = draw(st.lists(st.integers(1, 6), min_size=k, max_size=k), label="group sizes")
    levels = [f"g{i + 1}" for i in range(k)]
    draft.add_factor("g", _shuffled(draft, [lv for lv, s in zip(levels, sizes) for _ in range(s)]),
                     levels)
    draft.groups = ("g",)


def _crossed(draw, draft: _Draft, partial: bool, min_k: int) -> None:
    kg = draw(st.integers(min_k, max(6, min_k)), label="levels of g")
    kh = draw(st.integers(2, 5), label="levels of h")
    g_levels, h_levels = [f"g{i + 1}" for i in range(kg)], [f"h{i + 1}" for i in range(kh)]
    if partial:  # each row meets a random h: some cells empty, some h levels maybe unused
        sizes = draw(st.lists(st.integers(1, 5), min_size=kg, max_size=kg), label="group sizes")
        g = [lv for lv, s in zip(g_levels, sizes) for _ in range(s)]
        h = [h_levels[i] for i in draft.rng.integers(0, kh, size=len(g))]
        draft.features.add("partial_crossed")
    else:
        reps = draw(st.integers(1, 2), label="replicates per cell")
        cells = [(a, b) for a in g_levels for b in h_levels for _ in range(reps)]
        if draw(st.booleans(), label="unbalanced"):  # delete a quarter of the cells' rows
            keep = np.sort(draft.rng.permutation(len(cells))[: max(3, (3 * len(cells)) // 4)])
            cells = [cells[i] for i in keep]
        g, h = [c[0] for c in cells], [c[1] for c in cells]
        draft.features.add("crossed")
    order = draft.rng.permutation(len(g))
    draft.add_factor("g", [g[i] for i in order], g_levels)
    draft.add_factor("h", [h[i] for i in order], h_levels)
    draft.groups = ("g", "h")


def _nested(draw, draft: _Draft, min_k: int) -> None:
    kg = draw(st.integers(min_k, max(5, min_k)), label="levels of g")
    subs = draw(st.lists(st.integers(1, 3), min_size=kg, max_size=kg), label="sub-levels per g")
    if sum(subs) == kg:  # g:h would be g again: two copies of one variance, unidentifiable
        subs[0] = 2
    reuse = draw(st.booleans(), label="reuse sub-level labels")
    g, h = [], []
    for i, m in enumerate(subs):
        for j in range(m):
            size = draw(st.integers(1, 4), label="sub-group size")
            g += [f"g{i + 1}"] * size
            h += [f"s{j + 1}" if reuse else f"g{i + 1}s{j + 1}"] * size
    h_levels = ([f"s{j + 1}" for j in range(max(subs))] if reuse else
                [f"g{i + 1}s{j + 1}" for i, m in enumerate(subs) for j in range(m)])
    order = draft.rng.permutation(len(g))
    draft.add_factor("g", [g[i] for i in order], [f"g{i + 1}" for i in range(kg)])
    draft.add_factor("h", [h[i] for i in order], h_levels)
    draft.groups = ("g", "h")
    if reuse:
        draft.features.add("nested_reused_labels")


# (random part, features) per structure; simplest first so shrinking prefers it
# The third element lists (grouping factor, columns of Z per level) per term, so
# that enough rows can be guaranteed (n > q); "f" slopes count 3 columns (max).
_SINGLE_TERMS = (
    ("(1 | g)", (), (("g", 1),)),
    ("(x | g)", ("slope_numeric", "correlated"), (("g", 2),)),
    ("(x || g)", ("slope_numeric", "double_bar"), (("g", 1),)),
    ("(0 + x | g)", ("slope_numeric",), (("g", 1),)),
    ("(1 | g) + (0 + x | g)", ("slope_numeric", "split_terms"), (("g", 1),)),
    ("(f | g)", ("slope_factor", "correlated"), (("g", 3),)),
    ("(0 + f | g)", ("slope_factor", "correlated"), (("g", 3),)),
    ("(1 | g) + (0 + f | g)", ("slope_factor", "split_terms"), (("g", 3),)),
)
_CROSSED_TERMS = (
    ("(1 | g) + (1 | h)", (), (("g", 1), ("h", 1))),
    ("(x | g) + (1 | h)", ("slope_numeric", "correlated"), (("g", 2), ("h", 1))),
    ("(1 | g) + (0 + x | h)", ("slope_numeric",), (("g", 1), ("h", 1))),
    ("(x || g) + (1 | h)", ("slope_numeric", "double_bar"), (("g", 1), ("h", 1))),
)
_NESTED_TERMS = (
    ("(1 | g/h)", ("nested_slash",), (("g", 1), ("g:h", 1))),
    ("(1 | g) + (1 | g:h)", ("nested_colon",), (("g", 1), ("g:h", 1))),
    ("(1 | g:h)", ("nested_colon",), (("g:h", 1),)),
    ("(x || g/h)", ("nested_slash", "slope_numeric", "double_bar"), (("g", 1), ("g:h", 1))),
)
_STRUCTURES = ("single", "crossed", "partial_crossed", "nested")


def _flag(draw, label: str, one_in: int = 4) -> bool:
    """A switch that is on in about one draw of `one_in` (and shrinks to off)."""
    return draw(st.integers(0, one_in - 1), label=label) == one_in - 1


def _allowed(options, exclude: frozenset[str]):
    return tuple(o for o in options if not set(o[1]) & exclude)


def _structure(draw, draft: _Draft, exclude: frozenset[str]) -> None:
    """Draw the grouping factors and the random part of the formula."""
    choices = [s for s in _STRUCTURES if s not in exclude
               and not (s == "nested" and {"nested_slash", "nested_colon"} <= exclude)]
    kind = draw(st.sampled_from(choices), label="structure")
    options = {"single": _SINGLE_TERMS, "nested": _NESTED_TERMS}.get(kind, _CROSSED_TERMS)
    draft.random, tags, terms = draw(st.sampled_from(_allowed(options, exclude)),
                                     label="random part")
    # p covariance components need groups to estimate them: with (f | g) on
    # two groups (6 parameters) the criterion is a ridge without an optimum
    min_k = max([2] + [p + 2 for g, p in terms if g == "g" and p > 1])
    if kind == "single":
        _single(draw, draft, min_k)
    elif kind == "nested":
        _nested(draw, draft, min_k)
    else:
        _crossed(draw, draft, kind == "partial_crossed", min_k)
    draft.features.update(tags)
    _ensure_identifiable(draft, terms)


def _ensure_identifiable(draft: _Draft, terms) -> None:
    """Copy random rows until n > levels and n > q for every term (lme4's checks).

    Without this about one design in ten fails those checks by accident;
    deliberately invalid designs come from :func:`_invalid` instead. At least
    :data:`_MIN_ROWS` rows: up to three may be lost to missing values and the
    fixed part may have up to nine columns, and n <= p leaves no residual
    degrees of freedom (a perfect fit, criterion −∞).
    """
    def levels(group: str) -> int:
        return len(set(zip(*(draft.columns[g] for g in group.split(":")))))

    needed = max(_MIN_ROWS, max(max(levels(g) * p, levels(g)) for g, p in terms) + 2)
    while draft.n < needed:
        row = int(draft.rng.integers(0, draft.n))
        for values in draft.columns.values():
            values.append(values[row])


# ---------------------------------------------------------------- covariates and formula
def _covariates(draw, draft: _Draft, exclude: frozenset[str]) -> None:
    """x always exists (random slopes may use it); f when used anywhere."""
    rng, n = draft.rng, draft.n
    between = _flag(draw, "x constant within g")  # between-group covariate
    if between and "slope_numeric" not in draft.features:
        per_level = rng.normal(size=len(draft.factors[0].levels))
        codes = [draft.factors[0].levels.index(v) for v in draft.columns["g"]]
        draft.columns["x"] = list(per_level[codes])
    else:
        draft.columns["x"] = list(rng.normal(size=n))
    need_f = "slope_factor" in draft.features
    if need_f or ("fixed_factor" not in exclude and draw(st.booleans(), label="factor f")):
        nf = draw(st.integers(2, 3), label="levels of f")
        ordered = "ordered_factor" not in exclude and draw(st.booleans(), label="ordered f")
        levels = [f"f{chr(ord('a') + i)}" for i in range(nf)]
        draft.add_factor("f", [levels[i] for i in rng.integers(0, nf, size=n)], levels, ordered)
        if ordered:
            draft.features.add("ordered_factor")


def _fixed_terms(draw, draft: _Draft, exclude: frozenset[str]) -> None:
    has_f = "f" in draft.columns
    if draw(st.booleans(), label="x in fixed part"):
        draft.fixed.append("x")
    if has_f and draw(st.booleans(), label="f in fixed part"):
        draft.fixed.append("f")
        draft.features.add("fixed_factor")
        if "x" in draft.fixed and "interaction" not in exclude and _flag(draw, "x:f", 2):
            draft.fixed.append("x:f")
            draft.features.add("interaction")
    if "rank_deficient" not in exclude and _flag(draw, "collinear column"):
        _collinear(draw, draft)
    if "bad_scale" not in exclude and _flag(draw, "badly scaled predictor"):
        scale = draw(st.sampled_from((1e4, 1e-4)))
        draft.columns["z"] = list(draft.rng.normal(size=draft.n) * scale)
        draft.fixed.append("z")
        draft.features.add("bad_scale")
    # an empty fixed part makes this y ~ 0 + (...|g) (p = 0, always ML): draw it more often
    if "no_intercept" not in exclude and _flag(draw, "no intercept", 6 if draft.fixed else 3):
        if not draft.fixed and "no_fixed" in exclude:
            draft.fixed.append("x")
        draft.fixed.insert(0, "0")
        draft.features.add("no_intercept" if len(draft.fixed) > 1 else "no_fixed")


def _collinear(draw, draft: _Draft) -> None:
    """A column lme4 must drop: an exact multiple or sum of kept columns, or a copy of f."""
    x = np.asarray(draft.columns["x"])
    kind = draw(st.sampled_from(("double", "sum", "factor_copy")), label="collinear kind")
    if kind == "factor_copy" and "f" in draft.fixed:
        meta = next(m for m in draft.factors if m.name == "f")
        relabel = {lv: lv.upper() for lv in meta.levels}
        draft.add_factor("f2", [relabel[v] for v in draft.columns["f"]], list(relabel.values()))
        draft.fixed.append("f2")
    elif kind == "sum":  # x3 = x + x2: collinear up to rounding (dqrdc2's tolerance)
        x2 = np.round(draft.rng.normal(size=draft.n), _DECIMALS)
        draft.columns["x2"], draft.columns["x3"] = list(x2), list(np.round(x, _DECIMALS) + x2)
        draft.fixed += [t for t in ("x",) if t not in draft.fixed] + ["x2", "x3"]
    else:  # doubling is exact in binary floating point
        draft.columns["x2"] = list(2.0 * np.round(x, _DECIMALS))
        draft.fixed += [t for t in ("x",) if t not in draft.fixed] + ["x2"]
    draft.features.add("rank_deficient")


def _formula(draft: _Draft) -> str:
    fixed = draft.fixed if draft.fixed else ["1"]
    return f"y ~ {' + '.join(fixed)} + {draft.random}"


# ---------------------------------------------------------------- response and options
def _response(draw, draft: _Draft, exclude: frozenset[str]) -> None:
    """y = 10 + 2x + group effects + noise (+ offset), per the drawn variance mode."""
    rng, n = draft.rng, draft.n
    modes = [m for m in ("normal", "pure_noise", "exact_singular") if m not in exclude]
    mode = draw(st.sampled_from(modes), label="variance mode")
    sd = draw(st.sampled_from((1.0, 0.3, 3.0)), label="group sd") if mode == "normal" else 0.0
    x = np.asarray(draft.columns["x"])
    y = 10.0 + 2.0 * x + rng.normal(size=n)
    for name in draft.groups:
        codes = pd.Categorical(draft.columns[name]).codes
        k = codes.max() + 1
        y += rng.normal(scale=sd, size=k)[codes] + x * rng.normal(scale=sd / 2, size=k)[codes]
        if "f" in draft.columns:
            fcodes = pd.Categorical(draft.columns["f"]).codes
            y += rng.normal(scale=sd / 2, size=(k, 3))[codes, fcodes]
    if mode == "exact_singular":  # noise centred within g: no between-group variation
        y = 10.0 + 2.0 * x + _centred(rng.normal(size=n), draft.columns["g"])
    if mode != "normal":
        draft.features.add(mode)
    draft.columns["y"] = list(y)


def _centred(values: np.ndarray, groups: list) -> np.ndarray:
    s = pd.Series(values)
    return (s - s.groupby(pd.Series(groups).astype(str).values).transform("mean")).to_numpy()


def _options(draw, draft: _Draft, exclude: frozenset[str]) -> tuple[str | None, str | None]:
    rng, n = draft.rng, draft.n
    weights = offset = None
    if "weights" not in exclude and _flag(draw, "weights", 3):
        integer = draw(st.booleans(), label="integer weights")
        w = rng.integers(1, 5, size=n).astype(float) if integer else rng.uniform(0.2, 4.0, size=n)
        draft.columns["w"] = list(w)
        draft.columns["y"] = list(np.asarray(draft.columns["y"]) + rng.normal(size=n) / np.sqrt(w))
        weights = "w"
        draft.features.add("weights")
    if "offset" not in exclude and _flag(draw, "offset", 3):
        o = rng.normal(scale=2.0, size=n)
        draft.columns["o"] = list(o)
        draft.columns["y"] = list(np.asarray(draft.columns["y"]) + o)
        offset = "o"
        draft.features.add("offset")
    return weights, offset


def _missing(draw, draft: _Draft, exclude: frozenset[str]) -> None:
    if "missing" in exclude or not _flag(draw, "missing values"):
        return
    targets = [c for c in ("y", "x", "g", "w") if c in draft.columns]
    for _ in range(draw(st.integers(1, 3), label="missing count")):
        column = draw(st.sampled_from(targets), label="missing column")
        row = int(draft.rng.integers(0, draft.n))
        draft.columns[column][row] = None if column == "g" else np.nan
    draft.features.add("missing")


def _unused_level(draw, draft: _Draft, exclude: frozenset[str]) -> None:
    """Declare a level no row has (R and pylme must both drop it)."""
    if "unused_levels" in exclude or not _flag(draw, "unused level"):
        return
    meta = draft.factors[0]
    draft.factors[0] = FactorMeta(meta.name, meta.levels + (f"{meta.name}_unused",), meta.ordered)
    draft.features.add("unused_levels")


# ---------------------------------------------------------------- invalid designs
_INVALID = ("one_level", "nlev_eq_n", "n_le_q")


def _invalid(draw, draft: _Draft) -> None:
    """A design lme4 refuses (checkNlevels / checkZdims); pylme must say the same."""
    kind = draw(st.sampled_from(_INVALID), label="invalid kind")
    k = draw(st.integers(2, 6), label="levels")
    if kind == "one_level":
        draft.add_factor("g", ["g1"] * (k + 2), ["g1"])
        draft.random = "(1 | g)"
    elif kind == "nlev_eq_n":
        draft.add_factor("g", [f"g{i + 1}" for i in range(k)], [f"g{i + 1}" for i in range(k)])
        draft.random = "(1 | g)"
    else:  # two rows per group: n = 2k = q of (x | g)
        draft.add_factor("g", [f"g{i // 2 + 1}" for i in range(2 * k)],
                         [f"g{i + 1}" for i in range(k)])
        draft.random = "(x | g)"
    draft.groups = ("g",)
    draft.columns["x"] = list(draft.rng.normal(size=draft.n))
    draft.columns["y"] = list(draft.rng.normal(size=draft.n))
    draft.fixed = ["x"]
    draft.features.add("invalid")


# ---------------------------------------------------------------- the strategy
@st.composite
def designs(draw, exclude: frozenset[str] = DEFAULT_EXCLUDED,
            methods: tuple[bool, ...] = (True, False)) -> GeneratedDesign:
    """Draw one lmer design.

    Parameters
    ----------
    exclude : frozenset of str
        :data:`FEATURES` (or structure names ``single``, ``crossed``,
        ``partial_crossed``, ``nested``; variance modes ``pure_noise``,
        ``exact_singular``) never to generate.
    methods : tuple of bool
        REML values to choose from (``(True,)`` for REML only).

    Returns
    -------
    GeneratedDesign
    """
    exclude = frozenset(exclude)
    draft = _Draft(np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="data seed")))
    if "invalid" not in exclude and _flag(draw, "invalid?", 6):
        _invalid(draw, draft)  # one design in six to twenty
        weights = offset = None
    else:
        _structure(draw, draft, exclude)
        _covariates(draw, draft, exclude)
        _fixed_terms(draw, draft, exclude)
        _response(draw, draft, exclude)
        weights, offset = _options(draw, draft, exclude)
        _missing(draw, draft, exclude)
        _unused_level(draw, draft, exclude)
    if min(pd.Series(draft.columns["g"]).value_counts(), default=0) == 1:
        draft.features.add("singleton")
    reml = draw(st.sampled_from(methods), label="REML")
    factors = tuple(draft.factors)
    names = {f.name for f in factors}
    frame = make_frame({c: v if c in names else list(np.round(np.asarray(v, float), _DECIMALS))
                        for c, v in draft.columns.items()}, factors)
    return GeneratedDesign(frame[[c for c in _ORDER if c in frame.columns]], factors,
                           _formula(draft), reml, weights, offset,
                           tuple(f for f in FEATURES if f in draft.features))


_ORDER = ("y", "x", "x2", "x3", "z", "f", "f2", "g", "h", "w", "o")  # readable CSVs
