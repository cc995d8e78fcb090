keys <- read.csv("keys_input.csv")
out <- inner_join(d, keys, by = "g")
