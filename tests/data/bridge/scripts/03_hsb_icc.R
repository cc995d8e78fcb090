###########################################################
## High School and Beyond: math achievement
## (Raudenbush & Bryk; data from nlme)
## null model -> ICC, then level-1 and level-2 predictors
###########################################################
library(nlme)   # for the data only
library(lme4)

data(MathAchieve)
data(MathAchSchool)

# student-level data + school-level sector (merge on School, as in the tutorials)
hsb <- merge(as.data.frame(MathAchieve),
             MathAchSchool[, c("School", "Sector", "Size", "PRACAD")],
             by = "School")
hsb$School <- factor(hsb$School)
# group-mean centred SES
hsb$cses <- hsb$SES - hsb$MEANSES
dim(hsb)
head(hsb)

## unconditional (empty) model
null.model <- lmer(MathAch ~ 1 + (1 | School), data = hsb)
summary(null.model)

vc <- as.data.frame(VarCorr(null.model))
vc
tau00  <- vc$vcov[1]
sigma2 <- vc$vcov[2]
ICC <- tau00 / (tau00 + sigma2)
cat("ICC =", round(ICC, 4), "\n")

## means as outcomes
m.means <- lmer(MathAch ~ MEANSES + (1 | School), data = hsb)
summary(m.means)

## random coefficients with school-level predictors
m.full <- lmer(MathAch ~ cses * Sector + MEANSES + (cses | School), data = hsb)
summary(m.full)
print(VarCorr(m.full), comp = c("Variance", "Std.Dev."))
# proportion of level-2 variance explained by MEANSES
tau00.means <- as.data.frame(VarCorr(m.means))$vcov[1]
(tau00 - tau00.means) / tau00
