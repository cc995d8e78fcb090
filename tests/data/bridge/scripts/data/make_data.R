# Writes the fixture scripts' data files from data sets shipped with R packages.
# NOT a fixture script: run once (from tests/data/bridge/scripts/data/) to
# regenerate the committed files, with R 4.2.2, lme4 1.1-31, nlme 3.1-162,
# mlmRev 1.0-8.  pulp.csv is copied from /work/shared/data/pulp.csv
# (faraway 1.0.9's pulp; faraway is not installed here).
library(lme4)
library(nlme)
library(mlmRev)

# 07_dplyr_ggplot_csv.R: the sleep deprivation study as a plain CSV
write.csv(sleepstudy, "sleepstudy.csv", row.names = FALSE)

# 12_tidyr_pivot_longer.R: Orthodont in the wide layout people receive it in
ortho <- as.data.frame(Orthodont)
wide <- reshape(ortho[, c("Subject", "Sex", "age", "distance")],
                idvar = c("Subject", "Sex"), timevar = "age", direction = "wide")
names(wide) <- sub("distance.", "age", names(wide), fixed = TRUE)
wide$Subject <- as.character(wide$Subject)
write.csv(wide, "orthodont_wide.csv", row.names = FALSE)

# 16_read_rds_rdata.R: an .rds and an .RData file
oxboys <- as.data.frame(Oxboys)
oxboys$Subject <- factor(as.character(oxboys$Subject))
saveRDS(oxboys, "oxboys.rds")
penicillin <- Penicillin
pastes <- Pastes
save(penicillin, pastes, file = "lab_assays.RData")

# 17_read_table_tab.R: ergoStool as a tab-separated text file
ergo <- as.data.frame(ergoStool)
ergo$Subject <- as.integer(as.character(ergo$Subject))
write.table(ergo, "ergo_stool.txt", sep = "\t", row.names = FALSE, quote = FALSE)

# 15_base_data_manip.R: the Exam pupils and a separate school table (to merge)
ex <- as.data.frame(Exam)
pupils <- ex[, c("school", "student", "normexam", "standLRT", "sex", "vr", "intake")]
pupils$school <- as.integer(as.character(pupils$school))
schools <- unique(ex[, c("school", "type", "schavg", "schgend")])
schools$school <- as.integer(as.character(schools$school))
write.csv(pupils, "exam_pupils.csv", row.names = FALSE)
write.csv(schools, "exam_schools.csv", row.names = FALSE)
