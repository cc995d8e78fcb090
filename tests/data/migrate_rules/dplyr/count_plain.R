out <- d %>% count(g)
