# Every family/link pair glmer supports, fitted by lme4 1.1-31 (R 4.2.2): tests/integration/test_glmer_links.py
suppressMessages({library(lme4); library(jsonlite)})
gdat <- read.csv("../devfun/gamma_sim.csv"); gdat$g <- factor(gdat$g, levels = 1:40)
cb <- "cbind(incidence, size - incidence) ~ period + (1 | herd)"
cases <- list(
  cloglog = list(cb, "cbpp", 'binomial(link = "cloglog")'),
  cauchit = list(cb, "cbpp", 'binomial(link = "cauchit")'),
  binlog = list("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", "cbpp", 'binomial(link = "log")'),
  poissqrt = list("incidence ~ period + (1 | herd)", "cbpp", 'poisson(link = "sqrt")'),
  poisid = list("incidence ~ period + (1 | herd)", "cbpp", 'poisson(link = "identity")'),
  gammainv = list("y ~ x + (1 | g)", "gdat", "Gamma()"),
  gammaid = list("y ~ x + (1 | g)", "gdat", 'Gamma(link = "identity")'),
  invgauss_log = list("y ~ x + (1 | g)", "gdat", 'inverse.gaussian(link = "log")'),
  invgauss_canon = list("y ~ x + (1 | g)", "gdat", "inverse.gaussian()"),
  gausslog = list("y ~ x + (1 | g)", "gdat", 'gaussian(link = "log")'))
out <- lapply(cases, function(cs) {
  fam <- eval(parse(text = cs[[3]]))
  tryCatch({
    m <- suppressWarnings(suppressMessages(glmer(as.formula(cs[[1]]), get(cs[[2]]), fam)))
    list(formula = cs[[1]], data = cs[[2]], family = cs[[3]], m2ll = -2 * as.numeric(logLik(m)),
         theta = getME(m, "theta"), beta = unname(fixef(m)), feval = m@optinfo$feval)
  }, error = function(e) list(formula = cs[[1]], data = cs[[2]], family = cs[[3]], error = conditionMessage(e)))
})
meta <- list(provenance = "tests/data/glmm/links/make_links.R", R = R.version.string, lme4 = as.character(packageVersion("lme4")))
writeLines(toJSON(list(meta = meta, cases = out), digits = NA, auto_unbox = TRUE), "links.json")
