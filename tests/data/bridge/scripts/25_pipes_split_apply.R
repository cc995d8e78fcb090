# pipes everywhere: magrittr %>% (and %$%), the native |> pipe,
# lmer called inside a pipe with data = ., split-apply over groups
library(magrittr)
library(dplyr)
library(lme4)

data(Orthodont, package = "nlme")
ortho <- Orthodont %>%
  as.data.frame() %>%
  mutate(Subject = factor(as.character(Subject)),
         Sex = relevel(factor(as.character(Sex)), ref = "Female"),
         age_c = age - 8)

fit <- ortho %>%
  filter(age >= 8) %>%
  lmer(distance ~ age_c + Sex + (1 | Subject), data = .)
fit %>% summary()
fit %>% fixef() %>% round(2)

ortho %$% cor(age, distance)

# one model per sex with split + lapply, pulled together with sapply
by_sex <- split(ortho, ortho$Sex)
fits <- lapply(by_sex, function(d) lmer(distance ~ age_c + (age_c | Subject), data = d))
sapply(fits, fixef)
sapply(fits, function(m) as.data.frame(VarCorr(m))$sdcor)

# grouped summaries of BLUP-based subject slopes
slopes <- coef(fits$Male)$Subject %>%
  tibble::rownames_to_column("Subject") %>%
  rename(intercept = `(Intercept)`, slope = age_c) %>%
  arrange(slope)
head(slopes)

ortho |> subset(Sex == "Male") |> nrow()
