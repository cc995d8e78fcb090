## fitting models inside a user function, and lapply over a list of formulas
library(lme4)

fit_model <- function(formula, data, reml = TRUE) {
  fit <- lmer(formula, data = data, REML = reml)
  out <- c(AIC = AIC(fit), sigma = sigma(fit), fixef(fit)[1])
  attr(out, "fit") <- fit
  out
}

sleep <- sleepstudy
sleep$Days2 <- sleep$Days^2

formulas <- list(
  intercept = Reaction ~ Days + (1 | Subject),
  slope     = Reaction ~ Days + (Days | Subject),
  quad      = Reaction ~ Days + Days2 + (Days | Subject)
)

res <- lapply(formulas, fit_model, data = sleep, reml = FALSE)
tab <- do.call(rbind, lapply(res, function(r) r[1:3]))
tab

models <- lapply(res, attr, which = "fit")
sapply(models, function(m) round(fixef(m)["Days"], 3))
do.call(anova, unname(models))

# a helper that returns a tidy row of fixed effects
coef_table <- function(m) {
  s <- summary(m)$coefficients
  data.frame(term = rownames(s), est = s[, "Estimate"], se = s[, "Std. Error"],
             row.names = NULL)
}
lapply(models, coef_table)

# Map over response variables
get_fit <- function(resp) lmer(reformulate(c("age", "(1 | Subject)"), response = resp),
                               data = nlme::Orthodont)
fits <- Map(get_fit, c("distance"))
fits$distance
