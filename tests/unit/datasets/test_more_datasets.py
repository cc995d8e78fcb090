"""Every shipped dataset against R's own view of it (no R needed).

``data/r_facts.json`` was written by ``make_r_facts.py`` (a plain ``Rscript``, R 4.2.2,
lme4 1.1-31, nlme 3.1-162, mlmRev 1.0-8, lmerTest 3.1-3) from each
``conformance.cases.DATASETS`` R expression: R's dimensions, column names, row names,
and per column its class, level order, ordered-ness, missing count,
``sprintf("%.17g", sum(x, na.rm = TRUE))`` and three cells (rows 1, (n+1)%/%2, n) at 17
significant digits. These tests load each dataset with :func:`pylme.datasets.load` and
compare.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conformance.cases import DATASETS
from pylme import datasets
from pylme.errors import DataError, UnknownDatasetError
from pylme.rstats import r_sum

FACTS = json.loads((Path(__file__).parent / "data" / "r_facts.json").read_text(encoding="utf-8"))
KEYS = sorted(FACTS["datasets"])


def _load(key: str) -> pd.DataFrame:
    name, _, package = key.partition("@")
    return datasets.load(name, package=package or None)


def _pandas_kind(series: pd.Series) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "ordered" if dtype.ordered else "factor"
    if str(dtype) in ("int64", "Int64"):
        return "integer"
    if str(dtype) == "float64":
        return "numeric"
    return str(dtype)


def test_facts_cover_the_registry():
    assert sorted(d.name for d in DATASETS) == KEYS
    assert FACTS["meta"]["packages"] == {"datasets": "4.2.2", "lme4": "1.1-31",
                                         "lmerTest": "3.1-3", "mlmRev": "1.0-8",
                                         "nlme": "3.1-162"}


@pytest.mark.parametrize("name", [
    "Orthodont", "Oxboys", "ergoStool", "MathAchieve", "MathAchSchool", "Machines", "Rail", "Oats",
    "BodyWeight", "Pixel", "Arabidopsis", "grouseticks_agg", "Exam", "Hsb82", "Gcsemv", "ScotsSec",
    "egsingle", "Early", "Chem97", "Mmmec", "bdf", "ham", "carrots", "TVbo", "ChickWeight", "CO2",
    "Orange", "sleep", "ToothGrowth", "warpbreaks", "InsectSprays", "PlantGrowth", "iris",
    "mtcars", "airquality", "esoph", "npk", "OrchardSprays", "Loblolly", "Indometh", "Theoph",
])
def test_names_the_brief_asks_for_are_shipped(name):
    # migrate's data() rule consults list_datasets(): these become pylme.datasets.load(name)
    assert name in datasets.list_datasets()


@pytest.mark.parametrize("key", KEYS)
def test_layout_matches_r(key):
    facts = FACTS["datasets"][key]
    frame = _load(key)
    assert frame.shape == (facts["nrow"], facts["ncol"])
    assert list(frame.columns) == facts["names"]
    if facts["row_names"] is None:
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    else:  # R's row names (not 1..n) are the index, as strings
        assert frame.index.tolist() == facts["row_names"]
        assert all(isinstance(v, str) for v in frame.index)


@pytest.mark.parametrize("key", KEYS)
def test_columns_match_r(key):
    facts = FACTS["datasets"][key]
    frame = _load(key)
    for name in facts["names"]:
        col, r = frame[name], facts["columns"][name]
        assert _pandas_kind(col) == r["class"], name
        assert int(col.isna().sum()) == r["n_missing"], name
        if "n_levels" in r:
            levels = [str(v) for v in col.cat.categories]
            assert len(levels) == r["n_levels"], name
            if "levels" in r:
                assert levels == r["levels"], name
            else:
                assert levels[:20] == r["levels_head"] and levels[-5:] == r["levels_tail"], name
                digest = hashlib.sha256("\n".join(levels).encode("utf-8")).hexdigest()
                assert digest == r["levels_sha256"], name
        for row, cell in zip(facts["rows"], r["cells"]):
            value = col.iloc[row - 1]
            if cell is None:
                assert pd.isna(value), (name, row)
            elif r["class"] == "numeric":
                assert value == float(cell), (name, row)  # %.17g reads back exactly
            else:
                assert str(value) == cell, (name, row)
        if r["sum"] is not None:
            values = col.dropna().to_numpy(dtype="float64")
            # R sums doubles in long double, as r_sum does
            assert float(r_sum(values)) == float(r["sum"]), name


@pytest.mark.parametrize("key", KEYS)
def test_provenance(key):
    name, _, package = key.partition("@")
    info = datasets.info(name, package=package or None)
    source = next(d for d in DATASETS if d.name == key)
    assert (info.name, info.package, info.r_expr) == (name, source.package, source.r_expr)
    assert info.package_version == FACTS["meta"]["packages"][source.package]
    assert info.r_version == FACTS["meta"]["r_version"]
    assert info.title and info.license
    assert info.license == ("Part of R 4.2.2" if source.package == "datasets" else "GPL (>= 2)")
    assert info.row_names is (FACTS["datasets"][key]["row_names"] is not None)


def test_grouped_data_keep_ordered_factors():
    # nlme's groupedData: as.data.frame() keeps the ordered grouping factor and its order
    ortho = datasets.load("Orthodont")
    assert ortho.Subject.cat.ordered and not ortho.Sex.cat.ordered
    assert list(ortho.Subject.cat.categories[:3]) == ["M16", "M05", "M02"]
    assert ortho.Subject.min() == "M16"  # R: min(Orthodont$Subject), the first level
    cw = datasets.load("ChickWeight")
    assert cw.Chick.cat.ordered and list(cw.Chick.cat.categories[:3]) == ["18", "16", "15"]


def test_name_shipped_by_two_packages():
    nlme_ox, mlm_ox = datasets.load("Oxboys"), datasets.load("Oxboys", package="mlmRev")
    assert datasets.load("Oxboys", package="nlme").equals(nlme_ox)
    assert nlme_ox.Subject.cat.ordered and not mlm_ox.Subject.cat.ordered
    assert list(nlme_ox.Subject.cat.categories[:3]) == ["10", "26", "25"]
    assert list(mlm_ox.Subject.cat.categories[:3]) == ["1", "10", "11"]
    # the same measurements (R: identical(nlme::Oxboys[2:3], mlmRev::Oxboys[2:3]) is TRUE)
    assert nlme_ox[["age", "height"]].equals(mlm_ox[["age", "height"]])
    assert (nlme_ox.Subject.astype(str) == mlm_ox.Subject.astype(str)).all()
    assert datasets.info("bdf").package == "nlme"
    assert datasets.info("bdf", package="mlmRev").package == "mlmRev"
    assert datasets.list_datasets().count("Oxboys") == 1
    assert datasets.load("Oxboys@mlmRev").equals(mlm_ox)  # the registry's spelling
    with pytest.raises(UnknownDatasetError):
        datasets.load("Oxboys@lme4")


def test_list_datasets_by_package():
    everything = datasets.list_datasets()
    per_package = {p: datasets.list_datasets(package=p)
                   for p in ("lme4", "nlme", "mlmRev", "lmerTest", "datasets")}
    assert sum(len(v) for v in per_package.values()) == len(DATASETS)
    assert set().union(*per_package.values()) == set(everything)
    assert per_package["lmerTest"] == ["carrots", "ham", "TVbo"]
    assert {"Oxboys", "bdf", "Exam"} <= set(per_package["mlmRev"])
    assert datasets.list_datasets(package="MASS") == []
    assert everything == sorted(everything, key=lambda n: (n.lower(), n))


def test_unknown_names_use_r_wording():
    # R: data(foo, package = "nlme") warns "data set ‘foo’ not found"
    with pytest.raises(UnknownDatasetError,
                       match="^data set ‘foo’ not found: .* from R package 'nlme'; "
                             "available: Alfalfa, Assay, bdf"):
        datasets.load("foo", package="nlme")
    with pytest.raises(UnknownDatasetError, match="ships with pylme from R package 'mlmRev'"):
        datasets.load("Orthodont", package="mlmRev")  # nlme's, not mlmRev's
    with pytest.raises(UnknownDatasetError, match="pylme ships no data from 'MASS'"):
        datasets.load("Boston", package="MASS")
    with pytest.raises(UnknownDatasetError, match=re.escape("did you mean 'Orthodont'?")):
        datasets.load("orthodont")
    with pytest.raises(DataError):
        datasets.info("Oxboys", package="lme4")


def test_readme_lists_every_dataset():
    readme = resources.files("pylme.datasets").joinpath("data", "README.md").read_text("utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) - 1 == len(DATASETS)  # one row per dataset, plus the header
    for source in DATASETS:
        name, _, package = source.name.partition("@")
        info = datasets.info(name, package=package or None)
        row = f"| {name}" + (f' (`package="{package}"`)' if package else "") + " |"
        hits = [r for r in rows if r.startswith(row)]
        assert len(hits) == 1, source.name
        assert f"| {info.package} ({info.package_version}) | {info.license} |" in hits[0]
        assert f"| {info.nrow} x {info.ncol} |" in hits[0]


def test_row_names_documented_examples():
    cars = datasets.load("mtcars")
    assert cars.index[:2].tolist() == ["Mazda RX4", "Mazda RX4 Wag"]
    assert cars.loc["Valiant", "mpg"] == 18.1
    assert datasets.load("morley").index[:2].tolist() == ["001", "002"]  # zeros kept
    assert datasets.load("Muscle").index[:3].tolist() == ["3", "4", "5"]
    assert isinstance(datasets.load("iris").index, pd.RangeIndex)


def test_integer_columns_with_missing_values():
    air = datasets.load("airquality")
    assert str(air.Ozone.dtype) == "Int64" and int(air.Ozone.isna().sum()) == 37
    assert str(air.Month.dtype) == "int64"
    assert np.array_equal(air.Month.unique(), [5, 6, 7, 8, 9])
