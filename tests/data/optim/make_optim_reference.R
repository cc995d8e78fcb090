# Produces tests/data/optim/optim_reference.json: minqa::bobyqa and lme4::Nelder_Mead on
# the deterministic test problems of tests/unit/optim/problems.py (same arithmetic, same
# order of operations: only +, -, * and /, so the values do not depend on libm or BLAS).
#
# Run from the repository root:  Rscript tests/data/optim/make_optim_reference.R
# Every call of fn is recorded (minqa's own f(x0) before Powell's code and its f(par)
# after it included), so a test can compare the path evaluation by evaluation.
suppressPackageStartupMessages({library(minqa); library(lme4); library(jsonlite)})

problems <- list(
  quad1 = list(start = 1, lower = -Inf,
               fn = function(x) { a <- x[1] - 0.3; 4 * a * a + 1 }),
  bound1 = list(start = 1, lower = 0,
                fn = function(x) { a <- x[1] + 0.5; a * a }),
  quad2 = list(start = c(1, 1), lower = c(-Inf, -Inf),
               fn = function(x) { a <- x[1] - 0.5; b <- x[2] - 3
                                  100 * a * a + 0.01 * b * b + 0.5 * a * b }),
  rosen2 = list(start = c(-1.2, 1), lower = c(-Inf, -Inf),
                fn = function(x) { a <- 1 - x[1]; b <- x[2] - x[1] * x[1]
                                   a * a + 100 * b * b }),
  bound2 = list(start = c(1, 0), lower = c(0, -Inf),
                fn = function(x) { a <- x[1] + 0.2; b <- x[2] - x[1] - 1
                                   a * a + 2 * b * b + 0.3 * a * b }),
  flat2 = list(start = c(1, 1), lower = c(-Inf, -Inf),
               fn = function(x) { a <- x[1] - 0.5; b <- x[2] - 0.2
                                  a * a * (a * a) + b * b * (b * b) + 1 }),
  quad3 = list(start = c(1, 0, 1), lower = c(0, -Inf, 0),
               fn = function(x) { a <- x[1] - 0.7; b <- x[2] + 0.4; c <- x[3] - 0.2
                                  a * a + 2 * b * b + 3 * c * c + a * b + 0.5 * b * c + 10 }),
  bound3 = list(start = c(1, 0, 1), lower = c(0, -Inf, 0),
                fn = function(x) { a <- x[1] - 0.5; b <- x[2] - 0.3; c <- x[3] + 0.4
                                   a * a + b * b + c * c + 0.8 * a * c }),
  quad5 = list(start = c(1, 0, 0, 1, 1), lower = c(0, -Inf, -Inf, 0, 0),
               fn = function(x) { a <- x[1] - 1.3; b <- x[2] + 0.25; c <- x[3] - 2
                                  d <- x[4] - 0.05; e <- x[5] + 0.1
                                  a * a + 10 * b * b + 0.1 * c * c + 5 * d * d + e * e +
                                    0.3 * a * b + 0.2 * c * d + 0.1 * a * e }),
  rosen5 = list(start = c(0.5, 0.5, 0.5, 0.5, 0.5), lower = rep(-Inf, 5),
                fn = function(x) {
                  f <- 0
                  for (i in 1:4) { a <- 1 - x[i]; b <- x[i + 1] - x[i] * x[i]
                                   f <- f + 100 * b * b + a * a }
                  f }),
  const2 = list(start = c(1, 1), lower = c(-Inf, -Inf), fn = function(x) 1),
  nan2 = list(start = c(1, 1), lower = c(-Inf, -Inf),
              fn = function(x) { if (x[1] > 1.1) return(NaN)
                                 a <- x[1] - 2; b <- x[2] - 0.5; a * a + b * b }),
  # non-smooth and noisy objectives: they take BOBYQA through its rarer branches
  step2 = list(start = c(1, 1), lower = c(-Inf, -Inf),
               fn = function(x) floor(10 * (x[1] * x[1] + x[2] * x[2]))),
  abs2 = list(start = c(1, 1), lower = c(-Inf, -Inf),
              fn = function(x) abs(x[1] - 0.3) + 2 * abs(x[2] + 0.1)),
  noisy2 = list(start = c(1, 1), lower = c(-Inf, -Inf),
                fn = function(x) { a <- x[1] - 0.5; b <- x[2] - 0.25; z <- x[1] * 1e4 + x[2] * 7e3
                                   a * a + b * b + 1e-3 * (z - floor(z)) }),
  abs3 = list(start = c(1, 1, 1), lower = c(0, -Inf, -Inf),
              fn = function(x) abs(x[1]) + abs(x[2] - 1) + abs(x[3] + 2) + 0.01 * x[1] * x[2]),
  max3 = list(start = c(0.3, 0.3, 0.3), lower = c(-Inf, -Inf, -Inf),
              fn = function(x) max(abs(x[1] - 1), abs(x[2]), abs(x[3] + 0.5))),
  # an optimum just outside the bound: almost no slope there
  edge2 = list(start = c(1, 1), lower = c(0, -Inf),
               fn = function(x) { a <- x[1] + 1e-4; b <- x[2] - 0.5; a * a + b * b + 0.1 * a * b })
)

g17 <- function(v) sprintf("%.17g", v)

traced <- function(fn) {
  calls <- list()
  list(fn = function(x) { f <- fn(x); calls[[length(calls) + 1L]] <<- f; f },
       calls = function() vapply(calls, function(f) g17(f), ""))
}

run <- function(optimizer, name, control = list(), start = NULL, lower = NULL, upper = NULL) {
  p <- problems[[name]]
  if (!is.null(start)) p$start <- start
  if (!is.null(lower)) p$lower <- lower
  p$upper <- if (is.null(upper)) rep(Inf, length(p$start)) else upper
  tr <- traced(p$fn)
  warns <- character()
  err <- NULL
  res <- withCallingHandlers(
    tryCatch(if (optimizer == "bobyqa") {
      minqa::bobyqa(p$start, tr$fn, lower = p$lower, upper = p$upper, control = control)
    } else {
      lme4::Nelder_Mead(tr$fn, p$start, lower = p$lower, upper = p$upper, control = control)
    }, error = function(e) { err <<- conditionMessage(e); NULL }),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  out <- list(optimizer = optimizer, problem = name, control = control,
              start = I(g17(p$start)), lower = I(g17(p$lower)), upper = I(g17(p$upper)),
              warnings = warns, calls = tr$calls())
  if (!is.null(err)) return(c(out, list(error = err)))
  if (optimizer == "bobyqa") {
    c(out, list(par = g17(res$par), fval = g17(res$fval), feval = res$feval,
                ierr = res$ierr, msg = res$msg))
  } else {
    c(out, list(par = g17(res$par), fval = g17(res$fval), feval = res$feval,
                convergence = res$convergence, NM.result = res$NM.result,
                message = res$message))
  }
}

runs <- list()
for (name in names(problems)) {
  runs[[length(runs) + 1L]] <- run("bobyqa", name)
  runs[[length(runs) + 1L]] <- run("Nelder_Mead", name)
}
# lme4's other settings: npt = 2n+1, glmer's stage-2 rhobeg/rhoend, maxfun exceeded
runs[[length(runs) + 1L]] <- run("bobyqa", "rosen2", list(npt = 5))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad5", list(npt = 11))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad3", list(rhobeg = 2e-4, rhoend = 2e-7))
runs[[length(runs) + 1L]] <- run("bobyqa", "rosen5", list(maxfun = 60))
runs[[length(runs) + 1L]] <- run("bobyqa", "bound2", list(rhobeg = 0.5, rhoend = 1e-9))
runs[[length(runs) + 1L]] <- run("bobyqa", "rosen2", list(npt = 6))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad3", list(npt = 10))
runs[[length(runs) + 1L]] <- run("bobyqa", "abs3", list(npt = 10))
runs[[length(runs) + 1L]] <- run("bobyqa", "step2", list(npt = 6))
runs[[length(runs) + 1L]] <- run("bobyqa", "max3", list(npt = 5))
# starts on and near a bound (Powell moves them), finite upper bounds, rhobeg shrunk
runs[[length(runs) + 1L]] <- run("bobyqa", "bound3", start = c(0, 0, 0.05))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad3", start = c(0.1, 0, 0.01), control = list(rhobeg = 0.2))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad2", start = c(0.59, 1), upper = c(0.6, 1.05))
runs[[length(runs) + 1L]] <- run("bobyqa", "rosen2", start = c(0.5, 0.5), lower = c(0, 0), upper = c(0.8, 2))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad5", lower = c(0, -1, -1, 0, 0), upper = c(1.2, 1, 1, 1, 1))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad3", start = c(0.3, 0.3, 0.3), lower = c(0, 0, 0), upper = c(0.3, 0.3, 0.3))
runs[[length(runs) + 1L]] <- run("bobyqa", "quad5", start = c(0.5, 0, 0.5, 0.5, 0.25), lower = rep(0, 5), upper = rep(0.5, 5))
runs[[length(runs) + 1L]] <- run("bobyqa", "rosen5", lower = rep(-0.5, 5), upper = rep(0.6, 5))
runs[[length(runs) + 1L]] <- run("bobyqa", "max3", lower = c(-1, -1, -1), upper = c(0.4, 0.4, 0.4), control = list(npt = 7))
runs[[length(runs) + 1L]] <- run("bobyqa", "abs2", start = c(0.9, 0.9), lower = c(0.35, -1), upper = c(1, 1))
# Nelder_Mead with optwrap(adj = TRUE)-style steps, an explicit xt, maxfun and MinfMax
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "quad5", list(xst = c(0.02, 0.02, 0.05, 0.1, 0.3), xt = c(1e-6, 1e-6, 1e-5, 1e-5, 1e-4)))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "rosen2", list(xst = c(0.5, 0.5), xt = c(1e-8, 1e-8)))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "bound3", list(xst = c(0.2, 0.2, 0.2)))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "rosen5", list(maxfun = 100))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "quad2", list(MinfMax = 0.5))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "bound1", list(xst = 1e-14))
# simplex construction near bounds: upper bound too close, lower bound too close, the midpoint rule
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "quad2", start = c(0.59, 1), upper = c(0.6, 1.001))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "bound3", start = c(0, 0, 0.001))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "bound1", list(xst = -0.02, xt = 1e-5), start = 0.001, upper = 0.01)
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "quad5", lower = c(0, -1, -1, 0, 0), upper = c(1.2, 1, 1, 1, 1))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "rosen2", start = c(0.7, 1.9995), lower = c(0, 0), upper = c(0.8, 2))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "quad3", start = c(0.3, 0.3, 0.3), lower = c(0, 0, 0), upper = c(0.3, 0.3, 0.3))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "rosen5", lower = rep(-0.5, 5), upper = rep(0.6, 5))
# lme4's R-side checks of the NelderMead object
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "bound1", list(xst = -0.02))
runs[[length(runs) + 1L]] <- run("Nelder_Mead", "rosen2", start = c(2, 2), lower = c(0, 0), upper = c(0.8, 2))

# minqa 1.2.5's RESCUE evaluates the objective at an undefined point (an undeclared local X
# instead of Powell's W): record the points up to and including the first of those calls
rescue_fn <- local({
  cc <- c(-0.50819871367212066, -0.9533936915894925)
  h21 <- -0.87146749979961746
  sc <- c(0.17958197300767079, 3.264829610339913)
  function(x) {
    f <- 0
    a <- x[1] - cc[1]; f <- f + sc[1] * a * a
    a <- x[2] - cc[2]; f <- f + sc[2] * a * a
    f <- f + 0.6 / 2 * h21 * sqrt(sc[2] * sc[1]) * a * (x[1] - cc[1])
    f + abs(x[1] - cc[1] * 0.5) + abs(x[2] - cc[2] * 0.5)
  }
})
rescue_points <- list()
invisible(suppressWarnings(tryCatch(minqa::bobyqa(
  c(-0.450697800770943, -0.333965072080217),
  function(x) { rescue_points[[length(rescue_points) + 1L]] <<- g17(x); rescue_fn(x) },
  lower = c(-0.4731235448252087, -Inf), upper = c(Inf, 1.4635692122750332),
  control = list(npt = 6, rhobeg = 0.1, rhoend = 1e-9)), error = function(e) NULL)))
rescue <- list(start = I(g17(c(-0.450697800770943, -0.333965072080217))),
               lower = I(g17(c(-0.4731235448252087, -Inf))), upper = I(g17(c(Inf, 1.4635692122750332))),
               control = list(npt = 6, rhobeg = 0.1, rhoend = 1e-9),
               points = rescue_points[seq_len(min(97L, length(rescue_points)))])

# what the optimizers print (minqa's iprint; lme4's Nelder_Mead iprint, set from verbose by default)
printed <- list()
show <- function(optimizer, name, control) {
  p <- problems[[name]]
  out <- capture.output(if (optimizer == "bobyqa") {
    minqa::bobyqa(p$start, p$fn, lower = p$lower, upper = Inf, control = control)
  } else {
    lme4::Nelder_Mead(p$fn, p$start, lower = p$lower, upper = rep(Inf, length(p$start)), control = control)
  }, type = "output")
  n <- length(out)  # capture.output also holds the printed result: keep what came before it
  printed[[length(printed) + 1L]] <<- list(optimizer = optimizer, problem = name, control = control,
                                           output = I(out))
}
invisible(capture.output({
  show("bobyqa", "quad2", list(iprint = 1))
  show("bobyqa", "bound2", list(iprint = 2))
  show("bobyqa", "quad1", list(iprint = 3))
  show("bobyqa", "rosen2", list(iprint = 50))
  show("Nelder_Mead", "quad2", list(MinfMax = 0.5, iprint = 1))
  show("Nelder_Mead", "bound1", list(iprint = 1))
  show("Nelder_Mead", "quad3", list(verbose = 1))
  show("Nelder_Mead", "rosen5", list(maxfun = 30, verbose = 3))
}))

header <- list(
  produced_by = "Rscript tests/data/optim/make_optim_reference.R",
  R = R.version.string, lme4 = as.character(packageVersion("lme4")),
  minqa = as.character(packageVersion("minqa")),
  expressions = c("minqa::bobyqa(start, fn, lower = lower, upper = Inf, control = control)",
                  "lme4::Nelder_Mead(fn, start, lower = lower, upper = rep(Inf, length(start)), control = control)"),
  printed = "capture.output(<the call>) with the optimizer's printing on; it ends with the print of the result",
  rescue = paste("the first 97 points minqa::bobyqa evaluates on rescue_fn (minqa's f(start) first);",
                 "the 97th is the first call from Powell's RESCUE, made at an undefined point by minqa 1.2.5"),
  note = "numbers are sprintf('%.17g'); calls = every value fn returned, in order")
writeLines(toJSON(list(header = header, runs = runs, printed = printed, rescue = rescue), auto_unbox = TRUE, pretty = TRUE, digits = NA),
           "tests/data/optim/optim_reference.json")
