"""Families against R 4.2.2 / lme4 1.1-31 / MASS 7.3-58.

Expected values: tests/data/glmm/families.json, made by tests/data/glmm/make_families.R:
``lme4:::glmFamily$new(family = f)`` (lme4's C++ ``variance``, ``devResid``, ``aic``) on
realistic inputs (cbpp, VerbAgg, grouseticks fitted values; simulated Gamma and inverse
Gaussian data; extremes), R's family objects (names, ``print``, ``validmu``,
``lme4:::hasNoScale``) and the error texts of the constructors and of ``glmer``.
Variances and deviance residuals must agree to the last bit, the ``aic`` to 1e-12
relative (it does to the last bit in every case but Gamma, where R's four-part
``ebd0`` table is matched to within an ulp).
"""

import pickle

import numpy as np
import pytest

from family_refs import hexvec, load, max_rel_diff, same_bits
from pylme.errors import ArgumentError, ModelSpecError
from pylme.families import (Family, Gamma, binomial, family_from_arg, gaussian, inverse_gaussian,
                            make_link, negative_binomial, poisson, quasi, quasibinomial, quasipoisson)

REF = load("families")
CASES = REF["families"]


def _family(case) -> Family:
    return Family(case["family"], make_link(case["link"]), theta=case.get("theta"),
                  varfun=case.get("varfun"))


def _inputs(case):
    return (hexvec(case["y"]), hexvec(case["n"]), hexvec(case["mu"]), hexvec(case["wt"]),
            float(hexvec(case["dev"])[0]))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_variance_and_dev_resids_bit_for_bit(case):
    fam = _family(case)
    y, n, mu, wt, dev = _inputs(case)
    assert same_bits(fam.variance(mu), hexvec(case["variance"]))
    assert same_bits(fam.dev_resids(y, mu, wt), hexvec(case["dev_resids"]))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_aic(case):
    fam = _family(case)
    y, n, mu, wt, dev = _inputs(case)
    ref = float(hexvec(case["aic"])[0])
    ours = fam.aic(y, n, mu, wt, dev)
    if np.isnan(ref) or np.isinf(ref):
        assert same_bits([ours], [ref])
    elif fam.family == "Gamma":
        assert max_rel_diff([ours], [ref]) <= 1e-12
    else:
        assert ours == ref


def test_sum_order_cases_discriminate():
    # the frozen *_sum_order cases would fail with numpy's pairwise sum: they pin lme4's loop
    for name in ("gaussian_sum_order", "inverse_gaussian_sum_order", "gamma_sum_order"):
        case = next(c for c in CASES if c["name"] == name)
        wt = hexvec(case["wt"])
        terms = np.log(wt) if name.startswith("gaussian") else wt
        assert float(np.sum(terms)) != float(np.cumsum(terms)[-1])


def test_poisson_non_integer_count_warnings():
    fam = poisson()
    y = np.array([1.0, 2.5, 3.0])
    assert fam.aic(y, np.ones(3), np.array([1.0, 2.0, 3.0]), np.ones(3), 0.0) == np.inf
    assert fam.aic_warnings(y) == ("non-integer x = 2.500000",)
    assert binomial().aic_warnings(np.array([0.5])) == ()


PY_FAMILIES = {
    "binomial": binomial(), "binomial_probit": binomial("probit"), "binomial_inverse": binomial("inverse"),
    "poisson": poisson(), "poisson_logit": poisson("logit"), "Gamma": Gamma(), "Gamma_log": Gamma("log"),
    "inverse_gaussian": inverse_gaussian(), "gaussian": gaussian(), "gaussian_log": gaussian(link="log"),
    "negbin_2.5": negative_binomial(2.5), "negbin_1": negative_binomial(1), "negbin_third": negative_binomial(1 / 3),
    "negbin_1e6": negative_binomial(1e6), "negbin_big": negative_binomial(123456.789),
    "negbin_round": negative_binomial(10.12345), "negbin_tiny": negative_binomial(1e-5),
    "quasibinomial": quasibinomial(), "quasipoisson": quasipoisson(), "quasi": quasi(),
    "quasi_mu": quasi("log", "mu"),
}
OBJECTS = REF["family_objects"]


@pytest.mark.parametrize("obj", OBJECTS, ids=[o["key"] for o in OBJECTS])
def test_family_object_matches_r(obj):
    fam = PY_FAMILIES[obj["key"]]
    assert fam.family == obj["family"]
    assert fam.link.name == obj["link"]
    assert fam.varfun == obj.get("varfun")
    assert fam.r_text() == obj["print"]
    assert fam.has_scale is obj["has_scale"]
    assert [fam.validmu(hexvec(m)) for m in REF["valid_mu_args"]] == obj["validmu"]


def test_every_frozen_object_is_checked():
    assert sorted(PY_FAMILIES) == sorted(o["key"] for o in OBJECTS)


CONSTRUCTOR_CALLS = {
    "binomial(link = 1)": lambda: binomial(link=1),
    "poisson(link = 1)": lambda: poisson(link=1),
    "Gamma(link = 1)": lambda: Gamma(link=1),
    "inverse.gaussian(link = 1)": lambda: inverse_gaussian(link=1),
    "gaussian(link = 1)": lambda: gaussian(link=1),
    "quasibinomial(link = 1)": lambda: quasibinomial(link=1),
    "quasipoisson(link = 1)": lambda: quasipoisson(link=1),
    'binomial(link = "foo")': lambda: binomial(link="foo"),
    "negative.binomial()": lambda: negative_binomial(),
    "negative.binomial(2, link = 3)": lambda: negative_binomial(2, link=3),
    'quasi(variance = "x")': lambda: quasi(variance="x"),
}


@pytest.mark.parametrize("err", REF["constructor_errors"], ids=[e["expr"] for e in REF["constructor_errors"]])
def test_constructor_errors_use_r_text(err):
    with pytest.raises((ModelSpecError, ArgumentError)) as info:
        CONSTRUCTOR_CALLS[err["expr"]]()
    assert str(info.value) == err["message"]


GLMER_FAMILY_ARGS = {
    'glmer(family = "foo")': ("foo", ArgumentError),
    'glmer(family = "quasibinomial")': ("quasibinomial", ModelSpecError),
    "glmer(family = quasipoisson)": (quasipoisson, ModelSpecError),
    "glmer(family = quasi())": (quasi(), ModelSpecError),
    "glmer(family = NULL)": (None, ArgumentError),
    "glmer(family = 1)": (1, ArgumentError),
}


@pytest.mark.parametrize("err", [e for e in REF["glmer_errors"] if e["expr"] in GLMER_FAMILY_ARGS],
                         ids=lambda e: e["expr"])
def test_family_argument_errors_use_r_text(err):
    arg, exc = GLMER_FAMILY_ARGS[err["expr"]]
    with pytest.raises(exc) as info:
        family_from_arg(arg)
    assert str(info.value) == err["message"]


def test_family_argument_forms():
    assert family_from_arg("binomial") == binomial()
    assert family_from_arg("inverse.gaussian") == inverse_gaussian()
    assert family_from_arg(Gamma) == Gamma()
    assert family_from_arg(poisson(link="sqrt")) == poisson("sqrt")
    assert family_from_arg(gaussian) == gaussian()  # glmer's lmer shortcut is the caller's test


def test_value_semantics_repr_and_pickle():
    fams = [binomial(), poisson("identity"), Gamma("log"), inverse_gaussian(), gaussian("log"),
            negative_binomial(2.5, link="sqrt"), quasibinomial(), quasipoisson(), quasi("log", "mu^2")]
    assert [repr(f) for f in fams] == [
        "binomial(link='logit')", "poisson(link='identity')", "Gamma(link='log')",
        "inverse_gaussian(link='1/mu^2')", "gaussian(link='log')",
        "negative_binomial(theta=2.5, link='sqrt')", "quasibinomial(link='logit')",
        "quasipoisson(link='log')", "quasi(link='log', variance='mu^2')"]
    for f in fams:
        assert pickle.loads(pickle.dumps(f)) == f
        assert hash(f) == hash(pickle.loads(pickle.dumps(f)))
    assert binomial() == binomial(make_link("logit")) and binomial() != binomial("probit")
    assert gaussian() != gaussian("log") and negative_binomial(2) != negative_binomial(3)
    with pytest.raises(AttributeError):
        binomial().family = "poisson"
    assert quasi(variance="mu (1 - mu)").varfun == "mu(1-mu)"  # R drops spaces
