out <- d %>% select(ident = id, x) %>% rename(xx = x)
