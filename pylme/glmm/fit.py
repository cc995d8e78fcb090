"""``glmer()``: the glue of the GLMM stages (lme4: ``glmer`` in ``R/lmer.R``).

formula + data + family ─ gl_formula ─▶ GlmmInputs ─▶ Predictor + Response
        ─ optimize_glmer (initial PIRLS, stage 1, stage 2) ─▶ GlmerOptimum ─▶ GlmerFit
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..arguments import lmer_args
from ..blas_threads import single_blas_thread
from ..convergence import emit
from ..deviance import TermData
from ..errors import ArgumentError, DeprecatedUsageWarning, OptimizerWarning
from ..fit import _say_dropped_rows
from ..frozen import FrozenMap
from ..recording import capturing, record
from .control import as_glmer_control
from .families import family_from_arg
from .fitting import optimize_glmer
from .glformula import GlmmInputs, gl_formula
from .pirls import Response
from .predictor import Predictor

__all__ = ["glmer", "n_agq_arg"]

_GAUSSIAN_SHORTCUT = ("calling glmer() with family=gaussian (identity link) as a shortcut to lmer() is "
                      "deprecated; please call lmer() directly")


@capturing  # the fit's warnings kept with it when recorded (pylme.recording)
def glmer(
    formula: str,
    data: pd.DataFrame,
    family: Any = "gaussian",
    *,
    weights: Any = None,
    offset: Any = None,
    nAGQ: int = 1,
    control: Any = None,
    start: Any = None,
    na_action: str = "omit",
    contrasts: Mapping[str, Any] | None = None,
    verbose: int = 0,
    data_name: str | None = None,
):
    """Fit a generalized linear mixed model by maximum likelihood (lme4: ``glmer``).

    Parameters
    ----------
    formula : str
        An lme4 formula; a binomial response may be ``cbind(successes, failures)``, a
        0/1 or logical column, a factor (first level = failure) or a proportion with
        ``weights`` = trials.
    data : pandas.DataFrame
    family : str or Family
        ``"binomial"``, ``"poisson"``, ``"Gamma"``, ``"inverse.gaussian"``,
        ``"gaussian"``, or a family object from :mod:`pylme.families` (with its link,
        e.g. ``pylme.families.binomial(link="probit")``).  The default ``gaussian``
        (identity link) fits a linear mixed model with :func:`pylme.lmer` (REML), with
        lme4's deprecation warning.
    weights, offset : str or array-like, optional
        Prior weights and an offset (a column name or one value per row).
    nAGQ : int
        1: Laplace approximation (default); 0: optimize θ only, β from PIRLS (faster,
        less exact); > 1: adaptive Gauss–Hermite quadrature with that many nodes (one
        scalar random-effects term only, lme4's error otherwise).
    control : GlmerControl, optional
        lme4 ``glmerControl()``; an ``LmerControl`` is converted with lme4's warning.
    start : array-like or dict, optional
        θ start values, or ``{"theta": ..., "fixef": ...}``.
    na_action : {"omit", "exclude", "fail"}
    contrasts : dict, optional
        As for :func:`pylme.lmer`.
    verbose : int
    data_name : str, optional
        Name shown on the ``Data:`` line of ``summary()``.

    Returns
    -------
    GlmerFit, or LmerFit for ``family="gaussian"`` with the identity link.

    Raises
    ------
    ArgumentError, DataError, ControlError, FormulaError, ModelSpecError, NumericalError
        With lme4's texts where lme4 has one.
    """
    call_args = FrozenMap(dict(
        formula=formula, data=data, family=family, weights=weights, offset=offset, nAGQ=nAGQ,
        control=control, start=start, na_action=na_action, contrasts=contrasts, verbose=verbose,
        data_name=data_name))
    control, notes = as_glmer_control(control)
    for note in notes:
        warnings.warn(note, DeprecatedUsageWarning, stacklevel=2)
    fam = family_from_arg(family)
    if fam.family == "gaussian" and fam.link.name == "identity":
        warnings.warn(_GAUSSIAN_SHORTCUT, DeprecatedUsageWarning, stacklevel=2)
        from ..fit import lmer

        return lmer(formula, data, weights=weights, offset=offset, na_action=na_action, contrasts=contrasts,
                    start=start, verbose=verbose, data_name=data_name)
    n_agq = n_agq_arg(nAGQ)
    args = lmer_args(data, REML=False, weights=weights, offset=offset, na_action=na_action,
                     contrasts=contrasts, verbose=verbose, data_name=data_name)
    inputs = gl_formula(formula, args.data, fam, weights=args.weights, offset=args.offset,
                        na_action=args.na_action, contrasts=args.contrasts, control=control)
    _say_dropped_rows(inputs)
    if n_agq > 1:
        check_agq(inputs)
    predictor, resp = model_modules(inputs)
    with single_blas_thread():
        optimum = optimize_glmer(predictor, resp, inputs.mustart, control, n_agq, start, args.verbose)
    emit(optimum.conv)
    from ..results.glmer_model import GlmerFit

    return record(GlmerFit(inputs=inputs, predictor=predictor, resp=resp, optimum=optimum, control=control,
                    data_name=data_name, weights_name=weights if isinstance(weights, str) else None,
                    offset_name=offset if isinstance(offset, str) else None, call_args=call_args))


def model_modules(inputs: GlmmInputs) -> tuple[Predictor, Response]:
    """lme4's predictor and response modules (``merPredD``, ``glmResp``) for ``inputs``."""
    terms = [TermData(refs=t.group.codes, z=t.z, nlevels=t.nlevels) for t in inputs.re_terms.terms]
    predictor = Predictor(terms, inputs.X)
    resp = Response(y=inputs.y, weights=inputs.weights, n_trials=inputs.n_trials,
                    offset=inputs.base_offset, family=inputs.family)
    return predictor, resp


def n_agq_arg(nAGQ: Any) -> int:
    """glmer's ``nAGQ``: a single whole number >= 0.

    lme4 accepts more (a negative number acts as 0, 1.5 runs an undocumented rule);
    pylme refuses what is not a count instead of guessing.
    """
    if isinstance(nAGQ, bool) or not np.ndim(nAGQ) == 0:
        raise ArgumentError(f"nAGQ must be a single non-negative whole number, got {nAGQ!r}")
    try:
        value = float(nAGQ)
    except (TypeError, ValueError):
        raise ArgumentError(f"nAGQ must be a single non-negative whole number, got {nAGQ!r}") from None
    if not (np.isfinite(value) and value >= 0 and value == int(value)):
        raise ArgumentError(f"nAGQ must be a single non-negative whole number, got {nAGQ!r}")
    return int(value)


def check_agq(inputs: GlmmInputs) -> None:
    """lme4 ``updateGlmerDevfun``: quadrature needs one grouping factor with one scalar term."""
    re = inputs.re_terms
    if len(re.flist) != 1 or len(re.terms) != 1 or re.terms[0].p != 1:
        from ..errors import ModelSpecError

        raise ModelSpecError("nAGQ > 1 is only available for models with a single, scalar random-effects term")
