# Headline glmer fits and their accessors (lme4 1.1-31, R 4.2.2): tests/integration/test_glmer_fits.py
suppressMessages({library(lme4); library(jsonlite); library(mlmRev)})
gdat <- read.csv("../devfun/gamma_sim.csv"); gdat$g <- factor(gdat$g, levels = 1:40)
fits <- list(
  cbpp = quote(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)),
  cbpp_agq25 = quote(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial, nAGQ = 25)),
  cbpp_agq0 = quote(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial, nAGQ = 0)),
  cbpp_probit = quote(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial(link = "probit"))),
  gamma_log = quote(glmer(y ~ x + (1 | g), gdat, Gamma(link = "log"))),
  contraception = quote(glmer(use ~ age + I(age^2) + urban + livch + (1 | district), Contraception, binomial))
)
out <- list()
for (nm in names(fits)) {
  w <- character()
  fm <- withCallingHandlers(eval(fits[[nm]]), warning = function(x) { w <<- c(w, conditionMessage(x)); invokeRestart("muffleWarning") },
                            message = function(x) { w <<- c(w, conditionMessage(x)); invokeRestart("muffleMessage") })
  re <- ranef(fm, condVar = TRUE)[[1]]
  out[[nm]] <- list(call = deparse(fits[[nm]]), theta = getME(fm, "theta"), beta = as.list(fixef(fm)),
    m2ll = -2 * as.numeric(logLik(fm)), deviance = deviance(fm), AIC = AIC(fm), BIC = BIC(fm),
    df_resid = df.residual(fm), npar = attr(logLik(fm), "df"), sigma = sigma(fm), feval = fm@optinfo$feval,
    vcov_diag = diag(as.matrix(vcov(fm))), fitted = head(unname(fitted(fm)), 5),
    resid = lapply(c(deviance = "deviance", pearson = "pearson", working = "working", response = "response"),
                   function(t) head(unname(residuals(fm, type = t)), 5)),
    ranef = head(re[[1]], 3), condvar = head(as.vector(attr(re, "postVar")), 3),
    varcorr_sd = as.data.frame(VarCorr(fm))$sdcor, warnings = w)
}
meta <- list(provenance = "tests/data/glmm/fits/make_fits.R", R = R.version.string, lme4 = as.character(packageVersion("lme4")))
writeLines(toJSON(list(meta = meta, fits = out), digits = NA, auto_unbox = TRUE), "fits.json")
