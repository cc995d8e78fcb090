"""lme4 1.1-31's printed layouts for ``lmerMod`` fits.

``summary_text`` reproduces ``print(summary(fit))`` (``print.summary.merMod``)
and ``print_text`` reproduces ``print(fit)`` (``print.merMod``), both built
from the ``.prt.*`` helpers of lme4's R/lmer.R, which are mirrored one to one
below.  Inputs are the plain-number dataclasses of :mod:`.inputs`.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

from .abbreviate import abbreviate
from .coefmat import print_coefmat
from .inputs import CallInfo, Criteria, MerModInputs, OptimizerInfo, PrintedText
from .rformat import (encode_number_cat, format_real, quantile7, r_round, zapsmall)
from .rprint import (PRINT_WIDTH, cat, print_character_matrix, print_named_character,
                     print_named_numeric)
from .varcorr_text import format_vc, print_varcorr_table

__all__ = ["summary_text", "print_text", "method_title", "COR_MAX"]

#: getOption("lme4.summary.cor.max"), set by lme4's .onLoad.
COR_MAX = 12
_DIGITS = 4  # max(3, getOption("digits") - 3)


def method_title(reml: bool) -> str:
    """lme4's ``methTitle(dims)`` for an LMM.

    For ML fits ``paste("maximum likelihood", NULL)`` leaves a trailing blank,
    hence the two spaces before ``['lmerMod']``.
    """
    return "Linear mixed model fit by " + ("REML" if reml else "maximum likelihood ")


def _title(reml: bool, class_name: str, width: int) -> str:
    """``.prt.methTit``."""
    mtit = method_title(reml)
    if len(mtit) + 5 + len(class_name) > width:  # never for lmer titles
        return cat(mtit, " [", class_name, "]", sep="", fill=True, width=width)
    return f"{mtit} ['{class_name}']\n"


def _call_lines(call: CallInfo, long: bool, width: int) -> str:
    """``.prt.call``: each argument through ``cat(label, deparse(arg), fill=TRUE)``."""
    out = ""
    entries = [("Formula:", call.formula), ("   Data:", call.data),
               ("Weights:", call.weights), (" Offset:", call.offset)]
    if long and call.control and call.control != ("lmerControl()",):
        entries.append(("Control:", call.control))
    entries.append((" Subset:", call.subset))
    for label, value in entries:
        if value is not None:
            out += cat(label, value, fill=True, width=width)
    return out


def _aictab(criteria: Criteria, digits: int, width: int) -> str:
    """``.prt.aictab(AICtab, digits)``: the REML criterion line or the
    ``AIC BIC logLik deviance df.resid`` table."""
    if criteria.reml:
        value = r_round(criteria.reml_criterion, digits)
        return cat("REML criterion at convergence:", encode_number_cat(value),
                   fill=True, width=width)
    names = ["AIC", "BIC", "logLik", "deviance", "df.resid"]
    raw = [criteria.aic, criteria.bic, criteria.loglik, criteria.deviance, criteria.df_resid]
    t4 = [r_round(v, digits) for v in raw]
    cells = format_real(t4)
    cells[4] = format_real([t4[4]])[0]  # df.resid is formatted on its own
    return print_named_character(cells, names, width=width)


def _residual_block(resid: Sequence[float], digits: int, width: int) -> str:
    """``.prt.resids``: zapped type-7 quantiles of the scaled residuals."""
    values = [v for v in resid if not math.isnan(v)]
    rq = zapsmall(quantile7(values), digits + 1)
    return ("Scaled residuals: \n"
            + print_named_numeric(rq, ["Min", "1Q", "Median", "3Q", "Max"], digits, width=width)
            + "\n")


def _groups_line(nobs: int, ngrps: Sequence[tuple[str, int]], width: int) -> str:
    """``.prt.grps``: ``Number of obs: n, groups:  g, nlev; ...``."""
    groups = "; ".join(f"{name}, {n}" for name, n in ngrps)
    return cat("Number of obs: %d, groups: " % nobs, groups, fill=True, width=width)


def _warnings_block(opt: OptimizerInfo, short: bool) -> str:
    """``.prt.warn``: optimizer code plus lme4 / optimizer messages.

    ``short`` is ``.prt.warn(summary = TRUE)`` -- the one-line form that, as
    in lme4, ``print(fit)`` uses.
    """
    msgs, warns = list(opt.lme4_messages), list(opt.warnings)
    if not (opt.code > 0 or msgs or warns):
        return ""
    if opt.code == 0:
        m = "(OK)"
    else:
        m = f"({opt.message})" if opt.message is not None else ""
    # sprintf() with optimizer = NULL (lme4's optimizer = NULL fits) is character(0): no line
    convmsg = None if opt.optimizer is None else "optimizer (%s) convergence code: %d %s" % (opt.optimizer, opt.code, m)
    if short:
        tail = "; %d optimizer warnings; %d lme4 warnings" % (len(warns), len(msgs))
        return cat(convmsg, tail, "\n")
    # unlist() of an empty list is NULL, which cat() skips entirely
    return cat(convmsg, msgs or None, warns or None, sep="\n") + "\n"


def _fit_messages(msgs: Sequence[str]) -> str:
    """``cat("fit warnings:\\n"); writeLines(fitMsgs)`` when any is non-empty."""
    if not any(len(m) > 0 for m in msgs):
        return ""
    return "fit warnings:\n" + "".join(m + "\n" for m in msgs)


def _fixef_correlation(names: Sequence[str], corr, width: int) -> str:
    """The ``Correlation of Fixed Effects:`` block (p > 1): values
    ``format(round(r, 3), nsmall = 3)``, rows ``abbreviate(, 11)``, columns
    ``abbreviate(, 6)``, strict lower triangle without first row / last column."""
    p = corr.shape[1]
    if p <= 1:
        return ""
    flat = [r_round(corr[i, j], 3) for j in range(p) for i in range(p)]  # column-major
    cells = format_real(flat, nsmall=3)
    rows = [[cells[j * p + i] for j in range(p - 1)] for i in range(1, p)]
    rows = [[c if i + 1 > j else "" for j, c in enumerate(row)] for i, row in enumerate(rows)]
    rns = abbreviate(names, minlength=11)[1:]
    cns = abbreviate(names, minlength=6)[: p - 1]
    return "\nCorrelation of Fixed Effects:\n" + print_character_matrix(rows, rns, cns, width=width)


def _correlation_message(p: int, object_name: str) -> str:
    """lme4's message when p > lme4.summary.cor.max (sent to stderr).

    R's ``message()`` text: its leading newline and the newline ``message()`` appends make
    the blank lines an R console shows above and below the note."""
    nam = object_name if len(object_name) < 32 else "...."
    return ("\nCorrelation matrix not shown by default, as p = %d > %d.\n"
            "Use print(%s, correlation=TRUE)  or\n"
            "    vcov(%s)        if you need it\n\n" % (p, COR_MAX, nam, nam))


def _fixed_effects_summary(m: MerModInputs, digits: int, correlation: Optional[bool],
                           object_name: str, width: int,
                           summary_correlation: Optional[bool] = None) -> tuple[str, str, list[str]]:
    """The coefficient table, the correlation block (when shown) and the messages R sends
    to stderr between the two (lme4's ``print.summary.merMod``, fixed-effects part).

    ``summary_correlation`` is ``summary(fm, correlation = )``: whether the summary stored
    the correlation (``None``: lme4's default, p <= 12); ``correlation`` is the print
    method's argument.
    """
    fe = m.fixef
    p = len(fe.names)
    if p == 0:
        return "", "", []
    tvals = fe.estimates / fe.std_errors
    table = [[fe.estimates[i], fe.std_errors[i], tvals[i]] for i in range(p)]
    text = "\nFixed effects:\n" + print_coefmat(
        table, list(fe.names), ["Estimate", "Std. Error", "t value"], digits=digits, width=width)
    has_cor = p <= COR_MAX if summary_correlation is None else bool(summary_correlation)
    messages = []
    if correlation is None:
        # shown by default only when stored and p <= 12; the note only for p > 12
        correlation = has_cor and p <= COR_MAX
        if not correlation and p > COR_MAX:
            messages.append(_correlation_message(p, object_name))
    elif correlation and not has_cor:
        # summary() did not store it; lme4 says so and falls back to cov2cor()
        messages.append("\nCorrelation of fixed effects could have been required in summary()\n")
    block = ""
    if correlation and p > 1:
        if fe.correlation is None:
            raise ValueError("the fixed-effect correlation block needs FixedEffectsTable.correlation")
        block = _fixef_correlation(fe.names, fe.correlation, width)
    return text, block, messages


def summary_text(m: MerModInputs, digits: int = _DIGITS, correlation: Optional[bool] = None,
                 show_resids: bool = True, ranef_comp: Sequence[str] = ("Variance", "Std.Dev."),
                 object_name: str = "x", width: int = PRINT_WIDTH,
                 summary_correlation: Optional[bool] = None) -> PrintedText:
    """``print(summary(fit))`` -- lme4's ``print.summary.merMod``.

    Parameters
    ----------
    m : MerModInputs
    digits : int
        ``max(3, getOption("digits") - 3)`` = 4 by default.
    correlation : bool or None
        The print method's ``correlation``.  ``None``: show the fixed-effect correlations
        when the summary stored them and p <= 12, else (p > 12) lme4's note (in
        ``messages``; R sends it to stderr).  ``True`` when the summary did not store
        them: lme4's "could have been required" note and ``cov2cor(vcov)``.
    show_resids : bool
    ranef_comp : sequence of str
        Columns of the random-effects table.
    object_name : str
        What ``deparse(substitute(x))`` gives inside the print method
        (``"x"`` when a summary is auto-printed); used in the p > 12 message.
    width : int
        ``getOption("width")``.
    summary_correlation : bool or None
        ``summary(fit, correlation = )``: whether the summary stored the correlation
        (``None``: lme4's default ``p <= 12``).

    Returns
    -------
    PrintedText
        ``text`` (stdout), ``messages`` (stderr) and ``console``: both as an R console
        shows them, each note in its place with its blank lines.
    """
    text = _title(m.criteria.reml, m.class_name, width)
    text += _call_lines(m.call, long=True, width=width)
    text += "\n" + _aictab(m.criteria, 1, width) + "\n"
    if show_resids:
        text += _residual_block(m.scaled_residuals, digits, width)
    text += "Random effects:\n"
    text += print_varcorr_table(format_vc(m.varcorr, digits, ranef_comp), width)
    text += _groups_line(m.nobs, m.ngrps, width)
    table, block, messages = _fixed_effects_summary(m, digits, correlation, object_name, width,
                                                    summary_correlation)
    text += table
    console = text + "".join(messages)  # R's message() comes between the table and the block
    tail = block + _fit_messages(m.fit_messages) + _warnings_block(m.optinfo, short=False)
    return PrintedText(text + tail, tuple(messages), console + tail if messages else None)


def print_text(m: MerModInputs, digits: int = _DIGITS,
               ranef_comp: Sequence[str] = ("Std.Dev.",), width: int = PRINT_WIDTH) -> str:
    """``print(fit)`` -- lme4's ``print.merMod`` (the short form).

    The criterion is rounded to 4 decimals and written by ``cat`` (7
    significant digits); fixed effects are ``format(fixef, digits = 4)``
    printed as a named vector with ``print.gap = 2``.
    """
    text = _title(m.criteria.reml, m.class_name, width)
    text += _call_lines(m.call, long=False, width=width)
    text += _aictab(m.criteria, 4, width)
    text += "Random effects:\n"
    text += print_varcorr_table(format_vc(m.varcorr, digits, ranef_comp), width)
    text += _groups_line(m.nobs, m.ngrps, width)
    if len(m.fixef.names):
        text += "Fixed Effects:\n"
        text += print_named_character(format_real(m.fixef.estimates, digits), list(m.fixef.names),
                                      gap=2, width=width)
    else:
        text += "No fixed effect coefficients\n"
    text += _fit_messages(m.fit_messages)
    text += _warnings_block(m.optinfo, short=True)
    return text


# Public names of the ``.prt.*`` helpers above, shared with the GLMM layouts
# (:mod:`.glmm_layout`): lme4 builds print.merMod and print.summary.merMod for every
# merMod class from the same helpers, so the GLMM text reuses these rather than copies.
call_lines = _call_lines
aictab = _aictab
residual_block = _residual_block
groups_line = _groups_line
warnings_block = _warnings_block
fit_messages_block = _fit_messages
fixed_effects_summary = _fixed_effects_summary
