"""lme4 1.1-31's printed layouts for ``glmerMod`` fits.

``glmm_summary_text`` reproduces ``print(summary(fit))`` (``print.summary.merMod``) and
``glmm_print_text`` reproduces ``print(fit)`` (``print.merMod``) for generalized linear
mixed models.  lme4 prints every merMod class with the same ``.prt.*`` helpers, so the
shared parts come from :mod:`.layout`; what differs for a GLMM is here:

* the title (``methTitle``: Laplace or adaptive Gauss-Hermite quadrature), always longer
  than the console, so ``.prt.methTit`` wraps it with ``strwrap`` and writes the class
  without quotes (`` [glmerMod]``);
* the `` Family: binomial  ( logit )`` line (``.prt.family``);
* the coefficient table of ``summary.merMod`` for a GLMM: ``z value`` (``t value`` when
  the family has a scale) and always ``Pr(>|z|)``, printed by ``printCoefmat`` with
  significance stars and their legend;
* the ``Residual`` row of the random-effects table for families with a scale (Gamma,
  inverse Gaussian), which comes with ``VarCorrInputs.residual_sd``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .coefmat import print_coefmat
from .inputs import MerModInputs, PrintedText
from .layout import (aictab, call_lines, fit_messages_block, fixed_effects_summary,
                     groups_line, residual_block, warnings_block)
from .rformat import format_real
from .rprint import PRINT_WIDTH, cat, print_named_character
from .varcorr_text import format_vc, print_varcorr_table

__all__ = ["GlmerModInputs", "glmm_method_title", "method_title_text", "family_line", "strwrap",
           "glmm_summary_text", "glmm_print_text"]

_DIGITS = 4  # max(3, getOption("digits") - 3)
_SENTENCE_END = re.compile(r"[.?!][)\"']?$")


@dataclass(frozen=True)
class GlmerModInputs:
    """Everything lme4 prints for a ``glmerMod``.

    Attributes
    ----------
    model : MerModInputs
        The parts every merMod prints (call, criteria, ``VarCorr``, groups, fixed effects,
        optimizer information, scaled residuals), with ``class_name = "glmerMod"``; its
        ``varcorr.residual_sd`` is σ for families with a scale (``useSc``: a ``Residual``
        row and ``t value``) and ``None`` for binomial and Poisson (``z value``).
    family : str
        ``family(fit)$family`` (``"binomial"``, ``"poisson"``, ``"Gamma"``...).
    link : str
        ``family(fit)$link`` (``"logit"``, ``"probit"``, ``"log"``...).
    n_agq : int
        ``devcomp$dims[["nAGQ"]]``: 1 is the Laplace approximation, 0 and k > 1 are
        labelled adaptive Gauss-Hermite quadrature (as lme4 labels them).
    p_values : ndarray or None
        ``2 * pnorm(abs(z), lower.tail = FALSE)`` of ``summary.merMod`` (summary only).
    """

    model: MerModInputs
    family: str
    link: str
    n_agq: int = 1
    p_values: Optional[np.ndarray] = None

    def __post_init__(self):
        object.__setattr__(self, "n_agq", int(self.n_agq))
        if self.p_values is not None:
            arr = np.array(self.p_values, dtype=float, copy=True).reshape(-1)
            arr.setflags(write=False)
            object.__setattr__(self, "p_values", arr)

    @property
    def use_sc(self) -> bool:
        """lme4's ``useSc``: whether the family has a scale parameter."""
        return self.model.varcorr.residual_sd is not None


def glmm_method_title(n_agq: int) -> str:
    """lme4's ``methTitle(dims)`` for a GLMM (``GLMM = 1``, ``REML = 0``)."""
    if n_agq == 1:
        how = "(Laplace Approximation)"
    else:
        how = "(Adaptive Gauss-Hermite Quadrature, nAGQ = %d)" % n_agq
    return "Generalized linear mixed model fit by maximum likelihood " + how


def strwrap(text: str, width: int, indent: int = 0, exdent: int = 0) -> list[str]:
    """R's ``strwrap(x, width, indent, exdent)`` of one string (no prefix).

    Words are split at single blanks, tabs and newlines; a line holds the words whose
    lengths plus one separator each stay within ``width - indent`` (``width - exdent``
    after the first); the empty word R keeps after a sentence end (``.``, ``?``, ``!``,
    optionally followed by ``)``, ``"`` or ``'``) gives the two blanks R writes there.
    Paragraphs (separated by blank lines) are wrapped one after another with an empty
    line between them, as R returns them with ``simplify = TRUE``.
    """
    out: list[str] = []
    for para in _r_strsplit(text, r"\n[ \t\n]*\n"):
        raw = _r_strsplit(para, r"[ \t\n]")
        words = [w for k, w in enumerate(raw)
                 if w or (k > 0 and _SENTENCE_END.search(raw[k - 1]))]
        # each paragraph is followed by an empty line, the last one dropped at the end
        out.extend((_wrap_words(words, width, indent, exdent) if words else [""]) + [""])
    return out[:-1] if out else [""]


def _r_strsplit(text: str, pattern: str) -> list[str]:
    """R's ``strsplit``: a match at the end of the string gives no trailing empty piece."""
    pieces = re.split(pattern, text)
    if len(pieces) > 1 and pieces[-1] == "":
        pieces.pop()
    return pieces


def _wrap_words(words: Sequence[str], width: int, indent: int, exdent: int) -> list[str]:
    """The greedy loop of ``strwrap`` over one paragraph's words."""
    nc = [len(w) for w in words]
    lens = list(np.cumsum([n + 1 for n in nc]))
    current, lower, upper = 0, [0], []
    max_length = width - indent
    first = True
    while lens:
        k = max(sum(1 for v in lens if v <= max_length), 1)
        if first:
            first = False
            max_length = width - exdent
        current += k
        # a line never ends on the empty word after a sentence end
        upper.append(current - 2 if nc[current - 1] == 0 else current - 1)
        if len(lens) > k:
            if nc[current] == 0:  # nor starts with it
                current += 1
                k += 1
            lower.append(current)
        lens = [v - lens[k - 1] for v in lens[k:]] if len(lens) > k else []
    return [(" " * (indent if i == 0 else exdent)) + " ".join(words[lo:up + 1])
            for i, (lo, up) in enumerate(zip(lower, upper))]


def method_title_text(mtit: str, class_name: str, width: int = PRINT_WIDTH) -> str:
    """lme4's ``.prt.methTit(mtit, class)``.

    A title that with its class passes the console width is wrapped by ``strwrap`` to
    ``width - 2`` columns with a two-blank indent and written by ``cat(mtit, " [", class,
    "]", sep = "", fill = TRUE)``: the class without quotes.  Shorter ones print as
    ``"%s ['%s']"``.
    """
    if len(mtit) + 5 + len(class_name) > width:
        lines = strwrap(mtit, width - 2, exdent=2)
        return cat(lines, " [", class_name, "]", sep="", fill=True, width=width)
    return f"{mtit} ['{class_name}']\n"


def family_line(family: str, link: Optional[str], width: int = PRINT_WIDTH) -> str:
    """lme4's ``.prt.family``: ``cat(" Family:", family, paste(" (", link, ")"), fill =
    TRUE)``, hence the two blanks before the parenthesis and the blanks inside it."""
    return cat(" Family:", family, None if link is None else f" ( {link} )", fill=True,
               width=width)


def _coefficients_block(g: GlmerModInputs, digits: int, signif_stars: bool,
                        width: int) -> str:
    """``Fixed effects:`` and ``printCoefmat`` of summary.merMod's GLMM table."""
    fe = g.model.fixef
    if g.p_values is None:
        raise ValueError("the summary of a GLMM needs GlmerModInputs.p_values")
    z = fe.estimates / fe.std_errors
    table = np.column_stack([fe.estimates, fe.std_errors, z, g.p_values])
    stat = "t value" if g.use_sc else "z value"
    return "\nFixed effects:\n" + print_coefmat(
        table, list(fe.names), ["Estimate", "Std. Error", stat, "Pr(>|z|)"], digits=digits,
        signif_stars_=signif_stars, width=width)


def glmm_summary_text(g: GlmerModInputs, digits: int = _DIGITS,
                      correlation: Optional[bool] = None, show_resids: bool = True,
                      ranef_comp: Sequence[str] = ("Variance", "Std.Dev."),
                      object_name: str = "x", width: int = PRINT_WIDTH,
                      summary_correlation: Optional[bool] = None,
                      signif_stars: bool = True) -> PrintedText:
    """``print(summary(fit))`` of a GLMM -- lme4's ``print.summary.merMod``.

    Parameters
    ----------
    g : GlmerModInputs
    digits : int
        ``max(3, getOption("digits") - 3)`` = 4 by default.
    correlation : bool or None
        The print method's ``correlation`` (see :func:`pylme.printing.summary_text`).
    show_resids : bool
    ranef_comp : sequence of str
    object_name : str
        ``deparse(substitute(x))`` inside the print method (the p > 12 note).
    width : int
        ``getOption("width")``.
    summary_correlation : bool or None
        ``summary(fit, correlation = )``.
    signif_stars : bool
        ``getOption("show.signif.stars")`` (TRUE in R).

    Returns
    -------
    PrintedText
        ``text`` (stdout), ``messages`` (stderr) and ``console``.
    """
    m = g.model
    text = method_title_text(glmm_method_title(g.n_agq), m.class_name, width)
    text += family_line(g.family, g.link, width)
    text += call_lines(m.call, long=True, width=width)
    text += "\n" + aictab(m.criteria, 1, width) + "\n"
    if show_resids:
        if m.scaled_residuals is None:
            raise ValueError("the summary's Scaled residuals need MerModInputs.scaled_residuals")
        text += residual_block(m.scaled_residuals, digits, width)
    text += "Random effects:\n"
    text += print_varcorr_table(format_vc(m.varcorr, digits, ranef_comp), width)
    text += groups_line(m.nobs, m.ngrps, width)
    # the correlation rules (what is shown, lme4's notes) are those of every merMod; the
    # t-value table that helper formats is replaced by the GLMM one
    _, block, messages = fixed_effects_summary(m, digits, correlation, object_name, width,
                                               summary_correlation)
    if len(m.fixef.names):
        text += _coefficients_block(g, digits, signif_stars, width)
    console = text + "".join(messages)  # R's message() comes between table and block
    tail = block + fit_messages_block(m.fit_messages) + warnings_block(m.optinfo, short=False)
    return PrintedText(text + tail, tuple(messages), console + tail if messages else None)


def glmm_print_text(g: GlmerModInputs, digits: int = _DIGITS,
                    ranef_comp: Sequence[str] = ("Std.Dev.",),
                    width: int = PRINT_WIDTH) -> str:
    """``print(fit)`` of a GLMM -- lme4's ``print.merMod`` (the short form).

    The criteria are rounded to 4 decimals; the random-effects table shows standard
    deviations (with the ``Residual`` row for families with a scale); the fixed effects
    are ``format(fixef, digits = 4)`` printed with ``print.gap = 2``; the optimizer's
    outcome is the one-line ``.prt.warn(summary = TRUE)``.
    """
    m = g.model
    text = method_title_text(glmm_method_title(g.n_agq), m.class_name, width)
    text += family_line(g.family, g.link, width)
    text += call_lines(m.call, long=False, width=width)
    text += aictab(m.criteria, 4, width)
    text += "Random effects:\n"
    text += print_varcorr_table(format_vc(m.varcorr, digits, ranef_comp), width)
    text += groups_line(m.nobs, m.ngrps, width)
    if len(m.fixef.names):
        text += "Fixed Effects:\n"
        text += print_named_character(format_real(m.fixef.estimates, digits),
                                      list(m.fixef.names), gap=2, width=width)
    else:
        text += "No fixed effect coefficients\n"
    text += fit_messages_block(m.fit_messages)
    text += warnings_block(m.optinfo, short=True)
    return text
