# Freezes R's printed text of lm/glm/aov results for tests/migrate/test_rprint_lm.py.
# Run from this folder: Rscript freeze_rprint.R  (R 4.2.2; stats; lme4 1.1-31 for cbpp)
# Writes <case>.txt (header lines "## ...", then "## ----", then R's printed text); the
# Python side reads the same data sets from pylme.datasets.
suppressPackageStartupMessages(library(lme4))
options(width = 80)
# 7 rows: 4 residual degrees of freedom, so summary() prints every residual
PlantSmall <- PlantGrowth[c(1, 2, 11, 12, 21, 22, 23), ]
rownames(PlantSmall) <- NULL
# Faraway's pulp data (a copy of tests/data/bridge/scripts/data/pulp.csv): its residual
# mean square 1.70 / 16 = 0.10625 is a rounding tie at 4 digits (R prints 0.1062)
pulp <- read.csv("pulp.csv", stringsAsFactors = TRUE)
cases <- c(
  lm_toothgrowth = 'summary(lm(len ~ dose + supp, data = ToothGrowth))',
  lm_warpbreaks_sum = 'summary(lm(breaks ~ wool * tension, data = warpbreaks))',
  lm_airquality_na = 'summary(lm(Ozone ~ Solar.R + Wind + Temp, data = airquality))',
  lm_singular = 'summary(lm(mpg ~ wt + hp + I(wt * 2), data = mtcars))',
  lm_small_rdf = 'summary(lm(weight ~ group, data = PlantSmall))',
  lm_mtcars = 'summary(lm(mpg ~ wt + qsec + am, data = mtcars))',
  glm_cbpp_binomial = 'summary(glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp))',
  glm_infert_binomial = 'summary(glm(case ~ spontaneous + induced, family = binomial(), data = infert))',
  glm_insectsprays_poisson = 'summary(glm(count ~ spray, family = poisson, data = InsectSprays))',
  glm_toothgrowth_gaussian = 'summary(glm(len ~ dose + supp, data = ToothGrowth))',
  glm_mtcars_gamma_log = 'summary(glm(mpg ~ wt + hp, family = Gamma(link = "log"), data = mtcars))',
  lm_mtcars_weighted = 'summary(lm(mpg ~ wt + hp, data = mtcars, weights = cyl))',
  aov_plantgrowth = 'summary(aov(weight ~ group, data = PlantGrowth))',
  aov_npk_twoway = 'summary(aov(yield ~ N * P + K, data = npk))',
  aov_warpbreaks_sum = 'summary(aov(breaks ~ wool * tension, data = warpbreaks))',
  aov_pulp_sum = 'summary(aov(bright ~ operator, data = pulp))',
  anova_warpbreaks = 'anova(lm(breaks ~ wool * tension, data = warpbreaks))',
  anova_airquality_na = 'anova(lm(Ozone ~ Solar.R + Wind + Temp, data = airquality))',
  anova_two_models = 'anova(lm(breaks ~ wool, data = warpbreaks), lm(breaks ~ wool + tension, data = warpbreaks))',
  print_lm_mtcars = 'lm(mpg ~ wt + qsec + am, data = mtcars)',
  print_lm_singular = 'lm(mpg ~ wt + hp + I(wt * 2), data = mtcars)',
  print_glm_cbpp = 'glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp)',
  print_glm_insectsprays_sum = 'glm(count ~ spray, family = poisson, data = InsectSprays)',
  print_glm_airquality_na = 'glm(Ozone ~ Wind, family = Gamma(link = "log"), data = airquality)',
  drop1_cbpp_chisq = 'drop1(glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp), test = "Chisq")',
  drop1_mtcars_gamma = 'drop1(glm(mpg ~ wt + hp, family = Gamma(link = "log"), data = mtcars), test = "Chisq")',
  drop1_toothgrowth_gaussian = 'drop1(glm(len ~ dose * supp, data = ToothGrowth))',
  anova_glm_cbpp = 'anova(glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp))',
  anova_glm_cbpp_chisq = 'anova(glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp), test = "Chisq")',
  anova_glm_two_models = 'anova(glm(count ~ 1, family = poisson, data = InsectSprays), glm(count ~ spray, family = poisson, data = InsectSprays), test = "Chisq")',
  anova_glm_gamma_f = 'anova(glm(mpg ~ wt + hp, family = Gamma(link = "log"), data = mtcars), test = "F")',
  anova_glm_infert_seq = 'anova(glm(case ~ spontaneous + induced + education, family = binomial, data = infert), test = "LRT")',
  confint_toothgrowth = 'confint(lm(len ~ dose + supp, data = ToothGrowth))',
  vcov_mtcars = 'vcov(lm(mpg ~ wt + qsec + am, data = mtcars))',
  confint_warpbreaks_sum = 'confint(lm(breaks ~ wool * tension, data = warpbreaks))'
)
sum_contrasts <- c("lm_warpbreaks_sum", "aov_warpbreaks_sum", "confint_warpbreaks_sum",
                   "aov_pulp_sum", "print_glm_insectsprays_sum")
for (name in names(cases)) {
  op <- options(contrasts = if (name %in% sum_contrasts) c("contr.sum", "contr.poly")
                            else c("contr.treatment", "contr.poly"))
  text <- capture.output(print(eval(parse(text = cases[[name]]))))
  options(op)
  header <- c(paste0("## R expression: print(", cases[[name]], ")"),
              paste0("## options(contrasts = c(\"",
                     if (name %in% sum_contrasts) "contr.sum" else "contr.treatment",
                     "\", \"contr.poly\")), width = 80"),
              paste0("## ", R.version.string, "; lme4 ", packageVersion("lme4"),
                     " (cbpp data); frozen by freeze_rprint.R"),
              "## ----")
  writeLines(c(header, text), paste0(name, ".txt"))
}

# R's numbers bit for bit (sprintf("%.17g")): lm.fit / glm.fit coefficients, effects,
# residuals, deviances -> bits.txt, one "name: values" line per quantity
bits <- list()
options(contrasts = c("contr.sum", "contr.poly"))
m <- lm(bright ~ operator, data = pulp)
bits$pulp_sum_coef <- coef(m); bits$pulp_sum_effects <- unname(m$effects)
bits$pulp_sum_resid <- unname(m$residuals); bits$pulp_sum_rss <- sum(m$residuals^2)
options(contrasts = c("contr.treatment", "contr.poly"))
m <- lm(mpg ~ wt + hp + qsec, data = mtcars, weights = cyl)
bits$mtcars_wls_coef <- coef(m); bits$mtcars_wls_effects <- unname(m$effects)
bits$mtcars_wls_resid <- unname(m$residuals)
g <- glm(cbind(incidence, size - incidence) ~ period, family = binomial, data = cbpp)
bits$cbpp_glm_coef <- coef(g); bits$cbpp_glm_dev <- c(deviance(g), g$null.deviance)
g <- glm(count ~ spray, family = poisson, data = InsectSprays)
bits$insect_glm_coef <- coef(g); bits$insect_glm_dev <- c(deviance(g), g$null.deviance)
g <- glm(mpg ~ wt + hp, family = Gamma(link = "log"), data = mtcars)
bits$mtcars_gamma_coef <- coef(g); bits$mtcars_gamma_dev <- c(deviance(g), summary(g)$dispersion)
writeLines(c("## R's values as sprintf(\"%.17g\"), frozen by freeze_rprint.R",
             paste0("## ", R.version.string, "; lme4 ", packageVersion("lme4"), " (cbpp data)"),
             paste0(names(bits), ": ", vapply(bits, function(v) paste(sprintf("%.17g", v), collapse = " "), ""))),
           "bits.txt")
