# a glmer, a model pylme cannot fit (glmer.nb), an update with anova, then an error:
# the models captured before the error are still verified, the one after it never runs
library(lme4)
gm <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd),
            data = cbpp, family = binomial)
print(summary(gm))
set.seed(1)
dd <- data.frame(y = rnbinom(200, mu = 3, size = 2), g = factor(rep(1:20, each = 10)))
nb <- glmer.nb(y ~ 1 + (1 | g), data = dd)
fm <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
fm0 <- update(fm, . ~ . - (Days | Subject) + (1 | Subject))
anova(fm0, fm)
x <- undefined_variable + 1
never <- lmer(Yield ~ 1 + (1 | Batch), data = Dyestuff)
