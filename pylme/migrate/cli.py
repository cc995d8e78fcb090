"""Command line of ``pylme migrate`` (wired into ``pylme`` by pylme/cli.py).

Exit codes: 0 translated with no TODO; 3 translated with TODOs (the output is
written and the report names every TODO's line); 2 usage error or the script does
not parse; 1 the script could not be read or the output not written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["configure", "handler", "EXIT_OK", "EXIT_TODO", "EXIT_SYNTAX", "EXIT_IO"]

EXIT_OK, EXIT_IO, EXIT_SYNTAX, EXIT_TODO = 0, 1, 2, 3


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``migrate``'s arguments to ``parser``."""
    parser.add_argument("script", help="the R script to translate")
    parser.add_argument("-o", "--output", help="the Python file to write (default: stdout)")
    parser.add_argument("--report", help="also write the TODO report to this file")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no report on stderr when there are no TODOs")
    parser.epilog = ("exit status: 0 no TODO, 3 TODOs left (see the report), "
                     "2 R syntax error, 1 file error")


def handler(args: argparse.Namespace) -> int:
    """Run ``migrate``; returns the exit code."""
    from .parse import RSyntaxError
    from .translate import migrate_source

    path = Path(args.script)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"pylme migrate: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_IO
    try:
        result = migrate_source(source, script=str(path))
    except RSyntaxError as exc:
        print(f"pylme migrate: {path}: {exc}", file=sys.stderr)
        return EXIT_SYNTAX
    try:
        if args.output:
            Path(args.output).write_text(result.python, encoding="utf-8")
        else:
            sys.stdout.write(result.python)
        if getattr(args, "report", None):
            Path(args.report).write_text(result.report(str(path)) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"pylme migrate: cannot write: {exc}", file=sys.stderr)
        return EXIT_IO
    if result.todos or not getattr(args, "quiet", False):
        print(result.report(str(path)), file=sys.stderr)
    return EXIT_TODO if result.todos else EXIT_OK
