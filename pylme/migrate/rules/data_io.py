"""Data in and out: ``read.csv``/``read.table``/``read.delim`` (pandas with R's defaults),
``readRDS``/``load`` (pyreadr), ``write.csv``, ``data()`` and lme4's datasets
(``pylme.datasets.load`` for the datasets pylme ships)."""

from __future__ import annotations

from functools import lru_cache

from . import register

PD = "import pandas as pd"


@lru_cache(maxsize=1)
def shipped_datasets() -> frozenset[str]:
    from pylme import datasets

    return frozenset(datasets.list_datasets())


@lru_cache(maxsize=None)
def _shipped_by(package: str) -> frozenset[str]:
    from pylme import datasets

    try:
        return frozenset(datasets.list_datasets(package=package))
    except Exception:  # a package pylme ships nothing of
        return frozenset()


def load_call(name: str, package: str | None) -> str:
    """``pylme.datasets.load("name")``, naming the package when another package pylme
    ships has a dataset of the same name (nlme's and mlmRev's ``Oxboys`` differ)."""
    if package and name in _shipped_by(package):
        others = {"lme4", "nlme", "mlmRev", "lmerTest", "datasets"} - {package}
        if any(name in _shipped_by(o) for o in others):
            return f'pylme.datasets.load("{name}", package="{package}")'
    return f'pylme.datasets.load("{name}")'


def dataset_expr(name: str, package: str | None, ctx) -> str | None:
    """The dataset ``name`` as a variable, loaded once (``name = pylme.datasets.load("name")``
    written before its first use, as R's lazy-loaded data appear under their own name);
    None when pylme does not ship it."""
    if name not in shipped_datasets():
        return None
    from ..names import py_name

    ctx.need_import("import pylme")
    var = py_name(name)
    if not ctx.is_defined(name):
        ctx.emit(f"{var} = {load_call(name, package)}")
        ctx.define(name)
        ctx.set_kind(name, "df")
    return var


def _r_string(node) -> str | None:
    if node is not None and node.type == "string":
        return node.text[1:-1]
    return None


def _bool(node) -> bool | None:
    if node is None:
        return None
    return {"TRUE": True, "T": True, "FALSE": False, "F": False}.get(node.text)


@register("read.csv", "read.csv2", "read.table", "read.delim", "read.delim2", returns="df")
def read_table(call, ctx):
    """R's defaults: read.csv has header=TRUE, sep=","; read.table header=FALSE and
    whitespace; na.strings "NA"; strings stay str (stringsAsFactors=FALSE, R >= 4)."""
    ctx.need_import(PD)
    m = call.match(("file", "header", "sep", "quote", "dec", "fill", "comment.char", "..."))
    named = call.named
    header_default = call.name != "read.table"
    sep_default = {"read.csv": ",", "read.csv2": ";", "read.delim": "\t", "read.delim2": "\t"}.get(
        call.name)
    header = _bool(m.get("header"))
    header = header_default if header is None else header
    sep = _r_string(m.get("sep"))
    sep = sep_default if sep is None else sep
    args = [ctx.expr(m["file"])]
    if sep is None or sep == "":
        args.append('sep=r"\\s+"')
    elif sep != ",":
        args.append(f"sep={sep!r}")
    if not header:
        args.append("header=None")
    na = named.get("na.strings")
    args.append(f"na_values={ctx.expr(na)}" if na is not None else 'na_values=["NA"]')
    args.append("keep_default_na=False")
    read = f"pd.read_csv({', '.join(args)})"
    if na is None or '""' in na.text or "''" in na.text:
        # pandas keeps a blank field of a numeric column as text; R reads it as NA
        ctx.need_import("from pylme.migrate import rbase")
        read = f"{read}.pipe(rbase.blank_to_na)"
    if "stringsAsFactors" in named and _bool(named["stringsAsFactors"]):
        ctx.need_import("from pylme.migrate import rbase")
        return f"rbase.strings_as_factors({read})"
    return read


@register("readRDS", returns="df")
def read_rds(call, ctx):
    ctx.need_import("import pyreadr")
    return f"pyreadr.read_r({ctx.expr(call.arg('file', 0))})[None]"


@register("load", visible=False)
def load(call, ctx):
    ctx.need_import("import pyreadr")
    return f"globals().update(pyreadr.read_r({ctx.expr(call.arg('file', 0))}))"


@register("write.csv", visible=False)
def write_csv(call, ctx):
    m = call.match(("x", "file", "..."))
    row_names = _bool(call.named.get("row.names"))
    index = "" if row_names is None or row_names else ", index=False"
    return f"{ctx.expr(m['x'])}.to_csv({ctx.expr(m['file'])}{index})"


@register("data", visible=False)
def data(call, ctx):
    package = _r_string(call.named.get("package"))
    names = [a.value for a in call.args if a.name is None and a.value is not None]
    names += [a.value for a in call.args if a.name == "list" and a.value is not None]
    stmts = []
    from ..names import py_name

    for node in names:
        name = node.text.strip("\"'`")
        if name not in shipped_datasets():
            ctx.todo(call.node, f"dataset {name} is not shipped with pylme")
        ctx.need_import("import pylme")
        ctx.define(name)
        ctx.set_kind(name, "df")
        stmts.append(f"{py_name(name)} = {load_call(name, package)}")
    if not stmts:
        ctx.todo(call.node, "data() without a dataset name")
    for stmt in stmts[:-1]:
        ctx.emit(stmt)
    return stmts[-1]


@register("source", visible=False)
def source(call, ctx):
    """``source("helpers.R")`` -> run the migrated ``helpers.py`` into this namespace
    (R's source() evaluates in the global environment); migrate helpers.R as well."""
    path = call.arg("file", 0)
    if path is None or path.type != "string":
        ctx.todo(call.node, "source() of a computed path")
    target = path.text[1:-1]
    stem, dot, ext = target.rpartition(".")
    py_path = (stem if dot and ext in ("R", "r") else target) + ".py"
    ctx.need_import("import runpy")
    return f'globals().update(runpy.run_path("{py_path}"))'
