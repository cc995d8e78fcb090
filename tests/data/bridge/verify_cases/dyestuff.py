# a faithful translation of dyestuff.R
import pylme

fm = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff"), REML=False,
                data_name="Dyestuff")
print(fm.summary())
