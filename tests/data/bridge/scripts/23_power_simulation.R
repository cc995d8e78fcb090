# Simulation-based power analysis for a days effect (small nsim for speed)
library(lme4)

set.seed(2023)
n_subj <- 12; n_days <- 6
sim_design <- expand.grid(day = 0:(n_days - 1), subj = factor(1:n_subj))

simulate_study <- function(slope, sd_subj = 20, sd_res = 15) {
  subj_int <- rnorm(n_subj, 0, sd_subj)
  y <- 250 + slope * sim_design$day + subj_int[as.integer(sim_design$subj)] +
    rnorm(nrow(sim_design), 0, sd_res)
  data.frame(sim_design, y = y)
}

# one simulated data set, analysed
d1 <- simulate_study(slope = 5)
fit <- lmer(y ~ day + (1 | subj), data = d1)
summary(fit)

# power by simulation: LRT of day in each simulated study
nsim <- 20
pvals <- numeric(nsim)
for (i in seq_len(nsim)) {
  d <- simulate_study(slope = 3)
  m_alt <- lmer(y ~ day + (1 | subj), data = d, REML = FALSE)
  m_nul <- lmer(y ~ 1 + (1 | subj), data = d, REML = FALSE)
  lrt <- anova(m_nul, m_alt)
  pvals[i] <- lrt[["Pr(>Chisq)"]][2]
}
pvals
cat("estimated power:", mean(pvals < 0.05), "\n")

# simulate() from the fitted model, with and without a seed argument
sims <- simulate(fit, nsim = 3, seed = 99)
colMeans(sims)
set.seed(7)
ysim <- simulate(fit)[[1]]
fit_sim <- refit(fit, newresp = ysim)
fixef(fit_sim)
summary(sample(1:100, 10))
runif(3)
