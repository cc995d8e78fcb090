w <- read.csv("wide_input.csv")
long <- w %>% pivot_longer(cols = starts_with("age"), names_to = "age", values_to = "dist", names_prefix = "age")
out <- long %>% pivot_wider(names_from = age, values_from = dist, names_prefix = "a")
