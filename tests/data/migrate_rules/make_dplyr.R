# Freezes R's results of the dplyr/tidyr rule cases (tests/migrate/test_rules_dplyr.py).
# Run from tests/data/migrate_rules: Rscript make_dplyr.R
# Each dplyr/<case>.R runs after d <- read.csv("dplyr_input.csv") and leaves `out`;
# written to dplyr/<case>.csv (write.csv, row.names = FALSE).
suppressPackageStartupMessages({library(dplyr); library(tidyr)})
info <- sprintf("R %s, dplyr %s, tidyr %s", getRversion(), packageVersion("dplyr"),
                packageVersion("tidyr"))
writeLines(info, "dplyr/VERSIONS.txt")
for (f in sort(list.files("dplyr", pattern = "[.]R$", full.names = TRUE))) {
  env <- new.env()
  env$d <- read.csv("dplyr_input.csv")
  suppressMessages(eval(parse(f), envir = env))
  write.csv(as.data.frame(env$out), sub("[.]R$", ".csv", f), row.names = FALSE)
}
