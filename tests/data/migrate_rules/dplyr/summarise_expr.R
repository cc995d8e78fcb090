out <- d %>% group_by(h) %>% summarise(ratio = max(y) / min(y), nd = n_distinct(g))
