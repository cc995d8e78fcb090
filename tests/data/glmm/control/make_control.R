## Expected values for tests/unit/glmm/test_glmer_control.py (R 4.2.2, lme4 1.1-31).
## Rscript tests/data/glmm/control/make_control.R  -> control.json
## * defaults:    str(glmerControl()) and its values
## * outcomes:    the error and warnings R gives for a control value, either when the
##                control is made (`glmerControl(...)`) or when glmer() fits with it
##                (the cbpp model below): lme4 checks most fields only while fitting
## * control_lines: the lines summary(glmer(..., control = <expr>)) prints from "Control:"
## * conversions: the glmerControl glmer() builds from an lmerControl (captured where glmer
##                hands it to mkGlmerDevfun) and the optimizer each optimizeGlmer stage got
suppressMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

fit_cbpp <- function(control, ...)
    glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp,
          family = binomial, control = control, ...)
FIT <- "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial, control = %s)"

## error text (or NULL) and every warning, in order
outcome <- function(text) {
    warns <- character()
    err <- tryCatch(withCallingHandlers({ eval(parse(text = text)[[1]], globalenv()); NULL },
                                        warning = function(w) {
                                            warns <<- c(warns, conditionMessage(w))
                                            invokeRestart("muffleWarning")
                                        }),
                    error = function(e) conditionMessage(e))
    list(r_expr = text, error = err, warnings = as.list(warns))
}

## control expression -> where it is checked ("control": glmerControl() alone, "glmer": a fit)
cases <- list(
    optimizer_foo          = c('glmerControl(optimizer = "foo")', "glmer"),
    optimizer_stage2_foo   = c('glmerControl(optimizer = c("bobyqa", "foo"))', "glmer"),
    optimizer_three_bad    = c('glmerControl(optimizer = c("a", "b", "c"))', "glmer"),
    optimizer_null         = c('glmerControl(optimizer = NULL)', "glmer"),
    optimizer_none         = c('glmerControl(optimizer = c("none", "bobyqa"))', "glmer"),
    optimizer_empty        = c('glmerControl(optimizer = character(0))', "glmer"),
    optimizer_number       = c('glmerControl(optimizer = 1)', "glmer"),
    check_nlev_gtr_1       = c('glmerControl(check.nlev.gtr.1 = "foo")', "glmer"),
    check_nobs_vs_nlev     = c('glmerControl(check.nobs.vs.nlev = "stopSmall")', "glmer"),
    check_nlev_gtreq_5     = c('glmerControl(check.nlev.gtreq.5 = "Warning")', "glmer"),
    check_nobs_vs_nRE      = c('glmerControl(check.nobs.vs.nRE = "foo")', "glmer"),
    check_nobs_vs_rankZ    = c('glmerControl(check.nobs.vs.rankZ = "foo")', "glmer"),
    check_formula_LHS      = c('glmerControl(check.formula.LHS = "foo")', "glmer"),
    check_response_not_const = c('glmerControl(check.response.not.const = "foo")', "glmer"),
    check_response_not_const_small = c('glmerControl(check.response.not.const = "stopSmall")', "glmer"),
    check_rankX            = c('glmerControl(check.rankX = "foo")', "control"),
    check_rankX_prefix     = c('glmerControl(check.rankX = "s")', "control"),
    check_scaleX           = c('glmerControl(check.scaleX = "foo")', "control"),
    check_conv_grad_level  = c('glmerControl(check.conv.grad = "foo")', "glmer"),
    check_conv_grad_tol    = c('glmerControl(check.conv.grad = list(action = "warning", tol = -1))', "control"),
    check_conv_grad_no_tol = c('glmerControl(check.conv.grad = list(action = "warning"))', "control"),
    check_conv_grad_number = c('glmerControl(check.conv.grad = 1)', "control"),
    check_conv_hess_no_action = c('glmerControl(check.conv.hess = list(tol = 1))', "control"),
    optCtrl_number         = c('glmerControl(optCtrl = 1)', "control"),
    compDev_na             = c('glmerControl(compDev = NA)', "glmer"),
    compDev_text           = c('glmerControl(compDev = "a")', "glmer"),
    nAGQ0initStep_na       = c('glmerControl(nAGQ0initStep = NA)', "glmer"),
    nAGQ0initStep_text     = c('glmerControl(nAGQ0initStep = "a")', "glmer"),
    restart_edge_true      = c('glmerControl(restart_edge = TRUE)', "glmer"),
    restart_edge_true_made = c('glmerControl(restart_edge = TRUE)', "control"),
    restart_edge_na        = c('glmerControl(restart_edge = NA)', "glmer"),
    calc_derivs_na         = c('glmerControl(calc.derivs = NA)', "glmer"),
    calc_derivs_text       = c('glmerControl(calc.derivs = "a")', "glmer"),
    calc_derivs_TRUE_text  = c('glmerControl(calc.derivs = "TRUE")', "glmer"),
    boundary_tol_na        = c('glmerControl(boundary.tol = NA)', "glmer"),
    use_last_params        = c('glmerControl(use.last.params = TRUE)', "control"),
    use_last_params_no_derivs = c('glmerControl(use.last.params = TRUE, calc.derivs = FALSE)', "control"),
    use_last_params_two    = c('glmerControl(use.last.params = 2)', "control"),
    use_last_params_text   = c('glmerControl(use.last.params = "a")', "control"),
    use_last_params_TRUE_text = c('glmerControl(use.last.params = "TRUE")', "control"),
    use_last_params_null   = c('glmerControl(use.last.params = NULL)', "control"),
    use_last_params_na     = c('glmerControl(use.last.params = NA)', "control"),
    use_last_params_na_no_derivs = c('glmerControl(use.last.params = NA, calc.derivs = FALSE)', "glmer"),
    calc_derivs_text_ulp   = c('glmerControl(use.last.params = TRUE, calc.derivs = "a")', "control"),
    calc_derivs_na_ulp     = c('glmerControl(use.last.params = TRUE, calc.derivs = NA)', "control"),
    optCtrl_unused_stage2  = c('glmerControl(optCtrl = list(rhobeg = 0.1))', "glmer"),
    optCtrl_unused_both    = c('glmerControl(optCtrl = list(junk = 0.1))', "glmer"),
    tolPwrss_text          = c('glmerControl(tolPwrss = "a")', "glmer"),
    tolPwrss_negative      = c('glmerControl(tolPwrss = -1)', "glmer"),
    ## the control argument of glmer() itself
    control_empty_list     = c('list()', "glmer"),
    control_list           = c('list(optimizer = "bobyqa")', "glmer"),
    control_list_unused    = c('list(junk = 1)', "glmer"),
    control_list_bad_rankX = c('list(check.rankX = "foo")', "glmer"),
    control_number         = c('1', "glmer"),
    control_lmerControl    = c('lmerControl()', "glmer"),
    control_lmerControl_ulp = c('lmerControl(use.last.params = TRUE)', "glmer"),
    control_lmerControl_null = c('lmerControl(optimizer = NULL)', "glmer")
)
outcomes <- lapply(cases, function(cs) {
    text <- if (cs[[2]] == "glmer") sprintf(FIT, cs[[1]]) else cs[[1]]
    c(outcome(text), list(control = cs[[1]], checked_at = cs[[2]]))
})

## summary()'s Control: lines
control_lines <- function(text) {
    gm <- suppressWarnings(suppressMessages(eval(parse(text = sprintf(FIT, text))[[1]])))
    out <- suppressWarnings(capture.output(summary(gm)))
    first <- grep("^Control:", out)
    last <- first + which(out[-seq_len(first)] == "")[1] - 1L
    list(control = text, r_expr = sprintf("capture.output(summary(%s))", sprintf(FIT, text)),
         lines = as.list(out[first:last]))
}
summaries <- lapply(list(
    'glmerControl(optimizer = "bobyqa")',
    'glmerControl(optimizer = c("bobyqa", "nloptwrap"))',
    'glmerControl(tolPwrss = 1e-08)',
    'glmerControl(calc.derivs = FALSE, nAGQ0initStep = FALSE)',
    'glmerControl(optCtrl = list(maxfun = 20000))',
    'glmerControl(check.conv.singular = "ignore")',
    'glmerControl(check.conv.grad = .makeCC("warning", tol = 0.001))',
    'glmerControl(optimizer = c("Nelder_Mead", "bobyqa"), calc.derivs = FALSE, optCtrl = list(maxfun = 20000), tolPwrss = 1e-08)',
    'glmerControl(optimizer = "Nelder_Mead", boundary.tol = 1e-04, check.nlev.gtr.1 = "warning", check.scaleX = "ignore", compDev = FALSE)'
), control_lines)

## lmerControl -> glmerControl, as glmer() builds it
captured <- NULL
stages <- character()
invisible(trace("mkGlmerDevfun", quote(captured <<- control), where = asNamespace("lme4"), print = FALSE))
invisible(trace("optimizeGlmer", quote(stages <<- c(stages, optimizer)), where = asNamespace("lme4"), print = FALSE))
as_json <- function(ctrl) c(unclass(ctrl), list(class = class(ctrl)))
convert <- function(text) {
    captured <<- NULL; stages <<- character()
    fit_text <- sprintf(FIT, text)
    warns <- character()
    gm <- withCallingHandlers(suppressMessages(eval(parse(text = fit_text)[[1]])), warning = function(w) {
        warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
    list(control = text, r_expr = fit_text, glmer_control = as_json(captured),
         stage_optimizers = as.list(stages), optinfo_optimizer = gm@optinfo$optimizer,
         warnings = as.list(warns))
}
conversions <- lapply(list(
    'lmerControl()',
    'lmerControl(optimizer = "bobyqa", restart_edge = TRUE, boundary.tol = 1e-04, calc.derivs = FALSE, check.nlev.gtr.1 = "warning", check.rankX = "silent.drop.cols", check.conv.singular = .makeCC("ignore", tol = 1e-04), optCtrl = list(maxfun = 5000))',
    'lmerControl(optimizer = "Nelder_Mead", use.last.params = TRUE, check.scaleX = "ignore", check.conv.grad = .makeCC("warning", tol = 0.001, relTol = 0.01))'
), convert)
untrace("mkGlmerDevfun", where = asNamespace("lme4"))
untrace("optimizeGlmer", where = asNamespace("lme4"))

out <- list(
    r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
    generated_by = "tests/data/glmm/control/make_control.R",
    defaults = list(r_expr = "str(glmerControl())", str = as.list(capture.output(str(glmerControl()))),
                    values = as_json(glmerControl())),
    outcomes = outcomes, control_lines = summaries, conversions = conversions)
writeLines(toJSON(out, auto_unbox = TRUE, null = "null", digits = NA, pretty = TRUE),
           file.path(here, "control.json"), useBytes = TRUE)
