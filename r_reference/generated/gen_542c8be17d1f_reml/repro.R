# Reproduce in R (run from the repository root)
suppressPackageStartupMessages(library(lme4))
data <- local({
  d <- read.csv("r_reference/generated/gen_542c8be17d1f_reml/data.csv", colClasses = c(y = "numeric", g = "character", h = "character"),
                na.strings = "NA")
  d$g <- factor(d$g, levels = c("g1", "g2"))
  d$h <- factor(d$h, levels = c("h1", "h2"))
  d
})
fm <- lmer(y ~ 1 + (1 | g) + (1 | h), data = data, REML = TRUE)
print(summary(fm))
print(getME(fm, "theta"), digits = 17)
print(if (isREML(fm)) REMLcrit(fm) else deviance(fm), digits = 17)
