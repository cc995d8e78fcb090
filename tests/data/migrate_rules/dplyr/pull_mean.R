out <- data.frame(v = d %>% filter(h == "x") %>% pull(y))
