out <- d %>% mutate(code = paste(h, id, sep = "_")) %>% separate(code, into = c("hh", "num"), sep = "_") %>% drop_na(x, g)
