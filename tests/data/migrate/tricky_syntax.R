# Syntax that trips parsers: every construct here must parse the same in R and tree-sitter
x = 5; y <- 2 -> z
`odd name` <- c(a = 1, `b c` = 2)
f <- function(a, b = a * 2, ...) {
  if (a > b) {
    return(a)
  } else if (a == b) a + b else
    b
}
g <- \(v) v^2
h <- function(x) -x
s <- 'single "quoted"'; t2 <- "esc\"aped\n"
n <- c(1e-3, 0x10, 1L, .5, 5., Inf, -Inf, NA_real_, NA_character_, TRUE, FALSE, NULL)
w <- x %% 3 + x %/% 2 - -x^-2
fo <- y ~ x + (1 | g) + (0 + x || h)
lst <- list(a = 1, b = list(c = 2))
lst[["b"]][["c"]] <- lst$b$c + 1
m <- matrix(1:6, 2)[, 2, drop = FALSE]
for (i in seq_along(n)) if (is.na(n[i])) next else break
while (FALSE) {}
repeat {
  break
}
k <- sapply(1:3, function(i) {
  i + 1  # trailing comment inside a call
})
lme4::lmer
stats:::print.lm
res <- if (x > 1) "big" else "small"
print(f(1, 2)); print(g(3))
