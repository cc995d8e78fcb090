"""``Family.initialize`` against lme4 1.1-31's ``mkRespMod`` and R 4.2.2's ``family$initialize``.

Expected values: tests/data/glmm/families.json (``initialize``), made by
tests/data/glmm/make_families.R: ``lme4:::mkRespMod(family = f, y = y, weights = w,
mustart = m, etastart = e)`` gives the stored y, weights, n and starting η; the family's
``initialize`` expression, evaluated as ``mkRespMod`` evaluates it, gives ``mustart``;
warnings and errors are R's ``conditionMessage``s.  Values must agree to the last bit,
texts exactly.
"""

import numpy as np
import pandas as pd
import pytest

from family_refs import hexvec, load, same_bits
from pylme.errors import DataError
from pylme.families import Family, binomial, gaussian, make_link, poisson

REF = load("families")
CASES = REF["initialize"]


def _family(case) -> Family:
    return Family(case["family"], make_link(case["link"]), theta=case.get("theta"),
                  varfun=case.get("varfun"))


def _response(spec):
    if "numeric" in spec:
        return hexvec(spec["numeric"])
    if "logical" in spec:
        return np.array(spec["logical"], dtype=bool)
    if "character" in spec:
        return np.array(spec["character"])
    if "matrix" in spec:
        return np.column_stack([hexvec(col) for col in spec["matrix"]])
    codes = [-1 if c == "NA" else c - 1 for c in spec["factor_codes"]]
    return pd.Categorical.from_codes(codes, categories=spec["levels"])


def _optional(case, key):
    return None if case.get(key) is None else hexvec(case[key])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_initialize_matches_mkRespMod(case):
    fam = _family(case)
    kwargs = dict(mustart=_optional(case, "mustart_in"), etastart=_optional(case, "etastart_in"))
    weights = _optional(case, "weights_in")
    if case["error"] is not None:
        with pytest.raises(DataError) as info:
            fam.initialize(_response(case["input"]), weights, **kwargs)
        assert str(info.value) == case["error"]
        return
    start = fam.initialize(_response(case["input"]), weights, **kwargs)
    assert list(start.warnings) == case["warnings"]
    assert same_bits(start.y, hexvec(case["y"]))
    assert same_bits(start.weights, hexvec(case["weights"]))
    assert same_bits(start.n, hexvec(case["n"]))
    assert same_bits(start.mustart, hexvec(case["mustart"]))
    assert same_bits(start.eta, hexvec(case["eta"]))


def test_two_columns_for_a_non_binomial_family_fail_as_glmer_does():
    text = next(e["message"] for e in REF["glmer_errors"] if "family = poisson" in e["expr"])
    with pytest.raises(DataError) as info:
        poisson().initialize(np.array([[1.0, 2.0], [0.0, 3.0]]))
    assert str(info.value) == text == "updateXwts: dimension mismatch"


def test_pandas_response_forms_equal_numpy_forms():
    ref = binomial().initialize(np.array([0.0, 1.0, 1.0, 0.0]))
    forms = [pd.Series(pd.Categorical(["n", "y", "y", "n"])),
             pd.Categorical(["a", "b", "c", "a"], categories=["a", "b", "c"]),  # 3 levels: first vs rest
             pd.Series([False, True, True, False]),
             pd.Series([0, 1, 1, 0], dtype="Int64"),
             np.array([False, True, True, False])]
    for form in forms:
        got = binomial().initialize(form)
        assert same_bits(got.y, ref.y) and same_bits(got.mustart, ref.mustart) and same_bits(got.eta, ref.eta)
    cb = binomial().initialize(pd.DataFrame({"s": [2, 0, 1], "f": [1, 3, 0]}))
    assert same_bits(cb.y, [2 / 3, 0.0, 1.0]) and same_bits(cb.weights, [3.0, 3.0, 1.0])


def test_pandas_missing_values_and_types():
    with pytest.raises(DataError, match=r"^NA/NaN/Inf in 'y'$"):
        poisson().initialize(pd.Series([1, None, 2], dtype="Int64"))
    with pytest.raises(DataError, match="^response must be numeric$"):
        poisson().initialize(pd.Series(["1", "2"]))
    with pytest.raises(DataError, match="^response must be numeric or factor$"):
        binomial().initialize(pd.Series(["a", "b"], dtype="string"))


def test_start_value_guard_reads_start_fixef():
    # gaussian(log) with y <= 0 needs starting values; start$fixef counts as one
    with pytest.raises(DataError, match="^cannot find valid starting values: please specify some$"):
        gaussian("log").initialize(np.array([1.0, 0.0]))
    got = gaussian("log").initialize(np.array([1.0, 0.0, 2.0]), start={"fixef": [0.0]})
    assert same_bits(got.mustart, [1.0, 0.0, 2.0]) and got.eta[1] == -np.inf


def test_result_is_read_only():
    start = binomial().initialize(np.array([0.0, 1.0]))
    for arr in (start.y, start.weights, start.n, start.mustart, start.eta):
        assert not arr.flags.writeable
