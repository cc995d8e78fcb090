# pylme verify: instrument lme4 in a fresh R session, then run a user's script.
#
# Loaded by conformance/bridge/capture.py (through rpy2) before the script runs. Everything
# lives in an environment attached to the search path as "pylme:verify", so a script's
# rm(list = ls()) cannot remove it.
#
# * lme4's lmer, glmer, glmer.nb, nlmer and refit are replaced (in lme4's namespace, before
#   the script attaches lme4, so library(lme4), lme4::lmer and lmerTest::lmer all reach
#   the wrapper) by a function that evaluates the very same call with the original
#   function in the caller's frame, so lme4 sees what it would have seen, and records the
#   fit, its evaluated data and its call site. Only calls from user code are recorded
#   (the caller's top environment is the global one): refits made inside lme4, lmerTest
#   or pbkrtest (bootMer, PBmodcomp, ...) are not, and neither is a fit nested in a
#   recorded one (glmer.nb's own glmer calls, glmer(family = gaussian) calling lmer).
# * anova(), summary() and print() of merMod objects are re-registered as S3 methods that
#   call lme4's and note which recorded models they were given (a model autoprinted at top
#   level is noted by the driver); for an lm/glm among anova's models, what statsmodels
#   needs to fit it again is kept (model matrix, response, weights, offset, family).
# * .pylme_run(path, seconds) runs the script under R's elapsed time limit (--timeout).
# * q()/quit() end the script, not the process.

local({
  V <- attach(NULL, name = "pylme:verify")
  st <- new.env()
  st$fits <- list(); st$anovas <- list(); st$prints <- list()
  st$active <- TRUE; st$depth <- 0L; st$top_line <- NA_integer_; st$file <- ""
  st$script_error <- NULL; st$timed_out <- NULL; st$deadline <- Inf
  V$.pylme_state <- st
  ns <- asNamespace("lme4")

  from_user <- function(caller) identical(topenv(caller), globalenv())

  # --timeout: R's elapsed time limit stops the script's computations; a script that
  # catches that error (tryCatch around each fit of a simulation) is stopped at its next
  # fit by a condition that is not an error, so that no tryCatch(error =)/try() takes it
  past_deadline <- function() Sys.time() > st$deadline
  timeout <- function() stop(structure(class = c("pylme_timeout", "condition"),
                                       list(message = "timeout", call = NULL)))

  # file:line of the innermost call in the script's own code (srcrefs of sys.calls()),
  # else the line of the top-level expression being evaluated
  site <- function(calls) {
    for (cl in rev(calls)) {
      sr <- attr(cl, "srcref")
      if (!is.null(sr)) {
        f <- getSrcFilename(sr, full.names = TRUE)
        if (length(f) && nzchar(f) && basename(f) != "instrument.R")
          return(list(file = f, line = sr[1L]))
      }
    }
    list(file = st$file, line = st$top_line)
  }

  fingerprint <- function(m) {
    tryCatch(list(class(m)[1L] == "glmerMod", deparse1(formula(m)), unname(lme4::getME(m, "theta")),
                  unname(lme4::fixef(m)), nobs(m)), error = function(e) NULL)
  }
  st$which_fit <- function(m) {
    fp <- fingerprint(m)
    if (is.null(fp)) return(NA_integer_)
    for (k in rev(seq_along(st$fits)))
      if (!is.null(st$fits[[k]]$fp) && identical(st$fits[[k]]$fp, fp)) return(k)
    NA_integer_
  }

  na_name <- function(x) {
    if (is.null(x)) x <- getOption("na.action", "na.omit")
    if (is.function(x)) {
      for (n in c("na.omit", "na.exclude", "na.fail", "na.pass"))
        if (identical(x, get(n, envir = asNamespace("stats")))) return(n)
      return("<function>")
    }
    as.character(x)[1L]
  }

  lookup <- function(v, data, envs) {
    if (!is.null(data) && v %in% names(data)) return(data[[v]])
    for (e in envs) {
      if (!is.null(e) && exists(v, envir = e)) return(get(v, envir = e))
    }
    NULL
  }

  control_text <- function(ctrl, glmm) {
    if (is.null(ctrl)) return("")
    default <- if (glmm) lme4::glmerControl() else lme4::lmerControl()
    out <- character()
    for (n in names(ctrl)) {
      v <- ctrl[[n]]; d <- default[[n]]
      if (identical(v, d)) next
      if (n %in% c("checkControl", "checkConv")) {
        for (m in names(v)) if (!identical(v[[m]], d[[m]]))
          out <- c(out, paste(m, "=", deparse1(v[[m]])))
        next
      }
      if (n == "optimizer" && length(v) == 2L && identical(v[[1L]], v[[2L]])) v <- v[[1L]]
      out <- c(out, paste(n, "=", deparse1(v)))
    }
    paste(out, collapse = ", ")
  }

  # The inputs pylme needs to fit the same model: the variables of the formula, weights,
  # offset and subset (with their factor levels), subset applied, weights/offset evaluated.
  inputs <- function(res, orig, call, caller) {
    mc <- match.call(orig, call, expand.dots = TRUE, envir = caller)
    data <- if (!is.null(mc$data)) eval(mc$data, caller) else NULL
    if (!is.null(data)) data <- as.data.frame(data)
    fml <- formula(res)
    envs <- list(environment(fml), caller)
    vars <- unique(c(all.vars(fml), all.vars(mc$weights), all.vars(mc$offset),
                     all.vars(mc$subset)))
    cols <- list()
    n <- if (!is.null(data)) nrow(data) else NA_integer_
    for (v in vars) {
      x <- lookup(v, data, envs)
      if (is.null(x) || is.function(x) || !is.null(dim(x))) next
      if (is.na(n)) n <- length(x)
      if (length(x) == n) cols[[v]] <- x
    }
    D <- list2DF(cols, nrow = n)
    rn <- if (!is.null(data)) rownames(data) else as.character(seq_len(n))
    ev <- function(e) if (is.null(e)) NULL else eval(e, if (is.null(data)) D else data, caller)
    w <- ev(mc$weights); o <- ev(mc$offset)
    if (!is.null(mc$subset)) {
      keep <- ev(mc$subset)
      if (is.logical(keep)) keep <- which(keep & !is.na(keep))
      D <- D[keep, , drop = FALSE]; rn <- rn[keep]
      if (!is.null(w)) w <- w[keep]
      if (!is.null(o)) o <- o[keep]
    }
    rownames(D) <- NULL
    glmm <- lme4::isGLMM(res)
    fam <- if (glmm) family(res) else NULL
    ctr <- attr(lme4::getME(res, "X"), "contrasts")
    ctrl <- if (!is.null(mc$control)) eval(mc$control, caller) else NULL
    list(data = D, rownames = rn, formula = deparse1(fml, collapse = " "),
         data_name = if (is.null(mc$data)) "" else deparse1(mc$data),
         weights = if (is.null(w)) NULL else as.numeric(w),
         weights_text = if (is.null(mc$weights)) NULL else deparse1(mc$weights),
         offset = if (is.null(o)) NULL else as.numeric(o),
         offset_text = if (is.null(mc$offset)) NULL else deparse1(mc$offset),
         subset_text = if (is.null(mc$subset)) NULL else deparse1(mc$subset),
         na_action = na_name(if (is.null(mc$na.action)) NULL else eval(mc$na.action, caller)),
         contrasts = ctr,
         reml = if (glmm) FALSE else lme4::isREML(res),
         family = if (glmm) sprintf('%s(link = "%s")', fam$family, fam$link) else NULL,
         nAGQ = if (glmm) unname(res@devcomp$dims[["nAGQ"]]) else 1L,
         control = control_text(ctrl, glmm),
         start = if (!is.null(mc$start)) eval(mc$start, caller) else NULL)
  }

  wrap <- function(name, kind) {
    orig <- get(name, envir = ns)
    force(kind)
    function(...) {
      call <- sys.call(); caller <- parent.frame()
      head <- call[[1L]]
      call[[1L]] <- orig
      fix <- function(res) {
        if (isS4(res) && methods::is(res, "merMod")) res@call[[1L]] <- head
        res
      }
      if (!st$active || st$depth > 0L || !from_user(caller)) return(fix(eval(call, caller)))
      st$depth <- st$depth + 1L
      on.exit(st$depth <- st$depth - 1L)
      rec <- list(kind = kind, call_text = paste(deparse(sys.call()), collapse = "\n"))
      rec[c("file", "line")] <- site(sys.calls())
      rec$warnings <- character(); rec$messages <- character()
      res <- withCallingHandlers(
        tryCatch(eval(call, caller), error = function(e) {
          rec$r_error <- conditionMessage(e)
          st$fits[[length(st$fits) + 1L]] <- rec
          stop(e)
        }),
        warning = function(w) rec$warnings <<- c(rec$warnings, conditionMessage(w)),
        message = function(m) rec$messages <<- c(rec$messages, sub("\n$", "", conditionMessage(m))))
      res <- fix(res)
      if (!methods::is(res, "merMod")) return(res)  # devFunOnly = TRUE: not a fit
      rec$fit <- res
      rec$fp <- fingerprint(res)
      if (kind %in% c("glmer.nb", "nlmer")) {
        rec$unsupported <- paste0(kind, "(): pylme fits linear and generalized linear mixed ",
                                  "models with lmer() and glmer() only")
      } else if (kind == "refit") {
        args <- list(...)
        rec$base <- st$which_fit(args[[1L]])
        newresp <- if (length(args) > 1L) args[[2L]] else NULL
        rec$newresp <- if (is.null(newresp)) NULL else as.numeric(unlist(newresp))
        if (is.na(rec$base)) rec$unsupported <- "refit() of a model the script did not fit with lmer()/glmer()"
      } else {
        captured <- tryCatch(inputs(res, orig, call, caller),
                             error = function(e) structure(conditionMessage(e), class = "pylme_err"))
        if (inherits(captured, "pylme_err")) rec$capture_error <- unclass(captured)
        else rec <- c(rec, captured)
      }
      st$fits[[length(st$fits) + 1L]] <- rec
      if (past_deadline()) timeout()
      res
    }
  }
  for (nm in c("lmer", "glmer", "glmer.nb", "nlmer", "refit")) {
    utils::assignInNamespace(nm, wrap(nm, nm), ns = "lme4")
  }

  methods_of <- function(generic, fun) {
    orig <- getS3method(generic, "merMod", envir = ns)
    fun(orig)
  }
  # What statsmodels needs to fit an lm/glm of anova(merMod, lm) again: the model matrix,
  # the response as the fit used it (a glm's y after its family's initialize, e.g. a
  # factor's 0/1 or cbind's proportions), prior weights, offset, family and link.
  lm_inputs <- function(fit) {
    glm <- inherits(fit, "glm")
    mf <- stats::model.frame(fit)
    X <- stats::model.matrix(fit)
    out <- list(kind = if (glm) "glm" else "lm",
                formula = deparse1(stats::formula(fit), collapse = " "),
                columns = colnames(X), X = unname(X))
    if (glm) {
      fam <- stats::family(fit)
      out$y <- as.numeric(fit$y)
      out$weights <- as.numeric(fit$prior.weights)
      out$offset <- if (is.null(fit$offset)) NULL else as.numeric(fit$offset)
      out$family <- fam$family; out$link <- fam$link
    } else {
      y <- stats::model.response(mf)
      if (!is.null(dim(y))) stop("a multivariate lm (matrix response)")
      out$y <- as.numeric(y)
      out$weights <- if (is.null(fit$weights)) NULL else as.numeric(fit$weights)
      off <- stats::model.offset(mf)
      out$offset <- if (is.null(off)) NULL else as.numeric(off)
    }
    out
  }
  anova_w <- methods_of("anova", function(orig) function(object, ...) {
    call <- sys.call(); caller <- parent.frame()
    call[[1L]] <- orig
    args <- as.list(call)[-1L]
    res <- eval(call, caller)
    if (st$active && st$depth == 0L && from_user(caller)) {
      tags <- if (is.null(names(args))) rep("", length(args)) else names(args)
      shown <- vapply(args[tags %in% c("", "object")], deparse1, "")
      dots <- list(...)
      is_lm <- vapply(dots, inherits, NA, "lm")
      modp <- vapply(dots, methods::is, NA, "merMod") | is_lm
      # the compared models in argument order, as lme4's anova.merMod takes them
      mods <- c(list(object), dots[modp])
      lm_of <- function(m) {
        if (!inherits(m, "lm")) return(NULL)
        tryCatch(lm_inputs(m), error = function(e) list(error = conditionMessage(e)))
      }
      rec <- list(models = vapply(mods, function(m) if (inherits(m, "lm")) NA_integer_
                                                    else st$which_fit(m), 1L),
                  lms = lapply(mods, lm_of),
                  table = as.data.frame(res), print = utils::capture.output(print(res)),
                  refit = !isFALSE(list(...)$refit), names = shown[seq_along(mods)],
                  with_lm = any(is_lm))
      rec[c("file", "line")] <- site(sys.calls())
      st$anovas[[length(st$anovas) + 1L]] <- rec
    }
    res
  })
  registerS3method("anova", "merMod", anova_w, envir = ns)
  note_print <- function(model, what)
    st$prints[[length(st$prints) + 1L]] <- list(model = st$which_fit(model), what = what,
                                                line = st$top_line)
  for (g in c("summary", "print")) local({
    generic <- g
    orig <- getS3method(generic, "merMod", envir = ns)
    registerS3method(generic, "merMod", function(...) {
      if (st$active && st$depth == 0L) note_print(..1, generic)
      orig(...)
    }, envir = ns)
  })

  V$q <- V$quit <- function(...) stop(structure(class = c("pylme_quit", "condition"),
                                                list(message = "quit", call = NULL)))

  V$.pylme_run <- function(path, seconds = Inf) {
    st$file <- normalizePath(path)
    if (is.finite(seconds)) {
      st$deadline <- Sys.time() + seconds
      setTimeLimit(elapsed = seconds, transient = FALSE)
      on.exit(setTimeLimit(), add = TRUE)
    }
    timed_out <- function(e) {
      st$timed_out <- list(line = st$top_line, seconds = seconds)
      cat("pylme verify: the script ran past --timeout at line ", st$top_line,
          "; it is stopped there\n", sep = "", file = stderr())
      NA
    }
    exprs <- parse(st$file, keep.source = TRUE)
    srcrefs <- attr(exprs, "srcref")
    for (i in seq_along(exprs)) {
      st$top_line <- srcrefs[[i]][1L]
      ok <- withCallingHandlers(
        tryCatch({
          r <- withVisible(eval(exprs[[i]], globalenv()))
          if (r$visible) {
            # autoprinting a model at top level is a print of it (show() reaches lme4's
            # print.merMod directly, not through the print method noted above)
            if (methods::is(r$value, "merMod")) note_print(r$value, "print (autoprint)")
            if (isS4(r$value)) methods::show(r$value) else print(r$value)
          }
          TRUE
        }, pylme_quit = function(e) NA, pylme_timeout = timed_out,
        error = function(e) {
          if (past_deadline() || grepl("elapsed time limit", conditionMessage(e)))
            return(timed_out(e))
          call <- conditionCall(e)
          st$script_error <- list(message = conditionMessage(e), line = st$top_line,
                                  call = if (is.null(call)) "" else deparse1(call))
          cat("Error", if (!is.null(call)) paste0(" in ", deparse1(call)), ": ",
              conditionMessage(e), "\n", sep = "", file = stderr())
          FALSE
        }),
        warning = function(w) {
          cat("Warning message:\n", conditionMessage(w), "\n", sep = "", file = stderr())
          invokeRestart("muffleWarning")
        },
        message = function(m) {
          cat(conditionMessage(m), file = stderr())
          invokeRestart("muffleMessage")
        })
      if (!isTRUE(ok)) break
    }
    st$active <- FALSE
    invisible(NULL)
  }
})
