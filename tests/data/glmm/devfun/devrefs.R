# Frozen reference values of lme4's glmer deviance functions at fixed parameters.
suppressMessages({library(lme4); library(jsonlite); library(mlmRev)})
set.seed(101); n <- 400; g <- factor(rep(1:40, each=10)); x <- runif(n); b <- rnorm(40, sd=0.5)
mu <- exp(1 + 0.5*x + b[g]); y <- rgamma(n, shape=2, rate=2/mu); gdat <- data.frame(y, x, g)
write.csv(data.frame(y = sprintf("%.17g", y), x = sprintf("%.17g", x), g = g), "gamma_sim.csv", row.names = FALSE)
cases <- list(
  cbpp = list(f = cbind(incidence, size - incidence) ~ period + (1 | herd), data = "cbpp", family = "binomial()"),
  cbpp_probit = list(f = cbind(incidence, size - incidence) ~ period + (1 | herd), data = "cbpp", family = "binomial(link='probit')"),
  cbpp_prop = list(f = incidence/size ~ period + (1 | herd), data = "cbpp", family = "binomial()", weights = "size"),
  grouseticks = list(f = TICKS ~ YEAR + cHEIGHT + (1|BROOD) + (1|INDEX) + (1|LOCATION), data = "grouseticks", family = "poisson()"),
  contraception = list(f = use ~ age + I(age^2) + urban + livch + (1 | district), data = "Contraception", family = "binomial()"),
  verbagg = list(f = r2 ~ (Anger + Gender + btype + situ) + (1|id) + (1|item), data = "VerbAgg", family = "binomial()"),
  gamma_log = list(f = y ~ x + (1|g), data = "gdat", family = "Gamma(link='log')"),
  cbpp_slope = list(f = cbind(incidence, size - incidence) ~ period + (1 + as.numeric(period) | herd), data = "cbpp", family = "binomial()")
)
out <- list()
for (nm in names(cases)) {
  cs <- cases[[nm]]
  dat <- get(cs$data); fam <- eval(parse(text = cs$family))
  args <- list(formula = cs$f, data = dat, family = fam)
  if (!is.null(cs$weights)) args$weights <- dat[[cs$weights]]
  d0 <- suppressWarnings(do.call(glmer, c(args, list(nAGQ = 0, devFunOnly = TRUE))))
  e0 <- environment(d0)
  th0 <- e0$pp$theta + 0; beta0 <- e0$pp$delb + 0; lp00 <- e0$lp0 + 0
  ths <- list(th0, th0 * 0.5, th0 * 1.7 + 0.05)
  f0 <- sapply(ths, function(t) d0(t))
  d1 <- suppressWarnings(do.call(glmer, c(args, list(devFunOnly = TRUE))))
  e1 <- environment(d1)
  beta1 <- e1$pp$delb + 0; th1 <- e1$pp$theta + 0; lp01 <- e1$lp0 + 0
  pars <- list(c(th1, beta1), c(th1 * 1.1, beta1 + 0.05), c(th1 * 0.8 + 0.01, beta1 * 0.97))
  f1 <- sapply(pars, function(p) d1(p))
  rec <- list(formula = deparse(cs$f), data = cs$data, family = cs$family, weights = cs$weights,
              init_lp0 = lp00, init_beta = beta0, theta0 = th0,
              theta_devfun = list(theta = ths, value = f0),
              stage2_lp0 = lp01, stage1_theta = th1, stage1_beta = beta1,
              stage2_devfun = list(par = pars, value = f1))
  if (nm %in% c("cbpp", "contraception")) {
    d25 <- suppressWarnings(do.call(glmer, c(args, list(devFunOnly = TRUE, nAGQ = 25))))
    d5 <- suppressWarnings(do.call(glmer, c(args, list(devFunOnly = TRUE, nAGQ = 5))))
    rec$agq <- list(par = pars, value25 = sapply(pars, function(p) d25(p)), value5 = sapply(pars, function(p) d5(p)))
  }
  out[[nm]] <- rec
}
meta <- list(provenance = "glmer(..., devFunOnly = TRUE) with nAGQ = 0 (theta devfun after the initial PIRLS) and nAGQ = 1/5/25 (stage-2 devfun after stage 1); /tmp/glmm/devrefs.R",
  R = R.version.string, lme4 = as.character(packageVersion("lme4")), mlmRev = as.character(packageVersion("mlmRev")))
writeLines(toJSON(list(meta = meta, cases = out), digits = NA, auto_unbox = TRUE, pretty = FALSE), "devfun_refs.json")
