"""A handful of shipped datasets compared with live R cell by cell (needs R + rpy2).

Doubles must be equal bit for bit (R's doubles, as 17 significant digits would show
them), integers equal, factors equal as labels with R's levels and ordered flag, ``NA``
where R has ``NA``, and R's row names as the index when they are not ``1..n``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conformance.cases import dataset_source
from pylme import datasets

pytestmark = pytest.mark.needs_r

# groupedData with ordered factors, row names, NA in integers, ordered factors with
# contr.poly, a second package's copy, a derived frame, a large mlmRev frame
KEYS = ["Orthodont", "mtcars", "airquality", "esoph", "CO2", "MathAchSchool", "Exam",
        "Oxboys@mlmRev", "Arabidopsis", "ham", "HSB", "morley"]


@pytest.mark.parametrize("key", KEYS)
def test_every_cell_equals_r(r_session, key):
    env = r_session.new_env()
    r_session.run(f".d <- {dataset_source(key).r_expr}", env)
    columns = r_session.get("as.list(.d)", env).value
    row_names = r_session.get("rownames(.d)", env).value.values
    automatic = r_session.get(".row_names_info(.d) < 0L", env).value.values[0]
    name, _, package = key.partition("@")
    frame = datasets.load(name, package=package or None)

    assert list(frame.columns) == list(columns.attr_values("names"))
    if automatic or list(row_names) == [str(i) for i in range(1, len(row_names) + 1)]:
        assert isinstance(frame.index, pd.RangeIndex)
    else:
        assert frame.index.tolist() == list(row_names)
    for column, r in zip(frame.columns, columns.values):
        ours = frame[column]
        assert len(ours) == len(r.values), column
        if r.is_factor:
            levels = r.attr_values("levels")
            assert list(ours.cat.categories) == list(levels), column
            assert ours.cat.ordered == ("ordered" in r.classes), column
            expected = [None if v is None else levels[v - 1] for v in r.values]
        else:
            expected = list(r.values)
        for i, (mine, theirs) in enumerate(zip(ours.tolist(), expected)):
            if theirs is None:
                assert pd.isna(mine), (column, i)
            elif r.type == "double":
                assert isinstance(mine, float) and not math.isnan(mine), (column, i)
                assert mine == theirs, (column, i, repr(mine), repr(theirs))
            else:
                assert mine == theirs, (column, i)
