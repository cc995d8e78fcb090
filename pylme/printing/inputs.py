"""Plain-number inputs of the lme4 print layouts.

These frozen dataclasses are the whole contract between a fitted model and
the text it prints: the fitting code fills them, :mod:`pylme.printing.layout`
and friends turn them into R's exact output.  Array fields accept any
sequence and are stored as read-only ``float64`` NumPy arrays; string-list
fields accept a string or a sequence and are stored as tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

__all__ = [
    "VarCorrTerm", "VarCorrInputs", "CallInfo", "Criteria", "FixedEffectsTable",
    "OptimizerInfo", "MerModInputs", "RanefGroup", "AnovaTable", "PrintedText",
    "fixef_correlation", "cov2cor",
]


def _frozen_array(values, ndim: int) -> np.ndarray:
    arr = np.array(values, dtype=float, copy=True)
    if arr.ndim != ndim:
        arr = arr.reshape((-1,) if ndim == 1 else (int(round(arr.size ** 0.5)),) * 2)
    arr.setflags(write=False)
    return arr


def _lines(value) -> Optional[tuple[str, ...]]:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _set(obj, name: str, value) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class VarCorrTerm:
    """One element of lme4's ``VarCorr(fit)`` (one random-effects term).

    Attributes
    ----------
    group : str
        The list name R prints in the ``Groups`` column, i.e.
        ``names(VarCorr(fit))[i]``: the grouping factor (``"Subject"``,
        ``"cask:batch"``), made unique by ``make.names`` when several terms
        share a factor (``"Subject"``, ``"Subject.1"``).
    names : tuple of str
        Component names, ``colnames`` of the term's covariance matrix
        (``"(Intercept)"``, ``"Days"``, ``"I(Days^2)"``).
    stddev : ndarray, shape (k,)
        ``attr(, "stddev")``: standard deviations (sigma-scaled).
    correlation : ndarray, shape (k, k)
        ``attr(, "correlation")``; defaults to the identity.  NaN where a
        standard deviation is zero, as R has it.
    """

    group: str
    names: tuple[str, ...]
    stddev: np.ndarray
    correlation: Optional[np.ndarray] = None

    def __post_init__(self):
        _set(self, "names", _lines(self.names))
        _set(self, "stddev", _frozen_array(self.stddev, 1))
        k = len(self.stddev)
        corr = np.eye(k) if self.correlation is None else self.correlation
        _set(self, "correlation", _frozen_array(corr, 2).reshape(k, k))


@dataclass(frozen=True)
class VarCorrInputs:
    """``VarCorr(fit)``: the terms in lme4's order plus the residual SD.

    Attributes
    ----------
    terms : tuple of VarCorrTerm
    residual_sd : float or None
        ``attr(, "sc")`` = sigma(fit), printed as the ``Residual`` row;
        ``None`` for models without a scale parameter (``useSc = FALSE``).
    """

    terms: tuple[VarCorrTerm, ...]
    residual_sd: Optional[float] = None

    def __post_init__(self):
        _set(self, "terms", tuple(self.terms))


@dataclass(frozen=True)
class CallInfo:
    """The deparsed arguments of the ``lmer()`` call that print shows.

    Each field is ``deparse(call$<arg>)`` -- one string per deparse line
    (long formulas deparse to several) -- or ``None`` when the argument was
    not given (the line is then omitted).

    Attributes
    ----------
    formula : tuple of str
    data : tuple of str or None
        Shown as ``   Data: ...``; ``None`` (no ``data=``) omits the line.
    weights, offset, subset : tuple of str or None
    control : tuple of str or None
        Shown by ``summary`` only and not when it deparses to
        ``"lmerControl()"``.
    """

    formula: tuple[str, ...]
    data: Optional[tuple[str, ...]] = None
    weights: Optional[tuple[str, ...]] = None
    offset: Optional[tuple[str, ...]] = None
    control: Optional[tuple[str, ...]] = None
    subset: Optional[tuple[str, ...]] = None

    def __post_init__(self):
        for name in ("formula", "data", "weights", "offset", "control", "subset"):
            _set(self, name, _lines(getattr(self, name)))


@dataclass(frozen=True)
class Criteria:
    """lme4's ``llikAIC(fit)$AICtab``.

    Attributes
    ----------
    reml : bool
        REML fit (``isREML``): only ``reml_criterion`` is printed; otherwise
        the ``AIC BIC logLik deviance df.resid`` table.
    reml_criterion : float or None
        ``devcomp$cmp[["REML"]]`` (REML fits).
    aic, bic, loglik, deviance : float or None
        ML fits: ``AIC``, ``BIC``, ``logLik``, ``deviance`` (the ML deviance).
    df_resid : float or None
        ML fits: ``df.residual(fit)`` = n - npar.
    """

    reml: bool
    reml_criterion: Optional[float] = None
    aic: Optional[float] = None
    bic: Optional[float] = None
    loglik: Optional[float] = None
    deviance: Optional[float] = None
    df_resid: Optional[float] = None


@dataclass(frozen=True)
class FixedEffectsTable:
    """Fixed-effect estimates for the ``Fixed effects:`` blocks.

    Attributes
    ----------
    names : tuple of str
        ``names(fixef(fit))`` (dropped rank-deficient columns excluded).
    estimates : ndarray, shape (p,)
    std_errors : ndarray, shape (p,)
        ``sqrt(diag(vcov(fit)))``; the t values are ``estimates / std_errors``.
    correlation : ndarray, shape (p, p), or None
        Correlation of the estimates (see :func:`fixef_correlation`); needed
        only when the summary shows it (p <= 12 or ``correlation=True``).
    """

    names: tuple[str, ...]
    estimates: np.ndarray
    std_errors: np.ndarray
    correlation: Optional[np.ndarray] = None

    def __post_init__(self):
        _set(self, "names", _lines(self.names) or ())
        _set(self, "estimates", _frozen_array(self.estimates, 1))
        _set(self, "std_errors", _frozen_array(self.std_errors, 1))
        if self.correlation is not None:
            p = len(self.names)
            _set(self, "correlation", _frozen_array(self.correlation, 2).reshape(p, p))


@dataclass(frozen=True)
class OptimizerInfo:
    """``fit@optinfo`` as ``.prt.warn`` uses it.

    Attributes
    ----------
    optimizer : str
        ``optinfo$optimizer`` (``"nloptwrap"``, ``"bobyqa"``...).
    code : int
        ``optinfo$conv$opt``; 0 prints ``(OK)``.
    message : str or None
        ``optinfo$message``, printed in parentheses when ``code != 0``.
    lme4_messages : tuple of str
        ``unlist(optinfo$conv$lme4$messages)`` (convergence / singularity).
    warnings : tuple of str
        ``optinfo$warnings`` (optimizer warnings).
    """

    optimizer: Optional[str] = "nloptwrap"  # None: lme4 fits with optimizer = NULL
    code: int = 0
    message: Optional[str] = None
    lme4_messages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __post_init__(self):
        _set(self, "lme4_messages", _lines(self.lme4_messages) or ())
        _set(self, "warnings", _lines(self.warnings) or ())


@dataclass(frozen=True)
class MerModInputs:
    """Everything ``print(fit)`` and ``print(summary(fit))`` show.

    Attributes
    ----------
    call : CallInfo
    criteria : Criteria
    varcorr : VarCorrInputs
    nobs : int
        ``devcomp$dims[["n"]]``.
    ngrps : tuple of (str, int)
        ``ngrps(fit)``: (grouping factor name, number of levels) in
        ``flist`` order.
    fixef : FixedEffectsTable
    optinfo : OptimizerInfo
    scaled_residuals : ndarray or None
        ``residuals(fit, "pearson", scaled = TRUE)`` (summary only); their
        type-7 quantiles are computed here.
    fit_messages : tuple of str
        lme4's ``.merMod.msgs(fit)``: the ``msg*`` attributes of X, e.g.
        ``"fixed-effect model matrix is rank deficient so dropping 1 column / coefficient"``.
    class_name : str
        ``class(fit)``, shown in the title.
    """

    call: CallInfo
    criteria: Criteria
    varcorr: VarCorrInputs
    nobs: int
    ngrps: tuple[tuple[str, int], ...]
    fixef: FixedEffectsTable
    optinfo: OptimizerInfo = field(default_factory=OptimizerInfo)
    scaled_residuals: Optional[np.ndarray] = None
    fit_messages: tuple[str, ...] = ()
    class_name: str = "lmerMod"

    def __post_init__(self):
        _set(self, "ngrps", tuple((str(n), int(k)) for n, k in self.ngrps))
        _set(self, "fit_messages", _lines(self.fit_messages) or ())
        if self.scaled_residuals is not None:
            _set(self, "scaled_residuals", _frozen_array(self.scaled_residuals, 1))


@dataclass(frozen=True)
class RanefGroup:
    """One data frame of ``ranef(fit)`` (one grouping factor).

    Attributes
    ----------
    group : str
        Grouping factor name (list name; non-syntactic names get backticks).
    columns : tuple of str
        Column names (``cnms``), e.g. ``"(Intercept)"``, ``"Days"``.
    levels : tuple of str
        Row names: the factor levels.
    values : ndarray, shape (n_levels, n_columns)
        Conditional modes.
    has_condvar : bool
        Whether ``attr(, "postVar")`` is present (``condVar = TRUE``).
    """

    group: str
    columns: tuple[str, ...]
    levels: tuple[str, ...]
    values: np.ndarray
    has_condvar: bool = True

    def __post_init__(self):
        _set(self, "columns", _lines(self.columns))
        _set(self, "levels", _lines(self.levels))
        arr = np.array(self.values, dtype=float, copy=True).reshape(len(self.levels), len(self.columns))
        arr.setflags(write=False)
        _set(self, "values", arr)


@dataclass(frozen=True)
class AnovaTable:
    """An object of class ``anova`` (a data frame with a heading).

    Attributes
    ----------
    heading : tuple of str
        ``attr(, "heading")``, e.g. ``("Data: sleepstudy", "Models:",
        "fm1: Reaction ~ Days + (1 | Subject)", ...)``.
    row_names : tuple of str
    columns : tuple of str
        e.g. ``npar AIC BIC logLik deviance Chisq Df Pr(>Chisq)``.
    values : ndarray, shape (rows, columns)
        ``R_NA`` (or NaN) for missing cells.
    """

    heading: tuple[str, ...]
    row_names: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray

    def __post_init__(self):
        _set(self, "heading", _lines(self.heading) or ())
        _set(self, "row_names", _lines(self.row_names))
        _set(self, "columns", _lines(self.columns))
        arr = np.array(self.values, dtype=float, copy=True).reshape(len(self.row_names), len(self.columns))
        arr.setflags(write=False)
        _set(self, "values", arr)


@dataclass(frozen=True)
class PrintedText:
    """What an R print call emits.

    Attributes
    ----------
    text : str
        Standard output, exactly (trailing blanks and final newline kept): what
        ``capture.output()`` gives.
    messages : tuple of str
        ``message()`` texts sent to standard error, each ending in newline.
    console : str or None
        Standard output and standard error as an R console shows them, each message
        where the print method sends it; None when that is ``text`` (no message).
    """

    text: str
    messages: tuple[str, ...] = ()
    console: Optional[str] = None

    @property
    def shown(self) -> str:
        """What an R console shows: ``console``, or ``text`` when there is no message."""
        return self.text if self.console is None else self.console


def fixef_correlation(vcov) -> np.ndarray:
    """Correlation of the fixed effects as lme4 stores it
    (``as(vcov, "corMatrix")`` in Matrix 1.5: ``D^-1 V D^-1`` with
    ``D = diag(sqrt(diag(V)))``, evaluated as ``(V_ij / sd_i) / sd_j``
    through multiplication by ``1/sd``; the diagonal is not forced to 1)."""
    v = np.asarray(vcov, dtype=float)
    inv = 1.0 / np.sqrt(np.diag(v))
    return (v * inv[:, None]) * inv[None, :]


def cov2cor(vcov) -> np.ndarray:
    """Base R's ``cov2cor(V)``: ``Is * V * rep(Is, each = p)`` with
    ``Is = sqrt(1/diag(V))`` and an exact unit diagonal.  lme4 falls back to
    it when ``print(summary(fit), correlation = TRUE)`` is asked for p > 12."""
    v = np.asarray(vcov, dtype=float)
    inv_sd = np.sqrt(1.0 / np.diag(v))
    r = (inv_sd[:, None] * v) * inv_sd[None, :]
    np.fill_diagonal(r, 1.0)
    return r
