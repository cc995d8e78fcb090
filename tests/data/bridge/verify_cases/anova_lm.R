# anova(merMod, lm/glm) in argument orders lme4 accepts, and models autoprinted at top level
library(lme4)
d <- sleepstudy
d$w <- rep(c(1, 2), length.out = nrow(d))
fm <- lmer(Reaction ~ Days + (Days | Subject), d, REML = FALSE)
fm
lm0 <- lm(Reaction ~ Days, d)
anova(fm, lm0)
wl <- lmer(Reaction ~ Days + (1 | Subject), d, weights = w)
anova(wl, lm(Reaction ~ Days, d, weights = w), refit = FALSE)
gm <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)
(gm)
g0 <- glm(cbind(incidence, size - incidence) ~ period, binomial, cbpp)
anova(gm, g0)
op <- options(contrasts = c("contr.sum", "contr.poly"))
pm <- glmer(incidence ~ period + (1 | herd), cbpp, poisson, offset = log(size))
anova(pm, glm(incidence ~ period + offset(log(size)), poisson, cbpp))
options(op)
