## Regenerates the R ground truth for tests/unit/test_deviance.py.
##
## Run from the repository root with R 4.2.2 + lme4 1.1-31 (+ jsonlite):
##     Rscript tests/data/deviance/make_reference.R
## Writes, next to this script, for every case <name>:
##   * <name>.csv  -- the deviance inputs: y, w (prior weights), o (offset), X_1..X_p
##                    (getME(fit, "X")), and per random-effects term t (lme4's term
##                    order) g<t> = 0-based level index (the level of the term's
##                    grouping factor, i.e. its row block in getME(fit, "Zt") after
##                    the offset getME(fit, "Gp")[t]) and z<t>_<c> = the term's
##                    model matrix column c (read back from Zt itself);
##   * <name>.json -- the R expressions, and for every theta point the value of
##                    devfun <- lmer(..., devFunOnly = TRUE); devfun(theta), and at
##                    the fitted theta the merPredD / lmerResp quantities after
##                    devfun(theta): pp$beta(1), pp$u(1), pp$b(1), pp$ldL2(),
##                    pp$ldRX2(), resp$wrss(), pp$sqrL(1), pp$RX(), pp$unsc(),
##                    resp$mu, and the diagonal blocks of lme4:::condVar's
##                    unscaled  crossprod(Lambdat, solve(L, Lambdat, system = "A")).
## Every double is written with "%.17g".
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
stopifnot(packageVersion("lme4") == "1.1.31")

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
num <- function(x) sprintf("%.17g", as.numeric(x))

## synthetic crossed design with vector terms, weights and an offset
set.seed(20240611)
n <- 300
synth <- data.frame(g1 = factor(sample(sprintf("a%02d", 1:25), n, TRUE)),
                    g2 = factor(sample(sprintf("b%d", 1:8), n, TRUE)),
                    g3 = factor(sample(sprintf("c%02d", 1:40), n, TRUE)),
                    x = rnorm(n), u = runif(n))
synth$y <- 3 + 0.5 * synth$x + rnorm(25)[synth$g1] + rnorm(8)[synth$g2] * synth$x +
    rnorm(40)[synth$g3] * 0.7 + rnorm(n)
synth$w <- 0.5 + synth$u
synth$o <- 0.25 * synth$u

ss <- sleepstudy
ss$w <- 1 + (as.integer(ss$Subject) %% 3) / 2 + ss$Days / 10
ss$o <- 0.3 * ss$Days

cases <- list(
    dyestuff_reml = list(expr = "lmer(Yield ~ 1 + (1|Batch), Dyestuff, REML = TRUE)",
                         points = list(1, 0, 0.713, 2.5)),
    dyestuff_ml = list(expr = "lmer(Yield ~ 1 + (1|Batch), Dyestuff, REML = FALSE)",
                       points = list(0.713, 0, 1)),
    sleepstudy_reml = list(expr = "lmer(Reaction ~ Days + (Days|Subject), sleepstudy)",
                           points = list(c(1, 0, 1), c(-0.5, 0.3, 0.2), c(1, -0.4, -1e-4),
                                         c(0, 0, 0))),
    sleepstudy_ml = list(expr = "lmer(Reaction ~ Days + (Days|Subject), sleepstudy, REML = FALSE)",
                         points = list(c(1, 0, 1))),
    sleepstudy_zerocorr = list(expr = "lmer(Reaction ~ Days + (Days||Subject), sleepstudy)",
                               points = list(c(1, 1), c(0.5, 0))),
    penicillin_reml = list(expr = "lmer(diameter ~ 1 + (1|plate) + (1|sample), Penicillin)",
                           points = list(c(1, 1), c(0, 1), c(1, 0), c(1.539675554, 3.512518860))),
    pastes_reml = list(expr = "lmer(strength ~ 1 + (1|batch/cask), Pastes)",
                       points = list(c(1, 1), c(0, 2))),
    weighted_offset = list(expr = "lmer(Reaction ~ Days + (Days|Subject), ss, weights = w, offset = o)",
                           points = list(c(1, 0, 1), c(0.3, -0.2, 0.7))),
    vector3 = list(expr = "lmer(Reaction ~ Days + (Days + I(Days^2)|Subject), sleepstudy)",
                   points = list(c(1, 0, 0, 1, 0, 1), c(0.9, 0.1, -0.05, 0.3, 0.02, 0.1))),
    nofixed = list(expr = "lmer(Reaction ~ 0 + (Days|Subject), sleepstudy, REML = TRUE)",
                   points = list(c(1, 0, 1), c(2, 0.5, 1))),
    synth_crossed = list(expr = "lmer(y ~ x + (1|g3) + (1 + x|g1) + (1 + x|g2), synth, weights = w, offset = o)",
                         points = list(c(1, 1, 0, 1, 1, 0, 1), c(0.5, 0.8, 0.1, 0.2, 0.3, -0.2, 0.9)))
)

export_case <- function(name, spec) {
    fit <- suppressWarnings(suppressMessages(eval(parse(text = spec$expr))))
    dcall <- sub(")$", ", devFunOnly = TRUE)", spec$expr)
    devfun <- suppressWarnings(suppressMessages(eval(parse(text = dcall))))
    rho <- environment(devfun)
    X <- getME(fit, "X")
    n <- nrow(X)
    out <- data.frame(y = getME(fit, "y"), w = weights(fit), o = getME(fit, "offset"))
    if (ncol(X) > 0) for (j in seq_len(ncol(X))) out[[paste0("X_", j)]] <- X[, j]
    Zt <- getME(fit, "Zt"); Gp <- getME(fit, "Gp")
    fl <- getME(fit, "flist"); asg <- attr(fl, "assign")
    cnms <- getME(fit, "cnms")
    terms <- list()
    for (t in seq_along(cnms)) {
        ff <- fl[[asg[t]]]; p <- length(cnms[[t]]); refs <- as.integer(ff) - 1L
        out[[paste0("g", t)]] <- refs
        for (c in seq_len(p))
            out[[paste0("z", t, "_", c)]] <- Zt[cbind(Gp[t] + refs * p + c, seq_len(n))]
        terms[[t]] <- list(name = names(cnms)[t], columns = I(cnms[[t]]), nlevels = nlevels(ff), p = p)
    }
    ## write.csv keeps only 15 significant digits: write every double exactly
    for (j in names(out)) if (is.double(out[[j]])) out[[j]] <- num(out[[j]])
    write.csv(out, file.path(here, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
    pts <- lapply(spec$points, function(th) list(theta = num(th), value = num(devfun(th))))
    th <- getME(fit, "theta")
    val <- devfun(th)
    pp <- rho$pp; resp <- rho$resp
    Lamt <- pp$Lambdat; L <- pp$L()
    cc <- as.matrix(crossprod(Lamt, solve(L, Lamt, system = "A")))
    cv <- list()
    for (t in seq_along(cnms)) {
        p <- terms[[t]]$p; nl <- terms[[t]]$nlevels
        blocks <- lapply(seq_len(nl), function(l) {
            i <- Gp[t] + (l - 1) * p + seq_len(p); num(cc[i, i]) })
        cv[[t]] <- blocks
    }
    sol <- list(theta = num(th), value = num(val), beta = num(pp$beta(1)),
                u = num(pp$u(1)), b = num(pp$b(1)), ldL2 = num(pp$ldL2()),
                ldRX2 = num(pp$ldRX2()), wrss = num(resp$wrss()), ussq = num(pp$sqrL(1)),
                RX = lapply(seq_len(nrow(pp$RX())), function(i) num(pp$RX()[i, ])),
                unsc = lapply(seq_len(nrow(pp$unsc())), function(i) num(pp$unsc()[i, ])),
                mu = num(resp$mu), condvar = cv, reml_flag = resp$REML)
    js <- list(lme4 = as.character(packageVersion("lme4")), R = R.version.string,
               expr = spec$expr, devfun = dcall, n = n, p = ncol(X), terms = terms,
               points = pts, solution = sol)
    writeLines(toJSON(js, auto_unbox = TRUE, pretty = TRUE, digits = NA),
               file.path(here, paste0(name, ".json")))
}
for (nm in names(cases)) { message(nm); export_case(nm, cases[[nm]]) }

## constant response: lme4's value is a rounding accident (finite at theta = 1,
## -Inf at theta = 0.5); pylme returns -Inf whenever pwrss is at rounding level.
