"""Export the datasets shipped in ``pylme.datasets`` from R (through rpy2).

For each :data:`conformance.cases.DATASETS` entry this writes, into
``pylme/datasets/data/``:

* ``<name>.csv.gz`` - header + rows; doubles as ``repr(float)`` (lossless),
  integers as integers, factors as their labels, ``NA`` as an empty field;
  gzip with ``mtime=0`` and no file name, so the bytes depend only on the data;
* ``<name>.json`` - canonical metadata: provenance (package, version, R
  expression, licence, title, description, citation), the file's sha256,
  and per column its R class, level order, ordered flag, missing count and a
  checksum computed in R.

R's row names are kept only when they are not ``1..n`` (``mtcars``' car
names): they are then the CSV's first column, under an empty header, and the
JSON says ``"row_names": true``. A registry name ``<name>@<package>`` is the
same R name from a second package (``Oxboys@mlmRev`` beside nlme's ``Oxboys``);
its files are ``<name>@<package>.*`` and its JSON's ``name`` is ``<name>``.
``README.md`` (the table of every shipped dataset) is rewritten from the JSON
files after each export.

Run as ``python -m conformance export-datasets`` (also part of ``regen``).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from conformance.cases import DATASETS, DatasetSource
from conformance.r_session import RSession, RValue
from conformance.regen import canonical_json, write_text

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "pylme" / "datasets" / "data"
SCHEMA_VERSION = 1

# Per-column facts computed in R: class, missing count and a checksum
# (sum of the values, or of the factor codes).
_COLUMN_FACTS_R = """lapply(.pylme_data, function(x) list(
  class = if (is.ordered(x)) "ordered" else if (is.factor(x)) "factor" else
          if (is.integer(x)) "integer" else if (is.numeric(x)) "numeric" else class(x)[1],
  n_missing = sum(is.na(x)),
  n_nan = if (is.double(x)) sum(is.nan(x)) else 0L,
  checksum = if (is.factor(x)) sum(as.integer(x), na.rm = TRUE) else
             if (is.numeric(x) || is.logical(x)) sum(x, na.rm = TRUE) else NA,
  contrasts = if (is.factor(x)) {
    a <- attr(x, "contrasts")
    if (is.null(a)) getOption("contrasts")[[if (is.ordered(x)) 2 else 1]] else "explicit"
  } else NA_character_))"""

# R's row names when they carry information (not the automatic 1..n), else NULL.
_ROW_NAMES_R = """if (.row_names_info(.pylme_data) < 0L ||
    identical(rownames(.pylme_data), as.character(seq_len(nrow(.pylme_data))))) NULL else
  rownames(.pylme_data)"""

_RD_R = """local({{
  rd <- tools::Rd_db("{package}")[["{topic}.Rd"]]
  txt <- function(section) {{
    s <- tools:::.Rd_get_section(rd, section)
    if (length(s) == 0) return("")
    out <- capture.output(tools::Rd2txt(s, fragment = TRUE,
                                       options = list(width = 10000L, underline_titles = FALSE)))
    trimws(gsub("[[:space:]]+", " ", paste(out, collapse = " ")))
  }}
  c(title = tools:::.Rd_get_title(rd), description = txt("description"), source = txt("source"),
    license = packageDescription("{package}")$License,
    version = packageDescription("{package}")$Version,
    citation = trimws(gsub("[[:space:]]+", " ",
                           paste(format(citation("{package}"), style = "text"), collapse = " "))),
    r_version = R.version.string)
}})"""


def export_datasets(out_dir: Path = DEFAULT_OUT, names: Iterable[str] = (),
                    session: RSession | None = None,
                    log: Callable[[str], None] = print) -> list[Path]:
    """Export datasets from R into `out_dir`.

    Parameters
    ----------
    out_dir : Path
        Destination (``pylme/datasets/data`` by default).
    names : iterable of str
        Dataset names; all of :data:`~conformance.cases.DATASETS` when empty.
    session : RSession, optional
    log : callable

    Returns
    -------
    list of Path
        Files written.
    """
    wanted = set(names)
    session = session or RSession(packages=("lme4",))
    written: list[Path] = []
    for source in DATASETS:
        if wanted and source.name not in wanted:
            continue
        written.extend(export_one(session, source, out_dir))
        log(f"exported {source.name}")
    if written:
        written.append(write_readme(out_dir))
    return written


def export_one(session: RSession, source: DatasetSource, out_dir: Path) -> list[Path]:
    """Export one dataset: returns the data and metadata paths."""
    env = session.new_env()
    session.run(f".pylme_data <- {source.r_expr}", env)
    frame = session.get("as.list(.pylme_data)", env).value
    facts = session.get(_COLUMN_FACTS_R, env).value
    nrow = session.get(".row_names_info(.pylme_data, type = 2L)", env).value.values[0]
    labels = session.get(_ROW_NAMES_R, env).value
    rd = session.get(_RD_R.format(package=source.package, topic=source.rd_topic)).value
    names = list(frame.attr_values("names"))
    if "" in names or len(set(names)) != len(names):
        raise ValueError(f"{source.name}: empty or duplicated column names")
    columns = [_column_meta(n, col, fact)
               for n, col, fact in zip(names, frame.values, facts.values)]
    row_names = None if labels.type == "NULL" else list(labels.values)
    data = gzip_bytes(csv_text(names, frame.values, row_names))
    data_path = out_dir / f"{source.name}.csv.gz"
    data_path.parent.mkdir(parents=True, exist_ok=True)
    data_path.write_bytes(data)
    meta = _dataset_meta(source, dict(zip(rd.attr_values("names"), rd.values)), columns,
                         nrow=nrow, data=data, file=data_path.name)
    if row_names is not None:  # only then, so that the other JSON files stay as they were
        meta["row_names"] = True
    meta_path = out_dir / f"{source.name}.json"
    write_text(meta_path, canonical_json(meta))
    return [data_path, meta_path]


def _dataset_meta(source: DatasetSource, rd: dict, columns: list[dict], nrow: int,
                  data: bytes, file: str) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "name": source.name.split("@")[0],
        "package": source.package,
        "package_version": rd["version"],
        "r_expr": source.r_expr,
        "rd_topic": source.rd_topic,
        "license": rd["license"],
        "title": rd["title"],
        "description": rd["description"],
        "source": rd["source"],
        "citation": rd["citation"],
        "r_version": rd["r_version"],
        "nrow": nrow,
        "ncol": len(columns),
        "columns": columns,
        "file": file,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": ("csv, gzip (mtime 0); doubles as repr(float); factors as labels; "
                   "NA as an empty field"),
    }


def _column_meta(name: str, column: RValue, facts: RValue) -> dict:
    fact = {k: v.values[0] for k, v in zip(facts.attr_values("names"), facts.values)}
    if fact["n_nan"]:
        raise ValueError(f"column {name!r} holds NaN (not NA): the CSV format cannot keep it")
    meta: dict[str, Any] = {"name": name, "r_class": fact["class"],
                            "n_missing": fact["n_missing"], "checksum": fact["checksum"]}
    if column.is_factor:
        levels = list(column.attr_values("levels"))
        if "" in levels:
            raise ValueError(f"factor {name!r} has an empty level: it would read back as NA")
        meta.update(levels=levels, ordered="ordered" in column.classes,
                    contrasts=fact["contrasts"])
    meta["dtype"] = _pandas_dtype(meta["r_class"], fact["n_missing"] > 0)
    return meta


def _pandas_dtype(r_class: str, has_na: bool) -> str:
    table = {"numeric": "float64", "integer": "Int64" if has_na else "int64",
             "logical": "boolean" if has_na else "bool", "factor": "category",
             "ordered": "category", "character": "str"}
    if r_class not in table:
        raise ValueError(f"unsupported R column class {r_class!r}")
    return table[r_class]


def csv_text(names: list[str], columns: Iterable[RValue],
             row_names: list[str] | None = None) -> str:
    """CSV text of the columns (labels for factors, "" for NA, "\\n" newlines).

    `row_names`, when given, become a first column with an empty header.
    """
    cells = [_column_cells(col) for col in columns]
    if row_names is not None:
        if "" in row_names:
            raise ValueError("an empty row name would read back as NA")
        names, cells = ["", *names], [list(row_names), *cells]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(names)
    writer.writerows(zip(*cells))
    return buffer.getvalue()


def _column_cells(column: RValue) -> list[str]:
    if column.is_factor:
        levels = column.attr_values("levels")
        return ["" if v is None else levels[v - 1] for v in column.values]
    if column.type == "double":
        return ["" if v is None else repr(v) for v in column.values]
    if column.type == "logical":
        return ["" if v is None else ("TRUE" if v else "FALSE") for v in column.values]
    if column.type == "character" and "" in column.values:
        raise ValueError("empty strings would read back as NA")
    return ["" if v is None else str(v) for v in column.values]


def gzip_bytes(text: str) -> bytes:
    """Gzip `text` deterministically (mtime 0, no file name, level 9)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


_README_HEAD = """# Shipped datasets

Exported from R by `python -m conformance export-datasets`
(`conformance/datasets_export.py`, registry `DATASETS` in `conformance/cases.py`);
this file is rewritten from the JSON files by that command: do not edit by hand.

Each `<name>.csv.gz` (gzip, mtime 0) has a header row; doubles are written as
Python `repr(float)` (lossless), integers as integers, factors as labels, `NA`
as an empty field. `<name>.json` holds the provenance (R expression, package
version, licence, title, description, citation), the file's sha256, and per
column the R class, level order, ordered flag, default contrast, missing count
and an R checksum. `pylme.datasets.load(name)` rebuilds the R types from it:
factors are pandas Categoricals with R's levels and ordered flag (nlme's
`groupedData` objects are shipped as `as.data.frame()` of them, so e.g.
`Orthodont$Subject` stays an ordered factor with R's level order).

Row names: R's row names become the pandas index (strings, as R's `rownames()`)
when they are not `1..n`, e.g. `mtcars` (car names), `USArrests` (states),
`MathAchSchool` (school ids), `Muscle`; otherwise the index is a RangeIndex.
Such a file has the row names as its first column, under an empty header, and
its JSON says `"row_names": true`.

Names shipped by two packages: `load(name)` gives the first package's data
(nlme's `Oxboys` and `bdf`, whose grouping factors are ordered); `load(name,
package="mlmRev")` gives the other (file `<name>@<package>.*`; `load("Oxboys@mlmRev")`
is the same). They are listed below with their package; `list_datasets(package=...)`
lists one package's names.

Not shipped: mlmRev's `s3bby` (a 2449 x 100 matrix of simulated responses, not a
data frame); lme4's, nlme's, mlmRev's and lmerTest's other data frames all ship.

Licences: lme4, nlme, mlmRev and lmerTest are "GPL (>= 2)"; R's `datasets`
package reports "Part of R <version>" (R is GPL-2 | GPL-3). See each dataset's
`citation` in its JSON.

| name | R expression | package (version) | licence | rows x cols | title (R help page) |
|---|---|---|---|---|---|
"""


def write_readme(out_dir: Path) -> Path:
    """Rewrite ``out_dir/README.md``: one table row per shipped dataset's JSON."""
    rows = []
    for path in sorted(out_dir.glob("*.json"), key=lambda p: (p.stem.lower(), p.stem)):
        meta = json.loads(path.read_text(encoding="utf-8"))
        name = meta["name"]
        if "@" in path.stem:  # the same R name from a second package
            name = f"{name} (`package=\"{meta['package']}\"`)"
        title = meta["title"].replace("|", "\\|")
        expr = meta["r_expr"]
        expr = f"`{expr}`" if "\n" not in expr else f"derived: see `{path.name}`"
        rows.append(f"| {name} | {expr} | {meta['package']} ({meta['package_version']}) "
                    f"| {meta['license']} "
                    f"| {meta['nrow']} x {meta['ncol']} | {title} |\n")
    readme = out_dir / "README.md"
    write_text(readme, _README_HEAD + "".join(rows))
    return readme
