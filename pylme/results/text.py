"""From a fit to lme4's printed text (lme4: ``summary.merMod``, ``print.merMod``).

This module only gathers numbers; :mod:`pylme.printing` owns every layout rule.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import printing as P
from ..printing.coefmat import print_coefmat
from ..printing.layout import COR_MAX, method_title
from ..printing.rprint import PRINT_WIDTH, cat
from ..arguments import print_digits
from ..errors import ArgumentError, NumericalError, PylmeMessage
from .vectors import residual_values
from ..formula import deparse_lines, parse_formula

if TYPE_CHECKING:
    from .model import LmerFit
    from .varcorr import VarCorr

__all__ = ["Summary", "print_text", "varcorr_inputs", "merMod_inputs"]


def varcorr_inputs(vc: "VarCorr") -> P.VarCorrInputs:
    """:class:`~pylme.results.varcorr.VarCorr` as the printing layer's input."""
    terms = [P.VarCorrTerm(t.group, t.components, t.stddev, t.corr) for t in vc.terms]
    return P.VarCorrInputs(tuple(terms), residual_sd=vc.sigma if vc.use_sc else None)


def _call_info(fit: "LmerFit") -> P.CallInfo:
    control = fit.control.r_text()
    return P.CallInfo(
        formula=fit.inputs.formula_lines,  # deparse()'s lines, as lme4's .prt.call shows them
        data=fit.data_name,
        weights=fit.weights_name,
        offset=fit.offset_name,
        control=None if control == "lmerControl()" else control,
    )


def _criteria(fit: "LmerFit") -> P.Criteria:
    if fit.is_REML:
        return P.Criteria(reml=True, reml_criterion=fit.opt.fval)
    return P.Criteria(reml=False, aic=fit.AIC(), bic=fit.BIC(), loglik=float(fit.logLik()),
                      deviance=fit.deviance(REML=False), df_resid=fit.df_residual)


def _fixef_table(fit: "LmerFit", correlation: bool | None, summary: bool = True) -> P.FixedEffectsTable:
    """The fixed-effects table; with the correlation where ``summary(fm, correlation = )``
    stores it (by default for p <= 12), computed as lme4 stores it (Matrix's corMatrix).

    ``summary=False`` (``print(fm)``, which shows the estimates only) leaves the standard
    errors NaN: lme4's print method never computes ``vcov``, so it never warns about it."""
    if not summary:
        return P.FixedEffectsTable(tuple(fit.inputs.X_columns), fit.beta, np.full(fit.inputs.p, np.nan))
    vcov = _summary_vcov(fit)
    p = vcov.shape[0]
    stored = p <= COR_MAX if correlation is None else correlation
    corr = P.fixef_correlation(vcov) if p and stored else None
    return P.FixedEffectsTable(tuple(fit.inputs.X_columns), fit.beta, np.sqrt(np.diag(vcov)), corr)


def _summary_vcov(fit: "LmerFit") -> np.ndarray:
    """``vcov(fit)`` as ``summary.merMod`` needs it: lme4's summary fails where the matrix is
    not positive definite (vcov's warning first, then the error of the correlation matrix)."""
    vcov = fit.vcov().to_numpy()
    if vcov.size and np.all(np.isnan(vcov)):  # vcov() warned: not positive definite
        raise NumericalError(
            "not a positive definite matrix: the covariance matrix of the fixed effects, "
            f"sigma^2 (RX'RX)^-1 with sigma = {fit.sigma:g}, is not positive definite, so there is "
            "no summary (lme4's summary() fails the same way); a response the fixed effects fit "
            "exactly has residual variance 0 (print(fit) still shows the fit)")
    return vcov


def _check_correlation(correlation: object) -> bool | None:
    """lme4's check of ``correlation``: NULL or a logical (R: ``'correlation' must be NULL or
    logical``); numpy booleans count as logical."""
    if correlation is None or isinstance(correlation, (bool, np.bool_)):
        return None if correlation is None else bool(correlation)
    raise ArgumentError(f"'correlation' must be NULL or logical, got {correlation!r}")


def merMod_inputs(fit: "LmerFit", correlation: bool | None = None, residuals: bool = True) -> P.MerModInputs:
    """Everything lme4's print methods show, gathered from ``fit``.

    ``residuals=True`` gathers what ``summary()`` shows (scaled residuals, standard errors:
    raises :class:`~pylme.errors.NumericalError` where lme4's summary fails), ``False`` what
    ``print(fit)`` shows (neither)."""
    opt = fit.opt
    return P.MerModInputs(
        call=_call_info(fit),
        criteria=_criteria(fit),
        varcorr=varcorr_inputs(fit.VarCorr()),
        nobs=fit.nobs,
        ngrps=tuple(fit.ngrps().items()),
        fixef=_fixef_table(fit, correlation, summary=residuals),
        optinfo=P.OptimizerInfo(optimizer=opt.optimizer, code=opt.conv, message=opt.message,
                                lme4_messages=fit.conv.messages, warnings=opt.warnings),
        scaled_residuals=_scaled_pearson(fit) if residuals else None,
        fit_messages=fit.inputs.fit_messages,
    )


def _scaled_pearson(fit: "LmerFit") -> np.ndarray:
    # the array, not the public Series: the summary needs only the values of the rows used;
    # quantile(, na.rm = TRUE) drops NaN (0/0 when sigma is 0) but keeps infinite values
    with np.errstate(divide="ignore", invalid="ignore"):
        r = residual_values(fit, "pearson", scaled=True)
    return r[~np.isnan(r)]


@dataclass(frozen=True, eq=False)
class Summary:
    """lme4's ``summary(fit)``: ``str()`` gives lme4's printed text.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        ``Estimate``, ``Std. Error`` and ``t value`` by fixed-effect name.
    text : str
        The printed summary (what ``print(summary(fm))`` writes to standard output, i.e.
        ``capture.output(print(summary(fm)))``); ``str()`` and ``print()`` give it.
    messages : tuple of str
        What R sends to standard error when printing (e.g. the note that the
        correlation matrix is not shown for p > 12), each exactly as R writes it: the
        note's blank line above and below included.  Each is also issued as a
        :class:`~pylme.errors.PylmeMessage` warning (less the final newline, which
        Python's warning display adds back).
    console : str
        ``text`` and ``messages`` as an R console shows them: each message in its
        place (the p > 12 note right after the fixed-effects table).
    """

    coefficients: pd.DataFrame
    text: str
    messages: tuple[str, ...]
    console: str = ""

    @classmethod
    def from_fit(cls, fit: "LmerFit", correlation: bool | None = None, digits: int = 4,
                 ddf: str | None = None) -> "Summary":
        """lme4's ``summary(fit)``; with ``ddf`` lmerTest's (``summary(fit, ddf = )``).

        ``correlation`` is given to both of lme4's steps, ``print(summary(fm, correlation
        = c), correlation = c)``: ``True`` shows the correlation of the fixed effects also
        for p > 12, ``False`` never (and no note), ``None`` lme4's default (shown for
        p <= 12, a note for p > 12).

        ``ddf="Satterthwaite"`` or ``"Kenward-Roger"`` gives lmerTest's text: the
        title names the method and the class ``lmerModLmerTest``, and the fixed-effects
        table gains ``df`` and ``Pr(>|t|)`` (Kenward-Roger: the adjusted standard errors).

        ``digits`` is ``print(summary(fm), digits = )``: see :func:`pylme.arguments.print_digits`
        (a non-integer number is used as R uses it).

        Raises
        ------
        ArgumentError
            ``correlation`` neither None nor a bool (lme4's text), or ``digits`` R refuses.
        ControlError
            ``ddf`` not one of lmerTest's methods.
        NumericalError
            The covariance matrix of the fixed effects is not positive definite (σ̂ = 0), where
            lme4's ``summary()`` fails too.
        """
        correlation = _check_correlation(correlation)
        digits = print_digits(digits)
        inputs = merMod_inputs(fit, correlation)
        if ddf is not None:
            from ..inference.ddf import check_ddf

            ddf = check_ddf(ddf)
            if ddf != "lme4":  # lmerTest prints the call as written (``||`` not expanded)
                inputs = dataclasses.replace(inputs, call=dataclasses.replace(
                    inputs.call, formula=_formula_as_called(fit)))
        printed = P.summary_text(inputs, digits=digits, correlation=correlation,
                                 summary_correlation=correlation)
        text = printed.text + _dropped_rows_line(fit)
        console = printed.shown + _dropped_rows_line(fit)
        for message in printed.messages:
            # R's own text, blank lines kept; Python's display adds the final newline back
            warnings.warn(message[:-1] if message.endswith("\n") else message, PylmeMessage, stacklevel=3)
        se = inputs.fixef.std_errors
        coefs = pd.DataFrame({"Estimate": fit.beta, "Std. Error": se, "t value": fit.beta / se},
                             index=list(fit.inputs.X_columns))
        if ddf not in (None, "lme4"):
            from ..inference.ddf import coefficients

            lmertest_coefs = coefficients(fit, ddf)
            text = _lmertest_text(fit, text, coefs, lmertest_coefs, ddf, digits)
            console = _lmertest_text(fit, console, coefs, lmertest_coefs, ddf, digits)
            coefs = lmertest_coefs
        return cls(coefs, text, tuple(printed.messages), console)

    def __str__(self) -> str:
        """Exactly what R writes to standard output (``capture.output`` gives the same lines)."""
        return self.text

    def __repr__(self) -> str:
        return _without_final_newline(self.text)


_LMERTEST_CLASS = "lmerModLmerTest"


def _lmertest_text(fit: "LmerFit", text: str, lme4_coefs: pd.DataFrame, coefs: pd.DataFrame,
                   method: str, digits: int) -> str:
    """lme4's summary text turned into lmerTest's (``summary.lmerModLmerTest``): only the
    title and the fixed-effects table differ."""
    title = method_title(fit.is_REML)
    old_title = f"{title} ['lmerMod']\n"
    mtit = f"{title}. t-tests use {method}'s method"
    if len(mtit) + 5 + len(_LMERTEST_CLASS) > PRINT_WIDTH:  # lme4 .prt.methTit
        lines = _strwrap(mtit, PRINT_WIDTH - 2, exdent=2)
        new_title = cat(lines, " [", _LMERTEST_CLASS, "]", sep="", fill=True)
    else:
        new_title = f"{mtit} ['{_LMERTEST_CLASS}']\n"
    names = list(coefs.index)
    old_table = print_coefmat(lme4_coefs.to_numpy(), names, list(lme4_coefs.columns), digits=digits)
    new_table = print_coefmat(coefs.to_numpy(), names, list(coefs.columns), digits=digits)
    if not text.startswith(old_title) or (names and "\nFixed effects:\n" + old_table not in text):
        raise RuntimeError("lme4 summary layout changed: cannot derive lmerTest's text")  # pragma: no cover
    text = new_title + text[len(old_title):]
    return text.replace("\nFixed effects:\n" + old_table, "\nFixed effects:\n" + new_table, 1)


def _formula_as_called(fit: "LmerFit") -> tuple[str, ...]:
    """The formula of the ``lmer()`` call in ``deparse()``'s lines, without lme4's ``||``
    expansion."""
    args = getattr(fit, "call_args", None) or {}
    formula = args.get("formula")
    if isinstance(formula, str):
        return deparse_lines(parse_formula(formula))
    return fit.inputs.formula_lines


def _strwrap(text: str, width: int, exdent: int = 0) -> list[str]:
    """R's ``strwrap(x, width, exdent)`` for one paragraph of single-spaced words:
    lines shorter than ``width``, continuation lines indented by ``exdent``."""
    lines, current = [], ""
    for word in text.split():
        indent = exdent if lines else 0
        candidate = f"{current} {word}" if current else word
        if current and indent + len(candidate) >= width:
            lines.append(" " * indent + current)
            current = word
        else:
            current = candidate
    lines.append(" " * (exdent if lines else 0) + current)
    return lines


def _dropped_rows_line(fit: "LmerFit") -> str:
    """pylme's addition to lme4's summary (R's summary.lm wording): rows lost to missing values."""
    k = fit.n_dropped
    if not k:
        return ""
    return f"  ({k} observation{'s' if k != 1 else ''} deleted due to missingness)\n"


def print_text(fit: "LmerFit") -> str:
    """lme4's ``print(fit)`` text."""
    return _without_final_newline(P.print_text(merMod_inputs(fit, residuals=False)))


def _without_final_newline(text: str) -> str:
    """R's output minus the one newline Python's ``print()`` adds back (blank last lines stay)."""
    return text[:-1] if text.endswith("\n") else text
