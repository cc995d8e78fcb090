# Orthodontic growth -- data arrive in wide format (one column per age)
library(tidyr)
library(dplyr)
library(lme4)

wide <- read.csv("data/orthodont_wide.csv")
head(wide)

long <- wide %>%
  pivot_longer(cols = starts_with("age"), names_to = "age", values_to = "distance",
               names_prefix = "age") %>%
  mutate(age = as.numeric(age),
         Subject = factor(Subject),
         Sex = factor(Sex, levels = c("Male", "Female")))
long
long %>% count(Sex)

mod1 <- lmer(distance ~ age * Sex + (1 | Subject), data = long)
mod2 <- lmer(distance ~ age * Sex + (age | Subject), data = long)
summary(mod1)
anova(mod1, mod2)

# back to wide: per-subject predicted distance at each age
preds <- long %>%
  mutate(pred = predict(mod1)) %>%
  select(Subject, Sex, age, pred) %>%
  pivot_wider(names_from = age, values_from = pred, names_prefix = "pred_")
head(as.data.frame(preds))
