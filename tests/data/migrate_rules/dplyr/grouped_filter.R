out <- d %>% group_by(h) %>% filter(y > median(y)) %>% ungroup()
