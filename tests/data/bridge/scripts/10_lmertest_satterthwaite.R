# Ham tasting experiment -- consumers rate 4 products with/without information
# lmerTest gives Satterthwaite df and p-values; type III anova
library(lmerTest)

data("ham", package = "lmerTest")
str(ham)

m <- lmer(Informed.liking ~ Product * Information + (1 | Consumer) +
            (1 | Product:Consumer), data = ham)
summary(m)                       # Satterthwaite t-tests
anova(m)                         # type III, Satterthwaite
anova(m, type = 2)
anova(m, ddf = "Kenward-Roger")  # needs pbkrtest

# random-effects LRT for the product-by-consumer term (REML fits, no refit)
m_noint <- update(m, . ~ . - (1 | Product:Consumer))
anova(m_noint, m, refit = FALSE)

# smaller model with gender, ML comparison
m2 <- lmer(Informed.liking ~ Product + Information + Gender + (1 | Consumer),
           data = ham, REML = FALSE)
summary(m2)
m3 <- update(m2, . ~ . - Gender)
anova(m3, m2)
