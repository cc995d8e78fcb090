# Produces model_matrix.json: R 4.2.2, lme4 1.1-31 (data sets from lme4).
# Rscript make_model_matrix.R (from this folder).  Each case: model.matrix(formula, data[, contrasts.arg])
# under options(contrasts = <opts>).
suppressMessages(library(lme4)); library(jsonlite)
sl <- sleepstudy[1:12, ]; sl$Days[3] <- NA; sl$Reaction[7] <- NA
cases <- list(
  list(name = "cake_interaction_ordered", data = "cake", formula = "angle ~ recipe * temperature"),
  list(name = "cake_poly", data = "cake", formula = "angle ~ recipe + poly(temp, 2)"),
  list(name = "cake_factor_by_numeric", data = "cake", formula = "~ recipe:temp"),
  list(name = "cake_no_intercept", data = "cake", formula = "~ 0 + recipe + temp"),
  list(name = "cake_contr_sum_arg", data = "cake", formula = "~ recipe + temperature",
       contrasts = list(recipe = "contr.sum", temperature = "contr.helmert")),
  list(name = "cbpp_options_sum", data = "cbpp", formula = "incidence ~ period * size",
       options = c("contr.sum", "contr.poly")),
  list(name = "cake_options_helmert_treatment", data = "cake", formula = "~ recipe * temperature",
       options = c("contr.helmert", "contr.treatment")),
  list(name = "sleep_na_rows", data = "sl", formula = "Reaction ~ Days + I(Days^2) + log(Days + 1)")
)
out <- list()
for (cs in cases) {
  old <- options(contrasts = if (is.null(cs$options)) c("contr.treatment", "contr.poly") else cs$options)
  d <- get(cs$data)
  m <- if (is.null(cs$contrasts)) model.matrix(as.formula(cs$formula), d)
       else model.matrix(as.formula(cs$formula), d, contrasts.arg = cs$contrasts)
  options(old)
  out[[cs$name]] <- list(data = cs$data, formula = cs$formula, contrasts_arg = cs$contrasts,
    options = cs$options, columns = colnames(m), rownames = rownames(m),
    values = unname(lapply(seq_len(ncol(m)), function(j) unname(m[, j]))),
    assign = attr(m, "assign"), contrasts = attr(m, "contrasts"))
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", pretty = FALSE), "model_matrix.json")
