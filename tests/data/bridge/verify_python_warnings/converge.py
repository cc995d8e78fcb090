# a faithful translation of converge.R
import pylme

sleepstudy = pylme.datasets.load("sleepstudy")
m1 = pylme.lmer("Reaction ~ Days + (Days + I(Days^2) | Subject)", sleepstudy,
                data_name="sleepstudy")
Contraception = pylme.datasets.load("Contraception")
m2 = pylme.glmer("use ~ age + I(age^2) + urban + livch + (1 | district)", Contraception,
                 family="binomial", data_name="Contraception")
