"""A fit without one fixed-effect term (lme4: ``update(fit, ~ . - term)``, as ``drop1`` uses it).

pylme fits do not keep the original data, only the model frame; every variable of
the reduced model is in that frame, so the reduced model is built on it: the same
rows, response, weights, offset and random effects, a new X, and a fresh fit from
lme4's default start with the fit's control and REML setting.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..design.checks import check_scale_x
from ..design.model_matrix import model_matrix
from ..design.rank import drop_rank_deficient
from ..formula import bars, deparse, parse_formula

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["fixed_rhs_without", "fit_without_term", "drop_scope"]


def drop_scope(fit: "LmerFit") -> list[str]:
    """Terms that no other term contains (R ``drop.scope(terms(fit))``)."""
    t = fit.inputs.X_full.terms
    present = t.factors > 0
    out = []
    for i, label in enumerate(t.term_labels):
        overlap = present[:, i].astype(int) @ present.astype(int)  # crossprod(factors > 0)[i, ]
        others = [overlap[j] for j in range(len(t.term_labels)) if j != i]
        if not others or max(others) != overlap[i]:
            out.append(label)
    return out


def fixed_rhs_without(fit: "LmerFit", term: str) -> str:
    """The fixed part of ``update(formula, ~ . - term)`` as R formula text."""
    t = fit.inputs.X_full.terms
    labels = [lab for lab in t.term_labels if lab != term]
    if not t.intercept:
        return " + ".join(["0"] + labels)
    return " + ".join(labels) if labels else "1"


def _formula_text(fit: "LmerFit", rhs: str) -> str:
    lhs = fit.inputs.formula.lhs
    random = [f"({b})" for b in bars.find_bars(fit.inputs.formula.rhs)]
    return f"{deparse(lhs)} ~ " + " + ".join([rhs] + random)


def fit_without_term(fit: "LmerFit", term: str) -> "LmerFit":
    """Refit ``fit`` without fixed-effect term ``term`` (lme4 ``update(fit, ~ . - term)``)."""
    from ..convergence import check_conv, emit
    from ..fit import make_problem, single_blas_thread, start_theta
    from ..optimize import optimize_lmer
    from ..results.model import LmerFit

    inputs, control = fit.inputs, fit.control
    rhs = fixed_rhs_without(fit, term)
    spec = _contrast_spec(inputs.X_full.contrast_matrices, rhs)
    X_full = model_matrix(rhs, inputs.frame, contrasts=spec)
    rank_drop = drop_rank_deficient(X_full.values, X_full.columns, control.check_rankX)
    X, scale_message = check_scale_x(X_full.values[:, rank_drop.keep], control)
    reduced = dataclasses.replace(
        inputs, formula=parse_formula(_formula_text(fit, rhs)), X_full=X_full, rank_drop=rank_drop,
        X=X, fit_messages=tuple(m for m in (rank_drop.message, scale_message) if m))
    lower = reduced.re_terms.lower
    with single_blas_thread():
        problem = make_problem(reduced)
        theta0 = start_theta(reduced)
        problem.objective(theta0)
        opt = optimize_lmer(problem.objective, theta0, lower, control)
        solution = problem.evaluate(opt.par)
    conv = check_conv(opt.derivs, opt.par, lower, control)
    emit(conv)
    return LmerFit(inputs=reduced, problem=problem, opt=opt, conv=conv, solution=solution,
                   theta_start=theta0, control=control, data_name=fit.data_name,
                   weights_name=fit.weights_name, offset_name=fit.offset_name)


def _contrast_spec(matrices: dict, rhs: str) -> dict:
    """The original fit's contrasts, limited to the factors still in the model (R's
    ``update`` keeps the ``contrasts`` argument; absent variables would only warn)."""
    from ..design.model_matrix import as_terms

    names = as_terms(rhs).variable_names
    keep = set(names) | {n.strip("`") for n in names}
    return {name: c for name, c in matrices.items() if name in keep}
