# singular.R "translated" with the singular-fit check switched off: same numbers, no message
import pylme

fm = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff2"),
                control=pylme.LmerControl(check_conv_singular="ignore"),
                data_name="Dyestuff2")
print(fm.summary())
