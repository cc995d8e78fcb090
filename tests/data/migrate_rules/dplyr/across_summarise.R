out <- d %>% group_by(h) %>% summarise(across(c(x, y), mean))
