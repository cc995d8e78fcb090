## Oxford boys' heights: lattice plots and a growth model
library(lattice)
library(lme4)

oxboys <- as.data.frame(nlme::Oxboys)
oxboys$Subject <- factor(as.character(oxboys$Subject))

trellis.device(png, file = file.path(tempdir(), "oxboys.png"), width = 800, height = 600)
print(xyplot(height ~ age | Subject, data = oxboys, type = c("p", "r"),
             layout = c(9, 3), as.table = TRUE))
dev.off()

m_lin  <- lmer(height ~ age + (age | Subject), data = oxboys)
m_quad <- lmer(height ~ age + I(age^2) + (age | Subject), data = oxboys)
summary(m_quad)
anova(m_lin, m_quad)

oxboys$fit <- fitted(m_quad)
pdf(file.path(tempdir(), "oxboys_fit.pdf"))
print(xyplot(height + fit ~ age, groups = Subject, data = oxboys, type = "l"))
print(dotplot(ranef(m_quad, condVar = TRUE)))
dev.off()
