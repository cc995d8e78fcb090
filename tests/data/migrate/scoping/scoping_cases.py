"""R snippets on function scoping (a function changing a variable it did not create):
each ends with ``result``, whose R value freeze_scoping.py stores in r_values.json and
tests/migrate/test_function_scoping.py compares with the translation's."""

CASES = {
    # the function changes the global d: R works on a local copy, the global keeps 3 columns
    "global_frame_changed_in_function": """
library(lme4)
d <- sleepstudy
fit_centered <- function(v) {
  d$xc <- d[[v]] - mean(d[[v]])
  lmer(Reaction ~ xc + (1 | Subject), data = d)
}
m <- fit_centered("Days")
result <- c(fixef(m), ncol(d), sum(names(d) == "xc"))
""",
    # an argument changed in place: the caller's frame is unchanged
    "argument_changed_in_function": """
d <- data.frame(a = 1:4, f = factor(c("x", "y", "x", "y")))
f <- function(x) { x$b <- x$a * 2; levels(x$f) <- c("p", "q"); x }
r <- f(d)
result <- c(ncol(d), sum(r$b), levels(d$f), levels(r$f))
""",
    # <<- changes the global variable (R's superassignment), d$z <<- too
    "superassignment_changes_global": """
d <- data.frame(a = 1:3)
counter <- 0
bump <- function() { counter <<- counter + 1; counter }
mark <- function(v) { d$z <<- v; sum(d$z) }
for (i in 1:3) bump()
s <- mark(5)
result <- c(counter, s, ncol(d), sum(d$z))
""",
    # lexical scoping: inner() copies outer()'s local d, outer() copies the global one
    "nested_function_copies": """
d <- data.frame(k = c(10, 20))
outer <- function() {
  d$k <- d$k + 1
  inner <- function() { d$k <- d$k * 2; d$k[1] }
  a <- inner()
  c(a, d$k[1])
}
o <- outer()
result <- c(o, d$k)
""",
    # the loop calls the function twice: both calls see the unchanged global
    "loop_calls_function_twice": """
d <- data.frame(x = c(1, 2, 3), y = c(2, 4, 7))
scale_x <- function(k) {
  d$x <- d$x * k
  d[2, "y"] <- 0
  sum(d$x) + sum(d$y)
}
res <- numeric(2)
for (i in 1:2) res[i] <- scale_x(10)
result <- c(res, d$x, d$y)
""",
    # x <- x + 1 in a function: R reads the global x, then makes a local one
    "read_then_rebind_global": """
x <- 5
d <- data.frame(a = c(3, 1, 2))
g <- function() { x <- x + 1; d <- d[order(d$a), , drop = FALSE]; d$b <- x; c(x, d$a, d$b) }
r <- g()
result <- c(r, x, d$a, ncol(d))
""",
    # names(d) <- and a local frame the function creates itself (no copy of anything)
    "names_replaced_and_own_frame": """
d <- data.frame(a = 1:2, b = 3:4)
h <- function() {
  names(d) <- c("A", "B")
  own <- data.frame(u = 1)
  own$v <- 2
  c(names(d), names(own))
}
r <- h()
result <- c(r, names(d))
""",
    # x in subset() is a column: the function's own x is created after, no copy of any x
    "column_names_in_masks_are_not_variables": """
d <- data.frame(x = c(1, 2, 3))
h <- function() { s <- subset(d, x > 1); x <- nrow(s); s$x <- s$x * x; c(x, s$x) }
r <- h()
result <- c(r, d$x)
""",
    # replicate() inside a function that changed its copy of the global: each evaluation
    # changes a copy of the function's copy
    "replicate_inside_function": """
d <- data.frame(a = c(1, 2, 3))
f <- function() { d$a <- 0; v <- replicate(2, { d$a <- d$a + 1; sum(d$a) }); c(v, d$a) }
r <- f()
result <- c(r, d$a)
""",
    # <<- in a nested function changes the enclosing function's (copied) variable, not
    # the global one
    "superassignment_to_enclosing_copy": """
d <- data.frame(k = c(5, 6))
n <- 100
outer <- function() {
  d$k <- 0
  n <- 0
  bump <- function() { d$k <<- d$k + 1; n <<- n + 1 }
  bump(); bump()
  c(d$k, n)
}
r <- outer()
result <- c(r, d$k, n)
""",
}
