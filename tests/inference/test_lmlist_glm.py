"""``pylme.lmList(..., family=)`` against lme4's ``lmList(..., family =)`` (glm per group).

Reference: tests/data/lmlist_glm/lmlist_glm.json, written by
tests/data/lmlist_glm/make_lmlist_glm.R (R 4.2.2, lme4 1.1-31, MASS's ``confint.glm``).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, ConvergenceWarning, NumericalError, PylmeWarning
from pylme.families import Gamma, binomial, negative_binomial, poisson

R = json.loads((Path(__file__).resolve().parents[1] / "data" / "lmlist_glm" / "lmlist_glm.json").read_text())


def _sep() -> pd.DataFrame:
    return pd.DataFrame(R["sep_data"])


def _verbagg() -> pd.DataFrame:
    d = pylme.datasets.load("VerbAgg")
    return d[d["id"].astype(int) <= 12]


def _load(name):
    return lambda: pylme.datasets.load(name)


#: case -> (formula, data, data name, keyword arguments of lmList)
CASES = {
    "cbpp_cbind": ("cbind(incidence, size - incidence) ~ period | herd", _load("cbpp"), "cbpp",
                   {"family": "binomial"}),
    "cbpp_prop_probit": ("incidence/size ~ period | herd", _load("cbpp"), "cbpp",
                         {"family": binomial(link="probit"), "weights": "size"}),
    "grouse_poisson": ("TICKS ~ cHEIGHT | YEAR", _load("grouseticks"), "grouseticks", {"family": poisson}),
    "warpbreaks_poisson": ("breaks ~ tension | wool", _load("warpbreaks"), "warpbreaks", {"family": "poisson"}),
    "verbagg_binary": ("r2 ~ btype | id", _verbagg, "va", {"family": "binomial"}),
    "sleep_gamma_log": ("Reaction ~ Days | Subject", _load("sleepstudy"), "sleepstudy",
                        {"family": Gamma(link="log")}),
    "sleep_gamma_inverse": ("Reaction ~ Days | Subject", _load("sleepstudy"), "sleepstudy", {"family": "Gamma"}),
    "separation": ("y ~ x | g", _sep, "sep", {"family": "binomial"}),
    "warpbreaks_offset": ("breaks ~ tension | wool", lambda: pylme.datasets.load("warpbreaks").assign(
        off=np.log(np.linspace(1, 2, 54))), "wb", {"family": "poisson", "offset": "off"}),
    "grouse_negbin": ("TICKS ~ cHEIGHT | YEAR", _load("grouseticks"), "grouseticks",
                      {"family": negative_binomial(2)}),
    "warpbreaks_quasipoisson": ("breaks ~ tension | wool", _load("warpbreaks"), "warpbreaks",
                                {"family": "quasipoisson"}),
    "maxit3": ("y ~ x | g", _sep, "sep", {"family": "binomial", "control": {"maxit": 3}}),
}

def _noisy_groups(ref) -> tuple:
    """Groups whose printed lines cannot agree to the last digit: a coefficient that is 0
    in exact arithmetic (R prints its rounding noise, -1.27e-16, pylme its own: LAPACK's
    QR, not LINPACK's) or a separated fit (standard errors > 1e3 from a QR with condition
    number ~1e10 agree to ~1e-9 only).  Their numbers are compared with tolerances."""
    co = _array(ref["summary_coef"])
    bad = (np.abs(co[:, 0, :]) < 1e-12) | (co[:, 1, :] > 1e3)
    return tuple(g for g, b in zip(ref["summary_coef"]["dimnames"][0], bad.any(axis=1)) if b)


def _without_noise(ref, text):
    """`text` without the noisy groups' lines; where there are such lines, the others are
    compared token by token (numbers to 1e-6: R's ``format`` chooses a column's width and
    its fixed or scientific notation from all of its values, noise included)."""
    rows = tuple(f"{g} " for g in _noisy_groups(ref))
    if not rows:
        return text.split("\n")
    return [[_Token(t) for t in line.split()] for line in text.split("\n")
            if not line.startswith(rows)]


class _Token:
    """A printed token that equals another printing the same number to 1e-6."""

    def __init__(self, text: str):
        self.text = text
        try:
            self.value = float(text)
        except ValueError:
            self.value = None

    def __eq__(self, other) -> bool:
        if self.value is None or other.value is None:
            return self.text == other.text
        return bool(np.isclose(self.value, other.value, rtol=1e-6, atol=0))

    def __repr__(self) -> str:
        return repr(self.text)


def _fit(name):
    formula, data, data_name, kwargs = CASES[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fm = pylme.lmList(formula, data(), data_name=data_name, **kwargs)
    return fm, [str(w.message) for w in caught], [w.category for w in caught]


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    fm, msgs, cats = _fit(request.param)
    return request.param, fm, msgs, cats, R[request.param]


def _array(ref: dict) -> np.ndarray:
    vals = np.array([np.nan if v is None else v for v in ref["values"]], dtype=float)
    return vals.reshape(ref["dim"], order="F")


def _as_list(x):
    return [x] if isinstance(x, str) else list(x)


def test_coef(case):
    name, fm, _, _, ref = case
    co = fm.coef()
    assert list(co.index) == ref["coef"]["rows"] and list(co.columns) == ref["coef"]["columns"]
    want = np.array([[np.nan if v is None else v for v in col] for col in ref["coef"]["values"]], dtype=float).T
    assert np.array_equal(np.isnan(co.to_numpy()), np.isnan(want))
    # 1e-8 relative; coefficients that are 0 in exact arithmetic are rounding noise in both
    np.testing.assert_allclose(co.to_numpy(), want, rtol=1e-8, atol=1e-13)


def test_show_text(case):
    name, fm, _, _, ref = case
    assert _without_noise(ref, fm.text) == _without_noise(ref, ref["print"] + "\n")
    if not _noisy_groups(ref):
        assert fm.text == ref["print"] + "\n"


def test_warnings(case):
    name, _, msgs, cats, ref = case
    want = _as_list(ref["warnings"])
    assert msgs == want
    if want and want[0].startswith("Fitting failed"):
        assert cats == [PylmeWarning]
    else:
        assert all(c is ConvergenceWarning for c in cats)


def test_summary(case):
    name, fm, _, _, ref = case
    s = fm.summary(pool=False)
    want = _array(ref["summary_coef"])
    assert list(s.groups) == ref["summary_coef"]["dimnames"][0]
    assert list(s.columns) == ref["summary_coef"]["dimnames"][1]
    assert list(s.parms) == ref["summary_coef"]["dimnames"][2]
    assert np.array_equal(np.isnan(s.coefficients), np.isnan(want))
    est, rest = s.coefficients[:, 0], want[:, 0]
    np.testing.assert_allclose(est, rest, rtol=1e-8, atol=1e-13)
    big = np.abs(want[:, 1:3]) > 1e-10  # statistics of noise coefficients are noise too
    np.testing.assert_allclose(s.coefficients[:, 1:3][big], want[:, 1:3][big], rtol=1e-7)
    np.testing.assert_allclose(s.coefficients[:, 3][np.abs(want[:, 2]) > 1e-10],
                               want[:, 3][np.abs(want[:, 2]) > 1e-10], rtol=1e-7, atol=1e-14)
    assert _without_noise(ref, s.text) == _without_noise(ref, ref["summary_text"] + "\n")


def test_summary_default_pool(case):
    _, fm, _, _, ref = case
    if "error" in ref["summary_default"]:
        with pytest.raises(ArgumentError, match="replacement has length zero"):
            fm.summary()
    else:
        assert fm.summary().text == fm.summary(pool=False).text


def test_pooled_sd(case):
    _, fm, _, _, ref = case
    sd, df = fm.pooled_sd()
    assert sd == pytest.approx(ref["pooled_sd"], rel=1e-10)
    assert (np.isnan(df) and ref["pooled_df"] is None) or df == ref["pooled_df"]


def test_confint_pool(case):
    _, fm, _, _, ref = case
    ci = fm.confint(pool=True)
    want = _array(ref["confint_pool"])
    assert np.array_equal(np.isnan(ci.array), np.isnan(want))
    np.testing.assert_allclose(ci.array, want, rtol=1e-7, atol=1e-12)


#: profile intervals compared to 1e-6: a group whose profile is flat (separation, where
#: the estimate is an artefact of glm.fit's stopping rule) is chaotic in R itself
_REGULAR = 100.0


def test_confint_profile(case):
    name, fm, _, _, ref = case
    if "error" in ref["confint"]:
        with pytest.raises(NumericalError, match=ref["confint"]["error"]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fm.confint()
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ci = fm.confint()
    want = _array(ref["confint"])
    assert list(ci.bounds) == ref["confint"]["dimnames"][1]
    assert list(ci.groups) == ref["confint"]["dimnames"][0]
    flagged = " ".join(str(w.message) for w in caught if "profiling refits" in str(w.message))
    warned = np.array([f" {g}," in flagged.replace(":", ",") or f" {g}:" in flagged
                       for g in ci.groups])
    # NA bounds as R's in every group pylme does not warn about; in a warned group (a flat
    # profile: separation) R's own bound, NA or a number, follows its last bits
    assert np.array_equal(np.isnan(ci.array)[~warned], np.isnan(want)[~warned])
    regular = np.all(np.isfinite(want) & (np.abs(want) < _REGULAR), axis=1)  # (group, parm)
    regular = np.broadcast_to(regular[:, None, :], want.shape)
    assert regular.sum() >= want.size // 3
    np.testing.assert_allclose(ci.array[regular], want[regular], rtol=1e-6, atol=1e-8)
    # every bound that does not agree with R's lies in a group pylme warns about
    with np.errstate(invalid="ignore"):
        off = ~np.isclose(ci.array, want, rtol=1e-6, equal_nan=True)
    assert warned[off.any(axis=(1, 2))].all(), np.array(ci.groups)[off.any(axis=(1, 2))]


def test_call_text_and_pool_defaults():
    fm, _, _ = _fit("sleep_gamma_log")
    assert fm.pool and fm.has_scale and fm.is_glm
    fb, _, _ = _fit("grouse_poisson")
    assert not fb.pool and not fb.has_scale
    assert "Degrees of freedom" not in fb.text
    forced = pylme.lmList("TICKS ~ cHEIGHT | YEAR", pylme.datasets.load("grouseticks"), family="poisson",
                          pool=True, data_name="grouseticks")
    # lme4: pooledSD of a list without scale is 1 with NA degrees of freedom
    assert forced.text.endswith("Degrees of freedom: 403 total; NA residual\nResidual standard error: 1\n")


def test_family_errors():
    d = pylme.datasets.load("sleepstudy")
    with pytest.raises(ArgumentError, match="mode 'function'"):
        pylme.lmList("Reaction ~ Days | Subject", d, family="binomal")
    with pytest.raises(ArgumentError, match="glm.control"):
        pylme.lmList("Reaction ~ Days | Subject", d, family="Gamma", control={"tol": 1})


def test_pickle_roundtrip():
    import pickle

    fm, _, _ = _fit("warpbreaks_poisson")
    back = pickle.loads(pickle.dumps(fm))
    assert back.text == fm.text
