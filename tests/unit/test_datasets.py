"""pylme.datasets: shapes, R column types, level order, checksums (no R needed).

Reference numbers were read from R 4.2.2 (lme4 1.1-31, nlme 3.1-162, mlmRev 1.0-8), e.g.
``sum(grouseticks$HEIGHT)``, ``table(VerbAgg$r2)``, ``sprintf("%.17g", mean(grouseticks$HEIGHT))``.
"""

from __future__ import annotations

import gzip
import hashlib
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from pylme import datasets
from pylme.rstats import r_mean

EXPECTED = {  # name: (nrow, ncol)
    "sleepstudy": (180, 3), "Dyestuff": (30, 2), "Dyestuff2": (30, 2),
    "Penicillin": (144, 3), "Pastes": (60, 4), "cake": (270, 5), "cbpp": (56, 4),
    "InstEval": (73421, 7), "HSB": (7185, 12), "star": (26796, 18),
    "grouseticks": (403, 7), "VerbAgg": (7584, 9), "Contraception": (1934, 6),
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
    "grouseticks": {"INDEX": "category", "TICKS": "float64", "BROOD": "category",
                    "HEIGHT": "float64", "YEAR": "category", "LOCATION": "category",
                    "cHEIGHT": "float64"},
    "VerbAgg": {"Anger": "int64", "Gender": "category", "item": "category", "resp": "category",
                "id": "category", "btype": "category", "situ": "category", "mode": "category",
                "r2": "category"},
    "Contraception": {"woman": "category", "district": "category", "use": "category",
                      "livch": "category", "age": "float64", "urban": "category"},
}

ORDERED = {  # (dataset, column): ordered flag
    ("cake", "temperature"): True, ("cake", "replicate"): False, ("cake", "recipe"): False,
    ("InstEval", "studage"): True, ("InstEval", "lectage"): True,
    ("InstEval", "service"): False, ("InstEval", "dept"): False,
    ("sleepstudy", "Subject"): False, ("star", "gr"): True, ("star", "hdeg"): True,
    ("star", "cltype"): False, ("HSB", "School"): False, ("HSB", "Sector"): False,
    ("grouseticks", "INDEX"): False, ("grouseticks", "BROOD"): False,
    ("grouseticks", "YEAR"): False, ("grouseticks", "LOCATION"): False,
    ("VerbAgg", "resp"): True, ("VerbAgg", "r2"): False, ("VerbAgg", "btype"): False,
    ("VerbAgg", "situ"): False, ("VerbAgg", "mode"): False, ("VerbAgg", "Gender"): False,
    ("VerbAgg", "item"): False, ("VerbAgg", "id"): False,
    ("Contraception", "woman"): False, ("Contraception", "district"): False,
    ("Contraception", "use"): False, ("Contraception", "livch"): False,
    ("Contraception", "urban"): False,
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
    ("grouseticks", "INDEX"): ["1", "2", "3", "4", "5"],
    ("grouseticks", "BROOD"): ["501", "502", "503", "504"],
    ("grouseticks", "YEAR"): ["95", "96", "97"],
    ("grouseticks", "LOCATION"): ["1", "2", "3", "4", "5", "6"],
    ("VerbAgg", "resp"): ["no", "perhaps", "yes"],
    ("VerbAgg", "r2"): ["N", "Y"],
    ("VerbAgg", "btype"): ["curse", "scold", "shout"],
    ("VerbAgg", "situ"): ["other", "self"],
    ("VerbAgg", "mode"): ["want", "do"],
    ("VerbAgg", "Gender"): ["F", "M"],
    ("VerbAgg", "item"): ["S1WantCurse", "S1WantScold", "S1WantShout", "S2WantCurse",
                          "S2WantScold", "S2WantShout", "S3WantCurse", "S3WantScold"],
    ("Contraception", "woman"): ["1", "2", "3", "4", "5"],
    ("Contraception", "district"): ["1", "2", "3", "4", "5"],
    ("Contraception", "use"): ["N", "Y"],
    ("Contraception", "livch"): ["0", "1", "2", "3+"],
    ("Contraception", "urban"): ["N", "Y"],
}

SUMS = {  # (dataset, column): R's sum(x, na.rm = TRUE)
    ("sleepstudy", "Reaction"): 53731.4205, ("sleepstudy", "Days"): 810.0,
    ("Dyestuff", "Yield"): 45825.0, ("Dyestuff2", "Yield"): 169.968,
    ("Penicillin", "diameter"): 3308.0, ("Pastes", "strength"): 3603.2,
    ("cake", "angle"): 8673, ("cake", "temp"): 54000.0, ("cbpp", "size"): 842.0,
    ("InstEval", "y"): 235369, ("HSB", "MathAch"): 91593.321, ("star", "math"): 13627985,
    ("grouseticks", "TICKS"): 2567.0, ("grouseticks", "HEIGHT"): 186283.0,
    ("VerbAgg", "Anger"): 151704, ("Contraception", "age"): 4.2507000000001822,
}


def test_list_datasets():
    # more datasets ship since issue 10 (tests/unit/datasets/test_more_datasets.py checks them all)
    assert set(EXPECTED) <= set(datasets.list_datasets())


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


def test_grouseticks_cheight_definition():
    grouse = datasets.load("grouseticks")
    # lme4 ships cHEIGHT = HEIGHT - mean(HEIGHT); R's mean (long-double sum, correction
    # pass) gives 462.24069478908189, and the subtraction is bit for bit
    centre = r_mean(grouse.HEIGHT.to_numpy())
    assert centre == 462.24069478908189
    assert (grouse.cHEIGHT.to_numpy() == grouse.HEIGHT.to_numpy() - centre).all()
    assert grouse.cHEIGHT.iloc[:3].tolist() == [2.7593052109181144, 2.7593052109181144,
                                                9.7593052109181144]
    counts = [len(grouse[c].cat.categories) for c in ("INDEX", "BROOD", "LOCATION")]
    assert counts == [403, 118, 63]
    assert grouse.YEAR.value_counts(sort=False).tolist() == [117, 155, 131]


def test_verbagg_r2_and_ordered_resp():
    verb = datasets.load("VerbAgg")
    assert isinstance(verb.r2.dtype, pd.CategoricalDtype)
    assert list(verb.r2.cat.categories) == ["N", "Y"] and not verb.r2.cat.ordered
    assert verb.resp.cat.ordered and list(verb.resp.cat.categories) == ["no", "perhaps", "yes"]
    assert verb.resp.iloc[:7].tolist() == ["no", "no", "perhaps", "perhaps", "perhaps", "yes",
                                           "yes"]
    assert verb.r2.value_counts(sort=False).tolist() == [3973, 3611]  # R: table(VerbAgg$r2)
    assert verb.resp.value_counts(sort=False).tolist() == [3973, 2081, 1530]
    # the order is usable: r2 is "Y" exactly when resp is above "no"
    assert ((verb.resp > "no") == (verb.r2 == "Y")).all()
    counts = [len(verb[c].cat.categories) for c in ("id", "item")]
    assert counts == [316, 24]


def test_contraception_factors():
    contra = datasets.load("Contraception")
    assert contra.age.iloc[:3].tolist() == [18.440000000000001, -5.5598999999999998,
                                            1.4399999999999999]
    tables = {c: contra[c].value_counts(sort=False).tolist() for c in ("use", "livch", "urban")}
    assert tables == {"use": [1175, 759], "livch": [530, 356, 305, 743], "urban": [1372, 562]}
    counts = [len(contra[c].cat.categories) for c in ("woman", "district")]
    assert counts == [1934, 60]


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
