"""``suppressMessages`` / ``suppressWarnings`` / ``suppressPackageStartupMessages``.

R 4.2.2: ``suppressMessages(1 + 1)`` at top level prints ``[1] 2`` (the value stays
visible); ``suppressPackageStartupMessages({library(lme4); library(dplyr)})`` and
``suppressMessages(library(lme4))`` print nothing and only load packages.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from pylme.migrate import migrate_source


@pytest.mark.parametrize("source", [
    "suppressPackageStartupMessages({library(lme4); library(dplyr)})",
    "suppressPackageStartupMessages({\n  library(lme4)\n  # plots\n  library(ggplot2)\n})",
    "suppressMessages(library(lme4))",
    "suppressWarnings(require(lme4))",
])
def test_package_loading_translates_to_nothing(source):
    result = migrate_source(source + "\nx <- 1\n")
    assert "TODO" not in result.python
    assert result.python.strip() == "x = 1"


def test_the_suppressed_value_is_kept_and_stays_visible():
    python = migrate_source("y <- suppressWarnings(as.numeric(3))\nsuppressMessages(y + 1)\n").python
    assert "TODO" not in python
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(python, "<migrated>", "exec"), {})
    assert out.getvalue() == "[1] 4\n"  # R's auto-print of y + 1
