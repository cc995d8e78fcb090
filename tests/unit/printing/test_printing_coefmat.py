"""printCoefmat / format.pval / stars against R 4.2.2."""

import numpy as np
import pytest
from _printing_rdata import dbl, load, vec

from pylme.printing.coefmat import format_pval, print_coefmat, signif_stars

PRIM = load("primitives.json")


def test_lme4_fixed_effects_table():
    text = print_coefmat([[251.405104848, 6.824596695, 36.83811], [10.4672859596, 1.545789644, 6.771481]],
                         ["(Intercept)", "Days"], ["Estimate", "Std. Error", "t value"], digits=4)
    assert text == ("            Estimate Std. Error t value\n"
                    "(Intercept)  251.405      6.825  36.838\n"
                    "Days          10.467      1.546   6.771\n")


def test_stars_and_pvalues():
    assert signif_stars([0.0005, 0.005, 0.03, 0.07, 0.5, float("nan")]) == \
        ["***", "** ", "*  ", ".  ", "   ", "   "]
    assert format_pval([1e-20, 0.5], 4) == ["<2e-16", "0.5"]


def _matrix(case):
    nr = case["nrow"]
    cn = vec(case["colnames"])
    return np.array(dbl(case["values"])).reshape(len(cn), nr).T, vec(case["rownames"]), cn


@pytest.mark.parametrize("case", PRIM["printcoefmat"])
def test_printcoefmat_matches_r(case):
    values, rn, cn = _matrix(case)
    assert print_coefmat(values, rn, cn, digits=4) == case["text_digits4"]
    assert print_coefmat(values, rn, cn) == case["text_default"]


@pytest.mark.parametrize("case", PRIM["format_pval"])
def test_format_pval_matches_r(case):
    x = dbl(case["x"])
    assert format_pval(x, 3) == vec(case["digits3"])
    assert format_pval(x, 4) == vec(case["digits4"])
    assert format_pval(x) == vec(case["default"])
