# Produces tests/data/optim/lmer_reference.json: lme4's lmer fits with
# lmerControl(optimizer = "bobyqa") and lmerControl(optimizer = "Nelder_Mead"), and, for
# each, the trace of the optimizer's own call on lme4's deviance function, every theta it
# asked for with the deviance lme4 returned there (a "replay": an optimizer fed these
# values must ask for exactly these thetas).  Also writes boundary_dat20101314.csv, the
# data of lme4's tests/boundary.R (lme4's testdata/dat20101314.csv).
#
# Run from the repository root:  Rscript tests/data/optim/make_lmer_reference.R
suppressPackageStartupMessages({library(lme4); library(minqa); library(jsonlite)})

g17 <- function(v) sprintf("%.17g", v)
dat <- read.csv(system.file("testdata", "dat20101314.csv", package = "lme4"))
dat$Operator <- factor(dat$Operator); dat$Part <- factor(dat$Part)
write.csv(dat[c("Operator", "Part", "y")], "tests/data/optim/boundary_dat20101314.csv", row.names = FALSE)

models <- list(
  list(id = "sleepstudy", formula = Reaction ~ Days + (Days | Subject), data = "sleepstudy", REML = TRUE),
  list(id = "sleepstudy_ml", formula = Reaction ~ Days + (Days | Subject), data = "sleepstudy", REML = FALSE),
  list(id = "pastes", formula = strength ~ 1 + (cask | batch), data = "Pastes", REML = TRUE),
  list(id = "dyestuff", formula = Yield ~ 1 + (1 | Batch), data = "Dyestuff", REML = TRUE),
  list(id = "boundary", formula = y ~ (1 | Operator) + (1 | Part) + (1 | Part:Operator), data = "boundary",
       REML = TRUE)
)
frame <- function(name) if (name == "boundary") dat else get(name, asNamespace("lme4"))

fits <- list(); traces <- list()
for (m in models) for (opt in c("bobyqa", "Nelder_Mead")) {
  d <- frame(m$data)
  warns <- character()
  fit <- withCallingHandlers(
    lmer(m$formula, d, REML = m$REML, control = lmerControl(optimizer = opt)),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleMessage") })
  crit <- function(f) if (m$REML) f@devcomp$cmp[["REML"]] else f@devcomp$cmp[["dev"]]
  # lme4's own spread: the same fit on seeded row permutations (only the summation order changes)
  perm <- lapply(1:8, function(seed) {
    set.seed(seed)
    f <- suppressWarnings(suppressMessages(
      lmer(m$formula, d[sample(nrow(d)), ], REML = m$REML, control = lmerControl(optimizer = opt))))
    c(feval = f@optinfo$feval, objective = crit(f))
  })
  fits[[length(fits) + 1L]] <- list(
    id = m$id, data = m$data, formula = paste(deparse(m$formula), collapse = ""), REML = m$REML,
    optimizer = opt, theta = I(g17(getME(fit, "theta"))), objective = g17(crit(fit)),
    feval = fit@optinfo$feval, conv = fit@optinfo$conv$opt, message = fit@optinfo$message,
    warnings = I(warns),
    spread_feval = I(vapply(perm, function(v) as.integer(v[["feval"]]), 1L)),
    spread_objective = I(g17(vapply(perm, function(v) v[["objective"]], 1))))
  # the optimizer alone on lme4's deviance function, as optwrap(adj = FALSE) calls it
  devfun <- lmer(m$formula, d, REML = m$REML, devFunOnly = TRUE)
  start <- environment(devfun)$pp$theta + 0  # a copy: the field is updated in place
  lower <- environment(devfun)$lower
  th <- list(); fv <- numeric()
  traced <- function(x) { f <- devfun(x); th[[length(th) + 1L]] <<- g17(x); fv <<- c(fv, f); f }
  res <- suppressWarnings(if (opt == "bobyqa") {
    minqa::bobyqa(start, traced, lower = lower, upper = rep(Inf, length(start)))
  } else {
    lme4::Nelder_Mead(traced, start, lower = lower, upper = rep(Inf, length(start)))
  })
  traces[[length(traces) + 1L]] <- list(
    id = m$id, optimizer = opt, start = I(g17(start)), lower = I(g17(lower)),
    theta = th, f = I(g17(fv)), feval = res$feval, par = I(g17(res$par)), fval = g17(res$fval))
}

header <- list(
  produced_by = "Rscript tests/data/optim/make_lmer_reference.R",
  R = R.version.string, lme4 = as.character(packageVersion("lme4")),
  minqa = as.character(packageVersion("minqa")),
  blas = La_library(), cpu = tryCatch(system("grep -m1 'model name' /proc/cpuinfo", intern = TRUE), error = function(e) ""),
  fits = "lmer(formula, data, REML = REML, control = lmerControl(optimizer = optimizer)); objective = fit@devcomp$cmp[[if (REML) \"REML\" else \"dev\"]]",
  traces = paste("minqa::bobyqa(start, fn, lower, upper = Inf) / lme4::Nelder_Mead(fn, start, lower, upper = Inf)",
                 "with fn = lmer(..., devFunOnly = TRUE): theta[[k]] and f[k] of every call of fn",
                 "(minqa's own calls of f(start) before and f(par) after Powell's code included)"),
  spread = paste("spread_feval / spread_objective: the same lmer fit on the rows permuted by",
                 "set.seed(k); d[sample(nrow(d)), ] for k = 1..8"),
  note = "numbers are sprintf('%.17g')")
writeLines(toJSON(list(header = header, fits = fits, traces = traces), auto_unbox = TRUE, pretty = FALSE, digits = NA),
           "tests/data/optim/lmer_reference.json")
