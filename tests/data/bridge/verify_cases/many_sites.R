# lmer at top level, in a function, in a for loop, in lapply, through lmerTest and a pipe
library(lme4)
library(magrittr)
data(sleepstudy, package = "lme4")
ss <- sleepstudy
ss$Dgrp <- factor(ss$Days > 4, labels = c("early", "late"))
m1 <- lmer(Reaction ~ Days + (1 | Subject), data = ss)
fit_slope <- function(d) {
  lmer(Reaction ~ Days + (Days | Subject), data = d, REML = FALSE)
}
m2 <- fit_slope(ss)
for (f in c("Reaction ~ Dgrp + (1 | Subject)")) {
  m3 <- lmer(as.formula(f), ss)
}
fits <- lapply(c(FALSE), function(r)
  lmer(Reaction ~ Days + (1 | Subject), data = ss, REML = r))
m5 <- lmerTest::lmer(Reaction ~ Days + (1 | Subject), data = ss, subset = Days > 1)
m6 <- ss %>% lmer(formula = Reaction ~ Days + (1 | Subject), data = .)
m7 <- lmer(Reaction ~ Days + (Days | Subject), ss, REML = FALSE)
print(anova(fits[[1]], m7))
summary(m1)
anova(m1)
