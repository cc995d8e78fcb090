out <- d %>% count(h, g, sort = TRUE)
