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
    kinds = [ctx.kind_of(v) for v in rest]
    if all(k in ("numeric", "character", None) for k in kinds) and m["fmt"].type == "string" \
            and all(v.type in ("identifier", "float", "integer", "string", "call") for v in rest) \
            and all(k is not None for k in kinds):
        return f"{m['fmt'].text} % ({', '.join(ctx.expr(v) for v in rest)},)"
    ctx.need_import(RB)
    return f"rbase.sprintf({', '.join([ctx.expr(m['fmt'])] + [ctx.expr(v) for v in rest])})"


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


@register("grepl", returns="logical")
def grepl(call, ctx):
    ctx.need_import("import pandas as pd")
    m = call.match(("pattern", "x", "ignore.case", "perl", "fixed"))
    regex = not ("fixed" in m and m["fixed"].text in ("TRUE", "T"))
    return (f"pd.Series({ctx.expr(m['x'])}).str.contains({ctx.expr(m['pattern'])}, "
            f"regex={regex}).to_numpy()")


@register("gsub", "sub", returns="character")
def gsub(call, ctx):
    ctx.need_import("import pandas as pd")
    m = call.match(("pattern", "replacement", "x", "ignore.case", "perl", "fixed"))
    regex = not ("fixed" in m and m["fixed"].text in ("TRUE", "T"))
    n = "" if call.name == "gsub" else ", n=1"
    return (f"pd.Series({ctx.expr(m['x'])}).str.replace({ctx.expr(m['pattern'])}, "
            f"{ctx.expr(m['replacement'])}, regex={regex}{n}).to_numpy()")


@register("substr", "substring", returns="character")
def substr(call, ctx):
    ctx.need_import("import pandas as pd")
    m = call.match(("x", "start", "stop"))
    start = f"{wrap(tx(m['start'], ctx), 9)} - 1"
    stop = ctx.expr(m["stop"]) if "stop" in m else ""
    return f"pd.Series({ctx.expr(m['x'])}).str[{start}:{stop}].to_numpy()"


@register("nchar", returns="numeric", priority=1)
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
