"""``print(anova(...))`` -- ``stats:::print.anova`` for lme4's anova tables."""

from __future__ import annotations

import re
from typing import Optional, Sequence

from .coefmat import print_coefmat
from .inputs import AnovaTable
from .rprint import PRINT_WIDTH, cat

__all__ = ["anova_text", "anova_heading"]


def anova_heading(data: str, models: Sequence[tuple[str, str]],
                  subset: Optional[str] = None) -> tuple[str, ...]:
    """lme4's ``anovaLmer`` heading: ``Data:``, optional ``Subset:``,
    ``Models:``, then ``name: formula`` per model (in npar order).

    ``data`` and ``subset`` are lme4's ``abbrDeparse`` of the call argument
    (first deparse line, ``" ..."`` appended when longer)."""
    head = [f"Data: {data}"]
    if subset is not None:
        head.append(f"Subset: {subset}")
    head.append("Models:")
    head += [f"{name}: {formula}" for name, formula in models]
    return tuple(head)


def _column_roles(columns: Sequence[str]) -> tuple[bool, list[int], list[int]]:
    """print.anova's choice of p-value, test-statistic and zapped columns."""
    nc = len(columns)
    has_p = re.match(r"^(P|Pr)\(", columns[-1]) is not None
    zap = list(range(nc - 1 if has_p else nc))
    tst = [j for j, c in enumerate(columns) if c[1:7] == " value"]
    tst += [j for j, c in enumerate(columns) if c in ("F", "Cp", "Chisq")]
    zap = [j for j in zap if j not in tst]
    df_cols = [j for j, c in enumerate(columns) if c.endswith("Df")]
    zap = [j for j in zap if j not in df_cols]
    return has_p, tst, zap


def anova_text(table: AnovaTable, digits: int = 5, signif_stars: bool = True,
               width: int = PRINT_WIDTH) -> str:
    """``print(x)`` for an ``anova`` data frame (``stats:::print.anova``):
    the heading lines, then ``printCoefmat`` with ``na.print = ""``.

    ``digits`` defaults to ``max(getOption("digits") - 2, 3)`` = 5.
    """
    text = ""
    if table.heading:
        text += cat(list(table.heading), sep="\n")
    has_p, tst, zap = _column_roles(table.columns)
    text += print_coefmat(table.values, list(table.row_names), list(table.columns), digits=digits,
                          signif_stars_=signif_stars, has_pvalue=has_p, p_values=has_p,
                          cs_ind=[], zap_ind=zap, tst_ind=tst, na_print="", width=width)
    return text
