# ChickWeight growth curves: dplyr summaries, a random-slope model built from a pasted
# formula, population-level predictions on a grid, BLUPs merged back, results written
suppressPackageStartupMessages(library(dplyr))
library(lme4)
data(ChickWeight)
cw <- as.data.frame(ChickWeight)
cw$Chick <- factor(as.character(cw$Chick))
cw$Diet <- factor(cw$Diet)
cw <- cw[cw$Time <= 12, ]
cw$lw <- log(cw$weight)
n_obs <- nrow(cw)

by_diet <- cw %>%
  group_by(Diet) %>%
  summarise(n = n(), mean_w = mean(weight), sd_w = sd(weight)) %>%
  arrange(desc(mean_w))
print(as.data.frame(by_diet), digits = 5)

cw <- cw %>% mutate(time_c = Time - 6, share = 1 / n_obs)
stats_tab <- aggregate(lw ~ Diet + Time, data = cw, FUN = mean)
print(head(stats_tab[stats_tab$Time %in% c(0, 12), ], 8), digits = 4)

rhs <- c("time_c", "Diet", "time_c:Diet")
f <- as.formula(paste("lw ~", paste(rhs, collapse = " + "), "+ (time_c | Chick)"))
m <- lmer(f, data = cw, REML = TRUE)
print(round(fixef(m), 5))
m_ml <- update(m, REML = FALSE)
m_ml0 <- update(m_ml, . ~ . - time_c:Diet)
print(anova(m_ml0, m_ml))

grid <- expand.grid(time_c = c(-6, 0, 6), Diet = factor(1:4))
grid$pred <- predict(m, newdata = grid, re.form = NA)
print(round(tapply(grid$pred, list(grid$time_c, grid$Diet), function(v) v), 4))

blups <- ranef(m)$Chick
blups$Chick <- rownames(blups)
names(blups)[1:2] <- c("b0", "b1")
chicks <- unique(cw[, c("Chick", "Diet")])
chicks <- merge(chicks, blups, by = "Chick", all.x = TRUE)
print(head(chicks[order(-chicks$b1), c("Chick", "Diet", "b1")], 5), digits = 4)
out_file <- file.path(tempdir(), "s7_blups.csv")
write.csv(chicks, out_file, row.names = FALSE)
print(dim(read.csv(out_file)))
