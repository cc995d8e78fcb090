"""``pylme.model_matrix`` against R's ``model.matrix``.

Reference: tests/data/model_matrix_public/model_matrix.json, written by
make_model_matrix.R in that folder (R 4.2.2, lme4 1.1-31 data sets).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import FormulaError, UnknownVariableError

REF = json.loads((Path(__file__).resolve().parents[2] / "data" / "model_matrix_public"
                  / "model_matrix.json").read_text())


def _data(name: str) -> pd.DataFrame:
    if name == "sl":  # sleepstudy[1:12, ] with Days[3] and Reaction[7] missing
        d = pylme.datasets.load("sleepstudy").iloc[:12].copy()
        d.loc[d.index[2], "Days"] = np.nan
        d.loc[d.index[6], "Reaction"] = np.nan
        return d
    return pylme.datasets.load(name)


@pytest.mark.parametrize("case", sorted(REF))
def test_equals_r_model_matrix(case):
    ref = REF[case]
    opts = tuple(ref["options"]) if ref.get("options") else ("contr.treatment", "contr.poly")
    with pylme.options(contrasts=opts):
        m = pylme.model_matrix(ref["formula"], _data(ref["data"]), contrasts=ref.get("contrasts_arg"))
    assert list(m.columns) == ref["columns"]
    np.testing.assert_allclose(m.to_numpy(), np.array(ref["values"]).T, rtol=1e-12, atol=1e-13)
    assert m.attrs["assign"] == ref["assign"]
    assert m.attrs.get("contrasts") == ref.get("contrasts")
    # R's row names are 1-based positions of the kept rows
    assert [int(i) + 1 for i in m.index] == [int(r) for r in ref["rownames"]]


def test_options_restored_after_block():
    cake = pylme.datasets.load("cake")
    assert pylme.model_matrix("~ recipe", cake).columns.tolist() == ["(Intercept)", "recipeB", "recipeC"]


def test_refuses_random_effects_and_unknown_variables():
    d = pylme.datasets.load("sleepstudy")
    with pytest.raises(FormulaError, match="random-effects"):
        pylme.model_matrix("Reaction ~ Days + (1 | Subject)", d)
    with pytest.raises(UnknownVariableError):
        pylme.model_matrix("~ Dayz", d)


def test_same_columns_as_lmer_X():
    d = pylme.datasets.load("cake")
    fit = pylme.lmer("angle ~ recipe * temperature + (1 | replicate)", d)
    m = pylme.model_matrix("angle ~ recipe * temperature", d)
    assert list(m.columns) == list(fit.inputs.X_columns)


def test_unused_levels_are_kept_as_r_model_matrix_keeps_them():
    # R 4.2.2: d <- data.frame(y = 1:4, f = factor(c("a","b","a","b"), levels = c("a","b","c")),
    #   s = c("u","v","u","v")); model.matrix(y ~ f + s, d) has columns (Intercept) fb fc sv,
    #   fc all zero (model.frame's drop.unused.levels = FALSE), assign 0 1 1 2;
    #   model.matrix(y ~ f, d[d$f == "a", ]) keeps fb and fc, both all zero, rows "1", "3"
    d = pd.DataFrame({"y": [1, 2, 3, 4], "f": pd.Categorical(list("abab"), categories=list("abc")),
                      "s": list("uvuv")})
    full = pylme.model_matrix("y ~ f + s", d)
    assert list(full.columns) == ["(Intercept)", "fb", "fc", "sv"]
    np.testing.assert_array_equal(full.to_numpy(), [[1, 0, 0, 0], [1, 1, 0, 1], [1, 0, 0, 0], [1, 1, 0, 1]])
    assert full.attrs["assign"] == [0, 1, 1, 2]
    part = pylme.model_matrix("y ~ f", d[d.f == "a"])
    assert list(part.columns) == ["(Intercept)", "fb", "fc"] and list(part.index) == [0, 2]
    np.testing.assert_array_equal(part.to_numpy(), [[1, 0, 0], [1, 0, 0]])
