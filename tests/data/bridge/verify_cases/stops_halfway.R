# the script fails after its first model: that model is still verified
library(lme4)
m1 <- lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff)
x <- undefined_variable + 1
m2 <- lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff2)
