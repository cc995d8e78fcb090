"""``str(fit.summary())`` and ``str(fit)`` of pylme's glmer fits equal lme4 1.1-31's printouts.

The expected texts are R's ``capture.output(print(summary(fit)))`` and
``capture.output(print(fit))`` frozen in tests/data/glmm/print/*.txt by
tests/data/glmm/print/make_expected.R (R 4.2.2, lme4 1.1-31, mlmRev for Contraception):
the models of glmer_spec.md §4.4 plus a weights/control call and a Poisson offset call.

The machine-independence rule: where lme4 reproduces its own text -- the same printout
after refitting on 8 seeded row permutations of the data (``<name>_spread.json``) -- pylme's
text must be identical, byte for byte.  Where lme4 itself prints other digits for the same
data in another row order (measured: VerbAgg, Contraception and grouseticks in every
permutation -- grouseticks even between two R sessions on the same rows -- and the
weights/bobyqa cbpp call in one of 8, whose period2 standard error is 0.30315 to 1e-7),
each line must be one of lme4's lines or have lme4's words with every
number inside lme4's own range over the 9 fits, widened by that range and by one unit of
the last printed digit (8 refits sample lme4's reach, they do not bound it).
"""

from __future__ import annotations

import difflib
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# glmer's two optimizer stages (minqa's BOBYQA, lme4's Nelder-Mead) live in pylme.optim
pytest.importorskip("pylme.optim.nelder_mead", reason="glmer needs its optimizers (pylme.optim)")

from pylme import datasets  # noqa: E402
from pylme.families import Gamma, binomial, poisson  # noqa: E402
from pylme.glmm.control import GlmerControl  # noqa: E402
from pylme.glmm.fit import glmer  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "glmm"
PRINT = DATA / "print"
CBPP_FORMULA = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


def frozen_text(name: str) -> str:
    """A frozen printout without its ``## `` header (ended by ``## ----``)."""
    raw = (PRINT / f"{name}.txt").read_bytes().decode("utf-8")
    head, sep, body = raw.partition("## ----\n")
    assert sep and all(line.startswith("## ") for line in head.splitlines())
    return body


def _cbpp() -> pd.DataFrame:
    d = datasets.load("cbpp").copy()
    d["prop"] = d["incidence"] / d["size"]
    d["logsize"] = np.log(d["size"])
    return d


def _gdat() -> pd.DataFrame:
    d = pd.read_csv(DATA / "devfun" / "gamma_sim.csv")
    levels = [str(v) for v in sorted(d["g"].unique())]  # R's factor(g): numeric order
    d["g"] = pd.Categorical(d["g"].astype(str), categories=levels)
    return d


#: name -> (formula, data loader, data name, keyword arguments of glmer)
MODELS = {
    "cbpp": (CBPP_FORMULA, _cbpp, "cbpp", dict(family="binomial")),
    "cbpp_agq25": (CBPP_FORMULA, _cbpp, "cbpp", dict(family="binomial", nAGQ=25)),
    "cbpp_agq0": (CBPP_FORMULA, _cbpp, "cbpp", dict(family="binomial", nAGQ=0)),
    "cbpp_probit": (CBPP_FORMULA, _cbpp, "cbpp", dict(family=binomial(link="probit"))),
    "cbpp_weights_control": ("prop ~ period + (1 | herd)", _cbpp, "cbpp",
                             dict(family="binomial", weights="size",
                                  control=GlmerControl(optimizer="bobyqa"))),
    "cbpp_poisson_offset": ("incidence ~ period + (1 | herd)", _cbpp, "cbpp2",
                            dict(family=poisson(), offset="logsize")),
    "grouseticks": ("TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)",
                    lambda: datasets.load("grouseticks"), "grouseticks", dict(family="poisson")),
    "verbagg": ("r2 ~ (Anger + Gender + btype + situ) + (1 | id) + (1 | item)",
                lambda: datasets.load("VerbAgg"), "VerbAgg", dict(family="binomial")),
    "contraception": ("use ~ age + I(age^2) + urban + livch + (1 | district)",
                      lambda: datasets.load("Contraception"), "Contraception",
                      dict(family="binomial")),
    "gamma": ("y ~ x + (1 | g)", _gdat, "gdat", dict(family=Gamma(link="log"))),
}

_FITS: dict = {}


def fitted(name: str):
    """One fit per model for the whole module (lme4's convergence warnings are expected)."""
    if name not in _FITS:
        formula, data, data_name, kwargs = MODELS[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITS[name] = glmer(formula, data(), data_name=data_name, **kwargs)
    return _FITS[name]


def assert_same_text(got: str, expected: str, note: str = "") -> None:
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                            "R", "pylme"))
        pytest.fail(f"printed text differs from R{note}:\n" + diff
                    + f"\nR: {expected!r}\npylme: {got!r}")


def lme4_texts(name: str, kind: str) -> list[str]:
    """R's printout of the fit, then those of its refits on permuted rows (distinct ones)."""
    spread = json.loads((PRINT / f"{name}_spread.json").read_text(encoding="utf-8"))
    texts = [frozen_text(f"{name}_{kind}")]
    for text in spread[kind]:
        if text not in texts:
            texts.append(text)
    return texts


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _unit(number: str) -> float:
    """One unit of the last printed digit of a rounded ``number`` (``3.88e-09``: 1e-11);
    0 for an integer without decimals or exponent (counts: ``Number of obs``, ``df.resid``)."""
    mantissa, e, exponent = number.lower().partition("e")
    if not e and "." not in mantissa:
        return 0.0
    return 10.0 ** (-len(mantissa.partition(".")[2]) + int(exponent or 0))


def _token_within(token: str, options: list[str]) -> bool:
    """``token`` is one of lme4's, or has their words with each number inside lme4's range
    widened by the range itself and one unit of the last printed digit."""
    if token in options:
        return True
    shape = _NUMBER.sub("#", token)
    same = [o for o in options if _NUMBER.sub("#", o) == shape]
    if not same:
        return False
    ours = [float(x) for x in _NUMBER.findall(token)]
    theirs = [_NUMBER.findall(o) for o in same]
    for k, x in enumerate(ours):
        values = [float(t[k]) for t in theirs]
        lo, hi = min(values), max(values)
        slack = (hi - lo) + max(_unit(t[k]) for t in theirs) * (1 + 1e-9)
        if not lo - slack <= x <= hi + slack:
            return False
    return True


def assert_within_lme4_spread(got: str, texts: list[str]) -> None:
    """The rule where lme4 is not reproducible (module docstring)."""
    lines = got.split("\n")
    variants = [t.split("\n") for t in texts if len(t.split("\n")) == len(lines)]
    if not variants:
        assert_same_text(got, texts[0], " (in the number of lines)")
    for i, line in enumerate(lines):
        candidates = [v[i] for v in variants]
        if line in candidates:
            continue
        tokens = line.split()
        options = [c.split() for c in candidates if len(c.split()) == len(tokens)]
        if not options or not all(_token_within(t, [o[j] for o in options])
                                  for j, t in enumerate(tokens)):
            assert_same_text(got, texts[0], f" outside lme4's own spread at line {i + 1}")


def assert_lme4_text(got: str, name: str, kind: str) -> None:
    texts = lme4_texts(name, kind)
    if len(texts) == 1:  # lme4 reproduces its text: byte for byte
        assert_same_text(got, texts[0])
    else:
        assert_within_lme4_spread(got, texts)


def test_every_frozen_model_is_fitted():
    assert {p.name[: -len("_summary.txt")] for p in PRINT.glob("*_summary.txt")} == set(MODELS)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_summary_text(name):
    summary = fitted(name).summary()
    assert_lme4_text(str(summary), name, "summary")
    assert summary.messages == ()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_print_text(name):
    fit = fitted(name)
    # str()/repr() leave out the final newline Python's print() adds back
    assert_lme4_text(str(fit) + "\n", name, "print")
    assert repr(fit) == str(fit)


def test_summary_coefficients():
    """``summary(fit)$coefficients``: z or t value, always Pr(>|z|)."""
    binom = fitted("cbpp").summary().coefficients
    assert list(binom.columns) == ["Estimate", "Std. Error", "z value", "Pr(>|z|)"]
    assert binom.loc["(Intercept)", "Pr(>|z|)"] == pytest.approx(1.468e-09, rel=1e-3)
    gamma = fitted("gamma").summary().coefficients
    assert list(gamma.columns) == ["Estimate", "Std. Error", "t value", "Pr(>|z|)"]


def test_summary_arguments():
    fit = fitted("cbpp")
    assert "Correlation of Fixed Effects" not in str(fit.summary(correlation=False))
    # with 6 digits the p-values show lme4's own spread (period2: 0.00106769 or 0.00106770)
    assert_lme4_text(str(fit.summary(digits=6)), "cbpp", "summary_digits6")
    from pylme.errors import ArgumentError

    with pytest.raises(ArgumentError, match="'correlation' must be NULL or logical"):
        fit.summary(correlation="yes")


def test_explicit_default_control_is_shown():
    """lme4 prints ``Control:`` whenever ``control=`` was given, unless it deparses to
    ``lmerControl()``: an explicit ``glmerControl()`` shows."""
    formula, data, _, kwargs = MODELS["cbpp"]
    fit = glmer(formula, data(), data_name="cbpp", control=GlmerControl(), **kwargs)
    assert "   Data: cbpp\nControl: glmerControl()\n\n" in str(fit.summary())
    assert "Control:" not in str(fit)


#: Models whose printouts lme4 reproduces on every row permutation: pylme's must be R's bytes.
REPRODUCIBLE = ("cbpp", "cbpp_agq25", "cbpp_agq0", "cbpp_probit", "cbpp_poisson_offset", "gamma")


@pytest.mark.parametrize("name", REPRODUCIBLE)
def test_reproducible_models_are_compared_byte_for_byte(name):
    assert len(lme4_texts(name, "summary")) == 1 and len(lme4_texts(name, "print")) == 1


def test_spread_rule_can_fail():
    """lme4's own texts pass; a number outside lme4's widened range, another word or
    another line count fail."""
    texts = lme4_texts("contraception", "summary")
    assert len(texts) > 1
    for text in texts:
        assert_within_lme4_spread(text, texts)
    original = texts[0]
    for bad in (original.replace("0.1757483", "0.1760000"),
                original.replace("Scaled residuals", "Scaled Residuals"),
                original.replace("district, 60", "district, 61"),
                original + "one more line\n"):
        with pytest.raises(pytest.fail.Exception):
            assert_within_lme4_spread(bad, texts)
