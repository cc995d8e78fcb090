# pylme migrate end to end: every value printed here must print the same in Python
tt <- t.test(extra ~ group, data = sleep)
tt
x <- sleep$extra[1:10]
y <- sleep$extra[11:20]
t.test(y, x, paired = TRUE, conf.level = 0.9)
t.test(len ~ supp, data = ToothGrowth, var.equal = TRUE, alternative = "less")
chisq.test(matrix(c(12, 5, 7, 9), nrow = 2), correct = FALSE)
chisq.test(matrix(c(12, 5, 7, 9, 3, 8), nrow = 2, byrow = TRUE))
chisq.test(mtcars$am, mtcars$vs)
chisq.test(c(20, 30, 50), p = c(0.25, 0.25, 0.5))
cor.test(mtcars$mpg, mtcars$wt)
cor.test(~ Sepal.Length + Petal.Length, data = iris, method = "spearman", exact = FALSE)
summary(iris)
summary(airquality)
summary(mtcars$mpg)
summary(iris$Species)
z <- c(1.5, 2, 10)
summary(z)
