w <- read.csv("wide_input.csv")
long <- gather(w, key = "when", value = "dist", age8, age10, age12)
out <- spread(long, when, dist)
