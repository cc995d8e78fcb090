"""Generated designs compared live: pylme against lme4 on Hypothesis-drawn models.

:func:`run_generated` draws `n` designs (``conformance.strategies.designs``; with
``kind="glmm"`` glmer designs, ``conformance.strategies_glmm.glmm_designs``)
with a fixed seed, fits each in R (``r_side.fit_case`` on the pandas frame)
and in pylme (``py_side.fit_case``), compares them with
``compare.compare_case`` under the tolerance tiers and re-checks what the
generated-design policy covers (``conformance.generated_policy``). Used by
``python -m conformance run --generated N`` and ``tests/live/test_generated_live.py``.

Two Hypothesis runs share one test function (hence one key in the example
database, ``.hypothesis/`` by default; lmer and GLMM designs have one each):

1. *survey*: replay the database's saved failing designs, then generate `n`
   designs; every design is compared, nothing raises, nothing is written to
   the database (it is opened read-only, so passing replays are not deleted);
2. *shrink* (only after a failure, for up to :data:`MAX_SHRUNK` distinct sets
   of failing quantities, smallest first): the same seed regenerates the same
   designs (comparisons are memoised), the first design failing on exactly
   that set raises, and Hypothesis shrinks it to a minimal design failing on
   exactly the same quantities. That design is saved in the database (it is
   replayed first next time) and written as a reproducible case directory
   (``conformance.generated_cases.write_case_dir``: data CSV, factor
   metadata, formula, options, failing quantities, a registry-ready case,
   repro.R and repro.py).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.database import ReadOnlyDatabase

from conformance.generated_cases import load_design, trimmed, write_case_dir
from conformance.generated_policy import KNOWN_GENERATED, apply_policy, failing, is_known
from conformance.strategies import DEFAULT_EXCLUDED, GeneratedDesign, designs

__all__ = ["run_generated", "compare_design", "GeneratedResults", "profile_size",
           "load_design", "write_case_dir", "KNOWN_GENERATED", "failing", "is_known",
           "DEFAULT_SEED", "DEFAULT_OUT"]

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "r_reference" / "generated"
DEFAULT_SEED = 20240607
#: Designs per profile (``PYLME_GENERATED_PROFILE``).
PROFILES = {"default": 200, "long": 2000}
MAX_SHRUNK = 3  # distinct failures shrunk per run (each costs up to a few minutes)


def profile_size(default: int | None = None) -> int:
    """Number of designs for ``PYLME_GENERATED_PROFILE`` (``default`` or ``long``)."""
    name = os.environ.get("PYLME_GENERATED_PROFILE", "default")
    if name not in PROFILES:
        raise ValueError(f"PYLME_GENERATED_PROFILE must be one of {sorted(PROFILES)}, got {name!r}")
    return PROFILES[name] if default is None or name != "default" else default


class GeneratedResults(list):
    """The QuantityResults of a run (a list), with what the run did as attributes.

    Attributes
    ----------
    designs : list of str
        Ids of the distinct designs compared, in order.
    failed : dict of str to list of str
        Failing quantities per failing design id.
    case_dirs : list of Path
        Case directories written for shrunk failures.
    features : Counter
        How many designs exercised each feature.
    seconds : dict of str to float
        Wall time of the R fits, of pylme fit + comparison, of shrinking, in total.
    """

    def __init__(self, results: Iterable = ()):
        super().__init__(results)
        self.designs: list[str] = []
        self.failed: dict[str, list[str]] = {}
        self.case_dirs: list[Path] = []
        self.features: Counter = Counter()
        self.seconds: dict[str, float] = {"r": 0.0, "pylme": 0.0, "shrink": 0.0, "total": 0.0}

    def summary(self) -> str:
        """A few lines: designs, pass counts, failures, feature coverage, timings."""
        n_pass = len(self.designs) - len(self.failed)
        quantities = sum(1 for r in self if not r.skipped)
        lines = [f"generated designs: {len(self.designs)} compared, {n_pass} passed, "
                 f"{len(self.failed)} failed; {quantities} quantities: "
                 f"{len(failing(self))} failed, "
                 f"{sum(1 for r in self if not r.passed and is_known(r))} known discrepancies, "
                 f"{sum(1 for r in self if r.flagged)} flagged",
                 "timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()),
                 "features: " + ", ".join(f"{k} {v}" for k, v in self.features.most_common())]
        for design_id, quantities_failed in self.failed.items():
            lines.append(f"FAILED {design_id}: {', '.join(quantities_failed)}")
        lines += [f"case file: {d}" for d in self.case_dirs]
        return "\n".join(lines)


class DesignFailure(AssertionError):
    """Raised inside the shrinking run so that Hypothesis minimises the design."""


def factor_specs(design: GeneratedDesign) -> dict:
    """``{column: FactorSpec}`` for ``r_side.fit_case`` (imports the R layer lazily)."""
    from conformance.r_session import FactorSpec

    return {f.name: FactorSpec(f.levels, f.ordered) for f in design.factors}


def compare_design(design: GeneratedDesign, session: Any,
                   timings: dict[str, float] | None = None) -> list:
    """Fit `design` in R and in pylme and compare every quantity (QuantityResults).

    The tiers' verdicts are then passed through :func:`apply_policy`.
    """
    from conformance import py_side
    from conformance.compare import compare_case
    from conformance.r_side import fit_case

    case = design.to_case()
    start = time.perf_counter()
    try:
        reference = fit_case(session, case, frame=design.frame, factors=factor_specs(design))
        middle = time.perf_counter()
        py = py_side.fit_case(case, reference, design.frame)
        results = compare_case(case.id, reference, py)
        if design.family and any(_path_dependent_failure(r) for r in results):
            env = _glmm_envelope(session, design)
            if env is not None:
                results = compare_case(case.id, reference, py, env=env)
        spreads = _spreads_if_worse(session, design, results)
        results = apply_policy(case.id, results, reference, py, design.features, spreads)
    except Exception as exc:  # noqa: BLE001 - a harness failure is a result, not a crash
        return [_harness_error(case.id, exc)]
    if timings is not None:
        timings["r"] += middle - start
        timings["pylme"] += time.perf_counter() - middle
    return results


def _spreads_if_worse(session: Any, design: GeneratedDesign, results: list,
                      permutations: int = 16) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """lme4's and pylme's optima on row-permuted copies, when pylme's objective failed.

    Row order changes only rounding, yet on flat designs the optimizers stop
    apart: on one design (y ~ f + (f | g), 23 rows) lme4 ended more than 1e-6
    above its best in 15 of 200 permutations (at most 1.1e-5), pylme in 6 of
    200 (at most 2.7e-6). See ``generated_policy._within_spread``. A GLMM design gets half
    the permutations (its fits cost 10-50 times more).
    """
    if all(r.passed for r in results if r.quantity == "optimizer.objective"):
        return (), ()
    import warnings

    import pylme
    from conformance.r_side import fit_call

    env, r_values, py_values = session.new_env(), [], []
    code = (f"local({{fm <- {fit_call(design.to_case())}; if (isGLMM(fm)) "
            "-2 * as.numeric(logLik(fm)) else if (isREML(fm)) REMLcrit(fm) else deviance(fm)})")
    fit_function = pylme.glmer if design.family else pylme.lmer
    try:
        for i in range(permutations // 2 if design.family else permutations):
            order = np.random.default_rng(i).permutation(len(design.frame))
            frame = design.frame.iloc[order].reset_index(drop=True)
            session.assign_frame("data", frame, env, factor_specs(design))
            r_values.append(session.get(code, env).value.values[0])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = fit_function(design.formula, frame, **design.fit_kwargs())
            py_values.append(float(fit.opt.fval))
    except Exception:  # noqa: BLE001 - no spread, no excuse: the strict verdict stands
        return (), ()
    return tuple(r_values), tuple(py_values)


def _path_dependent_failure(result: Any) -> bool:
    """A failing quantity that lme4's own spread could explain: one that follows the
    optimizer's end point (not the structure, not a value at lme4's own parameters, not
    a pylme exception)."""
    group = result.quantity.split(".", 1)[0]
    return (not result.passed and group in ("optimizer", "print", "fit", "lrt")
            and not result.detail.startswith(("pylme raised", "pylme did not produce")))


def _glmm_envelope(session: Any, design: GeneratedDesign, permutations: int = 8) -> Any:
    """lme4's own spread for a GLMM design, measured as ``python -m conformance spread``
    measures a registered case (``r_spread.GLMM_SPREAD_HELPER``), or None if R fails.

    A GLMM's end point is a Nelder-Mead stop on a piecewise-smooth criterion, and its
    standard errors come from a finite-difference Hessian of that criterion: on some
    designs lme4 itself moves them by 1e-3 between row orders. Measured only for a design
    with a failing quantity; the comparison is then redone against that envelope, as for
    the registered cases.
    """
    from conformance.r_side import fit_call, value_record
    from conformance.r_spread import GLMM_SPREAD_HELPER
    from conformance.spread import envelope_from_record

    env = session.new_env()
    session.run(GLMM_SPREAD_HELPER, env)
    session.assign_frame("data", design.frame, env, factor_specs(design))
    fitted = value_record(session, env, f"{{fm <- {fit_call(design.to_case())}; NULL}}")
    if fitted.get("kind") == "error":
        return None
    record = value_record(session, env, f"pylme_glmm_spread(fm, data, k = {permutations}L)")
    envelope = envelope_from_record(design.id, record)
    return envelope if envelope.measured else None


def _harness_error(case_id: str, exc: Exception) -> Any:
    from conformance.compare import QuantityResult

    return QuantityResult(case_id, "harness.error", "harness", float("nan"), float("nan"), False,
                          f"the harness raised {type(exc).__name__}: {exc}")


@dataclass
class _State:
    """What the shared Hypothesis test sees: memo, mode, the run's records."""

    session: Any
    out: GeneratedResults
    memo: dict[str, list] = field(default_factory=dict)
    # shrinking: the failure signature to keep. Exactly the same set of failing
    # quantities: "any one of them" let the shrinker drift to another bug
    target: frozenset[str] | None = None
    last_failure: tuple[GeneratedDesign, list] | None = None
    log: Callable[[str], None] | None = None
    wanted: int = 0  # distinct designs to compare in the survey

    def visit(self, design: GeneratedDesign) -> None:
        results = self.memo.get(design.id)
        if results is None:
            if self.target is None and len(self.out.designs) >= self.wanted:
                return  # Hypothesis' extra examples (see _settings): enough designs
            results = compare_design(design, self.session, self.out.seconds)
            self.memo[design.id] = results
            if self.target is None:  # survey: record every new design once
                self._record(design, results)
        bad = failing(results)
        if self.target is not None and self.target == set(bad):
            self.last_failure = (design, results)
            raise DesignFailure(f"{design.describe()}: {', '.join(bad)}")

    def _record(self, design: GeneratedDesign, results: list) -> None:
        self.out.extend(results)
        self.out.designs.append(design.id)
        self.out.features.update(design.features)
        bad = failing(results)
        if bad:
            self.out.failed[design.id] = bad
            if self.log:
                self.log(f"FAIL {design.describe()}: {', '.join(bad)}")
        self.shown = getattr(self, "shown", 0) + 1
        if self.log and self.shown % 50 == 0:
            self.log(f"{self.shown} designs compared, {len(self.out.failed)} failed")


def _hypothesis_test(state: _State, exclude: frozenset[str], kind: str = "lmer",
                     stratum: str | None = None):
    """The test both runs execute; its source is the example database's key (GLMM
    designs: one run per structure, ``strategies_glmm.STRATA``)."""
    if kind == "glmm":
        from conformance.strategies_glmm import STRATA, glmm_designs

        @given(glmm_designs((stratum,) if stratum else STRATA))
        def generated_glmm_design_matches_lme4(design: GeneratedDesign) -> None:
            state.visit(design)

        return generated_glmm_design_matches_lme4

    @given(designs(exclude))
    def generated_design_matches_lme4(design: GeneratedDesign) -> None:
        state.visit(design)

    return generated_design_matches_lme4


def _settings(n: int, shrinking: bool) -> settings:
    # A few drawn designs are duplicates (equal data, another choice sequence):
    # 10% more examples give n distinct designs; the surplus is skipped.
    common = dict(max_examples=n + n // 10 + 5, deadline=None, suppress_health_check=list(HealthCheck),
                  verbosity=Verbosity.quiet, print_blob=False, report_multiple_bugs=False)
    database = settings.default.database
    if shrinking:
        return settings(database=database, phases=(Phase.reuse, Phase.generate, Phase.shrink),
                        **common)
    return settings(database=None if database is None else ReadOnlyDatabase(database),
                    phases=(Phase.explicit, Phase.reuse, Phase.generate), **common)


def run_generated(n: int, seed: int = DEFAULT_SEED, session: Any = None, *,
                  out_dir: Path | str | None = None,
                  exclude: frozenset[str] = DEFAULT_EXCLUDED, shrink: bool = True,
                  log: Callable[[str], None] | None = None,
                  kind: str = "lmer") -> GeneratedResults:
    """Compare pylme with lme4 on `n` generated designs; shrink and save failures.

    Parameters
    ----------
    n : int
        Distinct designs to compare (database replays included).
    seed : int
        Hypothesis seed: the same seed and code give the same designs.
    session : conformance.r_session.RSession, optional
        A live R session (one is started when omitted).
    out_dir : path, optional
        Where failing designs' case directories go (default ``r_reference/generated``).
    exclude : frozenset of str
        Features never generated (``strategies.DEFAULT_EXCLUDED`` by default).
    shrink : bool
        Shrink failures to a minimal design and write its case directory.
    log : callable, optional
        Called with progress lines.
    kind : {"lmer", "glmm"}
        lmer designs (``strategies.designs``, `exclude` applies) or glmer designs
        (``strategies_glmm.glmm_designs``).

    Returns
    -------
    GeneratedResults
        Every QuantityResult of every design (a list), plus the run's summary.
    """
    if session is None:
        from conformance.r_session import RSession

        session = RSession()
    start = time.perf_counter()
    if kind not in ("lmer", "glmm"):
        raise ValueError(f"kind must be 'lmer' or 'glmm', got {kind!r}")
    state = _State(session, GeneratedResults(), log=log, wanted=0)
    runs = _runs(n, seed, kind)
    for stratum, size, run_seed in runs:
        state.wanted += size
        test = _hypothesis_test(state, exclude, kind, stratum)
        hypothesis_seed(run_seed)(_settings(size, shrinking=False)(test))()
    if shrink and state.out.failed:
        shrink_start = time.perf_counter()
        for target in _signatures(state.out.failed)[:MAX_SHRUNK]:
            path = _shrink(state, runs, exclude, target, Path(out_dir or DEFAULT_OUT), kind)
            if path is not None:
                state.out.case_dirs.append(path)
        state.out.seconds["shrink"] = time.perf_counter() - shrink_start
    state.out.seconds["total"] = time.perf_counter() - start
    return state.out


def _runs(n: int, seed: int, kind: str) -> list[tuple[str | None, int, int]]:
    """(stratum, designs, seed) of each Hypothesis run: one for lmer designs; for GLMM
    designs one per structure, `n` shared out evenly."""
    if kind != "glmm":
        return [(None, n, seed)]
    from conformance.strategies_glmm import STRATA

    k = len(STRATA)
    return [(s, n * (i + 1) // k - n * i // k, seed + i) for i, s in enumerate(STRATA)]


def _signatures(failed: dict[str, list[str]]) -> list[frozenset[str]]:
    """Distinct failure signatures (sets of failing quantities), smallest first."""
    seen = list(dict.fromkeys(frozenset(q) for q in failed.values()))
    return sorted(seen, key=len)


def _shrink(state: _State, runs: list, exclude: frozenset[str], target: frozenset[str],
            out_dir: Path, kind: str = "lmer") -> Path | None:
    state.target, state.last_failure = target, None
    try:
        for stratum, size, seed_value in runs:  # the run whose designs failed so
            test = _hypothesis_test(state, exclude, kind, stratum)
            try:
                hypothesis_seed(seed_value)(_settings(size, shrinking=True)(test))()
            except DesignFailure:
                break
    finally:
        state.target = None
    if state.last_failure is None:
        return None
    design, results = state.last_failure
    # named after the design as written (columns the model never reads are dropped)
    path = write_case_dir(design, out_dir / trimmed(design).id, results, seed_value)
    if state.log:
        state.log(f"shrunk to {design.describe()}; case files in {path}")
    return path
