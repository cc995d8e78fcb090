out <- d %>% filter(g == "a" | y >= 30)
