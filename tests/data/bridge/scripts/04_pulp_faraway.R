# Faraway, Extending the Linear Model with R -- random effects, pulp data
# one-way ANOVA with a random operator effect
library(lme4)

pulp <- read.csv("data/pulp.csv", stringsAsFactors = TRUE)
summary(pulp)

op <- options(contrasts = c("contr.sum", "contr.poly"))
lmod <- aov(bright ~ operator, pulp)
summary(lmod)
coef(lmod)
# method of moments estimate of sigma^2_alpha
(0.44667 - 0.10625) / 5

mmod <- lmer(bright ~ 1 + (1 | operator), pulp)
summary(mmod)

smod <- lmer(bright ~ 1 + (1 | operator), pulp, REML = FALSE)
summary(smod)

# LRT against the model without the random effect
nullmod <- lm(bright ~ 1, pulp)
as.numeric(2 * (logLik(smod) - logLik(nullmod)))
lrtstat <- as.numeric(2 * (logLik(smod) - logLik(nullmod)))
pvalue <- pchisq(lrtstat, 1, lower.tail = FALSE)
data.frame(lrtstat, pvalue)
anova(smod, nullmod)

# parametric bootstrap of the LRT under the null
y <- simulate(nullmod)
nsim <- 100
lrstat <- numeric(nsim)
set.seed(123)
for (i in 1:nsim) {
  y <- unlist(simulate(nullmod))
  bnull <- lm(y ~ 1)
  balt <- lmer(y ~ 1 + (1 | operator), pulp, REML = FALSE)
  lrstat[i] <- as.numeric(2 * (logLik(balt) - logLik(bnull)))
}
mean(lrstat < 0.00001)
pval <- mean(lrstat > lrtstat)
pval
sqrt(pval * (1 - pval) / nsim)

ranef(mmod)$operator
fixef(mmod) + ranef(mmod)$operator
options(op)
