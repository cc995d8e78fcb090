# Orthodont growth: per-child OLS via sapply(split()), ave() centring, ifelse chains,
# apply over a matrix, lmer with random slopes, update() dropping a term, 3-model anova
library(lme4)
data("Orthodont", package = "nlme")
orth <- as.data.frame(Orthodont)
orth$Subject <- factor(as.character(orth$Subject))
orth$Sex <- factor(as.character(orth$Sex), levels = c("Male", "Female"))

# within-subject centring with ave()
orth$dist_mean <- ave(orth$distance, orth$Subject)
orth$dist_dev <- orth$distance - orth$dist_mean
orth$age_c <- orth$age - 11
orth$stage <- ifelse(orth$age < 10, "early", ifelse(orth$age < 13, "middle", "late"))
print(table(orth$stage))

# per-subject slopes: sapply over split data frames
slopes <- sapply(split(orth, orth$Subject), function(d) coef(lm(distance ~ age_c, data = d)))
print(dim(slopes))
print(round(rowMeans(slopes), 4))
wide <- t(slopes)
print(round(apply(wide, 2, sd), 4))
print(head(round(wide[order(-wide[, 2]), ], 3), 3))

m_full <- lmer(distance ~ age_c * Sex + (age_c | Subject), data = orth, REML = FALSE)
m_add <- update(m_full, . ~ . - age_c:Sex)
m_int <- lmer(distance ~ age_c + (1 | Subject), data = orth, REML = FALSE)
print(anova(m_int, m_add, m_full))
print(round(fixef(m_full), 5))
vc <- as.data.frame(VarCorr(m_full))
print(vc[, c("grp", "var1", "var2", "vcov")], digits = 5)
re <- ranef(m_full)$Subject
print(round(head(re[order(rownames(re)), ], 4), 4))
