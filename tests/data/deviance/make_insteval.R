## InstEval inputs for the large-data deviance test and benchmark (lme4 1.1-31, R 4.2.2).
##
## The data are lme4's (GPL) and are NOT committed: this script writes them to
##     /tmp/pylme_insteval/insteval.csv
## (columns: y, s, d = 0-based levels of the grouping factors s and d in lme4's level
## order, then getME(fit, "X") of  y ~ service*dept + (1|s) + (1|d)).
## With --reference it also refits the model and rewrites, next to this script,
## insteval.json: theta-hat and devfun values, where
##     devfun <- lmer(y ~ service*dept + (1|s) + (1|d), InstEval, devFunOnly = TRUE)
## Usage:  Rscript tests/data/deviance/make_insteval.R [--reference]
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
stopifnot(packageVersion("lme4") == "1.1.31")
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
num <- function(x) sprintf("%.17g", as.numeric(x))
form <- y ~ service * dept + (1 | s) + (1 | d)
lf <- lFormula(form, InstEval)
out <- data.frame(y = InstEval$y, s = as.integer(InstEval$s) - 1L, d = as.integer(InstEval$d) - 1L,
                  lf$X, check.names = FALSE)
stopifnot(identical(names(lf$reTrms$cnms), c("s", "d")))
dir.create("/tmp/pylme_insteval", showWarnings = FALSE)
write.csv(out, "/tmp/pylme_insteval/insteval.csv", row.names = FALSE, quote = FALSE)
if ("--reference" %in% commandArgs(trailingOnly = TRUE)) {
    fit <- lmer(form, InstEval)
    devfun <- lmer(form, InstEval, devFunOnly = TRUE)
    th <- getME(fit, "theta")
    pts <- list(th, c(1, 1), c(0.5, 0.2))
    js <- list(lme4 = as.character(packageVersion("lme4")), R = R.version.string,
               expr = "lmer(y ~ service*dept + (1|s) + (1|d), InstEval)",
               devfun = "lmer(y ~ service*dept + (1|s) + (1|d), InstEval, devFunOnly = TRUE)",
               n = nrow(out), p = ncol(lf$X), nlevels = c(nlevels(InstEval$s), nlevels(InstEval$d)),
               theta_hat = num(th), beta_hat = num(fixef(fit)), sigma_hat = num(sigma(fit)),
               points = lapply(pts, function(p) list(theta = num(p), value = num(devfun(p)))))
    writeLines(toJSON(js, auto_unbox = TRUE, pretty = TRUE, digits = NA), file.path(here, "insteval.json"))
}
