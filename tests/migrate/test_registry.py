"""The rule registry: rules added from outside the core are used, pipes arrive as calls,
R's argument matching, source() of a migrated helper."""

from __future__ import annotations

import subprocess
import sys

from pylme.migrate import migrate_source
from pylme.migrate.rules import register, rules_for


def test_registered_rule_receives_pipe_rewritten_call():
    seen = []

    @register("zz_test_verb", package="zzpkg", returns="df", priority=100)
    def verb(call, ctx):
        seen.append((call.name, call.package, [a.name for a in call.args], call.line))
        m = call.match(("data", "n"))
        return f"{ctx.expr(m['data'])}.head({ctx.expr(m['n'])})"

    result = migrate_source("d <- read.csv('x.csv')\n\nout <- d %>% zzpkg::zz_test_verb(n = 3)\n")
    assert result.todos == ()
    assert 'out = d.head(3)' in result.python
    assert seen == [("zz_test_verb", "zzpkg", [None, "n"], 3)]
    assert rules_for("zz_test_verb", "otherpkg") == []  # package-restricted


def test_rule_declining_falls_back_to_todo():
    @register("zz_declines")
    def declines(call, ctx):
        return None

    result = migrate_source("zz_declines(1)\n")
    assert [t.reason for t in result.todos] == ["no translation for R function zz_declines()"]


def test_source_runs_the_migrated_helper(tmp_path):
    (tmp_path / "helpers.R").write_text("sq <- function(x) x^2\n")
    (tmp_path / "main.R").write_text('source("helpers.R")\ny <- sq(3)\ncat(y, "\\n")\n')
    for name in ("helpers", "main"):
        subprocess.run([sys.executable, "-m", "pylme.migrate", f"{name}.R", "-o", f"{name}.py",
                        "-q"], cwd=tmp_path, check=True)
    out = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "9"
