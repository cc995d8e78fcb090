# sleepstudy: subject covariates merged in, models built from pasted formulas,
# per-subject summaries stacked with do.call(rbind, lapply(...)), predictions written out
library(lme4)
data(sleepstudy)
ss <- within(sleepstudy, {
  week <- ifelse(Days < 5, 1, 2)
  Days2 <- Days^2
})
ss <- transform(ss, logRT = log(Reaction), Days_c = Days - mean(Days))
subj <- data.frame(Subject = levels(ss$Subject),
                   group = rep(c("A", "B"), length.out = nlevels(ss$Subject)))
subj <- subj[-c(1, 2), ]
ss <- merge(ss, subj, by = "Subject", all.x = TRUE)
print(table(is.na(ss$group)))
ss$group[is.na(ss$group)] <- "C"
ss$group <- factor(ss$group)

per_subject <- do.call(rbind, lapply(split(ss, ss$Subject), function(d) {
  data.frame(Subject = d$Subject[1], mean_rt = mean(d$Reaction),
             slope = coef(lm(Reaction ~ Days, data = d))[2])
}))
print(head(per_subject[order(per_subject$slope), ], 4), digits = 6)

covars <- c("Days_c", "group")
f1 <- as.formula(paste("logRT ~", paste(covars, collapse = " + "), "+ (Days_c | Subject)"))
m1 <- lmer(f1, data = ss)
m0 <- update(m1, . ~ . - group)
print(anova(m0, m1))
print(format(round(fixef(m1), 5), nsmall = 5))

newd <- data.frame(Days_c = c(-4.5, 0, 4.5), group = factor(c("A", "B", "C")))
pred <- predict(m1, newdata = newd, re.form = NA)
print(round(pred, 5))
out <- data.frame(newd, pred = round(pred, 6))
write.csv(out, file.path(tempdir(), "s7_predictions.csv"), row.names = FALSE)
back <- read.csv(file.path(tempdir(), "s7_predictions.csv"))
print(back)
