# dyestuff.R's model, then a wait past the test's --timeout: the fit before it is compared
import time

import pylme

fm = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff"), REML=False,
                data_name="Dyestuff")
while True:
    time.sleep(0.1)
