"""Fitting options of a GLMM with lme4's defaults (lme4: ``glmerControl()``, ``R/lmerControl.R``).

lme4's ``glmerControl()`` itself checks only a few fields (``optCtrl`` is a list,
``check.rankX``/``check.scaleX`` through ``match.arg``, the ``check.conv.*`` lists, and
``use.last.params && calc.derivs`` for its warning); every other field is checked by
``glmer()`` while it fits.  :class:`GlmerControl` checks every field when it is made, with
the text R gives (at ``glmerControl()`` or at ``glmer()``) first, so a bad setting fails
before any work.  Two outcomes keep R's timing: the ``use.last.params`` warning is given
when the control is made (as ``glmerControl()`` does), and ``restart_edge = TRUE`` is
accepted here and refused by :func:`check_restart_edge` where ``glmer()`` refuses it.
:func:`as_glmer_control` reads glmer's ``control`` argument (an ``LmerControl`` is
converted as lme4 converts it, a plain mapping fails as it does in lme4 1.1-31).

The helpers and rules shared with :class:`~pylme.control.LmerControl` (check levels,
``match.arg`` fields, convergence checks, ``optCtrl`` entries, flags read as R's ``if``)
are imported from :mod:`pylme.control`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import MISSING, dataclass, field
from numbers import Complex, Real
from typing import Any, Mapping

from ..arguments import is_vector, match_arg, r_flag
from ..control import (_BASIC, _CONV, _LEVELS, _LME4_ONLY_OPTIMIZERS, _MATCH_ARG, OPTIMIZERS, ConvCheck,
                       LmerControl, _check_opt_ctrl, _conv_check, _is_np_bool, _level_error)
from ..errors import ControlError, DeprecatedUsageWarning, PylmeWarning
from ..formula import deparse_lines, format_double, parse_expression

__all__ = ["GlmerControl", "as_glmer_control", "check_restart_edge"]

_DEFAULT_OPTIMIZER = ("bobyqa", "Nelder_Mead")
# checkCtrlLevels fields in the order glmer() meets them: glFormula (check.formula.LHS,
# checkNlevels, checkZdims, checkZrank), then checkResponse in mkGlmerDevfun
_LEVEL_ORDER = ("check_formula_LHS", "check_nlev_gtr_1", "check_nobs_vs_nlev", "check_nlev_gtreq_5",
                "check_nobs_vs_nRE", "check_nobs_vs_rankZ", "check_response_not_const")
_GLMER_LEVELS = {**_LEVELS, "check_response_not_const": _BASIC}
# Python field -> glmerControl() argument, where replacing "_" by "." is not the R name
_R_NAMES = {"restart_edge": "restart_edge", "opt_ctrl": "optCtrl", "tol_pwrss": "tolPwrss",
            "comp_dev": "compDev", "nAGQ0_init_step": "nAGQ0initStep"}
_USE_LAST_PARAMS_WARNING = ("using 'use.last.params'=TRUE and 'calc.derivs'=TRUE with 'glmer' "
                            "will not give backward-compatible results")
_RESTART_EDGE_ERROR = "restart_edge not implemented for optimizeGlmer yet"


def _r_name(name: str) -> str:
    return _R_NAMES.get(name, name.replace("_", "."))


def _available() -> str:
    return f"available: {', '.join(OPTIMIZERS)}"


def _check_stage_optimizer(item: Any) -> str:
    """One stage's optimizer, as lme4's ``getOptfun`` finds it when ``glmer()`` runs that stage."""
    if item is None:  # R: optimizer = NULL, whose [[1]] is NULL again
        raise ControlError(f"couldn't find optimizer function  ({_available()})")
    if isinstance(item, str):
        if item in OPTIMIZERS:
            return str(item)
        if item in _LME4_ONLY_OPTIMIZERS:
            raise ControlError(f"optimizer '{item}' is available in lme4 but not implemented in pylme "
                               f"({_available()})")
        # "none" included: glmer has no NULL-optimizer shortcut, getOptfun looks the name up
        raise ControlError(f"couldn't find optimizer function {item} ({_available()})")
    if callable(item):
        raise ControlError(f"pylme does not take optimizer functions (lme4 does); {_available()}")
    raise ControlError(f"non-function specified as optimizer (optimizer = {item!r}; {_available()})")


def _stage_optimizers(value: Any) -> tuple[str, str]:
    """``optimizer``: one name for both stages or (stage 1, stage 2) (glmerControl replicates one)."""
    items = list(value) if is_vector(value) else [value]
    if not items:  # R: character(0) is not replicated, and glmer's optimizer[[1]] fails
        raise ControlError(f"subscript out of bounds (optimizer = {value!r}: give one optimizer "
                           "or two, for stage 1 and stage 2)")
    if len(items) == 1:
        items = items * 2
    stages = (_check_stage_optimizer(items[0]), _check_stage_optimizer(items[1]))
    if len(items) > 2:
        # lme4 silently ignores entries after the second; pylme refuses them rather than
        # dropping what the user asked for
        raise ControlError(f"optimizer has {len(items)} entries; glmer uses only two (stage 1, stage 2) "
                           f"(optimizer = {value!r})")
    return stages


def _r_and_operand(value: Any, stacklevel: int) -> bool | None:
    """A right operand of R's ``&&``: True, False or None for NA (R 4.2's coercion rules)."""
    if is_vector(value):
        items = list(value)
        if not items:
            return None  # logical(0) in && is NA in R 4.2
        if len(items) > 1:
            warnings.warn(f"'length(x) = {len(items)} > 1' in coercion to 'logical(1)'", PylmeWarning,
                          stacklevel=stacklevel)
        value = items[0]
    if isinstance(value, bool) or _is_np_bool(value):
        return bool(value)
    if value is None or isinstance(value, str):  # NULL and character are not allowed in &&
        raise ControlError("invalid 'y' type in 'x && y'")
    if isinstance(value, Complex):
        if math.isnan(value.real) or math.isnan(value.imag):
            return None
        return bool(value != 0)
    if type(value).__name__ == "NAType":  # pandas.NA without importing pandas here
        return None
    raise ControlError("invalid 'y' type in 'x && y'")


def _warn_use_last_params(use_last_params: Any, calc_derivs: Any, stacklevel: int) -> None:
    """glmerControl's ``if (mod.type == "glmer" && use.last.params && calc.derivs) warning(...)``."""
    last = _r_and_operand(use_last_params, stacklevel + 1)
    if last is False:
        return
    derivs = _r_and_operand(calc_derivs, stacklevel + 1)
    both = False if derivs is False else (None if last is None or derivs is None else True)
    if both is None:
        raise ControlError(f"missing value where TRUE/FALSE needed (use_last_params = {use_last_params!r}, "
                           f"calc_derivs = {calc_derivs!r})")
    if both:
        warnings.warn(_USE_LAST_PARAMS_WARNING, PylmeWarning, stacklevel=stacklevel)


def _made_checks(values: Mapping[str, Any], stacklevel: int) -> dict[str, Any]:
    """What lme4's ``glmerControl()`` itself checks, in its order; the checked fields.

    ``stacklevel`` (here and in the ``&&`` helpers it calls) is the level a warning issued
    by the function itself would use to point at the user's code.
    """
    defaults = _defaults()
    if not isinstance(values.get("opt_ctrl", {}), Mapping):
        raise ControlError(f"is.list(optCtrl) is not TRUE (opt_ctrl = {values['opt_ctrl']!r}; give a dict)")
    out: dict[str, Any] = {}
    for name, choices in _MATCH_ARG.items():
        out[name] = match_arg(values.get(name, defaults[name]), choices, name, error=ControlError)
    for name in _CONV:
        out[name] = _glmer_conv_check(values.get(name, defaults[name]), name, defaults[name])
    _warn_use_last_params(values.get("use_last_params", False), values.get("calc_derivs", True),
                          stacklevel + 1)
    return out


def _glmer_conv_check(value: Any, name: str, default: ConvCheck) -> ConvCheck:
    """A ``check.conv.*`` value; a mapping first gets lme4 ``chk.convOpt``'s checks and texts."""
    if isinstance(value, Mapping) and isinstance(value.get("action"), str):
        tol = value.get("tol")
        if not isinstance(tol, Real) or isinstance(tol, bool) or _is_np_bool(tol):
            raise ControlError(f"check.conv* option copt must have a numeric 'tol' component "
                               f"({name} = {dict(value)!r})")
        if math.isnan(tol):  # R: `length(tol) != 1 || tol < 0` is NA
            raise ControlError(f"missing value where TRUE/FALSE needed ({name} = {dict(value)!r})")
        if tol < 0:
            raise ControlError(f"check.conv* option copt$tol must be number >= 0 ({name} = {dict(value)!r})")
    return _conv_check(value, name, default)


def _defaults() -> dict[str, Any]:
    fields = getattr(GlmerControl, "__dataclass_fields__")
    return {name: (f.default if f.default_factory is MISSING else f.default_factory())
            for name, f in fields.items()}


@dataclass(frozen=True)
class GlmerControl:
    """Options of a GLMM fit, with lme4 1.1-31 defaults (lme4: ``glmerControl()``).

    Every field is checked when the object is made, with lme4's rules and R's texts
    first (R checks most of them only while ``glmer()`` fits).  Field names are lme4's
    with ``.`` replaced by ``_`` (``tolPwrss`` is ``tol_pwrss``, ``compDev`` ``comp_dev``,
    ``nAGQ0initStep`` ``nAGQ0_init_step``, ``optCtrl`` ``opt_ctrl``).

    Parameters
    ----------
    optimizer : str or (str, str)
        The optimizers of stage 1 (θ only, the nAGQ = 0 deviance) and stage 2 (θ and β):
        ``"bobyqa"`` (minqa's BOBYQA, the stage-1 default), ``"Nelder_Mead"`` (lme4's,
        the stage-2 default) or ``"nloptwrap"``; one name is used for both stages.
        lme4's other optimizers (``"nlminbwrap"``, ``"optimx"``, functions) are not
        implemented.  Stored as a pair.
    restart_edge : bool
        lme4 accepts ``TRUE`` here and then stops in ``glmer()`` with ``restart_edge not
        implemented for optimizeGlmer yet``; so does pylme (:func:`check_restart_edge`).
    boundary_tol : float
        After stage 2 (and stage 1 when nAGQ = 0), θ within this distance of its lower
        bound is moved onto it when that lowers the deviance (``check.boundary``);
        0 or less turns it off.
    calc_derivs : bool
        Compute the finite-difference gradient and Hessian after stage 2 for ``checkConv``.
    use_last_params : bool
        Keep the state of the last evaluation instead of re-evaluating at the optimum.
        ``True`` together with ``calc_derivs`` warns, as lme4 does, ``using
        'use.last.params'=TRUE and 'calc.derivs'=TRUE with 'glmer' will not give
        backward-compatible results`` (a :class:`~pylme.errors.PylmeWarning`).
    check_nobs_vs_rankZ, check_nobs_vs_nlev, check_nlev_gtreq_5, check_nlev_gtr_1, check_nobs_vs_nRE, check_formula_LHS : str
        Actions of lme4's input checks (``"message"``, ``"warning"``, ``"stop"``,
        ``"ignore"``; ``check_nobs_vs_rankZ`` also the ``"...Small"`` forms); glmer runs
        them with ``allow.n = TRUE``.  ``None`` is the default (R's ``NULL``).
    check_rankX, check_scaleX : str
        As for :class:`~pylme.control.LmerControl` (R's ``match.arg``: unique prefixes).
    check_conv_grad, check_conv_singular, check_conv_hess : ConvCheck, str or mapping
        Convergence checks (lme4 ``.makeCC``): a :class:`~pylme.control.ConvCheck`, an
        action alone (default tolerance) or ``{"action": ..., "tol": ..., "relTol": ...}``.
    opt_ctrl : mapping
        Options given to the optimizers of both stages (lme4 ``optCtrl``), checked for
        each stage's optimizer as :class:`~pylme.control.LmerControl` checks them; a name
        a stage's optimizer does not take warns ``unused control arguments ignored`` once
        per such stage (as lme4 does while fitting).
    tol_pwrss : float
        Relative convergence tolerance of PIRLS (lme4 ``tolPwrss``).  Any number is
        accepted, as in lme4 (NaN, 0 or a negative value make PIRLS fail while fitting,
        as lme4's does); other types are refused.
    comp_dev : bool
        lme4's ``compDev`` (PIRLS in compiled code); read as R's ``if``.
    nAGQ0_init_step : bool
        Run stage 1 (the nAGQ = 0 fit over θ) before stage 2 (lme4 ``nAGQ0initStep``).
    check_response_not_const : str
        Action when the response is constant: ``"stop"`` (default) or ``"warning"``
        (lme4 also accepts ``"message"``/``"ignore"`` here, then stops with ``unknown
        check level for 'check.response.not.const'`` on a constant response).

    Raises
    ------
    ControlError
        An invalid setting, R's text first (``couldn't find optimizer function foo``,
        ``invalid control level ‘foo’ in check.nlev.gtr.1: ...``, ``'arg' should be one
        of ...``, ``is.list(optCtrl) is not TRUE``, ``invalid 'y' type in 'x && y'``,
        ``missing value where TRUE/FALSE needed``, ``argument is not interpretable as
        logical``, ``invalid argument type``...).

    Notes
    -----
    Deliberate differences from lme4: an optimizer with more than two entries is refused
    (lme4 ignores the rest); every stage's optimizer is checked even when that stage will
    not run (``nAGQ0initStep = FALSE`` or ``nAGQ = 0``); ``boundary_tol`` and ``tol_pwrss``
    must be numbers (R coerces or compares text).
    """

    optimizer: tuple[str, str] = _DEFAULT_OPTIMIZER
    restart_edge: bool = False
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
    tol_pwrss: float = 1e-7
    comp_dev: bool = True
    nAGQ0_init_step: bool = True
    check_response_not_const: str = "stop"

    def __post_init__(self) -> None:
        fields = getattr(GlmerControl, "__dataclass_fields__")
        setattr_ = object.__setattr__
        # what glmerControl() checks (a warning there points at the caller: _made_checks <-
        # __post_init__ <- __init__ <- the caller)
        for name, value in _made_checks({n: getattr(self, n) for n in fields}, stacklevel=4).items():
            setattr_(self, name, value)
        # what glmer() checks while it fits, in the order it meets them
        for name in _LEVEL_ORDER:
            value, valid = getattr(self, name), _GLMER_LEVELS[name]
            if value is None:  # R's NULL: the default
                setattr_(self, name, fields[name].default)
            elif not isinstance(value, str) or value not in valid:
                raise _level_error(value, name.replace("_", "."), valid)
        setattr_(self, "comp_dev", r_flag(self.comp_dev, "comp_dev", error=ControlError))
        tol = self.tol_pwrss
        if not isinstance(tol, Real) or isinstance(tol, bool) or _is_np_bool(tol):
            raise ControlError(f"tol_pwrss must be a single number, got {tol!r} "
                               "(lme4 coerces it with as.numeric and PIRLS then fails)")
        setattr_(self, "tol_pwrss", float(tol))
        setattr_(self, "nAGQ0_init_step", r_flag(self.nAGQ0_init_step, "nAGQ0_init_step", error=ControlError))
        optimizer = _stage_optimizers(self.optimizer)
        setattr_(self, "optimizer", optimizer)
        opt_ctrl = self.opt_ctrl
        for stage in optimizer:  # called here so that its warning points at the caller
            opt_ctrl = _check_opt_ctrl(opt_ctrl, stage)
        setattr_(self, "opt_ctrl", opt_ctrl)
        derivs = self.calc_derivs
        for name in ("calc_derivs", "use_last_params", "restart_edge"):
            setattr_(self, name, r_flag(getattr(self, name), name, error=ControlError))
        tol = self.boundary_tol
        if not isinstance(tol, Real) or isinstance(tol, bool) or _is_np_bool(tol):
            raise ControlError(f"boundary_tol must be a single number, got {tol!r}")
        if math.isnan(tol):
            raise ControlError("missing value where TRUE/FALSE needed (boundary_tol = nan)")
        setattr_(self, "boundary_tol", float(tol))
        if isinstance(derivs, str):  # glmer's `if (!control$calc.derivs)`: `!` refuses text
            raise ControlError(f"invalid argument type (calc_derivs = {derivs!r})")

    def r_text(self) -> str:
        """The equivalent ``glmerControl(...)`` call, listing only non-default options.

        lme4's ``summary()`` prints the ``control`` argument as typed after ``Control:``;
        pylme prints the canonical call of the same settings, in ``glmerControl``'s
        argument order: one optimizer name when both stages use it (``optimizer =
        "bobyqa"``), a convergence check as its action when only the action differs from
        the default (``check.conv.singular = "ignore"``), else as ``.makeCC("warning", tol =
        0.001)``; numbers as R's ``deparse`` writes them (``1e-08``, ``20000``).
        """
        default = GlmerControl()
        parts = []
        for name in self.__dataclass_fields__:
            value, base = getattr(self, name), getattr(default, name)
            if value != base:
                parts.append(f"{_r_name(name)} = {_deparse_field(value, base)}")
        return f"glmerControl({', '.join(parts)})"

    def r_lines(self) -> tuple[str, ...]:
        """:meth:`r_text` split as R's ``deparse()`` splits it (``width.cutoff = 60``).

        These are the lines lme4's ``summary()`` hands to ``cat("Control:", ..., fill =
        TRUE)``.
        """
        return deparse_lines(parse_expression(self.r_text()))

    @property
    def is_default(self) -> bool:
        """True when every option has lme4's default."""
        return self == GlmerControl()


def _r_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _deparse(value: Any) -> str:
    """A control value as R's ``deparse`` writes the equivalent R value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool) or _is_np_bool(value):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return _r_string(value)
    if isinstance(value, Real):
        return format_double(float(value))
    if isinstance(value, Mapping):
        return "list(" + ", ".join(f"{k} = {_deparse(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (tuple, list)):
        return "c(" + ", ".join(_deparse(v) for v in value) + ")"
    return str(value)


def _deparse_field(value: Any, default: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == value[1]:
        return _deparse(value[0])  # glmerControl replicates a single optimizer
    if isinstance(value, ConvCheck):
        if (value.tol, value.relTol) == (default.tol, default.relTol):
            return _deparse(value.action)  # chk.cconv: an action string keeps the default tol
        rel = "" if value.relTol is None else f", relTol = {_deparse(value.relTol)}"
        return f".makeCC({_deparse(value.action)}, tol = {_deparse(value.tol)}{rel})"
    return _deparse(value)


def check_restart_edge(control: GlmerControl) -> None:
    """Refuse ``restart_edge = TRUE`` as lme4's ``optimizeGlmer`` does.

    lme4's ``glmerControl(restart_edge = TRUE)`` is accepted; ``glmer()`` stops in
    ``optimizeGlmer`` right after the optimizer of the stage that receives the flag (stage
    2, or stage 1 when ``nAGQ = 0``), so never with ``devFunOnly = TRUE``.  ``glmer``
    calls this there.

    Raises
    ------
    ControlError
        ``restart_edge not implemented for optimizeGlmer yet``.
    """
    if control.restart_edge:
        raise ControlError(_RESTART_EDGE_ERROR)


def _from_lmer_control(control: LmerControl, stacklevel: int) -> tuple[GlmerControl, list[Warning]]:
    """glmer's conversion: every lmerControl entry but ``restart_edge`` given to glmerControl.

    Returns the control and the warnings R gives, in R's order: glmer's, then
    glmerControl's ``use.last.params`` warning (which the conversion must not emit itself,
    or it would come first).
    """
    carried = {name: getattr(control, name) for name in LmerControl.__dataclass_fields__
               if name != "restart_edge"}
    notes: list[Warning] = [DeprecatedUsageWarning("please use glmerControl() instead of lmerControl()")]
    use_last_params = carried.pop("use_last_params")
    try:
        converted = GlmerControl(use_last_params=False, **carried)
    except ControlError:  # R warns before it fails (immediate. = TRUE): the note must not be lost
        warnings.warn(notes[0], stacklevel=stacklevel)
        raise
    # LmerControl already read both flags as R's if() does (plain bools), so the only
    # check glmerControl makes of use.last.params is the warning, returned here instead
    object.__setattr__(converted, "use_last_params", use_last_params)
    if use_last_params and converted.calc_derivs:
        notes.append(PylmeWarning(_USE_LAST_PARAMS_WARNING))
    return converted, notes


def as_glmer_control(control: Any, *, stacklevel: int = 3) -> tuple[GlmerControl, list[Warning]]:
    """The ``control`` argument of ``glmer()`` (lme4: the first lines of ``glmer``).

    Parameters
    ----------
    control : GlmerControl, LmerControl, mapping or None
        ``None`` gives lme4's defaults.  An :class:`~pylme.control.LmerControl` is
        converted as lme4 converts it, with lme4's warning ``please use glmerControl()
        instead of lmerControl()``: every option except ``restart_edge`` is carried over
        (so its optimizer, ``"nloptwrap"`` by default, runs both stages), ``tol_pwrss``,
        ``comp_dev``, ``nAGQ0_init_step`` and ``check_response_not_const`` take their
        defaults.  A mapping reproduces lme4 1.1-31: the warning ``Use
        control=glmerControl(..) instead of passing a list of class “list”``, the mapping
        read as ``glmerControl(...)`` arguments (R's dotted or pylme's names; its errors
        are raised), then the error ``is.list(ctrl) is not TRUE`` (glmer hands the
        original list to ``glFormula``, which cannot use it).
    stacklevel : int
        Where the warnings emitted here point: 3 is the caller of the function that
        calls this one.

    Returns
    -------
    control : GlmerControl
    notes : list of Warning
        The warnings glmer must give, in R's order, as ``Warning`` instances of their
        category (``str(note)`` is lme4's text): for an LmerControl a
        :class:`~pylme.errors.DeprecatedUsageWarning` (``please use glmerControl() ...``),
        then a :class:`~pylme.errors.PylmeWarning` about ``use.last.params`` when it and
        ``calc_derivs`` are both true (lme4's glmerControl warns so).  Emit each with
        ``warnings.warn(note, stacklevel=...)``: Python then uses the note's own class.
        Empty for ``None`` and a GlmerControl.

    Raises
    ------
    ControlError
        ``'control' is not a list; use glmerControl()`` for other types; for a mapping,
        ``unused argument (junk = 1)``, glmerControl's own errors, or ``is.list(ctrl) is
        not TRUE``.

    Notes
    -----
    When this raises, the warnings R gives first are emitted here, before the error, as
    R emits them (``immediate. = TRUE``): a mapping's :class:`~pylme.errors.DeprecatedUsageWarning`
    (and glmerControl's ``use.last.params`` warning where it applies), or the lmerControl
    warning when the converted control is refused (``LmerControl(optimizer=None)``: glmer
    has no optimizer-free fit).  R raises a mapping's ``is.list(ctrl)`` error after
    glFormula's formula and family checks; pylme raises it here, before them.  Warnings
    of the converted ``opt_ctrl`` (``unused control arguments ignored``) are emitted
    while converting, so before the returned notes (R gives them while fitting).
    """
    if control is None:
        return GlmerControl(), []
    if isinstance(control, GlmerControl):
        return control, []
    if isinstance(control, LmerControl):
        return _from_lmer_control(control, stacklevel + 1)
    if not isinstance(control, Mapping):
        raise ControlError("'control' is not a list; use glmerControl()")
    warnings.warn("Use control=glmerControl(..) instead of passing a list of class \u201clist\u201d",
                  DeprecatedUsageWarning, stacklevel=stacklevel)
    python_names = {_r_name(name): name for name in GlmerControl.__dataclass_fields__}
    kwargs = {}
    for key, value in control.items():
        name = python_names.get(key, key)
        if name not in GlmerControl.__dataclass_fields__:
            raise ControlError(f"unused argument ({key} = {value!r})")
        kwargs[name] = value
    _made_checks(kwargs, stacklevel=stacklevel + 1)
    raise ControlError("is.list(ctrl) is not TRUE (lme4 1.1-31 glmer cannot use a plain list as "
                       "control: give a GlmerControl)")
