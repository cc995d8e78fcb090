# A script whose third statement cannot be translated
x <- c(1, 2, 3)
total <- sum(x)
y <- eval(parse(text = "x * 2"))
print(total)
z <- total + 1
