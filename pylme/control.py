"""Fitting options with lme4's defaults (lme4: ``lmerControl()``, ``R/lmerControl.R``).

Check policies are data: each ``check_*`` field holds the action lme4 would take
(``"stop"``, ``"warning"``, ``"message"``, ``"ignore"``, ...), and
:func:`apply_action` turns a failed check into the matching exception, warning or
message.  Field names are lme4's with ``.`` replaced by ``_``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import ControlError, DataCheckWarning, ModelSpecError, PylmeMessage

__all__ = ["ConvCheck", "LmerControl", "apply_action"]

_BASIC = ("message", "warning", "stop", "ignore")
_VALID = {
    "check_nobs_vs_rankZ": ("ignore", "warningSmall", "stopSmall", "message", "warning", "stop"),
    "check_nobs_vs_nlev": _BASIC,
    "check_nlev_gtreq_5": _BASIC,
    "check_nlev_gtr_1": _BASIC,
    "check_nobs_vs_nRE": _BASIC,
    "check_rankX": (
        "message+drop.cols",
        "silent.drop.cols",
        "warn+drop.cols",
        "stop.deficient",
        "ignore",
    ),
    "check_scaleX": ("warning", "stop", "silent.rescale", "message+rescale", "warn+rescale", "ignore"),
    "check_formula_LHS": ("stop", "ignore"),
}
OPTIMIZERS = ("nloptwrap", "bobyqa", "Nelder_Mead")


@dataclass(frozen=True)
class ConvCheck:
    """One convergence-check policy (lme4: ``.makeCC(action, tol, relTol)``)."""

    action: str
    tol: float
    relTol: float | None = None

    def __post_init__(self) -> None:
        if self.action not in _BASIC:
            raise ControlError(
                f"invalid control level '{self.action}' in check.conv: valid options are "
                + "{" + ",".join(f"'{v}'" for v in _BASIC) + "}"
            )


@dataclass(frozen=True)
class LmerControl:
    """Options of a fit, with lme4 1.1-31 defaults (lme4: ``lmerControl()``).

    Parameters
    ----------
    optimizer : {"nloptwrap", "bobyqa", "Nelder_Mead"} or None
        ``"nloptwrap"`` is NLopt BOBYQA with lme4's settings (the default);
        ``"bobyqa"`` reproduces minqa's BOBYQA settings; ``None`` evaluates the
        deviance at the start values without optimizing.
    restart_edge, boundary_tol : bool, float
        lme4's post-optimization boundary handling (``optimizeLmer``).
    calc_derivs : bool
        Compute the finite-difference gradient and Hessian for ``checkConv``.
    use_last_params : bool
        Keep the last evaluated θ rather than the optimizer's reported optimum.
    check_* : str
        Actions of lme4's input checks (see lme4's ``?lmerControl``).
    check_conv_grad, check_conv_singular, check_conv_hess : ConvCheck
        Convergence checks (action and tolerance).
    opt_ctrl : mapping
        Passed to the optimizer (``maxeval``, ``xtol_rel``, ``ftol_abs``...; lme4 ``optCtrl``).
    """

    optimizer: str | None = "nloptwrap"
    restart_edge: bool = True
    boundary_tol: float = 1e-5
    calc_derivs: bool = True
    use_last_params: bool = False
    check_nobs_vs_rankZ: str = "ignore"
    check_nobs_vs_nlev: str = "stop"
    check_nlev_gtreq_5: str = "ignore"
    check_nlev_gtr_1: str = "stop"
    check_nobs_vs_nRE: str = "stop"
    check_rankX: str = "message+drop.cols"
    check_scaleX: str = "warning"
    check_formula_LHS: str = "stop"
    check_conv_grad: ConvCheck = field(default_factory=lambda: ConvCheck("warning", 2e-3))
    check_conv_singular: ConvCheck = field(default_factory=lambda: ConvCheck("message", 1e-4))
    check_conv_hess: ConvCheck = field(default_factory=lambda: ConvCheck("warning", 1e-6))
    opt_ctrl: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.optimizer == "none":
            raise ControlError("deprecated use of optimizer=='none'; use NULL instead")
        if self.optimizer is not None and self.optimizer not in OPTIMIZERS:
            raise ControlError(
                f"couldn't find optimizer function {self.optimizer} "
                f"(available: {', '.join(OPTIMIZERS)}, or None)"
            )
        for name, valid in _VALID.items():
            value = getattr(self, name)
            if value not in valid:
                lme4_name = name.replace("_", ".").replace("check.formula.LHS", "check.formula.LHS")
                raise ControlError(
                    f"invalid control level '{value}' in {lme4_name}: valid options are "
                    + "{" + ",".join(f"'{v}'" for v in valid) + "}"
                )
        for name in ("check_conv_grad", "check_conv_singular", "check_conv_hess"):
            value = getattr(self, name)
            if isinstance(value, str):  # lme4 accepts an action string alone
                default = getattr(LmerControl, "__dataclass_fields__")[name].default_factory()
                object.__setattr__(self, name, ConvCheck(value, default.tol, default.relTol))
        object.__setattr__(self, "opt_ctrl", dict(self.opt_ctrl))

    def r_text(self) -> str:
        """The equivalent ``lmerControl(...)`` call, listing only non-default options.

        This is what ``summary()`` shows on its ``Control:`` line (lme4 deparses the
        call as typed; pylme prints the canonical form of the same settings).
        """
        default = LmerControl()
        parts = []
        for name in self.__dataclass_fields__:
            value, base = getattr(self, name), getattr(default, name)
            if value == base:
                continue
            parts.append(f"{_R_NAMES.get(name, name.replace('_', '.'))} = {_r_value(value)}")
        return f"lmerControl({', '.join(parts)})"

    @property
    def is_default(self) -> bool:
        """True when every option has lme4's default (summary then omits the ``Control:`` line)."""
        return self == LmerControl()


_R_NAMES = {"opt_ctrl": "optCtrl", "check_nobs_vs_rankZ": "check.nobs.vs.rankZ",
            "check_nobs_vs_nRE": "check.nobs.vs.nRE", "check_rankX": "check.rankX",
            "check_scaleX": "check.scaleX", "check_formula_LHS": "check.formula.LHS"}


def _r_value(value: Any) -> str:
    """Deparse a Python control value the way R would print the equivalent."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, ConvCheck):
        rel = "NULL" if value.relTol is None else _r_value(value.relTol)
        return f'list(action = "{value.action}", tol = {_r_value(value.tol)}, relTol = {rel})'
    if isinstance(value, Mapping):
        return "list(" + ", ".join(f"{k} = {_r_value(v)}" for k, v in value.items()) + ")"
    if isinstance(value, float):
        return format(value, ".15g")
    return str(value)


def apply_action(
    action: str,
    message: str,
    *,
    error: type[Exception] = ModelSpecError,
    warning: type[Warning] = DataCheckWarning,
    stacklevel: int = 3,
) -> None:
    """Raise, warn or message ``message`` according to an lme4 check ``action``.

    ``"stop"``/``"stopSmall"`` raise ``error``; ``"warning"``/``"warningSmall"``
    issue ``warning``; ``"message"`` issues a :class:`PylmeMessage`;
    ``"ignore"`` does nothing (lme4: the ``switch(cc, ...)`` in each ``check*``).
    """
    if action in ("stop", "stopSmall"):
        raise error(message)
    if action in ("warning", "warningSmall"):
        warnings.warn(message, warning, stacklevel=stacklevel)
    elif action == "message":
        warnings.warn(message, PylmeMessage, stacklevel=stacklevel)
