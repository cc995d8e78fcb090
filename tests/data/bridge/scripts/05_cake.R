## Breakage angle of chocolate cakes (Cook 1938), lme4's cake data
## recipe x temperature split plot: replicates within recipe
library(lme4)
str(cake)

# temperature is an ordered factor (polynomial contrasts); temp is numeric
fm1 <- lmer(angle ~ recipe * temperature + (1|recipe:replicate), cake, REML= FALSE)
fm2 <- lmer(angle ~ recipe + temperature + (1|recipe:replicate), cake, REML= FALSE)
fm3 <- lmer(angle ~ recipe + temp        + (1|recipe:replicate), cake, REML= FALSE)
summary(fm1)
summary(fm3)
anova(fm3, fm2, fm1)

## and the usual REML fit for reporting, random replicate intercept
fm4 <- lmer(angle ~ recipe + temp + (1|replicate), cake)
summary(fm4)
fixef(fm4)

png(file.path(tempdir(), "cake_interaction.png"))
with(cake, interaction.plot(temperature, recipe, angle))
dev.off()
