"""pylme: linear and generalized linear mixed models that reproduce R's lme4 (lmer, glmer).

>>> import pylme
>>> fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
>>> print(fit.summary())   # the text lme4 prints for summary(fm)
>>> gm = pylme.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)",
...                  pylme.datasets.load("cbpp"), family="binomial")

The public names are imported on first access (PEP 562 ``__getattr__``): ``import pylme``
loads neither pandas, scipy, numba nor matplotlib, a plain ``lmer`` fit never loads
scipy.stats, matplotlib, statsmodels or the migration tools, and ``pylme.rrandom``,
``pylme.migrate``, ``pylme.plots`` ... are still attributes of the package.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

from . import errors
# Eager on purpose: the submodule ``pylme.options`` shares its name with the function; were
# it loaded later (by the contrasts code), the import system would rebind ``pylme.options``
# to the module.  Both modules are light (no third-party imports).
from .options import options

__version__ = "0.1.0"

#: public name -> the module defining it (imported on first access)
_EXPORTS = {
    "lmer": ".fit", "devfun": ".fit", "DevFun": ".fit",
    "LmerControl": ".control", "ConvCheck": ".control",
    "GlmerControl": ".glmm.control", "glmer": ".glmm.fit",
    "GlmerFit": ".results.glmer_model",
    "BootResult": ".inference.bootstrap", "bootMer": ".inference.bootstrap",
    "anova": ".inference.anova",
    "LmerFit": ".results.model", "LogLik": ".results.model",
    "isSingular": ".results.singular",
    "model_matrix": ".design.model_matrix_public",
    "lmList": ".inference.lmlist",
}

if TYPE_CHECKING:  # static analysers see the names the lazy ``__getattr__`` gives
    from . import datasets, families, migrate, plots, rrandom
    from .control import ConvCheck, LmerControl
    from .design.model_matrix_public import model_matrix
    from .fit import DevFun, devfun, lmer
    from .glmm.control import GlmerControl
    from .glmm.fit import glmer
    from .inference.anova import anova
    from .inference.bootstrap import BootResult, bootMer
    from .inference.lmlist import lmList
    from .results.glmer_model import GlmerFit
    from .results.model import LmerFit, LogLik
    from .results.singular import isSingular


def __getattr__(name: str) -> object:
    """A public name or a submodule, imported on first access (PEP 562).

    Importing pylme must not import numba, matplotlib, statsmodels or tree-sitter: each
    loads with the part of pylme that needs it.  Any submodule (``pylme.rrandom``,
    ``pylme.migrate``, ``pylme.plots``, ...) is an attribute.
    """
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    if name.isidentifier() and not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
        return importlib.import_module(f".{name}", __name__)  # the import binds it here
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The loaded names, the public names and every submodule (``dir(pylme)``)."""
    import pkgutil

    submodules = {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")}
    return sorted(set(globals()) | set(_EXPORTS) | submodules)


__all__ = [
    "lmer", "devfun", "anova", "DevFun", "LmerControl", "ConvCheck", "LmerFit", "LogLik",
    "bootMer", "BootResult", "datasets", "errors", "__version__", "isSingular",
    "glmer", "GlmerControl", "GlmerFit", "families",
    "model_matrix", "options", "lmList",
]
