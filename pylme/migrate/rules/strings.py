"""Strings: ``paste``/``paste0``/``sprintf``/``format``/``toupper``/``gsub``/``grepl``..."""

from __future__ import annotations

from ..expressions import ATOM, tx, wrap
from . import register

RB = "from pylme.migrate import rbase"


@register("paste", "paste0", returns="character")
def paste(call, ctx):
    ctx.need_import(RB)
    parts = [ctx.expr(a.value) for a in call.args if a.name is None and a.value is not None]
    for name in ("sep", "collapse"):
        node = call.arg(name)
        if node is not None:
            parts.append(f"{name}={ctx.expr(node)}")
    return f"rbase.{call.name}({', '.join(parts)})"


@register("sprintf", returns="character")
def sprintf(call, ctx):
    m = call.match(("fmt", "..."))
    rest = [a.value for a in call.args if a.value is not None and a.value is not m["fmt"]]
    if m["fmt"].type == "string" and rest and all(_scalar(v, ctx) for v in rest):
        return f"{m['fmt'].text} % ({', '.join(ctx.expr(v) for v in rest)},)"
    ctx.need_import(RB)
    return f"rbase.sprintf({', '.join([ctx.expr(m['fmt'])] + [ctx.expr(v) for v in rest])})"


def _scalar(node, ctx) -> bool:
    """A single value for Python's ``%`` (a vector argument needs R's vectorised
    ``rbase.sprintf``): a literal, or a name/call the translation knows is one number."""
    if node.type in ("float", "integer", "string"):
        return True
    if node.type == "identifier" and ctx.kind_of(node) == "character":
        return False  # a character variable may hold several strings
    return node.type in ("identifier", "call") and ctx.kind_of(node) in ("numeric", "character") \
        and not (node.type == "call" and node.call_name() in ("nchar", "toupper", "tolower",
                                                               "paste", "paste0", "sprintf",
                                                               "format", "substr"))


@register("format", returns="character")
def format_(call, ctx):
    """``format(x)``: ``str(x)``; with ``digits``/``nsmall``, R's common number format
    (:func:`pylme.migrate.rformat.format_num`); ``format(3.14159, nsmall = 2)`` of a
    single number an f-string."""
    m = call.match(("x", "trim", "digits", "nsmall", "..."))
    nsmall, digits = m.get("nsmall"), m.get("digits")
    x = ctx.expr(m["x"])
    others = [a for a in call.args if a.name not in (None, "digits", "nsmall")]
    if others or "trim" in m or "..." in m:
        ctx.todo(call.node, "format() with formatting options")
    if nsmall is not None and digits is None and m["x"].type in ("float", "integer"):
        return f'f"{{{x}:.{nsmall.text}f}}"'
    if nsmall is None and digits is None:
        return f"str({x})"
    ctx.need_import("from pylme.migrate import rformat")
    opts = [f"{k}={ctx.expr(v)}" for k, v in (("digits", digits), ("nsmall", nsmall))
            if v is not None]
    return f"rformat.format_num({x}, {', '.join(opts)})"


@register("toupper", "tolower", returns="character")
def case(call, ctx):
    x = call.args[0].value
    method = "upper" if call.name == "toupper" else "lower"
    if ctx.kind_of(x) == "character" and x.type == "string":
        return f"{ctx.expr(x)}.{method}()"
    ctx.need_import("import pandas as pd")
    return f"pd.Series({ctx.expr(x)}).str.{method}()"


RX = "from pylme.migrate import rregex"
_RX_FLAGS = {"ignore.case": "ignore_case", "perl": "perl", "fixed": "fixed",
             "value": "value", "invert": "invert"}


def _regex_call(call, ctx, formals, returns_text=None):
    """``rregex.<name>(...)``: R's pattern functions with R's regex dialect (see
    :mod:`pylme.migrate.rregex`); the logical options pass through by name."""
    ctx.need_import(RX)
    m = call.match(formals)
    if "..." in m:
        ctx.todo(call.node, f"{call.name}() argument not understood")
    args = [ctx.expr(m[f]) for f in formals if f in m and f not in _RX_FLAGS
            and f != "useBytes"]
    for f in formals:
        if f in m and f in _RX_FLAGS:
            args.append(f"{_RX_FLAGS[f]}={ctx.expr(m[f])}")
    return f"rregex.{call.name}({', '.join(args)})"


@register("grepl", returns="logical")
def grepl(call, ctx):
    return _regex_call(call, ctx, ("pattern", "x", "ignore.case", "perl", "fixed", "useBytes"))


@register("grep", returns="vector")
def grep(call, ctx):
    """``grep(p, x)``: 1-based positions (``value = TRUE``: the matching elements)."""
    return _regex_call(call, ctx, ("pattern", "x", "ignore.case", "perl", "value", "fixed",
                                   "useBytes", "invert"))


@register("gsub", "sub", returns="character")
def gsub(call, ctx):
    return _regex_call(call, ctx, ("pattern", "replacement", "x", "ignore.case", "perl",
                                   "fixed", "useBytes"))


@register("regexpr", "gregexpr")
def regexpr(call, ctx):
    return _regex_call(call, ctx, ("pattern", "text", "ignore.case", "perl", "fixed",
                                   "useBytes"))


@register("regmatches", returns="vector")
def regmatches(call, ctx):
    m = call.match(("x", "m", "invert"))
    if "invert" in m or "..." in m:
        ctx.todo(call.node, "regmatches(invert=)")
    ctx.need_import(RX)
    return f"rregex.regmatches({ctx.expr(m['x'])}, {ctx.expr(m['m'])})"


@register("strsplit")
def strsplit(call, ctx):
    """``strsplit(x, split)``: a list of arrays (``strsplit(x, ",")[[1]]`` indexes it)."""
    return _regex_call(call, ctx, ("x", "split", "fixed", "perl", "useBytes"))


@register("trimws", returns="character")
def trimws(call, ctx):
    ctx.need_import(RX)
    m = call.match(("x", "which", "whitespace"))
    which = m["which"].text.strip("\"'") if "which" in m else "both"
    if "whitespace" in m or which not in ("both", "left", "right"):
        ctx.todo(call.node, "trimws(whitespace=)")
    pattern = {"both": "^[\\t\\r\\n ]+|[\\t\\r\\n ]+$", "left": "^[\\t\\r\\n ]+",
               "right": "[\\t\\r\\n ]+$"}[which]
    return f'rregex.gsub("{pattern}", "", {ctx.expr(m["x"])})'


@register("startsWith", "endsWith", returns="logical")
def starts_with(call, ctx):
    ctx.need_import("import numpy as np")
    m = call.match(("x", "prefix") if call.name == "startsWith" else ("x", "suffix"))
    method = "startswith" if call.name == "startsWith" else "endswith"
    x, affix = (ctx.expr(v) for v in m.values())
    return f"np.char.{method}(np.asarray({x}, dtype=str), {affix})"


@register("substr", "substring", returns="character")
def substr(call, ctx):
    ctx.need_import("import pandas as pd")
    m = call.match(("x", "start", "stop"))
    start = f"{wrap(tx(m['start'], ctx), 9)} - 1"
    stop = ctx.expr(m["stop"]) if "stop" in m else ""
    return f"pd.Series({ctx.expr(m['x'])}).str[{start}:{stop}].to_numpy()"


def _nchar_kind(call, ctx):
    x = call.arg("x", 0)
    return "numeric" if x is not None and x.type == "string" else None


@register("nchar", returns=_nchar_kind, priority=1)
def nchar(call, ctx):
    x = call.args[0].value
    if x.type == "string":
        return f"len({ctx.expr(x)})"
    return None


@register("tempdir", "tempfile", returns="character")
def tempdir(call, ctx):
    ctx.need_import("import tempfile")
    if call.name == "tempdir":
        return "tempfile.gettempdir()"
    m = call.match(("pattern", "tmpdir", "fileext"))
    suffix = ctx.expr(m["fileext"]) if "fileext" in m else '""'
    return f"tempfile.mkstemp(suffix={suffix})[1]"


@register("file.path", returns="character")
def file_path(call, ctx):
    ctx.need_import("import os")
    return f"os.path.join({', '.join(ctx.expr(a.value) for a in call.args)})"


@register("stop", visible=False)
def stop(call, ctx):
    """``stop(...)`` used as a value (``if (ok) x else stop("...")``): ``rbase.stop``,
    which raises; a ``stop()`` statement is a ``raise`` (see :mod:`..statements`)."""
    ctx.need_import(RB)
    parts = [ctx.expr(a.value) for a in call.args if a.name is None]
    return f"rbase.stop({', '.join(parts)})"


def stop_statement(call, ctx) -> str:
    """``stop("a", x)`` as a statement: ``raise RuntimeError(...)``."""
    parts = [ctx.expr(a.value) for a in call.args if a.name is None]
    if len(parts) == 1 and call.args[0].value.type == "string":
        return f"raise RuntimeError({parts[0]})"
    ctx.need_import(RB)
    return f"raise RuntimeError(rbase.paste0({', '.join(parts)}))"


@register("warning", visible=False)
def warning(call, ctx):
    ctx.need_import("import warnings")
    ctx.need_import(RB)
    parts = [ctx.expr(a.value) for a in call.args if a.name is None]
    return f"warnings.warn(rbase.paste0({', '.join(parts)}))"


@register("Sys.time", "proc.time")
def sys_time(call, ctx):
    ctx.need_import("import time")
    return "time.time()"




del ATOM
