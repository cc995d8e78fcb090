# Regenerates the expected values of tests/unit/formula and tests/unit/design.
#
#   cd tests/data/design && Rscript make_expected.R
#
# Produced with R 4.2.2 (C.UTF-8 locale, ICU collation) and lme4 1.1-31.
# Output (all in this directory):
#   data_<name>.csv + data_<name>.json   datasets (write.csv) and their column classes,
#                                        factor levels and ordered flags
#   model_matrix.json                    model.frame + model.matrix cases
#   formula.json                         terms(), deparse(), lme4 findbars/nobars/subbars
#   collation.json                       sort() of random ASCII strings
#   numbers.json                         as.character()/deparse() of doubles, factor() levels
# Doubles are written with 17 significant digits (or C99 hex, "%a") so that Python
# reads back exactly the numbers R computed.

suppressMessages({library(lme4); library(jsonlite)})
stopifnot(getRversion() == "4.2.2", packageVersion("lme4") == "1.1.31")
versions <- list(R = as.character(getRversion()), lme4 = as.character(packageVersion("lme4")),
                 collate = Sys.getlocale("LC_COLLATE"))

num17 <- function(x) {
  stopifnot(!anyNA(x))
  structure(paste0("[", paste(sprintf("%.17g", x), collapse = ","), "]"), class = "json")
}
write_json_file <- function(x, file) {
  writeLines(toJSON(x, auto_unbox = TRUE, json_verbatim = TRUE, null = "null", na = "null",
                    pretty = TRUE, digits = NA), file)
}

# ---- datasets -------------------------------------------------------------------------
set.seed(20240601)
n <- 24
synth <- data.frame(
  y = round(rnorm(n, 10, 2), 3),
  x = round(runif(n, -2, 3), 2),
  z = round(runif(n, 0.5, 5), 3),
  f = factor(rep(c("lo", "mid", "hi"), length.out = n), levels = c("lo", "mid", "hi", "zzz")),
  g = factor(rep(c("B", "A"), each = n / 2), levels = c("B", "A")),
  o = factor(rep(c("low", "med", "high", "top"), times = n / 4), levels = c("low", "med", "high", "top"),
             ordered = TRUE),
  l = rep(c(TRUE, FALSE, FALSE), length.out = n),
  ch = rep(c("b", "a", "B", "A", "a b", "a_b", "A1", "a10"), length.out = n),
  k = rep(c(1L, 2L, 100000L, 10L), length.out = n),
  w = round(runif(n, 0.5, 2), 2),
  off = round(rnorm(n), 2),
  stringsAsFactors = FALSE
)
synth$y[c(3, 17)] <- NA
synth$x[8] <- NA
synth$l[11] <- NA
synth$ch[20] <- NA
synth$w[22] <- NA
# synth2: every row with o == "med" has an NA response, so that level of the ordered
# factor disappears after NA removal (drop.unused.levels after na.omit)
synth2 <- synth
synth2$y[synth2$o == "med"] <- NA

datasets <- list(cake = lme4::cake, sleepstudy = lme4::sleepstudy, synth = synth, synth2 = synth2)

col_meta <- function(v) {
  cls <- if (is.ordered(v)) "ordered" else if (is.factor(v)) "factor" else if (is.logical(v)) "logical"
         else if (is.integer(v)) "integer" else if (is.numeric(v)) "numeric" else if (is.character(v)) "character"
         else stop("unexpected column class")
  out <- list(class = cls)
  if (is.factor(v)) out$levels <- I(levels(v))
  out
}
for (nm in names(datasets)) {
  d <- datasets[[nm]]
  csv <- d
  # write.csv prints 15 significant digits; use 17 where that would not read back exactly
  for (j in names(csv)) if (is.double(csv[[j]])) {
    v <- csv[[j]]
    if (!isTRUE(all.equal(as.numeric(as.character(v)), v, tolerance = 0)))
      csv[[j]] <- ifelse(is.na(v), NA, sprintf("%.17g", v))
  }
  write.csv(csv, sprintf("data_%s.csv", nm), row.names = FALSE, na = "NA")
  meta <- list(name = nm, nrow = nrow(d), columns = lapply(d, col_meta), versions = versions)
  write_json_file(meta, sprintf("data_%s.json", nm))
}

# ---- model.matrix cases -----------------------------------------------------------------
mm_case <- function(id, data, formula, contrasts = NULL, weights = NULL, offset = NULL) {
  d <- datasets[[data]]
  fo <- as.formula(formula)
  # lme4::lFormula calls model.frame with drop.unused.levels = TRUE
  mf_call <- "model.frame(%s, %s%s, drop.unused.levels = TRUE%s)"
  extra <- ""
  if (!is.null(weights)) extra <- paste0(extra, ", weights = ", weights)
  if (!is.null(offset)) extra <- paste0(extra, ", offset = ", offset)
  mf <- eval(parse(text = sprintf(mf_call, formula, "d", extra, "")))
  ca <- NULL
  if (!is.null(contrasts)) ca <- eval(parse(text = contrasts))
  X <- model.matrix(fo, mf, contrasts.arg = ca)
  frame_levels <- list()
  for (v in names(mf)) if (is.factor(mf[[v]])) frame_levels[[v]] <- list(levels = I(levels(mf[[v]])), ordered = is.ordered(mf[[v]]))
  list(
    id = id, data = data, formula = formula, contrasts = contrasts, weights = weights, offset = offset,
    r_expression = sprintf("model.matrix(%s, mf <- model.frame(%s, %s%s, drop.unused.levels = TRUE), contrasts.arg = %s)", formula, formula,
                           data, extra, if (is.null(contrasts)) "NULL" else contrasts),
    kept = I(as.integer(rownames(mf))),
    frame_names = I(names(mf)),
    frame_levels = frame_levels,
    colnames = I(colnames(X)),
    assign = I(attr(X, "assign")),
    contrasts_attr = lapply(attr(X, "contrasts"), function(z) if (is.character(z)) z else "matrix"),
    values = structure(paste0("[", paste(apply(X, 1, function(r) num17(r)), collapse = ","), "]"), class = "json"),
    offset_total = if (is.null(model.offset(mf))) NULL else num17(model.offset(mf)),
    weights_kept = if (is.null(model.weights(mf))) NULL else num17(model.weights(mf))
  )
}

cases <- list(
  list("cake_interaction", "cake", "angle ~ recipe * temperature"),
  list("cake_temp", "cake", "angle ~ recipe + temp"),
  list("cake_no_main", "cake", "angle ~ recipe:temperature"),
  list("cake_no_intercept", "cake", "angle ~ 0 + recipe + temperature"),
  list("sleep_functions", "sleepstudy", "Reaction ~ Days + I(Days^2) + log(Days + 1) + poly(Days, 3) + scale(Days)"),
  list("sleep_subject", "sleepstudy", "Reaction ~ Days * Subject"),
  list("f_plus_x", "synth", "y ~ f + x"),
  list("f_times_x", "synth", "y ~ f * x"),
  list("f_colon_g", "synth", "y ~ f:g"),
  list("f_times_g", "synth", "y ~ f * g"),
  list("zero_f", "synth", "y ~ 0 + f"),
  list("minus1_f_g", "synth", "y ~ f + g - 1"),
  list("x_colon_f", "synth", "y ~ x:f"),
  list("x_colon_f_noint", "synth", "y ~ 0 + x:f"),
  list("zero_x_f_g", "synth", "y ~ 0 + x + f + g"),
  list("zero_g_colon_f", "synth", "y ~ 0 + g:f"),
  list("power2", "synth", "y ~ (f + g + x)^2"),
  list("power3", "synth", "y ~ (f + g + x + z)^3"),
  list("nest_f_x", "synth", "y ~ f/x"),
  list("nest_g_f", "synth", "y ~ g/f"),
  list("in_f_g", "synth", "y ~ g + f %in% g"),
  list("cross_minus", "synth", "y ~ f * g - f"),
  list("three_way", "synth", "y ~ g * f * x"),
  list("ordered", "synth", "y ~ o"),
  list("ordered_times_x", "synth", "y ~ o * x"),
  list("ordered_dropped_level", "synth2", "y ~ o + f"),
  list("logical_character", "synth", "y ~ l + ch"),
  list("character_colon_x", "synth", "y ~ ch:x"),
  list("zero_logical", "synth", "y ~ 0 + l"),
  list("sum_helmert", "synth", "y ~ f + g + o", "list(f = 'contr.sum', g = 'contr.helmert')"),
  list("helmert_ordered", "synth", "y ~ o * g", "list(o = 'contr.helmert')"),
  list("treatment_ordered", "synth", "y ~ o", "list(o = 'contr.treatment')"),
  list("poly_unordered", "synth", "y ~ f", "list(f = 'contr.poly')"),
  list("sum_interaction", "synth", "y ~ f * x + f:g", "list(f = 'contr.sum', g = 'contr.sum')"),
  list("matrix_contrast", "synth", "y ~ f", "list(f = matrix(c(1, 0, -1, 0.5, -1, 0.5), 3, 2))"),
  list("matrix_contrast_named", "synth", "y ~ f:x + f",
       "list(f = matrix(c(1, 0, -1, 0.5, -1, 0.5), 3, 2, dimnames = list(NULL, c('_lin', '_quad'))))"),
  list("factor_integer", "synth", "y ~ factor(k) + x"),
  list("math_functions", "synth",
       "y ~ poly(z, 2) + sqrt(z) + exp(z/10) + abs(x - 1) + log(z, base = 2) + log10(z) + log2(z) + log1p(z)"),
  list("raw_poly_scale", "synth", "y ~ poly(z, 3, raw = TRUE) + scale(x) + I(x > 0) + I(x * z)"),
  list("arith", "synth", "y ~ I(x^2) + I(-x) + I(z %% 2) + I(z %/% 2) + I(2 * x - z/3)"),
  list("poly_colon_f", "synth", "y ~ poly(z, 2):f"),
  list("offset_terms", "synth", "y ~ x + offset(off) + offset(z)", NULL, NULL, "w"),
  list("weights", "synth", "y ~ x + g", NULL, "w"),
  list("as_numeric", "synth", "y ~ as.numeric(f) + as.factor(k)"),
  list("logic_ops", "synth", "y ~ I(x > 0 & z < 3) + I(x > 1 | l) + I(!l)"),
  list("backquoted", "synth", "y ~ `x` + g")
)
mm <- lapply(cases, function(a) do.call(mm_case, a))
write_json_file(list(versions = versions, cases = mm), "model_matrix.json")

# ---- formulas: terms, deparse, lme4 bar helpers ------------------------------------------------
terms_info <- function(s) {
  t <- terms(as.formula(s))
  fac <- attr(t, "factors")
  list(
    formula = s, r_expression = sprintf("terms(%s)", s),
    deparse = paste(deparse(as.formula(s), width.cutoff = 500L), collapse = ""),
    term_labels = I(attr(t, "term.labels")),
    variables = I(vapply(as.list(attr(t, "variables"))[-1], function(v) paste(deparse(v, backtick = TRUE), collapse = ""), "")),
    intercept = attr(t, "intercept") == 1, response = attr(t, "response") == 1,
    order = I(attr(t, "order")), offset = I(if (is.null(attr(t, "offset"))) integer(0) else attr(t, "offset") - 1L),
    factors = if (length(fac)) lapply(seq_len(nrow(fac)), function(i) I(unname(fac[i, ]))) else list()
  )
}
terms_formulas <- c(
  "y ~ x", "y ~ a*b - a", "y ~ (a+b+c)^2", "y ~ (a+b+c)^3 - a:b:c", "y ~ a/b", "y ~ a/b/c", "y ~ a/(b+c)",
  "y ~ (a+b)/c", "y ~ x %in% a", "y ~ a + b %in% a", "~ -1 + x", "y ~ 0", "y ~ -x", "y ~ x - 1",
  "y ~ x + offset(z) + offset(w)", "y ~ x - 0", "y ~ 1 + x:f", "y ~ (a+b)^2 - a:b + 0 + 1", "y ~ a:b:c + a:c",
  "log(y) ~ poly(x, 3) + I(x^2) + log(x + 1)", "y ~ a*b*c - a:b:c", "y ~ a:b + a:b:c + b", "y ~ a + (b + c)",
  "y ~ a - (b + 1)", "y ~ x*(a+b)", "y ~ x + x:a + x:a:b", "y ~ b:a + a", "y ~ `a b` + x + `a b`:x",
  "y ~ a*b + b*a", "y ~ a:b + b:a", "y ~ 1", "~ x", "y ~ (a + b) * (c + d)", "y ~ a * (b + c) - a:c",
  "y ~ 0 + a + a:b", "y ~ a + 0 + 1", "y ~ poly(x, 2) * f", "y ~ a^2", "y ~ (a + b + c)^2 - (a + b)"
)
deparse_exprs <- c(
  "a+b", "a-b", "a*b", "a/b", "a^b", "a:b", "a %in% b", "a %% b", "a %/% b", "a==b", "a!=b", "a<b", "a>b",
  "a<=b", "a>=b", "a&b", "a&&b", "a|b", "a||b", "-a", "+a", "!a", "(a)", "f(a,b=2)", "f()", "log(x,base=2)",
  "I(Days^2)", "poly(Days,3)", "-x:y", "(-x):y", "-x^2", "(-x)^2", "a^b^c", "(a^b)^c", "a-(b-c)", "a-b-c",
  "a/(b*c)", "a*(b+c)", "-(a+b)", "a+-b", "1e5", "1e-10", "0.5", "2", "100000", "123456", "1e15", "0.0001",
  "0.001", "3.14159265358979", "2L", "0x10", "`a b`+c", "f(`a b`)", "\"str\"", "'s'", "!a==b", "-1:3",
  "(1|g)", "(Days||Subject)", "(1|a/b)", "a | b & c", "x %in% y:z", "poly(x, degree = 2, raw = TRUE)",
  "1 - -1", "--1", "123456789012", ".5", "5.", "1e5L", "x ** 2", "a ~ b", "~ a", "a+b~c", "I(x > 1 & z)",
  "log(x + 1, 10)", "TRUE", "a. + ._b + a_b", "1.5e300", "1e-300"
)
bar_formulas <- c(
  "y ~ x + (x||g)", "y ~ (x*z||g)", "y ~ (0+x||g)", "y ~ (f||g) + (1|h)", "y ~ x + (1|a/b)",
  "y ~ (1|a/b/c)", "y ~ (x|a:b)", "y ~ (1|a) + (x - 1|b)", "y ~ x + (1|g) + (0+x|g)", "y ~ -1 + x + (x|g)",
  "y ~ (1|g)", "y ~ x + ((1|g))", "y ~ (1 | a/(b))", "y ~ x*z + (x:z|g)", "y ~ (x||g) + (z||h/k)",
  "~ (1|g)", "y ~ 0 + (1|g)", "y ~ (x | g) + log(z) + offset(w)", "y ~ (-1 + x || g)", "y ~ (x - 1 || g)",
  "y ~ (x + 0 || g)", "y ~ (poly(x,2)||g)", "Reaction ~ Days + (Days||Subject)", "Reaction ~ Days + (Days|Subject)",
  "y ~ x + (1 + x | g/h) + (1 | k)", "log(y) ~ I(x^2) + (scale(x) | g)"
)
bar_info <- function(s) {
  f <- as.formula(s)
  list(
    formula = s,
    expanded = paste(deparse(lme4:::expandDoubleVerts(f), width.cutoff = 500L), collapse = ""),
    findbars = I(vapply(findbars(f), function(b) paste(deparse(b, width.cutoff = 500L), collapse = ""), "")),
    nobars = paste(deparse(nobars(f), width.cutoff = 500L), collapse = ""),
    subbars = paste(deparse(subbars(f), width.cutoff = 500L), collapse = "")
  )
}
write_json_file(list(
  versions = versions,
  terms = lapply(terms_formulas, terms_info),
  deparse = lapply(deparse_exprs, function(e) list(text = e, deparse = paste(deparse(str2lang(e)), collapse = ""))),
  bars = lapply(bar_formulas, bar_info),
  lme4_stored_formula = list(
    r_expression = "formula(lmer(Reaction ~ Days + (Days||Subject), sleepstudy))",
    value = paste(deparse(formula(lmer(Reaction ~ Days + (Days || Subject), sleepstudy))), collapse = ""))
), "formula.json")

# ---- collation ------------------------------------------------------------------------------
set.seed(7)
alphabet <- c(letters[1:6], LETTERS[1:6], as.character(0:9), strsplit(" _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$", "")[[1]])
weights_ <- c(rep(6, 12), rep(2, 10), rep(1, length(alphabet) - 22))
random_strings <- unique(replicate(600, paste(sample(alphabet, sample(1:5, 1), replace = TRUE, prob = weights_), collapse = "")))
fixed_strings <- c("b", "a", "B", "A", "a1", "a10", "a2", "A_b", "a b", "ab", "a-b", "a.b", "a_b", "_a", "-a", ".a",
                   " a", "1", "10", "2", "01", "Z", "z", "zz", "Zz", "aB", "Ab", "AB", "abc", "a_", "A", "a0",
                   "a\tb", "a\nb", "Subject", "subject", "308", "Female", "male", "NA_x")
write_json_file(list(
  versions = versions, r_expression = "sort(x)",
  input = c(fixed_strings, random_strings), sorted = sort(unique(c(fixed_strings, random_strings)))
), "collation.json")

# ---- numbers --------------------------------------------------------------------------------------
set.seed(11)
doubles <- c(0, -0, 1, 2, 0.5, 0.1 + 0.2, 1 / 3, 2 / 3, 1e5, 123456, 1e-4, 0.001, 100, -1.5, 1e15, 1e16,
             123456789012345678, 2^52 + 1, 1 / 7 * 1e10, 5e-324, 1.7976931348623157e308, 99999.99999999999,
             0.30000000000000004, 1e-5, 0.00012345, 1234567.1, 1e22, 1e21, 9.999999999999999e22,
             signif(rnorm(150) * 10^sample(-25:25, 150, replace = TRUE), sample(1:17, 150, replace = TRUE)),
             round(runif(50, -1000, 1000), sample(0:6, 50, replace = TRUE)), Inf, -Inf, NaN)
write_json_file(list(
  versions = versions,
  r_expression = "as.character(x); deparse(x)",
  hex = sprintf("%a", doubles),
  as_character = as.character(doubles),
  deparse = vapply(doubles, deparse, ""),
  factor_cases = list(
    list(r_expression = "levels(factor(c(0.3, 0.1 + 0.2, 0.30000000000001, 1, 1e5, -2.5, 1/3)))",
         hex = sprintf("%a", c(0.3, 0.1 + 0.2, 0.30000000000001, 1, 1e5, -2.5, 1/3)), integer = FALSE,
         levels = levels(factor(c(0.3, 0.1 + 0.2, 0.30000000000001, 1, 1e5, -2.5, 1/3))),
         codes = as.integer(factor(c(0.3, 0.1 + 0.2, 0.30000000000001, 1, 1e5, -2.5, 1/3))) - 1L),
    list(r_expression = "levels(factor(c(10L, 2L, 100000L, 2L)))", hex = sprintf("%a", c(10, 2, 100000, 2)),
         integer = TRUE, levels = levels(factor(c(10L, 2L, 100000L, 2L))),
         codes = as.integer(factor(c(10L, 2L, 100000L, 2L))) - 1L)
  )
), "numbers.json")
# ---- contrast matrices ------------------------------------------------------------------------------
mat_json <- function(m) structure(paste0("[", paste(apply(m, 1, num17), collapse = ","), "]"), class = "json")
contr_cases <- list()
for (k in 2:8) {
  lv <- paste0("L", seq_len(k))
  for (fn in c("contr.treatment", "contr.sum", "contr.helmert", "contr.poly")) {
    m <- get(fn)(lv)
    contr_cases[[length(contr_cases) + 1]] <- list(
      r_expression = sprintf("%s(paste0('L', 1:%d))", fn, k), fun = fn, levels = lv,
      colnames = if (is.null(colnames(m))) NULL else I(colnames(m)), values = mat_json(m))
  }
}
write_json_file(list(versions = versions, cases = contr_cases), "contrasts.json")

# ---- new data through a fitted frame (predvars, xlevels) ------------------------------------------
ref_cases <- list()
for (fo in c("y ~ poly(z, 2) + scale(x) + f", "y ~ poly(x + z, 3, raw = TRUE) + o + scale(z, center = FALSE)",
             "y ~ scale(z, scale = FALSE) * g + log(z)")) {
  mf <- model.frame(as.formula(fo), synth, drop.unused.levels = TRUE)
  tt <- delete.response(terms(mf))
  newdata <- synth[c(1, 2, 4, 5, 6, 9), ]
  newdata$z <- newdata$z + c(0.5, -0.25, 1, 0, 2, 0.125)
  newdata$x[is.na(newdata$x)] <- 0
  mf_new <- model.frame(tt, newdata, xlev = .getXlevels(tt, mf))
  X <- model.matrix(tt, mf_new)
  ref_cases[[length(ref_cases) + 1]] <- list(
    formula = fo, rows = c(1, 2, 4, 5, 6, 9) - 1, z_shift = c(0.5, -0.25, 1, 0, 2, 0.125),
    r_expression = "model.matrix(tt, model.frame(tt <- delete.response(terms(mf)), newdata, xlev = .getXlevels(tt, mf)))",
    predvars = paste(deparse(attr(terms(mf), "predvars"), width.cutoff = 500L), collapse = ""),
    colnames = I(colnames(X)), values = mat_json(X))
}
write_json_file(list(versions = versions, cases = ref_cases), "reference_frame.json")
cat("done\n")
