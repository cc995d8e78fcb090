# tab-separated export from the lab system
library(lme4)

ergo <- read.table("data/ergo_stool.txt", header = TRUE, sep = "\t",
                   stringsAsFactors = FALSE)
str(ergo)
ergo$Subject <- factor(ergo$Subject)
ergo$Type <- factor(ergo$Type)
contrasts(ergo$Type) <- contr.helmert(4)
contrasts(ergo$Type)

fit <- lmer(effort ~ Type + (1 | Subject), data = ergo)
summary(fit)
anova(fit)
# compare with the aov error-stratum analysis
summary(aov(effort ~ Type + Error(Subject), data = ergo))
