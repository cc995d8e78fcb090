"""``print(ranef(fit))`` -- lme4's ``print.ranef.mer``."""

from __future__ import annotations

from typing import Sequence

from .inputs import RanefGroup
from .rprint import PRINT_WIDTH, cat, dquote, list_tag, print_data_frame

__all__ = ["ranef_text"]


def ranef_text(groups: Sequence[RanefGroup], width: int = PRINT_WIDTH) -> str:
    """``print(unclass(x))`` -- each data frame under its ``$name`` tag and
    followed by a blank line -- then ``with conditional variances for
    “g1” “g2” `` when conditional variances are attached."""
    text = ""
    for index, g in enumerate(groups, start=1):
        text += list_tag(g.group, index) + "\n"
        text += print_data_frame(g.columns, g.levels, [g.values[:, j] for j in range(len(g.columns))],
                                 width=width)
        text += "\n"
    with_pv = [dquote(g.group) for g in groups if g.has_condvar]
    if with_pv:
        # paste(dQuote(names), sep = ", ") does not collapse: cat separates by blanks
        text += cat("with conditional variances for", with_pv, "\n")
    return text
