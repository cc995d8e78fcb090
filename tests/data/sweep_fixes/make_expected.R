## Expected texts for tests/integration/test_sweep_fixes.py (R 4.2.2, lme4 1.1-31, lmerTest).
## Rscript tests/data/sweep_fixes/make_expected.R  -> expected.json
## Every entry stores the R expression that produced it (r_expr) and what R gave: the
## printed text (capture.output), or the error message, and the warnings on the way.
suppressMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

## evaluate the text `expr`: its printed output (or its error) and its warnings
run <- function(expr, env = globalenv()) {
    warns <- character()
    error <- NULL
    out <- withCallingHandlers(
        tryCatch(paste0(paste(capture.output(eval(parse(text = expr), env)), collapse = "\n"), "\n"),
                 error = function(e) { error <<- conditionMessage(e); NULL }),
        warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
        message = function(m) invokeRestart("muffleMessage"))
    list(r_expr = expr, stdout = out, error = error, warnings = as.list(warns))
}

fms <- list(
  slope = "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)",
  intercept_ml = "lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE)",
  penicillin = "lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)")
for (id in names(fms)) assign(id, suppressMessages(eval(parse(text = fms[[id]]))))

## print(summary(fm), digits = d) with non-integer (and logical) digits
summary_digits <- list()
for (id in names(fms)) for (d in c("1.5", "2.5", "3.2", "3.5", "3.7", "4.5", "5.5", "5.9", "TRUE", "6")) {
  e <- sprintf("print(summary(%s), digits = %s)", id, d)
  summary_digits[[length(summary_digits) + 1]] <- c(run(e), list(model = id, fit = fms[[id]], digits = d))
}
## lmerTest's summary with the same digits (printCoefmat's p-value column)
suppressMessages(library(lmerTest))
slope_lt <- as_lmerModLmerTest(slope)
for (d in c("2.5", "3.7", "4.5")) {
  e <- sprintf("print(summary(slope_lt, ddf = 'Satterthwaite'), digits = %s)", d)
  summary_digits[[length(summary_digits) + 1]] <- c(run(e), list(model = "slope", fit = fms[["slope"]],
                                                                  digits = d, ddf = "Satterthwaite"))
}
detach("package:lmerTest")

## digits R refuses (the first error print.summary.merMod meets)
digits_errors <- lapply(c("NULL", "'3'", "'abc'", "NA", "NaN", "Inf", "-Inf", "-1", "-0.5", "0", "0.5",
                          "23", "1e10", "FALSE", "numeric(0)", "list(a = 1)", "22.9"),
                        function(d) c(run(sprintf("print(summary(slope), digits = %s)", d)), list(digits = d)))

## a response the fixed effects fit exactly
d <- data.frame(y = rep(1, 20), g = factor(rep(1:4, 5)))
const <- suppressWarnings(lmer(y ~ 1 + (1 | g), d))
const_ml <- suppressWarnings(lmer(y ~ 1 + (1 | g), d, REML = FALSE))
constant <- lapply(c("print(summary(const))", "print(summary(const_ml))", "print(summary(const, correlation = FALSE))",
                     "print(vcov(const))", "print(vcov(const, correlation = FALSE))",
                     "print(logLik(const))", "print(logLik(const_ml))", "print(logLik(const, REML = FALSE))",
                     "print(const)", "print(const_ml)",
                     "lme4:::.prt.resids(residuals(const, 'pearson', scaled = TRUE), digits = 4)"), run)
names(constant) <- c("summary", "summary_ml", "summary_nocor", "vcov", "vcov_nocor", "loglik", "loglik_ml",
                     "loglik_reml_ml", "print", "print_ml", "resids")

out <- list(r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
            summary_digits = summary_digits, digits_errors = digits_errors, constant = constant)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, null = "null", digits = NA),
           file.path(here, "expected.json"))
