"""lattice -> matplotlib panels (:mod:`.lattice_panels`) or pylme's merMod plots.

``xyplot(height ~ age | Subject, data = d, type = c("p", "r"), layout = c(9, 3))``
becomes ``rdev.page(lattice_panels.xyplot(d, "height", "age", cond="Subject",
type=["p", "r"], layout=[9, 3]))``: one figure per call, put on the current device
(:mod:`.graphics_device`), since a trellis object is drawn when printed -- and
``Rscript`` prints it only through ``print()`` (inside a loop or function) or at top
level.  The lme4 methods are pylme's plots: ``dotplot(ranef(m, condVar = TRUE))``
is the caterpillar plot, ``qqmath(ranef(m))`` the random-effects Q-Q plot,
``xyplot(profile(m))`` the profile zeta plot (lme4's ``xyplot.thpr``).
"""

from __future__ import annotations

from . import register
from .graphics import plt_import

__all__ = []

LP = "from pylme.migrate.rules import lattice_panels"


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ys(node, ctx) -> list[str]:
    """``y`` or ``y1 + y2`` (superposed responses) as column names."""
    if node.type == "identifier":
        return [node.text.strip("`")]
    if node.type == "binary_operator" and node.op == "+":
        return _ys(node.field("lhs"), ctx) + _ys(node.field("rhs"), ctx)
    ctx.todo(node, "lattice formula with a computed response")


def _formula(f, ctx) -> tuple[list[str], str, str | None]:
    """``y ~ x | g`` -> (ys, x, g)."""
    if f.type != "binary_operator" or f.op != "~" or f.field("lhs") is None:
        ctx.todo(f, "lattice call without a two-sided formula")
    rhs = f.field("rhs")
    cond = None
    if rhs.type == "binary_operator" and rhs.op == "|":
        cond_node = rhs.field("rhs")
        if cond_node.type != "identifier":
            ctx.todo(f, "lattice conditioning on several factors or an expression")
        cond = cond_node.text.strip("`")
        rhs = rhs.field("lhs")
    if rhs.type != "identifier":
        ctx.todo(f, "lattice formula with a computed x")
    return _ys(f.field("lhs"), ctx), rhs.text.strip("`"), cond


def _ranef_call(node, ctx):
    """(fit node, condVar given) when ``node`` is ``ranef(fit, ...)``."""
    if node is not None and node.type == "call" and \
            (node.call_name() or "").split("::")[-1] == "ranef" and node.args:
        return node.args[0].value
    return None


def _options(call, ctx, names) -> list[str]:
    out = []
    for r, py in names:
        node = call.arg(r)
        if node is None:
            continue
        if r == "type" and node.type == "call":  # c("p", "r") -> a list
            out.append(f"type=[{', '.join(ctx.expr(a.value) for a in node.args)}]")
        elif r == "layout" and node.type == "call":
            out.append(f"layout=[{', '.join(ctx.expr(a.value) for a in node.args)}]")
        elif r in ("groups",):
            out.append(f"groups={_q(node.text.strip('`'))}")
        else:
            out.append(f"{py}={ctx.expr(node)}")
    return out


@register("xyplot", "dotplot", "bwplot", "qqmath", returns="trellis", visible=False)
def lattice_plot(call, ctx):
    """lattice's high-level functions (module docstring)."""
    plt_import(ctx)
    x = call.arg("x", 0)
    fit = _ranef_call(x, ctx)
    if fit is not None and call.name in ("dotplot", "qqmath"):
        ctx.need_import("import pylme")
        fn = "caterpillar" if call.name == "dotplot" else "qq_ranef"
        return f"rdev.page(pylme.plots.{fn}({ctx.expr(fit)}))"
    if call.name == "xyplot" and ctx.kind_of(x) == "profile" or (
            x is not None and x.type == "call" and x.call_name() == "profile"):
        ctx.need_import("import pylme")
        return f"rdev.page(pylme.plots.profile_zeta({ctx.expr(x)}))"
    if x is None or x.type != "binary_operator" or x.op != "~":
        ctx.todo(call.node, f"{call.name}() of this object")
    data = call.arg("data", 1)
    if data is None:
        ctx.todo(call.node, f"{call.name}() without data")
    ys, xcol, cond = _formula(x, ctx)
    ctx.need_import(LP)
    args = [ctx.expr(data)]
    common = [("layout", "layout"), ("as.table", "as_table"), ("xlab", "xlab"),
              ("ylab", "ylab"), ("main", "main")]
    if call.name == "xyplot":
        y = _q(ys[0]) if len(ys) == 1 else "[" + ", ".join(_q(v) for v in ys) + "]"
        args += [y, _q(xcol)] + ([f"cond={_q(cond)}"] if cond else [])
        args += _options(call, ctx, [("groups", "groups"), ("type", "type")] + common)
        return f"rdev.page(lattice_panels.xyplot({', '.join(args)}))"
    if call.name == "bwplot" and len(ys) == 1:
        args += [_q(ys[0]), _q(xcol)] + ([f"cond={_q(cond)}"] if cond else [])
        args += _options(call, ctx, common)
        return f"rdev.page(lattice_panels.bwplot({', '.join(args)}))"
    ctx.todo(call.node, f"{call.name}() of a formula")


@register("trellis.device", visible=False)
def trellis_device(call, ctx):
    """``trellis.device(png, file = f, width, height)``: the device opened for ``f``."""
    plt_import(ctx)
    dev = call.arg("device", 0)
    kind = dev.text.strip("\"'") if dev is not None else "pdf"
    f = call.arg("file") or call.arg("filename")
    args = [ctx.expr(f) if f is not None else _q("Rplots.pdf")]
    for r in ("width", "height", "units", "res"):
        if call.arg(r) is not None:
            args.append(f"{r}={ctx.expr(call.arg(r))}")
    return f"rdev.open_device({', '.join(args)}, kind={_q('pdf' if kind == 'pdf' else 'png')})"


@register("print", priority=10, visible=False)
def print_plot(call, ctx):
    """``print(<trellis or ggplot>)`` draws it on the current device (R's print
    method for plots); other values are left to base R's ``print`` rule."""
    x = call.arg("x", 0)
    kind = ctx.kind_of(x) if x is not None else None
    base = x
    while base is not None and base.type == "binary_operator" and base.op == "+":
        base = base.field("lhs")  # p + geom_point(): a ggplot when p is one
    if kind is None and base is not None and base is not x:
        kind = ctx.kind_of(base)
    if kind == "trellis":
        return ctx.expr(x)
    if kind == "ggplot":
        plt_import(ctx)
        from ..expressions import ATOM, tx, wrap

        return f"rdev.page({wrap(tx(x, ctx), ATOM)}.draw())"
    return None


@register("profile", priority=10, returns="profile")
def profile_kind(call, ctx):
    """Declines (lme4's rules translate ``profile(fm)``); registered only so that the
    value's kind is known and ``xyplot(pr)``/``plot(pr)`` become pylme's zeta plot."""
    return None
