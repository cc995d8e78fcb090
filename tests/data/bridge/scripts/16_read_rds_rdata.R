# read saved R objects: .rds (Oxford boys) and .RData (penicillin + pastes)
library(lme4)

ox <- readRDS("data/oxboys.rds")
str(ox)
load("data/lab_assays.RData")    # creates `penicillin` and `pastes`
ls()

ox$age2 <- ox$age^2
m_ox <- lmer(height ~ age + age2 + (age | Subject), data = ox)
summary(m_ox)

m_pen <- lmer(diameter ~ (1 | plate) + (1 | sample), data = penicillin)
m_pas <- lmer(strength ~ (1 | batch) + (1 | sample), data = pastes)
print(VarCorr(m_pen))
print(VarCorr(m_pas))
sapply(list(penicillin = m_pen, pastes = m_pas), REMLcrit)
