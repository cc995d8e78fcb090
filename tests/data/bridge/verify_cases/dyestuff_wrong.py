# a "translation" of dyestuff.R that fits another model (REML instead of ML): verify must fail
import pylme

fm = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff"), data_name="Dyestuff")
print(fm.summary())
