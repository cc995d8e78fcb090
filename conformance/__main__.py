"""Command line of the conformance harness.

Usage::

    python -m conformance regen [--tier fast|slow|all] [--case ID ...] [--no-datasets] [--out DIR]
    python -m conformance export-datasets [--name NAME ...]
    python -m conformance list [--tier ...]
    python -m conformance spread [--tier fast|slow|all] [--case ID ...] [--out DIR]

Extension point: every sub-command is one :class:`Command` in
:data:`COMMANDS`. To add ``run`` (pylme against R), append
``Command("run", "compare pylme with R", _configure_run, _run)``; nothing
else here needs to change.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conformance.cases import FAST, SLOW, select
from conformance.regen import aslr_disabled


@dataclass(frozen=True)
class Command:
    """One sub-command: its name, help, argument set-up and handler (returns exit code)."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


def _add_case_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tier", choices=(FAST, SLOW, "all"), default=FAST,
                        help="which tier of cases (default: fast)")
    parser.add_argument("--case", action="append", default=[], metavar="ID",
                        help="only this case (repeatable); overrides --tier")


def _selected(args: argparse.Namespace):
    tiers = (FAST, SLOW) if args.tier == "all" else (args.tier,)
    return select(ids=tuple(args.case), tiers=tiers)


def _configure_regen(parser: argparse.ArgumentParser) -> None:
    _add_case_selection(parser)
    parser.add_argument("--out", type=Path, default=None, help="r_reference directory")
    parser.add_argument("--no-datasets", action="store_true",
                        help="do not re-export pylme/datasets/data")


def _require_r() -> bool:
    """True when R with lme4 loads through rpy2; otherwise say how to get it."""
    from conformance.r_session import r_available

    ok, reason = r_available()
    if not ok:
        print(reason, file=sys.stderr)
    return ok


def _reexec_without_aslr() -> None:
    """Re-run this command without ASLR (see :func:`conformance.regen.reexec_without_aslr`)."""
    from conformance.regen import reexec_without_aslr

    reexec_without_aslr("conformance")


def _regen(args: argparse.Namespace) -> int:
    from conformance.regen import DEFAULT_OUT, regenerate

    if not _require_r():
        return 2
    if not aslr_disabled():
        print("warning: ASLR is on; some cases may differ from a previous run in the last "
              "bits (run under `setarch $(uname -m) -R`)", file=sys.stderr)
    start = time.perf_counter()
    if not args.no_datasets:
        from conformance.datasets_export import export_datasets

        export_datasets()
        print(f"datasets exported in {time.perf_counter() - start:.1f}s")
    timings = regenerate(args.out or DEFAULT_OUT, _selected(args))
    print(f"{len(timings)} cases in {sum(timings.values()):.1f}s "
          f"(total {time.perf_counter() - start:.1f}s)")
    return 0


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", action="append", default=[], help="dataset (repeatable)")
    parser.add_argument("--out", type=Path, default=None, help="destination directory")


def _export(args: argparse.Namespace) -> int:
    if not _require_r():
        return 2
    from conformance.cases import LOCAL_DATA
    from conformance.datasets_export import DEFAULT_OUT, export_datasets

    export_datasets(args.out or DEFAULT_OUT, names=args.name)
    # the harness's own data sets (r_reference/data), made in R with set.seed
    from conformance.local_data import write_local_data
    from conformance.r_session import RSession

    local = [d for d in LOCAL_DATA if not args.name or d.name in args.name]
    session = RSession() if local else None
    for data in local:
        for path in write_local_data(session, data):
            print(f"wrote {path}")
    return 0


def _configure_spread(parser: argparse.ArgumentParser) -> None:
    _add_case_selection(parser)
    parser.add_argument("--out", type=Path, default=None, help="r_reference directory")


def _spread(args: argparse.Namespace) -> int:
    """Measure lme4's own spread over row permutations (``conformance.r_spread``)."""
    from conformance.r_spread import write_spread
    from conformance.regen import DEFAULT_OUT

    if not _require_r():
        return 2
    path = write_spread(args.out or DEFAULT_OUT, _selected(args))
    print(f"wrote {path}")
    return 0


def _list(args: argparse.Namespace) -> int:
    for case in _selected(args):
        model = (f"  [glmer {case.family}{f', nAGQ = {case.nAGQ}' if case.nAGQ != 1 else ''}]"
                 if case.is_glmm else "")
        print(f"{case.id:34s} {case.tier:5s} {'REML' if case.reml else 'ML  '} "
              f"{case.dataset:10s} {case.formula}{model}")
    return 0


COMMANDS: list[Command] = [
    Command("regen", "fit every case in R and rewrite r_reference/ (and the datasets)",
            _configure_regen, _regen),
    Command("export-datasets", "export pylme/datasets/data (and r_reference/data) from R",
            _configure_export, _export),
    Command("list", "list the registered cases", _add_case_selection, _list),
    Command("spread", "measure lme4's own spread over row permutations "
            "(r_reference/spread.json)", _configure_spread, _spread),
]
COMMANDS.append(Command("run", "compare pylme with lme4", *__import__("conformance.run").run.HOOKS))


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` and run the chosen sub-command."""
    parser = argparse.ArgumentParser(prog="python -m conformance",
                                     description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.configure(sub.add_parser(command.name, help=command.help))
    args = parser.parse_args(argv)
    if args.command == "regen" and argv is None:
        _reexec_without_aslr()
    handler = next(c.handler for c in COMMANDS if c.name == args.command)
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
