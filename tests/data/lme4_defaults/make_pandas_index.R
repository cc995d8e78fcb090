## Expected values for tests/integration/test_pandas_index.py (R 4.2.2, lme4 1.1-31).
## Rscript tests/data/lme4_defaults/make_pandas_index.R  -> pandas_index.json
## Every vector is stored with its names: lme4 names fitted/residuals/predict by the row
## names of the model frame (all rows, NA-padded, under na.exclude).  Each scenario's R row
## names are the string form of the pandas index the test gives the same data.
suppressMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

base <- droplevels(subset(sleepstudy, as.integer(Subject) <= 6))  # 60 rows
base$w <- 1 + (base$Days %% 3)                                   # prior weights: pearson != response
rownames(base) <- NULL
n <- nrow(base)
with_na <- base
with_na$Reaction[c(2, 7)] <- NA
with_na$Days[21] <- NA

set.seed(20240611)
shuffled <- as.character(sample(100:(100 + n - 1)))
scenarios <- list(
  range        = list(data = base,    labels = as.character(0:(n - 1)), na = "na.omit"),
  string       = list(data = base,    labels = paste0("s", 1:n),         na = "na.omit"),
  shuffled_int = list(data = base,    labels = shuffled,                 na = "na.omit"),
  na_omit      = list(data = with_na, labels = paste0("s", 1:n),         na = "na.omit"),
  na_exclude   = list(data = with_na, labels = shuffled,                 na = "na.exclude"),
  na_exclude_range = list(data = with_na, labels = as.character(0:(n - 1)), na = "na.exclude"))

vec <- function(x, expr) list(r_expr = expr, names = as.list(names(x)),
                              values = lapply(unname(x), function(v) if (is.na(v)) NULL else signif(v, 15)))

out <- list(r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
            shuffled = as.integer(shuffled), na_rows = list(Reaction = c(2, 7), Days = 21),
            scenarios = list())
for (id in names(scenarios)) {
  s <- scenarios[[id]]
  d <- s$data
  rownames(d) <- s$labels
  fm <- lmer(Reaction ~ Days + (1 | Subject), d, weights = w, na.action = get(s$na))
  q <- list()
  q$fitted <- vec(fitted(fm), "fitted(fm)")
  for (type in c("working", "response", "deviance", "pearson")) for (sc in c(FALSE, TRUE)) {
    key <- sprintf("residuals_%s_%s", type, if (sc) "scaled" else "raw")
    q[[key]] <- vec(residuals(fm, type = type, scaled = sc),
                    sprintf("residuals(fm, type = '%s', scaled = %s)", type, sc))
  }
  q$predict <- vec(predict(fm), "predict(fm)")
  q$predict_population <- vec(predict(fm, re.form = NA), "predict(fm, re.form = NA)")
  nd <- base[c(5, 12, 33, 41, 58), c("Days", "Subject")]
  nd$Days[2] <- NA
  rownames(nd) <- c("n5", "n12", "n33", "n41", "n58")
  for (act in c("na.pass", "na.omit", "na.exclude")) {
    q[[paste0("newdata_", act)]] <- vec(predict(fm, nd, na.action = get(act)),
                                        sprintf("predict(fm, nd, na.action = %s)", act))
  }
  q$newdata_population <- vec(predict(fm, nd, re.form = NA), "predict(fm, nd, re.form = NA)")
  out$scenarios[[id]] <- list(na_action = sub("na.", "", s$na, fixed = TRUE),
                              labels = as.list(s$labels), quantities = q)
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = FALSE),
           file.path(here, "pandas_index.json"))
