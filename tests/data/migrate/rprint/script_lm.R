# A typical analysis printing lm/glm/aov results (tests/migrate/test_rprint_lm.py runs
# its `pylme migrate` translation and compares the stdout with script_lm.Rout, R's).
library(lme4)
aq <- read.csv("airquality.csv")
fit <- lm(Ozone ~ Solar.R + Wind + Temp, data = aq)
summary(fit)
anova(fit)
confint(fit)

m1 <- lm(len ~ supp, data = ToothGrowth)
m2 <- lm(len ~ supp + dose, data = ToothGrowth)
anova(m1, m2)
print(summary(m2))
print(m2)
coef(summary(m2))
confint(m2, level = 0.9)

options(contrasts = c("contr.sum", "contr.poly"))
a <- aov(breaks ~ wool * tension, data = warpbreaks)
summary(a)
options(contrasts = c("contr.treatment", "contr.poly"))

g <- glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp)
summary(g)
print(g)
p <- glm(count ~ spray, family = poisson(), data = InsectSprays)
summary(p)
