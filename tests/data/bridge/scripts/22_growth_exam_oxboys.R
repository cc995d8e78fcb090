## Two classic growth/multilevel models: Exam (Goldstein) and Oxboys
library(lme4)
library(mlmRev)

# Exam: pupils in 65 London schools
summary(Exam[, c("normexam", "standLRT", "sex", "schgend")])
e1 <- lmer(normexam ~ standLRT + (1 | school), Exam)
e2 <- lmer(normexam ~ standLRT + sex + schgend + (standLRT | school), Exam)
summary(e2)
anova(e1, e2)

# Oxboys: 26 boys measured 9 times
data(Oxboys, package = "mlmRev")
o1 <- lmer(height ~ age + I(age^2) + I(age^3) + (age + I(age^2) | Subject), Oxboys)
o2 <- lmer(height ~ poly(age, 2) + (poly(age, 2) | Subject), Oxboys)
summary(o1)
fixef(o2)
head(predict(o1, re.form = NA))
