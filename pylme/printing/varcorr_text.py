"""lme4 1.1-31's random-effects table: ``formatVC`` and ``print.VarCorr.merMod``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .inputs import VarCorrInputs
from .rformat import format_real, r_round
from .rprint import PRINT_WIDTH, print_character_matrix

__all__ = ["VarCorrTable", "format_vc", "varcorr_text", "COMPONENTS"]

#: The columns ``comp`` may select, in the order formatVC shows them.
COMPONENTS = ("Variance", "Std.Dev.")


@dataclass(frozen=True)
class VarCorrTable:
    """The character matrix ``formatVC`` returns (row names are all empty).

    Attributes
    ----------
    columns : tuple of str
        ``Groups``, ``Name``, the chosen components, then ``Corr`` and
        unnamed (``""``) correlation columns when a term has > 1 component.
    rows : tuple of tuple of str
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _match_components(comp: Sequence[str]) -> list[str]:
    """``pmatch(comp, c("Variance", "Std.Dev."))`` in the order given."""
    chosen = []
    for c in comp:
        hits = [a for a in COMPONENTS if a.startswith(c)]
        exact = [a for a in COMPONENTS if a == c]
        if not (exact or len(hits) == 1):
            raise ValueError(f"Illegal 'comp': {c}")
        chosen.append((exact or hits)[0])
    if not chosen:
        raise ValueError("Must *either* show variances or standard deviations")
    return chosen


def _correlation_block(corr: np.ndarray, maxlen: int, digits: int) -> list[list[str]]:
    """One term's strict lower triangle, ``format(round(r, dig), nsmall=dig)``
    over the whole matrix (so one negative entry widens them all), padded
    with blank columns to ``maxlen``."""
    dig = max(2, digits - 2)
    k = corr.shape[0]
    flat = [r_round(corr[i, j], dig) for j in range(k) for i in range(k)]  # column-major
    cells = format_real(flat, nsmall=dig)
    block = []
    for i in range(k):
        row = [cells[j * k + i] if i > j else "" for j in range(k)]
        block.append(row + [""] * (maxlen - k))
    return block


def format_vc(varcorr: VarCorrInputs, digits: int = 5,
              comp: Sequence[str] = ("Std.Dev.",)) -> VarCorrTable:
    """lme4's ``formatVC(varcor, digits, comp)``.

    Variances and standard deviations are each formatted as one vector
    (all terms plus the residual) with ``format(x, digits)``; correlations
    are rounded to ``max(2, digits - 2)`` decimals; the last (always blank)
    correlation column is dropped.
    """
    use = _match_components(comp)
    stddevs = [list(t.stddev) for t in varcorr.terms]
    groups = [t.group for t in varcorr.terms]
    names = [n for t in varcorr.terms for n in t.names]
    if varcorr.residual_sd is not None:
        stddevs.append([float(varcorr.residual_sd)])
        groups.append("Residual")
        names.append("")
    lens = [len(s) for s in stddevs]
    sd = [v for s in stddevs for v in s]
    columns = ["Groups", "Name"] + use
    group_col = []
    for g, n in zip(groups, lens):
        group_col += [g] + [""] * (n - 1)
    formatted = {
        "Variance": format_real([v * v for v in sd], digits),  # R's x^2 is x*x
        "Std.Dev.": format_real(sd, digits),
    }
    rows = [[group_col[i], names[i]] + [formatted[c][i] for c in use] for i in range(len(sd))]
    if any(n > 1 for n in lens):
        maxlen = max(lens)
        corr_rows = []
        for term in varcorr.terms:
            corr_rows += _correlation_block(term.correlation, maxlen, digits)
        corr_rows += [[""] * maxlen for _ in range(len(rows) - len(corr_rows))]
        rows = [r + c[: maxlen - 1] for r, c in zip(rows, corr_rows)]
        columns += ["Corr"] + [""] * (maxlen - 2)
    return VarCorrTable(tuple(columns), tuple(tuple(r) for r in rows))


def print_varcorr_table(table: VarCorrTable, width: int = PRINT_WIDTH) -> str:
    """``print(formatVC(..), quote = FALSE)``: left-aligned, empty row names."""
    return print_character_matrix([list(r) for r in table.rows], [""] * len(table.rows),
                                  list(table.columns), right=False, width=width)


def varcorr_text(varcorr: VarCorrInputs, digits: int = 5,
                 comp: Sequence[str] = ("Std.Dev.",), width: int = PRINT_WIDTH) -> str:
    """``print(VarCorr(fit), digits = 5, comp = "Std.Dev.")`` (print.VarCorr.merMod)."""
    return print_varcorr_table(format_vc(varcorr, digits, comp), width)
