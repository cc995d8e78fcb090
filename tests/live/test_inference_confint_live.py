"""``confint``/``profile`` against a live R with lme4 1.1-31 (through rpy2).

Skipped, with the message "R/rpy2 not available: install r-base-core r-cran-lme4 and
rpy2>=3.5.17,<3.6 to enable", when R or rpy2 cannot be loaded (``tests/conftest.py``).
Besides models not in ``r_reference/inference/confint.json``, the first test checks that
R still produces the stored Wald intervals (the reference is not stale).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import PylmeWarning
from pylme.inference.profile import profile
from pylme.inference.splines import back_spline, interp_spline

pytestmark = pytest.mark.needs_r

REF = Path(__file__).resolve().parents[2] / "r_reference" / "inference" / "confint.json"


def _matrix(value) -> pd.DataFrame:
    rows, cols = [list(d.values) for d in value.attr("dimnames").values]
    nrow, ncol = value.attr_values("dim")
    data = np.array([np.nan if v is None else v for v in value.values], dtype=float).reshape((nrow, ncol), order="F")
    return pd.DataFrame(data, index=rows, columns=cols)


def _r_fit(r_session, dataset: str, formula: str, reml: bool):
    from conformance.cases import dataset_source

    env = r_session.new_env()
    r_session.run(f"{dataset} <- {dataset_source(dataset).r_expr}", env)
    r_session.run(f"fm <- lmer({formula}, data = {dataset}, REML = {'TRUE' if reml else 'FALSE'})", env)
    return env


def _fit(dataset: str, formula: str, reml: bool):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeWarning)
        return pylme.lmer(formula, pylme.datasets.load(dataset), REML=reml)


def test_stored_wald_intervals_are_current(r_session):
    ref = json.loads(REF.read_text())
    m = ref["models"]["sleepstudy_slope_reml"]
    env = _r_fit(r_session, "sleepstudy", m["formula"], m["reml"])
    live = _matrix(r_session.get(m["quantities"]["wald"]["r_expr"], env).value)
    stored = np.array([[np.nan if v is None else v for v in row] for row in m["quantities"]["wald"]["value"]])
    np.testing.assert_allclose(live.to_numpy(), stored, rtol=1e-12)


@pytest.mark.parametrize("dataset, formula, reml", [
    ("sleepstudy", "Reaction ~ Days + (1 | Subject)", False),
    ("sleepstudy", "Reaction ~ Days + (Days || Subject)", True),
    ("Pastes", "strength ~ 1 + (1 | batch/cask)", True),
])
def test_profile_and_wald_intervals_match_live_lme4(r_session, dataset, formula, reml):
    env = _r_fit(r_session, dataset, formula, reml)
    r_prof = _matrix(r_session.get("confint(fm, oldNames = FALSE)", env).value)
    r_wald = _matrix(r_session.get("confint(fm, method = 'Wald')", env).value)
    fit = _fit(dataset, formula, reml)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeWarning)
        ours = fit.confint(oldNames=False)
    assert list(ours.index) == list(r_prof.index) and list(ours.columns) == list(r_prof.columns)
    np.testing.assert_allclose(ours.to_numpy(), r_prof.to_numpy(), rtol=1e-3, atol=1e-6)
    wald = fit.confint(method="Wald")
    assert list(wald.index) == list(r_wald.index)
    np.testing.assert_allclose(wald.to_numpy(), r_wald.to_numpy(), rtol=1e-6)


def test_profile_points_match_live_lme4(r_session):
    formula = "Reaction ~ Days + (1 | Subject)"
    env = _r_fit(r_session, "sleepstudy", formula, True)
    value = r_session.get("as.data.frame(profile(fm, which = 'theta_'))", env).value
    columns = list(value.attr_values("names"))
    r = {c: v for c, v in zip(columns, value.values)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PylmeWarning)
        ours = profile(_fit("sleepstudy", formula, True), which="theta_").frame
    assert list(ours.columns) == columns
    levels = r[".par"].attr_values("levels")
    assert list(ours[".par"].astype(str)) == [levels[i - 1] for i in r[".par"].values]
    for c in (".zeta", ".sig01", ".sigma", "(Intercept)", "Days"):
        np.testing.assert_allclose(ours[c].to_numpy(), np.array(r[c].values, float), rtol=1e-5, atol=1e-7)


def test_splines_match_live_r(r_session):
    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(0, 10, 12))
    z = np.cumsum(rng.uniform(0.1, 1.0, 12)) - 3
    grid = np.linspace(-4, 12, 41)
    env = r_session.new_env()
    vec = lambda a: "c(" + ", ".join(repr(float(v)) for v in a) + ")"  # noqa: E731
    r_session.run(f"s <- splines::interpSpline({vec(x)}, {vec(z)}); b <- splines::backSpline(s)", env)
    fwd, bak = interp_spline(x, z), back_spline(interp_spline(x, z))
    r_fwd = np.array(r_session.get(f"predict(s, {vec(grid)})$y", env).value.values, float)
    r_bak = np.array([np.nan if v is None else v for v in r_session.get(f"predict(b, {vec(grid)})$y", env).value.values],
                     float)
    np.testing.assert_allclose(fwd(grid), r_fwd, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bak(grid), r_bak, rtol=1e-10, atol=1e-12)
