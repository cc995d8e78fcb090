out <- d %>% group_by(h) %>% slice_max(y, n = 2) %>% ungroup()
