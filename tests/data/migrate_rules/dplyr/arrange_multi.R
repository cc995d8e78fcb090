out <- d %>% arrange(h, desc(x))
