"""Links against R 4.2.2 / lme4 1.1-31: R's ``make.link`` closures and lme4's C++ ``glmFamily``.

Expected values: tests/data/glmm/families.json (``links``), made by
tests/data/glmm/make_families.R: ``make.link(name)$linkfun/linkinv/mu.eta/valideta`` and
``lme4:::glmFamily$new(family = f)$linkInv/muEta`` for a family carrying the link.
Every value must agree to the last bit.
"""

import pickle

import numpy as np
import pytest

from family_refs import hexvec, load, same_bits
from pylme.errors import DataError, ModelSpecError
from pylme.glmm.links import LINK_NAMES, Link, make_link

LINKS = load("families")["links"]
IDS = [case["name"] for case in LINKS]


def test_every_r_link_is_covered():
    assert sorted(IDS) == sorted(LINK_NAMES)


@pytest.mark.parametrize("case", LINKS, ids=IDS)
def test_linkfun_is_r_closure(case):
    link = make_link(case["name"])
    mu = hexvec(case["mu"])
    if case["name"] == "logit":  # R's C_logit_link stops outside [0, 1]; the grid is inside
        assert np.all((mu >= 0) | np.isnan(mu)) and np.all((mu <= 1) | np.isnan(mu))
    assert same_bits(link.linkfun(mu), hexvec(case["r_linkfun"]))


@pytest.mark.parametrize("case", LINKS, ids=IDS)
def test_linkinv_and_mu_eta_are_lme4_cpp(case):
    link = make_link(case["name"])
    eta = hexvec(case["eta"])
    assert same_bits(link.linkinv(eta), hexvec(case["cpp_linkinv"]))
    assert same_bits(link.mu_eta(eta), hexvec(case["cpp_mu_eta"]))


@pytest.mark.parametrize("case", LINKS, ids=IDS)
def test_r_linkinv_and_r_mu_eta_are_r_closures(case):
    link = make_link(case["name"])
    eta = hexvec(case["eta"])
    assert same_bits(link.r_linkinv(eta), hexvec(case["r_linkinv"]))
    assert same_bits(link.r_mu_eta(eta), hexvec(case["r_mu_eta"]))


@pytest.mark.parametrize("case", LINKS, ids=IDS)
def test_valideta(case):
    link = make_link(case["name"])
    got = [link.valideta(hexvec(v)) for v in case["valideta_args"]]
    assert got == case["valideta"]


def test_clamps_differ_where_lme4_differs_from_r():
    # the reason for two versions: lme4 clamps logit mu at eps, R clamps eta at +-30
    logit = make_link("logit")
    eps = np.finfo(float).eps
    assert logit.linkinv([-40.0])[0] == eps
    assert logit.r_linkinv([-40.0])[0] == eps / (1 + eps)
    # C++ std::max/min turn NaN into the bound; R's pmax keeps NaN
    assert logit.linkinv([np.nan])[0] == 1 - eps
    assert np.isnan(make_link("log").r_linkinv([np.nan])[0])
    assert make_link("log").linkinv([np.nan])[0] == eps


def test_errors_use_r_text():
    errors = {e["expr"]: e["message"] for e in load("families")["link_errors"]}
    with pytest.raises(ModelSpecError) as info:
        make_link("foo")
    assert str(info.value) == errors['make.link("foo")']
    with pytest.raises(DataError) as info:
        make_link("logit").linkfun([0.5, 1.5, 2])
    assert str(info.value) == errors["binomial()$linkfun(c(0.5, 1.5, 2))"]
    with pytest.raises(DataError) as info:
        make_link("logit").linkfun(-0.25)
    assert str(info.value) == errors["binomial()$linkfun(-0.25)"]


def test_link_value_semantics():
    link = make_link("probit")
    assert link == Link("probit") and link != Link("logit")
    assert pickle.loads(pickle.dumps(link)) == link
    assert hash(link) == hash(Link("probit"))
    with pytest.raises(AttributeError):
        link.name = "logit"
    assert link.linkinv(0.0).shape == ()
    assert link.linkinv([[0.0, 1.0]]).shape == (1, 2)
