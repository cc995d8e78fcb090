"""lme4's exact optimizers: minqa's BOBYQA and lme4's own Nelder–Mead, in Python.

* :func:`bobyqa` — Powell's BOBYQA as minqa 1.2.5 runs it (``minqa::bobyqa``), the
  optimizer of ``lmerControl(optimizer = "bobyqa")`` and of glmer's first stage.
* :func:`nelder_mead` — lme4's bounded Nelder–Mead (``lme4::Nelder_Mead``).

Both reproduce their R counterparts evaluation for evaluation (same points, same counts)
on any objective that is itself bit-identical to R's.
"""

from .bobyqa import BOBYQA_MESSAGES, BobyqaResult, bobyqa
from .nelder_mead import NM_MESSAGES, NelderMeadResult, nelder_mead

__all__ = ["bobyqa", "BobyqaResult", "BOBYQA_MESSAGES", "nelder_mead", "NelderMeadResult",
           "NM_MESSAGES"]
