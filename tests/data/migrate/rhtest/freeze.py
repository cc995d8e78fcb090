"""Freeze R's printed text (and numbers) of every case in rhtest_cases.py into r_output.json.

Run from the repository root: ``python tests/data/migrate/rhtest/freeze.py`` (needs
Rscript with jsonlite).  Each case runs in its own environment of one R session; its
last value is printed with ``capture.output(print(.))`` and its warnings recorded.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from rhtest_cases import HTEST_CASES, SUMMARY_CASES  # noqa: E402

_RUN = r"""
suppressPackageStartupMessages(library(jsonlite))
num <- function(v) if (is.null(v)) NULL else sprintf("%.17g", unname(as.numeric(v)))
run <- function(code) {
  warns <- character()
  value <- withCallingHandlers(eval(parse(text = code), new.env()),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  out <- list(text = capture.output(print(value)), warnings = warns)
  if (inherits(value, "htest")) {
    out$numbers <- list(statistic = num(value$statistic), parameter = num(value$parameter),
                        p.value = num(value$p.value), conf.int = num(value$conf.int),
                        estimate = num(value$estimate), null.value = num(value$null.value))
    out$names <- list(statistic = names(value$statistic), parameter = names(value$parameter),
                      estimate = names(value$estimate), null.value = names(value$null.value))
  } else if (is.numeric(value)) {
    out$numbers <- list(values = num(value))
    out$names <- list(values = names(value))
  }
  out
}
cases <- fromJSON(commandArgs(TRUE)[1], simplifyVector = FALSE)
res <- lapply(cases, run)
cat(toJSON(res, auto_unbox = FALSE, null = "null"))
"""


def main() -> None:
    cases = {**HTEST_CASES, **SUMMARY_CASES}
    with tempfile.TemporaryDirectory() as tmp:
        script, codes = Path(tmp) / "run.R", Path(tmp) / "cases.json"
        script.write_text(_RUN)
        codes.write_text(json.dumps({k: v[0] for k, v in cases.items()}))
        out = subprocess.run(["Rscript", str(script), str(codes)], capture_output=True,
                             text=True, check=True)
    results = json.loads(out.stdout)
    version = subprocess.run(["Rscript", "-e", "cat(R.version.string)"], capture_output=True,
                             text=True, check=True).stdout
    for name, res in results.items():
        res["r"] = cases[name][0]
    payload = {"_source": "tests/data/migrate/rhtest/freeze.py: capture.output(print(<R code>)) "
                          "of each case in rhtest_cases.py, numbers as sprintf('%.17g')",
               "_r_version": version, "cases": results}
    (HERE / "r_output.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
