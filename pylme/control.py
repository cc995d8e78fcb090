"""Fitting options with lme4's defaults (lme4: ``lmerControl()``, ``R/lmerControl.R``).

Check policies are data: each ``check_*`` field holds the action lme4 would take
(``"stop"``, ``"warning"``, ``"message"``, ``"ignore"``, ...), and
:func:`apply_action` turns a failed check into the matching exception, warning or
message.  Field names are lme4's with ``.`` replaced by ``_``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from numbers import Real
from typing import Any, Mapping

from .arguments import match_arg, r_flag
from .errors import ControlError, DataCheckWarning, ModelSpecError, OptimizerWarning, PylmeMessage

__all__ = ["ConvCheck", "LmerControl", "apply_action", "as_control", "OPTIMIZERS"]

_BASIC = ("message", "warning", "stop", "ignore")
# lme4's checkCtrlLevels: exact names; check.nobs.vs.rankZ also takes the "*Small" variants,
# which skip the check when Z has more than 1e6 entries
_LEVELS = {
    "check_nobs_vs_rankZ": _BASIC + tuple(f"{a}Small" for a in _BASIC),
    "check_nobs_vs_nlev": _BASIC,
    "check_nlev_gtreq_5": _BASIC,
    "check_nlev_gtr_1": _BASIC,
    "check_nobs_vs_nRE": _BASIC,
    "check_formula_LHS": _BASIC,
}
# lme4 reads these two through match.arg: unique prefixes are accepted ("stop" is "stop.deficient")
_MATCH_ARG = {
    "check_rankX": ("message+drop.cols", "silent.drop.cols", "warn+drop.cols", "stop.deficient", "ignore"),
    "check_scaleX": ("warning", "stop", "silent.rescale", "message+rescale", "warn+rescale", "ignore"),
}
_FLAGS = ("restart_edge", "calc_derivs", "use_last_params")
_CONV = ("check_conv_grad", "check_conv_singular", "check_conv_hess")
#: the optimizers pylme implements (lme4 also has "nlminbwrap", "optimx" and user functions)
OPTIMIZERS = ("nloptwrap", "bobyqa", "Nelder_Mead")
_LME4_ONLY_OPTIMIZERS = ("nlminbwrap", "optimx", "nlminb", "optim", "nlm", "uobyqa", "newuoa")

# opt_ctrl entries per optimizer: "tol" (finite, >= 0), "count" (a number; <= 0 means no
# limit for NLopt's maxeval, as in nloptr), "positive" (finite, > 0), "maxfun" (>= 1)
_OPT_CTRL = {
    "nloptwrap": {"xtol_rel": "tol", "xtol_abs": "tol", "ftol_rel": "tol", "ftol_abs": "tol", "maxeval": "count"},
    "bobyqa": {"rhobeg": "positive", "rhoend": "positive", "maxfun": "maxfun", "npt": "maxfun",
               "iprint": "count"},
    # MinfMax, iprint and verbose may be any number ("count" only refuses NaN); verbose is
    # accepted and, as in lme4's optwrap, replaced by lmer's verbose
    "Nelder_Mead": {"maxfun": "maxfun", "FtolAbs": "tol", "FtolRel": "tol", "XtolRel": "tol", "xst": "positive",
                    "xt": "positive", "MinfMax": "count", "iprint": "count", "verbose": "count"},
}
# options lme4's optimizer would use but pylme does not implement: ignoring them would
# silently give another answer than lme4's, so they are refused
_NOT_IMPLEMENTED = {
    "nloptwrap": ("algorithm", "stopval", "maxtime", "print_level", "check_derivatives",
                  "check_derivatives_tol", "check_derivatives_print", "local_opts", "population",
                  "ranseed", "tol_constraints_ineq", "tol_constraints_eq"),
    "bobyqa": (),
    "Nelder_Mead": ("warnOnly",),  # a flag; it could only act on error codes lme4 never returns
}


def _sq(text: str) -> str:
    # R's sQuote() in a UTF-8 session, as checkCtrlLevels prints it
    return f"\u2018{text}\u2019"


def _level_error(value: Any, where: str, valid: tuple[str, ...]) -> ControlError:
    """lme4 ``checkCtrlLevels``' text (R's fancy single quotes)."""
    return ControlError(f"invalid control level {_sq(str(value))} in {where}: valid options are "
                        + "{" + ",".join(_sq(v) for v in valid) + "}")


def _number(value: Any, what: str) -> float:
    """A single real number (not a flag, not text), as a float."""
    if isinstance(value, Real) and not isinstance(value, bool) and not _is_np_bool(value):
        return float(value)
    raise ControlError(f"{what} must be a single number, got {value!r}")


def _is_np_bool(value: Any) -> bool:
    return type(value).__name__ == "bool_"  # numpy.bool_ without importing numpy here


@dataclass(frozen=True)
class ConvCheck:
    """One convergence-check policy (lme4: ``.makeCC(action, tol, relTol)``).

    Parameters
    ----------
    action : {"message", "warning", "stop", "ignore"}
        What to do when the check fails (lme4 ``checkCtrlLevels``: exact names).
    tol : float
        Tolerance, a number >= 0.
    relTol : float or None
        Relative gradient tolerance (``check_conv_grad`` only), a number >= 0.
    """

    action: str
    tol: float
    relTol: float | None = None

    def __post_init__(self) -> None:
        if self.action not in _BASIC:
            raise _level_error(self.action, "check.conv", _BASIC)
        if not isinstance(self.tol, Real) or isinstance(self.tol, bool) or math.isnan(self.tol):
            raise ControlError(f"must have a numeric 'tol' component (tol = {self.tol!r})")
        if self.tol < 0:
            raise ControlError(f"'tol' must be number >= 0 (tol = {self.tol!r})")
        object.__setattr__(self, "tol", float(self.tol))
        if self.relTol is not None:
            if not isinstance(self.relTol, Real) or isinstance(self.relTol, bool) or math.isnan(self.relTol):
                raise ControlError(f"is.numeric(relTol) is not TRUE (relTol = {self.relTol!r})")
            if self.relTol < 0:
                raise ControlError(f"relTol >= 0 is not TRUE (relTol = {self.relTol!r})")
            object.__setattr__(self, "relTol", float(self.relTol))


def _conv_check(value: Any, name: str, default: ConvCheck) -> ConvCheck:
    """A ``check_conv_*`` field: a ConvCheck, an action string, or R's ``list(action=, tol=)``."""
    where = name.replace("_", ".")
    if isinstance(value, ConvCheck):
        return value
    if isinstance(value, str):  # lme4 accepts an action string alone
        action, tol, rel = value, default.tol, default.relTol
    elif isinstance(value, Mapping):
        action, tol, rel = value.get("action"), value.get("tol"), value.get("relTol")
        if not isinstance(action, str):
            raise ControlError("check.conv* option copt has no 'action' string")
        if "tol" not in value:
            raise ControlError("check.conv* option copt must have a numeric 'tol' component")
    else:
        raise ControlError(f"check.conv* option copt must be a list ({where} = {value!r}; "
                           "give a ConvCheck, an action string or a mapping with 'action' and 'tol')")
    if action not in _BASIC:  # checked here to name the field in lme4's text
        raise _level_error(action, where, _BASIC)
    return ConvCheck(action, tol, rel)


def _check_optimizer(optimizer: Any) -> None:
    """lme4 ``getOptfun``: a known optimizer name, or None (no optimization)."""
    if optimizer is None:
        return
    if isinstance(optimizer, str):
        if optimizer == "none":
            raise ControlError("deprecated use of optimizer=='none'; use NULL instead")
        if optimizer in OPTIMIZERS:
            return
        if optimizer in _LME4_ONLY_OPTIMIZERS:
            raise ControlError(f"optimizer '{optimizer}' is available in lme4 but not implemented in pylme "
                               f"(available: {', '.join(OPTIMIZERS)}, or None)")
        raise ControlError(f"couldn't find optimizer function {optimizer} "
                           f"(available: {', '.join(OPTIMIZERS)}, or None)")
    if callable(optimizer):
        raise ControlError("pylme does not take optimizer functions (lme4 does); "
                           f"use one of {', '.join(OPTIMIZERS)}, or None")
    raise ControlError(f"non-function specified as optimizer ({optimizer!r}; "
                       f"use one of {', '.join(OPTIMIZERS)}, or None)")


def _check_opt_ctrl(opt_ctrl: Any, optimizer: str | None) -> dict:
    """lme4 ``optCtrl``: a mapping of the optimizer's options, each a single finite number."""
    if not isinstance(opt_ctrl, Mapping):
        raise ControlError(f"is.list(optCtrl) is not TRUE (opt_ctrl = {opt_ctrl!r}; give a dict)")
    out = dict(opt_ctrl)
    if optimizer is None:  # lme4 ignores optCtrl when it does not optimize
        return out
    spec, refused = _OPT_CTRL[optimizer], _NOT_IMPLEMENTED[optimizer]
    known = ", ".join(spec)
    unused = []
    for key, value in out.items():
        if key in refused:
            raise ControlError(f"optCtrl option '{key}' of {optimizer} is not implemented in pylme "
                               f"(pylme's {optimizer} takes: {known})")
        if key not in spec:
            unused.append(str(key))
            continue
        what = f"optCtrl${key}"
        number = _number(value, what)
        kind = spec[key]
        if math.isnan(number) or (kind != "count" and math.isinf(number)):
            raise ControlError(f"{what} must be finite, got {value!r}")
        if kind == "tol" and number < 0:
            raise ControlError(f"{what} must be >= 0, got {value!r} (0 disables the criterion)")
        if kind == "positive" and number <= 0:
            raise ControlError(f"0 < ctrl${key} is not TRUE ({what} = {value!r})")
        if kind == "maxfun" and number < 1:
            raise ControlError(f"{what} must be at least 1, got {value!r}")
    if "rhobeg" in out and "rhoend" in out and not out["rhoend"] <= out["rhobeg"]:
        raise ControlError("ctrl$rhoend <= ctrl$rhobeg is not TRUE")
    if unused:
        # minqa / lme4's Nelder_Mead warn so; nloptr ignores them silently (pylme warns too)
        warnings.warn(f"unused control arguments ignored ({', '.join(unused)}; {optimizer} takes: {known})",
                      OptimizerWarning, stacklevel=4)
    return out


@dataclass(frozen=True)
class LmerControl:
    """Options of a fit, with lme4 1.1-31 defaults (lme4: ``lmerControl()``).

    Every field is checked when the object is made, with lme4's rules and texts.

    Parameters
    ----------
    optimizer : {"nloptwrap", "bobyqa", "Nelder_Mead"} or None
        ``"nloptwrap"`` is NLopt BOBYQA with lme4's settings (the default);
        ``"bobyqa"`` reproduces minqa's BOBYQA settings; ``"Nelder_Mead"`` lme4's
        Nelder-Mead tolerances; ``None`` evaluates the deviance at the start values
        without optimizing.  lme4's ``"nlminbwrap"``, ``"optimx"`` and optimizer
        functions are not implemented.
    restart_edge : bool
        Restart the optimizer when a θ on its bound has a negative slope (lme4
        ``optimizeLmer``).  Flags are read as R's ``if`` reads them: booleans, numbers
        (0 is False) and ``"TRUE"``/``"FALSE"``/``"T"``/``"F"``/``"true"``/``"false"``.
    boundary_tol : float
        Snap θ within this distance of a bound onto it when that lowers the criterion;
        0 or a negative number turns the snap off (as lme4's ``boundary.tol > 0`` test).
    calc_derivs : bool
        Compute the finite-difference gradient and Hessian for ``checkConv``.
    use_last_params : bool
        Keep the last evaluated θ rather than the optimizer's reported optimum (lme4;
        pylme always reports the optimum's solution, which is the same θ for lmer).
    check_nobs_vs_rankZ, check_nobs_vs_nlev, check_nlev_gtreq_5, check_nlev_gtr_1, check_nobs_vs_nRE, check_formula_LHS : str
        Actions of lme4's input checks: ``"message"``, ``"warning"``, ``"stop"``,
        ``"ignore"`` (exact names, lme4's ``checkCtrlLevels``); ``check_nobs_vs_rankZ``
        also ``"messageSmall"``, ``"warningSmall"``, ``"stopSmall"``, ``"ignoreSmall"``.
        ``None`` means the default (as R's ``NULL``).
    check_rankX : str
        ``"message+drop.cols"`` (default), ``"silent.drop.cols"``, ``"warn+drop.cols"``,
        ``"stop.deficient"`` or ``"ignore"``; a unique prefix is enough (lme4 reads it
        through ``match.arg``: ``"stop"`` is ``"stop.deficient"``).
    check_scaleX : str
        ``"warning"`` (default), ``"stop"``, ``"silent.rescale"``, ``"message+rescale"``,
        ``"warn+rescale"`` or ``"ignore"``, or a unique prefix (``match.arg``).
    check_conv_grad, check_conv_singular, check_conv_hess : ConvCheck, str or mapping
        Convergence checks: a :class:`ConvCheck`, an action alone (default tolerance),
        or ``{"action": ..., "tol": ..., "relTol": ...}`` (lme4's list).
    opt_ctrl : mapping
        Options of the optimizer (lme4 ``optCtrl``), each a single finite number:
        nloptwrap ``xtol_rel``, ``xtol_abs``, ``ftol_rel``, ``ftol_abs`` (>= 0) and
        ``maxeval`` (<= 0: no limit, as NLopt); bobyqa (minqa's, exact) ``rhobeg``,
        ``rhoend`` (> 0), ``maxfun``, ``npt``, ``iprint``; Nelder_Mead (lme4's, exact)
        ``maxfun``, ``FtolAbs``, ``FtolRel``, ``XtolRel``, ``xst``, ``xt``, ``MinfMax``,
        ``iprint``, ``verbose``.  Other names are ignored with lme4's warning ``unused
        control arguments ignored``; options lme4's optimizer knows but pylme does not
        implement (nloptwrap's ``algorithm``, ``stopval``, ``maxtime``..., Nelder_Mead's
        ``warnOnly``) are refused.

    Raises
    ------
    ControlError
        An invalid setting, with lme4's text where lme4 has one.
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
        fields = getattr(LmerControl, "__dataclass_fields__")
        _check_optimizer(self.optimizer)
        for name in _FLAGS:
            object.__setattr__(self, name, r_flag(getattr(self, name), name, error=ControlError))
        tol = self.boundary_tol
        if not isinstance(tol, Real) or isinstance(tol, bool) or _is_np_bool(tol):
            raise ControlError(f"boundary_tol must be a single number, got {tol!r}")
        if math.isnan(tol):
            raise ControlError("missing value where TRUE/FALSE needed (boundary_tol = nan)")
        object.__setattr__(self, "boundary_tol", float(tol))
        for name, valid in _LEVELS.items():
            value = getattr(self, name)
            if value is None:  # R's NULL: the default
                object.__setattr__(self, name, fields[name].default)
            elif not isinstance(value, str) or value not in valid:
                raise _level_error(value, name.replace("_", "."), valid)
        for name, choices in _MATCH_ARG.items():
            object.__setattr__(self, name, match_arg(getattr(self, name), choices, name, error=ControlError))
        for name in _CONV:
            object.__setattr__(self, name, _conv_check(getattr(self, name), name, fields[name].default_factory()))
        object.__setattr__(self, "opt_ctrl", _check_opt_ctrl(self.opt_ctrl, self.optimizer))

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


_R_NAMES = {"opt_ctrl": "optCtrl", "restart_edge": "restart_edge", "check_nobs_vs_rankZ": "check.nobs.vs.rankZ",
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


def as_control(control: Any) -> LmerControl:
    """The ``control`` argument of ``lmer()`` (lme4: the ``control`` checks of ``lmer``).

    Parameters
    ----------
    control : LmerControl, mapping or None
        ``None`` gives lme4's defaults; a mapping is accepted with lme4's deprecation
        warning and read as ``LmerControl(**control)`` (R's dotted names such as
        ``"check.conv.grad"`` or ``"optCtrl"`` are accepted too).

    Raises
    ------
    ControlError
        ``'control' is not a list; use lmerControl()`` for other types, R's ``unused
        argument (junk = 1)`` for a mapping key that is not an option.
    """
    if control is None:
        return LmerControl()
    if isinstance(control, LmerControl):
        return control
    if not isinstance(control, Mapping):
        raise ControlError("'control' is not a list; use lmerControl()")
    warnings.warn("passing control as list is deprecated: please use lmerControl() instead",
                  DeprecationWarning, stacklevel=4)
    python_names = {r: py for py, r in _R_NAMES.items()}
    fields = getattr(LmerControl, "__dataclass_fields__")
    kwargs = {}
    for key, value in control.items():
        name = python_names.get(key, str(key).replace(".", "_"))
        if name not in fields:
            raise ControlError(f"unused argument ({key} = {value!r})")
        kwargs[name] = value
    return LmerControl(**kwargs)


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
    issue ``warning``; ``"message"``/``"messageSmall"`` issue a :class:`PylmeMessage`;
    ``"ignore"``/``"ignoreSmall"`` do nothing (lme4: the ``switch(cc, ...)`` in each
    ``check*``; the ``Small`` variants differ only in when the check runs).
    """
    if action in ("stop", "stopSmall"):
        raise error(message)
    if action in ("warning", "warningSmall"):
        warnings.warn(message, warning, stacklevel=stacklevel)
    elif action in ("message", "messageSmall"):
        warnings.warn(message, PylmeMessage, stacklevel=stacklevel)
