out <- d %>% group_by(g) %>% mutate(dev = y - mean(y), rk = row_number(), prev = lag(y)) %>% ungroup()
