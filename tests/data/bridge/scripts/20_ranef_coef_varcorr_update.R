# Extracting pieces from a fitted model; update() to change it
library(lme4)

m1 <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)

fixef(m1)
ranef(m1)
head(coef(m1)$Subject)
VarCorr(m1)
print(VarCorr(m1), comp = "Variance")
as.data.frame(VarCorr(m1))
sigma(m1)
vcov(m1)
getME(m1, "theta")
logLik(m1); AIC(m1); BIC(m1); nobs(m1)
ngrps(m1)
head(model.matrix(m1))
formula(m1)

# conditional variances of the BLUPs
rr <- ranef(m1, condVar = TRUE)
str(attr(rr$Subject, "postVar"))

# update: drop the correlation, change REML, drop a fixed effect
m2 <- update(m1, . ~ . - (Days | Subject) + (Days || Subject))
m3 <- update(m1, REML = FALSE)
m4 <- update(m3, . ~ . - Days)
VarCorr(m2)
anova(m4, m3)
m5 <- update(m1, data = subset(sleepstudy, Days > 0))
fixef(m5)
isSingular(m2)
refit(m1, newresp = sleepstudy$Reaction + 10) |> fixef()
