# Frozen lme4 reference values for the glmer methods (predict, refit, update, getME, vcov,
# Wald confint, hatvalues, simulate shapes/texts).  Run from this directory:
#   Rscript methods_refs.R    (writes methods_refs.json)
suppressMessages({library(lme4); library(jsonlite)})
msg <- function(expr) tryCatch({expr; NA_character_}, error = function(e) conditionMessage(e))
warn_text <- function(expr) { w <- character(); withCallingHandlers(expr, warning = function(x) {
  w <<- c(w, conditionMessage(x)); invokeRestart("muffleWarning")}); w }
mess_text <- function(expr) { m <- character(); withCallingHandlers(expr, message = function(x) {
  m <<- c(m, conditionMessage(x)); invokeRestart("muffleMessage")}); m }
fitrec <- function(m) list(theta = unname(getME(m, "theta")), beta = unname(fixef(m)),
  dev = unname(-2 * c(logLik(m))), feval = m@optinfo$feval, optimizer = m@optinfo$optimizer,
  conv_messages = as.list(m@optinfo$conv$lme4$messages))

gm1 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial)
nd <- data.frame(period = factor(c("1", "2", "3", "4"), levels = levels(cbpp$period)),
                 herd = factor(c("1", "16", "3", "16")))
nd_old <- cbpp[c(1, 10, 20, 33), ]
gm1_ref <- list(
  fit = fitrec(gm1),
  predict_link = unname(predict(gm1)), predict_response = unname(predict(gm1, type = "response")),
  eta = gm1@resp$eta, mu = gm1@resp$mu,
  predict_pop_link = unname(predict(gm1, re.form = NA)),
  predict_pop_response = unname(predict(gm1, re.form = NA, type = "response")),
  predict_reform_response = unname(predict(gm1, re.form = ~(1 | herd), type = "response")),
  newdata_old_rows = c(1, 10, 20, 33),
  predict_newdata_link = unname(predict(gm1, newdata = nd_old)),
  predict_newdata_response = unname(predict(gm1, newdata = nd_old, type = "response")),
  predict_newdata_pop = unname(predict(gm1, newdata = nd_old, re.form = NA)),
  new_level_error = msg(predict(gm1, newdata = nd)),
  new_level_data = list(period = as.character(nd$period), herd = as.character(nd$herd)),
  new_level_link = unname(predict(gm1, newdata = nd, allow.new.levels = TRUE)),
  new_level_response = unname(predict(gm1, newdata = nd, allow.new.levels = TRUE, type = "response")),
  vcov = unname(as.matrix(vcov(gm1))),
  vcov_rx = unname(as.matrix(suppressWarnings(vcov(gm1, use.hessian = FALSE)))),
  wald95 = unname(confint(gm1, method = "Wald")), wald95_rows = rownames(confint(gm1, method = "Wald")),
  wald90 = unname(confint(gm1, method = "Wald", level = 0.9)),
  wald_cols = colnames(confint(gm1, method = "Wald")),
  wald_beta = unname(confint(gm1, parm = "beta_", method = "Wald")),
  wald_23 = unname(confint(gm1, parm = 2:3, method = "Wald")),
  wald_23_rows = rownames(confint(gm1, parm = 2:3, method = "Wald")),
  hat = unname(suppressWarnings(hatvalues(gm1))), hat_warning = warn_text(hatvalues(gm1)),
  getME = list(theta = unname(getME(gm1, "theta")), theta_names = names(getME(gm1, "theta")),
    beta = getME(gm1, "beta"), u = as.vector(getME(gm1, "u")), b = as.vector(getME(gm1, "b")),
    mu = getME(gm1, "mu"), y = getME(gm1, "y"), offset = getME(gm1, "offset"), n = getME(gm1, "n"),
    N = getME(gm1, "N"), p = getME(gm1, "p"), q = getME(gm1, "q"), lower = unname(getME(gm1, "lower")),
    weights = unname(weights(gm1)), working_weights = unname(weights(gm1, type = "working")),
    trials = gm1@resp$n, RX = unname(as.matrix(getME(gm1, "RX"))),
    nb_theta = getME(gm1, "glmer.nb.theta"), sigma = getME(gm1, "sigma"),
    devcomp_cmp = as.list(getME(gm1, "devcomp")$cmp), devcomp_dims = as.list(getME(gm1, "devcomp")$dims),
    cnms = getME(gm1, "cnms"), flist_levels = levels(getME(gm1, "flist")$herd)),
  devfun = local({ f <- getME(gm1, "devfun"); th <- getME(gm1, "theta"); b <- fixef(gm1)
    pars <- list(unname(c(th, b)), unname(c(th * 1.1, b + 0.05)), unname(c(th * 0.5, b * 0.9)))
    list(par = pars, value = sapply(pars, f)) }))

# refit: to its own response, and to a response simulated by R
rf <- refit(gm1)
set.seed(42); s1 <- simulate(gm1)[[1]]
rs <- refit(gm1, s1)
g0 <- update(gm1, nAGQ = 0); g9 <- update(gm1, nAGQ = 9)
refit_ref <- list(own = fitrec(rf), own_derivs_gradient = rf@optinfo$derivs$gradient,
  nAGQ0 = fitrec(refit(g0)), nAGQ9 = fitrec(refit(g9)),
  sim_response = unname(s1[, 1]), sim_failures = unname(s1[, 2]), sim = fitrec(rs))

# update
gm9 <- update(gm1, nAGQ = 9)
gm0 <- update(gm1, . ~ . - period)
update_ref <- list(nAGQ9 = fitrec(gm9), no_period = fitrec(gm0), no_period_formula = deparse(formula(gm0)))

# offset(): formula term vs offset= argument (newdata uses only the formula's)
gp1 <- glmer(incidence ~ period + offset(log(size)) + (1 | herd), data = cbpp, family = poisson)
gp2 <- glmer(incidence ~ period + (1 | herd), data = cbpp, family = poisson, offset = log(size))
offset_ref <- list(term = fitrec(gp1), argument = fitrec(gp2), rows = 1:6,
  term_link = unname(predict(gp1)), argument_link = unname(predict(gp2)),
  term_pop = unname(predict(gp1, re.form = NA)), argument_pop = unname(predict(gp2, re.form = NA)),
  term_newdata_link = unname(predict(gp1, newdata = cbpp[1:6, ])),
  argument_newdata_link = unname(predict(gp2, newdata = cbpp[1:6, ])),
  term_newdata_response = unname(predict(gp1, newdata = cbpp[1:6, ], type = "response")),
  argument_newdata_response = unname(predict(gp2, newdata = cbpp[1:6, ], type = "response")),
  getme_offset = getME(gp2, "offset"))

# simulate: shapes and classes (values are R's RNG and not compared)
cb <- cbpp; cb$anyinc <- factor(ifelse(cb$incidence > 0, "yes", "no"))
gf <- glmer(anyinc ~ period + (1 | herd), data = cb, family = binomial)
s2 <- simulate(gm1, nsim = 2, seed = 1)
sf <- simulate(gf, nsim = 2, seed = 1)
gprop <- glmer(incidence / size ~ period + (1 | herd), data = cbpp, family = binomial, weights = size * 1.5)
simulate_ref <- list(cbind_names = names(s2), cbind_class = class(s2[[1]]), cbind_dim = dim(s2[[1]]),
  cbind_colnames = colnames(s2[[1]]), cbind_rowsum = unname(rowSums(s2[[1]])),
  factor_class = class(sf[[1]]), factor_levels = levels(sf[[1]]), factor_fit = fitrec(gf),
  nonint_error = msg(simulate(gprop)),
  poisson_weights_warning = warn_text(simulate(glmer(incidence ~ period + (1 | herd), data = cbpp,
    family = poisson, weights = rep(2, 56)))))

# Gamma (log) on the simulated data of ../devfun/gamma_sim.csv
gdat <- read.csv("../devfun/gamma_sim.csv", colClasses = "character")
gdat <- data.frame(y = as.numeric(gdat$y), x = as.numeric(gdat$x), g = factor(gdat$g, levels = as.character(1:40)))
gG <- glmer(y ~ x + (1 | g), data = gdat, family = Gamma(link = "log"))
gamma_ref <- list(fit = fitrec(gG), sigma = sigma(gG), wald = unname(confint(gG, method = "Wald")),
  wald_rows = rownames(confint(gG, method = "Wald")),
  predict_response = unname(predict(gG, type = "response")),
  predict_pop_response = unname(predict(gG, re.form = NA, type = "response")),
  gamma_weights_message = mess_text(simulate(gG, weights = rep(2, nrow(gdat)))))

# every double as "%.17g" text (jsonlite keeps 15 digits): read back with float()
fmt <- function(x) {
  if (is.list(x)) return(lapply(x, fmt))
  if (!is.double(x)) return(x)
  s <- sprintf("%.17g", x); s[is.na(x)] <- "NaN"
  if (!is.null(dim(x))) dim(s) <- dim(x)
  s
}
meta <- list(provenance = "tests/data/glmm/methods/methods_refs.R", R = R.version.string,
  lme4 = as.character(packageVersion("lme4")), Matrix = as.character(packageVersion("Matrix")))
writeLines(toJSON(c(list(meta = meta), fmt(list(cbpp = gm1_ref, refit = refit_ref, update = update_ref,
  offset = offset_ref, simulate = simulate_ref, gamma = gamma_ref))),
  auto_unbox = TRUE, pretty = FALSE, na = "null"), "methods_refs.json")
