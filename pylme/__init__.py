"""pylme: linear mixed models that reproduce R's lme4::lmer.

>>> import pylme
>>> fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
>>> print(fit.summary())   # the text lme4 prints for summary(fm)
"""

from . import datasets, errors
from .control import ConvCheck, LmerControl
from .fit import DevFun, devfun, lmer
from .results.model import LmerFit, LogLik

__version__ = "0.1.0"

__all__ = [
    "lmer", "devfun", "DevFun", "LmerControl", "ConvCheck", "LmerFit", "LogLik",
    "datasets", "errors", "__version__",
]
