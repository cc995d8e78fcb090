# Regenerates wide600.json: lme4's REML fit of y ~ x1 + ... + x600 + (1 | g) on a data set
# computed from integer arithmetic (no random numbers, nothing retyped: pylme rebuilds the
# same doubles bit for bit, see tests/integration/test_wide_fit.py::wide_data).
# Rscript tests/data/wide/make_expected.R  (run from the repository root; about 20 s)
suppressMessages(library(lme4))
wide_data <- function(p, n = 2000L) {
  i <- seq_len(n)
  M <- sapply(seq_len(p), function(j) ((i * 7919L + j * 104729L) %% 1009L) / 1009 - 0.5)
  colnames(M) <- paste0("x", seq_len(p))
  d <- data.frame(g = factor(i %% 50L), M)
  d$y <- d$x1 + d$x2 + d$x3 + d$x4 + d$x5 + ((i %% 50L) %% 7L) / 3 + ((i * 31L) %% 101L) / 101 - 0.5
  d
}
p <- 600L
d <- wide_data(p)
f <- as.formula(paste0("y ~ ", paste0("x", seq_len(p), collapse = " + "), " + (1 | g)"))
X <- model.matrix(nobars(f), d)
fit <- lmer(f, d)
b <- fixef(fit)
first <- head(b, 5); last <- tail(b, 5)
# every double with 17 significant digits (jsonlite stops at 15): round-trips exactly
num <- function(x) structure(sprintf("%.17g", x), class = "json")
vec <- function(x) structure(paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]"), class = "json")
out <- list(
  meta = list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
              made_by = "tests/data/wide/make_expected.R"),
  data = list(n = 2000L, p = p,
              x = "x_j[i] = ((i*7919L + j*104729L) %% 1009L)/1009 - 0.5, i = 1..2000, j = 1..600",
              g = "factor(i %% 50L)",
              y = "x1 + x2 + x3 + x4 + x5 + ((i %% 50L) %% 7L)/3 + ((i*31L) %% 101L)/101 - 0.5"),
  formula = "y ~ x1 + x2 + ... + x600 + (1 | g)",
  fit = "lmer(f, d)  # REML, default lmerControl()",
  rank_X = list(value = qr(X, tol = 1e-7)$rank, p = ncol(X), r_expr = "qr(model.matrix(nobars(f), d), tol = 1e-7)$rank"),
  theta = list(value = vec(getME(fit, "theta")), r_expr = "getME(fit, 'theta')"),
  REML = list(value = num(REMLcrit(fit)), r_expr = "REMLcrit(fit)"),
  sigma = list(value = num(sigma(fit)), r_expr = "sigma(fit)"),
  beta_first = list(names = names(first), value = vec(first), r_expr = "head(fixef(fit), 5)"),
  beta_last = list(names = names(last), value = vec(last), r_expr = "tail(fixef(fit), 5)"),
  beta_max_abs = list(value = num(max(abs(b))), name = names(b)[which.max(abs(b))], r_expr = "max(abs(fixef(fit)))"),
  n_beta = list(value = length(b), r_expr = "length(fixef(fit))")
)
writeLines(jsonlite::toJSON(out, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "tests/data/wide/wide600.json")
