"""R number-formatting primitives against R 4.2.2 (tests/data/printing/primitives.json)."""

import math

import numpy as np
import pytest
from _printing_rdata import dbl, load, vec

from pylme.printing.rformat import (R_NA, encode_number_cat, format_info_real, format_integer,
                                    format_real, is_na, parse_r_double, quantile7, r_round,
                                    signif, zapsmall)

PRIM = load("primitives.json")


def _same_double(a: float, b: float) -> bool:
    """Bitwise-equal up to NaN payloads (R's round(NA) is NA, either way NaN)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


# ---------------------------------------------------------------- hand-picked
@pytest.mark.parametrize("x, digits, expected", [
    ([0.1 + 0.2], 7, ["0.3"]),
    ([0.1 + 0.2], 17, ["0.30000000000000004"]),
    ([1e-15], 7, ["1e-15"]),
    ([123456789.0], 7, ["123456789"]),
    ([123456789.0], 4, ["123456789"]),
    ([-0.0], 7, ["0"]),
    ([-0.0, 1.5], 4, ["0.0", "1.5"]),
    ([0.001234, 123.4], 4, ["1.234e-03", "1.234e+02"]),
    ([1e-10, 1.0], 7, ["1e-10", "1e+00"]),
    ([R_NA, 1.5], 7, [" NA", "1.5"]),
    ([float("nan"), -math.inf, math.inf, 2.0], 7, [" NaN", "-Inf", " Inf", "   2"]),
    ([9996.0], 3, ["9996"]),
    ([100000.0], 7, ["1e+05"]),
    ([123456.0], 7, ["123456"]),
    ([612.10016, 35.07171, 654.94001], 4, ["612.10", " 35.07", "654.94"]),
])
def test_format_tricky_values(x, digits, expected):
    assert format_real(x, digits) == expected


def test_format_nsmall_after_fixed_choice():
    assert format_real([0.07, -0.14], nsmall=2) == [" 0.07", "-0.14"]
    assert format_real([1.0, 0.5], nsmall=3) == ["1.000", "0.500"]


def test_na_is_distinct_from_nan():
    assert is_na(R_NA) and not is_na(float("nan")) and not is_na(1.0)
    assert is_na(parse_r_double("NA")) and not is_na(parse_r_double("NaN"))
    assert format_real([R_NA]) == ["NA"] and format_real([float("nan")]) == ["NaN"]


def test_format_info_reports_width_decimals_notation():
    info = format_info_real([1e-10, 1.0])
    assert (info.width, info.decimals, info.exponent) == (5, 0, 1)
    info = format_info_real([251.405, 10.467], 4)
    assert (info.width, info.decimals, info.exponent) == (6, 2, 0)


def test_cat_number_uses_seven_significant_digits():
    assert encode_number_cat(r_round(1743.62827196, 4)) == "1743.628"
    assert encode_number_cat(r_round(1743.62827196, 1)) == "1743.6"
    assert encode_number_cat(-0.000012345678) == "-1.234568e-05"


@pytest.mark.parametrize("x, digits, expected", [
    (0.15, 1, 0.1), (0.25, 1, 0.2), (0.35, 1, 0.3), (2.5, 0, 2.0), (-2.5, 0, -2.0),
    (0.5, 0, 0.0), (1.5, 0, 2.0), (1.005, 2, 1.0), (2.675, 2, 2.67), (0.285, 2, 0.28),
    (1234.5678, -2, 1200.0), (55.55, 1, 55.5),
])
def test_round_r4_semantics(x, digits, expected):
    assert r_round(x, digits) == expected


def test_zapsmall_digits_not_ceiled():
    # R 4.2: round(x, 5 - log10(5.179)) = round(x, 4.29) -> 4 decimals
    assert zapsmall([-3.95362, 5.17929, 0.023085], 5) == [-3.9536, 5.1793, 0.0231]
    assert zapsmall([1.0, 1e-20]) == [1.0, 0.0]


def test_quantile_type7_small_n():
    assert quantile7([3.0]) == [3.0] * 5
    assert quantile7([1.0, 2.0]) == [1.0, 1.25, 1.5, 1.75, 2.0]


def test_format_integer():
    assert format_integer([1, 10, -100]) == ["   1", "  10", "-100"]
    assert format_integer([None, 5]) == ["NA", " 5"]


# ---------------------------------------------------------------- against R
@pytest.mark.parametrize("case", PRIM["format"], ids=lambda c: f"{vec(c['x'])[:2]}-d{c['digits']}")
def test_format_matches_r(case):
    assert format_real(dbl(case["x"]), case["digits"], case["nsmall"]) == vec(case["out"])


@pytest.mark.parametrize("case", PRIM["format_integer"])
def test_format_integer_matches_r(case):
    x = [None if v == "NA" else int(v) for v in vec(case["x"])]
    assert format_integer(x) == vec(case["out"])


def test_round_matches_r():
    bad = [(c["x"], c["digits"]) for c in PRIM["round"]
           if not _same_double(r_round(parse_r_double(c["x"]), c["digits"]), parse_r_double(c["out"]))]
    assert bad == []


def test_signif_matches_r():
    # Subnormal inputs are a known gap (R's fprec does not overflow there).
    cases = [c for c in PRIM["signif"] if abs(parse_r_double(c["x"])) >= 2.2250738585072014e-308
             or parse_r_double(c["x"]) == 0]
    bad = [(c["x"], c["digits"]) for c in cases
           if not _same_double(signif(parse_r_double(c["x"]), c["digits"]), parse_r_double(c["out"]))]
    assert bad == []
    assert len(cases) > 700


@pytest.mark.parametrize("case", PRIM["zapsmall"])
def test_zapsmall_matches_r(case):
    got = zapsmall(dbl(case["x"]), case["digits"])
    assert all(_same_double(g, e) for g, e in zip(got, dbl(case["out"])))


@pytest.mark.parametrize("case", PRIM["quantile"])
def test_quantile_matches_r(case):
    assert quantile7(dbl(case["x"])) == dbl(case["out"])


def test_longdouble_is_x87_extended():
    # formatReal's scaling relies on R's 80-bit long double.
    assert np.finfo(np.longdouble).nmant == 63
