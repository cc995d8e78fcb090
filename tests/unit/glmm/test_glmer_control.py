"""GlmerControl against lme4 1.1-31's ``glmerControl()`` and glmer()'s ``control`` argument.

Every expected value is R's, frozen in ``tests/data/glmm/control/control.json`` by
``tests/data/glmm/control/make_control.R`` (R 4.2.2, lme4 1.1-31): the defaults
(``str(glmerControl())``), the error and warnings R gives for each bad value (when the
control is made or when glmer() fits the cbpp model with it), the ``Control:`` lines of
``summary()``, and the glmerControl glmer() builds from an lmerControl.

A pylme error text must be R's text, or R's text followed by `` (`` and pylme's detail.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pathlib
import pickle
import warnings

import pandas as pd
import pytest

from pylme.control import ConvCheck, LmerControl
from pylme.errors import ControlError, DeprecatedUsageWarning, OptimizerWarning, PylmeWarning
from pylme.glmm.control import GlmerControl, as_glmer_control, check_restart_edge
from pylme.printing.rprint import cat

DATA = json.loads((pathlib.Path(__file__).parents[2] / "data" / "glmm" / "control" / "control.json")
                  .read_text(encoding="utf-8"))
OUTCOMES = DATA["outcomes"]
NA = pd.NA  # R's logical NA


def _is_r_text(message: str, r_message: str) -> bool:
    return message == r_message or message.startswith(r_message + " (")


def _r_structure(ctrl: GlmerControl) -> dict:
    """``unclass(glmerControl(...))`` as make_control.R writes it to JSON."""
    def conv(cc: ConvCheck, with_rel: bool) -> dict:
        out = {"action": cc.action, "tol": cc.tol}
        if with_rel or cc.relTol is not None:
            out["relTol"] = cc.relTol
        return out

    checks = ("check_nobs_vs_rankZ", "check_nobs_vs_nlev", "check_nlev_gtreq_5", "check_nlev_gtr_1",
              "check_nobs_vs_nRE", "check_rankX", "check_scaleX", "check_formula_LHS", "check_response_not_const")
    return {
        "optimizer": list(ctrl.optimizer), "restart_edge": ctrl.restart_edge, "boundary.tol": ctrl.boundary_tol,
        "calc.derivs": ctrl.calc_derivs, "use.last.params": ctrl.use_last_params,
        "checkControl": {name.replace("_", "."): getattr(ctrl, name) for name in checks},
        "checkConv": {"check.conv.grad": conv(ctrl.check_conv_grad, True),
                      "check.conv.singular": conv(ctrl.check_conv_singular, False),
                      "check.conv.hess": conv(ctrl.check_conv_hess, False)},
        "optCtrl": dict(ctrl.opt_ctrl) or [],  # R's empty list() is [] in JSON
        "tolPwrss": ctrl.tol_pwrss, "compDev": ctrl.comp_dev, "nAGQ0initStep": ctrl.nAGQ0_init_step,
        "class": ["glmerControl", "merControl"],
    }


def _recorded(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, caught


def test_frozen_data_says_where_it_came_from():
    assert DATA["r_version"].startswith("R version 4.2.2") and DATA["lme4_version"] == "1.1.31"
    assert DATA["defaults"]["str"][0] == "List of 11"


def test_defaults_are_glmerControl_defaults():
    ctrl = GlmerControl()
    assert _r_structure(ctrl) == DATA["defaults"]["values"]
    assert ctrl.optimizer == ("bobyqa", "Nelder_Mead") and ctrl.restart_edge is False
    assert ctrl.is_default and ctrl.r_text() == "glmerControl()"
    assert not GlmerControl(tol_pwrss=1e-8).is_default


# --- errors ------------------------------------------------------------------------------------------
# outcome key in control.json -> the same settings in pylme
REFUSED = {
    "optimizer_foo": {"optimizer": "foo"},
    "optimizer_stage2_foo": {"optimizer": ("bobyqa", "foo")},
    "optimizer_three_bad": {"optimizer": ["a", "b", "c"]},
    "optimizer_null": {"optimizer": None},
    "optimizer_none": {"optimizer": ("none", "bobyqa")},
    "optimizer_empty": {"optimizer": ()},
    "optimizer_number": {"optimizer": 1},
    "check_nlev_gtr_1": {"check_nlev_gtr_1": "foo"},
    "check_nobs_vs_nlev": {"check_nobs_vs_nlev": "stopSmall"},
    "check_nlev_gtreq_5": {"check_nlev_gtreq_5": "Warning"},
    "check_nobs_vs_nRE": {"check_nobs_vs_nRE": "foo"},
    "check_nobs_vs_rankZ": {"check_nobs_vs_rankZ": "foo"},
    "check_formula_LHS": {"check_formula_LHS": "foo"},
    "check_response_not_const": {"check_response_not_const": "foo"},
    "check_response_not_const_small": {"check_response_not_const": "stopSmall"},
    "check_rankX": {"check_rankX": "foo"},
    "check_rankX_prefix": {"check_rankX": "s"},
    "check_scaleX": {"check_scaleX": "foo"},
    "check_conv_grad_level": {"check_conv_grad": "foo"},
    "check_conv_grad_tol": {"check_conv_grad": {"action": "warning", "tol": -1}},
    "check_conv_grad_no_tol": {"check_conv_grad": {"action": "warning"}},
    "check_conv_grad_number": {"check_conv_grad": 1},
    "check_conv_hess_no_action": {"check_conv_hess": {"tol": 1}},
    "optCtrl_number": {"opt_ctrl": 1},
    "compDev_na": {"comp_dev": NA},
    "compDev_text": {"comp_dev": "a"},
    "nAGQ0initStep_na": {"nAGQ0_init_step": NA},
    "nAGQ0initStep_text": {"nAGQ0_init_step": "a"},
    "restart_edge_na": {"restart_edge": NA},
    "calc_derivs_na": {"calc_derivs": NA},
    "calc_derivs_text": {"calc_derivs": "a"},
    "calc_derivs_TRUE_text": {"calc_derivs": "TRUE"},
    "boundary_tol_na": {"boundary_tol": float("nan")},
    "use_last_params_text": {"use_last_params": "a"},
    "use_last_params_TRUE_text": {"use_last_params": "TRUE"},
    "use_last_params_null": {"use_last_params": None},
    "use_last_params_na": {"use_last_params": NA},
    "use_last_params_na_no_derivs": {"use_last_params": NA, "calc_derivs": False},
    "calc_derivs_text_ulp": {"use_last_params": True, "calc_derivs": "a"},
    "calc_derivs_na_ulp": {"use_last_params": True, "calc_derivs": NA},
}


@pytest.mark.parametrize("key", list(REFUSED))
def test_refused_with_r_text(key):
    r = OUTCOMES[key]
    assert r["error"] is not None, f"R accepted {r['r_expr']}"
    with pytest.raises(ControlError) as err:
        _recorded(lambda: GlmerControl(**REFUSED[key]))
    assert _is_r_text(str(err.value), r["error"]), (str(err.value), r["error"], r["r_expr"])


def test_level_texts_are_exactly_lme4s():
    for key in ("check_nlev_gtr_1", "check_nobs_vs_rankZ", "check_response_not_const", "check_conv_grad_level"):
        with pytest.raises(ControlError) as err:
            GlmerControl(**REFUSED[key])
        assert str(err.value) == OUTCOMES[key]["error"]


def test_only_glmerControl_own_checks_run_when_R_makes_the_control():
    """R's glmerControl() refuses these itself; the rest only when glmer() fits."""
    made = {key for key, r in OUTCOMES.items() if r["checked_at"] == "control" and r["error"] is not None}
    assert made == {"check_rankX", "check_rankX_prefix", "check_scaleX", "check_conv_grad_tol",
                    "check_conv_grad_no_tol", "check_conv_grad_number", "check_conv_hess_no_action",
                    "optCtrl_number", "use_last_params_text", "use_last_params_TRUE_text", "use_last_params_null",
                    "use_last_params_na", "calc_derivs_text_ulp", "calc_derivs_na_ulp"}


def test_restart_edge_is_refused_by_glmer_not_by_the_control():
    assert OUTCOMES["restart_edge_true_made"]["error"] is None
    ctrl = GlmerControl(restart_edge=True)  # as glmerControl(restart_edge = TRUE)
    assert ctrl.restart_edge is True
    with pytest.raises(ControlError) as err:
        check_restart_edge(ctrl)
    assert str(err.value) == OUTCOMES["restart_edge_true"]["error"]
    check_restart_edge(GlmerControl())  # the default passes


# --- warnings ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("key, kwargs", [
    ("use_last_params", {"use_last_params": True}),
    ("use_last_params_two", {"use_last_params": 2}),
    ("use_last_params_no_derivs", {"use_last_params": True, "calc_derivs": False}),
])
def test_use_last_params_warning(key, kwargs):
    r = OUTCOMES[key]
    assert r["error"] is None
    ctrl, caught = _recorded(lambda: GlmerControl(**kwargs))
    assert [str(w.message) for w in caught] == r["warnings"]
    assert all(w.category is PylmeWarning and w.filename == __file__ for w in caught)
    assert ctrl.use_last_params is True


@pytest.mark.parametrize("key, opt_ctrl", [("optCtrl_unused_stage2", {"rhobeg": 0.1}),
                                           ("optCtrl_unused_both", {"junk": 0.1})])
def test_opt_ctrl_is_checked_for_each_stage(key, opt_ctrl):
    """R warns once per stage whose optimizer does not take the option (bobyqa, then Nelder_Mead)."""
    r = OUTCOMES[key]
    ctrl, caught = _recorded(lambda: GlmerControl(opt_ctrl=opt_ctrl))
    assert len(caught) == len(r["warnings"])
    for w, text in zip(caught, r["warnings"]):
        assert w.category is OptimizerWarning and _is_r_text(str(w.message), text)
    assert ctrl.opt_ctrl == opt_ctrl


def test_opt_ctrl_values_are_checked_for_the_stage_optimizers():
    with pytest.raises(ControlError, match=r"0 < ctrl\$rhobeg is not TRUE"):
        GlmerControl(opt_ctrl={"rhobeg": -1})
    with pytest.raises(ControlError, match="optCtrl option 'warnOnly' of Nelder_Mead is not implemented"):
        _recorded(lambda: GlmerControl(opt_ctrl={"warnOnly": True}))  # stage 1's bobyqa warns first
    assert GlmerControl(optimizer="nloptwrap", opt_ctrl={"maxeval": 100}).opt_ctrl == {"maxeval": 100}


def test_tol_pwrss_as_lme4_reads_it():
    # R: tolPwrss = "a" is coerced to NA (a warning) and PIRLS then fails; pylme refuses the text
    assert OUTCOMES["tolPwrss_text"]["error"].startswith("pwrssUpdate did not converge")
    with pytest.raises(ControlError, match="tol_pwrss must be a single number"):
        GlmerControl(tol_pwrss="a")
    # R accepts any number and fails in PIRLS for a negative one: so is the control accepted
    assert OUTCOMES["tolPwrss_negative"]["error"].startswith("(maxstephalfit)")
    assert GlmerControl(tol_pwrss=-1).tol_pwrss == -1.0
    assert GlmerControl(tol_pwrss=1).tol_pwrss == 1.0 and isinstance(GlmerControl(tol_pwrss=1).tol_pwrss, float)


def test_values_are_read_as_R_reads_them():
    ctrl = GlmerControl(optimizer=["nloptwrap"], calc_derivs=0, comp_dev="FALSE", nAGQ0_init_step="T",
                        check_rankX="stop", check_scaleX="silent", check_nlev_gtr_1=None,
                        check_conv_singular="ignore", check_conv_hess={"action": "stop", "tol": 1e-3})
    assert ctrl.optimizer == ("nloptwrap", "nloptwrap")
    assert (ctrl.calc_derivs, ctrl.comp_dev, ctrl.nAGQ0_init_step) == (False, False, True)
    assert (ctrl.check_rankX, ctrl.check_scaleX, ctrl.check_nlev_gtr_1) == ("stop.deficient", "silent.rescale", "stop")
    assert ctrl.check_conv_singular == ConvCheck("ignore", 1e-4)
    assert ctrl.check_conv_hess == ConvCheck("stop", 1e-3)


def test_pylme_refusals_that_R_does_not_share():
    with pytest.raises(ControlError, match="optimizer has 3 entries"):  # R ignores the third
        GlmerControl(optimizer=("bobyqa", "Nelder_Mead", "nloptwrap"))
    with pytest.raises(ControlError, match="available in lme4 but not implemented in pylme"):
        GlmerControl(optimizer="nlminbwrap")
    with pytest.raises(ControlError, match="pylme does not take optimizer functions"):
        GlmerControl(optimizer=print)
    with pytest.raises(ControlError, match="boundary_tol must be a single number"):
        GlmerControl(boundary_tol="a")


# --- glmer's control argument -----------------------------------------------------------------------
@pytest.mark.parametrize("key, control", [
    ("control_empty_list", {}),
    ("control_list", {"optimizer": "bobyqa"}),
    ("control_list_unused", {"junk": 1}),
    ("control_list_bad_rankX", {"check.rankX": "foo"}),
    ("control_number", 1),
    ("control_lmerControl_null", LmerControl(optimizer=None)),
])
def test_as_glmer_control_refusals(key, control):
    r = OUTCOMES[key]
    caught = []
    with pytest.raises(ControlError) as err:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            as_glmer_control(control, stacklevel=2)  # 2: this function (glmer's caller in glmer)
    assert [str(w.message) for w in caught] == r["warnings"]
    assert all(w.category is DeprecatedUsageWarning and w.filename == __file__ for w in caught)
    assert _is_r_text(str(err.value), r["error"]), (str(err.value), r["error"])


def test_as_glmer_control_accepts_pylme_and_R_names_in_a_mapping_before_refusing_it():
    for mapping in ({"tol_pwrss": 1e-8}, {"tolPwrss": 1e-8}, {"check.conv.grad": "stop"}):
        with pytest.raises(ControlError, match=r"^is\.list\(ctrl\) is not TRUE"):
            _recorded(lambda: as_glmer_control(mapping))
    # glmerControl's own warning comes between glmer's warning and the error, as in R
    with pytest.raises(ControlError, match=r"^is\.list\(ctrl\) is not TRUE"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            as_glmer_control({"use.last.params": True})
    assert [w.category for w in caught] == [DeprecatedUsageWarning, PylmeWarning]


def test_as_glmer_control_none_and_glmer_control():
    assert as_glmer_control(None) == (GlmerControl(), [])
    ctrl = GlmerControl(optimizer="bobyqa")
    got, notes = as_glmer_control(ctrl)
    assert got is ctrl and notes == []


# key in control.json -> the same lmerControl in pylme
CONVERSIONS = {
    "lmerControl()": LmerControl(),
    'lmerControl(optimizer = "bobyqa", restart_edge = TRUE, boundary.tol = 1e-04, calc.derivs = FALSE, '
    'check.nlev.gtr.1 = "warning", check.rankX = "silent.drop.cols", check.conv.singular = .makeCC("ignore", '
    'tol = 1e-04), optCtrl = list(maxfun = 5000))':
        LmerControl(optimizer="bobyqa", restart_edge=True, boundary_tol=1e-4, calc_derivs=False,
                    check_nlev_gtr_1="warning", check_rankX="silent.drop.cols",
                    check_conv_singular=ConvCheck("ignore", 1e-4), opt_ctrl={"maxfun": 5000}),
    'lmerControl(optimizer = "Nelder_Mead", use.last.params = TRUE, check.scaleX = "ignore", check.conv.grad = '
    '.makeCC("warning", tol = 0.001, relTol = 0.01))':
        LmerControl(optimizer="Nelder_Mead", use_last_params=True, check_scaleX="ignore",
                    check_conv_grad=ConvCheck("warning", 1e-3, relTol=0.01)),
}


@pytest.mark.parametrize("r", DATA["conversions"], ids=lambda r: r["control"][:40])
def test_lmer_control_is_converted_as_glmer_converts_it(r):
    (ctrl, notes), caught = _recorded(lambda: as_glmer_control(CONVERSIONS[r["control"]]))
    assert caught == []  # the warnings are returned, for glmer to emit in this order
    assert _r_structure(ctrl) == r["glmer_control"]
    assert list(ctrl.optimizer) == r["stage_optimizers"]  # what each optimizeGlmer stage got
    assert ctrl.optimizer[1] == r["optinfo_optimizer"]
    assert [str(note) for note in notes] == r["warnings"]
    assert [type(note) for note in notes] == [DeprecatedUsageWarning, PylmeWarning][:len(notes)]
    # glmer emits them with warnings.warn(note, ...): each keeps its class
    _, emitted = _recorded(lambda: [warnings.warn(note, DeprecatedUsageWarning) for note in notes])
    assert [(w.category, str(w.message)) for w in emitted] == [(type(n), str(n)) for n in notes]


def test_conversion_drops_restart_edge():
    (ctrl, _), _ = _recorded(lambda: as_glmer_control(LmerControl(restart_edge=True)))
    assert LmerControl().restart_edge is True and ctrl.restart_edge is False
    assert ctrl == GlmerControl(optimizer="nloptwrap")


# --- printing -----------------------------------------------------------------------------------------
# control text in control.json -> the same control in pylme
PRINTED = {
    'glmerControl(optimizer = "bobyqa")': dict(optimizer="bobyqa"),
    'glmerControl(optimizer = c("bobyqa", "nloptwrap"))': dict(optimizer=("bobyqa", "nloptwrap")),
    "glmerControl(tolPwrss = 1e-08)": dict(tol_pwrss=1e-8),
    "glmerControl(calc.derivs = FALSE, nAGQ0initStep = FALSE)": dict(calc_derivs=False, nAGQ0_init_step=False),
    "glmerControl(optCtrl = list(maxfun = 20000))": dict(opt_ctrl={"maxfun": 20000}),
    'glmerControl(check.conv.singular = "ignore")': dict(check_conv_singular="ignore"),
    'glmerControl(check.conv.grad = .makeCC("warning", tol = 0.001))':
        dict(check_conv_grad={"action": "warning", "tol": 0.001}),
    'glmerControl(optimizer = c("Nelder_Mead", "bobyqa"), calc.derivs = FALSE, optCtrl = list(maxfun = 20000), '
    "tolPwrss = 1e-08)": dict(optimizer=("Nelder_Mead", "bobyqa"), calc_derivs=False, opt_ctrl={"maxfun": 20000},
                              tol_pwrss=1e-8),
    'glmerControl(optimizer = "Nelder_Mead", boundary.tol = 1e-04, check.nlev.gtr.1 = "warning", '
    'check.scaleX = "ignore", compDev = FALSE)': dict(optimizer="Nelder_Mead", boundary_tol=1e-4,
                                                      check_nlev_gtr_1="warning", check_scaleX="ignore",
                                                      comp_dev=False),
}


@pytest.mark.parametrize("r", DATA["control_lines"], ids=lambda r: r["control"][:50])
def test_summary_control_lines(r):
    ctrl = GlmerControl(**PRINTED[r["control"]])
    assert ctrl.r_text() == r["control"]
    printed = cat("Control:", ctrl.r_lines(), fill=True, width=80)
    assert printed == "\n".join(r["lines"]) + "\n"


# --- objects ------------------------------------------------------------------------------------------
def test_pickle_copy_and_replace():
    ctrl, _ = _recorded(lambda: GlmerControl(optimizer=("bobyqa", "nloptwrap"), use_last_params=True,
                                             opt_ctrl={"maxfun": 100},
                                             check_conv_grad=ConvCheck("stop", 1e-3, relTol=0.1)))
    back, caught = _recorded(lambda: pickle.loads(pickle.dumps(ctrl)))
    assert back == ctrl and caught == []  # unpickling does not warn again
    assert copy.deepcopy(ctrl) == ctrl
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctrl.tol_pwrss = 1.0  # type: ignore[misc]
    changed, caught = _recorded(lambda: dataclasses.replace(ctrl, optimizer="Nelder_Mead"))
    assert changed.optimizer == ("Nelder_Mead", "Nelder_Mead")
    assert [w.category for w in caught] == [PylmeWarning]  # a new glmerControl(): use.last.params again
    with pytest.raises(ControlError, match="couldn't find optimizer function foo"):
        _recorded(lambda: dataclasses.replace(ctrl, optimizer="foo"))
