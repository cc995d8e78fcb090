out <- d %>% group_by(g) %>% summarise(m = mean(x), s = sd(x, na.rm = TRUE), mx = max(y), med = median(x, na.rm = TRUE), n = n())
