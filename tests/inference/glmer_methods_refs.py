"""lme4 1.1-31 references of the glmer methods and the pylme fits they are compared with.

The references are frozen in ``tests/data/glmm/methods/methods_refs.json`` by
``methods_refs.R`` (same directory; R 4.2.2, lme4 1.1-31): every double as ``%.17g``
text, read back with :func:`num`.  Fits are made once per test session.

Tolerances (why):

* :data:`FIT_RTOL` — values that follow the optimum.  pylme's glmer reproduces lme4's
  Nelder–Mead path evaluation for evaluation, but its deviance differs from lme4's in
  the last bits (another Cholesky), so θ̂ and β̂ agree to ~1e-11 (cbpp) … 1e-8 (the
  Poisson and Gamma fits, whose paths part a few steps before the end).
* :data:`EXACT_RTOL` — quantities computed from lme4's own inputs only (no optimum).
* evaluation counts within :data:`conformance.spread.FEVAL_SLACK` of lme4's.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

import pylme
from conformance.spread import FEVAL_SLACK
from pylme.glmm.fit import glmer

__all__ = ["REFS", "num", "cbpp", "cbpp_fit", "poisson_fits", "gamma_fit", "factor_fit", "FIT_RTOL",
           "EXACT_RTOL", "FEVAL_SLACK", "quiet"]

_PATH = Path(__file__).resolve().parents[1] / "data" / "glmm" / "methods" / "methods_refs.json"
REFS = json.loads(_PATH.read_text())

FIT_RTOL = 1e-6
EXACT_RTOL = 1e-12

CBPP_FORMULA = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


def num(value) -> np.ndarray:
    """A frozen R number or vector/matrix (``%.17g`` text, ``"NaN"`` for NA) as floats."""
    return np.asarray(value, dtype=float)


def quiet(fn, *args, **kwargs):
    """Call ``fn`` with its warnings and messages silenced (fits signal lme4's messages)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def cbpp() -> pd.DataFrame:
    return pylme.datasets.load("cbpp")


@lru_cache(maxsize=1)
def cbpp_fit():
    """lme4's ``gm1``: ``glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)``."""
    return quiet(glmer, CBPP_FORMULA, cbpp(), "binomial")


@lru_cache(maxsize=1)
def poisson_fits():
    """The same Poisson model with ``offset(log(size))`` in the formula, and as ``offset=``."""
    data = cbpp().assign(ls=np.log(cbpp()["size"]))
    term = quiet(glmer, "incidence ~ period + offset(log(size)) + (1 | herd)", data, "poisson")
    argument = quiet(glmer, "incidence ~ period + (1 | herd)", data, "poisson", offset="ls")
    return data, term, argument


@lru_cache(maxsize=1)
def gamma_fit():
    """``glmer(y ~ x + (1 | g), gdat, Gamma(link = "log"))`` on ``../devfun/gamma_sim.csv``."""
    from pylme.families import Gamma

    data = pd.read_csv(_PATH.parents[1] / "devfun" / "gamma_sim.csv", dtype={"g": str})
    data["g"] = pd.Categorical(data["g"], categories=[str(i) for i in range(1, 41)])
    return quiet(glmer, "y ~ x + (1 | g)", data, Gamma(link="log"))


@lru_cache(maxsize=1)
def factor_fit():
    """A factor response (first level ``no`` = failure): ``anyinc ~ period + (1 | herd)``."""
    data = cbpp()
    data = data.assign(anyinc=pd.Categorical(np.where(data["incidence"] > 0, "yes", "no")))
    return quiet(glmer, "anyinc ~ period + (1 | herd)", data, "binomial")
