"""From a GLMM fit to lme4's printed text (lme4: ``summary.merMod``, ``print.merMod`` for
a ``glmerMod``).

This module only gathers numbers (what lme4's ``summary.merMod`` computes: standard errors
from ``vcov``, z or t values, ``Pr(>|z|)``); :mod:`pylme.printing.glmm_layout` owns every
layout rule.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np
import pandas as pd

from .. import printing as P
from ..arguments import print_digits
from ..errors import PylmeMessage
from ..formula import deparse_lines, parse_expression
from ..glmm.nmath import pnorm
from ..printing.glmm_layout import GlmerModInputs, glmm_print_text, glmm_summary_text
from ..printing.layout import COR_MAX
from .text import Summary, _check_correlation, _without_final_newline, varcorr_inputs

if TYPE_CHECKING:
    from .glmer_model import GlmerFit

__all__ = ["GlmerSummary", "summary_text", "print_text", "glmer_inputs"]


def _control_lines(fit: "GlmerFit") -> Optional[tuple[str, ...]]:
    """``deparse(call$control)`` when ``control=`` was given, else None (no line).

    lme4 prints the argument as typed unless it deparses to ``lmerControl()``; pylme prints
    the canonical call of the same settings (``GlmerControl.r_lines``), so an explicit
    ``GlmerControl()`` shows ``Control: glmerControl()`` as lme4 shows it, and an
    ``LmerControl`` its own ``lmerControl(...)`` call (none when it has the defaults)."""
    given = (fit.call_args or {}).get("control")
    if given is None:
        return None
    r_lines = getattr(given, "r_lines", None)
    if callable(r_lines):
        return tuple(r_lines())
    r_text = getattr(given, "r_text", None)
    if callable(r_text):  # an LmerControl, which glmer converted with lme4's warning
        return tuple(deparse_lines(parse_expression(r_text())))
    return tuple(fit.control.r_lines())


def _call_info(fit: "GlmerFit") -> P.CallInfo:
    return P.CallInfo(formula=fit.inputs.formula_lines, data=fit.data_name,
                      weights=fit.weights_name, offset=fit.offset_name,
                      control=_control_lines(fit))


def _criteria(fit: "GlmerFit") -> P.Criteria:
    """``llikAIC(fit)$AICtab``; its ``deviance`` is −2ℓ (the optimized objective), not
    ``deviance(fit)``."""
    return P.Criteria(reml=False, aic=fit.AIC(), bic=fit.BIC(), loglik=float(fit.logLik()),
                      deviance=float(fit.optimum.fval), df_resid=fit.df_residual)


def _scaled_pearson(fit: "GlmerFit") -> np.ndarray:
    """``residuals(fit, "pearson", scaled = TRUE)`` (Pearson / σ) less NaN
    (``quantile(, na.rm = TRUE)``)."""
    r = fit.residual_values("pearson", scaled=True)
    return r[~np.isnan(r)]


def glmer_inputs(fit: "GlmerFit", correlation: bool | None = None,
                 summary: bool = True) -> GlmerModInputs:
    """Everything lme4's print methods show for a GLMM, gathered from ``fit``.

    ``summary=True`` gathers what ``summary()`` shows: standard errors from ``vcov()``
    (the finite-difference Hessian's by default, lme4's warnings when it falls back),
    ``Pr(>|z|) = 2 * pnorm(-|z|)`` (R's ``pnorm``), the correlation of the fixed effects
    where ``summary(fit, correlation = )`` stores it (by default for p <= 12) and the
    scaled Pearson residuals; ``False`` what ``print(fit)`` shows (none of them: lme4's
    print method never computes ``vcov``).
    """
    names = tuple(fit.inputs.X_columns)
    beta = fit.beta
    p = len(names)
    p_values = corr = resid = None
    se = np.full(p, np.nan)
    if summary:
        vcov = fit.vcov().to_numpy()
        se = np.sqrt(np.diag(vcov))
        p_values = 2.0 * pnorm(-np.abs(beta / se)) if p else np.zeros(0)
        stored = p <= COR_MAX if correlation is None else correlation
        corr = P.fixef_correlation(vcov) if p and stored else None
        resid = _scaled_pearson(fit)
    opt = fit.opt
    model = P.MerModInputs(
        call=_call_info(fit),
        criteria=_criteria(fit),
        varcorr=varcorr_inputs(fit.VarCorr()),
        nobs=fit.nobs,
        ngrps=tuple(fit.ngrps().items()),
        fixef=P.FixedEffectsTable(names, beta, se, corr),
        optinfo=P.OptimizerInfo(optimizer=opt.optimizer, code=opt.conv, message=opt.message,
                                lme4_messages=fit.conv.messages, warnings=opt.warnings),
        scaled_residuals=resid,
        fit_messages=fit.inputs.fit_messages,
        class_name="glmerMod")
    family = fit.family
    return GlmerModInputs(model, family.family, family.link.name, fit.n_agq, p_values)


@dataclass(frozen=True, eq=False)
class GlmerSummary(Summary):
    """lme4's ``summary(fit)`` of a GLMM: ``str()`` gives lme4's printed text.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        ``Estimate``, ``Std. Error``, ``z value`` (``t value`` for families with a scale)
        and ``Pr(>|z|)`` by fixed-effect name, as lme4's ``summary(fit)$coefficients``.
    text : str
        What ``print(summary(fit))`` writes to standard output.
    messages : tuple of str
        What R sends to standard error while printing (the p > 12 correlation note), also
        issued as :class:`~pylme.errors.PylmeMessage` warnings.
    console : str
        ``text`` and ``messages`` as an R console shows them.
    """

    @classmethod
    def from_fit(cls, fit: "GlmerFit", correlation: bool | None = None,  # type: ignore[override]
                 digits: int = 4) -> "GlmerSummary":
        """``print(summary(fit, correlation = c), correlation = c, digits = d)``.

        Raises
        ------
        ArgumentError
            ``correlation`` neither None nor a bool, or ``digits`` R refuses (R's texts).
        """
        correlation = _check_correlation(correlation)
        digits = print_digits(digits)
        g = glmer_inputs(fit, correlation)
        printed = glmm_summary_text(g, digits=digits, correlation=correlation,
                                    summary_correlation=correlation)
        for message in printed.messages:
            # R's own text, blank lines kept; Python's display adds the final newline back
            warnings.warn(message[:-1] if message.endswith("\n") else message, PylmeMessage,
                          stacklevel=3)
        fe = g.model.fixef
        stat = "t value" if g.use_sc else "z value"
        coefs = pd.DataFrame({"Estimate": fe.estimates, "Std. Error": fe.std_errors,
                              stat: fe.estimates / fe.std_errors, "Pr(>|z|)": g.p_values},
                             index=list(fe.names))
        return cls(coefs, printed.text, tuple(printed.messages), printed.shown)


def summary_text(fit: "GlmerFit", correlation: bool | None = None, digits: int = 4) -> GlmerSummary:
    """lme4's ``summary()`` of a GLMM (see :meth:`GlmerSummary.from_fit`)."""
    return GlmerSummary.from_fit(fit, correlation=correlation, digits=digits)


def print_text(fit: "GlmerFit") -> str:
    """lme4's ``print(fit)`` text of a GLMM, less the final newline Python's ``print`` adds."""
    return _without_final_newline(glmm_print_text(glmer_inputs(fit, summary=False)))
