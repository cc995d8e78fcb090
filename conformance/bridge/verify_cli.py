"""``pylme verify script.R``: every model an R script fits, refitted in pylme and compared.

Usage::

    pylme verify script.R [--python script.py] [--json FILE] [--html FILE]
                          [--timeout SECONDS] [--memory MB] [--quiet]
    python -m conformance.bridge.verify_cli script.R ...

The script runs in a fresh R (a child process, working directory = the script's folder)
with lme4's ``lmer``, ``glmer`` (and through them ``lmerTest::lmer`` and ``update``),
``refit``, ``glmer.nb`` and ``nlmer`` instrumented, wherever they are called: top level,
functions, loops, ``lapply``, pipes. Each captured model is fitted again by pylme on the
captured data and compared with R's fitted object quantity by quantity under the
conformance tiers (θ, objective, β, σ, standard errors, VarCorr, BLUPs, the printed
summary, warnings and messages); ``anova(m1, m2, ...)`` tables of captured models are
compared too. The script's own output, warnings and errors are shown as it runs.

With ``--python script.py`` the translated Python script runs too (a child Python process
recording its pylme fits, ``pylme.recording``), and its fits, paired with R's in order and
by formula, are compared with R's instead of pylme's own refits.

Exit status
-----------
0  every model and anova passes (unsupported models and models R failed on are listed,
   not failures)
1  a mismatch: a quantity outside its tier, pylme failing where R succeeded, a model
   whose inputs could not be captured, an unpaired fit or a Python script that exited with
   an error (``--python``)
2  usage or script error before any capture (the script does not exist or parse, R/rpy2
   unavailable, the capture child died)
3  timeout (``--timeout``): the R script, or the Python script, ran too long; the models
   captured (recorded) before it was stopped are verified and shown all the same

``--timeout`` bounds each script's own run. The R script is stopped by R's elapsed time
limit (and, should it catch that error, at its next model fit); the R child then extracts
what it captured, and is killed only if it is still running after twice ``--timeout`` plus
a minute (a script blocked where R never checks its time limit, such as ``Sys.sleep``).
The Python script is interrupted (``KeyboardInterrupt``) at ``--timeout``, so that its
recorded fits are written, and killed 30 seconds later.
"""

from __future__ import annotations

import argparse
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["configure", "handler", "main", "EXIT_OK", "EXIT_MISMATCH", "EXIT_USAGE",
           "EXIT_TIMEOUT"]

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_TIMEOUT = 0, 1, 2, 3
_ROOT = Path(__file__).resolve().parents[2]  # the repository (conformance/ lives here)
#: Seconds a Python script gets, after its KeyboardInterrupt, to write its recorded fits.
_PYTHON_GRACE = 30.0


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of the ``verify`` sub-command."""
    parser.description = __doc__.split("\n\n")[0]
    parser.epilog = ("exit status: 0 all pass, 1 any mismatch (or the --python script "
                     "exited with an error), 2 usage/script error before any capture, 3 timeout")
    parser.add_argument("script", type=Path, help="the R script to run and verify")
    parser.add_argument("--python", type=Path, default=None, metavar="SCRIPT.py",
                        help="a Python translation: compare its pylme fits with R's")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="write the machine-readable outcome (for CI)")
    parser.add_argument("--html", type=Path, default=None, metavar="FILE",
                        help="write the reviewer's HTML report")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="limit for each script (default 600)")
    parser.add_argument("--memory", type=int, default=8192, metavar="MB",
                        help="address-space limit of the R child (default 8192; 0: none)")
    parser.add_argument("--quiet", action="store_true",
                        help="hide the scripts' own output; print only the table")


def handler(args: argparse.Namespace) -> int:
    """Run ``verify`` as described by `args`; return the exit status."""
    script = Path(args.script)
    if not script.is_file():
        print(f"pylme verify: no such script: {script}", file=sys.stderr)
        return EXIT_USAGE
    if args.python is not None and not Path(args.python).is_file():
        print(f"pylme verify: no such Python script: {args.python}", file=sys.stderr)
        return EXIT_USAGE
    notes: list[str] = []
    python_run = {"late": False, "exit": 0}  # how the Python script ended (_record_python)
    with tempfile.TemporaryDirectory(prefix="pylme-verify-") as tmp:
        captured = _capture(script, Path(tmp) / "r.pickle", args)
        if isinstance(captured, int):
            return captured
        timed_out = getattr(captured, "timed_out", None)
        if timed_out:
            notes.append(f"the R script ran longer than --timeout {args.timeout:g}s and was "
                         f"stopped at line {timed_out.get('line')}; the models captured "
                         "before are verified above")
        recorded = None
        if args.python is not None:
            recorded = _record_python(Path(args.python), Path(tmp) / "py.pickle", args, notes,
                                      python_run)
            if isinstance(recorded, int):
                return recorded
    from conformance.bridge.compare import pair_python, verify_captures
    from conformance.bridge.report import (Outcome, console_table, write_html, write_json)

    if recorded is None:
        models, anovas, _ = verify_captures(captured)
        mode = "pylme refit"
    else:
        models, anovas = pair_python(captured, recorded), []
        mode = f"python script {args.python}"
    late = bool(timed_out) or python_run["late"]
    outcome = Outcome(str(script), models, anovas, captured.script_error, mode,
                      captured.versions, notes, late)
    print(console_table(outcome))
    if args.json is not None:
        print(f"JSON: {write_json(args.json, outcome)}")
    if args.html is not None:
        print(f"HTML report: {write_html(args.html, outcome)}")
    if late:
        slow = " and ".join(str(p) for p, was in ((script, timed_out), (args.python, python_run["late"]))
                            if was)
        print(f"pylme verify: {slow} ran longer than --timeout {args.timeout:g}s",
              file=sys.stderr)
        return EXIT_TIMEOUT
    if python_run["exit"]:  # a translation that crashes is a failed migration
        print(f"pylme verify: {args.python} exited with status {python_run['exit']}",
              file=sys.stderr)
        return EXIT_MISMATCH
    return EXIT_MISMATCH if outcome.failed else EXIT_OK


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    return env


def _run(cmd: list[str], args: argparse.Namespace, cwd: Path, env: dict, limit: float,
         interrupt: bool = False) -> tuple[int | None, bool]:
    """Run a child for at most `limit` seconds.

    With `interrupt`, the child gets SIGINT at `limit` and :data:`_PYTHON_GRACE` seconds
    more to end. Returns (exit status or None when it was killed, whether it ran past
    `limit`).
    """
    out = subprocess.DEVNULL if args.quiet else None
    with subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=out) as proc:
        try:
            return proc.wait(timeout=limit), False
        except subprocess.TimeoutExpired:
            pass
        if interrupt:
            proc.send_signal(signal.SIGINT)
            try:
                return proc.wait(timeout=_PYTHON_GRACE), True
            except subprocess.TimeoutExpired:
                pass
        proc.kill()
        proc.wait()
        return None, True


def _capture(script: Path, out: Path, args: argparse.Namespace):
    """The R child's :class:`ScriptCapture`, or an exit status."""
    cmd = [sys.executable, "-m", "conformance.bridge.capture", str(script.resolve()), str(out)]
    if args.memory:
        cmd += ["--memory", str(args.memory)]
    cmd += ["--timeout", repr(float(args.timeout))]
    # the child stops the script at --timeout itself; the rest is for extracting its captures
    code, _ = _run(cmd, args, script.resolve().parent, _child_env(), 2 * args.timeout + 60)
    if code is None:
        print(f"pylme verify: {script} ran longer than --timeout {args.timeout:g}s",
              file=sys.stderr)
        return EXIT_TIMEOUT
    if code != 0 or not out.exists():
        print(f"pylme verify: the R side failed (exit {code}) before capturing models",
              file=sys.stderr)
        return EXIT_USAGE
    with open(out, "rb") as fh:
        return pickle.load(fh)


def _record_python(script: Path, out: Path, args: argparse.Namespace, notes: list,
                   run: dict):
    """The Python script's recorded fits, or an exit status (``run["late"]`` set when the
    script was interrupted at ``--timeout``, ``run["exit"]`` when it exited with an error)."""
    from pylme.recording import ENV_VAR, load

    env = _child_env()
    env[ENV_VAR] = str(out)
    code, late = _run([sys.executable, str(script.resolve())], args, script.resolve().parent,
                      env, args.timeout, interrupt=True)
    if late and not out.exists():
        print(f"pylme verify: {script} ran longer than --timeout {args.timeout:g}s",
              file=sys.stderr)
        return EXIT_TIMEOUT
    if late:
        run["late"] = True
        notes.append(f"the Python script ran longer than --timeout {args.timeout:g}s and was "
                     "interrupted; its fits before that are compared")
    elif code != 0:
        run["exit"] = code
        notes.append(f"the Python script exited with status {code}; its fits before the "
                     "error are compared, and verify fails")
    if not out.exists():
        return []
    return load(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m conformance.bridge.verify_cli``."""
    parser = argparse.ArgumentParser(prog="pylme verify",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    configure(parser)
    return handler(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
