# sleepstudy: reaction time over 10 days of sleep deprivation
# random intercept vs. random slope, anova() comparison, bootstrap CI
library(lme4)

data("sleepstudy", package = "lme4")
head(sleepstudy)

# spaghetti plot to a file
pdf(file.path(tempdir(), "sleep_lines.pdf"))
plot(Reaction ~ Days, data = sleepstudy, type = "n")
for (s in levels(sleepstudy$Subject)) {
  d <- sleepstudy[sleepstudy$Subject == s, ]
  lines(d$Days, d$Reaction, col = "grey")
}
dev.off()

m1 <- lmer(Reaction ~ Days + (1 | Subject), data = sleepstudy)
m2 <- lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy)
m3 <- lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), data = sleepstudy)
summary(m2)

anova(m1, m2)     # anova refits with ML
anova(m3, m2)

# fixed-effect test via ML fits
m2_ml  <- lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = FALSE)
m2_ml0 <- lmer(Reaction ~ 1 + (Days | Subject), data = sleepstudy, REML = FALSE)
anova(m2_ml0, m2_ml)

# parametric bootstrap confidence intervals (small nsim to keep it quick)
set.seed(101)
ci_boot <- confint(m2, method = "boot", nsim = 50)
print(ci_boot)

# bootMer on the fixed effects
set.seed(2)
b <- bootMer(m1, FUN = fixef, nsim = 50)
print(b)
apply(b$t, 2, quantile, probs = c(0.025, 0.975))
