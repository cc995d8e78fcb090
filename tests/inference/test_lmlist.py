"""``pylme.lmList`` against lme4's ``lmList`` (class ``lmList4``).

Reference: tests/data/lmlist/lmlist.json, written by tests/data/lmlist/make_lmlist.R
(R 4.2.2, lme4 1.1-31).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, FormulaError, PylmeWarning

R = json.loads((Path(__file__).resolve().parents[1] / "data" / "lmlist" / "lmlist.json").read_text())


def _sleep_na() -> pd.DataFrame:
    """make_lmlist.R's ``sl``: Subject levels reversed, Subject[c(1,2,15)] and Reaction[c(30,31)] NA."""
    d = pylme.datasets.load("sleepstudy").copy()
    d["Subject"] = d["Subject"].cat.reorder_categories(list(reversed(d["Subject"].cat.categories)))
    d.loc[d.index[[0, 1, 14]], "Subject"] = np.nan
    d.loc[d.index[[29, 30]], "Reaction"] = np.nan
    return d


CASES = {
    "sleepstudy": ("Reaction ~ Days | Subject", lambda: pylme.datasets.load("sleepstudy"), "sleepstudy"),
    "sleepstudy_na": ("Reaction ~ Days | Subject", _sleep_na, "sl"),
    "cake": ("angle ~ temp + I(temp^2) | recipe", lambda: pylme.datasets.load("cake"), "cake"),
}


def _array(ref: dict) -> np.ndarray:
    vals = np.array([np.nan if v is None else v for v in ref["values"]], dtype=float)
    return vals.reshape(ref["dim"], order="F")


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    formula, data, name = CASES[request.param]
    return pylme.lmList(formula, data(), data_name=name), R[request.param]


def test_show_text(case):
    fm, ref = case
    assert fm.text == ref["print"] + "\n"


def test_coef(case):
    fm, ref = case
    co = fm.coef()
    assert list(co.index) == ref["coef"]["rows"] and list(co.columns) == ref["coef"]["columns"]
    want = np.array(ref["coef"]["values"], dtype=float).T
    np.testing.assert_allclose(co.to_numpy(), want, rtol=1e-10)


@pytest.mark.parametrize("key, kwargs", [("confint", {}), ("confint_nopool", {"pool": False}),
                                         ("confint_pool", {"pool": True}), ("confint90", {"level": 0.9})])
def test_confint(case, key, kwargs):
    fm, ref = case
    ci = fm.confint(**kwargs)
    r = ref[key]
    assert [list(ci.groups), list(ci.bounds), list(ci.parms)] == r["dimnames"]
    np.testing.assert_allclose(ci.array, _array(r), rtol=1e-9)


def test_confint_text(case):
    fm, ref = case
    assert fm.confint().text.rstrip("\n") == ref["confint_text"].rstrip("\n")


def test_summary(case):
    fm, ref = case
    s = fm.summary()
    np.testing.assert_allclose(s.coefficients, _array(ref["summary_coef"]), rtol=1e-8)
    assert s.text == ref["summary_text"] + "\n"
    sd, df = fm.pooled_sd()
    assert sd == pytest.approx(ref["pooled_sd"], rel=1e-12) and df == ref["pooled_df"]


def test_plot_draws_one_panel_per_coefficient():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    fm = pylme.lmList("Reaction ~ Days | Subject", pylme.datasets.load("sleepstudy"))
    fig = fm.plot()
    assert [a.get_title() for a in fig.axes] == ["(Intercept)", "Days"]
    assert len(fig.axes[0].get_yticklabels()) == 18


def test_failed_group_warns_and_is_none():
    d = pylme.datasets.load("cake").copy()
    d["f"] = np.where(d["recipe"] == "A", "x", np.where(np.arange(len(d)) % 2 == 0, "x", "y"))
    with pytest.warns(PylmeWarning, match="Fitting failed for 1 group"):
        fm = pylme.lmList("angle ~ f | recipe", d)
    assert fm["A"] is None and fm["B"] is not None
    assert np.isnan(fm.coef().loc["A"]).all()


def test_errors():
    d = pylme.datasets.load("sleepstudy")
    with pytest.raises(FormulaError, match="response ~ terms \\| group"):
        pylme.lmList("Reaction ~ Days", d)
    with pytest.raises(ArgumentError, match="family"):  # glm-only arguments (tests: test_lmlist_glm.py)
        pylme.lmList("Reaction ~ Days | Subject", d, weights="Days")


def test_pickle_roundtrip():
    import pickle

    fm = pylme.lmList("Reaction ~ Days | Subject", pylme.datasets.load("sleepstudy"), data_name="sleepstudy")
    assert pickle.loads(pickle.dumps(fm)).text == fm.text
