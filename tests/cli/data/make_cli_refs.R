# Writes the CSVs and R's summary() texts the CLI tests compare with.
# R 4.2.2, lme4 1.1-31: Rscript make_cli_refs.R (from this folder)
suppressMessages(library(lme4))
write.csv(lme4::sleepstudy, "sleepstudy.csv", row.names = FALSE)
cb <- lme4::cbpp; cb$period <- paste0("p", cb$period)
write.csv(cb, "cbpp.csv", row.names = FALSE)
sleepstudy <- read.csv("sleepstudy.csv")
cbpp <- read.csv("cbpp.csv")
save_text <- function(x, file) writeLines(capture.output(print(x)), file)
save_text(summary(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)), "sleepstudy_reml.txt")
save_text(summary(lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE)), "sleepstudy_ml.txt")
save_text(summary(glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, family = binomial)),
          "cbpp_binomial.txt")
