## Regenerates the R ground truth of glmer's model comparisons and profile intervals
## (tests/inference/test_glmer_anova.py, tests/inference/test_glmer_profile.py).
##
## Run from the repository root with R 4.2.2 + lme4 1.1-31 (+ jsonlite):
##     Rscript tests/data/glmm/inference/make_expected.R
## It writes expected.json next to this script: every record holds the R expression that
## produced it ("r_expr"), numbers as "%.17g" strings (NA as null) and printed texts as
## capture.output(print(x)) joined by newlines.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
stopifnot(packageVersion("lme4") == "1.1.31")
options(width = 80, digits = 7, useFancyQuotes = TRUE)

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
num <- function(x) ifelse(is.na(x), NA, sprintf("%.17g", as.numeric(x)))
text_of <- function(x) paste(capture.output(print(x)), collapse = "\n")
message_of <- function(expr) tryCatch(expr, error = function(e) conditionMessage(e))

table_rec <- function(tab, expr) {
    list(r_expr = expr, rows = row.names(tab), columns = names(tab),
         values = lapply(as.list(tab), num), heading = attr(tab, "heading"), text = text_of(tab))
}
matrix_rec <- function(m, expr) {
    list(r_expr = expr, rows = rownames(m), columns = colnames(m),
         values = lapply(seq_len(ncol(m)), function(j) num(m[, j])))
}
profile_rec <- function(pr, expr) {
    df <- as.data.frame(pr)
    pars <- setdiff(names(df), c(".par", ".focal"))
    list(r_expr = expr, par = as.character(df$.par), columns = pars,
         values = lapply(pars, function(p) num(df[[p]])))
}
fit_rec <- function(fm) {
    list(theta = num(getME(fm, "theta")), beta = num(fixef(fm)), dev = num(-2 * c(logLik(fm))),
         feval = fm@optinfo$feval)
}

gm1 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial)
gm0 <- glmer(cbind(incidence, size - incidence) ~ 1 + (1 | herd), data = cbpp, family = binomial)
gm25 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial,
              nAGQ = 25)
lm1 <- lmer(incidence/size ~ period + (1 | herd), cbpp, REML = FALSE)
lm1r <- lmer(incidence/size ~ period + (1 | herd), cbpp)
gt2 <- glmer(TICKS ~ cHEIGHT + (1 | LOCATION), grouseticks, poisson)
gdat <- read.csv(file.path(here, "..", "devfun", "gamma_sim.csv"))
gdat$g <- factor(gdat$g)
gg <- glmer(y ~ x + (1 | g), gdat, Gamma(link = "log"))

fits <- list(
    gm1 = c(list(r_expr = "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial)"), fit_rec(gm1)),
    gm0 = c(list(r_expr = "glmer(cbind(incidence, size - incidence) ~ 1 + (1 | herd), data = cbpp, family = binomial)"), fit_rec(gm0)),
    gm25 = c(list(r_expr = "update(gm1, nAGQ = 25)"), fit_rec(gm25)),
    lm1 = list(r_expr = "lmer(incidence/size ~ period + (1 | herd), cbpp, REML = FALSE)"),
    lm1r = list(r_expr = "lmer(incidence/size ~ period + (1 | herd), cbpp)"),
    gt2 = c(list(r_expr = "glmer(TICKS ~ cHEIGHT + (1 | LOCATION), grouseticks, poisson)"), fit_rec(gt2)),
    gg = list(r_expr = "glmer(y ~ x + (1 | g), gdat, Gamma(link = 'log')) (gdat: ../devfun/gamma_sim.csv, g a factor)")
)

refit_msg <- NULL
an_mixed_reml <- withCallingHandlers(anova(gm1, lm1r),
                                     message = function(m) { refit_msg <<- conditionMessage(m); invokeRestart("muffleMessage") })
ddf_warning <- NULL
invisible(withCallingHandlers(anova(gm1, ddf = "Satterthwaite"),
                    warning = function(w) { ddf_warning <<- conditionMessage(w); invokeRestart("muffleWarning") }))
cbpp_na <- transform(cbpp, x = ifelse(seq_len(nrow(cbpp)) <= 3, NA, seq_len(nrow(cbpp)) %% 7))
gm_na <- glmer(cbind(incidence, size - incidence) ~ period + x + (1 | herd), data = cbpp_na, family = binomial)
pr1 <- profile(gm1)
prt <- profile(gt2)
pr25 <- profile(gm25)

out <- list(
    versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4"))),
    fits = fits,
    anova = list(
        cbpp = table_rec(anova(gm0, gm1), "anova(gm0, gm1)"),
        cbpp_reversed = table_rec(anova(gm1, gm0), "anova(gm1, gm0)"),
        single = table_rec(anova(gm1), "anova(gm1)"),
        single_null = table_rec(anova(gm0), "anova(gm0)"),
        mixed_ml = table_rec(anova(gm1, lm1), "anova(gm1, lm1)"),
        mixed_reml = c(table_rec(an_mixed_reml, "anova(gm1, lm1r)"), list(message = refit_msg)),
        agq = table_rec(anova(gm1, gm25), "anova(gm1, gm25)"),
        poisson_single = table_rec(anova(gt2), "anova(gt2)")
    ),
    drop1 = list(
        chisq = table_rec(drop1(gm1, test = "Chisq"), "drop1(gm1, test = \"Chisq\")"),
        none = table_rec(drop1(gm1), "drop1(gm1)"),
        poisson = table_rec(drop1(gt2, test = "Chisq"), "drop1(gt2, test = \"Chisq\")")
    ),
    confint = list(
        cbpp = matrix_rec(confint(pr1), "confint(gm1) (= confint(profile(gm1)))"),
        cbpp_level90 = matrix_rec(confint(pr1, level = 0.9), "confint(profile(gm1), level = 0.9)"),
        cbpp_beta = matrix_rec(confint(pr1, parm = "beta_"), "confint(profile(gm1), parm = \"beta_\")"),
        cbpp_agq25 = matrix_rec(confint(pr25), "confint(gm25)"),
        cbpp_wald = matrix_rec(confint(gm1, method = "Wald"), "confint(gm1, method = \"Wald\")"),
        gt2 = matrix_rec(confint(prt), "confint(gt2)")
    ),
    profile = list(
        cbpp = profile_rec(pr1, "as.data.frame(profile(gm1))"),
        gt2 = profile_rec(prt, "as.data.frame(profile(gt2))"),
        cbpp_agq25 = profile_rec(pr25, "as.data.frame(profile(gm25))")
    ),
    errors = list(
        gamma_profile = list(r_expr = "profile(gg)", text = message_of(profile(gg))),
        gamma_confint = list(r_expr = "confint(gg)", text = message_of(suppressMessages(confint(gg)))),
        drop1_rows = list(r_expr = paste("cbpp_na <- transform(cbpp, x = ifelse(seq_len(nrow(cbpp)) <= 3, NA,",
                                         "seq_len(nrow(cbpp)) %% 7)); drop1(glmer(cbind(incidence, size - incidence) ~",
                                         "period + x + (1 | herd), cbpp_na, binomial))"),
                          text = message_of(drop1(gm_na))),
        nagq0_profile = list(r_expr = "profile(update(gm1, nAGQ = 0))",
                             text = message_of(profile(update(gm1, nAGQ = 0)))),
        devfun_base = list(r_expr = "dd <- lme4:::devfun2(gm1, useSc = FALSE); dd(attr(dd, 'optimum'))",
                           value = num({dd <- lme4:::devfun2(gm1, useSc = FALSE); dd(attr(dd, "optimum"))}))
    ),
    messages = list(confint = list(r_expr = "confint(gm1)", text = "Computing profile confidence intervals ..."),
                    anova_ddf = list(r_expr = "anova(gm1, ddf = \"Satterthwaite\")", text = ddf_warning))
)
writeLines(toJSON(out, auto_unbox = TRUE, null = "null", na = "null", digits = NA, pretty = TRUE),
           file.path(here, "expected.json"))
