"""R number formatting and lme4 1.1-31 print layouts, as pure functions.

* :mod:`.rformat`  -- R primitives: ``format()``/formatReal, ``round``,
  ``signif``, ``zapsmall``, ``quantile(type = 7)``, NA handling.
* :mod:`.rprint`   -- ``print.default`` of named vectors and character
  matrices, ``cat(fill = TRUE)``, ``print.data.frame``.
* :mod:`.abbreviate`, :mod:`.coefmat` -- ``abbreviate``, ``printCoefmat``,
  ``format.pval``, significance stars.
* :mod:`.inputs`   -- the frozen dataclasses a fit fills.
* :mod:`.layout`, :mod:`.varcorr_text`, :mod:`.ranef_text`,
  :mod:`.anova_text` -- ``print(summary(fit))``, ``print(fit)``,
  ``print(VarCorr(fit))``, ``print(ranef(fit))``, ``print(anova(...))``.

Nothing here depends on the model-fitting code.
"""

from .anova_text import anova_heading, anova_text
from .inputs import (AnovaTable, CallInfo, Criteria, FixedEffectsTable, MerModInputs,
                     OptimizerInfo, PrintedText, RanefGroup, VarCorrInputs, VarCorrTerm,
                     cov2cor, fixef_correlation)
from .layout import print_text, summary_text
from .ranef_text import ranef_text
from .varcorr_text import format_vc, varcorr_text

__all__ = [
    "AnovaTable", "CallInfo", "Criteria", "FixedEffectsTable", "MerModInputs",
    "OptimizerInfo", "PrintedText", "RanefGroup", "VarCorrInputs", "VarCorrTerm",
    "fixef_correlation", "cov2cor", "summary_text", "print_text", "varcorr_text", "format_vc",
    "ranef_text", "anova_text", "anova_heading",
]
