## Generalized linear mixed models: binomial (cbpp) and Poisson (grouse ticks)
library(lme4)

## --- contagious bovine pleuropneumonia ---
head(cbpp)
gm1 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd),
             data = cbpp, family = binomial)
summary(gm1)
fixef(gm1)
exp(fixef(gm1))          # odds ratios
# same model as proportion + weights
gm1w <- glmer(incidence / size ~ period + (1 | herd), weights = size,
              data = cbpp, family = binomial)
all.equal(fixef(gm1), fixef(gm1w), tolerance = 1e-4)

# predicted probabilities
p_hat <- predict(gm1, type = "response")
head(cbind(cbpp, p_hat))
# population-level predictions for each period
nd <- data.frame(period = factor(1:4))
predict(gm1, newdata = nd, re.form = NA, type = "response")

gm0 <- glmer(cbind(incidence, size - incidence) ~ 1 + (1 | herd),
             data = cbpp, family = binomial)
anova(gm0, gm1)

## --- ticks on red grouse chicks ---
grouseticks$cHEIGHT <- grouseticks$HEIGHT - mean(grouseticks$HEIGHT)
gm2 <- glmer(TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION),
             family = poisson, data = grouseticks)
summary(gm2)
exp(fixef(gm2))          # rate ratios
head(predict(gm2, type = "response"))
VarCorr(gm2)
