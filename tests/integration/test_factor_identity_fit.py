"""Fits and predictions use the right group when grouping values collide or need exact identity.

Expected numbers are lme4 1.1-31's (R 4.2.2), from the R expressions in the comments, with
the data below (``d``):

    x <- c(<X>); y <- c(<Y>)
    pa <- c("p","p:q","p","p","p:q","r","r","r","p:q"); pb <- c("q:s","s","s","t","t","s","t","q:s","q:s")
    d <- data.frame(a = rep(pa, 4), b = rep(pb, 4), x = x, y = y)

(``a = "p", b = "q:s"`` and ``a = "p:q", b = "s"`` both paste to ``"p:q:s"``: lme4 makes them
one group of ``a:b``.)
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import DataError, SingularFitMessage

X = [0.02, 0.56, 0.58, 0.69, -0.69, 0.29, 0.84, -0.31, -0.44, -0.89, -0.41, -0.71, -0.07, 0.09, 0.0, -0.86,
     0.06, -0.37, 0.27, 0.75, -0.03, -0.93, 0.4, -0.34, 0.9, -0.68, -0.82, 0.0, 0.45, 0.6, -0.42, -0.56, -0.35,
     0.55, 0.97, -0.3]
Y = [0.43, 0.98, 0.97, -0.84, 1.37, 0.84, 0.79, 1.06, -0.74, 1.03, 0.66, 1.64, -0.39, 0.9, -0.08, -0.41, 0.18,
     -1.21, 0.59, 0.6, 0.73, -1.46, 1.91, 0.95, 0.04, 0.8, -1.61, 0.77, 1.1, 1.91, -1.55, 0.98, 0.8, 0.86, 1.95,
     -0.91]
PA = ["p", "p:q", "p", "p", "p:q", "r", "r", "r", "p:q"]
PB = ["q:s", "s", "s", "t", "t", "s", "t", "q:s", "q:s"]
# nd <- data.frame(a = c("p","p:q","r","p:q","p"), b = c("q:s","s","t","q:s","t"), x = c(0.5,0.5,-0.25,0,1))
NEW = pd.DataFrame({"a": ["p", "p:q", "r", "p:q", "p"], "b": ["q:s", "s", "t", "q:s", "t"],
                    "x": [0.5, 0.5, -0.25, 0.0, 1.0]})
# nd2 <- data.frame(a = c("z","p:q","p"), b = c("z:q","q","t:z"), x = 0)
NEW_LEVELS = pd.DataFrame({"a": ["z", "p:q", "p"], "b": ["z:q", "q", "t:z"], "x": [0.0, 0.0, 0.0]})

PARAMETERS = 1e-6  # optimizer end points: pylme's BOBYQA stops within this of lme4's
PREDICTIONS = 1e-6


def data() -> pd.DataFrame:
    return pd.DataFrame({"a": PA * 4, "b": PB * 4, "x": X, "y": Y})


def fit(formula: str, d: pd.DataFrame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SingularFitMessage)
        return pylme.lmer(formula, d)


def test_colliding_interaction_is_one_group_as_in_lme4():
    m = fit("y ~ x + (1 | a:b)", data())
    # levels(m@flist[[1]])
    assert m.inputs.re_terms.flist["a:b"].levels == (
        "p:q:s", "p:s", "p:t", "p:q:q:s", "p:q:t", "r:q:s", "r:s", "r:t")
    # print(fixef(m), digits = 17); getME(m, "theta"); REMLcrit(m); sigma(m)
    np.testing.assert_allclose(m.fixef().to_numpy(), [0.41017964574220284, 0.34125545234585913], rtol=PARAMETERS)
    np.testing.assert_allclose(m.theta, [1.9455112579391736], rtol=PARAMETERS)
    np.testing.assert_allclose(m.REMLcrit(), 69.837021774027875, rtol=1e-12)
    np.testing.assert_allclose(m.sigma, 0.46204292874028191, rtol=PARAMETERS)
    # ranef(m)[[1]][, 1]
    np.testing.assert_allclose(
        m.ranef()["a:b"].iloc[:, 0].to_numpy(),
        [0.31734726950046216, 0.81120237579537358, -1.32067031368861953, -1.27857412900031298,
         0.88613004263436546, 0.54773024298925432, 0.23586690174420583, -0.19903238997471812],
        atol=PARAMETERS)
    # fitted(m)[1:9]: rows 1 and 2 are ("p","q:s") and ("p:q","s"), the same group
    np.testing.assert_allclose(
        np.asarray(m.fitted())[:9],
        [0.73435202428958224, 0.91862996855634615, 1.41931018389817476, -0.67502440582777390,
         1.06084342625792560, 0.74501062866670775, 0.49780183573800635, 0.85212069850424088,
         -1.01854688229028811],
        atol=PREDICTIONS)


def test_predict_uses_the_merged_group():
    m = fit("y ~ x + (1 | a:b)", data())
    # predict(m, nd): rows 1 and 2 paste to "p:q:s" and get that group's effect
    np.testing.assert_allclose(
        np.asarray(m.predict(NEW), dtype=float),
        [0.89815464141559453, 0.89815464141559453, 0.12583339268101995, -0.86839448325811008,
         -0.56923521560055756],
        atol=PREDICTIONS)
    # predict(m, nd, re.form = NA)
    np.testing.assert_allclose(
        np.asarray(m.predict(NEW, re_form="NA"), dtype=float),
        [0.58080737191513243, 0.58080737191513243, 0.32486578265573807, 0.41017964574220284,
         0.75143509808806197],
        atol=PREDICTIONS)


def test_nested_grouping_and_its_predictions():
    m = fit("y ~ x + (1 | a/b)", data())
    # lapply(m2@flist, levels) with m2 <- lmer(y ~ x + (1|a/b), d)
    flist = m.inputs.re_terms.flist
    assert list(flist) == ["b:a", "a"]
    assert flist["b:a"].levels == ("q:s:p", "q:s:p:q", "q:s:r", "s:p", "s:p:q", "s:r", "t:p", "t:p:q", "t:r")
    assert flist["a"].levels == ("p", "p:q", "r")
    # getME(m2, "theta"): singular, a's variance is 0
    np.testing.assert_allclose(m.theta, [1.7923727131732625, 0.0], atol=PARAMETERS)
    # predict(m2, nd)
    np.testing.assert_allclose(
        np.asarray(m.predict(NEW), dtype=float),
        [0.90973777640902664, 0.87222347230909381, 0.12571363938675106, -0.84812967583474341,
         -0.54248348548469871],
        atol=PREDICTIONS)


@pytest.mark.parametrize("formula, message", [
    # try(predict(m, nd2)): new levels of a:b listed in %i% order of the new data
    ("y ~ x + (1 | a:b)", "new levels detected in newdata: p:t:z, p:q:q, z:z:q"),
    # try(predict(m2, nd2))
    ("y ~ x + (1 | a/b)", "new levels detected in newdata: z:q:z, q:p:q, t:z:p"),
])
def test_new_interaction_levels_are_named_in_lme4s_order(formula, message):
    m = fit(formula, data())
    with pytest.raises(DataError, match=f"^{message}$"):
        m.predict(NEW_LEVELS)


def test_float_grouping_factor_matches_lme4():
    # d <- data.frame(g = rep(c(0.3, 0.1+0.2, 2.5, 1e5, -1, 1/3, 7, 0.5, 12.25), 4), x = x, y = y)
    # m <- lmer(y ~ x + (1|g), d): R's factor() merges 0.3 and 0.1 + 0.2 (both "0.3")
    g = [0.3, 0.1 + 0.2, 2.5, 1e5, -1.0, 1 / 3, 7.0, 0.5, 12.25]
    d = pd.DataFrame({"g": g * 4, "x": X, "y": Y})
    m = fit("y ~ x + (1 | g)", d)
    re = m.ranef()["g"]
    # rownames(ranef(m)$g); ranef(m)$g[, 1]
    assert list(re.index) == ["-1", "0.3", "0.333333333333333", "0.5", "2.5", "7", "12.25", "1e+05"]
    np.testing.assert_allclose(
        re.iloc[:, 0].to_numpy(),
        [0.88613004263542205, 0.31734726950073744, 0.23586690174449934, 0.54773024298996686,
         0.81120237579644261, -0.19903238997479655, -1.27857412900200118, -1.32067031369025489],
        atol=PARAMETERS)
    np.testing.assert_allclose(m.theta, [1.9455112579583411], rtol=PARAMETERS)  # getME(m, "theta")
    # predict(m, data.frame(g = c(0.3, 0.1+0.2, 1/3, 1e5), x = c(0, 1, 0.5, -0.5)))
    new = pd.DataFrame({"g": [0.3, 0.1 + 0.2, 1 / 3, 1e5], "x": [0.0, 1.0, 0.5, -0.5]})
    np.testing.assert_allclose(
        np.asarray(m.predict(new), dtype=float),
        [0.72752691524289714, 1.06878236758838607, 0.81667427365940348, -1.08111839412083954],
        atol=PREDICTIONS)


# --- ids beyond 2^53 (R cannot hold them: compared with the same ids as small integers) ---------

BIG = 2**53


@pytest.mark.parametrize("make", [
    lambda k: pd.Series(BIG + k, dtype="int64"),
    lambda k: pd.Series(BIG + k, dtype="uint64"),
    lambda k: pd.Series([BIG + int(v) for v in k], dtype=object),
    lambda k: pd.array(BIG + k, dtype="Int64"),
    lambda k: pd.Categorical(BIG + k),
], ids=["int64", "uint64", "object", "Int64", "categorical"])
def test_ids_beyond_2_53_are_distinct_groups(make):
    # 9 ids, neighbours 1 apart: through float64 they would collapse into fewer groups
    k = np.tile(np.arange(9), 4)
    small = fit("y ~ x + (1 | g)", pd.DataFrame({"g": k, "x": X, "y": Y}))
    big = fit("y ~ x + (1 | g)", pd.DataFrame({"g": make(k), "x": X, "y": Y}))
    assert big.inputs.re_terms.flist["g"].levels == tuple(str(BIG + i) for i in range(9))
    np.testing.assert_array_equal(big.theta, small.theta)
    np.testing.assert_array_equal(big.ranef()["g"].to_numpy(), small.ranef()["g"].to_numpy())
    new_k = np.array([8, 0, 3])
    np.testing.assert_array_equal(
        np.asarray(big.predict(pd.DataFrame({"g": make(new_k), "x": [0.5, 0.5, 0.5]})), dtype=float),
        np.asarray(small.predict(pd.DataFrame({"g": new_k, "x": [0.5, 0.5, 0.5]})), dtype=float))
