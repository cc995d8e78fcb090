# Freezes what R's devices write for the plot rule cases (tests/migrate/test_rules_plots.py).
# Run from tests/data/migrate_rules: Rscript make_plots.R
# For each plots/<case>.R (run in a scratch copy beside dplyr_input.csv): every file it
# writes, with the page count of a PDF (its "/Type /Page" objects) and a PNG's pixel size.
suppressPackageStartupMessages({library(lme4); library(lattice); library(ggplot2)})
out <- list(`_source` = sprintf("R %s, lme4 %s, lattice %s, ggplot2 %s; Rscript make_plots.R",
                                getRversion(), packageVersion("lme4"),
                                packageVersion("lattice"), packageVersion("ggplot2")))
here <- getwd()
for (f in sort(list.files("plots", pattern = "[.]R$"))) {
  tmp <- tempfile(); dir.create(tmp)
  file.copy("dplyr_input.csv", tmp); file.copy(file.path("plots", f), tmp)
  setwd(tmp)
  system2(file.path(R.home("bin"), "Rscript"), f, stdout = FALSE, stderr = FALSE)
  files <- setdiff(list.files(), c(f, "dplyr_input.csv"))
  info <- list()
  for (g in files) {
    if (grepl("[.]pdf$", g)) {
      txt <- readLines(g, warn = FALSE, encoding = "latin1")
      info[[g]] <- list(pages = sum(grepl("/Type /Page$|/Type /Page[^s]", txt, useBytes = TRUE)))
    } else {
      con <- file(g, "rb"); hdr <- readBin(con, "raw", 24); close(con)
      size <- function(b) sum(as.integer(b) * 256^(3:0))
      info[[g]] <- list(width = size(hdr[17:20]), height = size(hdr[21:24]))
    }
  }
  out[[sub("[.]R$", "", f)]] <- info
  setwd(here)
}
writeLines(jsonlite::toJSON(out, auto_unbox = TRUE, pretty = TRUE), "plots/expected.json")
