"""Freeze R's printed text of every case in rprint_cases.py into r_print.json.

Run from the repository root: ``python tests/data/migrate/rprint/values/freeze.py``
(needs Rscript with jsonlite and lme4 for sleepstudy).  Each case is evaluated in its
own environment of one R session and printed with ``capture.output(print(.))`` (R's
auto-print of the value); a case whose code already calls print() is captured as is.
Also ``Rscript script.R``'s stdout (run in this folder), for the end-to-end test.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from rprint_cases import CASES, CAT_CASES  # noqa: E402

_RUN = r"""
suppressPackageStartupMessages({library(jsonlite); library(lme4)})
run <- function(code) {
  if (startsWith(code, "print(")) return(capture.output(eval(parse(text = code), new.env())))
  value <- eval(parse(text = code), new.env())
  capture.output(print(value))
}
written <- function(code) {  # the exact text cat() writes, final newline or not
  f <- tempfile()
  sink(f)
  eval(parse(text = code), new.env())
  sink()
  n <- file.size(f)
  if (n == 0) "" else readChar(f, n, useBytes = TRUE)
}
cases <- fromJSON(commandArgs(TRUE)[1], simplifyVector = FALSE)
cats <- fromJSON(commandArgs(TRUE)[2], simplifyVector = FALSE)
cat(toJSON(list(print = lapply(cases, run), cat = lapply(cats, written)), auto_unbox = TRUE))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        script, codes = Path(tmp) / "run.R", Path(tmp) / "cases.json"
        script.write_text(_RUN)
        codes.write_text(json.dumps({k: v[0] for k, v in CASES.items()}))
        cats = Path(tmp) / "cats.json"
        cats.write_text(json.dumps({k: v[0] for k, v in CAT_CASES.items()}))
        out = subprocess.run(["Rscript", str(script), str(codes), str(cats)],
                             capture_output=True, text=True, check=True)
    both = json.loads(out.stdout)
    results = both["print"]
    version = subprocess.run(
        ["Rscript", "-e", 'cat(R.version.string, "; lme4", format(packageVersion("lme4")))'],
        capture_output=True, text=True, check=True).stdout
    script = subprocess.run(["Rscript", "script.R"], cwd=HERE, capture_output=True, text=True,
                            check=True).stdout
    payload = {"_source": "tests/data/migrate/rprint/values/freeze.py: "
                          "capture.output(print(<R code>)) of each case in rprint_cases.py; "
                          "script_stdout: the stdout of Rscript script.R",
               "_r_version": version,
               "cases": {k: {"r": CASES[k][0], "text": v if isinstance(v, list) else [v]}
                         for k, v in results.items()},
               "cat": {k: {"r": CAT_CASES[k][0], "written": v} for k, v in both["cat"].items()},
               "script_stdout": script}
    (HERE / "r_print.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
