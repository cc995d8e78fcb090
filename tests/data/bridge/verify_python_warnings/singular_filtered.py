# singular.R translated, its warnings filtered out in Python: the fit still signalled them
import warnings

import pylme

warnings.simplefilter("ignore")
fm = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff2"),
                data_name="Dyestuff2")
print(fm.summary())
