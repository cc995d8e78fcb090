## Regenerates the R ground truth used by tests/unit/printing.
##
## Run from the repository root with R 4.2.2 + lme4 1.1-31 (+ nlme, jsonlite):
##     Rscript tests/data/printing/make_expected.R
## It writes, next to this script,
##   * model_<name>.json  -- per fitted model: the full-precision numbers the
##     printing layer needs (every double as a "%.17g" string; "NA", "NaN",
##     "Inf" spelled as R prints them) and the exact text R prints for
##     print(summary(fm)), print(fm), print(VarCorr(fm)), print(ranef(fm));
##   * anova_<name>.json  -- anova(m1, m2, ...) tables and their printed text;
##   * primitives.json    -- format(), round(), signif(), zapsmall(),
##     quantile(), abbreviate(), print.default(), cat(fill=TRUE),
##     printCoefmat(), format.pval() on tricky inputs.
suppressPackageStartupMessages({
    library(lme4); library(jsonlite); library(nlme)
})
stopifnot(packageVersion("lme4") == "1.1.31")
options(width = 80, digits = 7, useFancyQuotes = TRUE)

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

num <- function(x) sprintf("%.17g", as.numeric(x))   # NA / NaN / Inf as R spells them

## exact stdout text (every byte, trailing blanks and final newline kept) and
## the messages (stderr) emitted while evaluating `expr`
capture <- function(expr) {
    f <- tempfile()
    msgs <- character()
    con <- file(f, open = "wt")
    sink(con)
    withCallingHandlers(force(expr),
        message = function(m) {
            msgs <<- c(msgs, conditionMessage(m))
            invokeRestart("muffleMessage")
        })
    sink()
    close(con)
    txt <- if (file.info(f)$size > 0) readChar(f, file.info(f)$size, useBytes = TRUE) else ""
    list(text = txt, messages = msgs)
}

write_json_file <- function(obj, name) {
    writeLines(toJSON(obj, auto_unbox = TRUE, pretty = TRUE, null = "null",
                      na = "string", digits = NA),
               file.path(here, name), useBytes = TRUE)
}

## ------------------------------------------------------------------ models

model_record <- function(fm, name, fit_messages) {
    cl <- fm@call
    dep <- function(x) if (is.null(x)) NULL else deparse(x)
    vc <- VarCorr(fm)
    summ <- summary(fm)
    llAIC <- lme4:::llikAIC(fm)
    aic <- llAIC$AICtab
    corF <- summ$vcov@factors$correlation
    re <- ranef(fm)
    oi <- fm@optinfo
    list(
        name = name,
        r_version = R.version.string,
        lme4_version = as.character(packageVersion("lme4")),
        call = list(
            formula = dep(cl$formula), data = dep(cl$data),
            weights = dep(cl$weights), offset = dep(cl$offset),
            control = dep(cl$control), subset = dep(cl$subset)),
        reml = isREML(fm),
        aictab = as.list(setNames(num(aic), names(aic))),
        scaled_residuals = num(residuals(fm, "pearson", scaled = TRUE)),
        varcorr = lapply(seq_along(vc), function(i) {
            v <- vc[[i]]
            list(group = names(vc)[i],
                 names = colnames(v),
                 stddev = num(attr(v, "stddev")),
                 correlation = num(as.vector(attr(v, "correlation"))))
        }),
        sigma = num(sigma(fm)),
        use_scale = isTRUE(attr(vc, "useSc")),
        nobs = nobs(fm),
        ngrps = as.list(ngrps(fm)),
        ngrps_names = names(ngrps(fm)),
        fixef_names = names(fixef(fm)),
        fixef = num(fixef(fm)),
        std_error = num(sqrt(diag(as.matrix(vcov(fm))))),
        vcov = num(as.vector(as.matrix(vcov(fm)))),
        fixef_correlation = if (is.null(corF)) NULL else num(corF@x),
        optimizer = oi$optimizer,
        conv_opt = oi$conv$opt,
        conv_message = if (is.null(oi$message)) NULL else oi$message,
        lme4_messages = as.list(unlist(oi$conv$lme4$messages)),
        optimizer_warnings = as.list(unlist(oi$warnings)),
        fit_msgs = as.list(lme4:::.merMod.msgs(fm)),
        fit_messages = as.list(fit_messages),
        ranef = lapply(names(re), function(g) {
            d <- re[[g]]
            list(group = g, columns = names(d), levels = rownames(d),
                 values = lapply(d, num),
                 has_postvar = !is.null(attr(d, "postVar")))
        }),
        printed = list(
            summary = capture(print(summary(fm))),
            summary_correlation = capture(print(summary(fm), correlation = TRUE)),
            print = capture(print(fm)),
            varcorr = capture(print(VarCorr(fm))),
            ranef = capture(print(ranef(fm)))))
}

fit <- function(name, expr) {
    msgs <- character()
    fm <- withCallingHandlers(expr,
        message = function(m) { msgs <<- c(msgs, conditionMessage(m)); invokeRestart("muffleMessage") },
        warning = function(w) { msgs <<- c(msgs, conditionMessage(w)); invokeRestart("muffleWarning") })
    rec <- model_record(fm, name, msgs)
    write_json_file(rec, paste0("model_", name, ".json"))
    cat("wrote", name, "\n")
    invisible(fm)
}

sleep2 <- sleepstudy
sleep2$w <- rep(c(0.5, 1, 2), length.out = nrow(sleep2))
sleep2$off <- sleep2$Days * 2.5
sleep2$Days2 <- 2 * sleep2$Days
sleep2$DayF <- factor(sleep2$Days)
sleep2$Big <- sleep2$Reaction * 1e6
sleep2$Tiny <- sleep2$Reaction * 1e-6

long <- data.frame(reaction_time_in_milliseconds = sleepstudy$Reaction,
                   days_of_sleep_deprivation = sleepstudy$Days,
                   subject_identifier_of_participant = sleepstudy$Subject)
pen_long <- data.frame(diameter = Penicillin$diameter,
                       plate_identifier_long_name_one = Penicillin$plate,
                       sample_identifier_long_name_two = Penicillin$sample,
                       extra_grouping_factor_with_long_name = factor(rep(1:12, length.out = 144)))

hsb <- merge(as.data.frame(MathAchieve), as.data.frame(MathAchSchool)[, c("School", "Sector")],
             by = "School")
hsb$cses <- hsb$SES - ave(hsb$SES, hsb$School)

fm_sleep <- fit("sleep_reml", lmer(Reaction ~ Days + (Days | Subject), sleepstudy))
fm_sleep_ml <- fit("sleep_ml", lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE))
fit("sleep_uncorr", lmer(Reaction ~ Days + (Days || Subject), sleepstudy))
fm_split <- fit("sleep_split", lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), sleepstudy))
fit("dyestuff", lmer(Yield ~ 1 + (1 | Batch), Dyestuff))
fit("dyestuff_ml", lmer(Yield ~ 1 + (1 | Batch), Dyestuff, REML = FALSE))
fit("dyestuff2", lmer(Yield ~ 1 + (1 | Batch), Dyestuff2))
fit("penicillin", lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin))
fit("pastes", lmer(strength ~ 1 + (1 | batch/cask), Pastes))
fit("cake_ml", lmer(angle ~ recipe * temperature + (1 | recipe:replicate), cake, REML = FALSE))
fit("cake_reml", lmer(angle ~ recipe * temperature + (1 | recipe:replicate), cake))
fit("hsb", lmer(MathAch ~ cses + (1 | School), hsb))
fit("hsb_sector", lmer(MathAch ~ cses * Sector + (cses | School), hsb, REML = FALSE))
fit("sleep_quad", lmer(Reaction ~ Days + (Days + I(Days^2) | Subject), sleepstudy))
fit("sleep_mixed_terms", lmer(Reaction ~ Days + (Days | Subject) + (1 | DayF), sleep2))
fit("sleep_weights", lmer(Reaction ~ Days + (Days | Subject), sleep2, weights = w))
fit("sleep_offset", lmer(Reaction ~ Days + (Days | Subject), sleep2, offset = off))
fit("sleep_rankdef", lmer(Reaction ~ Days + Days2 + (1 | Subject), sleep2))
fit("sleep_nofixed", lmer(Reaction ~ 0 + (1 | Subject), sleepstudy))
fit("sleep_big", lmer(Big ~ Days + (Days | Subject), sleep2))
fit("sleep_tiny", lmer(Tiny ~ Days + (Days | Subject), sleep2))
fit("sleep_subset_control", lmer(Reaction ~ Days + (Days | Subject), sleepstudy,
                                 subset = Days > 0, control = lmerControl(optimizer = "bobyqa")))
fit("sleep_maxeval", lmer(Reaction ~ Days + (Days | Subject), sleepstudy,
                          control = lmerControl(optCtrl = list(maxeval = 10))))
fit("sleep_longnames", lmer(reaction_time_in_milliseconds ~ days_of_sleep_deprivation +
                                (days_of_sleep_deprivation | subject_identifier_of_participant),
                            long))
fit("penicillin_longnames", lmer(diameter ~ 1 + (1 | plate_identifier_long_name_one) +
                                     (1 | sample_identifier_long_name_two) +
                                     (1 | extra_grouping_factor_with_long_name), pen_long))
local({  # no `data=` argument: no Data: line
    Reaction <- sleepstudy$Reaction; Days <- sleepstudy$Days; Subject <- sleepstudy$Subject
    fit("sleep_nodata", lmer(Reaction ~ Days + (Days | Subject)))
})

## ------------------------------------------------------------------ anova

anova_record <- function(name, a, printed) {
    list(name = name,
         heading = as.list(attr(a, "heading")),
         row_names = rownames(a),
         columns = colnames(a),
         values = lapply(a, num),
         printed = printed)
}
fm0 <- lmer(Reaction ~ 1 + (1 | Subject), sleepstudy)
fm1 <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy)
local({
    p <- capture(print(a <- anova(fm_sleep, fm_split)))
    write_json_file(anova_record("sleep_two", a, p), "anova_sleep_two.json")
    p <- capture(print(a <- anova(fm0, fm1, fm_sleep)))
    write_json_file(anova_record("sleep_three", a, p), "anova_sleep_three.json")
    fm_sub <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy, subset = Days > 2, REML = FALSE)
    fm_sub2 <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy, subset = Days > 2, REML = FALSE)
    p <- capture(print(a <- anova(fm_sub, fm_sub2)))
    write_json_file(anova_record("sleep_subset", a, p), "anova_sleep_subset.json")
    p <- capture(print(a <- anova(fm_sleep)))
    write_json_file(anova_record("single_sleep", a, p), "anova_single_sleep.json")
    fm_cake <- lmer(angle ~ recipe * temperature + (1 | recipe:replicate), cake, REML = FALSE)
    p <- capture(print(a <- anova(fm_cake)))
    write_json_file(anova_record("single_cake", a, p), "anova_single_cake.json")
})
cat("wrote anova\n")

## -------------------------------------------------------------- primitives
source(file.path(here, "make_primitives.R"), local = TRUE)
