out <- d %>% slice(3:6)
