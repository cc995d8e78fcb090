# R's print() and cat() of plain values: a migrated script must write the same text
x <- c(1.5, 2.25, 3)
x
mean(x)
print(1/3)
cat("mean of x:", mean(x), "\n")
cat("pi =", pi, "and a small number", 1e-20, "\n")
1:30
y <- x * 1000.5
print(y)
head(mtcars)
table(mtcars$cyl)
with(mtcars, table(cyl, gear))
f <- factor(c("lo", "hi", "lo", NA), levels = c("lo", "mid", "hi"))
f
levels(f)
d <- data.frame(id = 1:3, score = c(10.5, NA, 7.25), group = c("a", "b", NA))
d
summary_stats <- c(min = min(mtcars$mpg), max = max(mtcars$mpg))
summary_stats
tapply(mtcars$mpg, mtcars$cyl, mean)
nrow(mtcars)
cat("rows:", nrow(mtcars), "cols:", ncol(mtcars), "\n")
cat(TRUE, FALSE, "\n", sep = " ")
l <- list(a = 1, b = "two")
l
NULL
