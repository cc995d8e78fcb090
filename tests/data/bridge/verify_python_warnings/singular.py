# a faithful translation of singular.R
import pylme

fm = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff2"),
                data_name="Dyestuff2")
print(fm.summary())
