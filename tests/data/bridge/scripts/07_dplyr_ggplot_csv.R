# Reaction times analysis -- read CSV, tidy with dplyr, plot with ggplot2, fit lmer
library(dplyr)
library(ggplot2)
library(lme4)

dat <- read.csv("data/sleepstudy.csv")
glimpse(dat)

dat <- dat %>%
  mutate(Subject = factor(Subject),
         phase = ifelse(Days < 2, "adaptation", "deprivation"),
         rt_s = Reaction / 1000) %>%
  filter(Days >= 2) %>%
  mutate(Days_dep = Days - 2)

subj_means <- dat %>%
  group_by(Subject) %>%
  summarise(mean_rt = mean(Reaction), sd_rt = sd(Reaction), n = n()) %>%
  arrange(desc(mean_rt))
print(subj_means, n = 5)

by_day <- dat %>% group_by(Days_dep) %>% summarise(rt = mean(Reaction))
by_day

p <- ggplot(dat, aes(x = Days_dep, y = Reaction, group = Subject)) +
  geom_line(alpha = 0.4) +
  geom_point(size = 1) +
  geom_smooth(aes(group = 1), method = "lm", formula = y ~ x, se = FALSE, colour = "red") +
  facet_wrap(~ Subject) +
  labs(x = "Days of sleep deprivation", y = "Reaction time (ms)") +
  theme_bw()
ggsave(file.path(tempdir(), "sleep_facets.png"), p, width = 8, height = 6, dpi = 72)

mod <- lmer(Reaction ~ Days_dep + (Days_dep | Subject), data = dat)
summary(mod)

# predicted lines per subject, added to the data
dat$fitted <- fitted(mod)
p2 <- ggplot(dat, aes(Days_dep, Reaction)) +
  geom_point() +
  geom_line(aes(y = fitted), colour = "blue") +
  facet_wrap(~ Subject)
ggsave(file.path(tempdir(), "sleep_fitted.pdf"), p2)
