"""``python -m conformance run``: fit every case in pylme and compare it with lme4.

Usage::

    python -m conformance run [--case ID ...] [--tier fast|slow|all] [--stored-only]
                              [--html PATH] [--generated N] [--generated-glmm N] [--seed S]
                              [--profile ci|long] [--verbose] [--no-inference]

For each registered case pylme's fit is compared with (a) the stored reference
``r_reference/cases/<id>.json`` and, when R/lme4 load through rpy2 and
``--stored-only`` is not given, (b) a live R fit; live R is also compared with
the stored file, and that *toolchain drift* is reported separately from pylme's
differences, never as a failure. The stored inference references (``r_reference/inference``:
Satterthwaite / Kenward-Roger tables, anova, drop1, likelihood-ratio tests, confint,
predict) are compared too, without R (``conformance.inference``; ``--no-inference``
skips them). Generated designs come from ``conformance.strategies.run_generated``
when that hook exists (default 200 lmer and 100 glmer designs with R, 0 without). The exit status is 1
when any pylme quantity fails (a recorded discrepancy that passes, XPASS, counts as a
failure so the record stays current), 0 otherwise; R drift alone never fails the run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.cases import FAST, SLOW, Case, select
from conformance.compare import QuantityResult, compare_case, compare_references
from conformance.regen import DEFAULT_OUT, load_reference
from conformance.report import (CaseRun, InferenceRun, console_report, is_failure, versions_text,
                                write_html)

__all__ = ["configure", "handler", "run_cases", "PROFILES", "HOOKS"]

DEFAULT_HTML = Path("conformance_report/index.html")

#: Defaults per profile: which tiers, how many generated designs (when R is there).
PROFILES = {"ci": {"tier": "all", "generated": 200, "generated_glmm": 100},
            "long": {"tier": "all", "generated": 2000, "generated_glmm": 1000}}


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of the ``run`` sub-command."""
    parser.add_argument("--case", action="append", default=[], metavar="ID",
                        help="only this case (repeatable); overrides --tier")
    parser.add_argument("--tier", choices=(FAST, SLOW, "all"), default=None,
                        help="which tier of cases (default: from --profile, i.e. all)")
    parser.add_argument("--stored-only", action="store_true",
                        help="compare with the stored references only, even when R is available")
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML, metavar="PATH",
                        help=f"HTML report (default {DEFAULT_HTML}); '-' for none")
    parser.add_argument("--generated", type=int, default=None, metavar="N",
                        help="generated designs to compare live (default: 200 with R, 0 without)")
    parser.add_argument("--generated-glmm", type=int, default=None, metavar="N",
                        help="generated glmer designs to compare live (default: 100 with R, "
                             "0 without)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the generated designs (default: the generator's own)")
    parser.add_argument("--profile", choices=tuple(PROFILES), default="ci",
                        help="defaults for --tier and --generated (ci: 200 designs; long: 2000)")
    parser.add_argument("--verbose", action="store_true",
                        help="print every quantity, not only failures and flags")
    parser.add_argument("--no-inference", action="store_true",
                        help="skip the stored inference references (r_reference/inference)")


def handler(args: argparse.Namespace) -> int:
    """Run the comparison described by `args`; return the exit status."""
    profile = PROFILES[args.profile]
    tier = args.tier or profile["tier"]
    tiers = (FAST, SLOW) if tier == "all" else (tier,)
    cases = select(ids=tuple(args.case), tiers=tiers)
    session = None if args.stored_only else _live_session()
    n_generated = args.generated if args.generated is not None else (
        profile["generated"] if session is not None else 0)
    n_glmm = args.generated_glmm if args.generated_glmm is not None else (
        profile["generated_glmm"] if session is not None else 0)
    start = time.perf_counter()
    runs = run_cases(cases, session, progress=_Progress(len(cases)))
    generated = _generated(n_generated, args.seed, session)
    generated_glmm = _generated(n_glmm, args.seed, session, kind="glmm")
    inference = [] if args.no_inference else _inference(tiers, tuple(args.case))
    header = _header(session, args, n_generated, inference, n_glmm)
    print("\n".join(f"{key}: {header[key]}" for key in _MACHINE_LINES if key in header) + "\n")
    print(console_report(runs, generated, verbose=args.verbose, inference=inference,
                         generated_glmm=generated_glmm))
    if str(args.html) != "-":
        path = write_html(args.html, runs, generated, header, inference, generated_glmm)
        print(f"\nHTML report: {path}")
    # R drift (live R vs the stored file) is reported, never failed: pylme is judged
    # against the stored reference and against live R separately
    failures = sum(is_failure(r) for run in runs for r in run.stored + (run.live or ()))
    failures += sum(is_failure(r) for r in generated) + sum(bool(run.error) for run in runs)
    failures += sum(is_failure(r) for r in generated_glmm)
    failures += sum(is_failure(r) for run in inference for r in run.results)
    failures += sum(bool(run.error) for run in inference)
    n_inference = sum(len(run.results) for run in inference)
    print(f"{len(runs)} cases, {len(generated)} generated-design quantities, "
          f"{len(generated_glmm)} generated-GLMM-design quantities, "
          f"{n_inference} inference quantities, {failures} failure(s), "
          f"{time.perf_counter() - start:.1f}s")
    return 1 if failures else 0


#: Header lines printed before the console report: which machines made the numbers.
_MACHINE_LINES = ("stored reference", "stored reference machine",
                  "lme4's own spread (r_reference/spread.json)", "this machine")


def _inference(tiers: tuple[str, ...], case_ids: tuple[str, ...]) -> list[InferenceRun]:
    """pylme against the stored inference references, a progress line per file on stderr."""
    from conformance.inference import run_inference

    def progress(run: InferenceRun) -> None:
        bad = sum(is_failure(r) for r in run.results) + bool(run.error)
        print(f"[inference] {run.file + '.json':34s} {len(run.results):4d} quantities "
              f"{run.seconds:6.2f}s {f'{bad} failing' if bad else 'ok'}", file=sys.stderr, flush=True)

    return run_inference(tiers, case_ids, progress)


def _live_session() -> Any:
    """An R session when R/lme4 load through rpy2, else None (and say why)."""
    from conformance.r_session import RSession, r_available

    ok, reason = r_available()
    if not ok:
        print(f"live R comparison skipped: {reason}", file=sys.stderr)
        return None
    return RSession()


class _Progress:
    """A counter line per case on stderr (no dependency on tqdm)."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def __call__(self, case_id: str, seconds: float, bad: int) -> None:
        self.done += 1
        state = f"{bad} failing" if bad else "ok"
        print(f"[{self.done:>3}/{self.total}] {case_id:34s} {seconds:6.2f}s {state}",
              file=sys.stderr, flush=True)


def run_cases(cases: tuple[Case, ...], session: Any = None, progress: Any = None,
              ref_dir: Path = DEFAULT_OUT) -> list[CaseRun]:
    """Compare every case with its stored reference (and live R when `session` is given)."""
    runs = []
    for case in cases:
        start = time.perf_counter()
        try:
            run = _run_case(case, session, ref_dir)
        except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others
            run = CaseRun(case.id, case.tier, error=f"harness error: {type(exc).__name__}: {exc}")
        runs.append(run)
        if progress is not None:
            bad = sum(is_failure(r) for r in run.stored + (run.live or ())) + bool(run.error)
            progress(case.id, time.perf_counter() - start, bad)
    return runs


def _run_case(case: Case, session: Any, ref_dir: Path) -> CaseRun:
    from conformance import py_side

    try:
        stored = load_reference(case.id, ref_dir)
    except FileNotFoundError:
        return CaseRun(case.id, case.tier, error=f"no reference file for {case.id}: run "
                                                 "`python -m conformance regen`")
    py = py_side.fit_case(case, stored)
    stored_results = tuple(compare_case(case.id, stored, py))
    live = drift = None
    seconds_r = 0.0
    if session is not None:
        from conformance.r_side import fit_case as r_fit_case

        start = time.perf_counter()
        live_ref = r_fit_case(session, case)
        seconds_r = time.perf_counter() - start
        # deterministic quantities are evaluated at the reference's θ̂: re-extract at live R's
        live_py = py if py.model is None else py_side.extract(
            py.model, case, live_ref, None, py.fit, py.seconds)
        live = tuple(compare_case(case.id, live_ref, live_py))
        drift = tuple(compare_references(case.id, stored, live_ref))
    return CaseRun(case.id, case.tier, stored_results, live, drift, py.seconds, seconds_r,
                   family=_family_label(case))


def _family_label(case: Case) -> str:
    """``binomial``, ``poisson, nAGQ = 25``, ... for a GLMM case; empty for lmer."""
    if not case.is_glmm:
        return ""
    return case.family + (f", nAGQ = {case.nAGQ}" if case.nAGQ != 1 else "")


def _generated(n: int, seed: int | None, session: Any, kind: str = "lmer") -> list[QuantityResult]:
    """Results of ``run_generated(n, seed, session)`` from ``conformance.strategies`` (or,
    where that engineer put it, ``conformance.generated``), when the hook exists; `kind`
    ``"glmm"``: glmer designs (``conformance.strategies_glmm``)."""
    if n <= 0:
        return []
    if session is None:
        print("generated designs skipped: they need live R", file=sys.stderr)
        return []
    hook = _generated_hook()
    if hook is None:
        print("generated designs skipped: no run_generated() in conformance.strategies or "
              "conformance.generated", file=sys.stderr)
        return []
    label = "generated GLMM designs" if kind == "glmm" else "generated designs"
    print(f"{label}: {n} (seed {'default' if seed is None else seed})", file=sys.stderr)
    extra = {"kind": kind} if kind != "lmer" else {}
    start = time.perf_counter()
    results = (hook(n, session=session, **extra) if seed is None
               else hook(n, seed, session, **extra))
    print(f"{label}: {len(getattr(results, 'designs', ()))} compared in "
          f"{time.perf_counter() - start:.1f}s", file=sys.stderr)
    return list(results)


def _generated_hook() -> Any:
    for name in ("conformance.strategies", "conformance.generated"):
        try:
            hook = getattr(importlib.import_module(name), "run_generated", None)
        except ImportError as exc:
            print(f"{name} not importable: {exc}", file=sys.stderr)
            continue
        if hook is not None:
            return hook
    return None


def _header(session: Any, args: argparse.Namespace, n_generated: int,
            inference: Sequence[InferenceRun] = (), n_glmm: int = 0) -> dict:
    import json
    import platform

    import pylme

    meta_path = DEFAULT_OUT / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    from conformance.machine import describe, machine_info
    from conformance.spread import spread_meta

    spread = spread_meta()
    return {"pylme": pylme.__version__, "python": platform.python_version(),
            "stored reference": f"{meta.get('r_version', '?')}, lme4 "
                                f"{meta.get('packages', {}).get('lme4', '?')}, generated "
                                f"{meta.get('generated', '?')}",
            "stored reference machine": describe(meta["machine"]) if "machine" in meta
            else "not recorded",
            "lme4's own spread (r_reference/spread.json)":
                f"{spread.get('permutations', '?')} row permutations per case, generated "
                f"{spread.get('generated', '?')} on "
                + (describe(spread["machine"]) if "machine" in spread else "?"),
            "this machine": describe(machine_info(session)),
            "live R": "yes" if session is not None else "no (stored references only)",
            **{f"inference reference {run.file}.json": versions_text(run.versions)
               for run in inference if not run.error},
            "profile": args.profile, "generated designs": n_generated,
            "generated GLMM designs": n_glmm,
            "generated at": time.strftime("%Y-%m-%d %H:%M:%S")}


#: (configure, handler) of the ``run`` sub-command, registered in ``conformance.__main__``.
HOOKS = (configure, handler)
