out <- d %>% select(y, starts_with("h"), everything())
