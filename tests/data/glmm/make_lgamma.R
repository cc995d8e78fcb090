## Regenerates the R ground truth for R's lgammafn in tests/unit/glmm/test_kernels_densities.py
## (pylme.glmm.lgamma.r_lgamma and its compiled form pylme.glmm.density_kernels.r_lgamma1).
##
## Run from the repository root with R 4.2.2 (+ jsonlite):
##     Rscript tests/data/glmm/make_lgamma.R
## Writes lgamma.json next to this script: x and R's lgamma(x) (nmath lgammafn) for x > 0
## on a grid covering every branch -- x < 1e-306, (0, 1), the Chebyshev range (1, 10] with
## every integer part, Stirling plus lgammacor on (10, 4934720], without it up to 1e17,
## x (log x - 1) above, +Inf above 2.5327372760800758e305 -- and the arguments R's
## densities pass (n + 1 for stirlerr, 1 < n + 1 <= 16).
## Every double is written exactly, as C99 hexadecimal ("%a"; "Inf").
suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
hx <- function(x) sprintf("%a", as.numeric(x))
set.seed(20221110)
edges <- c(1e-310, 1e-306, 1e-300, 1e-10, 0.5, 1, 1.5, 2, 3, 9.999999, 10, 10.000001, 15.5, 16,
           4934720, 4934721, 1e17, 1.0000001e17, 1e300, 2.5327372760800758e305, 1e306)
x <- c(edges, seq(0.01, 20, by = 0.01), runif(1500, 0, 16), runif(300, 0, 1),
       exp(runif(500, -700, 705)), (1:60) / 2)
out <- list(provenance = list(R = R.version.string, script = "tests/data/glmm/make_lgamma.R",
                              expr = "lgamma(x)"),
            x = hx(x), lgamma = hx(lgamma(x)))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), file.path(here, "lgamma.json"))
