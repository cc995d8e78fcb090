## Regenerates the R ground truth for tests/unit/glmm/test_links.py, test_families.py,
## test_family_initialize.py and test_densities.py.
##
## Run from the repository root with R 4.2.2 + lme4 1.1-31 + MASS 7.3-58 (+ jsonlite):
##     Rscript tests/data/glmm/make_families.R
## Writes next to this script:
##   * families.json -- links (R's make.link closures and lme4's C++ glmFamily versions),
##     families (lme4:::glmFamily$new(family = f): variance, devResid, aic; R's family
##     closures: validmu, print; lme4:::hasNoScale), initialize (lme4:::mkRespMod plus
##     the family's initialize expression) and the error texts of constructors and glmer;
##   * nmath.json -- pnorm, dnorm, qnorm, plogis, dlogis, qlogis, pcauchy, dcauchy,
##     qcauchy, dbinom(log = TRUE), dpois(log = TRUE), dgamma(log = TRUE) on wide grids.
## Every double is written exactly, as C99 hexadecimal ("%a"; "NA", "NaN", "Inf", "-Inf").
suppressPackageStartupMessages({ library(lme4); library(jsonlite); library(MASS) })
stopifnot(packageVersion("lme4") == "1.1.31")

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
hx <- function(x) sprintf("%a", as.numeric(x))
err <- function(expr) tryCatch({ force(expr); NA_character_ }, error = function(e) conditionMessage(e))
provenance <- list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
                   MASS = as.character(packageVersion("MASS")),
                   script = "tests/data/glmm/make_families.R")

## ---- links ------------------------------------------------------------------------
set.seed(20221110)
eta <- c(-Inf, -700, -40, -38.5, -37.6, -30.5, -30, -29.99, -10, -8.3, -8.2, -5.7, -5, -1.5,
         -0.67, -1e-300, 0, 1e-300, 0.3, 0.67, 1.5, 5, 5.7, 8.2, 8.3, 10, 29.99, 30, 30.5,
         37.6, 38.5, 40, 700, Inf, NaN, rnorm(60, sd = 6))
mu01 <- c(0, 1e-300, 1e-16, 2.220446049250313e-16, 1e-10, 0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999,
          1 - 1e-10, 1 - 2.220446049250313e-16, 1, NaN, runif(30))
mupos <- c(0, 1e-300, 1e-10, 0.001, 0.5, 1, 2.5, 10, 1e5, 1e300, Inf, NaN, rexp(30))
## lme4's C++ link is chosen by the link name; any family carrying that link will do
link_family <- list(logit = binomial("logit"), probit = binomial("probit"),
                    cauchit = binomial("cauchit"), cloglog = binomial("cloglog"),
                    identity = poisson("identity"), log = poisson("log"), sqrt = poisson("sqrt"),
                    `1/mu^2` = inverse.gaussian("1/mu^2"), inverse = Gamma("inverse"))
links <- lapply(names(link_family), function(nm) {
    lk <- make.link(nm)
    gf <- lme4:::glmFamily$new(family = link_family[[nm]])
    mu <- if (nm %in% c("logit", "probit", "cauchit", "cloglog")) mu01 else mupos
    valid <- list(c(1, 2), c(-1, 2), c(0, 1), c(NaN, 1), c(Inf, 1))
    list(name = nm, eta = hx(eta), mu = hx(mu),
         r_linkfun = hx(suppressWarnings(lk$linkfun(mu))),
         r_linkinv = hx(lk$linkinv(eta)), r_mu_eta = hx(lk$mu.eta(eta)),
         cpp_linkinv = hx(gf$linkInv(eta)), cpp_mu_eta = hx(gf$muEta(eta)),
         valideta_args = lapply(valid, hx),
         valideta = vapply(valid, function(v) isTRUE(lk$valideta(v)), TRUE))
})
link_errors <- list(
    list(expr = "make.link(\"foo\")", message = err(make.link("foo"))),
    list(expr = "binomial()$linkfun(c(0.5, 1.5, 2))", message = err(binomial()$linkfun(c(0.5, 1.5, 2)))),
    list(expr = "binomial()$linkfun(-0.25)", message = err(binomial()$linkfun(-0.25))))

## ---- families: C++ variance / devResid / aic on realistic inputs -----------------------
fam_case <- function(name, fam, y, n, mu, wt, note, dev = NULL) {
    gf <- lme4:::glmFamily$new(family = fam)
    dr <- gf$devResid(y, mu, wt)
    if (is.null(dev)) dev <- sum(dr)
    list(name = name, note = note, family = fam$family, link = fam$link, varfun = fam$varfun,
         theta = if (grepl("^Negative Binomial", fam$family)) get(".Theta", environment(fam$aic)) else NULL,
         y = hx(y), n = hx(n), mu = hx(mu), wt = hx(wt), dev = hx(dev),
         variance = hx(gf$variance(mu)), dev_resids = hx(dr),
         aic = hx(suppressWarnings(gf$aic(y, n, mu, wt, dev))))
}
cb <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
cb_y <- cbpp$incidence / cbpp$size
cbp <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial("probit"))
data(VerbAgg, package = "lme4")
va <- glm(r2 ~ Anger + Gender + btype + situ, VerbAgg, family = binomial)
va_rows <- seq(1, nrow(VerbAgg), by = 8)  # every 8th row keeps the file small
va_y <- as.numeric(VerbAgg$r2 == "Y")[va_rows]
data(grouseticks, package = "lme4")
gt <- glmer(TICKS ~ YEAR + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION),
            grouseticks, poisson)
gt_w <- rep(c(1, 2, 0.5, 0), length.out = nrow(grouseticks))
set.seed(42)
ns <- 150
g_x <- runif(ns)
g_mu <- exp(1 + 0.6 * g_x)
g_y <- rgamma(ns, shape = 1 / 0.6, scale = g_mu * 0.6)
g_w <- rep(c(1, 3, 0.25), length.out = ns)
ig_mu <- exp(0.5 + 0.4 * g_x)
ig_y <- ig_mu * exp(rnorm(ns, sd = 0.3))
gt_sub <- 1:120  # grouseticks rows for the quasi families
big_y <- c(0, 1, 5, 100, 1000, 12345, 1e5, 2e6, 0, 3)
big_mu <- c(1e-10, 0.2, 5, 101.5, 950, 12345.5, 1e5 + 7, 2e6 - 300, 2.220446049250313e-16, 1e-300)
bin_ext_mu <- c(2.220446049250313e-16, 1 - 2.220446049250313e-16, 1e-10, 0.5, 0.9999999, 0.3, 0.7, 1e-300)
bin_ext_y <- c(0, 1, 1, 0.5, 1, 0, 1, 0)
families <- list(
    fam_case("cbpp_logit", binomial(), cb_y, cbpp$size, fitted(cb), cbpp$size,
             "cbpp proportions, n = wt = size, mu = fitted(glmer logit)"),
    fam_case("cbpp_probit", binomial("probit"), cb_y, cbpp$size, fitted(cbp), cbpp$size,
             "cbpp proportions, mu = fitted(glmer probit)"),
    fam_case("cbpp_prior_weights", binomial(), cb_y, cbpp$size, fitted(cb), 2 * cbpp$size,
             "cbind with weights = 2: wt = 2 * size, n = size"),
    fam_case("verbagg_bernoulli", binomial(), va_y, rep(1, length(va_y)), fitted(va)[va_rows],
             rep(1, length(va_y)),
             "VerbAgg r2 == 'Y' (0/1), rows 1, 9, 17, ..., mu = fitted(glm(r2 ~ Anger + Gender + btype + situ))"),
    fam_case("binomial_proportion_wt", binomial(), cb_y, rep(1, nrow(cbpp)), fitted(cb), cbpp$size,
             "proportions with weights = trials and n = 1: m = wt"),
    fam_case("binomial_extremes", binomial("cloglog"), bin_ext_y, rep(1, 8), bin_ext_mu, c(1, 1, 2, 0, 1, 3, 1, 1),
             "mu at lme4's clamps, zero weight"),
    fam_case("binomial_cauchit", binomial("cauchit"), cb_y, cbpp$size, fitted(cb), cbpp$size, "cauchit link"),
    fam_case("grouseticks_poisson", poisson(), grouseticks$TICKS, rep(1, nrow(grouseticks)), fitted(gt),
             rep(1, nrow(grouseticks)), "grouseticks TICKS, mu = fitted(glmer poisson)"),
    fam_case("grouseticks_poisson_weighted", poisson("sqrt"), grouseticks$TICKS[gt_sub], rep(1, 120),
             fitted(gt)[gt_sub], gt_w[gt_sub], "weights 1, 2, 0.5, 0 recycled"),
    fam_case("poisson_large_counts", poisson(), big_y, rep(1, 10), big_mu, rep(1, 10),
             "counts up to 2e6, mu near 0"),
    fam_case("poisson_nonint", poisson(), c(1, 2.5, 3), rep(1, 3), c(1, 2, 3), rep(1, 3),
             "non-integer count: dpois warns, aic = Inf"),
    fam_case("gamma_log", Gamma("log"), g_y, rep(1, ns), g_mu, rep(1, ns), "simulated Gamma, dispersion 0.6"),
    fam_case("gamma_inverse_weighted", Gamma(), g_y, rep(1, ns), g_mu, g_w, "weights 1, 3, 0.25"),
    fam_case("inverse_gaussian", inverse.gaussian(), ig_y, rep(1, ns), ig_mu, g_w, "lognormal-ish y"),
    fam_case("gaussian_log", gaussian("log"), ig_y, rep(1, ns), ig_mu, g_w, "gaussian, log link"),
    fam_case("gaussian_inverse", gaussian("inverse"), ig_y, rep(1, ns), ig_mu, rep(1, ns), "gaussian, inverse link"),
    fam_case("gaussian_sum_order", gaussian("log"), rep(1, 9), rep(1, 9), rep(1.5, 9),
             exp(c(700, 1e-15, -700, 3e-15, 1e-16, 5e-16, -3e-16, 2e-15, 1)),
             "log(wt) terms whose sum depends on the summation order (a loop here)",
             dev = 9 * exp(-1) / (2 * pi)),
    fam_case("inverse_gaussian_sum_order", inverse.gaussian("log"), rep(1.25, 9), rep(1, 9), rep(1.5, 9),
             c(1e16, rep(1, 8)), "sum(wt) left to right (lme4: EIGEN_DONT_VECTORIZE): 1e16 + 8 ones", dev = 3),
    fam_case("gamma_sum_order", Gamma("log"), c(2, rep(1.25, 8)), rep(1, 9), rep(1.5, 9),
             c(1e16, rep(1, 8)), "sum(wt) left to right (lme4: EIGEN_DONT_VECTORIZE): 1e16 + 8 ones", dev = 3e15),
    fam_case("negbin_grouseticks", negative.binomial(2.5), grouseticks$TICKS, rep(1, nrow(grouseticks)),
             fitted(gt), gt_w, "MASS::negative.binomial(2.5); lme4's aic weights the first term only"),
    fam_case("negbin_sqrt", negative.binomial(0.8, link = "sqrt"), big_y, rep(1, 10), big_mu, rep(1, 10),
             "negative.binomial(0.8, 'sqrt')"),
    fam_case("quasibinomial", quasibinomial(), cb_y, cbpp$size, fitted(cb), cbpp$size, "R closures; aic NA"),
    fam_case("quasipoisson", quasipoisson(), grouseticks$TICKS[gt_sub], rep(1, 120), fitted(gt)[gt_sub],
             gt_w[gt_sub], "R closures; aic NA"),
    fam_case("quasi_mu2", quasi("log", "mu^2"), g_y, rep(1, ns), g_mu, g_w, "quasi(log, mu^2)"),
    fam_case("quasi_mu3", quasi("inverse", "mu^3"), c(ig_y, 0), rep(1, ns + 1), c(ig_mu, 1), c(g_w, 1),
             "quasi(inverse, mu^3)"),
    fam_case("quasi_mu", quasi("log", "mu"), c(0, grouseticks$TICKS[gt_sub]), rep(1, 121),
             c(1, fitted(gt)[gt_sub]), c(1, gt_w[gt_sub]), "quasi(log, mu)"),
    fam_case("quasi_binvar", quasi("logit", "mu(1-mu)"), cb_y, cbpp$size, fitted(cb), cbpp$size,
             "quasi(logit, mu(1-mu))"),
    fam_case("quasi_constant", quasi(), ig_y, rep(1, ns), ig_mu, g_w, "quasi()"))

## family objects: names, printing, hasNoScale, validmu, constructor errors
fam_objects <- list(binomial = binomial(), binomial_probit = binomial("probit"),
                    binomial_inverse = binomial("inverse"), poisson = poisson(),
                    poisson_logit = poisson("logit"), Gamma = Gamma(), Gamma_log = Gamma("log"),
                    inverse_gaussian = inverse.gaussian(), gaussian = gaussian(),
                    gaussian_log = gaussian("log"), negbin_2.5 = negative.binomial(2.5),
                    negbin_1 = negative.binomial(1), negbin_third = negative.binomial(1/3),
                    negbin_1e6 = negative.binomial(1e6), negbin_big = negative.binomial(123456.789),
                    negbin_round = negative.binomial(10.12345), negbin_tiny = negative.binomial(1e-5),
                    quasibinomial = quasibinomial(), quasipoisson = quasipoisson(),
                    quasi = quasi(), quasi_mu = quasi("log", "mu"))
valid_mu <- list(c(0.5, 0.2), c(0, 0.5), c(1, 0.5), c(2, 3), c(-1, 2), c(NaN, 0.5), c(Inf, 1), c(0.5, 1e-300))
objects <- lapply(names(fam_objects), function(nm) {
    f <- fam_objects[[nm]]
    list(key = nm, family = f$family, link = f$link, varfun = f$varfun,
         print = paste0(capture.output(print(f)), "\n", collapse = ""),
         has_scale = !lme4:::hasNoScale(f),
         validmu = vapply(valid_mu, function(m) isTRUE(f$validmu(m)), TRUE))
})
constructor_errors <- list(
    list(expr = "binomial(link = 1)", message = err(binomial(link = 1))),
    list(expr = "poisson(link = 1)", message = err(poisson(link = 1))),
    list(expr = "Gamma(link = 1)", message = err(Gamma(link = 1))),
    list(expr = "inverse.gaussian(link = 1)", message = err(inverse.gaussian(link = 1))),
    list(expr = "gaussian(link = 1)", message = err(gaussian(link = 1))),
    list(expr = "quasibinomial(link = 1)", message = err(quasibinomial(link = 1))),
    list(expr = "quasipoisson(link = 1)", message = err(quasipoisson(link = 1))),
    list(expr = "binomial(link = \"foo\")", message = err(binomial(link = "foo"))),
    list(expr = "negative.binomial()", message = err(negative.binomial())),
    list(expr = "negative.binomial(2, link = 3)", message = err(negative.binomial(2, link = 3))),
    list(expr = "quasi(variance = \"x\")", message = err(quasi(variance = "x"))))
f0 <- incidence / size ~ period + (1 | herd)
glmer_errors <- list(
    list(expr = "glmer(family = \"foo\")", message = err(glmer(f0, cbpp, family = "foo", weights = size))),
    list(expr = "glmer(family = \"quasibinomial\")", message = err(glmer(f0, cbpp, family = "quasibinomial", weights = size))),
    list(expr = "glmer(family = quasipoisson)", message = err(glmer(f0, cbpp, family = quasipoisson))),
    list(expr = "glmer(family = quasi())", message = err(glmer(f0, cbpp, family = quasi()))),
    list(expr = "glmer(family = NULL)", message = err(glmer(f0, cbpp, family = NULL))),
    list(expr = "glmer(family = 1)", message = err(glmer(f0, cbpp, family = 1))),
    list(expr = "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), family = poisson)",
         message = err(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, family = poisson))))

## ---- initialize: lme4:::mkRespMod + the family's initialize ---------------------------------
init_case <- function(name, fam, y, weights = NULL, mustart = NULL, etastart = NULL) {
    warns <- character(0)
    res <- withCallingHandlers(
        tryCatch({
            rm <- lme4:::mkRespMod(family = fam, y = y, weights = weights, mustart = mustart,
                                   etastart = etastart)
            ## mkRespMod does not keep mustart: rerun the initialize expression as it does
            rho <- new.env()
            rho$y <- if (is.logical(y) && fam$family != "binomial") as.integer(y) else y
            rho$weights <- if (is.null(weights)) rep.int(1, NROW(y)) else weights
            rho$nobs <- NROW(y); rho$mustart <- mustart; rho$etastart <- etastart; rho$start <- NULL
            rho$family <- fam  # gaussian's initialize reads family$link, as in mkRespMod's frame
            suppressWarnings(eval(fam$initialize, rho))
            if (!is.null(mustart)) rho$mustart <- mustart
            list(y = hx(rm$y), weights = hx(rm$weights), n = hx(rm$n), eta = hx(rm$eta),
                 mustart = hx(rho$mustart), error = NULL)
        }, error = function(e) list(error = conditionMessage(e))),
        warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
    yin <- if (is.factor(y)) list(factor_codes = as.integer(y), levels = levels(y))
           else if (is.matrix(y)) list(matrix = lapply(seq_len(ncol(y)), function(j) hx(y[, j])))
           else if (is.logical(y)) list(logical = as.logical(y))
           else if (is.character(y)) list(character = y)
           else list(numeric = hx(y))
    c(list(name = name, family = fam$family, link = fam$link,
           theta = if (grepl("^Negative Binomial", fam$family)) get(".Theta", environment(fam$aic)) else NULL,
           varfun = fam$varfun, input = yin,
           weights_in = if (is.null(weights)) NULL else hx(weights),
           mustart_in = if (is.null(mustart)) NULL else hx(mustart),
           etastart_in = if (is.null(etastart)) NULL else hx(etastart),
           warnings = I(warns)), res)
}
cbm <- cbind(cbpp$incidence, cbpp$size - cbpp$incidence)
va10 <- VerbAgg$resp[1:12]
initialize <- list(
    init_case("binomial_01", binomial(), c(0, 1, 1, 0, 1)),
    init_case("binomial_logical", binomial(), c(FALSE, TRUE, TRUE, FALSE)),
    init_case("binomial_factor", binomial(), factor(c("no", "yes", "yes", "no"), levels = c("no", "yes"))),
    init_case("binomial_factor3", binomial(), va10),
    init_case("binomial_proportion_weights", binomial(), cbpp$incidence / cbpp$size, weights = cbpp$size),
    init_case("binomial_proportion_noweights", binomial(), cbpp$incidence / cbpp$size),
    init_case("binomial_cbind", binomial(), cbm),
    init_case("binomial_cbind_weights2", binomial(), cbm, weights = rep(2, nrow(cbm))),
    init_case("binomial_cbind_nonint", binomial(), cbind(c(1.5, 2, 0), c(1, 0, 0))),
    init_case("binomial_cbind_zero_trials", binomial("probit"), cbind(c(0, 3, 1), c(0, 1, 4))),
    init_case("binomial_zero_weight", binomial(), c(0.5, 1, 0.3), weights = c(3, 1, 0)),
    init_case("binomial_out_of_range", binomial(), c(0, 2, 1)),
    init_case("binomial_three_columns", binomial(), cbind(1:3, 3:1, 1:3)),
    init_case("binomial_character", binomial(), c("a", "b")),
    init_case("binomial_na", binomial(), c(1, NA, 0)),
    init_case("binomial_factor_na", binomial(), factor(c("a", NA, "b"))),
    init_case("binomial_inf", binomial(), c(1, Inf, 0)),
    init_case("binomial_negative_weights", binomial(), c(1, 0, 1), weights = c(1, -1, 1)),
    init_case("binomial_nan_weights", binomial(), c(1, 0, 1), weights = c(1, NaN, 1)),
    init_case("binomial_weights_length", binomial(), c(1, 0, 1), weights = c(1, 1)),
    init_case("binomial_mustart", binomial(), c(0, 1, 1), mustart = c(0.2, 0.6, 0.9)),
    init_case("binomial_etastart", binomial("cloglog"), c(0, 1, 1), etastart = c(-1, 0.5, 2)),
    init_case("binomial_mustart_out_of_range", binomial(), c(0, 1, 1), mustart = c(0.2, 1.5, 0.9)),
    init_case("poisson_counts", poisson(), c(0, 3, 7, 12)),
    init_case("poisson_sqrt", poisson("sqrt"), c(0, 3, 7, 12), weights = c(1, 0, 2, 1)),
    init_case("poisson_negative", poisson(), c(1, -1, 3)),
    init_case("poisson_logical", poisson(), c(TRUE, FALSE, TRUE)),
    init_case("poisson_factor", poisson(), factor(c("a", "b"))),
    init_case("poisson_character", poisson(), c("1", "2")),
    init_case("poisson_nonint", poisson(), c(1, 2.5, 3)),
    init_case("gamma_positive", Gamma("log"), c(0.5, 2, 7.25)),
    init_case("gamma_zero", Gamma(), c(0.5, 0, 7.25)),
    init_case("inverse_gaussian_positive", inverse.gaussian(), c(0.5, 2, 7.25)),
    init_case("inverse_gaussian_negative", inverse.gaussian(), c(0.5, -2, 7.25)),
    init_case("gaussian_log_nonpositive", gaussian("log"), c(1, 0, 2)),
    init_case("gaussian_log_mustart", gaussian("log"), c(1, 0, 2), mustart = c(1, 0.5, 2)),
    init_case("gaussian_inverse_zero", gaussian("inverse"), c(1, 0, 2)),
    init_case("gaussian_inverse_etastart", gaussian("inverse"), c(1, 0, 2), etastart = c(1, 4, 0.5)),
    init_case("gaussian_identity", gaussian(), c(-1, 0, 2)),
    init_case("negbin_counts", negative.binomial(2.5), c(0, 3, 0, 12)),
    init_case("negbin_negative", negative.binomial(2.5), c(0, -3)),
    init_case("quasibinomial_nonint", quasibinomial(), cbpp$incidence / cbpp$size),
    init_case("quasibinomial_three_columns", quasibinomial(), cbind(1:3, 3:1, 1:3)),
    init_case("quasipoisson_negative", quasipoisson(), c(1, -1)),
    init_case("quasi_binvar", quasi("logit", "mu(1-mu)"), c(0, 0.5, 1)),
    init_case("quasi_mu", quasi("log", "mu"), c(0, 0.5, 3)),
    init_case("quasi_constant", quasi(), c(-1, 0.5, 3)))

out <- list(provenance = provenance, links = links, link_errors = link_errors,
            families = families, family_objects = objects, valid_mu_args = lapply(valid_mu, hx),
            constructor_errors = constructor_errors, glmer_errors = glmer_errors,
            initialize = initialize)
writeLines(toJSON(out, auto_unbox = TRUE, null = "null", pretty = FALSE), file.path(here, "families.json"))

## ---- nmath grids ---------------------------------------------------------------------
set.seed(7)
x <- c(seq(-40, 40, by = 0.1371), -700, 700, -38.5, 38.5, 8.2924, -37.5193, 5.656854, -5.656854,
       0.67448975, -0.67448975, 1e-300, -1e-300, Inf, -Inf, NaN, rnorm(150, sd = 10))
p <- c(runif(250), 10^-(1:300), 1 - 10^-(1:16), 0, 1, 0.5, 0.075, 0.925, 0.25, 0.75, -0.1, 1.1, NaN)
px <- c(0:60, 250, 1000, 1e4, 123456, 1e7, 1e15, rpois(200, 30))
h <- length(px) %/% 2
plam <- c(runif(h, 0, 50), exp(runif(length(px) - h, -40, 40)))
dp_x <- c(px, px, 5, 0, 3, 1e6, 2.5, -1, Inf, 0)
dp_l <- c(plam, px + 0.3, 5, 1e-300, 1e-310, 1e6, 2, 1, 3, 0)
bn <- c(rep(1, 100), sample(1:40, 300, TRUE), sample(1:100000, 200, TRUE), 1e9, 1e12, 0, 10, 10, 10)
bk <- sapply(bn, function(m) sample(0:m, 1)); bk[1:3] <- 0; bk[length(bk) - 2:0] <- c(0, 10, 11)
bp <- c(runif(300), 10^-runif(150, 0, 16), 1 - 10^-runif(150, 1, 15), 0.5, 0.3, 0.2, 0, 1, 0.4)
gx <- c(rgamma(300, 2, 1), exp(runif(100, -30, 30)), 0, 0, 0, 1)
gs <- c(exp(runif(200, -5, 6)), runif(200, 0.2, 30), 0.5, 1, 2, 0)
gc <- c(exp(runif(400, -10, 10)), 2, 2, 2, 1)
nm <- list(provenance = provenance, x = hx(x), p = hx(p),
           pnorm = hx(pnorm(x)), dnorm = hx(dnorm(x)), qnorm = hx(suppressWarnings(qnorm(p))),
           plogis = hx(plogis(x)), dlogis = hx(dlogis(x)), qlogis = hx(suppressWarnings(qlogis(p))),
           pcauchy = hx(pcauchy(x)), dcauchy = hx(dcauchy(x)), qcauchy = hx(suppressWarnings(qcauchy(p))),
           dpois = list(x = hx(dp_x), lambda = hx(dp_l), log = hx(suppressWarnings(dpois(dp_x, dp_l, log = TRUE)))),
           dbinom = list(x = hx(bk), size = hx(bn), prob = hx(bp), log = hx(dbinom(bk, bn, bp, log = TRUE))),
           dgamma = list(x = hx(gx), shape = hx(gs), scale = hx(gc), log = hx(dgamma(gx, gs, scale = gc, log = TRUE))))
writeLines(toJSON(nm, auto_unbox = TRUE, null = "null", pretty = FALSE), file.path(here, "nmath.json"))
