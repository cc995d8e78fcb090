## Expected texts for tests/integration/test_lme4_defaults.py (R 4.2.2, lme4 1.1-31).
## Rscript tests/data/lme4_defaults/make_printed.R  -> printed.json
## Each text is what R writes: stdout alone (capture.output), the messages (stderr), and
## both as an R console shows them (stdout and stderr sunk to one file).
suppressMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

## stdout, messages and the console (both streams, in order) of evaluating `expr`
capture <- function(expr) {
    expr <- substitute(expr)
    env <- parent.frame()
    out <- tempfile(); both <- tempfile()
    msgs <- character()
    con <- file(out, open = "wt"); sink(con)
    withCallingHandlers(eval(expr, env), message = function(m) {
        msgs <<- c(msgs, conditionMessage(m)); invokeRestart("muffleMessage")})
    sink(); close(con)
    con <- file(both, open = "wt"); sink(con); sink(con, type = "message")
    eval(expr, env)
    sink(type = "message"); sink(); close(con)
    read <- function(f) if (file.info(f)$size > 0) readChar(f, file.info(f)$size, useBytes = TRUE) else ""
    list(stdout = read(out), messages = as.list(msgs), console = read(both))
}

models <- list(
  sleepstudy_intercept = list(quote(lmer(Reaction ~ Days + (1 | Subject), sleepstudy)), "sleepstudy"),
  sleepstudy_slope     = list(quote(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)), "sleepstudy"),
  sleepstudy_uncorr    = list(quote(lmer(Reaction ~ Days + (Days || Subject), sleepstudy)), "sleepstudy"),
  dyestuff             = list(quote(lmer(Yield ~ 1 + (1 | Batch), Dyestuff)), "Dyestuff"),
  dyestuff2_singular   = list(quote(lmer(Yield ~ 1 + (1 | Batch), Dyestuff2)), "Dyestuff2"),
  penicillin           = list(quote(lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)), "Penicillin"),
  pastes_nested        = list(quote(lmer(strength ~ 1 + (1 | batch/cask), Pastes)), "Pastes"))

ranef_out <- list()
for (id in names(models)) {
  fm <- suppressMessages(eval(models[[id]][[1]]))
  ranef_out[[id]] <- list(
    call = deparse(models[[id]][[1]]), dataset = models[[id]][[2]],
    print_ranef = c(capture(print(ranef(fm))), r_expr = "print(ranef(fm))"),
    print_ranef_nocondvar = c(capture(print(ranef(fm, condVar = FALSE))),
                              r_expr = "print(ranef(fm, condVar = FALSE))"),
    modes = lapply(ranef(fm, condVar = FALSE), function(d)
      list(rows = as.list(rownames(d)), columns = as.list(names(d)),
           values = lapply(d, function(v) as.list(sprintf("%.17g", v))))),
    postvar_first = lapply(ranef(fm), function(d) {
      pv <- attr(d, "postVar"); if (is.list(pv)) pv <- pv[[1]]; sprintf("%.17g", as.vector(pv[, , 1]))}))
}

cake_forms <- c(interaction = "angle ~ recipe * temperature + (1 | recipe:replicate)",
                additive    = "angle ~ recipe + temperature + (1 | recipe:replicate)",
                numeric_temp = "angle ~ recipe * temp + (1 | recipe:replicate)",
                replicate   = "angle ~ recipe * temperature + (1 | replicate)")
cake_out <- list()
for (id in names(cake_forms)) for (reml in c(TRUE, FALSE)) {
  fm <- eval(bquote(lmer(.(as.formula(cake_forms[[id]])), data = cake, REML = .(reml))))
  key <- sprintf("%s_%s", id, if (reml) "reml" else "ml")
  ## `x` is what deparse(substitute(x)) names in lme4's note, as in an auto-printed summary
  x <- summary(fm)
  default <- capture(print(x))
  x <- summary(fm, correlation = TRUE)
  with_cor <- capture(print(x, correlation = TRUE))
  x <- summary(fm, correlation = FALSE)
  without_cor <- capture(print(x, correlation = FALSE))
  x <- summary(fm)
  print_only <- capture(print(x, correlation = TRUE))
  cake_out[[key]] <- list(
    formula = cake_forms[[id]], REML = reml, p = length(fixef(fm)),
    default = c(default, r_expr = "x <- summary(fm); print(x)"),
    correlation_true = c(with_cor, r_expr = "x <- summary(fm, correlation = TRUE); print(x, correlation = TRUE)"),
    correlation_false = c(without_cor, r_expr = "x <- summary(fm, correlation = FALSE); print(x, correlation = FALSE)"),
    print_correlation_only = c(print_only, r_expr = "x <- summary(fm); print(x, correlation = TRUE)"))
}

singular <- list()
for (reml in c(TRUE, FALSE)) {
  msgs <- character()
  fm <- withCallingHandlers(lmer(Yield ~ 1 + (1 | Batch), Dyestuff2, REML = reml),
                            message = function(m) {msgs <<- c(msgs, conditionMessage(m)); invokeRestart("muffleMessage")})
  x <- summary(fm)
  singular[[if (reml) "reml" else "ml"]] <- list(
    fit_messages = as.list(msgs), summary = capture(print(x))$stdout, print = capture(print(fm))$stdout,
    isSingular = list(tol_1e_4 = isSingular(fm), tol_0 = isSingular(fm, tol = 0),
                      tol_neg = isSingular(fm, tol = -1), tol_true = isSingular(fm, tol = TRUE)))
}
fm <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
sleep_singular <- list(theta = sprintf("%.17g", getME(fm, "theta")),
                       tol_1e_4 = isSingular(fm), tol_0_2 = isSingular(fm, tol = 0.2),
                       tol_0_5 = isSingular(fm, tol = 0.5), tol_true = isSingular(fm, tol = TRUE),
                       tol_false = isSingular(fm, tol = FALSE))

out <- list(r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
            ranef_default_condVar = formals(lme4:::ranef.merMod)$condVar,
            ranef = ranef_out, cake = cake_out, singular = singular, sleep_singular = sleep_singular)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE),
           file.path(here, "printed.json"), useBytes = TRUE)
