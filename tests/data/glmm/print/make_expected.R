## Regenerates the R ground truth of glmer's printed forms (tests/unit/printing/test_glmm_layout.py,
## tests/integration/test_glmer_print.py).
##
## Run from the repository root with R 4.2.2 + lme4 1.1-31 (+ mlmRev, jsonlite):
##     Rscript tests/data/glmm/print/make_expected.R
## It writes, next to this script, for every model below:
##   * <name>_summary.txt -- capture.output(print(summary(fit))), every byte, after a header
##   * <name>_print.txt   -- capture.output(print(fit)), every byte, after a header
##     (header: lines starting "## ", the R expression, R and lme4 versions, ended by "## ----")
##   * <name>.json        -- the full-precision numbers the printing layer needs (every double
##     as a "%.17g" string) and the same two texts;
##   * <name>_spread.json -- the same two texts from refits on 8 seeded row permutations of
##     the data (lme4's own spread; see spread() below; for cbpp also with digits = 6);
##   * cbpp_summary_digits6.txt, strwrap.json -- print(summary(gm1), digits = 6); strwrap().
suppressPackageStartupMessages({
    library(lme4); library(jsonlite); library(mlmRev)
})
stopifnot(packageVersion("lme4") == "1.1.31")
options(width = 80, digits = 7, useFancyQuotes = TRUE)

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
versions <- sprintf("%s, lme4 %s", R.version.string, packageVersion("lme4"))

num <- function(x) sprintf("%.17g", as.numeric(x))

## exact stdout bytes of `expr` (trailing blanks and the final newline kept)
capture <- function(expr) {
    f <- tempfile()
    con <- file(f, open = "wt")
    sink(con)
    force(expr)
    sink()
    close(con)
    if (file.info(f)$size > 0) readChar(f, file.info(f)$size, useBytes = TRUE) else ""
}

write_text <- function(text, name, expr) {
    header <- c(paste("## R expression:", expr), paste("##", versions), "## ----")
    con <- file(file.path(here, name), open = "wb")
    writeLines(header, con, useBytes = TRUE)
    writeChar(text, con, eos = NULL, useBytes = TRUE)
    close(con)
}

record <- function(fm, name, fit_expr) {
    cl <- fm@call
    dep <- function(x) if (is.null(x)) NULL else deparse(x)
    vc <- VarCorr(fm)
    summ <- summary(fm)
    aic <- summ$AICtab
    corF <- summ$vcov@factors$correlation
    oi <- fm@optinfo
    fam <- family(fm)
    summary_text <- capture(print(summ))
    print_text <- capture(print(fm))
    write_text(summary_text, paste0(name, "_summary.txt"), sprintf("print(summary(%s))", fit_expr))
    write_text(print_text, paste0(name, "_print.txt"), sprintf("print(%s)", fit_expr))
    rec <- list(
        name = name,
        r_expression = fit_expr,
        versions = versions,
        call = list(formula = dep(cl$formula), data = dep(cl$data),
                    weights = dep(cl$weights), offset = dep(cl$offset),
                    control = dep(cl$control), subset = dep(cl$subset)),
        family = fam$family, link = fam$link,
        n_agq = unname(fm@devcomp$dims[["nAGQ"]]),
        use_scale = isTRUE(as.logical(fm@devcomp$dims[["useSc"]])),
        aictab = as.list(setNames(num(aic), names(aic))),
        ## quantile(type 7) of 5 points at 0, .25, .5, .75, 1 returns the points themselves
        scaled_residual_quantiles = num(quantile(residuals(fm, "pearson", scaled = TRUE))),
        varcorr = lapply(seq_along(vc), function(i) {
            v <- vc[[i]]
            list(group = names(vc)[i], names = colnames(v), stddev = num(attr(v, "stddev")),
                 correlation = num(as.vector(attr(v, "correlation"))))
        }),
        sigma = num(sigma(fm)),
        nobs = nobs(fm),
        ngrps = as.list(ngrps(fm)),
        ngrps_names = names(ngrps(fm)),
        fixef_names = names(fixef(fm)),
        fixef = num(fixef(fm)),
        std_error = num(summ$coefficients[, "Std. Error"]),
        p_value = num(summ$coefficients[, "Pr(>|z|)"]),
        fixef_correlation = if (is.null(corF)) NULL else num(corF@x),
        optimizer = oi$optimizer,
        conv_opt = oi$conv$opt,
        conv_message = if (is.null(oi$message)) NULL else oi$message,
        lme4_messages = as.list(unlist(oi$conv$lme4$messages)),
        optimizer_warnings = as.list(unlist(oi$warnings)),
        fit_msgs = as.list(lme4:::.merMod.msgs(fm)),
        printed = list(summary = summary_text, print = print_text))
    writeLines(toJSON(rec, auto_unbox = TRUE, pretty = TRUE, null = "null", na = "string",
                      digits = NA),
               file.path(here, paste0(name, ".json")), useBytes = TRUE)
    cat("wrote", name, "\n")
}

## lme4's own spread: the same call refitted on seeded row permutations of its data (the
## optimizer's path follows the objective's last bits, so some fits -- VerbAgg,
## Contraception -- print other digits for the same data in another row order)
spread <- function(name, fit_expr, seeds = 1:8, digits6 = FALSE) {
    data_name <- as.character(parse(text = fit_expr)[[1]]$data)
    d0 <- get(data_name)
    texts <- lapply(seeds, function(s) {
        set.seed(s)
        env <- new.env()
        assign(data_name, d0[sample(nrow(d0)), ], envir = env)
        fm <- suppressWarnings(eval(parse(text = fit_expr), envir = env))
        list(summary = capture(print(summary(fm))), print = capture(print(fm)),
             summary_digits6 = if (digits6) capture(print(summary(fm), digits = 6)))
    })
    rec <- list(r_expression = sprintf(paste(
                    "for seed in %s: set.seed(seed); %s <- %s[sample(nrow(%s)), ];",
                    "capture.output(print(summary(fit)), print(fit)) of fit <- %s"),
                    deparse(seeds), data_name, data_name, data_name, fit_expr),
                versions = versions, seeds = seeds,
                summary = lapply(texts, `[[`, "summary"), print = lapply(texts, `[[`, "print"),
                summary_digits6 = if (digits6) lapply(texts, `[[`, "summary_digits6"))
    writeLines(toJSON(rec, auto_unbox = TRUE, pretty = TRUE), file.path(here, paste0(name, "_spread.json")),
               useBytes = TRUE)
}

fit <- function(name, fit_expr, digits6 = FALSE) {
    fm <- suppressWarnings(eval(parse(text = fit_expr)))
    record(fm, name, fit_expr)
    spread(name, fit_expr, digits6 = digits6)
    invisible(fm)
}

data(cbpp); data(grouseticks); data(VerbAgg); data(Contraception)
gdat <- read.csv(file.path(here, "..", "devfun", "gamma_sim.csv"))
gdat$g <- factor(gdat$g)
cbpp$prop <- cbpp$incidence / cbpp$size
cbpp2 <- cbpp
cbpp2$logsize <- log(cbpp2$size)

cbpp_formula <- "cbind(incidence, size - incidence) ~ period + (1 | herd)"
gm1 <- fit("cbpp", sprintf("glmer(%s, data = cbpp, family = binomial)", cbpp_formula), digits6 = TRUE)
write_text(capture(print(summary(gm1), digits = 6)), "cbpp_summary_digits6.txt",
           sprintf("print(summary(gm1), digits = 6) of gm1 <- glmer(%s, data = cbpp, family = binomial)",
                   cbpp_formula))
fit("cbpp_agq25", sprintf("glmer(%s, data = cbpp, family = binomial, nAGQ = 25)", cbpp_formula))
fit("cbpp_agq0", sprintf("glmer(%s, data = cbpp, family = binomial, nAGQ = 0)", cbpp_formula))
fit("cbpp_probit", sprintf("glmer(%s, data = cbpp, family = binomial(link = \"probit\"))", cbpp_formula))
fit("cbpp_weights_control",
    paste("glmer(prop ~ period + (1 | herd), data = cbpp, family = binomial, weights = size,",
          "control = glmerControl(optimizer = \"bobyqa\"))"))
fit("cbpp_poisson_offset",
    "glmer(incidence ~ period + (1 | herd), data = cbpp2, family = poisson, offset = logsize)")
fit("grouseticks",
    paste("glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION),",
          "data = grouseticks, family = poisson)"))
fit("verbagg",
    "glmer(r2 ~ (Anger + Gender + btype + situ) + (1 | id) + (1 | item), data = VerbAgg, family = binomial)")
fit("contraception",
    paste("glmer(use ~ age + I(age^2) + urban + livch + (1 | district), data = Contraception,",
          "family = binomial)"))
fit("gamma", "glmer(y ~ x + (1 | g), data = gdat, family = Gamma(link = \"log\"))")

## strwrap() and .prt.methTit() on titles and on text with sentence ends, blank runs,
## paragraphs and over-long words (tests of pylme.printing.glmm_layout.strwrap)
wrap_cases <- list(
    list(x = lme4:::methTitle(c(GLMM = 1, NLMM = 0, REML = 0, nAGQ = 1)), width = 78, exdent = 2),
    list(x = lme4:::methTitle(c(GLMM = 1, NLMM = 0, REML = 0, nAGQ = 25)), width = 78, exdent = 2),
    list(x = "One sentence.  Another one! And (a third?) \"quoted.\" end", width = 20, exdent = 0),
    list(x = "tab\there   and  runs of   blanks ", width = 12, exdent = 3),
    list(x = "first paragraph words\n\n  second paragraph here", width = 15, exdent = 1),
    list(x = "averyveryverylongwordthatcannotbesplit short", width = 10, exdent = 2),
    list(x = "", width = 10, exdent = 0))
wraps <- lapply(wrap_cases, function(w) c(w, list(result = strwrap(w$x, width = w$width,
                                                                   exdent = w$exdent))))
titles <- list(
    list(title = "Nonlinear mixed model fit by maximum likelihood ", class = "nlmerMod"),
    list(title = lme4:::methTitle(c(GLMM = 1, NLMM = 0, REML = 0, nAGQ = 0)), class = "glmerMod"),
    list(title = paste(rep("word", 19), collapse = " "), class = "glmerMod"))
titles <- lapply(titles, function(t) c(t, list(text = capture(lme4:::.prt.methTit(t$title, t$class)))))
writeLines(toJSON(list(versions = versions,
                       r_expression = "strwrap(x, width, exdent); capture.output(lme4:::.prt.methTit(title, class))",
                       strwrap = wraps, titles = titles),
                  auto_unbox = TRUE, pretty = TRUE, null = "null"),
           file.path(here, "strwrap.json"), useBytes = TRUE)
cat("wrote strwrap\n")
