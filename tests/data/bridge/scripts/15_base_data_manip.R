#### London schools exam scores: pupil file + school file
#### base R data handling before the model

pupils  <- read.csv("data/exam_pupils.csv")
schools <- read.csv("data/exam_schools.csv")
nrow(pupils); nrow(schools)

exam <- merge(pupils, schools, by = "school", all.x = TRUE)
exam$school <- factor(exam$school)
exam$sex <- factor(exam$sex, levels = c("M", "F"))
exam$vr <- factor(exam$vr, levels = c("bottom 25%", "mid 50%", "top 25%"))
exam$vr <- relevel(exam$vr, ref = "mid 50%")
exam$schgend <- factor(exam$schgend)
exam$type <- NULL                # redundant with schgend

table(exam$schgend)
table(exam$sex, exam$schgend)
tapply(exam$normexam, exam$schgend, mean)

# school means and size via aggregate, merged back
sch_means <- aggregate(cbind(normexam, standLRT) ~ school, data = exam, FUN = mean)
names(sch_means)[2:3] <- c("mean_exam", "mean_lrt")
sch_n <- aggregate(student ~ school, data = exam, FUN = length)
names(sch_n)[2] <- "n_pupils"
exam <- merge(exam, merge(sch_means, sch_n), by = "school")
exam$lrt_within <- exam$standLRT - exam$mean_lrt
summary(exam$n_pupils)

library(lme4)
m0 <- lmer(normexam ~ 1 + (1 | school), data = exam)
m1 <- lmer(normexam ~ lrt_within + mean_lrt + sex + vr + schgend + (lrt_within | school),
           data = exam)
summary(m1)
anova(m0, m1)

# schools with the largest random intercepts
re <- ranef(m1)$school
head(re[order(-re[, "(Intercept)"]), ], 5)
