"""A glmer fit without one fixed-effect term (lme4: ``update(fit, ~ . - term)``, as
``drop1.merMod`` uses it for a ``glmerMod``).

lme4 re-runs the whole ``glmer`` call (both optimization stages, the fit's family,
nAGQ, control, weights and offset) on the original data with the term removed from
the formula; so does :func:`glmm_fit_without_term`, from the call the fit recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ArgumentError
from ..formula import bars, deparse

if TYPE_CHECKING:
    from ..results.glmer_model import GlmerFit

__all__ = ["glmm_formula_without", "glmm_fit_without_term"]


def glmm_formula_without(fit: "GlmerFit", term: str) -> str:
    """The formula of ``update(fit, ~ . - term)`` as text: response, the other fixed
    terms, the formula's ``offset()`` terms and the random-effects terms."""
    formula = fit.inputs.formula
    t = fit.inputs.X_full.terms
    fixed = [label for label in t.term_labels if label != term]
    fixed += [deparse(node) for node in t.offsets]
    if not t.intercept:
        fixed = ["0"] + fixed
    elif not fixed:
        fixed = ["1"]
    random = [f"({b})" for b in bars.find_bars(formula.rhs)]
    return f"{deparse(formula.lhs)} ~ " + " + ".join(fixed + random)


def glmm_fit_without_term(fit: "GlmerFit", term: str) -> "GlmerFit":
    """Refit ``fit`` without fixed-effect term ``term`` (lme4 ``update(fit, ~ . - term)``).

    Raises
    ------
    ArgumentError
        A fit that did not record its call (built outside :func:`pylme.glmer`).
    """
    from ..glmm.fit import glmer

    if fit.call_args is None:
        raise ArgumentError("this glmer fit did not record its call: it cannot be refitted without a term")
    args = dict(fit.call_args)
    args["formula"] = glmm_formula_without(fit, term)
    return glmer(**args)
