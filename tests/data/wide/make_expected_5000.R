# Regenerates wide5000.json: lme4's REML fit with 5,000 predictors (n = 2000, rank 1009, so
# lme4 drops 3,992 columns).  About 6 minutes and 0.9 GB (R 4.2.2, lme4 1.1-31).
# Rscript tests/data/wide/make_expected_5000.R  (run from the repository root)
#
# lmer(y ~ x1 + ... + x5000 + (1 | g), d) itself cannot run: lme4's recursive formula
# helpers (findbars) exhaust R's stack ("C stack usage ... is too close to the limit" under
# the default 8 MB stack; "node stack overflow" with an unlimited one).  The same model is
# fitted with the 5,000 columns as one matrix variable, y ~ X + (1 | g): model.matrix gives
# the same X (columns named "Xx1".. instead of "x1"..), and the rank check, the column
# dropping and the optimization are the same code.
suppressMessages(library(lme4))
p <- 5000L; n <- 2000L; i <- seq_len(n)
M <- sapply(seq_len(p), function(j) ((i * 7919L + j * 104729L) %% 1009L) / 1009 - 0.5)
colnames(M) <- paste0("x", seq_len(p))
d <- data.frame(g = factor(i %% 50L)); d$X <- M
d$y <- M[, 1] + M[, 2] + M[, 3] + M[, 4] + M[, 5] + ((i %% 50L) %% 7L) / 3 + ((i * 31L) %% 101L) / 101 - 0.5
fit <- lmer(y ~ X + (1 | g), d)
b <- fixef(fit); names(b) <- sub("^X", "", names(b))
num <- function(x) structure(sprintf("%.17g", x), class = "json")
vec <- function(x) structure(paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]"), class = "json")
first <- head(b, 6); last <- tail(b, 3)
out <- list(
  meta = list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
              made_by = "tests/data/wide/make_expected_5000.R"),
  data = list(n = n, p = p, recipe = "as tests/data/wide/make_expected.R with j = 1..5000"),
  fit = "lmer(y ~ X + (1 | g), d) with X the 5000 columns x1..x5000 as one matrix (names 'Xx1' read as 'x1')",
  dropped = list(value = length(attr(getME(fit, "X"), "col.dropped")), r_expr = "length(attr(getME(fit, 'X'), 'col.dropped'))"),
  message = "fixed-effect model matrix is rank deficient so dropping 3992 columns / coefficients",
  theta = list(value = vec(getME(fit, "theta")), r_expr = "getME(fit, 'theta')"),
  REML = list(value = num(REMLcrit(fit)), r_expr = "REMLcrit(fit)"),
  sigma = list(value = num(sigma(fit)), r_expr = "sigma(fit)"),
  beta_first = list(names = names(first), value = vec(first), r_expr = "head(fixef(fit), 6)"),
  beta_last = list(names = names(last), value = vec(last), r_expr = "tail(fixef(fit), 3)"),
  n_beta = list(value = length(b), r_expr = "length(fixef(fit))")
)
writeLines(jsonlite::toJSON(out, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "tests/data/wide/wide5000.json")
