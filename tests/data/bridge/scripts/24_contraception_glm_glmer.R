## Bangladesh fertility survey (mlmRev::Contraception)
## ordinary logistic regression first, then women nested in districts
library(lme4)
library(mlmRev)

data(Contraception)
Contraception$ch <- factor(Contraception$livch != 0, labels = c("N", "Y"))
Contraception$use01 <- as.integer(Contraception$use == "Y")
# age is centred at the mean; in decades the quadratic term is on a sane scale
Contraception$age10 <- Contraception$age / 10
prop.table(table(Contraception$use, Contraception$urban), 2)

# linear probability model and single-level logistic regression
lpm <- lm(use01 ~ age + urban + ch, data = Contraception)
summary(lpm)
g0 <- glm(use ~ age10 + I(age10^2) + urban + ch, family = binomial, data = Contraception)
summary(g0)
drop1(g0, test = "Chisq")
summary(aov(age ~ livch, data = Contraception))

# random district intercepts; then urban/rural varying by district
gm1 <- glmer(use ~ age10 + I(age10^2) + urban + ch + (1 | district),
             family = binomial, data = Contraception)
summary(gm1)
anova(gm1, g0)                       # merMod vs glm: LRT for the district effect
gm2 <- glmer(use ~ age10 + I(age10^2) + urban + ch + (urban | district),
             family = binomial, data = Contraception)
anova(gm1, gm2)
# adaptive Gauss-Hermite quadrature for the scalar random-effect model
gm1q <- update(gm1, nAGQ = 5)
cbind(Laplace = fixef(gm1), AGQ5 = fixef(gm1q))
exp(cbind(OR = fixef(gm2), confint(gm2, parm = "beta_", method = "Wald")))
