"""The ``pylme`` command (``python -m pylme``): ``fit``, ``verify``, ``migrate``.

* ``pylme fit FORMULA DATA.csv`` fits ``lmer`` (or ``glmer`` with ``--family``) and
  prints lme4's ``summary()`` text.  The CSV is read as R's ``read.csv`` reads it:
  character columns stay character (R >= 4.0) and become factors only in the model
  frame, as in R; ``NA`` and empty numeric fields are missing; column names are made
  syntactic as ``check.names = TRUE`` makes them.
* ``pylme verify`` is :mod:`conformance.bridge.verify_cli`, ``pylme migrate`` is
  :mod:`pylme.migrate.cli`; both are imported only when their subcommand runs, so
  ``pylme --help`` and ``pylme fit`` need neither R nor rpy2.

:class:`Progress` is the progress line every subcommand uses: shown on a terminal only,
never when standard error is not a TTY or ``CI`` is set (``CI=true``), or with
``PYLME_NO_PROGRESS=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

__all__ = ["main", "build_parser", "Progress", "progress_enabled", "read_csv_like_r",
           "EXIT_OK", "EXIT_FAILURE", "EXIT_USAGE", "EXIT_INTERNAL", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_FAILURE = 1      # a fit failed, or verify found a mismatch
EXIT_USAGE = 2        # bad arguments, unreadable input, a bad formula, a missing component
EXIT_INTERNAL = 70    # a bug in pylme (sysexits' EX_SOFTWARE); --debug shows the traceback
EXIT_INTERRUPTED = 130

EPILOG = """\
exit status:
  0    success
  1    the model could not be fitted, or `verify` found a mismatch with R
  2    usage error: bad arguments or formula, unreadable data, unknown dataset,
       or a component the subcommand needs is not installed
  70   internal error in pylme (rerun with --debug for the traceback)
  130  interrupted

environment:
  CI=true, PYLME_NO_PROGRESS=1   no progress output (it is shown on a terminal only)
"""


# --- progress output ---------------------------------------------------------------


def progress_enabled(stream: TextIO | None = None) -> bool:
    """Whether progress output is wanted: ``stream`` (standard error) is a terminal and
    neither ``CI`` (``true``/``1``/``yes``) nor ``PYLME_NO_PROGRESS`` is set."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        return False
    if os.environ.get("PYLME_NO_PROGRESS", "").strip() not in ("", "0"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """A one-line progress display for long runs, silent off a terminal.

    >>> with Progress("fitting") as p:      # doctest: +SKIP
    ...     p.update("iteration 3")

    Parameters
    ----------
    label : str
        Shown before each update.
    stream : file, optional
        Where to write (standard error by default).
    enabled : bool, optional
        Force on/off; by default :func:`progress_enabled`.
    """

    def __init__(self, label: str = "", stream: TextIO | None = None, enabled: bool | None = None):
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.enabled = progress_enabled(self.stream) if enabled is None else bool(enabled)
        self._width = 0

    def update(self, text: str = "") -> None:
        """Replace the progress line with ``label text``."""
        if not self.enabled:
            return
        line = f"{self.label} {text}".strip()
        pad = max(0, self._width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        """Erase the progress line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
        self._width = 0

    def __enter__(self) -> "Progress":
        self.update()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# --- reading data as R's read.csv ---------------------------------------------------------

_NAME_OK = re.compile(r"^([A-Za-z]|[.](?![0-9]))[A-Za-z0-9._]*$")
_R_RESERVED = {"if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE",
               "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "in"}


def _make_names(names: Sequence[str]) -> list[str]:
    """R's ``make.names(names, unique = TRUE)`` (``read.csv``'s ``check.names``)."""
    out = []
    for name in names:
        s = re.sub(r"[^A-Za-z0-9._]", ".", str(name))
        if not _NAME_OK.match(s):
            s = "X" + s
        if s in _R_RESERVED:
            s += "."
        out.append(s)
    seen: dict[str, int] = {}  # make.unique: the second "a" is "a.1"
    taken = set(out)
    result = []
    for s in out:
        if s in seen:
            k = seen[s]
            while f"{s}.{k}" in taken:
                k += 1
            seen[s] = k + 1
            taken.add(f"{s}.{k}")
            result.append(f"{s}.{k}")
        else:
            seen[s] = 1
            result.append(s)
    return result


_TRUE = {"T", "TRUE", "true", "True"}
_FALSE = {"F", "FALSE", "false", "False"}


def _type_convert(col: Any) -> Any:
    """R's ``type.convert(as.is = TRUE)`` of a column read as text: logical, then
    integer/double, else character (empty fields are NA except in character columns)."""
    import pandas as pd

    values = col.astype(object)
    present = values[values.notna() & (values != "")]
    if len(present) and present.isin(_TRUE | _FALSE).all():
        return values.map(lambda v: True if v in _TRUE else False if v in _FALSE else None).astype(
            "boolean" if len(present) < values.notna().sum() or values.isna().any() else bool)
    stripped = values.where(values != "", None)
    numeric = pd.to_numeric(stripped.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
    if numeric[stripped.notna()].notna().all():
        if len(present) and (numeric.dropna() == numeric.dropna().round()).all() \
                and not present.str.contains(r"[.eE]", regex=True).any():
            return numeric.astype("float64") if numeric.isna().any() else numeric.astype("int64")
        return numeric.astype("float64")
    return values


def read_csv_like_r(path: str | os.PathLike) -> "Any":
    """A CSV file read as R's ``read.csv(path)`` reads it (R >= 4.0).

    Character columns stay strings (``stringsAsFactors = FALSE``): pylme, as R, makes
    them factors in the model frame, levels sorted.  Missing values are ``NA`` and empty
    fields of non-character columns; names pass through R's ``make.names``.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["NA"])
    data = pd.DataFrame({name: _type_convert(raw[name]) for name in raw.columns})
    data.columns = _make_names([str(c) for c in raw.columns])
    return data


# --- subcommands ----------------------------------------------------------------------------


class UsageError(Exception):
    """A problem with how the command was called (exit status 2)."""


def _lazy(module: str, what: str) -> Any:
    """Import a subcommand's module, or say plainly that it is not available."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UsageError(f"`pylme {what}` is not available: cannot import {module} ({exc}). "
                         f"Install pylme with its optional parts (pip install 'pylme[bridge]'); "
                         f"`verify` also needs R and rpy2.") from None


def _delegated(name: str, module: str, help_text: str) -> Callable[[argparse._SubParsersAction], None]:
    """A subcommand whose options and handler live in ``module`` (``configure``/``handler``)."""

    def add(sub: argparse._SubParsersAction) -> None:
        parser = sub.add_parser(name, help=help_text, description=help_text, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False)
        parser.set_defaults(_delegate=(name, module))

    return add


def _run_delegated(name: str, module: str, argv: Sequence[str], prog: str) -> int:
    mod = _lazy(module, name)
    parser = argparse.ArgumentParser(prog=f"{prog} {name}", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mod.configure(parser)
    args = parser.parse_args(list(argv))
    return int(mod.handler(args))


def _add_fit(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fit", help="fit lmer/glmer to a CSV file or a shipped dataset and print summary()",
        description="Fit a mixed model as lme4's lmer (or glmer with --family) and print "
                    "lme4's summary() text.",
        epilog=EPILOG + '\nexamples:\n  pylme fit "Reaction ~ Days + (Days | Subject)" --dataset sleepstudy\n'
               '  pylme fit "y ~ x + (1|g)" data.csv --family binomial\n',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("formula", help='an lme4 formula, e.g. "y ~ x + (1|g)" (quote it)')
    p.add_argument("data", nargs="?", help="a CSV file, read as R's read.csv reads it")
    p.add_argument("--dataset", metavar="NAME", help="a dataset shipped with pylme instead of a CSV "
                   "(e.g. sleepstudy, cbpp; see pylme.datasets.list_datasets())")
    p.add_argument("--family", help="glmer family: binomial, poisson, Gamma, inverse.gaussian, gaussian")
    p.add_argument("--link", help="the family's link (e.g. probit, cloglog, log)")
    reml = p.add_mutually_exclusive_group()
    reml.add_argument("--reml", dest="REML", action="store_true", default=None,
                      help="fit by REML (lmer's default)")
    reml.add_argument("--ml", dest="REML", action="store_false", help="fit by maximum likelihood")
    p.add_argument("--weights", metavar="COLUMN", help="prior weights: a column of the data")
    p.add_argument("--offset", metavar="COLUMN", help="an offset: a column of the data")
    p.add_argument("--nAGQ", type=int, default=1, metavar="K",
                   help="glmer: 1 Laplace (default), 0, or K > 1 quadrature nodes")
    p.add_argument("--data-name", metavar="NAME",
                   help="the name on summary()'s Data: line (default: the dataset or file name)")
    p.set_defaults(_handler=_fit)


def _data_name(path: str) -> str:
    stem = Path(path).stem
    return _make_names([stem])[0]


def _family(name: str | None, link: str | None) -> Any:
    if name is None:
        if link is not None:
            raise UsageError("--link needs --family")
        return None
    from . import families

    makers = {"binomial": families.binomial, "poisson": families.poisson, "Gamma": families.Gamma,
              "gamma": families.Gamma, "inverse.gaussian": families.inverse_gaussian,
              "inverse_gaussian": families.inverse_gaussian, "gaussian": families.gaussian}
    if name not in makers:
        raise UsageError(f"unknown --family {name!r}; choose from binomial, poisson, Gamma, "
                         "inverse.gaussian, gaussian")
    return makers[name]() if link is None else makers[name](link=link)


def _fit(args: argparse.Namespace) -> int:
    import pylme

    if (args.data is None) == (args.dataset is None):
        raise UsageError("give a CSV file or --dataset NAME (one of them)")
    if args.dataset is not None:
        data = pylme.datasets.load(args.dataset)
        name = args.dataset
    else:
        if not Path(args.data).is_file():
            raise UsageError(f"cannot open file '{args.data}': No such file")
        data = read_csv_like_r(args.data)
        name = _data_name(args.data)
    name = args.data_name or name
    family = _family(args.family, args.link)
    common = dict(weights=args.weights, offset=args.offset, data_name=name)
    with Progress(f"pylme fit: fitting {args.formula}"):
        if family is None or (family.family == "gaussian" and family.link.name == "identity"):
            if args.nAGQ != 1:
                raise UsageError("--nAGQ applies to glmer fits (give --family)")
            REML = True if args.REML is None else args.REML
            fit = pylme.lmer(args.formula, data, REML=REML, **common)
        else:
            if args.REML:
                raise UsageError("--reml applies to lmer fits; glmer fits are maximum likelihood")
            fit = pylme.glmer(args.formula, data, family=family, nAGQ=args.nAGQ, **common)
    text = str(fit.summary())
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


_SUBCOMMANDS = (
    _delegated("verify", "conformance.bridge.verify_cli",
               "run an R script in R and its pylme counterpart, and compare the results"),
    _delegated("migrate", "pylme.migrate.cli", "translate an R script (lme4, base R, dplyr, ggplot2) to Python"),
    _add_fit,
)


def build_parser(prog: str = "pylme") -> argparse.ArgumentParser:
    """The top-level parser (``pylme --help``)."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog=prog, description="pylme: R's lme4 (lmer, glmer) in Python, and a bridge from R scripts.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks of errors")
    sub = parser.add_subparsers(dest="command", metavar="{fit,verify,migrate}")
    for add in _SUBCOMMANDS:
        add(sub)
    return parser


def _show_warning(message: Any, category: type, filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """Warnings as R prints them at top level (``Warning message:`` / ``Message:``)."""
    from .errors import PylmeMessage

    stream = sys.stderr if file is None else file
    if issubclass(category, PylmeMessage):
        stream.write(f"{message}\n")
    else:
        stream.write(f"Warning message:\n{message}\n")


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser, argv: Sequence[str]) -> int:
    from .errors import ArgumentError, DataError, FormulaError, PylmeError, UnknownVariableError

    try:
        if getattr(args, "_delegate", None) is not None:
            name, module = args._delegate
            return _run_delegated(name, module, argv, parser.prog)
        handler = getattr(args, "_handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return int(handler(args))
    except UsageError as exc:
        sys.stderr.write(f"{parser.prog}: error: {exc}\n")
        return EXIT_USAGE
    except (FormulaError, ArgumentError, DataError) as exc:
        if args.debug:
            raise
        sys.stderr.write(f"Error: {exc}\n")
        # what the user typed is wrong (formula, argument, dataset or column name): usage
        usage = isinstance(exc, (FormulaError, ArgumentError, UnknownVariableError, KeyError))
        return EXIT_USAGE if usage else EXIT_FAILURE
    except PylmeError as exc:
        if args.debug:
            raise
        sys.stderr.write(f"Error: {exc}\n")
        return EXIT_FAILURE
    except (OSError, ValueError) as exc:  # unreadable files, malformed CSV
        if args.debug:
            raise
        sys.stderr.write(f"Error: {exc}\n")
        return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pylme`` console script; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # verify/migrate parse their own options (their modules' configure()): everything
    # after the subcommand's name goes to them untouched
    head = 0
    while head < len(argv) and argv[head] == "--debug":
        head += 1
    delegated = head < len(argv) and argv[head] in ("verify", "migrate")
    try:
        args = parser.parse_args(argv[:head + 1] if delegated else argv)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2)
        return int(exc.code or 0)
    if delegated:
        argv = argv[head + 1:]
    old = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        return _run(args, parser, argv)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, (int, type(None))) else EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - a bug: say so, traceback only with --debug
        if args.debug:
            raise
        sys.stderr.write(f"{parser.prog}: internal error: {type(exc).__name__}: {exc}\n"
                         f"(rerun with --debug for the traceback, and report it)\n")
        return EXIT_INTERNAL
    finally:
        warnings.showwarning = old
