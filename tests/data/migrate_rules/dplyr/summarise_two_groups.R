out <- d %>% group_by(h, g) %>% summarise(tot = sum(y), n = n()) %>% mutate(share = tot / sum(tot))
