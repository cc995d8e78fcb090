"""LmerControl, refit's new response, datasets.load and a constant response, read as R reads
them (the arguments of lmer()/devfun() are in test_argument_validation.py).

One table per argument: rows R refuses (the value, the pylme error class, and a regex
anchored at the start of the message: R's / lme4's own words first) and rows R accepts
(the value and what it means).  Every refusal must be a :class:`pylme.errors.PylmeError`
of the stated class — never a raw ``TypeError``/``KeyError``/``IndexError``/NLopt error.

The R texts and numbers come from R 4.2.2 + lme4 1.1-31 (Matrix 1.5-3), e.g.
``lmer(Reaction ~ Days + (1|Subject), sleepstudy, REML = "abc")`` →
``argument is not interpretable as logical``; each table says which R call made it.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from argument_checking import F, N, NA_DATA, REML_ACCEPTED, SS, quiet, refused, with_nan
from pylme.arguments import match_arg, pmatch, r_flag
from pylme.control import ConvCheck, LmerControl, as_control
from pylme.errors import (ArgumentError, ControlError, ConvergenceWarning, DataCheckWarning, DataError,
                          OptimizerWarning, UnknownDatasetError)

# --- LmerControl ---------------------------------------------------------------------------------
# lme4 1.1-31 lmerControl(<field> = <value>) and a fit with it
CONTROL_REFUSED = [
    # match.arg fields (R 4.2.2 text)
    ({"check_rankX": "s"}, r"'arg' should be one of “message\+drop\.cols”, “silent\.drop\.cols”, "
                           r"“warn\+drop\.cols”, “stop\.deficient”, “ignore”"),  # ambiguous prefix
    ({"check_rankX": "junk"}, r"'arg' should be one of “message\+drop\.cols”"),
    ({"check_rankX": ""}, r"'arg' should be one of"),
    ({"check_rankX": ["stop.deficient", "ignore"]}, r"'arg' must be of length 1"),
    ({"check_rankX": 1}, r"'arg' must be NULL or a character vector"),
    ({"check_scaleX": "w"}, r"'arg' should be one of “warning”, “stop”, “silent\.rescale”, "
                            r"“message\+rescale”, “warn\+rescale”, “ignore”"),
    ({"check_scaleX": "warn"}, r"'arg' should be one of “warning”"),  # warning / warn+rescale
    ({"check_scaleX": "s"}, r"'arg' should be one of “warning”"),
    # checkCtrlLevels fields: exact names, R's sQuote
    ({"check_nlev_gtr_1": "w"}, r"invalid control level ‘w’ in check\.nlev\.gtr\.1: valid options are "
                                r"\{‘message’,‘warning’,‘stop’,‘ignore’\}$"),
    ({"check_nlev_gtr_1": 3}, r"invalid control level ‘3’ in check\.nlev\.gtr\.1"),
    ({"check_nobs_vs_nRE": "warningSmall"}, r"invalid control level ‘warningSmall’ in check\.nobs\.vs\.nRE"),
    ({"check_nobs_vs_nlev": "stopSmall"}, r"invalid control level ‘stopSmall’ in check\.nobs\.vs\.nlev"),
    ({"check_nlev_gtreq_5": "Warning"}, r"invalid control level ‘Warning’ in check\.nlev\.gtreq\.5"),
    ({"check_formula_LHS": "ign"}, r"invalid control level ‘ign’ in check\.formula\.LHS: valid options are "
                                   r"\{‘message’,‘warning’,‘stop’,‘ignore’\}$"),
    ({"check_nobs_vs_rankZ": "warningS"}, r"invalid control level ‘warningS’ in check\.nobs\.vs\.rankZ: valid "
                                          r"options are \{‘message’,‘warning’,‘stop’,‘ignore’,‘messageSmall’,"
                                          r"‘warningSmall’,‘stopSmall’,‘ignoreSmall’\}$"),
    # convergence checks
    ({"check_conv_grad": "w"}, r"invalid control level ‘w’ in check\.conv\.grad: valid options are"),
    ({"check_conv_hess": {"action": "junk", "tol": 1}}, r"invalid control level ‘junk’ in check\.conv\.hess"),
    ({"check_conv_grad": 3}, r"check\.conv\* option copt must be a list"),
    ({"check_conv_grad": None}, r"check\.conv\* option copt must be a list"),
    ({"check_conv_grad": {"tol": 1e-3}}, r"check\.conv\* option copt has no 'action' string"),
    ({"check_conv_grad": {"action": "warning"}}, r"check\.conv\* option copt must have a numeric 'tol' component"),
    ({"check_conv_grad": {"action": "warning", "tol": "a"}}, r"must have a numeric 'tol' component"),
    ({"check_conv_grad": {"action": "warning", "tol": -1}}, r"'tol' must be number >= 0"),
    ({"check_conv_singular": {"action": "message", "tol": float("nan")}}, r"must have a numeric 'tol' component"),
    # flags: R's if ()
    ({"calc_derivs": "a"}, r"argument is not interpretable as logical"),
    ({"calc_derivs": None}, r"argument is of length zero"),
    ({"calc_derivs": [True, False]}, r"the condition has length > 1"),
    ({"restart_edge": "yes"}, r"argument is not interpretable as logical"),
    ({"restart_edge": pd.NA}, r"missing value where TRUE/FALSE needed"),
    ({"use_last_params": "a"}, r"argument is not interpretable as logical"),
    # boundary.tol
    ({"boundary_tol": "a"}, r"boundary_tol must be a single number"),  # R: accepted, then ignored
    ({"boundary_tol": None}, r"boundary_tol must be a single number"),  # R: argument is of length zero
    ({"boundary_tol": float("nan")}, r"missing value where TRUE/FALSE needed"),
    ({"boundary_tol": True}, r"boundary_tol must be a single number"),
    # optimizer
    ({"optimizer": "none"}, r"deprecated use of optimizer=='none'; use NULL instead$"),
    ({"optimizer": "junk"}, r"couldn't find optimizer function junk"),
    ({"optimizer": "bob"}, r"couldn't find optimizer function bob"),  # no partial matching (get())
    ({"optimizer": "nlminbwrap"}, r"optimizer 'nlminbwrap' is available in lme4 but not implemented in pylme"),
    ({"optimizer": "optimx"}, r"optimizer 'optimx' is available in lme4 but not implemented"),
    ({"optimizer": 3}, r"non-function specified as optimizer"),
    ({"optimizer": ["bobyqa", "Nelder_Mead"]}, r"non-function specified as optimizer"),
    ({"optimizer": len}, r"pylme does not take optimizer functions"),
    # optCtrl
    ({"opt_ctrl": 3}, r"is\.list\(optCtrl\) is not TRUE"),
    ({"opt_ctrl": [("maxeval", 5)]}, r"is\.list\(optCtrl\) is not TRUE"),
    ({"opt_ctrl": {"maxeval": "a"}}, r"optCtrl\$maxeval must be a single number"),
    ({"opt_ctrl": {"ftol_abs": "a"}}, r"optCtrl\$ftol_abs must be a single number"),
    ({"opt_ctrl": {"xtol_rel": [1e-3, 1e-4]}}, r"optCtrl\$xtol_rel must be a single number"),
    ({"opt_ctrl": {"xtol_rel": True}}, r"optCtrl\$xtol_rel must be a single number"),
    ({"opt_ctrl": {"xtol_rel": -1}}, r"optCtrl\$xtol_rel must be >= 0"),
    ({"opt_ctrl": {"ftol_rel": float("nan")}}, r"optCtrl\$ftol_rel must be finite"),
    ({"opt_ctrl": {"xtol_abs": float("inf")}}, r"optCtrl\$xtol_abs must be finite"),
    ({"opt_ctrl": {"maxeval": float("nan")}}, r"optCtrl\$maxeval must be finite"),
    ({"opt_ctrl": {"algorithm": "NLOPT_LN_COBYLA"}}, r"optCtrl option 'algorithm' of nloptwrap is not implemented"),
    ({"opt_ctrl": {"stopval": 1800}}, r"optCtrl option 'stopval' of nloptwrap is not implemented"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhobeg": -1}}, r"0 < ctrl\$rhobeg is not TRUE"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhoend": 0}}, r"0 < ctrl\$rhoend is not TRUE"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhobeg": 0.1, "rhoend": 1}}, r"ctrl\$rhoend <= ctrl\$rhobeg is not TRUE"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"maxfun": "a"}}, r"optCtrl\$maxfun must be a single number"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"maxfun": 0}}, r"optCtrl\$maxfun must be at least 1"),
    ({"optimizer": "bobyqa", "opt_ctrl": {"npt": "a"}}, r"optCtrl\$npt must be a single number"),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"xst": 0}}, r"0 < ctrl\$xst is not TRUE"),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"FtolAbs": "a"}}, r"optCtrl\$FtolAbs must be a single number"),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"warnOnly": True}}, r"optCtrl option 'warnOnly' of Nelder_Mead"),
]


@pytest.mark.parametrize("kwargs, pattern", CONTROL_REFUSED, ids=lambda v: repr(v)[:60])
def test_control_refused_at_construction(kwargs, pattern):
    refused(lambda: LmerControl(**kwargs), ControlError, pattern)


CONTROL_ACCEPTED = [  # kwargs, field, normalized value
    ({"check_rankX": "stop"}, "check_rankX", "stop.deficient"),  # lmerControl(check.rankX = "stop")
    ({"check_rankX": "mess"}, "check_rankX", "message+drop.cols"),
    ({"check_rankX": "si"}, "check_rankX", "silent.drop.cols"),
    ({"check_rankX": "w"}, "check_rankX", "warn+drop.cols"),
    ({"check_rankX": None}, "check_rankX", "message+drop.cols"),  # NULL: the first choice
    ({"check_rankX": ("message+drop.cols", "silent.drop.cols", "warn+drop.cols", "stop.deficient", "ignore")},
     "check_rankX", "message+drop.cols"),  # the whole choices vector: R's default
    ({"check_rankX": ["ig"]}, "check_rankX", "ignore"),
    ({"check_scaleX": "warni"}, "check_scaleX", "warning"),
    ({"check_scaleX": "warn+"}, "check_scaleX", "warn+rescale"),
    ({"check_scaleX": "sil"}, "check_scaleX", "silent.rescale"),
    ({"check_scaleX": "st"}, "check_scaleX", "stop"),
    ({"check_nlev_gtr_1": None}, "check_nlev_gtr_1", "stop"),  # NULL: lme4's default
    ({"check_nobs_vs_rankZ": "messageSmall"}, "check_nobs_vs_rankZ", "messageSmall"),
    ({"check_nobs_vs_rankZ": "ignoreSmall"}, "check_nobs_vs_rankZ", "ignoreSmall"),
    ({"check_formula_LHS": "warning"}, "check_formula_LHS", "warning"),
    ({"calc_derivs": "FALSE"}, "calc_derivs", False),  # lmerControl(calc.derivs = "FALSE")
    ({"calc_derivs": 0}, "calc_derivs", False),
    ({"restart_edge": 0}, "restart_edge", False),
    ({"restart_edge": np.bool_(True)}, "restart_edge", True),
    ({"use_last_params": "T"}, "use_last_params", True),
    ({"boundary_tol": -1}, "boundary_tol", -1.0),  # R: boundary.tol = -1 turns the snap off
    ({"boundary_tol": np.float32(1e-4)}, "boundary_tol", float(np.float32(1e-4))),
    ({"boundary_tol": 0}, "boundary_tol", 0.0),
    ({"check_conv_grad": "ignore"}, "check_conv_grad", ConvCheck("ignore", 2e-3)),
    ({"check_conv_grad": {"action": "warning", "tol": 1e-3}}, "check_conv_grad", ConvCheck("warning", 1e-3)),
    ({"check_conv_grad": {"action": "warning", "tol": 1e-3, "relTol": 1e-2}}, "check_conv_grad",
     ConvCheck("warning", 1e-3, 1e-2)),
    ({"opt_ctrl": {"maxeval": 5.7}}, "opt_ctrl", {"maxeval": 5.7}),
    ({"opt_ctrl": {"maxeval": -1}}, "opt_ctrl", {"maxeval": -1}),  # NLopt: no limit, as nloptr
    ({"opt_ctrl": {"xtol_abs": 0, "ftol_abs": 1e-6}}, "opt_ctrl", {"xtol_abs": 0, "ftol_abs": 1e-6}),
    ({"optimizer": None, "opt_ctrl": {"anything": "goes"}}, "opt_ctrl", {"anything": "goes"}),  # not used
    ({"optimizer": "bobyqa", "opt_ctrl": {"rhobeg": 0.5, "rhoend": 1e-7, "maxfun": 500}}, "opt_ctrl",
     {"rhobeg": 0.5, "rhoend": 1e-7, "maxfun": 500}),
    ({"optimizer": "Nelder_Mead", "opt_ctrl": {"FtolAbs": 1e-6, "xst": 0.1}}, "opt_ctrl",
     {"FtolAbs": 1e-6, "xst": 0.1}),
]


@pytest.mark.parametrize("kwargs, name, value", CONTROL_ACCEPTED, ids=lambda v: repr(v)[:50])
def test_control_accepted_with_r_meaning(kwargs, name, value):
    control = LmerControl(**kwargs)
    assert getattr(control, name) == value
    assert type(getattr(control, name)) is type(value)


@pytest.mark.parametrize("optimizer, key", [("nloptwrap", "junk"), ("bobyqa", "maxeval"),
                                            ("Nelder_Mead", "xtol_rel"), ("bobyqa", "junk")])
def test_unknown_opt_ctrl_names_warn_as_minqa(optimizer, key):
    # R: lmerControl(optimizer = "bobyqa", optCtrl = list(junk = 1)) -> W "unused control
    # arguments ignored" (nloptr ignores them silently; pylme warns for all optimizers)
    with pytest.warns(OptimizerWarning, match=r"^unused control arguments ignored"):
        LmerControl(optimizer=optimizer, opt_ctrl={key: 1})


@pytest.mark.parametrize("kwargs, theta, crit", [
    ({"check_rankX": "stop"}, 1.1978815328, 1786.465085394921),  # matches "stop.deficient", X full rank
    ({"calc_derivs": "FALSE"}, 1.1978815328, 1786.465085394921),
    ({"restart_edge": 0}, 1.1978815328, 1786.465085394921),
    ({"boundary_tol": -1}, 1.1978815328, 1786.465085394921),
    ({"opt_ctrl": {"maxeval": 5}}, 1.2314702546, 1786.485426172859),  # + convergence code 5 warning
    ({"opt_ctrl": {"maxeval": 5.7}}, 1.2314702546, 1786.485426172859),  # as.integer(5.7)
    ({"opt_ctrl": {"maxeval": -1}}, 1.1978815328, 1786.465085394921),
    ({"optimizer": "bobyqa", "opt_ctrl": {"maxfun": 5}}, 1.1341506192, 1786.547048483849),
], ids=lambda v: repr(v)[:40])
def test_control_values_fit_as_lme4(kwargs, theta, crit):
    # R: lmer(F, sleepstudy, control = lmerControl(<R equivalent>)): getME(, "theta"), REMLcrit()
    fit = quiet(lambda: pylme.lmer(F, SS, control=LmerControl(**kwargs)))
    assert fit.theta[0] == pytest.approx(theta, abs=1e-9)
    assert fit.opt.fval == pytest.approx(crit, abs=1e-9)


def test_rank_x_stop_prefix_stops_as_lme4():
    # R: lmerControl(check.rankX = "stop") on a deficient X: the stop.deficient error
    refused(lambda: pylme.lmer("Reaction ~ Days + I(2 * Days) + (1|Subject)", SS,
                               control=LmerControl(check_rankX="stop")),
            pylme.errors.ModelSpecError, r"the fixed-effects model matrix is column rank deficient")


@pytest.mark.parametrize("control, error, pattern", [
    (3, ControlError, r"'control' is not a list; use lmerControl\(\)$"),
    ("bobyqa", ControlError, r"'control' is not a list"),
    ({"junk": 1}, ControlError, r"unused argument \(junk = 1\)$"),  # do.call(lmerControl, list(junk = 1))
    ({"check.rankX": "junk"}, ControlError, r"'arg' should be one of"),
], ids=repr)
def test_control_argument_refused(control, error, pattern):
    refused(lambda: as_control(control), error, pattern)


@pytest.mark.parametrize("mapping, field, value", [
    ({"optCtrl": {"maxeval": 10}}, "opt_ctrl", {"maxeval": 10}),  # R's names
    ({"check.conv.grad": "ignore"}, "check_conv_grad", ConvCheck("ignore", 2e-3)),
    ({"restart_edge": False}, "restart_edge", False),
    ({"check_rankX": "stop"}, "check_rankX", "stop.deficient"),
])
def test_control_as_mapping_reads_r_and_python_names(mapping, field, value):
    with pytest.warns(DeprecationWarning, match="passing control as list is deprecated"):
        assert getattr(as_control(mapping), field) == value


# --- refit's new response ------------------------------------------------------------------------
FIT = quiet(lambda: pylme.lmer(F, SS))
NA_FIT = quiet(lambda: pylme.lmer(F, NA_DATA))
# R: refit(lmer(F, sleepstudy), <newresp>)
REFIT_REFUSED = [
    (["a"] * N, r"response must be numeric$"),  # refit(m, rep("a", n))
    (SS.Reaction.astype(str).to_numpy(), r"response must be numeric$"),  # as.character(Reaction)
    (pd.Categorical(["a", "b"] * (N // 2)), r"response must be numeric$"),  # factor
    ("abc", r"response must be numeric$"),
    (np.arange(3.0), r"length\(newresp <- as.numeric\(as.vector\(newresp\)\)\) == length\(rr\$y\) is not TRUE"),
    (np.ones(N + 1), r"length\(newresp <- as.numeric"),
    (with_nan(SS.Reaction), r"NA/NaN/Inf in 'y'$"),
    ([None] + [1.0] * (N - 1), r"NA/NaN/Inf in 'y'$"),  # c(NA, ...)
    (np.r_[np.inf, SS.Reaction.to_numpy()[1:]], r"NA/NaN/Inf in 'y'$"),
    (SS, r"refit not implemented for 'newresp' lists of length > 1: consider ‘lapply\(object,refit\)’$"),
    ({"a": SS.Reaction}, r"refit not implemented for 'newresp' lists of length > 1"),
    (np.column_stack([SS.Reaction, SS.Reaction]), r"updateMu: Size mismatch"),
    ([[1.0, 2.0]] * (N - 1) + [[1.0]], r"refit not implemented for 'newresp' lists"),
]


@pytest.mark.parametrize("newresp, pattern", REFIT_REFUSED, ids=lambda v: type(v).__name__)
def test_refit_response_refused_as_lme4(newresp, pattern):
    refused(lambda: FIT.refit(newresp), DataError, pattern)


@pytest.mark.parametrize("newresp", [
    SS[["Reaction"]], SS.Reaction.to_numpy()[:, None], SS.Reaction, SS.Reaction.to_list(),
], ids=["one-column DataFrame", "matrix n x 1", "Series", "list"])
def test_refit_response_accepted_as_a_vector(newresp):
    # R: refit(m, sleepstudy["Reaction"]) and refit(m, cbind(sleepstudy$Reaction)) are the
    # same as refit(m, sleepstudy$Reaction)
    assert quiet(lambda: FIT.refit(newresp)).theta[0] == quiet(lambda: FIT.refit(SS.Reaction.to_numpy())).theta[0]


def test_refit_logical_response_counts_as_zero_one():
    # R: r <- refit(lmer(Reaction ~ Days + (1|Subject), sleepstudy), rep(c(TRUE, FALSE), 90)):
    # theta 0, REMLcrit(r) 267.818521311443 -- not lmer()'s 267.389340707434 for the same
    # response: lme4 1.1-31's refit optimises the REML criterion with n - 1, not n - p
    fit = quiet(lambda: FIT.refit(np.tile([True, False], N // 2)))
    assert fit.theta[0] == 0.0
    assert fit.opt.fval == pytest.approx(267.818521311443, abs=1e-8)


def test_refit_of_a_fit_with_dropped_rows_takes_the_data_length():
    # R: refit(lmer(F, s2), sleepstudy$Reaction) with s2$Reaction[3] NA: nobs 179; a response
    # NA on the dropped row is accepted too
    assert quiet(lambda: NA_FIT.refit(SS.Reaction)).nobs == N - 1
    assert quiet(lambda: NA_FIT.refit(NA_DATA.Reaction)).nobs == N - 1
    assert quiet(lambda: NA_FIT.refit(NA_DATA.Reaction.dropna())).nobs == N - 1


# --- datasets.load -------------------------------------------------------------------------------
@pytest.mark.parametrize("name, hint", [
    ("nope", ""), ("Sleepstudy", r" \(names are case-sensitive: did you mean 'sleepstudy'\?\)"),
    ("", ""), (None, ""), (3, ""), (["sleepstudy"], ""), ({"a": 1}, ""), (np.array(["cake"]), ""),
], ids=repr)
def test_unknown_dataset_lists_the_available_names(name, hint):
    # R: data("nope") -> warning "data set ‘nope’ not found"
    with pytest.raises(UnknownDatasetError) as info:
        pylme.datasets.load(name)
    assert isinstance(info.value, KeyError) and isinstance(info.value, DataError)
    text = str(info.value)
    assert re.match(rf"data set ‘{re.escape(str(name))}’ not found: no dataset .* ships with pylme{hint}; "
                    r"available: " + re.escape(", ".join(pylme.datasets.list_datasets())) + "$", text), text
    with pytest.raises(UnknownDatasetError):
        pylme.datasets.info(name)


# --- a constant response (lme4 1.1-31 fits it and warns) --------------------------------------
CONSTANT = [
    # formula, y, start θ (lme4's θ̂ is rounding noise; pylme stays at the start)
    ("y ~ 1 + (1|Subject)", 1.0, [1.0]),
    ("y ~ 1 + (1|Subject)", 2.5, [1.0]),
    ("y ~ 1 + (1|Subject)", 0.0, [1.0]),
    ("y ~ Days + (1|Subject)", 1.0, [1.0]),
    ("y ~ Days + (Days|Subject)", 1.0, [1.0, 0.0, 1.0]),  # R: theta 1 0 1 as well
]


@pytest.mark.parametrize("formula, y, theta", CONSTANT, ids=[f"{c[0]}-{c[1]}" for c in CONSTANT])
@pytest.mark.parametrize("REML", [True, False])
def test_constant_response_gives_lme4s_degenerate_fit_and_warnings(formula, y, theta, REML):
    # R: m <- lmer(y ~ 1 + (1|Subject), transform(sleepstudy, y = 1)): REMLcrit -Inf,
    # sigma(m) 0, ranef 0, warnings "unable to evaluate scaled gradient" and "Problem with
    # Hessian check (infinite or missing values?)", optinfo$conv$lme4$code -6
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pylme.lmer(formula, SS.assign(y=y), REML=REML)
    assert fit.opt.fval == -np.inf
    assert fit.sigma == 0.0
    assert fit.theta.tolist() == theta
    assert np.all(fit.solution.u == 0.0)
    assert fit.conv.code == (-6,)
    assert fit.conv.messages == ("unable to evaluate scaled gradient",
                                 "Problem with Hessian check (infinite or missing values?)")
    kinds = [(w.category, str(w.message)) for w in caught]
    assert (ConvergenceWarning, "unable to evaluate scaled gradient") in kinds
    assert (ConvergenceWarning, "Problem with Hessian check (infinite or missing values?)") in kinds
    assert any(c is DataCheckWarning and m.startswith("the response is fitted exactly") for c, m in kinds)


def test_constant_response_checks_follow_the_control_actions():
    control = LmerControl(check_conv_grad="ignore", check_conv_hess="ignore")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pylme.lmer("y ~ 1 + (1|Subject)", SS.assign(y=1.0), control=control)
    assert fit.conv.messages == ()
    assert [w.category for w in caught] == [DataCheckWarning]


def test_refit_to_a_constant_response_warns_the_same():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = FIT.refit(np.full(N, 3.0))
    assert fit.opt.fval == -np.inf and fit.sigma == 0.0
    assert any(w.category is DataCheckWarning for w in caught)


def test_a_non_constant_response_is_not_flagged():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pylme.lmer(F, SS)
    assert not any(w.category is DataCheckWarning for w in caught)


# --- the helpers other modules call ----------------------------------------------------------------
CHOICES = ("profile", "Wald", "boot")


@pytest.mark.parametrize("value, expected", [
    ("profile", "profile"), ("p", "profile"), ("W", "Wald"), ("Wa", "Wald"), ("b", "boot"), (None, "profile"),
    (list(CHOICES), "profile"), (("boot",), "boot"),
], ids=repr)
def test_match_arg_accepts_as_r(value, expected):
    # R: match.arg(<value>, c("profile", "Wald", "boot"))
    assert match_arg(value, CHOICES, "method") == expected


@pytest.mark.parametrize("value, pattern", [
    ("bad", r"'arg' should be one of “profile”, “Wald”, “boot” \(method = 'bad'\)$"),
    ("", r"'arg' should be one of “profile”, “Wald”, “boot”"),  # R: match.arg("", ...)
    ("w", r"'arg' should be one of"),  # case matters
    (["p", "W"], r"'arg' must be of length 1"),
    ([], r"'arg' must be of length 1"),
    (3, r"'arg' must be NULL or a character vector"),
    (True, r"'arg' must be NULL or a character vector"),
], ids=repr)
def test_match_arg_refuses_as_r(value, pattern):
    refused(lambda: match_arg(value, CHOICES, "method"), ArgumentError, pattern)


def test_match_arg_takes_the_caller_error_class():
    with pytest.raises(ControlError):
        match_arg("x", CHOICES, "method", error=ControlError)


@pytest.mark.parametrize("value, choices, expected", [
    ("a", ("a", "ab"), "a"),  # exact beats partial
    ("ab", ("abc", "abd"), None),  # ambiguous
    ("", ("a",), None),
    ("abc", ("abc",), "abc"),
    ("x", ("abc",), None),
])
def test_pmatch(value, choices, expected):
    assert pmatch(value, choices) == expected


@pytest.mark.parametrize("value, expected", [(v, e) for v, e in REML_ACCEPTED])
def test_r_flag_reads_as_r_if(value, expected):
    assert r_flag(value, "x") is expected
