"""lme4 behaviours of a fit: messages, options, accessors.

Numbers cited with an R expression were produced by lme4 1.1-31 / R 4.2.2; the same
values are stored, with provenance, in r_reference/cases/ (named per test).
"""

import warnings

import numpy as np
import pytest

import pylme
from pylme.errors import (ConvergenceWarning, DeprecatedUsageWarning, DataCheckWarning, MissingDataMessage,
                          OptimizerWarning, RankDeficiencyMessage, ScaleWarning, SingularFitMessage)

SS = pylme.datasets.load("sleepstudy")
DYE = pylme.datasets.load("Dyestuff")


def fit_quietly(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pylme.lmer(*args, **kwargs)


def test_devfun_at_fixed_theta_matches_lme4():
    # f <- lmer(Yield ~ 1 + (1|Batch), Dyestuff, devFunOnly = TRUE); f(1); f(0)   (r_reference: dyestuff_reml)
    f = pylme.devfun("Yield ~ 1 + (1|Batch)", DYE)
    assert f(1.0) == pytest.approx(319.792389042002, rel=1e-12)
    assert f(0.0) == pytest.approx(326.023232155879, rel=1e-12)
    # ML: f(0.713) = 327.342162809547 (r_reference: dyestuff_ml)
    assert pylme.devfun("Yield ~ 1 + (1|Batch)", DYE, REML=False)(0.713) == pytest.approx(327.342162809547, rel=1e-12)


def test_devfun_never_changes_a_fit():
    fit = fit_quietly("Yield ~ 1 + (1|Batch)", DYE)
    before = (fit.theta.copy(), fit.vcov().to_numpy().copy(), fit.REMLcrit())
    f = fit.getME("devfun")
    f(0.713)
    f(3.0)
    assert np.array_equal(fit.theta, before[0])
    assert np.array_equal(fit.vcov().to_numpy(), before[1])
    assert fit.REMLcrit() == before[2]


def test_singular_fit_message_and_is_singular():
    # lme4's text with a Python help pointer (lme4: "see help('isSingular')", see LME4_WORDING)
    with pytest.warns(SingularFitMessage, match=r"^boundary \(singular\) fit: see help\(pylme\.isSingular\)$"):
        fit = pylme.lmer("Yield ~ 1 + (1|Batch)", pylme.datasets.load("Dyestuff2"))
    assert fit.isSingular()
    assert fit.theta[0] == 0.0
    assert fit.REMLcrit() == pytest.approx(161.8282778123, rel=1e-10)  # REMLcrit(fm) (dyestuff2_reml)


def test_start_heuristic_for_intercept_only_models():
    # spec §4.4, verified in R: Dyestuff start 0.97876, Penicillin start (1.7449, 3.5940)
    fit = fit_quietly("Yield ~ 1 + (1|Batch)", DYE)
    assert fit.theta_start[0] == pytest.approx(0.97876, abs=1e-5)
    pen = fit_quietly("diameter ~ 1 + (1|plate) + (1|sample)", pylme.datasets.load("Penicillin"))
    np.testing.assert_allclose(pen.theta_start, [1.7449, 3.5940], atol=1e-4)


def test_optimizer_none_evaluates_at_start():
    fit = fit_quietly("Yield ~ 1 + (1|Batch)", DYE, control=pylme.LmerControl(optimizer=None))
    assert fit.opt.conv == 1000 and fit.opt.message == "no optimization"
    np.testing.assert_array_equal(fit.theta, fit.theta_start)


def test_rank_deficient_x_drops_columns_with_message():
    with pytest.warns(RankDeficiencyMessage, match="^fixed-effect model matrix is rank deficient so dropping 1 column / coefficient$"):
        fit = pylme.lmer("Reaction ~ Days + I(2 * Days) + (1|Subject)", SS)
    assert list(fit.fixef().index) == ["(Intercept)", "Days"]
    full = fit.fixef(add_dropped=True)
    assert list(full.index) == ["(Intercept)", "Days", "I(2 * Days)"] and np.isnan(full["I(2 * Days)"])
    assert "fit warnings:" in str(fit.summary())


def test_scale_warning_and_nlevels_warning_action():
    with pytest.warns(ScaleWarning, match="^Some predictor variables are on very different scales: consider rescaling$"):
        pylme.lmer("Reaction ~ I(Days * 1e6) + (1|Subject)", SS)
    control = pylme.LmerControl(check_nlev_gtreq_5="warning")
    with pytest.warns(DataCheckWarning, match="^grouping factors with < 5 sampled levels may give unreliable estimates$"):
        pylme.lmer("Reaction ~ Days + (1|g)", SS.assign(g=np.arange(180) % 3), control=control)


def test_maxeval_warnings_follow_lme4():
    control = pylme.LmerControl(opt_ctrl={"maxeval": 5})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pylme.lmer("Reaction ~ Days + (Days|Subject)", SS, control=control)
    texts = [str(w.message) for w in caught]
    assert texts[0] == ("convergence code 5 from nloptwrap: NLOPT_MAXEVAL_REACHED: "
                        "Optimization stopped because maxeval (above) was reached.")
    assert fit.opt.feval == 5 and fit.opt.conv == 5
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert issubclass(caught[0].category, OptimizerWarning)


def test_no_fixed_effects_is_always_ml():
    fit = fit_quietly("Reaction ~ 0 + (1|Subject)", SS, REML=True)
    assert not fit.is_REML
    assert str(fit.summary()).startswith("Linear mixed model fit by maximum likelihood  ['lmerMod']")


def test_deviance_of_reml_fit_warns_and_ml_deviance_at_reml_estimates():
    fit = fit_quietly("Reaction ~ Days + (Days|Subject)", SS)
    with pytest.warns(DeprecatedUsageWarning, match=r"^deviance\(\) is deprecated for REML fits"):
        assert fit.deviance() == fit.REMLcrit()
    # deviance(fm, REML = FALSE) = 1751.986 (spec §6.8, lme4 1.1-31)
    assert fit.deviance(REML=False) == pytest.approx(1751.986, abs=5e-4)
    assert float(fit.logLik()) == pytest.approx(-1743.62827196 / 2, rel=1e-9)
    assert fit.logLik().df == 6


def test_na_exclude_pads_and_counts_dropped_rows():
    data = SS.assign(Days=np.where(np.arange(180) < 3, np.nan, SS.Days))
    with pytest.warns(MissingDataMessage, match="^3 rows with missing values dropped"):
        fit = pylme.lmer("Reaction ~ Days + (1|Subject)", data, na_action="exclude")
    assert fit.nobs == 177 and fit.n_dropped == 3
    assert fit.fitted().shape == (180,) and np.isnan(fit.fitted()[:3]).all()
    assert np.isnan(fit.residuals()[:3]).all() and np.isfinite(fit.residuals()[3:]).all()
    assert str(fit.summary()).endswith("  (3 observations deleted due to missingness)\n")
    omit = fit_quietly("Reaction ~ Days + (1|Subject)", data)
    assert omit.fitted().shape == (177,)


def test_weights_and_offset_by_name_or_array_agree():
    data = SS.assign(w=SS.Days + 1.0, o=10.0 * SS.Days)
    by_name = fit_quietly("Reaction ~ Days + (1|Subject)", data, weights="w", offset="o")
    by_array = fit_quietly("Reaction ~ Days + (1|Subject)", data, weights=data.w.to_numpy(), offset=data.o.to_numpy())
    assert by_name.REMLcrit() == by_array.REMLcrit()
    in_formula = fit_quietly("Reaction ~ Days + offset(o) + (1|Subject)", data, weights="w")
    assert in_formula.REMLcrit() == pytest.approx(by_name.REMLcrit(), rel=1e-12)


def test_unit_weights_equal_no_weights():
    a = fit_quietly("Reaction ~ Days + (Days|Subject)", SS)
    b = fit_quietly("Reaction ~ Days + (Days|Subject)", SS, weights=np.ones(180))
    assert a.REMLcrit() == pytest.approx(b.REMLcrit(), rel=1e-12)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-10)


def test_accessors_by_name():
    fit = fit_quietly("Reaction ~ Days + (Days|Subject)", SS)
    theta = fit.getME("theta")
    assert list(theta.index) == ["Subject.(Intercept)", "Subject.Days.(Intercept)", "Subject.Days"]
    assert list(fit.getME("Lind")[:6]) == [1, 2, 3, 1, 2, 3]
    re = fit.ranef()
    assert list(re) == ["Subject"] and list(re["Subject"].columns) == ["(Intercept)", "Days"]
    assert list(re["Subject"].index[:3]) == ["308", "309", "310"]
    coef = fit.coef()["Subject"]
    np.testing.assert_allclose(coef["Days"], fit.fixef()["Days"] + re["Subject"]["Days"])
    vc = fit.VarCorr().to_frame()
    assert list(vc.columns) == ["grp", "var1", "var2", "vcov", "sdcor"]
    assert list(vc.grp) == ["Subject", "Subject", "Subject", "Residual"]
    assert fit.ngrps() == {"Subject": 18}
    assert fit.getME("Zt").shape == (36, 180)
    cond = fit.ranef(condVar=True)["Subject"].attrs["postVar"]
    assert cond.shape == (18, 2, 2)


def test_verbose_prints_nloptr_trace(capsys):
    fit_quietly("Yield ~ 1 + (1|Batch)", DYE, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    # lmer(Yield ~ 1 + (1|Batch), Dyestuff, verbose = 1) prints 17 iterations, first f(x) = 319.758685
    assert lines[:2] == ["iteration: 1", "\tf(x) = 319.758685"]
    assert lines[-2:] == ["iteration: 17", "\tf(x) = 319.654277"]


def test_double_bar_and_nesting_expand_like_lme4():
    dbl = fit_quietly("Reaction ~ Days + (Days || Subject)", SS)
    assert dbl.inputs.formula_text == "Reaction ~ Days + ((1 | Subject) + (0 + Days | Subject))"
    assert list(dbl.VarCorr().to_frame().grp) == ["Subject", "Subject.1", "Residual"]
    pastes = fit_quietly("strength ~ 1 + (1 | batch/cask)", pylme.datasets.load("Pastes"))
    assert list(pastes.ngrps()) == ["cask:batch", "batch"]
    assert pastes.ranef()["cask:batch"].index[:2].tolist() == ["a:A", "a:B"]
