"""``lmer()``: the glue of pylme's stages (lme4: ``lmer`` in ``R/lmer.R``).

formula + data ─ l_formula ─▶ LmmInputs ─ make_problem ─▶ DevianceProblem
              ─ optimize_lmer ─▶ OptResult ─ check_conv ─▶ LmerFit
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .blas_threads import single_blas_thread  # also imported from here by refit/inference
from .arguments import check_start_bounds, devfun_theta, lmer_args, start_arg
from .control import LmerControl, as_control
from .convergence import check_conv, emit
from .degenerate import perfect_fit_conv
from .deviance import DevianceProblem, TermData, make_deviance
from .design.lformula import LmmInputs, l_formula
from .errors import MissingDataMessage, OptimizerError
from .frozen import FrozenMap
from .optimize import OptResult, optimize_lmer
from .polish import mirror_before_derivs, polish
from .recording import capturing, record
from .results.model import LmerFit
from .rstats import r_ave, r_sum, r_var

__all__ = ["lmer", "devfun", "start_theta", "group_means", "DevFun"]


@capturing  # the fit's warnings kept with it when recorded (pylme.recording)
def lmer(
    formula: str,
    data: pd.DataFrame,
    REML: bool = True,
    *,
    weights: Any = None,
    offset: Any = None,
    na_action: str = "omit",
    contrasts: Mapping[str, Any] | None = None,
    control: LmerControl | None = None,
    start: Any = None,
    verbose: int = 0,
    data_name: str | None = None,
) -> LmerFit:
    """Fit a linear mixed model by REML or maximum likelihood (lme4: ``lmer``).

    Parameters
    ----------
    formula : str
        An lme4 formula, e.g. ``"Reaction ~ Days + (Days | Subject)"``.
    data : pandas.DataFrame
        The data; factor columns are pandas Categoricals (their level order is kept).
        A mapping of equal-length columns is read as a DataFrame (R's named list).
    REML : bool
        REML (default) or maximum likelihood.  A model without fixed effects is
        always fitted by ML, as in lme4.  Read as R's ``if (REML)``: numbers (0 is
        False) and ``"TRUE"``/``"FALSE"``/``"T"``/``"F"``/``"true"``/``"false"`` count.
    weights, offset : str or array-like, optional
        Prior weights and an offset: a column name of ``data`` or one value per row
        (an ``(n, 1)`` array counts as a vector; NaN drops the row, as R's NA).
    na_action : {"omit", "exclude", "fail"}
        R's ``na.omit`` (default), ``na.exclude`` (fitted values and residuals are
        padded with NaN) or ``na.fail``; R's names (``"na.omit"``) and unique
        prefixes are accepted.
    contrasts : dict, optional
        Contrasts per factor of the fixed part, as lme4 passes ``contrasts`` to R's
        ``model.matrix(contrasts.arg =)``: a contrast name (``"contr.treatment"``,
        ``"contr.sum"``, ``"contr.helmert"``, ``"contr.poly"``, ``"contr.SAS"``, matched
        exactly), a numeric matrix (one row per level, every column kept; a DataFrame's
        column labels name X's columns), a numeric vector (completed to ``nlevels - 1``
        columns with R's QR), or a callable taking the number of levels (R's contrast
        function, e.g. :func:`pylme.design.contrasts.contr_sum`); see
        :func:`pylme.design.contrast_spec.resolve_contrast` for every accepted value.
        Applied in R's order: a name that is no variable of the fixed part warns and is
        ignored, a numeric variable (the response too) or a bad value is an error, and a
        name is looked up only for a factor some term codes by contrasts (``~ 0 + f``
        codes ``f`` by indicators and never looks its name up).  Anything but a mapping
        is ignored with R's warning.
    control : LmerControl, optional
        Optimizer and check settings (lme4 ``lmerControl()``).
    start : array-like or dict, optional
        Starting θ: a vector, or ``{"theta": vector}`` (a ``"fixef"`` entry is ignored,
        as lme4's ``lmer`` does).  Diagonal elements must be >= 0 for the optimizers.
    verbose : int
        Print the optimizer's trace (as lme4's ``verbose``: ``as.integer(verbose)``;
        1 prints the criterion, 3 also θ).
    data_name : str, optional
        Name shown on the ``Data:`` line of ``summary()``; the line is left out otherwise.

    Returns
    -------
    LmerFit
        The fitted model (immutable).

    Raises
    ------
    ArgumentError, DataError, ControlError, OptimizerError, FormulaError, ModelSpecError
        Bad arguments, with R's / lme4's text first (see :mod:`pylme.arguments`).

    Warns
    -----
    DataCheckWarning, ConvergenceWarning
        A response the fixed effects fit exactly (e.g. a constant one): the criterion
        is -Inf at every θ; the fit is returned as lme4 returns it (σ = 0) with lme4's
        two convergence warnings (see :mod:`pylme.degenerate`).
    """
    call_args = FrozenMap(dict(
        formula=formula, data=data, REML=REML, weights=weights, offset=offset, na_action=na_action,
        contrasts=contrasts, control=control, start=start, verbose=verbose, data_name=data_name))
    control = _check_control(control)
    args = lmer_args(data, REML=REML, weights=weights, offset=offset, na_action=na_action,
                     contrasts=contrasts, verbose=verbose,
                     data_name=data_name)  # R's checks and coercions, first
    inputs = l_formula(formula, args.data, REML=args.REML, weights=args.weights, offset=args.offset,
                       na_action=args.na_action, contrasts=args.contrasts, control=control)
    _say_dropped_rows(inputs)
    # One BLAS thread: the per-evaluation factorizations are small enough that a second
    # thread mostly spins, and the iterates must not depend on the thread count.
    with single_blas_thread():
        problem = make_problem(inputs)
        theta0 = start_theta(inputs, start)
        check_start_bounds(theta0, inputs.re_terms.lower, control.optimizer)
        opt = _optimize(problem, theta0, inputs.re_terms.lower, control, args.verbose)
        solution = problem.evaluate(opt.par)
    conv = (perfect_fit_conv(problem, opt.par, inputs.re_terms.lower, control)
            or check_conv(opt.derivs, opt.par, inputs.re_terms.lower, control))
    emit(conv)
    return record(LmerFit(inputs=inputs, problem=problem, opt=opt, conv=conv,
                   solution=solution, theta_start=theta0,
                   control=control, data_name=data_name,
                   weights_name=weights if isinstance(weights, str) else None,
                   offset_name=offset if isinstance(offset, str) else None,
                   call_args=call_args))


class DevFun:
    """The profiled deviance / REML criterion as a function of θ (lme4: ``devFunOnly = TRUE``).

    Calling it never changes any fitted model: it owns its own deviance problem.

    Attributes
    ----------
    theta0, lower : ndarray
        lme4's start values and lower bounds of θ.
    theta_names : tuple of str
        lme4's names of the θ components.
    """

    def __init__(self, inputs: LmmInputs, problem: DevianceProblem, theta0: np.ndarray):
        self.inputs, self._problem, self.theta0 = inputs, problem, theta0
        self.lower = inputs.re_terms.lower.copy()
        self.theta_names = inputs.re_terms.theta_names

    def __call__(self, theta: Any) -> float:
        theta = devfun_theta(theta, self.theta0.size)
        if not np.all(np.isfinite(theta)):
            return float("nan")  # lme4's devfun returns NaN at a NaN or infinite θ
        return self._problem.objective(theta)


def devfun(
    formula: str,
    data: pd.DataFrame,
    REML: bool = True,
    *,
    weights: Any = None,
    offset: Any = None,
    na_action: str = "omit",
    contrasts: Mapping[str, Any] | None = None,
    control: LmerControl | None = None,
    start: Any = None,
) -> DevFun:
    """Build the deviance function without optimizing (lme4: ``lmer(..., devFunOnly = TRUE)``).

    Parameters
    ----------
    formula, data, REML, weights, offset, na_action, contrasts, control, start
        As for :func:`lmer` (checked the same way); ``start`` becomes ``theta0``.

    Returns
    -------
    DevFun
        The criterion as a function of θ.
    """
    control = _check_control(control)
    args = lmer_args(data, REML=REML, weights=weights, offset=offset, na_action=na_action,
                     contrasts=contrasts)
    inputs = l_formula(formula, args.data, REML=args.REML, weights=args.weights, offset=args.offset,
                       na_action=args.na_action, contrasts=args.contrasts, control=control)
    problem = make_problem(inputs)
    return DevFun(inputs, problem, start_theta(inputs, start))


def make_problem(inputs: LmmInputs) -> DevianceProblem:
    """The deviance problem of ``inputs`` (lme4: ``mkLmerDevfun``)."""
    terms = [TermData(refs=t.group.codes, z=t.z, nlevels=t.nlevels) for t in inputs.re_terms.terms]
    return make_deviance(terms, inputs.X, inputs.y, inputs.weights, inputs.offset, reml=inputs.REML)


def start_theta(inputs: LmmInputs, start: Any = None) -> np.ndarray:
    """Initial θ (lme4: ``getStart`` and the intercept-only heuristic of ``mkLmerDevfun``).

    With no ``start`` and only ``(1 | f)`` terms on distinct factors, θ_j starts at
    ``sqrt(var(ave(y, f_j)) / (var(y) − Σ_k var(ave(y, f_k))))`` when that residual
    variance is positive; otherwise at 1 on diagonals and 0 elsewhere.
    """
    re = inputs.re_terms
    k = re.theta0.size
    user = start_arg(start, k)
    if user is not None:
        return user
    if start is not None:  # a start list without theta: lme4's 1/0 start, no heuristic (not NULL)
        return re.theta0.copy()
    intercepts_only = all(t.cnms == ("(Intercept)",) for t in re.terms)
    if not (intercepts_only and len(re.flist) == k):
        return re.theta0.copy()
    # R's mean/var to the last bit: a start one ulp off changes BOBYQA's path
    integer = inputs.y_is_integer
    group_means_var = np.array([r_var(group_means(inputs.y, f.codes, integer)) for f in re.flist.values()])
    residual_var = r_var(inputs.y) - float(r_sum(group_means_var))
    if np.isfinite(residual_var) and residual_var > 0:
        return np.sqrt(group_means_var / residual_var)
    return re.theta0.copy()


def group_means(y: np.ndarray, codes: np.ndarray, integer: bool = False) -> np.ndarray:
    """R's ``ave(y, f)`` to the last bit, as :func:`pylme.rstats.r_ave`, vectorised over the groups.

    Each group's mean is R's ``mean()``: a sequential long-double sum over the group's
    rows in their order, divided by the count, then (for doubles) the long-double
    correction pass.  Instead of one pass per group (thousands of small NumPy calls
    for InstEval's 2,972 students), the groups' sums are formed together with the same
    additions in the same order per group (:func:`_grouped_sums`).  A design with a few
    huge groups keeps the per-group loop.
    """
    codes = np.asarray(codes)
    y = np.asarray(y, dtype=float)
    if codes.size == 0 or codes.min() < 0:
        return r_ave(y, codes, integer)
    counts = np.bincount(codes)
    sizes = counts[counts > 0]
    if sizes.max() > 4 * sizes.size + 64:  # few, large groups: the per-group loop is cheaper
        return r_ave(y, codes, integer)
    order = np.argsort(codes, kind="stable")  # rows of a group stay in their order
    values = y[order].astype(np.longdouble)
    group = np.repeat(np.arange(sizes.size), sizes)
    mean = _grouped_sums(values, group, sizes) / sizes
    if not integer:
        finite = np.isfinite(mean)
        correction = _grouped_sums(values - np.where(finite, mean, 0)[group], group, sizes) / sizes
        mean = np.where(finite, mean + correction, mean)
    out = np.empty_like(y)
    out[order] = np.repeat(mean.astype(float), sizes)
    return out


def _grouped_sums(values: np.ndarray, group: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Every group's sequential long-double sum (R's ``sum``), ``values`` sorted by group.

    Small designs: one row per group (a leading 0, the values in their order, 0s after),
    summed by one running sum along the rows — the same additions as R's, since adding 0
    changes no sum.  Otherwise the k-th value of every group still running is added in
    one step, for k up to the largest group (the groups taken largest first, so those
    still running form a prefix).
    """
    ngroups, width = sizes.size, int(sizes.max())
    starts = np.cumsum(sizes) - sizes
    if ngroups * (width + 1) <= 4 * values.size + 4096:
        padded = np.zeros((ngroups, width + 1), dtype=np.longdouble)
        padded[group, np.arange(values.size) - starts[group] + 1] = values
        return np.cumsum(padded, axis=1)[:, -1]
    by_size = np.argsort(-sizes, kind="stable")
    ordered_sizes, ordered_starts = sizes[by_size], starts[by_size]
    running = np.searchsorted(-ordered_sizes, -np.arange(width), side="left")  # groups with > k rows
    acc = np.zeros(ngroups, dtype=np.longdouble)
    for k, m in enumerate(running):
        acc[:m] += values[ordered_starts[:m] + k]
    out = np.empty(ngroups, dtype=np.longdouble)
    out[by_size] = acc
    return out


def _say_dropped_rows(inputs: LmmInputs) -> None:
    dropped = len(inputs.frame.dropped)
    if dropped:
        warnings.warn(
            f"{dropped} row{'s' if dropped != 1 else ''} with missing values dropped "
            f"(na_action='{inputs.frame.na_action}'); {inputs.n} observations used",
            MissingDataMessage, stacklevel=3)


def _check_control(control: Any) -> LmerControl:
    return as_control(control)


def _optimize(problem: DevianceProblem, theta0, lower, control: LmerControl, verbose: int) -> OptResult:
    problem.objective(theta0)  # lme4 evaluates once at the start ("to ensure all values are set")
    if control.optimizer is None:
        return OptResult(par=theta0.copy(), fval=float(problem.objective(theta0)), feval=0,
                         conv=1000, message="no optimization", optimizer=None)
    judge = _accurate_objective(problem)
    try:
        opt = optimize_lmer(problem.objective, theta0, lower, control, verbose=int(verbose),
                            judge=judge, threadsafe=True,  # documented thread-safe
                            before_derivs=mirror_before_derivs(problem.objective, lower, control,
                                                               int(verbose), judge))
    except KeyError as exc:  # an unknown optimizer name slipped past LmerControl
        raise OptimizerError(f"couldn't find optimizer function {exc}") from None
    return polish(problem.objective, opt, lower, control, int(verbose), judge=judge)


def _accurate_objective(problem: DevianceProblem):
    """The criterion with pwrss from explicit residuals (lme4's own way, O(n)).

    The fast path takes pwrss from the last Cholesky pivot, a difference of cross-products
    that loses a few digits when the random effects explain most of the variance; the
    boundary snap decides on differences of that size (lme4's strict ``<``), so it is
    judged here, as lme4 computes it.
    """
    return lambda theta: problem.evaluate(theta).objective
