# Produces lmlist.json: R 4.2.2, lme4 1.1-31.  Rscript make_lmlist.R (from this folder)
# Note: confint(fm) without pool= is per group in lme4 1.1-31 (confint.lmList4 reads object$pool, NULL for the S4 object), so confint_pool is frozen too.
suppressMessages(library(lme4)); library(jsonlite)
txt <- function(x) paste(capture.output(print(x)), collapse = "\n")
arr <- function(a) list(dim = dim(a), dimnames = dimnames(a), values = as.vector(a))
one <- function(fm, data_name) {
  s <- summary(fm)
  list(print = txt(fm), coef = list(rows = rownames(coef(fm)), columns = names(coef(fm)),
         values = unname(as.list(coef(fm)))),
       confint = arr(as(confint(fm), "array")), confint_nopool = arr(as(confint(fm, pool = FALSE), "array")),
       confint_pool = arr(as(confint(fm, pool = TRUE), "array")),
       summary_coef = arr(s$coefficients), summary_text = txt(s),
       pooled_sd = c(lme4:::pooledSD(fm)), pooled_df = attr(lme4:::pooledSD(fm), "df"),
       confint_text = txt(confint(fm)), confint90 = arr(as(confint(fm, level = 0.9), "array")))
}
out <- list()
fm <- lmList(Reaction ~ Days | Subject, sleepstudy)
out$sleepstudy <- one(fm)
# NA group and NA response: rows dropped as lme4 drops them (NA group: not fitted; NA response: lm's na.omit)
sl <- sleepstudy; sl$Subject <- factor(sl$Subject, levels = rev(levels(sl$Subject)))
sl$Subject[c(1, 2, 15)] <- NA; sl$Reaction[c(30, 31)] <- NA
fm2 <- lmList(Reaction ~ Days | Subject, sl)
out$sleepstudy_na <- one(fm2)
# a factor covariate and a quadratic term
fm3 <- lmList(angle ~ temp + I(temp^2) | recipe, cake)
out$cake <- one(fm3)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = FALSE), "lmlist.json")
