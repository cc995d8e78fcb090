# ergonomic stools: effort to rise from 4 stool types, 9 subjects
# base graphics diagnostics and a random-intercept model
library(lme4)
data(ergoStool, package = "nlme")
ergo <- as.data.frame(ergoStool)
ergo$Subject <- factor(ergo$Subject, ordered = FALSE)

outdir <- tempdir()
png(file.path(outdir, "ergo_box.png"), width = 600, height = 400)
par(mfrow = c(1, 2))
boxplot(effort ~ Type, data = ergo, main = "Effort by stool type", col = "lightblue")
hist(ergo$effort, breaks = 10, main = "Effort", xlab = "Borg scale")
dev.off()

fm <- lmer(effort ~ Type + (1 | Subject), data = ergo)
summary(fm)

# residual diagnostics
png(file.path(outdir, "ergo_resid.png"))
par(mfrow = c(2, 2))
plot(fitted(fm), resid(fm), xlab = "Fitted", ylab = "Residual")
abline(h = 0, lty = 2)
qqnorm(resid(fm)); qqline(resid(fm))
re <- ranef(fm)$Subject[, 1]
qqnorm(re, main = "Subject effects"); qqline(re)
plot(ergo$effort, fitted(fm), xlab = "Observed", ylab = "Fitted")
abline(0, 1, col = "red")
dev.off()

# treatment contrasts vs. T1, then Helmert-free means model
fm_means <- lmer(effort ~ 0 + Type + (1 | Subject), data = ergo)
fixef(fm_means)
cbind(fixef(fm_means), sqrt(diag(as.matrix(vcov(fm_means)))))
