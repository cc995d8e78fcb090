"""Untranslatable constructs: the R stays in a TODO comment, the Python before it runs,
the report names the line; the command line's exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pylme.migrate import migrate_source
from pylme.migrate.cli import EXIT_OK, EXIT_SYNTAX, EXIT_TODO
from pylme.migrate.parse import RSyntaxError

DATA = Path(__file__).parents[1] / "data" / "migrate"
UNSUPPORTED = DATA / "unsupported.R"


def test_unsupported_construct_is_kept_as_todo_and_the_rest_runs():
    result = migrate_source(UNSUPPORTED.read_text(), script="unsupported.R")
    assert [(t.line, t.reason) for t in result.todos] == [
        (4, "no translation for R function eval()")]
    lines = result.python.splitlines()
    i = lines.index("# TODO(pylme-migrate): no translation for R function eval() (R line 4)")
    assert lines[i + 1] == '# y <- eval(parse(text = "x * 2"))'
    # the statements after the TODO are translated too (nothing dropped)
    assert "z = total + 1" in lines
    assert "unsupported.R:4: TODO(pylme-migrate)" in result.python  # the report at the end
    ns: dict = {}
    exec(compile(result.python, "unsupported.py", "exec"), ns)
    assert ns["total"] == 6 and ns["z"] == 7 and "y" not in ns


def test_todo_inside_a_function_body_keeps_the_function():
    result = migrate_source("f <- function(x) {\n  y <- R6::R6Class('A')\n  x + 1\n}\nf(1)\n")
    assert [t.line for t in result.todos] == [2]
    ns: dict = {}
    exec(compile(result.python, "f.py", "exec"), ns)
    assert ns["f"](1) == 2


def test_cli_writes_output_report_and_exit_codes(tmp_path):
    out = tmp_path / "out.py"
    report = tmp_path / "report.txt"
    proc = subprocess.run([sys.executable, "-m", "pylme.migrate", str(UNSUPPORTED), "-o", str(out),
                           "--report", str(report)], capture_output=True, text=True)
    assert proc.returncode == EXIT_TODO
    assert f"{UNSUPPORTED}:4: TODO(pylme-migrate)" in proc.stderr
    assert f"{UNSUPPORTED}:4: TODO(pylme-migrate)" in report.read_text()
    assert "z = total + 1" in out.read_text()

    clean = tmp_path / "clean.R"
    clean.write_text("x <- 1:3\nsum(x)\n")
    proc = subprocess.run([sys.executable, "-m", "pylme.migrate", str(clean)], capture_output=True,
                          text=True)
    assert proc.returncode == EXIT_OK
    assert "print(np.sum(x))" in proc.stdout

    bad = tmp_path / "bad.R"
    bad.write_text("x <- (1 + \n")
    proc = subprocess.run([sys.executable, "-m", "pylme.migrate", str(bad)], capture_output=True,
                          text=True)
    assert proc.returncode == EXIT_SYNTAX and "syntax error" in proc.stderr


def test_syntax_error_names_the_line():
    with pytest.raises(RSyntaxError, match=":2:"):
        migrate_source("x <- 1\ny <- c(1,, \n")
