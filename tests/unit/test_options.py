"""``pylme.options(contrasts=)`` as R's ``options(contrasts=)``, honoured by lmer.

R reference (R 4.2.2, lme4 1.1-31, faraway's pulp data: tests/data/anova_lm/pulp.csv):
tests/data/model_matrix_public/options_pulp.json from make_options_pulp.R.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError
from pylme.options import DEFAULT_CONTRASTS, get_option

DATA = Path(__file__).resolve().parents[1] / "data"
REF = json.loads((DATA / "model_matrix_public" / "options_pulp.json").read_text())


@pytest.fixture(scope="module")
def pulp():
    return pd.read_csv(DATA / "anova_lm" / "pulp.csv")


def test_returns_old_value_and_restores():
    assert get_option("contrasts") == DEFAULT_CONTRASTS
    old = pylme.options(contrasts=("contr.sum", "contr.poly"))
    try:
        assert old == {"contrasts": DEFAULT_CONTRASTS}
        assert pylme.options()["contrasts"] == ("contr.sum", "contr.poly")
    finally:
        pylme.options(**old)
    assert get_option("contrasts") == DEFAULT_CONTRASTS
    with pylme.options(contrasts={"unordered": "contr.helmert", "ordered": "contr.treatment"}):
        assert get_option("contrasts") == ("contr.helmert", "contr.treatment")
    assert get_option("contrasts") == DEFAULT_CONTRASTS


@pytest.mark.parametrize("bad", ["contr.sum", ("contr.sum",), ("contr.sum", "contr.nope"), 3])
def test_bad_values(bad):
    with pytest.raises(ArgumentError):
        pylme.options(contrasts=bad)
    assert get_option("contrasts") == DEFAULT_CONTRASTS


def test_unknown_option():
    with pytest.raises(TypeError, match="digits"):
        pylme.options(digits=4)
    with pylme.options(contrasts=("contr.sum", "contr.poly")):
        assert pylme.options(contrasts=None) == {"contrasts": ("contr.sum", "contr.poly")}
        assert get_option("contrasts") == DEFAULT_CONTRASTS
    assert get_option("contrasts") == DEFAULT_CONTRASTS


def test_pulp_lmer_under_contr_sum(pulp):
    ref = REF["lmer_sum"]
    with pylme.options(contrasts=("contr.sum", "contr.poly")), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer(ref["formula"], pulp)
        one = pylme.lmer("bright ~ 1 + (1 | operator)", pulp)
    np.testing.assert_allclose(np.asarray(fit.beta), ref["fixef"], rtol=1e-6)
    assert list(fit.inputs.X_columns) == ref["fixef_names"]
    assert fit.sigma == pytest.approx(ref["sigma"], rel=1e-5)
    assert float(one.beta[0]) == pytest.approx(REF["lmer_intercept"]["fixef"], rel=1e-10)
    assert one.sigma == pytest.approx(REF["lmer_intercept"]["sigma"], rel=1e-6)


def test_pulp_aov_design_under_contr_sum(pulp):
    ref = REF["aov_sum"]
    with pylme.options(contrasts=("contr.sum", "contr.poly")):
        X = pylme.model_matrix("bright ~ operator", pulp)
    assert list(X.columns) == ref["columns"]
    # the aov fit: least squares on R's columns gives R's coefficients
    coef, *_ = np.linalg.lstsq(X.to_numpy(), pulp["bright"].to_numpy(), rcond=None)
    np.testing.assert_allclose(coef, ref["coef"], rtol=1e-10)
    assert X.attrs["contrasts"] == {"operator": "contr.sum"}
