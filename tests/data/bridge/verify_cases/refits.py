# a faithful translation of refits.R
import pylme

sleepstudy = pylme.datasets.load("sleepstudy")
fm = pylme.lmer("Reaction ~ Days + (Days | Subject)", sleepstudy, REML=False,
                data_name="sleepstudy")
fm2 = fm.refit(sleepstudy["Reaction"] * 1.5 + sleepstudy["Days"])
b = fm.bootMer(lambda f: f.fixef(), nsim=2, progress=False)
cbpp = pylme.datasets.load("cbpp")
gm = pylme.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp,
                 family="binomial", data_name="cbpp")
gm2 = gm.refit()
