out <- d %>% mutate(z = x * 2, w = z + y, big = if_else(y > 10, "big", "small")) %>% filter(y > 3, !is.na(x))
