# confidence intervals three ways (Wald, profile, parametric bootstrap)
library(lme4)

fm <- lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff)
confint(fm, method = "Wald")
confint(fm)                          # profile likelihood (the default)
confint(fm, parm = "theta_", oldNames = FALSE)

pr <- profile(fm)
confint(pr, level = 0.99)
png(file.path(tempdir(), "dyestuff_profile.png"))
print(lattice::xyplot(pr))
dev.off()

fm2 <- lmer(Reaction ~ Days + (Days || Subject), data = sleepstudy)
summary(fm2)
ci <- confint(fm2, method = "Wald", parm = "beta_")
ci
cbind(estimate = fixef(fm2), ci)
confint(fm2, parm = 1:2, oldNames = FALSE)

set.seed(42)
confint(fm2, method = "boot", nsim = 30, parm = "beta_")
