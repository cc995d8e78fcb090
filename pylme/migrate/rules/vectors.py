"""Base R vectors and summaries: ``seq``, ``rep``, ``numeric``, ``mean``/``sd``/``var``/
``sum``/``min``/``max``/``median``/``quantile``, ``unique``/``sort``/``order``/``rev``,
``which``, ``ifelse``, ``is.na``, ``round``, ``as.numeric``/``as.character``/``as.integer``,
``unlist``, ``names``, ``all.equal``, distribution functions (``pchisq``, ``qnorm``...)."""

from __future__ import annotations

import re

from ..expressions import ATOM, tx, wrap
from . import register

NP = "import numpy as np"
RB = "from pylme.migrate import rbase"


def _x(call, ctx, name="x"):
    node = call.arg(name, 0)
    if node is None:
        ctx.todo(call.node, f"{call.name}() without its first argument")
    return node


def _na_rm(call) -> bool:
    node = call.arg("na.rm")
    return node is not None and node.text in ("TRUE", "T")


_REDUCERS = {"mean": "mean", "sum": "sum", "min": "min", "max": "max", "median": "median",
             "prod": "prod"}


_SERIES = re.compile(r'^[A-Za-z_][A-Za-z_0-9.]*\["[^"\[\]]+"\]$')


def _is_column(node, code: str, ctx) -> bool:
    """A data frame column (``df$x``, ``df[["x"]]``, a column inside ``with(df, ...)``):
    a pandas Series, whose reductions skip NaN unless told not to."""
    return ctx.kind_of(node) == "column" or bool(_SERIES.match(code))


@register("mean", "sum", "min", "max", "median", "prod", returns="numeric")
def reducer(call, ctx):
    ctx.need_import(NP)
    values = [a.value for a in call.args if a.name is None and a.value is not None]
    if call.name == "mean" or len(values) == 1:
        arg = ctx.expr(values[0])
        if _is_column(values[0], arg, ctx):
            # R: NA in, NA out unless na.rm = TRUE; pandas skips NaN by default
            skip = "" if _na_rm(call) else "skipna=False"
            return f"{wrap((arg, ATOM), ATOM)}.{_REDUCERS[call.name]}({skip})"
    else:
        arg = "np.concatenate([" + ", ".join(f"np.atleast_1d({ctx.expr(v)})" for v in values) + "])"
    fn = ("nan" if _na_rm(call) else "") + _REDUCERS[call.name]
    return f"np.{fn}({arg})"


@register("sd", "var", returns="numeric")
def spread(call, ctx):
    ctx.need_import(NP)
    x = _x(call, ctx)
    code = ctx.expr(x)
    method = "std" if call.name == "sd" else "var"
    if _is_column(x, code, ctx):
        skip = "" if _na_rm(call) else ", skipna=False"
        return f"{code}.{method}(ddof=1{skip})"
    fn = ("nan" if _na_rm(call) else "") + method
    return f"np.{fn}({code}, ddof=1)"


@register("quantile")
def quantile(call, ctx):
    ctx.need_import(NP)
    m = call.match(("x", "probs", "na.rm", "names", "type"))
    probs = ctx.expr(m["probs"]) if "probs" in m else "[0, 0.25, 0.5, 0.75, 1]"
    fn = "nanquantile" if _na_rm(call) else "quantile"
    return f"np.{fn}({ctx.expr(m['x'])}, {probs})"  # numpy's default = R's type 7


@register("range")
def range_(call, ctx):
    ctx.need_import(NP)
    x = ctx.expr(_x(call, ctx))
    return f"np.array([np.min({x}), np.max({x})])"


@register("length", returns="numeric")
def length(call, ctx):
    return f"len({ctx.expr(_x(call, ctx))})"


@register("seq", returns="vector")
def seq(call, ctx):
    m = call.match(("from", "to", "by", "length.out", "along.with"))
    if "along.with" in m:
        ctx.need_import(NP)
        return f"np.arange(1, len({ctx.expr(m['along.with'])}) + 1)"
    ctx.need_import(NP)
    if set(m) <= {"from", "to"} and "to" in m:
        lo = ctx.expr(m["from"]) if "from" in m else "1"
        return f"np.arange({lo}, {wrap(tx(m['to'], ctx), 9)} + 1)"
    if "by" in m and "length.out" not in m and "from" in m and "to" in m:
        ctx.need_import(RB)
    ctx.need_import(RB)
    args = []
    if "from" in m:
        args.append(ctx.expr(m["from"]))
    for r, py in (("to", "to"), ("by", "by"), ("length.out", "length_out")):
        if r in m:
            args.append(f"{py}={ctx.expr(m[r])}")
    return f"rbase.seq({', '.join(args)})"


@register("seq_len", "seq_along", returns="vector")
def seq_len(call, ctx):
    ctx.need_import(NP)
    x = ctx.expr(_x(call, ctx, "length.out" if call.name == "seq_len" else "along.with"))
    return f"np.arange(1, {x} + 1)" if call.name == "seq_len" else f"np.arange(1, len({x}) + 1)"


@register("rep", returns="vector")
def rep(call, ctx):
    ctx.need_import(RB)
    m = call.match(("x", "times", "length.out", "each"))
    args = [ctx.expr(m["x"])]
    for r, py in (("times", "times"), ("each", "each"), ("length.out", "length_out")):
        if r in m:
            args.append(f"{py}={ctx.expr(m[r])}")
    return f"rbase.rep({', '.join(args)})"


@register("numeric", "integer", "character", "logical", returns="vector")
def empty_vector(call, ctx):
    ctx.need_import(NP)
    n = call.arg("length", 0)
    size = ctx.expr(n) if n is not None else "0"
    if call.name == "character":
        return f'np.full({size}, "", dtype=object)'
    dtype = {"numeric": "float", "integer": "int", "logical": "bool"}[call.name]
    return f"np.zeros({size}, dtype={dtype})"


def _unique_kind(call, ctx):
    x = call.arg("x", 0)
    return "df" if x is not None and ctx.kind_of(x) == "df" else "vector"


@register("unique", returns=_unique_kind)
def unique(call, ctx):
    x = _x(call, ctx)
    if ctx.kind_of(x) == "df":  # the distinct rows, first appearances, row names kept
        return f"{wrap(tx(x, ctx), ATOM)}.drop_duplicates()"
    ctx.need_import("import pandas as pd")
    return f"pd.unique({ctx.expr(x)})"  # first-appearance order, as R


@register("sort", returns="vector")
def sort(call, ctx):
    ctx.need_import(NP)
    dec = call.arg("decreasing")
    node = _x(call, ctx)
    x = ctx.expr(node)
    decreasing = dec is not None and dec.text in ("TRUE", "T")
    if ctx.kind_of(node) in ("table", "column") or (node.type == "call" and node.call_name() in (
            "table", "tapply", "coef", "fixef", "colMeans", "sapply")):
        # a named vector (a table) keeps its names: pandas sorts the values with them
        return f'{wrap((x, ATOM), ATOM)}.sort_values(ascending={not decreasing}, kind="stable")'
    if decreasing:
        return f"np.sort({x})[::-1]"
    return f"np.sort({x})"


@register("order", returns="vector")
def order(call, ctx):
    """R's order is stable and 1-based; a negated key sorts decreasing."""
    ctx.need_import(NP)
    keys = [a.value for a in call.args if a.name is None and a.value is not None]
    dec = call.arg("decreasing")
    if len(keys) > 1 and dec is not None and dec.text not in ("FALSE", "F"):
        # every key decreasing, ties kept in place: rvectors.order ranks each key
        ctx.need_import("from pylme.migrate import rvectors")
        return (f"rvectors.order({', '.join(ctx.expr(k) for k in keys)}, "
                f"decreasing={ctx.expr(dec)})")
    if len(keys) == 1:
        key = ctx.expr(keys[0])
        if dec is not None and dec.text in ("TRUE", "T"):
            key = f"-np.asarray({key})"
        return f'np.argsort({key}, kind="stable") + 1'
    cols = ", ".join(ctx.expr(k) for k in reversed(keys))
    return f"np.lexsort([{cols}]) + 1"


@register("rev", returns="vector")
def rev(call, ctx):
    node = _x(call, ctx)
    if node.type == "call" and node.call_name() == "sort" and ".sort_values(" in ctx.expr(node):
        return f"{ctx.expr(node)}.iloc[::-1]"  # rev(sort(table(x))): names kept
    ctx.need_import(NP)
    return f"np.asarray({ctx.expr(node)})[::-1]"


@register("which", returns="vector")
def which(call, ctx):
    ctx.need_import(NP)
    return f"np.flatnonzero({ctx.expr(_x(call, ctx))}) + 1"


@register("which.min", "which.max", returns="numeric")
def which_min(call, ctx):
    ctx.need_import(NP)
    fn = "argmin" if call.name == "which.min" else "argmax"
    return f"int(np.{fn}({ctx.expr(_x(call, ctx))})) + 1"


@register("ifelse", returns="vector")
def ifelse(call, ctx):
    ctx.need_import(NP)
    m = call.match(("test", "yes", "no"))
    return f"np.where({ctx.expr(m['test'])}, {ctx.expr(m['yes'])}, {ctx.expr(m['no'])})"


@register("is.na", returns="logical")
def is_na(call, ctx):
    ctx.need_import("import pandas as pd")
    return f"pd.isna({ctx.expr(_x(call, ctx))})"


@register("is.null", returns="logical")
def is_null(call, ctx):
    return f"{wrap(tx(_x(call, ctx), ctx), 5)} is None"


@register("any", "all", returns="logical")
def any_all(call, ctx):
    ctx.need_import(NP)
    return f"np.{call.name}({ctx.expr(_x(call, ctx))})"


@register("round", "signif")
def round_(call, ctx):
    ctx.need_import(NP)
    m = call.match(("x", "digits"))
    x = ctx.expr(m["x"])
    if call.name == "signif":
        # significant digits, R's default 6 (no NumPy counterpart)
        ctx.need_import("from pylme.migrate import rformat")
        return f"rformat.signif({x}, {ctx.expr(m['digits'])})" if "digits" in m else \
            f"rformat.signif({x})"
    # np.round rounds half to even, as R's round() does for representable halves
    return f"np.round({x}, {ctx.expr(m['digits'])})" if "digits" in m else f"np.round({x})"


def _as_numeric_kind(call, ctx):
    x = call.arg("x", 0)
    if x is not None and (ctx.kind_of(x) in ("numeric", "logical") or x.type == "binary_operator"
                          or (x.type == "call" and x.call_name() == "logLik")):
        return "numeric"
    return "vector"


@register("as.numeric", "as.double", returns=_as_numeric_kind)
def as_numeric(call, ctx):
    x = _x(call, ctx)
    if _as_numeric_kind(call, ctx) == "numeric":
        return f"float({ctx.expr(x)})"
    ctx.need_import(RB)
    return f"rbase.as_numeric({ctx.expr(x)})"


@register("as.integer", returns="vector")
def as_integer(call, ctx):
    x = _x(call, ctx)
    if ctx.kind_of(x) in ("numeric", "int"):
        return f"int({ctx.expr(x)})"
    ctx.need_import(RB)  # a factor gives its codes 1..k, as in R
    return f"rbase.as_numeric({ctx.expr(x)}).astype(int)"


@register("as.character", returns="character")
def as_character(call, ctx):
    ctx.need_import(NP)
    return f"np.asarray({ctx.expr(_x(call, ctx))}).astype(str)"


@register("as.logical", returns="logical")
def as_logical(call, ctx):
    ctx.need_import(NP)
    return f"np.asarray({ctx.expr(_x(call, ctx))}).astype(bool)"


@register("unlist", "as.vector", "drop", returns="vector")
def unlist(call, ctx):
    ctx.need_import(NP)
    if ctx.kind_of(_x(call, ctx)) == "dict":
        # a named list of single values keeps the names (R's named vector)
        ctx.need_import("from pylme.migrate import rvectors")
        return f"rvectors.unlist({ctx.expr(_x(call, ctx))})"
    # a matrix/data frame/table flattens column by column, as R stores it
    return f'np.ravel(np.asarray({ctx.expr(_x(call, ctx))}), order="F")'


@register("all.equal", returns="logical")
def all_equal(call, ctx):
    ctx.need_import(NP)
    m = call.match(("target", "current", "tolerance"))
    tol = ctx.expr(m["tolerance"]) if "tolerance" in m else "1.5e-8"
    return (f"bool(np.allclose({ctx.expr(m['target'])}, {ctx.expr(m['current'])}, "
            f"rtol={tol}, atol=0))")


@register("isTRUE", returns="logical")
def is_true(call, ctx):
    return f"{wrap(tx(_x(call, ctx), ctx), 5)} is True"


@register("identical", returns="logical")
def identical(call, ctx):
    ctx.need_import(NP)
    m = call.match(("x", "y"))
    return f"bool(np.array_equal({ctx.expr(m['x'])}, {ctx.expr(m['y'])}))"


@register("cumsum", "cumprod", "diff", returns="vector")
def cumulative(call, ctx):
    ctx.need_import(NP)
    return f"np.{call.name}({ctx.expr(_x(call, ctx))})"


@register("nchar", returns="vector")
def nchar(call, ctx):
    ctx.need_import(NP)
    return f"np.char.str_len(np.asarray({ctx.expr(_x(call, ctx))}, dtype=str))"


@register("max.col", "pmin", "pmax")
def pminmax(call, ctx):
    if call.name == "max.col":
        return None
    ctx.need_import(NP)
    vals = [ctx.expr(a.value) for a in call.args if a.name is None]
    fn = "minimum" if call.name == "pmin" else "maximum"
    out = vals[0]
    for v in vals[1:]:
        out = f"np.{fn}({out}, {v})"
    return out


_DIST = {"pchisq": ("chi2", "df"), "pnorm": ("norm", None), "pt": ("t", "df"),
         "pf": ("f", None), "qnorm": ("norm", None), "qt": ("t", "df"), "qchisq": ("chi2", "df"),
         "dnorm": ("norm", None), "pbinom": ("binom", None), "dbinom": ("binom", None)}


@register(*_DIST, returns="numeric")
def distribution(call, ctx):
    """``pchisq(q, df, lower.tail = FALSE)`` -> ``scipy.stats.chi2.sf(q, df)``."""
    ctx.need_import("from scipy import stats")
    dist, _ = _DIST[call.name]
    kind = call.name[0]
    lower = call.arg("lower.tail")
    upper = lower is not None and lower.text in ("FALSE", "F")
    if call.arg("log.p") is not None or call.arg("log") is not None:
        ctx.todo(call.node, "log-scale probabilities")
    args = [ctx.expr(a.value) for a in call.args if a.name is None and a.value is not None]
    names = {"mean": "loc", "sd": "scale", "df": "df", "df1": "dfn", "df2": "dfd",
             "size": "n", "prob": "p"}
    for a in call.args:
        if a.name in names:
            args.append(f"{names[a.name]}={ctx.expr(a.value)}")
        elif a.name not in (None, "lower.tail"):
            ctx.todo(call.node, f"argument {a.name}= of {call.name}()")
    method = {"p": "sf" if upper else "cdf", "q": "isf" if upper else "ppf",
              "d": "pmf" if dist == "binom" else "pdf"}[kind]
    return f"stats.{dist}.{method}({', '.join(args)})"
