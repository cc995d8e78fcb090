# cbpp incidence and Pastes: labels built and parsed with regex helpers, negative
# indexing to drop columns/rows, cbind/rbind of named results, glmer + lmer
library(lme4)
data(cbpp)
cb <- cbpp
cb$label <- sprintf("herd%02d_p%s", as.integer(as.character(cb$herd)), cb$period)
print(head(cb$label))
cb$herd_id <- as.integer(sub("^herd([0-9]+)_p([0-9])$", "\\1", cb$label))
cb$per <- as.integer(gsub("[^[:digit:]]", "", sapply(strsplit(cb$label, "_"), `[`, 2)))
print(all(cb$per == as.integer(as.character(cb$period))))
print(grep("herd1[0-5]", unique(cb$label[cb$per == 1]), value = TRUE))
print(sum(grepl("^herd0", cb$label)))
cb_small <- cb[, -which(names(cb) %in% c("label", "herd_id", "per"))]
print(names(cb_small))
print(dim(cb_small[-(1:4), ]))

g1 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd),
            data = cb_small, family = binomial)
print(round(fixef(g1), 5))
est <- cbind(est = fixef(g1), se = sqrt(diag(as.matrix(vcov(g1)))))
est <- cbind(est, z = est[, "est"] / est[, "se"])
print(round(est, 4))

data(Pastes)
p <- Pastes
p$cask_id <- toupper(substr(as.character(p$cask), 1, 1))
p$sample2 <- paste0(p$batch, ":", p$cask_id)
print(identical(nlevels(factor(p$sample2)), nlevels(p$sample)))
m_p <- lmer(strength ~ 1 + (1 | batch) + (1 | sample), data = p)
m_b <- lmer(strength ~ 1 + (1 | batch), data = p)
vc_p <- as.data.frame(VarCorr(m_p))
vc_b <- as.data.frame(VarCorr(m_b))
vc <- rbind(full = c(vc_p$vcov[vc_p$grp == "batch"], sigma(m_p)^2),
            batch_only = c(vc_b$vcov[vc_b$grp == "batch"], sigma(m_b)^2))
print(round(vc, 4))
print(round(c(REML = REMLcrit(m_p), AIC = AIC(m_p)), 3))
