"""The single, declarative registry of conformance cases and their datasets.

Every model pylme is compared with lme4 on is one :class:`Case` in
:data:`CASES`; every dataset shipped in ``pylme.datasets`` is one
:class:`DatasetSource` in :data:`DATASETS`. Nothing here imports R, so the
registry is usable (and hashable into ``r_reference/meta.json``) without it.

Case ids are stable: ``<dataset>_<model>_<reml|ml>`` plus a suffix for a
non-default control. Never rename an id; add a new case instead. A GLMM case (``glmer``)
has a ``family``; it is fitted by maximum likelihood, so its id ends in ``_ml``.

Datasets that no R package ships (a simulated GLMM data set) are :class:`LocalData`:
R code with ``set.seed`` makes them once, ``python -m conformance export-datasets``
writes them to ``r_reference/data/<name>.csv`` with every double at 17 significant
digits, and both R and pylme read that file, so both fit the very same numbers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

FAST = "fast"
SLOW = "slow"


@dataclass(frozen=True)
class DatasetSource:
    """Where a shipped dataset comes from in R.

    Attributes
    ----------
    name : str
        Name in ``pylme.datasets`` (and the R variable a case's data is bound to).
    package : str
        R package that ships the data (for version, licence and citation).
    r_expr : str
        R expression that evaluates to the data frame.
    rd_topic : str
        Help topic documenting it (title and description come from there).
    """

    name: str
    package: str
    r_expr: str
    rd_topic: str


# HSB as in the seed tutorials (School, Sector, SES, MathAch, cses first, the
# same merge so the row order is R's), widened with the other student and
# school columns; cses is computed in R so it is bit-identical to R's ave().
HSB_R = """local({
  h <- merge(nlme::MathAchSchool[, c("School", "Sector", "Size", "PRACAD", "DISCLIM", "HIMINTY")],
             as.data.frame(nlme::MathAchieve)[, c("School", "Minority", "Sex", "SES", "MathAch",
                                                   "MEANSES")],
             by = "School")
  h$cses <- h$SES - ave(h$SES, h$School)
  h[, c("School", "Sector", "SES", "MathAch", "cses", "Minority", "Sex", "MEANSES", "Size",
        "PRACAD", "DISCLIM", "HIMINTY")]
})"""

#: nlme's data sets (all of them; bdf and Oxboys are also in mlmRev, nlme's come first).
_NLME_DATA = (
    "Orthodont", "Oxboys", "ergoStool", "MathAchieve", "MathAchSchool", "Machines", "Rail",
    "Oats", "BodyWeight", "Pixel", "Alfalfa", "Assay", "Ovary", "Wafer", "Dialyzer", "Gun",
    "Muscle", "bdf", "Cefamandole", "Earthquake", "Fatigue", "Gasoline", "Glucose", "Glucose2",
    "IGF", "Meat", "Milk", "Nitrendipene", "Oxide", "PBG", "Phenobarb", "Quinidine", "Relaxin",
    "Remifentanil", "Soybean", "Spruce", "RatPupWeight", "Tetracycline1", "Tetracycline2",
    "Wheat", "Wheat2",
)
#: mlmRev's data frames not shipped before (s3bby is a matrix, not a data frame).
_MLMREV_DATA = ("Exam", "Hsb82", "Gcsemv", "ScotsSec", "egsingle", "Early", "Chem97", "Mmmec",
                "guImmun", "guPrenat", "Socatt", "s3bbx")
#: R's datasets package: the data frames tutorials of (mixed) linear models use.
_R_DATASETS = (
    "ChickWeight", "CO2", "Orange", "sleep", "ToothGrowth", "warpbreaks", "InsectSprays",
    "PlantGrowth", "iris", "mtcars", "airquality", "esoph", "npk", "OrchardSprays", "Loblolly",
    "Indometh", "Theoph", "cars", "chickwts", "trees", "women", "faithful", "Puromycin", "DNase",
    "BOD", "USArrests", "swiss", "quakes", "stackloss", "attitude", "longley", "infert",
    "anscombe", "morley", "pressure", "LifeCycleSavings", "rock",
)

DATASETS: tuple[DatasetSource, ...] = (
    DatasetSource("sleepstudy", "lme4", "lme4::sleepstudy", "sleepstudy"),
    DatasetSource("Dyestuff", "lme4", "lme4::Dyestuff", "Dyestuff"),
    DatasetSource("Dyestuff2", "lme4", "lme4::Dyestuff2", "Dyestuff"),
    DatasetSource("Penicillin", "lme4", "lme4::Penicillin", "Penicillin"),
    DatasetSource("Pastes", "lme4", "lme4::Pastes", "Pastes"),
    DatasetSource("cake", "lme4", "lme4::cake", "cake"),
    DatasetSource("cbpp", "lme4", "lme4::cbpp", "cbpp"),
    DatasetSource("InstEval", "lme4", "lme4::InstEval", "InstEval"),
    DatasetSource("HSB", "nlme", HSB_R, "MathAchieve"),
    DatasetSource("star", "mlmRev", "mlmRev::star", "star"),
    DatasetSource("grouseticks", "lme4", "lme4::grouseticks", "grouseticks"),
    DatasetSource("VerbAgg", "lme4", "lme4::VerbAgg", "VerbAgg"),
    DatasetSource("Contraception", "mlmRev", "mlmRev::Contraception", "Contraception"),
    # Issue 10: the data R mixed-model scripts load (data(X, package = ...), nlme::X, bare
    # names after library()), so `pylme migrate` can translate them to pylme.datasets.load.
    DatasetSource("Arabidopsis", "lme4", "lme4::Arabidopsis", "Arabidopsis"),
    DatasetSource("grouseticks_agg", "lme4", "lme4::grouseticks_agg", "grouseticks"),
    # nlme's groupedData objects as plain data frames (ordered grouping factors kept)
    *(DatasetSource(n, "nlme", f"as.data.frame(nlme::{n})", n) for n in _NLME_DATA),
    *(DatasetSource(n, "mlmRev", f"mlmRev::{n}", n) for n in _MLMREV_DATA),
    # the same names from mlmRev, where nlme's come first (load(name, package = "mlmRev"))
    DatasetSource("Oxboys@mlmRev", "mlmRev", "mlmRev::Oxboys", "Oxboys"),
    DatasetSource("bdf@mlmRev", "mlmRev", "mlmRev::bdf", "bdf"),
    *(DatasetSource(n, "lmerTest", f"lmerTest::{n}", n) for n in ("ham", "carrots", "TVbo")),
    *(DatasetSource(n, "datasets", f"as.data.frame(datasets::{n})", "zCO2" if n == "CO2" else n)
      for n in _R_DATASETS),
)


def dataset_source(name: str) -> DatasetSource | None:
    """Return the :class:`DatasetSource` called `name`, or None."""
    return next((d for d in DATASETS if d.name == name), None)


@dataclass(frozen=True)
class LocalData:
    """A data set made in R by the harness and shipped as a CSV in ``r_reference/data``.

    Attributes
    ----------
    name : str
        The R variable the data are bound to (and the file ``r_reference/data/<name>.csv``).
    make_r : str
        R code (with ``set.seed``) evaluating to the data frame; run by ``python -m
        conformance export-datasets`` to write the CSV.
    factors : tuple of (str, tuple of str)
        Factor columns and their levels in R's order (the CSV holds labels).
    notes : str
        Where the data come from.
    """

    name: str
    make_r: str
    factors: tuple[tuple[str, tuple[str, ...]], ...] = ()
    notes: str = ""

    @property
    def csv_path(self) -> str:
        """The CSV, relative to the repository root (R reads it from there)."""
        return f"r_reference/data/{self.name}.csv"


#: glmer_spec.md §4.4: Gamma(log) data simulated in R (400 rows, 40 groups).
GAMMA_SIM = LocalData(
    "gdat",
    "local({set.seed(101); n <- 400; g <- factor(rep(1:40, each = 10)); x <- runif(n); "
    "b <- rnorm(40, sd = 0.5); mu <- exp(1 + 0.5 * x + b[g]); "
    "y <- rgamma(n, shape = 2, rate = 2 / mu); data.frame(y, x, g)})",
    factors=(("g", tuple(str(i) for i in range(1, 41))),),
    notes="glmer_spec.md §4.4, the simulated Gamma(link = 'log') model")

LOCAL_DATA: tuple[LocalData, ...] = (GAMMA_SIM,)


def local_data(name: str) -> LocalData | None:
    """Return the :class:`LocalData` called `name`, or None."""
    return next((d for d in LOCAL_DATA if d.name == name), None)


@dataclass(frozen=True)
class Case:
    """One lmer or glmer fit to reproduce.

    Attributes
    ----------
    id : str
        Stable identifier; also the file name ``r_reference/cases/<id>.json``.
    dataset : str
        A name in :data:`DATASETS` or :data:`LOCAL_DATA`, or an R expression evaluating
        to a data frame. The data are bound to ``data_name`` before fitting.
    formula : str
        lmer / glmer formula text, as written in R.
    reml : bool
        lmer's ``REML`` argument (False for GLMM cases: glmer has none).
    weights, offset : str or None
        R expressions evaluated in the data (lmer semantics); the evaluated
        vectors are stored in the reference too.
    control : str
        Arguments of ``lmerControl()`` (``glmerControl()`` for a GLMM) as R text
        ("" = defaults).
    tier : {"fast", "slow"}
        Slow cases (large data) are skipped by default.
    notes : str
        Why the case exists; anchors it reproduces.
    devfun_at : tuple of tuple of float
        Extra θ values at which the deviance function is evaluated.
    extras : tuple of (str, str)
        Extra (name, R expression) quantities, evaluated with ``fm`` bound.
    lrt_with : str or None
        Id of a nested case: ``anova()`` of the two fits is stored here.
    family : str or None
        glmer's ``family`` as R text (``binomial``, ``binomial(link = "probit")``,
        ``poisson``, ``Gamma(link = "log")``); None for an lmer case.
    nAGQ : int
        glmer's ``nAGQ`` (0: θ only; 1: Laplace; > 1: adaptive Gauss-Hermite).
    """

    id: str
    dataset: str
    formula: str
    reml: bool = True
    weights: str | None = None
    offset: str | None = None
    control: str = ""
    tier: str = FAST
    notes: str = ""
    devfun_at: tuple[tuple[float, ...], ...] = ()
    extras: tuple[tuple[str, str], ...] = ()
    lrt_with: str | None = None
    family: str | None = None
    nAGQ: int = 1

    @property
    def data_name(self) -> str:
        """R name the data are bound to (the dataset name, or ``data``)."""
        known = dataset_source(self.dataset) or local_data(self.dataset)
        return self.dataset if known else "data"

    @property
    def is_glmm(self) -> bool:
        """True for a glmer case (one with a family)."""
        return self.family is not None

    def to_dict(self) -> dict:
        """Plain-data view (JSON-friendly, tuples as lists).

        The GLMM fields are left out at their lmer defaults, so that an lmer case reads
        (and hashes) as it did before they existed.
        """
        out = json.loads(json.dumps(dataclasses.asdict(self)))
        if self.family is None and self.nAGQ == 1:
            del out["family"], out["nAGQ"]
        return out


def _pair(case: Case, **changes) -> tuple[Case, Case]:
    """`case` as REML and its ML twin (ids ``*_reml`` and ``*_ml``)."""
    base = case.id
    reml = dataclasses.replace(case, id=f"{base}_reml", reml=True)
    ml = dataclasses.replace(case, id=f"{base}_ml", reml=False, **changes)
    return reml, ml


_SLEEP = "Reaction ~ Days + (Days | Subject)"
_XTOL6 = "optCtrl = list(xtol_abs = 1e-6, ftol_abs = 1e-6)"

_DYESTUFF = _pair(
    Case("dyestuff", "Dyestuff", "Yield ~ 1 + (1 | Batch)", devfun_at=((1.0,), (0.0,)),
         notes="test-lmer.R:37-74: REML devfun(1)=319.792389042002, devfun(0)=326.023232155879"),
    devfun_at=((0.713,),),
    notes="test-lmer.R:50; MixedModels.jl objective!(fm1, 0.713) = 327.34216280954615",
)

#: θ far from the optimum, where the fixed effects' Schur complement X'WX − R_ZXᵀR_ZX is a
#: small difference of large numbers (pylme once lost 3e-10 relative there; lme4 is exact
#: to ~1e-16).
_LARGE_THETA = ((0.2756, -4.3765, 9.6367), (10.0, 3.0, 10.0))

_SLEEPSTUDY = (
    *_pair(Case("sleepstudy_slope", "sleepstudy", _SLEEP, devfun_at=_LARGE_THETA,
                extras=(("confint_wald", "confint(fm, method = 'Wald')"),
                        ("cor_vcov", "cov2cor(as.matrix(vcov(fm)))"),
                        ("chol_vcov", "chol(as.matrix(vcov(fm)))")),
                notes="REMLdev.R:23, lmer-0.R:47-51, confint.R:13")),
    *_pair(Case("sleepstudy_dblbar", "sleepstudy", "Reaction ~ Days + (Days || Subject)",
                notes="test-doubleVertNotation.R:25; lmer-1.R:52-62 (ML AIC/BIC)")),
    Case("sleepstudy_split_reml", "sleepstudy",
         "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)",
         notes="two terms on one factor; lme4 keeps them separate"),
    Case("sleepstudy_split_xtol6_reml", "sleepstudy",
         "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", control=_XTOL6,
         notes="test-ranef.R:72-79 (condval/condsd of subject 308 with tolerances 1e-6)"),
    *_pair(Case("sleepstudy_intercept", "sleepstudy", "Reaction ~ Days + (1 | Subject)",
                extras=(("hatvalues", "unname(hatvalues(fm))"),
                        ("rstudent", "unname(rstudent(fm))"),
                        ("cooks_distance", "unname(cooks.distance(fm))"),
                        ("confint_wald", "confint(fm, method = 'Wald')"),
                        ("range_residuals", "range(residuals(fm))")),
                notes="fit_sleepstudy_1: test-methods.R:319, :867-914; modFormula.R:24")),
    Case("sleepstudy_slope_only_reml", "sleepstudy", "Reaction ~ Days + (0 + Days | Subject)"),
    Case("sleepstudy_weighted_reml", "sleepstudy", _SLEEP, weights="Days + 1", devfun_at=_LARGE_THETA,
         notes="prior weights 1..10 (integer-valued, like replicate counts)"),
    Case("sleepstudy_offset_reml", "sleepstudy", _SLEEP, offset="10 * Days",
         notes="offset: Days slope shifts by -10, everything else unchanged"),
)

_PENICILLIN = (
    *_pair(Case("penicillin", "Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)",
                extras=(("predict_level0", "unname(predict(fm, re.form = NA))[1:6]"),),
                notes="test-predict.R:110-114 (fitted[1:6], level-0 prediction)")),
    Case("penicillin_plate_ml", "Penicillin", "diameter ~ 1 + (1 | plate)", reml=False,
         lrt_with="penicillin_ml", notes="nested ML fit, only for the LRT against penicillin_ml"),
)

_PASTES = (
    *_pair(Case("pastes_nested", "Pastes", "strength ~ 1 + (1 | batch/cask)")),
    *_pair(Case("pastes_batch_cask", "Pastes", "strength ~ 1 + (1 | batch:cask)")),
    *_pair(Case("pastes_cask_batch", "Pastes", "strength ~ 1 + (cask | batch)",
                notes="hard case: nloptwrap and bobyqa differ in the 4th digit of theta")),
    Case("pastes_cask_batch_bobyqa_reml", "Pastes", "strength ~ 1 + (cask | batch)",
         control="optimizer = 'bobyqa'",
         notes="reliability c.3: bobyqa reaches 246.0642583194 (nloptwrap 246.0642585326)"),
)

_OTHER_FAST = (
    Case("dyestuff_bobyqa_reml", "Dyestuff", "Yield ~ 1 + (1 | Batch)",
         control="optimizer = 'bobyqa'", notes="test-lmer.R:39 comment: bobyqa 1764.050060"),
    Case("dyestuff_start_reml", "Dyestuff", "Yield ~ 1 + (1 | Batch)",
         control="optimizer = NULL", notes="no optimisation: everything at lme4's start theta"),
    *_pair(Case("dyestuff2", "Dyestuff2", "Yield ~ 1 + (1 | Batch)",
                notes="singular fit (theta = 0); lmer-1.R:67")),
    *_pair(Case("cake_interaction", "cake", "angle ~ recipe * temperature + (1 | recipe:replicate)",
                notes="temperature is an ordered factor (contr.poly)")),
    *_pair(Case("cake_temp", "cake", "angle ~ temp + recipe + (1 | replicate)")),
    *_pair(Case("hsb_null", "HSB", "MathAch ~ (1 | School)")),
    *_pair(Case("hsb_cses", "HSB", "MathAch ~ cses + (1 | School)")),
    Case("sleepstudy_poly_reml", "sleepstudy", "Reaction ~ Days + (poly(Days, 2) | Subject)",
         notes="6 θ on a flat surface: BOBYQA's end point is sensitive to last-bit differences"),
    Case("cake_temperature_slope_reml", "cake", "angle ~ temperature + (temperature | recipe)",
         notes="21 θ (ordered-factor slope, contr.poly in Z), singular fit"),
)

_SLOW = (
    Case("insteval_service_dept_ml", "InstEval", "y ~ service * dept + (1 | s) + (1 | d)",
         reml=False, tier=SLOW, notes="MixedModels.jl: 237585.5534151695"),
    Case("insteval_service_3re_ml", "InstEval",
         "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)", reml=False, tier=SLOW,
         notes="MixedModels.jl: 237721.76877450474"),
    Case("star_math_reml", "star", "math ~ gr + sx + eth + cltype + (1 | id) + (1 | sch)",
         tier=SLOW, notes="mlmRev StarData vignette, chunk initialModel (mm1); NA rows dropped"),
)

def _glmm(case_id: str, dataset: str, formula: str, family: str, **kw) -> Case:
    """A glmer case: maximum likelihood (``reml=False``), the family as R text."""
    return Case(case_id, dataset, formula, reml=False, family=family, **kw)


_CBPP = "cbind(incidence, size - incidence) ~ period + (1 | herd)"
_GLMM = (
    _glmm("cbpp_binomial_ml", "cbpp", _CBPP, "binomial", lrt_with="cbpp_binomial_null_ml",
          extras=(("predict_level0", "unname(predict(fm, re.form = NA))[1:6]"),),
          notes="glmer_spec.md §4.4, App. A: -2logLik 184.053132779061, 18 + 285 evaluations; "
                "§5.1 population-level prediction -1.398342864"),
    _glmm("cbpp_binomial_null_ml", "cbpp", "cbind(incidence, size - incidence) ~ 1 + (1 | herd)",
          "binomial", notes="nested fit for the LRT against cbpp_binomial_ml (spec §5.5: "
                            "Chisq 25.61, Df 3, Pr 1.151e-05)"),
    _glmm("cbpp_binomial_agq0_ml", "cbpp", _CBPP, "binomial", nAGQ=0,
          notes="nAGQ = 0: stage 1 only (18 evaluations), vcov from R_X (spec §3.8)"),
    _glmm("cbpp_binomial_agq25_ml", "cbpp", _CBPP, "binomial", nAGQ=25,
          notes="adaptive Gauss-Hermite, 25 nodes: the deviance-residual scale, -2logLik "
                "100.010030540191 (spec §2.5, trap 1)"),
    _glmm("cbpp_probit_ml", "cbpp", _CBPP, 'binomial(link = "probit")',
          notes="probit link: 18 + 183 evaluations, -2logLik 185.242485142998"),
    _glmm("cbpp_proportion_ml", "cbpp", "incidence/size ~ period + (1 | herd)", "binomial",
          weights="size", notes="the cbpp model as proportions with weights = trials: the same "
                                "fit as cbind (spec §1.2)"),
    _glmm("cbpp_poisson_offset_ml", "cbpp", "incidence ~ period + offset(log(size)) + (1 | herd)",
          "poisson", notes="Poisson rate model: a formula offset (spec §1.3)"),
    _glmm("cbpp_slope_binomial_ml", "cbpp",
          "cbind(incidence, size - incidence) ~ period + (1 + as.numeric(period) | herd)",
          "binomial", notes="a correlated random slope: 3 θ with an off-diagonal one"),
    _glmm("grouseticks_poisson_ml", "grouseticks",
          "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", "poisson",
          notes="3 nested/crossed intercepts, reordered INDEX > BROOD > LOCATION; 111 + 1003 "
                "evaluations (spec §3.10)"),
    _glmm("verbagg_binomial_ml", "VerbAgg",
          "r2 ~ (Anger + Gender + btype + situ) + (1 | id) + (1 | item)", "binomial",
          notes="crossed id x item, 7584 rows: -2logLik 8151.40049020929, 48 + 385 evaluations"),
    _glmm("contraception_binomial_ml", "Contraception",
          "use ~ age + I(age^2) + urban + livch + (1 | district)", "binomial",
          notes="lme4's two convergence warnings (max|grad|, very large eigenvalue); lme4's own "
                "θ moves 0.4752186-0.4752361 and feval 358-412 over row permutations"),
    _glmm("gamma_log_ml", GAMMA_SIM.name, "y ~ x + (1 | g)", 'Gamma(link = "log")',
          notes="glmer_spec.md §4.4 simulated data: a family with a scale (σ 0.770326468811, "
                "t value with Pr(>|z|), a Residual row)"),
)

CASES: tuple[Case, ...] = (
    *_DYESTUFF, *_OTHER_FAST, *_PENICILLIN, *_SLEEPSTUDY, *_PASTES, *_SLOW, *_GLMM,
)


def get_case(case_id: str) -> Case:
    """Return the case with id `case_id`.

    Raises
    ------
    KeyError
        When no case has that id.
    """
    for case in CASES:
        if case.id == case_id:
            return case
    raise KeyError(f"no conformance case {case_id!r}")


def select(ids: tuple[str, ...] = (), tiers: tuple[str, ...] = (FAST,)) -> tuple[Case, ...]:
    """Cases named in `ids`, or else every case of the given `tiers`."""
    if ids:
        return tuple(get_case(i) for i in ids)
    return tuple(c for c in CASES if c.tier in tiers)


def case_list_sha256(cases: tuple[Case, ...] = CASES) -> str:
    """sha256 of the canonical JSON of `cases` (recorded in meta.json)."""
    text = json.dumps([c.to_dict() for c in cases], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_unique_ids() -> None:
    ids = [c.id for c in CASES]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:  # a registry error, caught at import
        raise ValueError(f"duplicate case ids: {sorted(duplicated)}")


_check_unique_ids()
