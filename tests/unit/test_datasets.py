"""pylme.datasets: shapes, R column types, level order, checksums (no R needed).

Reference numbers were read from R 4.2.2 (lme4 1.1-31, nlme 3.1-162, mlmRev 1.0-8).
"""

from __future__ import annotations

import gzip
import hashlib
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from pylme import datasets

EXPECTED = {  # name: (nrow, ncol)
    "sleepstudy": (180, 3), "Dyestuff": (30, 2), "Dyestuff2": (30, 2),
    "Penicillin": (144, 3), "Pastes": (60, 4), "cake": (270, 5), "cbpp": (56, 4),
    "InstEval": (73421, 7), "HSB": (7185, 12), "star": (26796, 18),
}

DTYPES = {  # R class -> pandas dtype, per column
    "sleepstudy": {"Reaction": "float64", "Days": "float64", "Subject": "category"},
    "cake": {"replicate": "category", "recipe": "category", "temperature": "category",
             "angle": "int64", "temp": "float64"},
    "InstEval": {"s": "category", "d": "category", "studage": "category",
                 "lectage": "category", "service": "category", "dept": "category",
                 "y": "int64"},
    "cbpp": {"herd": "category", "incidence": "float64", "size": "float64",
             "period": "category"},
    "star": {"exp": "Int64", "read": "Int64", "math": "Int64", "yrs": "float64"},
}

ORDERED = {  # (dataset, column): ordered flag
    ("cake", "temperature"): True, ("cake", "replicate"): False, ("cake", "recipe"): False,
    ("InstEval", "studage"): True, ("InstEval", "lectage"): True,
    ("InstEval", "service"): False, ("InstEval", "dept"): False,
    ("sleepstudy", "Subject"): False, ("star", "gr"): True, ("star", "hdeg"): True,
    ("star", "cltype"): False, ("HSB", "School"): False, ("HSB", "Sector"): False,
}

LEVELS = {  # (dataset, column): R's levels (or their first few)
    ("sleepstudy", "Subject"): ["308", "309", "310", "330", "331", "332", "333", "334", "335",
                                "337", "349", "350", "351", "352", "369", "370", "371", "372"],
    ("cake", "temperature"): ["175", "185", "195", "205", "215", "225"],
    ("cake", "replicate"): [str(i) for i in range(1, 16)],
    ("Pastes", "sample"): ["A:a", "A:b", "A:c", "B:a"],
    ("Pastes", "cask"): ["a", "b", "c"],
    ("Penicillin", "plate"): list("abcdefghijklmnopqrstuvwx"),
    ("InstEval", "studage"): ["2", "4", "6", "8"],
    ("InstEval", "lectage"): ["1", "2", "3", "4", "5", "6"],
    ("InstEval", "dept"): ["15", "5", "10", "12", "6", "7", "4", "8", "9", "14", "1", "3",
                           "11", "2"],
    ("InstEval", "d"): ["1", "6", "7", "8", "12"],
    ("HSB", "School"): ["1224", "1288", "1296", "1308"],
    ("HSB", "Sector"): ["Public", "Catholic"],
    ("HSB", "Sex"): ["Male", "Female"],
    ("star", "gr"): ["K", "1", "2", "3"],
    ("star", "cltype"): ["small", "reg", "reg+A"],
}

SUMS = {  # (dataset, column): R's sum(x, na.rm = TRUE)
    ("sleepstudy", "Reaction"): 53731.4205, ("sleepstudy", "Days"): 810.0,
    ("Dyestuff", "Yield"): 45825.0, ("Dyestuff2", "Yield"): 169.968,
    ("Penicillin", "diameter"): 3308.0, ("Pastes", "strength"): 3603.2,
    ("cake", "angle"): 8673, ("cake", "temp"): 54000.0, ("cbpp", "size"): 842.0,
    ("InstEval", "y"): 235369, ("HSB", "MathAch"): 91593.321, ("star", "math"): 13627985,
}


def test_list_datasets():
    assert sorted(datasets.list_datasets()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shape_and_index(name):
    frame = datasets.load(name)
    assert frame.shape == EXPECTED[name]
    assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0


@pytest.mark.parametrize("name", sorted(DTYPES))
def test_dtypes(name):
    frame = datasets.load(name)
    for column, dtype in DTYPES[name].items():
        assert str(frame[column].dtype) == dtype, column


@pytest.mark.parametrize(("name", "column"), sorted(ORDERED))
def test_ordered_flag(name, column):
    values = datasets.load(name)[column]
    assert isinstance(values.dtype, pd.CategoricalDtype)
    assert values.cat.ordered is ORDERED[(name, column)]


@pytest.mark.parametrize(("name", "column"), sorted(LEVELS))
def test_level_order(name, column):
    levels = list(datasets.load(name)[column].cat.categories)
    expected = LEVELS[(name, column)]
    assert levels[: len(expected)] == expected


@pytest.mark.parametrize(("name", "column"), sorted(SUMS))
def test_column_sums(name, column):
    total = datasets.load(name)[column].sum()
    assert float(total) == pytest.approx(SUMS[(name, column)], rel=1e-13)


def test_exact_values():
    sleep = datasets.load("sleepstudy")
    assert sleep.Reaction.iloc[0] == 249.56 and sleep.Reaction.iloc[1] == 258.7047
    assert list(sleep.Subject.iloc[[0, 10, 179]]) == ["308", "309", "372"]
    cake = datasets.load("cake")
    assert cake.angle.iloc[:4].tolist() == [42, 46, 47, 39]
    assert cake.temperature.iloc[:2].tolist() == ["175", "185"]


def test_missing_values_star():
    star = datasets.load("star")
    assert star.math.isna().sum() == 2183 and star.read.isna().sum() == 2534
    assert star.sx.isna().sum() == 20
    # "NA:NA" is a level of birthq in R, not a missing value
    assert "NA:NA" in list(star.birthq.cat.categories)


def test_hsb_cses_definition():
    hsb = datasets.load("HSB")
    assert list(hsb.columns[:5]) == ["School", "Sector", "SES", "MathAch", "cses"]
    centred = hsb.SES - hsb.groupby("School", observed=True).SES.transform("mean")
    np.testing.assert_allclose(hsb.cses, centred, rtol=0, atol=1e-12)
    assert hsb.cses.iloc[0] == -1.0936170212765957  # R: h$cses[1], bit for bit
    # Sector and MEANSES are school-level: constant within each School
    per_school = hsb.groupby("School", observed=True)[["Sector", "MEANSES"]].nunique()
    assert (per_school == 1).all().all()


def test_insteval_levels_count():
    inst = datasets.load("InstEval")
    assert [len(inst[c].cat.categories) for c in ("s", "d", "dept")] == [2972, 1128, 14]


def test_load_returns_independent_copies():
    first = datasets.load("Dyestuff")
    first.loc[0, "Yield"] = -1.0
    assert datasets.load("Dyestuff").Yield.iloc[0] == 1545.0


def test_unknown_dataset():
    with pytest.raises(KeyError, match="no dataset 'nope'"):
        datasets.load("nope")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_info_matches_data(name):
    meta = datasets.info(name)
    frame = datasets.load(name)
    assert meta.license == "GPL (>= 2)"
    assert (meta.nrow, meta.ncol) == frame.shape
    assert meta.package in ("lme4", "nlme", "mlmRev") and meta.r_expr and meta.title
    for column in meta.columns:
        values = frame[column.name]
        assert int(values.isna().sum()) == column.n_missing
        if column.levels is not None:
            assert tuple(values.cat.categories) == column.levels
            assert values.cat.ordered == column.ordered
            codes = values.cat.codes.to_numpy()
            assert int((codes[codes >= 0] + 1).sum()) == column.checksum
        elif column.checksum is not None:
            assert float(values.sum()) == pytest.approx(column.checksum, rel=1e-12)


def test_info_provenance():
    assert datasets.info("sleepstudy").r_expr == "lme4::sleepstudy"
    assert datasets.info("star").package == "mlmRev"
    hsb = datasets.info("HSB")
    assert hsb.package == "nlme" and "MathAchieve" in hsb.r_expr and "ave(" in hsb.r_expr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_files_are_deterministic_gzip(name):
    meta = datasets.info(name)
    raw = resources.files("pylme.datasets").joinpath("data", meta.file).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == meta.sha256
    assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME field is zero
    assert not raw[3] & 0x08  # FNAME flag unset: no file name stored
    text = gzip.decompress(raw).decode("utf-8")
    assert "\r" not in text and text.endswith("\n")
