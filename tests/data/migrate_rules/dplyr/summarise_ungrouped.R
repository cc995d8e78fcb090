out <- d %>% summarise(m = mean(y), s = sd(x, na.rm = TRUE), n = n())
