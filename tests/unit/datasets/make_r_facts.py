"""Freeze R's own view of every shipped dataset into ``data/r_facts.json``.

Run from the repository root (needs R with lme4, nlme, mlmRev, lmerTest)::

    .venv/bin/python tests/unit/datasets/make_r_facts.py

It runs a plain ``Rscript`` (not the rpy2 session the exporter uses), evaluating each
``conformance.cases.DATASETS`` entry's R expression, and records per dataset R's
``dim``, column names, row names (when not ``1..n``), and per column its class, level
order (long level sets: count, the ends and a sha256), missing count, R's
``sum(x, na.rm = TRUE)`` and three cells, doubles at 17 significant digits.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from conformance.cases import DATASETS  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "r_facts.json"

R_PROGRAM = r"""
suppressPackageStartupMessages(library(jsonlite))
reg <- read.delim(commandArgs(TRUE)[1], quote = "", stringsAsFactors = FALSE)
fmt <- function(x) if (is.factor(x)) as.character(x) else if (is.double(x))
  sprintf("%.17g", x) else as.character(x)
cell <- function(x, i) { v <- x[i]; if (is.na(v)) NULL else fmt(v) }
long <- 100L
facts <- lapply(seq_len(nrow(reg)), function(k) {
  d <- eval(parse(text = gsub("\\n", "\n", reg$expr[k], fixed = TRUE)))
  n <- nrow(d)
  rn <- if (.row_names_info(d) < 0L || identical(rownames(d), as.character(seq_len(n)))) NULL
        else rownames(d)
  rows <- unique(c(1L, (n + 1L) %/% 2L, n))
  cols <- lapply(d, function(x) {
    lev <- levels(x)
    out <- list(
      class = if (is.ordered(x)) "ordered" else if (is.factor(x)) "factor" else
              if (is.integer(x)) "integer" else if (is.double(x)) "numeric" else class(x)[1],
      n_missing = sum(is.na(x)),
      sum = if (is.factor(x) || !(is.numeric(x) || is.logical(x))) NULL else
            sprintf("%.17g", sum(x, na.rm = TRUE)),
      cells = lapply(rows, function(i) cell(x, i)))
    if (!is.null(lev)) {
      out$n_levels <- length(lev)
      if (length(lev) <= long) out$levels <- lev else {
        out$levels_head <- head(lev, 20L); out$levels_tail <- tail(lev, 5L)
        out$levels_sha256 <- digest_levels(lev)
      }
    }
    out
  })
  list(name = reg$name[k], expr = reg$expr[k], nrow = n, ncol = ncol(d), names = names(d),
       row_names = rn, rows = rows, columns = cols)
})
names(facts) <- reg$key
meta <- list(r_version = R.version.string,
             packages = sapply(c("lme4", "nlme", "mlmRev", "lmerTest", "datasets"),
                               function(p) packageDescription(p)$Version, simplify = FALSE))
cat(toJSON(list(generated_by = "tests/unit/datasets/make_r_facts.py", meta = meta,
                datasets = facts), auto_unbox = TRUE, null = "null", digits = NA, pretty = TRUE))
"""

# sha256 of the levels joined by "\n", in R through a temporary file (no digest package needed)
DIGEST_R = r"""
digest_levels <- function(lev) {
  f <- tempfile(); con <- file(f, "wb")
  writeBin(charToRaw(enc2utf8(paste(lev, collapse = "\n"))), con); close(con)
  out <- system2("sha256sum", f, stdout = TRUE); unlink(f); strsplit(out, " ")[[1]][1]
}
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        registry = Path(tmp) / "registry.tsv"
        lines = ["key\tname\texpr"] + [
            f"{d.name}\t{d.name.split('@')[0]}\t{d.r_expr}".replace("\n", "\\n") for d in DATASETS
        ]
        registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
        program = Path(tmp) / "facts.R"
        program.write_text(DIGEST_R + R_PROGRAM, encoding="utf-8")
        out = subprocess.run(["Rscript", str(program), str(registry)], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(json.loads(out), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
