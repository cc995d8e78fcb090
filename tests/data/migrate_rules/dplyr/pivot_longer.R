w <- read.csv("wide_input.csv")
out <- w %>% pivot_longer(cols = starts_with("age"), names_to = "age", values_to = "dist", names_prefix = "age") %>% mutate(age = as.numeric(age))
