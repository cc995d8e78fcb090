"""Data frames: ``data.frame``, ``nrow``/``ncol``/``dim``/``names``, ``head``/``tail``/``str``,
``subset``, ``merge``, ``aggregate``, ``tapply``, ``split``, ``with``/``within``/
``transform``, ``cbind``/``rbind``, ``table``/``xtabs``/``prop.table``, ``cut``, ``scale``,
``expand.grid``, ``colMeans``, ``as.data.frame``."""

from __future__ import annotations

import json
from contextlib import contextmanager

from ..expressions import ATOM, tx, wrap
from ..names import py_kwarg, py_name
from . import register
from .dplyr_columns import frame_kind

NP = "import numpy as np"
PD = "import pandas as pd"
RB = "from pylme.migrate import rbase"
VECTOR_KINDS = ("vector", "logical", "character", "factor", "column")


def _x(call, ctx, name="x"):
    node = call.arg(name, 0)
    if node is None:
        ctx.todo(call.node, f"{call.name}() without its first argument")
    return node


def obj(node, ctx) -> str:
    return wrap(tx(node, ctx), ATOM)


@contextmanager
def data_scope(ctx, frame_code: str, columns=()):
    """Inside ``with(df, ...)``, ``subset(df, ...)``...: bare names are ``df``'s columns
    (names the script assigns elsewhere are its variables, unless listed in ``columns``)."""
    scopes = getattr(ctx, "data_scopes", None)
    if scopes is None:
        scopes = ctx.data_scopes = []
    scopes.append((frame_code, frozenset(columns)))
    try:
        yield
    finally:
        scopes.pop()


def frame_name(node, ctx) -> str:
    """A data frame expression as a name (a temporary for anything but a variable)."""
    code = ctx.expr(node)
    if code.isidentifier():
        return code
    tmp = ctx.fresh_name("df")
    ctx.emit(f"{tmp} = {code}")
    return tmp


@register("data.frame", "tibble", "data_frame", returns=frame_kind)
def data_frame(call, ctx):
    ctx.need_import(PD)
    args = [a for a in call.args if a.value is not None
            and a.name not in ("stringsAsFactors", "check.names", "row.names")]
    row_names = call.arg("row.names")
    if row_names is not None and row_names.type != "null":  # row.names = NULL: 1..n
        # R's row names are the index (a column's name, as in R, or the values)
        names = row_names.text.strip("\"'") if row_names.type == "string" else None
        frame = data_frame(_without_row_names(call), ctx)
        if names is not None and any(a.name == names for a in args):
            return f"{frame}.set_index({json.dumps(names)}).rename_axis(None)"
        return f"{frame}.set_axis({ctx.expr(row_names)}, axis=0)"
    if not args:
        return "pd.DataFrame()"
    first = args[0]
    if first.name is None and ctx.kind_of(first.value) == "df" and all(
            a.name is not None for a in args[1:]):
        # data.frame(df, y = y): df's columns, then the new ones
        rest = ", ".join(f"{py_kwarg(a.name)}={ctx.expr(a.value)}" for a in args[1:])
        return f"{obj(first.value, ctx)}.assign({rest})" if rest else f"{obj(first.value, ctx)}.copy()"
    items = [f'"{a.name if a.name is not None else a.value.text}": {ctx.expr(a.value)}'
             for a in args]
    if any(_is_vector_node(a.value, ctx) for a in args):
        return "pd.DataFrame({" + ", ".join(items) + "})"
    # single values are recycled by R (pandas needs an index for all-scalar columns)
    ctx.need_import(RB)
    return "rbase.data_frame({" + ", ".join(items) + "})"


def _without_row_names(call):
    from dataclasses import replace

    return replace(call, args=tuple(a for a in call.args if a.name != "row.names"))


def _is_vector_node(node, ctx) -> bool:
    if node.type in ("string", "float", "integer", "true", "false"):
        return False  # a single value, recycled by R
    if node.type == "binary_operator" and node.op == ":":
        return True
    if node.type == "call" and node.call_name() in ("c", "seq", "rep", "seq_len", "factor",
                                                    "rnorm", "runif", "sample", "levels"):
        return len(node.args) > 1 or node.call_name() != "c"
    return ctx.kind_of(node) in ("column", "factor", "character")


@register("nrow", "NROW", returns="numeric")
def nrow(call, ctx):
    return f"len({ctx.expr(_x(call, ctx))})"


@register("ncol", "NCOL", returns="numeric")
def ncol(call, ctx):
    return f"{obj(_x(call, ctx), ctx)}.shape[1]"


@register("dim")
def dim(call, ctx):
    return f"{obj(_x(call, ctx), ctx)}.shape"


@register("names", "colnames", returns="character")
def names(call, ctx):
    x = _x(call, ctx)
    kind = ctx.kind_of(x)
    if kind in ("dict", "list"):
        return f"list({ctx.expr(x)})"
    if kind in VECTOR_KINDS:
        return f"list({obj(x, ctx)}.index)"
    if kind is None:
        # known only when it runs (fe <- fixef(m), sapply(...)): a frame or a named vector
        ctx.need_import("from pylme.migrate import rvectors")
        return f"rvectors.names({ctx.expr(x)})"
    return f"list({obj(x, ctx)}.columns)"


@register("rownames", "row.names", returns="character")
def rownames(call, ctx):
    return f"list({obj(_x(call, ctx), ctx)}.index)"


@register("head", "tail", returns="same")
def head(call, ctx):
    m = call.match(("x", "n"))
    n = ctx.expr(m["n"]) if "n" in m else "6"
    x = m["x"]
    if ctx.kind_of(x) == "vector":
        return f"{obj(x, ctx)}[:{n}]" if call.name == "head" else f"{obj(x, ctx)}[-{n}:]"
    return f"{obj(x, ctx)}.{call.name}({n})"  # R's default is 6 rows, pandas' 5


@register("str", "glimpse", visible=False)
def str_(call, ctx):
    x = _x(call, ctx, "object")
    if ctx.kind_of(x) == "df":
        return f"{obj(x, ctx)}.info()"
    ctx.need_import(RB)
    return f"rbase.r_str({ctx.expr(x)})"


@register("summary", returns="summary", priority=1)
def summary_df(call, ctx):
    x = _x(call, ctx, "object")
    kind = ctx.kind_of(x)
    if kind == "df":
        return f'{obj(x, ctx)}.describe(include="all")'
    if kind == "column":
        return f"{obj(x, ctx)}.describe()"
    if kind in VECTOR_KINDS:
        ctx.need_import(PD)
        return f"pd.Series({ctx.expr(x)}).describe()"
    return None


@register("subset", returns="df")
def subset(call, ctx):
    ctx.need_import(PD)
    m = call.match(("x", "subset", "select"))
    df = frame_name(m["x"], ctx)
    with data_scope(ctx, df):
        rows = ctx.expr(m["subset"]) if "subset" in m else None
    cols = select_columns(m.get("select"), ctx) if "select" in m else None
    if cols is not None and cols.startswith("drop:"):
        base = f"{df}.loc[{rows}]" if rows else df
        return f"{base}.drop(columns={cols[5:]})"
    if rows and cols:
        return f"{df}.loc[{rows}, {cols}]"
    if rows:
        return f"{df}.loc[{rows}]"
    return f"{df}[{cols}]"


def select_columns(node, ctx) -> str:
    """``select = c(a, b)`` (bare names) -> ``["a", "b"]``; ``-c(a)`` -> ``drop:["a"]``."""
    drop = node.type == "unary_operator" and node.op == "-"
    if drop:
        node = node.field("rhs")
    items = node.args if node.type == "call" and node.call_name() == "c" else None
    nodes = [a.value for a in items] if items is not None else [node]
    names = []
    for n in nodes:
        if n.type in ("identifier", "string"):
            names.append('"' + n.text.strip("`\"'") + '"')
        else:
            ctx.todo(node, "select= with a column range or expression")
    out = "[" + ", ".join(names) + "]"
    return "drop:" + out if drop else out


@register("with", returns=None)
def with_(call, ctx):
    m = call.match(("data", "expr"))
    df = frame_name(m["data"], ctx)
    with data_scope(ctx, df):
        return ctx.expr(m["expr"])


@register("transform", returns="df")
def transform(call, ctx):
    df = frame_name(call.args[0].value, ctx)
    with data_scope(ctx, df):
        items = [f"{py_kwarg(a.name)}={ctx.expr(a.value)}" for a in call.args[1:]
                 if a.name is not None]
    return f"{df}.assign({', '.join(items)})"


@register("within", returns="df")
def within(call, ctx):
    m = call.match(("data", "expr"))
    src = ctx.expr(m["data"])
    tmp = ctx.fresh_name("df")
    ctx.emit(f"{tmp} = {src}.copy()")
    body = m["expr"]
    stmts = ([c for c in body.children if not c.is_comment]
             if body.type == "braced_expression" else [body])
    new_cols = {s.field("lhs").text for s in stmts if s.type == "binary_operator"
                and s.op in ("<-", "=") and s.field("lhs").type == "identifier"}
    with data_scope(ctx, tmp, new_cols):
        for s in stmts:
            if not (s.type == "binary_operator" and s.op in ("<-", "=")
                    and s.field("lhs").type == "identifier"):
                ctx.todo(s, "within() block with something other than column assignments")
            name = s.field("lhs").text
            ctx.emit(f'{tmp}["{name}"] = {ctx.expr(s.field("rhs"))}')
    return tmp


@register("merge", returns="df")
def merge(call, ctx):
    """``rbase.merge``: R's column order and row order (an inner merge sorts factor keys
    by their labels as strings: pandas' ``sort=True`` would use the level codes)."""
    m = call.match(("x", "y", "by", "by.x", "by.y", "all", "all.x", "all.y", "sort"))
    flags = {k: m[k].text in ("TRUE", "T") for k in ("all", "all.x", "all.y") if k in m}
    how = "outer" if flags.get("all") else "left" if flags.get("all.x") else \
        "right" if flags.get("all.y") else "inner"
    sort = "sort" not in m or m["sort"].text in ("TRUE", "T")
    if "by.x" in m:
        args = [ctx.expr(m["y"]), f"left_on={ctx.expr(m['by.x'])}",
                f"right_on={ctx.expr(m['by.y'])}"]
        if how != "inner":
            args.append(f'how="{how}"')
        if sort:
            args.append("sort=True")
        return f"{obj(m['x'], ctx)}.merge({', '.join(args)})"
    ctx.need_import(RB)
    args = [ctx.expr(m["x"]), ctx.expr(m["y"])]
    if "by" in m:
        args.append(f"by={ctx.expr(m['by'])}")
    if how != "inner":
        args.append(f'how="{how}"')
    if not sort:
        args.append("sort=False")
    return f"rbase.merge({', '.join(args)})"


_FUN = {"mean": '"mean"', "sum": '"sum"', "length": "len", "median": '"median"',
        "sd": '"std"', "var": '"var"', "min": '"min"', "max": '"max"'}


def fun_value(node, ctx) -> str:
    """A summary function given as a value (``FUN = mean``) for pandas' ``agg``."""
    if node.type == "identifier" and node.text in _FUN and node.text not in ctx.functions:
        return _FUN[node.text]
    from .apply import function_callable

    return function_callable(node, ctx)


@register("aggregate", returns="df")
def aggregate(call, ctx):
    ctx.need_import(RB)
    m = call.match(("x", "data", "FUN"))
    f = m["x"]
    if not (f.type == "binary_operator" and f.op == "~"):
        ctx.todo(call.node, "aggregate() without a formula")
    return (f'rbase.aggregate("{ctx.formula_text(f)}", {ctx.expr(m["data"])}, '
            f'{fun_value(m["FUN"], ctx)})')


@register("tapply", returns="vector")
def tapply(call, ctx):
    ctx.need_import(RB)
    m = call.match(("X", "INDEX", "FUN"))
    index = m["INDEX"]
    extra = [a for a in call.extra(("X", "INDEX", "FUN")) if a.name != "na.rm"]
    if extra:
        ctx.todo(call.node, "tapply() with extra arguments to FUN")
    return f"rbase.tapply({ctx.expr(m['X'])}, {ctx.expr(index)}, {fun_value(m['FUN'], ctx)})"


@register("split", returns="dict")
def split(call, ctx):
    m = call.match(("x", "f"))
    return f"dict(tuple({obj(m['x'], ctx)}.groupby({ctx.expr(m['f'])}, observed=True)))"


@register("cbind", "rbind", returns="df")
def bind(call, ctx):
    """Data frames stacked by ``pd.concat``; otherwise :mod:`pylme.migrate.rbinding`,
    which names columns (rows) as R does -- ``cbind(s, u = x)`` has columns ``s`` and
    ``u`` -- and matches vectors to rows by position."""
    ctx.need_import(PD)
    values = [a for a in call.args if a.value is not None and a.name != "deparse.level"]
    kinds = [ctx.kind_of(a.value) for a in values]
    if call.name == "rbind" and all(k == "df" for k in kinds):
        return f"pd.concat([{', '.join(ctx.expr(a.value) for a in values)}], ignore_index=True)"
    if call.name == "cbind" and values and all(k in VECTOR_KINDS for k in kinds) and all(
            a.name is not None or a.value.type == "identifier" for a in values):
        items = ", ".join(f'"{a.name or a.value.text}": {ctx.expr(a.value)}' for a in values)
        return f"pd.DataFrame({{{items}}})"
    ctx.need_import("from pylme.migrate import rbinding")
    frame = "df" in kinds

    def label(a):
        # R's deparse.level = 1: argument names, else symbols; a data frame's
        # cbind names other vectors by their deparsed expression (data.frame)
        if a.name is not None:
            return json.dumps(a.name)
        if a.value.type == "identifier" or (frame and call.name == "cbind"):
            return json.dumps(a.value.text.strip("`"))
        return "None"

    parts = ", ".join(ctx.expr(a.value) for a in values)
    labels = [label(a) for a in values]
    named = "" if all(lab == "None" for lab in labels) else f", names=[{', '.join(labels)}]"
    return f"rbinding.{call.name}({parts}{named})"


@register("table", returns="table")
def table(call, ctx):
    ctx.need_import(RB)
    values = [a.value for a in call.args if a.name is None and a.value is not None]
    dnn = None
    if getattr(ctx, "data_scopes", None) and all(v.type == "identifier" for v in values):
        dnn = [v.text for v in values]  # with(df, table(a, b)) labels the dimensions
    args = ", ".join(ctx.expr(v) for v in values)
    return f"rbase.table({args}{'' if dnn is None else f', dnn={dnn!r}'})"


@register("xtabs", returns="table")
def xtabs(call, ctx):
    ctx.need_import(RB)
    m = call.match(("formula", "data"))
    f = m["formula"]
    text = ctx.formula_text(f)
    if not text.startswith("~"):
        ctx.todo(call.node, "xtabs() with a response (counts)")
    names = [t.strip() for t in text[1:].split("+")]
    df = frame_name(m["data"], ctx)
    cols = ", ".join(f'{df}["{n}"]' for n in names)
    return f"rbase.table({cols}, dnn={names!r})"


@register("prop.table", "proportions", returns="table")
def prop_table(call, ctx):
    x = obj(_x(call, ctx), ctx)
    return f"{x} / {x}.to_numpy().sum()"


@register("cut", returns="factor")
def cut(call, ctx):
    ctx.need_import(RB)
    m = call.match(("x", "breaks", "labels", "include.lowest", "right", "dig.lab"))
    args = [ctx.expr(m["x"]), ctx.expr(m["breaks"])]
    for r in ("labels", "include.lowest", "right", "dig.lab"):
        if r in m:
            args.append(f"{r.replace('.', '_')}={ctx.expr(m[r])}")
    return f"rbase.cut({', '.join(args)})"


@register("scale", returns="vector")
def scale(call, ctx):
    """``rbase.scale``: R's centre and scale to the last bit (a model matrix built from the
    scaled column then equals R's exactly)."""
    m = call.match(("x", "center", "scale"))
    x = ctx.expr(m["x"])
    center = "center" not in m or m["center"].text in ("TRUE", "T")
    sc = "scale" not in m or m["scale"].text in ("TRUE", "T")
    if not center and not sc:
        return x
    for name in ("center", "scale"):
        if name in m and m[name].text not in ("TRUE", "T", "FALSE", "F"):
            ctx.todo(call.node, f"scale({name} = <values>)")
    ctx.need_import(RB)
    opts = "" if center and sc else ", scale=False" if center else ", center=False"
    return f"rbase.scale({x}{opts})"


@register("expand.grid", returns="df")
def expand_grid(call, ctx):
    ctx.need_import(RB)
    items = ", ".join(f'"{a.name}": {ctx.expr(a.value)}' for a in call.args if a.name)
    return f"rbase.expand_grid({{{items}}})"


@register("colMeans", "colSums", "rowMeans", "rowSums", returns="vector")
def margins(call, ctx):
    axis = 0 if call.name.startswith("col") else 1
    fn = "mean" if call.name.endswith("Means") else "sum"
    ctx.need_import(NP)
    return f"np.{fn}({ctx.expr(_x(call, ctx))}, axis={axis})"


@register("as.data.frame", returns="df")
def as_data_frame(call, ctx):
    x = _x(call, ctx)
    if x.type == "call" and x.call_name() == "VarCorr":
        return f"{obj(x, ctx)}.to_frame()"
    if ctx.kind_of(x) == "table" or (x.type == "call" and x.call_name() in ("table", "xtabs")):
        # one row per cell: the factors, then Freq (R's as.data.frame.table)
        ctx.need_import("from pylme.migrate import rvectors")
        return f"rvectors.table_frame({ctx.expr(x)})"
    ctx.need_import(PD)
    return f"pd.DataFrame({ctx.expr(x)})"


@register("levels", returns="character")
def levels(call, ctx):
    return f"list({obj(_x(call, ctx), ctx)}.cat.categories)"


@register("nlevels", returns="numeric")
def nlevels(call, ctx):
    return f"len({obj(_x(call, ctx), ctx)}.cat.categories)"


@register("factor", "as.factor", "ordered", returns="factor")
def factor(call, ctx):
    ctx.need_import(RB)
    m = call.match(("x", "levels", "labels", "exclude", "ordered"))
    args = [ctx.expr(m["x"])]
    for r in ("levels", "labels", "ordered"):
        if r in m:
            args.append(f"{r}={ctx.expr(m[r])}")
    if call.name == "ordered":
        args.append("ordered=True")
    if "exclude" in m:
        ctx.todo(call.node, "factor(exclude=)")
    return f"rbase.factor({', '.join(args)})"


@register("relevel", returns="factor")
def relevel(call, ctx):
    ctx.need_import(RB)
    m = call.match(("x", "ref"))
    return f"rbase.relevel({ctx.expr(m['x'])}, {ctx.expr(m['ref'])})"


@register("droplevels", returns="same")
def droplevels(call, ctx):
    ctx.need_import(RB)
    return f"rbase.droplevels({ctx.expr(_x(call, ctx))})"


@register("interaction", returns="factor")
def interaction(call, ctx):
    """``rbase.interaction``: R's labels ``"a.x"`` and level order (first factor
    fastest), unobserved combinations kept unless ``drop = TRUE``."""
    ctx.need_import(RB)
    m = call.match(("...", "drop", "sep", "lex.order"))
    factors = [a.value for a in call.args if a.name is None and a.value is not None]
    if len(factors) == 1 and factors[0].type == "call" and factors[0].call_name() == "list":
        factors = [a.value for a in factors[0].args if a.value is not None]
    args = [ctx.expr(f) for f in factors]
    for r_name in ("drop", "sep", "lex.order"):
        if r_name in m:
            args.append(f"{py_kwarg(r_name)}={ctx.expr(m[r_name])}")
    return f"rbase.interaction({', '.join(args)})"
