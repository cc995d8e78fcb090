"""The sleepstudy frame with the factors the contrasts tests use (the same columns the R
scripts under tests/data/contrasts_args build)."""

from __future__ import annotations

import pandas as pd

import pylme

SS = pylme.datasets.load("sleepstudy")
_days = SS["Days"].astype(int)
D = SS.assign(
    f=pd.Categorical((_days % 3).astype(str)),
    g=pd.Categorical((_days % 5).astype(str)),
    b=SS["Days"] > 4,
    ch=(_days % 3).astype(str).astype(object),
    o=pd.Categorical((_days % 4).astype(str), categories=["0", "1", "2", "3"], ordered=True),
    one=pd.Categorical(["a"] * len(SS)),
)
