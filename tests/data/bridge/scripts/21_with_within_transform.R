# data prep with with/within/transform/subset/ifelse/cut/scale, then lmer
library(lme4)
data("Exam", package = "mlmRev")

exam <- within(Exam, {
  lrt_z <- as.numeric(scale(standLRT))
  high_intake <- ifelse(intake == "top 25%", 1, 0)
  lrt_band <- cut(standLRT, breaks = c(-Inf, -1, 1, Inf), labels = c("low", "mid", "high"))
})
exam <- transform(exam, girls_school = schgend == "girls", exam100 = normexam * 100)
exam <- subset(exam, !is.na(normexam), select = c(school, normexam, exam100, lrt_z,
                                                  lrt_band, high_intake, sex, girls_school))
with(exam, table(lrt_band, sex))
with(exam, tapply(normexam, lrt_band, mean))

fit <- lmer(normexam ~ lrt_z + sex + lrt_band + girls_school + (1 | school), data = exam)
summary(fit)

fit_c <- lmer(exam100 ~ lrt_z + (lrt_z | school), data = exam)
print(summary(fit_c)$coefficients)
with(exam, cor(fitted(fit_c), exam100))
