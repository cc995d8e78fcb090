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
   whose inputs could not be captured, an unpaired fit (``--python``)
2  usage or script error before any capture (the script does not exist or parse, R/rpy2
   unavailable, the capture child died)
3  timeout (``--timeout``): the R script, or the Python script, ran too long
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["configure", "handler", "main", "EXIT_OK", "EXIT_MISMATCH", "EXIT_USAGE",
           "EXIT_TIMEOUT"]

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_TIMEOUT = 0, 1, 2, 3
_ROOT = Path(__file__).resolve().parents[2]  # the repository (conformance/ lives here)


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of the ``verify`` sub-command."""
    parser.description = __doc__.split("\n\n")[0]
    parser.epilog = ("exit status: 0 all pass, 1 any mismatch, 2 usage/script error before "
                     "any capture, 3 timeout")
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
    with tempfile.TemporaryDirectory(prefix="pylme-verify-") as tmp:
        captured = _capture(script, Path(tmp) / "r.pickle", args)
        if isinstance(captured, int):
            return captured
        recorded = None
        notes = []
        if args.python is not None:
            recorded = _record_python(Path(args.python), Path(tmp) / "py.pickle", args, notes)
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
    outcome = Outcome(str(script), models, anovas, captured.script_error, mode,
                      captured.versions, notes)
    print(console_table(outcome))
    if args.json is not None:
        print(f"JSON: {write_json(args.json, outcome)}")
    if args.html is not None:
        print(f"HTML report: {write_html(args.html, outcome)}")
    return EXIT_MISMATCH if outcome.failed else EXIT_OK


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    return env


def _run(cmd: list[str], args: argparse.Namespace, cwd: Path, env: dict) -> int | None:
    """Run a child with the timeout; None when it ran too long (it is killed)."""
    out = subprocess.DEVNULL if args.quiet else None
    try:
        return subprocess.run(cmd, cwd=cwd, env=env, timeout=args.timeout, stdout=out,
                              stderr=out).returncode
    except subprocess.TimeoutExpired:  # subprocess.run kills the child
        return None


def _capture(script: Path, out: Path, args: argparse.Namespace):
    """The R child's :class:`ScriptCapture`, or an exit status."""
    cmd = [sys.executable, "-m", "conformance.bridge.capture", str(script.resolve()), str(out)]
    if args.memory:
        cmd += ["--memory", str(args.memory)]
    code = _run(cmd, args, script.resolve().parent, _child_env())
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


def _record_python(script: Path, out: Path, args: argparse.Namespace, notes: list):
    """The Python script's recorded fits, or an exit status."""
    from pylme.recording import ENV_VAR, load

    env = _child_env()
    env[ENV_VAR] = str(out)
    code = _run([sys.executable, str(script.resolve())], args, script.resolve().parent, env)
    if code is None:
        print(f"pylme verify: {script} ran longer than --timeout {args.timeout:g}s",
              file=sys.stderr)
        return EXIT_TIMEOUT
    if code != 0:
        notes.append(f"the Python script exited with status {code}; its fits before the "
                     "error are compared")
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
