out <- bind_rows(d %>% filter(y < 5), d %>% filter(y > 33))
