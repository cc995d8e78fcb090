# predictions from a growth model: population curve (re.form = NA) and subjects
library(lme4)
data(Orthodont, package = "nlme")
dat <- data.frame(distance = Orthodont$distance, age = Orthodont$age,
                  Subject = factor(as.character(Orthodont$Subject)),
                  Sex = factor(as.character(Orthodont$Sex), levels = c("Male", "Female")))

fm <- lmer(distance ~ age * Sex + (age | Subject), data = dat)
summary(fm)

newdat <- expand.grid(age = seq(8, 14, by = 0.5), Sex = c("Male", "Female"))
newdat$pred_pop <- predict(fm, newdata = newdat, re.form = NA)
head(newdat)

# subject-specific predictions for two subjects at new ages
nd2 <- data.frame(age = c(9, 11, 13, 9, 11, 13),
                  Subject = rep(c("M01", "F05"), each = 3),
                  Sex = rep(c("Male", "Female"), each = 3))
nd2$pred_subj <- predict(fm, newdata = nd2)
nd2$pred_int  <- predict(fm, newdata = nd2, re.form = ~ (1 | Subject))
nd2

# a new subject: allow.new.levels falls back to the population curve
predict(fm, newdata = data.frame(age = 10, Sex = "Male", Subject = "M99"),
        allow.new.levels = TRUE)

# manual population prediction from the design matrix
X <- model.matrix(~ age * Sex, newdat)
all.equal(as.vector(X %*% fixef(fm)), newdat$pred_pop)

pdf(file.path(tempdir(), "ortho_pred.pdf"))
plot(distance ~ age, data = dat, col = as.integer(dat$Sex), pch = 16)
for (s in levels(newdat$Sex)) {
  with(subset(newdat, Sex == s), lines(age, pred_pop, lwd = 2, col = match(s, levels(dat$Sex))))
}
legend("topleft", legend = levels(dat$Sex), col = 1:2, lwd = 2)
dev.off()
