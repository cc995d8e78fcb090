library(lme4)
library(mlmRev)
m1 <- lmer(Reaction ~ Days + (Days + I(Days^2) | Subject), data = sleepstudy)
m2 <- glmer(use ~ age + I(age^2) + urban + livch + (1 | district), data = Contraception,
            family = binomial)
