## Tennessee STAR class size experiment (mlmRev::star)
## math scores of students nested in schools, repeated over grades
library(lme4)
library(mlmRev)

data(star)
str(star)
table(star$gr)
with(star, tapply(math, list(cltype, gr), mean, na.rm = TRUE))

# students crossed/nested in schools, one score per grade
fm_math <- lmer(math ~ gr + cltype + sx + eth + (1 | id) + (1 | sch), data = star)
summary(fm_math)

# reading score, class type by grade
fm_read <- lmer(read ~ gr * cltype + (1 | id) + (1 | sch), data = star)
print(fm_read, correlation = FALSE)
VarCorr(fm_read)
anova(fm_read)
