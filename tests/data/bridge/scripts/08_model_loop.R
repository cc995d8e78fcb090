# Model selection by looping over candidate formulas (Orthodont growth data)
library(lme4)
data(Orthodont, package = "nlme")
ortho <- as.data.frame(Orthodont)
ortho$Subject <- factor(ortho$Subject, ordered = FALSE)
ortho$age_c <- ortho$age - 11

forms <- c("distance ~ age_c + (1 | Subject)",
           "distance ~ age_c + Sex + (1 | Subject)",
           "distance ~ age_c * Sex + (1 | Subject)",
           "distance ~ age_c * Sex + (age_c | Subject)")

results <- data.frame(model = character(0), npar = numeric(0), AIC = numeric(0),
                      BIC = numeric(0), logLik = numeric(0), stringsAsFactors = FALSE)
fits <- list()
for (i in seq_along(forms)) {
  f <- as.formula(forms[i])
  m <- lmer(f, data = ortho, REML = FALSE)
  fits[[i]] <- m
  results[i, "model"] <- forms[i]
  results[i, "npar"] <- attr(logLik(m), "df")
  results[i, "AIC"] <- AIC(m)
  results[i, "BIC"] <- BIC(m)
  results[i, "logLik"] <- as.numeric(logLik(m))
}
results[order(results$AIC), ]
best <- fits[[which.min(results$AIC)]]
summary(best)

# separate fits by sex (a loop over subsets)
slopes <- data.frame()
for (s in levels(ortho$Sex)) {
  sub <- ortho[ortho$Sex == s, ]
  fit <- lmer(distance ~ age_c + (1 | Subject), data = sub)
  slopes <- rbind(slopes, data.frame(Sex = s, slope = fixef(fit)[2],
                                     se = sqrt(diag(vcov(fit)))[2],
                                     AIC = AIC(fit)))
}
rownames(slopes) <- NULL
slopes
