# Freezes lme4 1.1-31's simulate / bootMer / confint(method = "boot") under R's
# set.seed for tests/inference/test_rng_r.py.  Run from the repository root:
#   Rscript tests/data/rng_r/freeze_rng_r.R
suppressMessages({library(lme4); library(jsonlite)})
rows <- function(m) lapply(seq_len(nrow(m)), function(i) unname(m[i, ]))
params <- function(m) list(theta = unname(getME(m, "theta")), beta = unname(fixef(m)), sigma = sigma(m))
sim <- function(m, ...) { set.seed(13); s <- simulate(m, nsim = 3, ...)
  lapply(s, function(col) if (is.matrix(col)) unname(col[, 1]) else as.numeric(col)) }
out <- list()
fm <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
out$sleepstudy <- c(params(fm), list(r = "set.seed(13); simulate(fm, nsim = 3)", sim = sim(fm)))
out$sleepstudy_use_u <- c(params(fm), list(r = "set.seed(13); simulate(fm, nsim = 3, use.u = TRUE)",
                                           sim = sim(fm, use.u = TRUE)))
fp <- lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)
out$penicillin <- c(params(fp), list(r = "set.seed(13); simulate(fp, nsim = 3)", sim = sim(fp)))
fq <- lmer(diameter ~ 1 + (1 | sample) + (1 | plate), Penicillin)
out$penicillin_swapped <- c(params(fq), list(r = "set.seed(13); simulate(fq, nsim = 3)", sim = sim(fq)))
gm <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
out$cbpp <- c(params(gm), list(r = "set.seed(13); simulate(gm, nsim = 3)[[j]][, 1]", sim = sim(gm)))
gp <- glmer(incidence / size ~ period + (1 | herd), cbpp, binomial, weights = size)
out$cbpp_prop <- c(params(gp), list(r = "set.seed(13); simulate(gp, nsim = 3)", sim = sim(gp)))
gt <- glmer(TICKS ~ YEAR + (1 | BROOD) + (1 | LOCATION), grouseticks, poisson)
out$grouseticks <- c(params(gt), list(r = "set.seed(13); simulate(gt, nsim = 3)", sim = sim(gt)))
gg <- suppressWarnings(glmer(Reaction ~ Days + (1 | Subject), sleepstudy, Gamma(link = "log")))
out$sleepstudy_gamma <- c(params(gg), list(r = "set.seed(13); simulate(gg, nsim = 3)", sim = sim(gg)))
gn <- glmer(TICKS ~ YEAR + (1 | LOCATION), grouseticks, family = MASS::negative.binomial(theta = 2))
out$grouseticks_nb <- c(params(gn), list(r = "set.seed(13); simulate(gn, nsim = 3)", sim = sim(gn)))
data(Contraception, package = "mlmRev")
gc <- glmer(use ~ urban + (1 | district), Contraception, binomial)
out$contraception_factor <- c(params(gc), list(r = "set.seed(13); as.numeric(simulate(gc, nsim = 3)[[j]])",
                                               sim = sim(gc)))
b <- bootMer(fm, fixef, nsim = 20, seed = 101)
out$bootmer <- c(params(fm), list(r = "bootMer(fm, fixef, nsim = 20, seed = 101)$t", t = rows(b$t)))
ci <- suppressMessages(confint(fm, method = "boot", nsim = 50, seed = 1))
out$confint_boot <- c(params(fm), list(r = "confint(fm, method = 'boot', nsim = 50, seed = 1)",
                                       rows = rownames(ci), ci = rows(ci)))
gb <- bootMer(gm, fixef, nsim = 10, seed = 7)
out$bootmer_cbpp <- c(params(gm), list(r = "bootMer(gm, fixef, nsim = 10, seed = 7)$t", t = rows(gb$t)))
out$`_about` <- paste("lme4", packageVersion("lme4"), "on", R.version.string,
                      "- written by tests/data/rng_r/freeze_rng_r.R")
# numbers as "%.17g" strings: round-trip exact (jsonlite prints at most 15 digits)
exact <- rapply(out, function(x) sprintf("%.17g", x), classes = c("numeric", "integer"), how = "replace")
writeLines(toJSON(exact, auto_unbox = TRUE), "tests/data/rng_r/lme4_rng_r.json")
