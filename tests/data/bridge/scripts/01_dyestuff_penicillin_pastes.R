## Classic lme4 examples (Bates, "lme4: Mixed-effects modeling with R", ch. 1-2)
## Dyestuff: one random factor; Penicillin: crossed; Pastes: nested.
## Likelihood ratio tests for the variance components use ML fits.

library(lme4)

str(Dyestuff)
summary(Dyestuff)

# REML fit (the default) and its ML counterpart
fm1 <- lmer(Yield ~ 1 + (1 | Batch), Dyestuff)
print(fm1)
summary(fm1)
fm1ML <- update(fm1, REML = FALSE)
summary(fm1ML)

# is there any batch-to-batch variability? compare to a model without it
# (no random effect -> lm; LRT by hand from the ML log-likelihoods)
fm0 <- lm(Yield ~ 1, Dyestuff)
lrt <- as.numeric(2 * (logLik(fm1ML) - logLik(fm0)))
cat("LRT statistic:", lrt, " p (halved chi^2_1):", 0.5 * pchisq(lrt, 1, lower.tail = FALSE), "\n")

# Dyestuff2: the variance component is estimated as 0
fm2 <- lmer(Yield ~ 1 + (1 | Batch), Dyestuff2)
summary(fm2)

## ---- Penicillin: fully crossed plate x sample ----
str(Penicillin)
xtabs(~ sample + plate, Penicillin)
fm3 <- lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)
summary(fm3)
VarCorr(fm3)

# drop the sample effect -> ML LRT via anova (refits with ML automatically)
fm3a <- lmer(diameter ~ 1 + (1 | plate), Penicillin)
anova(fm3a, fm3)

## ---- Pastes: casks nested in batches ----
str(Pastes)
fm4 <- lmer(strength ~ 1 + (1 | batch / cask), Pastes)
summary(fm4)
# same model written with the explicit interaction (sample = batch:cask)
fm4b <- lmer(strength ~ 1 + (1 | sample) + (1 | batch), Pastes, REML = FALSE)
fm5 <- lmer(strength ~ 1 + (1 | sample), Pastes, REML = FALSE)
anova(fm5, fm4b)   # batch variance essentially zero

print(fixef(fm4b))
print(deviance(fm5))
