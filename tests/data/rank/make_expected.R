# Regenerates qr_cases.json: R's qr(X, tol = 1e-7)$rank and $pivot on designs with aliasing.
# Rscript tests/data/rank/make_expected.R  (run from the repository root)
set.seed(101)
n <- 25
x <- rnorm(n); z <- rnorm(n); f <- gl(5, 5)
cases <- list(
  collinear = cbind(1, x, 2 * x + 1, z, 0, z - x, x * z),
  zero_first = cbind(0, 1, x),
  dummy_trap = cbind(1, model.matrix(~ 0 + f)),
  near = cbind(1, x, x + 1e-9 * z),
  wide = cbind(1, x, z, x + z, x - z, rnorm(n))[1:4, ],
  full = cbind(1, x, z)
)
out <- lapply(names(cases), function(nm) {
  X <- cases[[nm]]
  q <- qr(X, tol = 1e-7)
  list(name = nm, X = unname(split(X, col(X))), rank = q$rank, pivot = q$pivot - 1L,
       r_expr = "qr(X, tol = 1e-7)[c('rank','pivot')] (pivot made 0-based)")
})
meta <- list(R = R.version.string)
writeLines(jsonlite::toJSON(list(meta = meta, cases = out), digits = NA, auto_unbox = TRUE), "tests/data/rank/qr_cases.json")
