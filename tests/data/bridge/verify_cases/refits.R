# refit() of an lmer and a glmer, and a bootstrap whose own refits are not the script's
library(lme4)
fm <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE)
fm2 <- refit(fm, sleepstudy$Reaction * 1.5 + sleepstudy$Days)
b <- bootMer(fm, fixef, nsim = 2)
gm <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
gm2 <- refit(gm)
