out <- d %>% distinct(h, g)
