# Produces lmlist_glm.json: R 4.2.2, lme4 1.1-31 (MASS's confint.glm).  Rscript make_lmlist_glm.R (from this folder)
# lmList(..., family =) fits glm per group; each case records show(), coef(), summary(pool = FALSE)
# (summary() with pool = TRUE fails in lme4 1.1-31 for glm members: the error text is recorded),
# confint() (MASS profile intervals per group), confint(pool = TRUE), pooledSD and the warnings of the fit.
suppressMessages({library(lme4); library(MASS)}); library(jsonlite)
txt <- function(x) paste(capture.output(print(x)), collapse = "\n")
arr <- function(a) list(dim = dim(a), dimnames = dimnames(a), values = as.vector(a))
catch <- function(expr) {
  ws <- character(0)
  val <- withCallingHandlers(expr, warning = function(w) {
    ws <<- c(ws, conditionMessage(w)); invokeRestart("muffleWarning") })
  list(value = val, warnings = ws)
}
one <- function(fit) {
  fm <- fit$value
  s <- summary(fm, pool = FALSE)
  sp <- tryCatch(summary(fm), error = function(e) conditionMessage(e))
  ci <- tryCatch(suppressMessages(suppressWarnings(confint(fm))), error = function(e) conditionMessage(e))
  cip <- suppressWarnings(confint(fm, pool = TRUE))
  psd <- lme4:::pooledSD(fm)
  list(print = txt(fm), warnings = fit$warnings,
       coef = list(rows = rownames(coef(fm)), columns = names(coef(fm)), values = unname(as.list(coef(fm)))),
       summary_coef = arr(s$coefficients), summary_text = txt(s),
       summary_default = if (is.character(sp)) list(error = sp) else list(text = txt(sp)),
       confint = if (is.character(ci)) list(error = ci) else arr(as(ci, "array")), confint_pool = arr(as(cip, "array")),
       pooled_sd = c(psd), pooled_df = attr(psd, "df"))
}
sep <- data.frame(g = rep(c("a", "b", "c"), each = 10), x = rep(1:10, 3),
                  y = c(0,0,1,0,1,1,0,1,1,1, 0,0,0,0,0,1,1,1,1,1, 1,0,0,1,0,1,0,1,1,0))
va <- subset(VerbAgg, as.integer(as.character(id)) <= 12)
out <- list()
out$cbpp_cbind <- one(catch(lmList(cbind(incidence, size - incidence) ~ period | herd, cbpp, family = binomial)))
out$cbpp_prop_probit <- one(catch(lmList(incidence/size ~ period | herd, cbpp, family = binomial(link = "probit"),
                                         weights = size)))
out$grouse_poisson <- one(catch(lmList(TICKS ~ cHEIGHT | YEAR, grouseticks, family = poisson)))
out$warpbreaks_poisson <- one(catch(lmList(breaks ~ tension | wool, warpbreaks, family = poisson)))
out$verbagg_binary <- one(catch(lmList(r2 ~ btype | id, va, family = binomial)))
out$sleep_gamma_log <- one(catch(lmList(Reaction ~ Days | Subject, sleepstudy, family = Gamma(link = "log"))))
out$sleep_gamma_inverse <- one(catch(lmList(Reaction ~ Days | Subject, sleepstudy, family = Gamma)))
out$separation <- one(catch(lmList(y ~ x | g, sep, family = binomial)))
out$maxit3 <- one(catch(lmList(y ~ x | g, sep, family = binomial, control = list(maxit = 3))))
wb <- warpbreaks; wb$off <- log(seq(1, 2, length.out = 54))
out$warpbreaks_offset <- one(catch(lmList(breaks ~ tension | wool, wb, family = poisson, offset = off)))
out$grouse_negbin <- one(catch(lmList(TICKS ~ cHEIGHT | YEAR, grouseticks, family = negative.binomial(theta = 2))))
out$warpbreaks_quasipoisson <- one(catch(lmList(breaks ~ tension | wool, warpbreaks, family = quasipoisson)))
out$sep_data <- sep
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = FALSE), "lmlist_glm.json")
