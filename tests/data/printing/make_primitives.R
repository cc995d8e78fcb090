## Sourced by make_expected.R: writes primitives.json, the R ground truth for
## pylme/printing/rformat.py and friends.  Uses num(), capture(),
## write_json_file() from make_expected.R.
set.seed(20240607)

rand_mag <- function(n) {
    v <- signif(10^runif(n, -12, 12) * sample(c(-1, 1), n, TRUE), sample(1:8, 1))
    v
}

## ---- format(x, digits=, nsmall=) on doubles
fmt_inputs <- list(
    list(0.1 + 0.2, 7), list(0.1 + 0.2, 15), list(0.1 + 0.2, 16), list(0.1 + 0.2, 17),
    list(1e-15, 7), list(123456789, 7), list(123456789, 4), list(1234567890123, 7),
    list(-0, 7), list(c(-0, 1.5), 4), list(c(1, 10, 100), 7), list(c(0.001234, 123.4), 4),
    list(c(1e-10, 1), 7), list(c(1e5, 1e-5), 7), list(c(NA, 1.5), 7), list(c(NaN, -Inf, Inf, 2), 7),
    list(c(NaN, NA), 7), list(c(-Inf), 7), list(c(-1.5, 2.25), 7), list(9996, 3), list(99999, 4),
    list(99999.5, 5), list(0.0005, 7), list(1e15, 7), list(1e16, 7), list(1e-300, 7), list(5e-324, 7),
    list(.Machine$double.xmax, 7), list(c(123.456, -0.001), 4), list(100000, 7), list(123456, 7),
    list(1e5, 1), list(c(612.10016, 35.07171, 654.94001), 4), list(c(24.74065, 5.92214, 25.59180), 4),
    list(c(3.9536, -0.4634, 0.0231), 4), list(0.15, 1), list(0.25, 1), list(2.5, 1), list(c(1.05, 1.15), 2),
    list(1743.6283, 7), list(c(1763.9, 1783.1, -876, 1751.9), 7), list(1e-310, 3), list(123.5, 3),
    list(0.995, 2), list(9.995, 3), list(c(1e-20, 1e20), 7), list(c(1e-99, 1), 7), list(c(1e-100, 1), 7),
    list(c(1e100, 1), 7), list(c(1e99, 1), 7), list(1/3, 15), list(2/3, 16), list(pi * 1e10, 15), list(exp(1), 22),
    list(c(0.5, 0.25, 0.125), 1), list(c(1, NA, 3), 7)
)
fmt_cases <- lapply(fmt_inputs, function(a) {
    x <- a[[1]]; d <- a[[2]]
    list(x = num(x), digits = d, nsmall = 0L, out = format(x, digits = d))
})
for (i in 1:400) {
    n <- sample(1:5, 1)
    x <- rand_mag(n)
    if (runif(1) < 0.3) x <- round(x, sample(0:4, 1))
    if (runif(1) < 0.15) x[sample(n, 1)] <- 0
    d <- sample(1:15, 1)
    ns <- if (runif(1) < 0.2) sample(0:5, 1) else 0L
    fmt_cases[[length(fmt_cases) + 1]] <- list(x = num(x), digits = d, nsmall = ns,
                                               out = format(x, digits = d, nsmall = ns))
}
for (i in 1:300) {  # moderate magnitudes, like estimates and variances
    n <- sample(1:6, 1)
    x <- rnorm(n) * 10^sample(-4:5, n, TRUE)
    d <- sample(3:7, 1)
    fmt_cases[[length(fmt_cases) + 1]] <- list(x = num(x), digits = d, nsmall = 0L,
                                               out = format(x, digits = d))
}
for (ns in 0:4) for (x in list(c(0.07, -0.14), c(1, 0.5), c(-0.1382, 1))) {
    fmt_cases[[length(fmt_cases) + 1]] <- list(x = num(x), digits = 7, nsmall = ns,
                                               out = format(x, nsmall = ns))
}

## ---- integers
int_cases <- lapply(list(c(1L, 10L, -100L), c(NA, 5L), 174L, c(0L), c(-5L, NA)), function(x)
    list(x = as.list(ifelse(is.na(x), "NA", as.character(x))), out = format(x)))

## ---- round / signif
round_x <- c(0.15, 0.25, 0.35, 2.5, 0.5, -2.5, 1.5, -0.5, 1.005, 2.675, 0.285, 1234.5678, -1234.5678,
             1e300, 1e-300, 5e-324, 0.1 + 0.2, 123456789.123, 1/3, -2/3, 55.55, 0.045, 1e15 + 0.5,
             9.995, 99.5, 0.0005, -0, 1743.62827196, 24.7406579, 0.065551, 5.5, 6.5, -7.5, 12345.5)
round_cases <- list()
for (x in round_x) for (d in c(-3, -1, 0, 1, 2, 3, 4, 7, 10, 15, 16, 20)) {
    round_cases[[length(round_cases) + 1]] <- list(x = num(x), digits = d, out = num(round(x, d)))
}
for (i in 1:600) {
    x <- rnorm(1) * 10^sample(-8:8, 1)
    if (runif(1) < 0.5) x <- round(x, sample(0:6, 1)) + sample(c(0, 5), 1) * 10^-(sample(1:7, 1))
    d <- sample(-2:12, 1)
    round_cases[[length(round_cases) + 1]] <- list(x = num(x), digits = d, out = num(round(x, d)))
}
round_cases[[length(round_cases) + 1]] <- list(x = "NA", digits = 2, out = num(round(NA_real_, 2)))
round_cases[[length(round_cases) + 1]] <- list(x = "Inf", digits = 2, out = num(round(Inf, 2)))
round_cases[[length(round_cases) + 1]] <- list(x = "1.5", digits = 2.6, out = num(round(1.55, 2.6)))
round_cases[[length(round_cases) - 0]]$x <- num(1.55)

signif_cases <- list()
for (x in round_x) for (d in c(0, 1, 2, 3, 4, 6, 7, 15, 16, 22, 23)) {
    signif_cases[[length(signif_cases) + 1]] <- list(x = num(x), digits = d, out = num(signif(x, d)))
}
for (i in 1:400) {
    x <- rnorm(1) * 10^sample(-300:300, 1)
    d <- sample(1:16, 1)
    signif_cases[[length(signif_cases) + 1]] <- list(x = num(x), digits = d, out = num(signif(x, d)))
}

## ---- zapsmall
zap_inputs <- list(list(c(1, 1e-20), 7), list(c(-3.95362, -0.46344, 0.02308, 0.46342, 5.17929), 5),
                   list(c(1e-8, 2e-9), 5), list(c(0, 0), 5), list(c(NA, 1, 1e-10), 7),
                   list(c(123456, 0.001), 5), list(c(-1e-3, 1.2e-7, 2), 3))
zap_cases <- lapply(zap_inputs, function(a) list(x = num(a[[1]]), digits = a[[2]],
                                                out = num(zapsmall(a[[1]], a[[2]]))))
for (i in 1:100) {
    x <- rnorm(5) * 10^sample(-6:6, 5, TRUE); d <- sample(3:8, 1)
    zap_cases[[length(zap_cases) + 1]] <- list(x = num(x), digits = d, out = num(zapsmall(x, d)))
}

## ---- quantile(type = 7)
q_cases <- lapply(list(c(3), c(1, 2), c(5, 1, 4, 2, 3), rnorm(180), rnorm(7), c(1, 1, 1, 2), rnorm(30) * 1e6),
                  function(x) list(x = num(x), out = num(quantile(x))))

## ---- abbreviate
ab_names <- list(
    c("(Intercept)", "Days"),
    c("(Intercept)", "recipeB", "recipeC", "temperature.L", "temperature.Q", "temperature.C",
      "temperature^4", "temperature^5", "recipeB:temperature.L", "recipeC:temperature.L",
      "recipeB:temperature.Q", "recipeC:temperature.Q", "recipeB:temperature.C", "recipeC:temperature.C",
      "recipeB:temperature^4", "recipeC:temperature^4", "recipeB:temperature^5", "recipeC:temperature^5"),
    c("(Intercept)", "cses", "SectorCatholic", "cses:SectorCatholic"),
    c("I(Days^2)", "log(x)", "poly(x, 2)1", "poly(x, 2)2", "a b c", "days_of_sleep_deprivation"),
    c("Days", "Days2", "DaysSquared", "DAYS", "abcdefghijklmnop", "AEIOUaeiou", "xaxbxcxdxe"),
    c("sexMale", "sexFemale", "ageGroup2", "ageGroup3", "treatmentA:time", "treatmentB:time")
)
ab_cases <- list()
for (nm in ab_names) for (ml in c(1, 2, 3, 4, 6, 8, 11)) {
    ab_cases[[length(ab_cases) + 1]] <- list(x = nm, minlength = ml, out = unname(abbreviate(nm, minlength = ml)))
}

## ---- print.default of named vectors
pv_cases <- list()
add_pv <- function(expr_text, expr) {
    pv_cases[[length(pv_cases) + 1]] <<- list(expr = expr_text, text = capture(expr)$text)
}
qv <- setNames(c(-3.9536, -0.46344, 0.023085, 0.46342, 5.17929), c("Min", "1Q", "Median", "3Q", "Max"))
pv_num <- list(
    list(qv, 4), list(qv, 7), list(setNames(rnorm(25), paste0("nm", 1:25)), 4),
    list(setNames(c(1e-10, 1, NA), c("a", "bb", "a_long_name_here")), 7),
    list(setNames(c(-Inf, NaN, 2), c("x", "y", "z")), 7),
    list(setNames(rnorm(12) * 1e5, paste0("coef_", 1:12)), 4))
pv_num_cases <- lapply(pv_num, function(a) list(x = num(a[[1]]), names = names(a[[1]]), digits = a[[2]],
                                               text = capture(print(a[[1]], digits = a[[2]]))$text))
pv_chr <- list(
    list(c(AIC = "1763.9", BIC = "1783.1", logLik = "-876.0", deviance = "1751.9", df.resid = "174"), 1L),
    list(c(`(Intercept)` = "251.41", Days = "10.47"), 2L),
    list(setNames(format(rnorm(18) * 10, digits = 4), c("(Intercept)", paste0("recipeB:temperature^", 1:17))), 2L),
    list(setNames(c("a", "bbbbbbbbbb", ""), c("x", "y", "zzzzzzzzzzzzzzz")), 1L))
pv_chr_cases <- lapply(pv_chr, function(a) list(x = unname(a[[1]]), names = names(a[[1]]), gap = a[[2]],
                                               text = capture(print.default(a[[1]], quote = FALSE, print.gap = a[[2]]))$text))

## ---- print.default of character matrices
mk_mat <- function(v, nr, rn, cn) matrix(v, nr, dimnames = list(rn, cn))
cm <- list(
    list(mk_mat(c("Subject", "", "Residual", "(Intercept)", "Days", "", "612.10", " 35.07", "654.94",
                  "", "0.07", ""), 3, rep("", 3), c("Groups", "Name", "Variance", "Corr")), FALSE),
    list(mk_mat(c("a", "bb", "", "ccc", "d", "ee"), 3, c("r1", "row2", "r"), c("", "x", "")[1:2]), FALSE),
    list(mk_mat(c("251.405", " 10.467", "6.825", "1.546"), 2, c("(Intercept)", "Days"),
                c("Estimate", "Std. Error")), TRUE),
    list(mk_mat(rep(c("-0.138", "0.001", ""), length.out = 17 * 17), 17,
                substr(paste0("rowname_", 1:17, "_abcdefgh"), 1, 11),
                substr(paste0("c", 1:17, "abcdef"), 1, 6)), FALSE),
    list(mk_mat(rep(c("12345.678", "-1.5"), length.out = 3 * 14), 3, c("a", "b", "c"), paste0("column", 1:14)), TRUE),
    list(mk_mat(c("x", "y"), 2, NULL, c("A", "B")[1]), FALSE),
    list(mk_mat(c("x", "y", NA, "z"), 2, c("a", "b"), c("A", "B")), TRUE))
cm_cases <- lapply(cm, function(a) {
    m <- a[[1]]
    list(x = as.list(as.vector(ifelse(is.na(m), "<<NA>>", m))), nrow = nrow(m),
         rownames = if (is.null(rownames(m))) NULL else as.list(rownames(m)),
         colnames = as.list(colnames(m)), right = a[[2]],
         text = capture(print(m, quote = FALSE, right = a[[2]]))$text)
})

## ---- cat(..., fill = TRUE)
cat_inputs <- list(
    list("Formula:", "Reaction ~ Days + (Days | Subject)"),
    list("REML criterion at convergence:", 1743.6283),
    list("REML criterion at convergence:", round(1743.62827196, 4)),
    list("REML criterion at convergence:", round(1743.62827196, 1)),
    list("REML criterion at convergence:", 123456789.123),
    list("REML criterion at convergence:", -0.000012345678),
    list("Formula:", c("reaction_time_in_milliseconds ~ days_of_sleep_deprivation + (days_of_sleep_deprivation | ",
                       "    subject_identifier_of_participant)")),
    list("Number of obs: 144, groups: ", "plate_identifier_long_name_one, 24; sample_identifier_long_name_two, 6; extra, 12"),
    list("Number of obs: 180, groups: ", "Subject, 18"),
    list("A", strrep("x", 78)), list("A", strrep("x", 79)), list(strrep("y", 85), "z"))
cat_cases <- lapply(cat_inputs, function(a) list(
    items = lapply(a, function(v) if (is.character(v)) list(type = "character", values = as.list(v))
                                  else list(type = "double", values = as.list(num(v)))),
    text = capture(do.call(cat, c(a, list(fill = TRUE))))$text))

## ---- printCoefmat and format.pval
cf_inputs <- list(
    cbind(Estimate = c(251.405104848, 10.4672859596), `Std. Error` = c(6.824596695, 1.545789644),
          `t value` = c(36.83811, 6.771481)),
    cbind(Estimate = c(1527.5), `Std. Error` = c(19.38341), `t value` = c(78.80459)),
    cbind(Estimate = c(0.0001234, -5.6e-8, 12.5), `Std. Error` = c(1e-5, 2e-8, 3.5), `t value` = c(12.34, -2.8, 3.571)),
    cbind(Estimate = c(2.5e7, 1.2e6), `Std. Error` = c(1.1e6, 3.4e5), `t value` = c(22.7, 3.53)),
    cbind(Estimate = c(1.5, NA, -0.25), `Std. Error` = c(0.5, NA, 0.1), `t value` = c(3, NA, -2.5)),
    cbind(Estimate = c(1.234, 0.0004), `Std. Error` = c(0.5, 0.0002), `t value` = c(2.468, 2),
          `Pr(>|t|)` = c(0.0136, 1e-20)),
    cbind(Estimate = c(-1.2, 3.3, 0.1, 5), `Std. Error` = c(0.5, 1, 0.2, 0.5), `z value` = c(-2.4, 3.3, 0.5, 10),
          `Pr(>|z|)` = c(0.0164, 0.00097, 0.617, 1.5e-23)),
    cbind(Estimate = c(1, 2), `Std. Error` = c(1, 1), `t value` = c(1, 2), `Pr(>|t|)` = c(0.3, 0.5)))
rownames(cf_inputs[[1]]) <- c("(Intercept)", "Days")
rownames(cf_inputs[[2]]) <- "(Intercept)"
rownames(cf_inputs[[3]]) <- c("a", "bb", "ccc")
rownames(cf_inputs[[4]]) <- c("(Intercept)", "x")
rownames(cf_inputs[[5]]) <- c("(Intercept)", "dropped", "z")
rownames(cf_inputs[[6]]) <- c("(Intercept)", "x")
rownames(cf_inputs[[7]]) <- c("(Intercept)", "x1", "x2", "x3")
rownames(cf_inputs[[8]]) <- c("u", "v")
cf_cases <- lapply(cf_inputs, function(m) list(
    values = as.list(num(as.vector(m))), nrow = nrow(m), rownames = rownames(m), colnames = colnames(m),
    text_digits4 = capture(printCoefmat(m, digits = 4))$text,
    text_default = capture(printCoefmat(m))$text))
pval_inputs <- list(c(0.8004, NA), c(1e-20, 0.5), c(2e-16, 0.0001, 0.049), c(1e-300), c(0.12345678, 0.00001234),
                    c(0, 1), c(3e-5, 0.5))
pval_cases <- lapply(pval_inputs, function(p) list(x = num(p), digits3 = format.pval(p, digits = 3),
                                                 digits4 = format.pval(p, digits = 4),
                                                 default = format.pval(p)))

## ---- print.data.frame (numeric columns, digits 7)
df1 <- data.frame(`(Intercept)` = c(2.258551, 9.198976, -40.398, 1e-6), Days = c(9.1989, -8.62, 1.1, 0),
                  check.names = FALSE, row.names = c("308", "309", "310", "a_long_level"))
df_cases <- lapply(list(df1, data.frame(x = c(1.5, NA, 3), row.names = c("a", "b", "c")),
                        data.frame(`(Intercept)` = rnorm(3) * 1e-8, check.names = FALSE)),
                   function(d) list(columns = names(d), rownames = rownames(d),
                                    values = lapply(d, num), text = capture(print(d))$text))

write_json_file(list(r_version = R.version.string,
                     format = fmt_cases, format_integer = int_cases, round = round_cases,
                     signif = signif_cases, zapsmall = zap_cases, quantile = q_cases,
                     abbreviate = ab_cases, print_named_numeric = pv_num_cases,
                     print_named_character = pv_chr_cases, print_character_matrix = cm_cases,
                     cat_fill = cat_cases, printcoefmat = cf_cases, format_pval = pval_cases,
                     print_data_frame = df_cases),
                "primitives.json")
cat("wrote primitives\n")
