keys <- read.csv("keys_input.csv")
out <- d %>% left_join(keys, by = "g")
