library(ggplot2)
d <- read.csv("dplyr_input.csv")
p <- ggplot(d, aes(x = id, y = y, colour = h)) +
  geom_point(size = 2) +
  geom_line(aes(group = h), alpha = 0.5) +
  geom_smooth(aes(group = 1), method = "lm", formula = y ~ x, se = FALSE, colour = "black") +
  facet_wrap(~ h) +
  scale_colour_manual(values = c(x = "red", y = "blue")) +
  labs(x = "Index", y = "Value", title = "ggplot") +
  theme_bw() + theme(legend.position = "none")
ggsave("gg.png", p, width = 6, height = 4, dpi = 50)
q <- ggplot(d, aes(factor(h), log(y)))
print(q + geom_boxplot())
