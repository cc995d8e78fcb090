# fits one model, then runs longer than the test's --timeout: verify stops the script,
# verifies the model captured before and exits 3
library(lme4)
m1 <- lmer(Reaction ~ Days + (1 | Subject), sleepstudy)
x <- 0
repeat x <- x + 1
