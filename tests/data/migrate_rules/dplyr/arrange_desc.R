out <- d %>% arrange(desc(g), y) %>% select(-x)
