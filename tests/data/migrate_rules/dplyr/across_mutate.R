out <- d %>% mutate(across(c(x, y), ~ .x * 10))
