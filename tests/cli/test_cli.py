"""The ``pylme`` command line (``python -m pylme``), run as a user runs it.

R references: tests/cli/data/*.txt, written by tests/cli/data/make_cli_refs.R
(R 4.2.2, lme4 1.1-31) from the CSV files beside them.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pylme import cli

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "CI": "true", **(env or {})}
    return subprocess.run([sys.executable, "-m", "pylme", *args], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=300)


def test_help_lists_subcommands_and_exit_codes():
    res = run("--help")
    assert res.returncode == 0
    for word in ("fit", "verify", "migrate", "exit status:", "usage error"):
        assert word in res.stdout
    fit_help = run("fit", "--help")
    assert fit_help.returncode == 0 and "--family" in fit_help.stdout and "--nAGQ" in fit_help.stdout


def test_version():
    import pylme

    res = run("--version")
    assert res.returncode == 0 and res.stdout.strip() == f"pylme {pylme.__version__}"


def test_fit_csv_equals_lme4_summary():
    res = run("fit", "Reaction ~ Days + (Days | Subject)", str(DATA / "sleepstudy.csv"))
    assert res.returncode == 0, res.stderr
    assert res.stdout == (DATA / "sleepstudy_reml.txt").read_text()
    ml = run("fit", "Reaction ~ Days + (Days | Subject)", str(DATA / "sleepstudy.csv"), "--ml")
    assert ml.stdout == (DATA / "sleepstudy_ml.txt").read_text()


def test_fit_glmer_from_csv_with_character_columns():
    res = run("fit", "cbind(incidence, size - incidence) ~ period + (1 | herd)", str(DATA / "cbpp.csv"),
              "--family", "binomial")
    assert res.returncode == 0, res.stderr
    assert res.stdout == (DATA / "cbpp_binomial.txt").read_text()


def test_fit_shipped_dataset_in_process(capsys):
    assert cli.main(["fit", "Reaction ~ Days + (Days | Subject)", "--dataset", "sleepstudy"]) == 0
    assert capsys.readouterr().out == (DATA / "sleepstudy_reml.txt").read_text()


@pytest.mark.parametrize("args, code, needle", [
    (("fit", "Reaction ~ Days + (Days | Subject", "--dataset", "sleepstudy"), 2, "unexpected end of input"),
    (("fit", "Reaction ~ Dayz + (1 | Subject)", "--dataset", "sleepstudy"), 2, "Dayz"),
    (("fit", "y ~ x + (1|g)", "--dataset", "nosuchdata"), 2, "nosuchdata"),
    (("fit", "y ~ x + (1|g)", "missing.csv"), 2, "missing.csv"),
    (("fit", "y ~ x + (1|g)"), 2, "CSV file or --dataset"),
    (("fit", "Reaction ~ Days + (1|Subject)", "--dataset", "sleepstudy", "--family", "nope"), 2, "--family"),
    (("fit", "Reaction ~ Days + (1|Subject)", "--dataset", "sleepstudy", "--reml", "--ml"), 2, "not allowed"),
    (("frobnicate",), 2, "invalid choice"),
])
def test_errors_are_messages_not_tracebacks(args, code, needle):
    res = run(*args)
    assert res.returncode == code
    assert needle in res.stderr
    assert "Traceback" not in res.stderr


def test_missing_subcommand_module_is_reported(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "conformance.bridge.verify_cli", None)  # import fails
    assert cli.main(["verify", "script.R"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "`pylme verify` is not available" in err and "Traceback" not in err


def test_delegated_subcommand_gets_its_arguments(monkeypatch, capsys):
    import types

    seen = {}
    mod = types.ModuleType("fake_migrate")
    mod.configure = lambda p: (p.add_argument("script"), p.add_argument("--out"))
    mod.handler = lambda a: seen.update(vars(a)) or 1
    monkeypatch.setitem(sys.modules, "pylme.migrate.cli", mod)
    assert cli.main(["migrate", "a.R", "--out", "b.py"]) == 1
    assert seen == {"script": "a.R", "out": "b.py"}


def test_progress_only_on_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PYLME_NO_PROGRESS", raising=False)
    tty, pipe = Tty(), io.StringIO()
    with cli.Progress("fit", stream=tty) as p:
        p.update("step 1")
    with cli.Progress("fit", stream=pipe) as p:
        p.update("step 1")
    assert "step 1" in tty.getvalue() and pipe.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    assert not cli.progress_enabled(tty)


def test_read_csv_like_r(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('"a b","x","1st","a b","flag","s"\n1,2.5,"u",3,TRUE,""\nNA,,"v",4,F,"w"\n')
    d = cli.read_csv_like_r(path)
    assert list(d.columns) == ["a.b", "x", "X1st", "a.b.1", "flag", "s"]
    assert d["a.b"].isna().tolist() == [False, True] and d["x"].isna().tolist() == [False, True]
    assert d["X1st"].tolist() == ["u", "v"] and d["s"].tolist() == ["", "w"]
    assert d["flag"].tolist() == [True, False]
    assert str(d["a.b.1"].dtype) == "int64"
