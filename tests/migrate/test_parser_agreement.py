"""tree-sitter's R grammar against R's own parser (``parse()`` / ``getParseData()``).

For every fixture script (tests/data/bridge/scripts/*.R) and every migrate test
snippet, both parsers must agree on the number of top-level expressions, each one's
first and last line, and the sequence of called function names (R's
``SYMBOL_FUNCTION_CALL`` tokens).  The numbers measured here are recorded in
:data:`pylme.migrate.PARSER_AGREEMENT`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pylme.migrate.parse import parse_r

ROOT = Path(__file__).parents[2]
SCRIPTS = sorted((ROOT / "tests" / "data" / "bridge" / "scripts").glob("*.R")) + sorted(
    (ROOT / "tests" / "data" / "migrate").glob("*.R"))

R_PROBE = r"""
args <- commandArgs(TRUE)
out <- list()
for (f in args) {
  p <- parse(f, keep.source = TRUE)
  sr <- attr(p, "srcref")
  spans <- lapply(sr, function(s) as.integer(s)[c(1, 3)])
  pd <- getParseData(p)
  calls <- pd[pd$token == "SYMBOL_FUNCTION_CALL", c("line1", "col1", "text")]
  calls <- calls[order(calls$line1, calls$col1), ]
  out[[f]] <- list(spans = spans, calls = paste(calls$line1, calls$text))
}
cat(jsonlite::toJSON(out, auto_unbox = FALSE))
"""


def tree_sitter_view(source: str) -> tuple[list, list]:
    program = parse_r(source)
    spans = [[n.line, n.end_line] for n in program.children if not n.is_comment]
    calls = []
    for node in program.walk():
        if node.type != "call":
            continue
        fn = node.field("function")
        if fn.type in ("namespace_operator", "extract_operator"):
            fn = fn.field("rhs")
        # tree-sitter's grammar makes return a keyword node; R a function name
        if fn is not None and fn.type in ("identifier", "return"):
            calls.append((fn.line, fn.col, fn.text))
    return spans, [f"{line} {name}" for line, _, name in sorted(calls)]


def measure(paths) -> dict:
    probe = subprocess.run(["Rscript", "-e", R_PROBE, *map(str, paths)], capture_output=True,
                           text=True, check=True)
    r_side = json.loads(probe.stdout)
    stats = {"scripts": 0, "expressions": 0, "spans_equal": 0, "calls": 0, "call_lists_equal": 0}
    mismatches = []
    for path in paths:
        spans, calls = tree_sitter_view(path.read_text())
        r = r_side[str(path)]
        stats["scripts"] += 1
        stats["expressions"] += len(r["spans"])
        stats["spans_equal"] += sum(a == b for a, b in zip(spans, r["spans"])) if len(spans) == len(r["spans"]) else 0
        stats["calls"] += len(r["calls"])
        stats["call_lists_equal"] += calls == r["calls"]
        if spans != r["spans"] or calls != r["calls"]:
            mismatches.append(path.name)
    return {"stats": stats, "mismatches": mismatches}


@pytest.mark.needs_r
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not on PATH")
def test_tree_sitter_agrees_with_r_parser():
    result = measure(SCRIPTS)
    print(json.dumps(result["stats"]), file=sys.stderr)
    assert result["mismatches"] == []
    s = result["stats"]
    assert s["spans_equal"] == s["expressions"] and s["call_lists_equal"] == s["scripts"]


if __name__ == "__main__":
    print(json.dumps(measure(SCRIPTS), indent=1))
