"""Every exception and warning pylme raises, in one place.

The hierarchy follows the pipeline stages (formula -> data -> model structure ->
numerics -> convergence), so a caller can catch a whole stage.  Where lme4 has a
message for a condition, pylme uses lme4's exact text (R: ``stop()``/``warning()``/
``message()`` in ``lme4/R/modular.R``, ``utilities.R``, ``checkConv.R``); the
conformance harness compares those texts with what R prints.

lme4 signals three kinds of condition: errors, warnings and messages.  Errors are
exceptions here; warnings are :class:`PylmeWarning` subclasses; lme4's
*messages* (``message()`` in R, e.g. the singular-fit note or the rank-deficiency
note) are :class:`PylmeMessage` warnings, so ``warnings.simplefilter`` can silence
or escalate them like any warning.
"""

from __future__ import annotations

__all__ = [
    "PylmeError",
    "FormulaError",
    "FormulaSyntaxError",
    "DataError",
    "UnknownVariableError",
    "ModelSpecError",
    "ControlError",
    "NumericalError",
    "OptimizerError",
    "PylmeWarning",
    "PylmeMessage",
    "DataCheckWarning",
    "RankDeficiencyMessage",
    "ScaleWarning",
    "ConvergenceWarning",
    "SingularFitMessage",
    "OptimizerWarning",
    "DeprecatedUsageWarning",
    "MissingDataMessage",
    "ArgumentError",
    "UnknownDatasetError",
    "UnsupportedModelError",
]


class PylmeError(Exception):
    """Base class of every error pylme raises on purpose."""


# --- formula stage ------------------------------------------------------------
class FormulaError(PylmeError, ValueError):
    """The formula is not one pylme can fit (unknown function, no random effects, ...)."""


class FormulaSyntaxError(FormulaError):
    """The formula text does not parse; the message points at the offending position.

    Attributes
    ----------
    formula : str
        The formula text.
    position : int
        0-based character offset of the problem in ``formula``.
    """

    def __init__(self, message: str, formula: str = "", position: int = -1):
        self.formula = formula
        self.position = position
        if formula and position >= 0:
            message = f"{message}\n  {formula}\n  {' ' * position}^"
        super().__init__(message)


# --- data stage ---------------------------------------------------------------
class DataError(PylmeError, ValueError):
    """The data cannot be used: wrong type, empty, NA under ``na_action='fail'``, bad weights."""


class UnknownVariableError(DataError):
    """A variable named in the formula (or as weights/offset) is not a column of ``data``."""


# --- model structure (lme4's check.* knobs) -------------------------------------
class ModelSpecError(PylmeError, ValueError):
    """A structural check failed (lme4: ``checkNlevels``, ``checkZdims``, ``chkRank.drop.cols``...)."""


class ControlError(PylmeError, ValueError):
    """An invalid :class:`~pylme.control.LmerControl` setting (lme4: ``checkCtrlLevels``)."""


# --- numerics -------------------------------------------------------------------
class NumericalError(PylmeError, ArithmeticError):
    """A factorization failed (lme4: ``Downdated VtV is not positive definite``)."""


class OptimizerError(PylmeError, RuntimeError):
    """The optimizer could not be run (bad start values, unknown optimizer, NLopt failure)."""


# --- warnings and messages ---------------------------------------------------------
class PylmeWarning(UserWarning):
    """Base class of pylme's warnings (lme4's ``warning()`` calls)."""


class PylmeMessage(PylmeWarning):
    """An lme4 ``message()``: informative, not a problem by itself."""


class DataCheckWarning(PylmeWarning):
    """A structural check configured as ``"warning"`` (lme4 ``check.*`` knobs)."""


class RankDeficiencyMessage(PylmeMessage):
    """Columns of X were dropped because X is rank deficient (lme4 ``chkRank.drop.cols``)."""


class ScaleWarning(PylmeWarning):
    """Predictor columns are on very different scales (lme4 ``checkScaleX``)."""


class ConvergenceWarning(PylmeWarning):
    """A convergence check failed (lme4 ``checkConv``: gradient, Hessian)."""


class SingularFitMessage(PylmeMessage):
    """The fit is singular: some variance component is on the boundary (lme4 ``isSingular``).

    Deliberate deviation from lme4's text: the message reads ``boundary (singular) fit:
    see help(pylme.isSingular)`` where lme4 says ``see help('isSingular')`` (an R help
    page; Python's ``help('isSingular')`` finds nothing).  The same text is in
    ``fit.conv.messages`` and in the summary's optimizer lines.
    :data:`pylme.convergence.LME4_WORDING` maps each such pylme-specific substring to
    lme4's original (:func:`pylme.convergence.lme4_wording` applies it).
    """


class OptimizerWarning(PylmeWarning):
    """The optimizer returned a non-zero convergence code (lme4 ``optwrap``)."""


class DeprecatedUsageWarning(PylmeWarning, DeprecationWarning):
    """Usage lme4 deprecates (e.g. ``deviance()`` of a REML fit)."""


class MissingDataMessage(PylmeMessage):
    """Rows with missing values were dropped (``na_action="omit"``/``"exclude"``).

    lme4 drops them silently; pylme says so (a deliberate deviation), and ``summary()``
    ends with the count, as R's ``summary.lm`` does.
    """


class ArgumentError(PylmeError, ValueError):
    """An argument R would reject (lme4's ``if (REML)``, ``match.arg``, ``stopifnot`` texts).

    Raised by :mod:`pylme.arguments` for flags that R's ``if`` cannot read (``"abc"``,
    ``None``, ``NaN``, several values), string options with no unique (partial) match,
    and values of the wrong type, with R's own wording first.
    """


class UnknownDatasetError(DataError, KeyError):
    """:func:`pylme.datasets.load` was given a name that is not a shipped dataset.

    Also a :class:`KeyError` (a name lookup that failed), whose message is printed
    without the quotes ``KeyError`` adds.
    """

    def __str__(self) -> str:
        return Exception.__str__(self)


class UnsupportedModelError(ArgumentError, TypeError):
    """An object pylme cannot use as a fitted model where R would dispatch on its class.

    Raised by :func:`pylme.anova` for arguments that are neither pylme fits nor the
    statsmodels results it reads as R's ``lm``/``glm`` (R: ``anova.merMod`` accepts
    ``merMod`` and ``lm`` objects only), and for statsmodels families R's ``logLik.glm``
    has no likelihood for.  Also a :class:`TypeError`: the object's class is the problem.
    """
