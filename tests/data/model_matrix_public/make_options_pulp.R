# Produces options_pulp.json: R 4.2.2, lme4 1.1-31, faraway's pulp (../anova_lm/pulp.csv).
# Rscript make_options_pulp.R (from this folder)
suppressMessages(library(lme4)); library(jsonlite)
pulp <- read.csv("../anova_lm/pulp.csv", stringsAsFactors = TRUE)
op <- options(contrasts = c("contr.sum", "contr.poly"))
a <- aov(bright ~ operator, pulp)
m <- lmer(bright ~ operator + (1 | operator), pulp)
r <- lmer(bright ~ 1 + (1 | operator), pulp)
options(op)
out <- list(
  aov_sum = list(columns = colnames(model.matrix(a)), coef = unname(coef(a))),
  lmer_sum = list(formula = "bright ~ operator + (1 | operator)", fixef = unname(fixef(m)),
                  fixef_names = names(fixef(m)), sigma = sigma(m)),
  lmer_intercept = list(fixef = unname(fixef(r)), sigma = sigma(r)))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "options_pulp.json")
