# Produces anova_lm.json: R 4.2.2, lme4 1.1-31.  Rscript make_anova_lm.R (from this folder)
suppressMessages(library(lme4)); library(jsonlite)
pulp <- read.csv("pulp.csv", stringsAsFactors = TRUE)
out <- list()
tab <- function(a) list(rows = rownames(a), columns = names(a),
  values = lapply(as.list(a), function(v) ifelse(is.na(v), NA, v)),
  heading = attr(a, "heading"), text = paste(capture.output(print(a)), collapse = "\n"))
add <- function(key, expr) { a <- suppressMessages(expr); out[[key]] <<- tab(a) }
fm1 <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
lmD <- lm(Reaction ~ Days, sleepstudy)
add("sleepstudy", anova(fm1, lmD))
fmD <- lmer(Yield ~ 1 + (1|Batch), Dyestuff)
lm0 <- lm(Yield ~ 1, Dyestuff)
add("dyestuff", anova(fmD, lm0))
mmod <- lmer(bright ~ 1 + (1|operator), pulp)
nullmod <- lm(bright ~ 1, pulp)
add("pulp", anova(mmod, nullmod))
add("pulp_ml", anova(lmer(bright ~ 1 + (1|operator), pulp, REML = FALSE), nullmod))
gm <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, family = binomial)
g0 <- glm(cbind(incidence, size - incidence) ~ period, cbpp, family = binomial)
add("cbpp", anova(gm, g0))
gt <- glmer(TICKS ~ YEAR + (1|BROOD), grouseticks, family = poisson)
p0 <- glm(TICKS ~ YEAR, grouseticks, family = poisson)
add("grouseticks", anova(gt, p0))
# weighted lm: logLik.lm with weights (one zero weight)
w <- rep(c(1, 2, 0.5), length.out = 180); w[5] <- 0
sl <- sleepstudy; sl$w <- w
lw <- lm(Reaction ~ Days, sl, weights = w)
ll <- logLik(lw)
out$weighted_lm <- list(logLik = as.numeric(ll), df = attr(ll, "df"), nobs = attr(ll, "nobs"),
  AIC = AIC(lw), BIC = BIC(lw))
ll <- logLik(lmD, REML = TRUE)
out$lm_reml <- list(logLik = as.numeric(ll), df = attr(ll, "df"))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE), "anova_lm.json")
