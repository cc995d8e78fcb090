"""``pylme.anova(mixed_fit, statsmodels_fit)`` against lme4's ``anova(merMod, lm/glm)``.

Reference values: tests/data/anova_lm/anova_lm.json, written by
tests/data/anova_lm/make_anova_lm.R (R 4.2.2, lme4 1.1-31).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, UnsupportedModelError
from pylme.inference.anova_lm import glm_logLik, lm_logLik

sm = pytest.importorskip("statsmodels.api")
smf = pytest.importorskip("statsmodels.formula.api")

DATA = Path(__file__).resolve().parents[1] / "data" / "anova_lm"
R = json.loads((DATA / "anova_lm.json").read_text())


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def _check(result, ref, text=True):
    assert list(result.index) == ref["rows"]
    assert list(result.columns) == ref["columns"]
    for col in ref["columns"]:
        want = np.array([np.nan if v is None else v for v in ref["values"][col]], dtype=float)
        np.testing.assert_allclose(result[col].to_numpy(float), want, rtol=2e-6, atol=1e-9, equal_nan=True)
    if text:
        assert result.text == ref["text"] + "\n"


@pytest.fixture(scope="module")
def pulp():
    return pd.read_csv(DATA / "pulp.csv")


def test_sleepstudy_lm_counts_sigma():
    d = pylme.datasets.load("sleepstudy")
    fm1 = _quiet(pylme.lmer, "Reaction ~ Days + (Days | Subject)", d, data_name="sleepstudy")
    lmD = smf.ols("Reaction ~ Days", d).fit()
    with pytest.warns(pylme.errors.PylmeMessage, match="refitting model"):
        res = pylme.anova(fm1=fm1, lmD=lmD)
    _check(res, R["sleepstudy"])
    # statsmodels' aic leaves σ out: R's is 2 more
    assert res["AIC"]["lmD"] == pytest.approx(lmD.aic + 2)


def test_dyestuff_model_names():
    d = pylme.datasets.load("Dyestuff")
    fm = _quiet(pylme.lmer, "Yield ~ 1 + (1|Batch)", d, data_name="Dyestuff")
    lm0 = smf.ols("Yield ~ 1", d).fit()
    res = _quiet(pylme.anova, fm, lm0, model_names=["fmD", "lm0"])
    _check(res, R["dyestuff"])


def test_pulp_reml_and_ml(pulp):
    null = smf.ols("bright ~ 1", pulp).fit()
    mm = _quiet(pylme.lmer, "bright ~ 1 + (1|operator)", pulp, data_name="pulp")
    _check(_quiet(pylme.anova, mmod=mm, nullmod=null), R["pulp"])
    ml = _quiet(pylme.lmer, "bright ~ 1 + (1|operator)", pulp, REML=False, data_name="pulp")
    label = "lmer(bright ~ 1 + (1 | operator), pulp, REML = FALSE)"
    _check(pylme.anova(ml, null, names=[label, "nullmod"]), R["pulp_ml"])


def test_glmer_vs_binomial_glm():
    cb = pylme.datasets.load("cbpp").assign(fail=lambda f: f["size"] - f["incidence"])
    gm = _quiet(pylme.glmer, "cbind(incidence, size - incidence) ~ period + (1 | herd)", cb,
                family="binomial", data_name="cbpp")
    g0 = smf.glm("incidence + fail ~ period", cb, family=sm.families.Binomial()).fit()
    res = pylme.anova(gm=gm, g0=g0)
    _check(res, R["cbpp"], text=False)  # the heading shows the Python formula of g0
    want = R["cbpp"]["text"].split("\n")[4:]
    assert res.text.split("\n")[4:-1] == want


def test_glmer_vs_poisson_glm():
    gt = pylme.datasets.load("grouseticks")
    fit = _quiet(pylme.glmer, "TICKS ~ YEAR + (1|BROOD)", gt, family="poisson", data_name="grouseticks")
    p0 = smf.glm("TICKS ~ YEAR", gt, family=sm.families.Poisson()).fit()
    _check(pylme.anova(gt=fit, p0=p0), R["grouseticks"])


def test_lm_loglik_weights_and_reml():
    d = pylme.datasets.load("sleepstudy").copy()
    w = np.resize([1.0, 2.0, 0.5], len(d))
    w[4] = 0
    lw = smf.wls("Reaction ~ Days", d, weights=w).fit()
    ll = lm_logLik(lw)
    ref = R["weighted_lm"]
    assert float(ll) == pytest.approx(ref["logLik"], rel=1e-12)
    assert (ll.df, ll.nobs) == (ref["df"], ref["nobs"])
    ols = smf.ols("Reaction ~ Days", d).fit()
    reml = lm_logLik(ols, REML=True)
    assert float(reml) == pytest.approx(R["lm_reml"]["logLik"], rel=1e-12)
    assert reml.df == R["lm_reml"]["df"]
    assert float(lm_logLik(ols)) == pytest.approx(R["sleepstudy"]["values"]["logLik"][0], rel=1e-10)


def test_gaussian_glm_equals_lm():
    d = pylme.datasets.load("sleepstudy")
    g = smf.glm("Reaction ~ Days", d).fit()
    ll = glm_logLik(g)
    assert ll.df == 3
    assert float(ll) == pytest.approx(R["sleepstudy"]["values"]["logLik"][0], rel=1e-10)


def test_unsupported_objects_are_typed_errors():
    d = pylme.datasets.load("sleepstudy")
    fm1 = _quiet(pylme.lmer, "Reaction ~ Days + (1 | Subject)", d)
    with pytest.raises(UnsupportedModelError, match="argument 2 is a dict"):
        pylme.anova(fm1, {"a": 1})
    assert issubclass(UnsupportedModelError, ArgumentError)
    rlm = smf.rlm("Reaction ~ Days", d).fit()
    with pytest.raises(UnsupportedModelError, match="RLM"):
        pylme.anova(fm1, rlm)
    ols = smf.ols("Reaction ~ Days", d).fit()
    with pytest.raises(UnsupportedModelError, match="anova_lm"):
        pylme.anova(ols, ols)


@pytest.mark.needs_r
def test_reference_script_reproduces_frozen_values(tmp_path):
    import shutil
    import subprocess

    for name in ("make_anova_lm.R", "pulp.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    subprocess.run(["Rscript", "make_anova_lm.R"], cwd=tmp_path, check=True, capture_output=True)
    fresh = json.loads((tmp_path / "anova_lm.json").read_text())
    assert fresh["sleepstudy"]["text"] == R["sleepstudy"]["text"]
