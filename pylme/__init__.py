"""pylme: linear and generalized linear mixed models that reproduce R's lme4 (lmer, glmer).

>>> import pylme
>>> fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
>>> print(fit.summary())   # the text lme4 prints for summary(fm)
>>> gm = pylme.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)",
...                  pylme.datasets.load("cbpp"), family="binomial")
"""

from . import datasets, errors, families, rrandom
from .control import ConvCheck, LmerControl
from .fit import DevFun, devfun, lmer
from .glmm.control import GlmerControl
from .glmm.fit import glmer
from .results.glmer_model import GlmerFit
from .inference.bootstrap import BootResult, bootMer
from .inference.anova import anova
from .results.model import LmerFit, LogLik
from .results.singular import isSingular
from .design.model_matrix_public import model_matrix
from .options import options
from .inference.lmlist import lmList

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``pylme.plots`` on first access: importing pylme must not import matplotlib."""
    if name == "plots":
        import importlib

        return importlib.import_module(".plots", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "lmer", "devfun", "anova", "DevFun", "LmerControl", "ConvCheck", "LmerFit", "LogLik",
    "bootMer", "BootResult", "datasets", "errors", "__version__", "isSingular",
    "glmer", "GlmerControl", "GlmerFit", "families",
    "model_matrix", "options", "lmList",
]
