"""Base R reshapes -> :mod:`pylme.migrate.rreshape`: ``reshape()`` (``direction = "long"``
/ ``"wide"``), ``stack()`` and ``unstack()``.

pandas' ``melt``/``pivot`` order rows and columns and name rows otherwise than R's
``stats::reshape`` (time-major blocks, ``"<id>.<time>"`` row names, ``v.names`` guessed
from ``varying`` names, factor levels united across times), so the translation calls
the run-time functions of ``rreshape``, which reproduce R's result.
"""

from __future__ import annotations

from ..names import py_kwarg
from ..parse import unquote_name
from . import register

__all__: list[str] = []

_RESHAPE = ("data", "varying", "v.names", "timevar", "idvar", "ids", "times", "drop",
            "direction", "new.row.names", "sep", "split")
_ONLY = {"long": ("varying", "v.names", "timevar", "idvar", "ids", "times", "drop",
                  "new.row.names", "sep"),
         "wide": ("timevar", "idvar", "varying", "v.names", "drop", "new.row.names", "sep")}


def _direction(node) -> str | None:
    """``"long"``/``"wide"`` for a literal (abbreviations too, as R's ``match.arg``)."""
    if node is None or node.type != "string":
        return None
    text = unquote_name(node.text)
    hits = [d for d in ("long", "wide") if text and d.startswith(text)]
    return hits[0] if len(hits) == 1 else None


@register("reshape", returns="df")
def reshape(call, ctx):
    """``reshape(d, direction = "long", varying = ..., v.names = ..., timevar = ...,
    times = ..., idvar = ..., sep = ".")`` -> ``rreshape.reshape_long(d, ...)``; ``"wide"``
    -> ``rreshape.reshape_wide``; a direction known only when the script runs ->
    ``rreshape.reshape``."""
    if call.package not in (None, "stats"):
        return None
    m = call.match(_RESHAPE)
    if "..." in m or "data" not in m:
        return None
    if "split" in m:
        ctx.todo(call.node, "reshape(split = )")
    direction = _direction(m.get("direction"))
    ctx.need_import("from pylme.migrate import rreshape")
    if direction is None:
        names, fn = [n for n in _RESHAPE[1:] if n != "split"], "reshape"
    else:
        names, fn = _ONLY[direction], f"reshape_{direction}"
        extra = [n for n in m if n not in names and n not in ("data", "direction")]
        if extra:
            ctx.todo(call.node, f"reshape(direction = \"{direction}\", {extra[0]} = )")
    args = [ctx.expr(m["data"])]
    args += [f"{py_kwarg(n)}={ctx.expr(m[n])}" for n in names if n in m]
    return f"rreshape.{fn}({', '.join(args)})"


def _selection(node, ctx) -> str | None:
    """``select =`` of ``stack()`` (column names evaluated as positions, as R): ``c(a, b)``,
    ``a``, ``-id``, ``-c(a, b)`` -> a Python list of names, or the negated ones as
    ``{"drop": [...]}``; None for anything else."""
    negate = node.type == "unary_operator" and node.op == "-"
    inner = node.children[-1] if negate else node
    if inner.type == "identifier":
        names = [unquote_name(inner.text)]
    elif inner.type == "call" and inner.call_name() == "c" and all(
            a.value is not None and a.value.type in ("identifier", "string") for a in inner.args):
        names = [unquote_name(a.value.text) for a in inner.args]
    elif inner.type == "string" and not negate:
        names = [unquote_name(inner.text)]
    else:
        return None
    listed = "[" + ", ".join(f'"{n}"' for n in names) + "]"
    return f'{{"drop": {listed}}}' if negate else listed


@register("stack", returns="df")
def stack(call, ctx):
    """``stack(d, select = c(a, b), drop = FALSE)`` -> ``rreshape.stack(d, ...)``: the
    vector columns one after another in ``values``, their names in the factor ``ind``."""
    if call.package not in (None, "utils"):
        return None
    m = call.match(("x", "select", "drop", "..."))
    if "x" not in m or "..." in m or ctx.kind_of(m["x"]) not in ("df", None):
        return None
    ctx.need_import("from pylme.migrate import rreshape")
    args = [ctx.expr(m["x"])]
    if "select" in m:
        select = _selection(m["select"], ctx)
        if select is None:
            ctx.todo(m["select"], "stack(select = ) of this form")
        args.append(f"select={select}")
    if "drop" in m:
        args.append(f"drop={ctx.expr(m['drop'])}")
    return f"rreshape.stack({', '.join(args)})"


@register("unstack", returns="df")
def unstack(call, ctx):
    """``unstack(d, values ~ ind)`` -> ``rreshape.unstack(d, "values", "ind")``: one column
    per group (a dict of vectors when the groups' sizes differ, as R's list)."""
    if call.package not in (None, "utils"):
        return None
    m = call.match(("x", "form", "..."))
    if "x" not in m or "..." in m:
        return None
    args = [ctx.expr(m["x"])]
    form = m.get("form")
    if form is not None:
        lhs, rhs = form.field("lhs"), form.field("rhs")
        if not (form.type == "binary_operator" and form.op == "~" and lhs is not None
                and rhs is not None and lhs.type == "identifier"
                and rhs.type == "identifier"):
            ctx.todo(form, "unstack() with a formula other than values ~ group")
        args += [f'"{unquote_name(lhs.text)}"', f'"{unquote_name(rhs.text)}"']
    ctx.need_import("from pylme.migrate import rreshape")
    return f"rreshape.unstack({', '.join(args)})"
