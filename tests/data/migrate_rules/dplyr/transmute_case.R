out <- d %>% transmute(id, cls = case_when(y < 10 ~ "lo", y < 25 ~ "mid", TRUE ~ "hi"))
