library(lme4)
# Dyestuff2's batch variance is estimated as 0: lme4 says "boundary (singular) fit"
fm <- lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff2)
summary(fm)
