out <- d %>% mutate(f = factor(h, levels = c("y", "x"))) %>% group_by(f) %>% summarise(m = mean(y))
