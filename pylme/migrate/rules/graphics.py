"""Base R graphics -> matplotlib (R: graphics, grDevices).

Devices and panel layout follow R through :mod:`.graphics_device` (imported as
``rdev``; ``png()``/``pdf()``/``dev.off()``, ``par(mfrow=)``, ``Rplots.pdf`` when no
device is open, the ``Agg`` backend so that no window opens); the drawing is plain
matplotlib on the current Axes::

    plot(fitted(fm), resid(fm), xlab = "Fitted")   ->  ax = rdev.new_plot()
                                                       ax.scatter(fm.fitted(), fm.resid(), ...)
                                                       ax.set(xlabel="Fitted", ...)

``plot(<merMod>)`` is pylme's residuals-vs-fitted plot (lme4's ``plot.merMod``);
``qqnorm``/``qqline`` follow R's ``ppoints`` and quartile line.  Purely cosmetic
``par()`` settings (margins, text sizes) have no matplotlib counterpart and are
dropped; any other ``par`` setting is a TODO.
"""

from __future__ import annotations

from . import register

__all__ = ["DEV", "plt_import", "style_kwargs"]

DEV = "from pylme.migrate.rules import graphics_device as rdev"
PLT = "import matplotlib.pyplot as plt"
_COSMETIC_PAR = {"mar", "oma", "mgp", "cex", "cex.axis", "cex.lab", "cex.main", "las", "tck",
                 "bty", "pty", "xpd", "family", "font.main", "mai"}
_LTY = {"1": '"-"', "2": '"--"', "3": '":"', "4": '"-."', "5": '"--"', "6": '"-."',
        '"solid"': '"-"', '"dashed"': '"--"', '"dotted"': '":"', '"dotdash"': '"-."',
        '"longdash"': '"--"', '"twodash"': '"-."'}


def plt_import(ctx) -> None:
    """The imports of a script that plots: the Agg backend first, then rdev."""
    ctx.need_import("import numpy as np")
    ctx.need_import("import matplotlib")
    ctx.need_import('matplotlib.use("Agg")  # files only, never a window (as Rscript)')
    ctx.need_import(PLT)
    ctx.need_import(DEV)


def style_kwargs(call, ctx, *, line: bool) -> list[str]:
    """matplotlib keyword arguments for R's ``col``, ``lty``, ``lwd``, ``pch``, ``cex``."""
    out = []
    c = call.arg("col")
    if c is not None:
        key = "color" if line or c.type == "string" else "c"
        out.append(f"{key}=rdev.col({ctx.expr(c)})")
    lty = call.arg("lty")
    if lty is not None:
        out.append(f"linestyle={_LTY.get(lty.text, repr(chr(45)))}")
    lwd = call.arg("lwd")
    if lwd is not None:
        out.append(f"linewidth={ctx.expr(lwd)}")
    if call.arg("pch") is not None and not line:
        pch = call.arg("pch").text
        out.append('marker="o"' if pch in ("1", "16", "19", "20", "21") else
                   {"2": 'marker="^"', "17": 'marker="^"', "0": 'marker="s"', "15": 'marker="s"',
                    "3": 'marker="+"', "4": 'marker="x"'}.get(pch, 'marker="o"'))
    return out


def _labels(call, ctx, xdefault: str | None = None, ydefault: str | None = None) -> str:
    """``ax.set(xlabel=..., ylabel=..., title=..., xlim=..., ylim=...)`` arguments."""
    parts = []
    for r, py, default in (("xlab", "xlabel", xdefault), ("ylab", "ylabel", ydefault),
                           ("main", "title", None), ("xlim", "xlim", None),
                           ("ylim", "ylim", None)):
        node = call.arg(r)
        if node is not None:
            parts.append(f"{py}={ctx.expr(node)}")
        elif default is not None:
            parts.append(f"{py}={default}")
    return ", ".join(parts)


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _formula_xy(f, data, ctx):
    """``y ~ x`` with ``data``: (x code, y code, x name, y name)."""
    lhs, rhs = f.field("lhs"), f.field("rhs")
    if lhs is None or rhs is None or rhs.type not in ("identifier",) or \
            lhs.type not in ("identifier",):
        ctx.todo(f, "plot formula other than y ~ x")
    d = ctx.expr(data)
    return f'{d}["{rhs.text}"]', f'{d}["{lhs.text}"]', lhs.text, rhs.text


@register("plot", visible=False)
def plot(call, ctx):
    """``plot(x, y, type=, ...)`` / ``plot(y ~ x, data)`` / ``plot(<merMod>)``."""
    x = call.arg("x", 0)
    if x is None:
        ctx.todo(call.node, "plot() without x")
    plt_import(ctx)
    kind = ctx.kind_of(x)
    if kind in ("lmer", "glmer"):
        ctx.need_import("import pylme")
        return f"rdev.page(pylme.plots.residuals_vs_fitted({ctx.expr(x)}))"
    if kind == "profile":
        ctx.need_import("import pylme")
        return f"rdev.page(pylme.plots.profile_zeta({ctx.expr(x)}))"
    if x.type == "binary_operator" and x.op == "~":
        data = call.arg("data")
        if data is None:
            ctx.todo(call.node, "plot(formula) without data")
        xc, yc, yname, xname = _formula_xy(x, data, ctx)
        xlab, ylab = _q(xname), _q(yname)
    else:
        y = call.arg("y", 1)
        if y is None:
            ctx.todo(call.node, "plot() of a single vector or of this object")
        xc, yc = ctx.expr(x), ctx.expr(y)
        xlab, ylab = _q(x.text), _q(y.text)
    type_node = call.arg("type")
    ptype = type_node.text.strip("\"'") if type_node is not None else "p"
    ctx.emit("ax = rdev.new_plot()")
    if ptype == "n":  # axes scaled to the data, nothing drawn
        ctx.emit(f'ax.plot({xc}, {yc}, linestyle="none")')
    elif ptype in ("l", "b", "o"):
        marker = ', marker="o"' if ptype != "l" else ""
        ctx.emit(f"ax.plot({xc}, {yc}{marker}{_join(style_kwargs(call, ctx, line=True))})")
    elif ptype == "p":
        style = style_kwargs(call, ctx, line=False)
        if not any(s.startswith(("c=", "color=")) for s in style):
            style = ['facecolors="none"', 'edgecolors="black"'] + style  # R's open circles
        ctx.emit(f"ax.scatter({xc}, {yc}{_join(style)})")
    else:
        ctx.todo(call.node, f'plot(type = "{ptype}")')
    return f"ax.set({_labels(call, ctx, xlab, ylab)})"


def _join(parts: list[str]) -> str:
    return "".join(f", {p}" for p in parts)


@register("hist", visible=False)
def hist(call, ctx):
    """``hist(x, breaks=, main=, xlab=)`` -> ``ax.hist`` (Sturges' bins by default, R's)."""
    x = call.arg("x", 0)
    plt_import(ctx)
    breaks = call.arg("breaks")
    bins = ctx.expr(breaks) if breaks is not None else '"sturges"'
    ctx.emit("ax = rdev.new_plot()")
    fill = call.arg("col")
    color = f", color=rdev.col({ctx.expr(fill)})" if fill is not None else ', color="white"'
    ctx.emit(f'ax.hist(np.asarray({ctx.expr(x)})[~np.isnan(np.asarray({ctx.expr(x)}, float))], '
             f'bins={bins}, edgecolor="black"{color})')
    ctx.need_import("import numpy as np")
    return f"ax.set({_labels(call, ctx, _q(x.text), _q('Frequency'))}" + (
        "" if call.arg("main") is not None else f", title={_q('Histogram of ' + x.text)}") + ")"


@register("boxplot", visible=False)
def boxplot(call, ctx):
    """``boxplot(y ~ g, data)`` -> one box per level of ``g`` (R's order of levels)."""
    x = call.arg("x", 0) or call.arg("formula")
    plt_import(ctx)
    ctx.emit("ax = rdev.new_plot()")
    fill = call.arg("col")
    style = f", patch_artist=True, boxprops=dict(facecolor=rdev.col({ctx.expr(fill)}))" \
        if fill is not None else ""
    if x.type == "binary_operator" and x.op == "~":
        data = call.arg("data")
        lhs, rhs = x.field("lhs"), x.field("rhs")
        if data is None or rhs.type != "identifier" or lhs.type != "identifier":
            ctx.todo(call.node, "boxplot formula other than y ~ g with data")
        d = ctx.expr(data)
        groups = f'{d}.groupby("{rhs.text}", observed=True)["{lhs.text}"]'
        ctx.emit(f"boxes = [(str(k), s.dropna()) for k, s in {groups}]")
        ctx.emit(f"ax.boxplot([s for _, s in boxes], tick_labels=[k for k, _ in boxes]{style})")
        return f"ax.set({_labels(call, ctx, _q(rhs.text), _q(lhs.text))})"
    ctx.emit(f"ax.boxplot(pd.Series({ctx.expr(x)}).dropna(){style})")
    ctx.need_import("import pandas as pd")
    return f"ax.set({_labels(call, ctx)})"


@register("abline", visible=False)
def abline(call, ctx):
    """``abline(h=)``, ``abline(v=)``, ``abline(a, b)``, ``abline(<lm fit>)``."""
    plt_import(ctx)
    style = _join(style_kwargs(call, ctx, line=True))
    h, v = call.arg("h"), call.arg("v")
    if h is not None:
        return f"[plt.gca().axhline(y{style}) for y in np.atleast_1d({ctx.expr(h)})]" \
            if h.type == "call" else f"plt.gca().axhline({ctx.expr(h)}{style})"
    if v is not None:
        return f"plt.gca().axvline({ctx.expr(v)}{style})"
    a, b = call.arg("a", 0), call.arg("b", 1)
    if a is not None and b is not None:
        return f"plt.gca().axline((0, {ctx.expr(a)}), slope={ctx.expr(b)}{style})"
    if a is not None:  # a fitted line: intercept and slope
        ctx.need_import("import numpy as np")
        return (f"plt.gca().axline((0, np.asarray({ctx.expr(a)})[0]), "
                f"slope=np.asarray({ctx.expr(a)})[1]{style})")
    ctx.todo(call.node, "abline() arguments")


@register("lines", "points", visible=False)
def lines(call, ctx):
    """``lines(x, y)`` / ``points(x, y)`` on the current plot."""
    plt_import(ctx)
    x, y = call.arg("x", 0), call.arg("y", 1)
    if x is None or y is None:
        ctx.todo(call.node, f"{call.name}() without x and y")
    if call.name == "lines":
        return f"plt.gca().plot({ctx.expr(x)}, {ctx.expr(y)}{_join(style_kwargs(call, ctx, line=True))})"
    return f"plt.gca().scatter({ctx.expr(x)}, {ctx.expr(y)}{_join(style_kwargs(call, ctx, line=False))})"


@register("legend", visible=False)
def legend(call, ctx):
    """``legend("topleft", legend = labels, col = ..., lwd/lty/pch)``."""
    plt_import(ctx)
    pos, labels = call.arg("x", 0), call.arg("legend", 1)
    if pos is None or labels is None or pos.type != "string":
        ctx.todo(call.node, "legend() at coordinates or without labels")
    args = [ctx.expr(pos), ctx.expr(labels)]
    c = call.arg("col")
    if c is not None:
        args.append(f"colors={ctx.expr(c)}")
    if call.arg("pch") is not None:
        args.append('marker="o"')
    if call.arg("lwd") is not None:
        args.append(f"linewidth={ctx.expr(call.arg('lwd'))}")
    return f"rdev.legend({', '.join(args)})"


@register("title", visible=False)
def title(call, ctx):
    plt_import(ctx)
    return f"plt.gca().set({_labels(call, ctx)})"


@register("text", visible=False)
def text(call, ctx):
    """``text(x, y, labels)``: one label per point."""
    plt_import(ctx)
    m = call.match(("x", "y", "labels"))
    if len(m) < 3:
        ctx.todo(call.node, "text() without x, y and labels")
    return (f"[plt.gca().text(a, b, str(s)) for a, b, s in "
            f"zip(np.atleast_1d({ctx.expr(m['x'])}), np.atleast_1d({ctx.expr(m['y'])}), "
            f"np.atleast_1d({ctx.expr(m['labels'])}))]")


@register("qqnorm", "qqline", visible=False)
def qq(call, ctx):
    """``qqnorm(x)`` (a new plot) / ``qqline(x)`` (on the current one), as R."""
    plt_import(ctx)
    x = call.arg("y", 0)
    if ctx.kind_of(x) in ("lmer", "glmer"):
        ctx.need_import("import pylme")
        return f"rdev.page(pylme.plots.qq_residuals({ctx.expr(x)}))"
    extra = []
    if call.arg("main") is not None:
        extra.append(f"title={ctx.expr(call.arg('main'))}")
    extra += style_kwargs(call, ctx, line=True)
    return f"rdev.{call.name}({ctx.expr(x)}{_join(extra)})"


@register("par", visible=False)
def par(call, ctx):
    """``par(mfrow = c(r, c))`` -> ``rdev.mfrow(r, c)``; cosmetic settings dropped."""
    plt_import(ctx)
    out = []
    for a in call.args:
        if a.name in ("mfrow", "mfcol"):
            dims = [x.value for x in a.value.args] if a.value.type == "call" else []
            if len(dims) != 2:
                ctx.todo(call.node, f"par({a.name} = ...)")
            out.append(f"rdev.mfrow({ctx.expr(dims[0])}, {ctx.expr(dims[1])})")
        elif a.name not in _COSMETIC_PAR:
            ctx.todo(call.node, f"par({a.name or a.value.text} = ...)")
    return "; ".join(out) if out else ""


@register("png", "jpeg", "bmp", "tiff", "pdf", "svg", "postscript", visible=False)
def device(call, ctx):
    """``png(file, width, height, units, res)`` / ``pdf(file, width, height)``."""
    plt_import(ctx)
    m = call.match(("filename", "width", "height", "units", "pointsize", "bg", "res") if
                   call.name not in ("pdf", "svg", "postscript") else ("file", "width", "height"))
    f = m.get("filename") or m.get("file") or call.arg("file")
    if f is None:
        default = {"pdf": "Rplot%03d.pdf"}.get(call.name, f"Rplot%03d.{call.name}")
        path = _q(default % 1)
    else:
        path = ctx.expr(f)
    args = [path]
    for r in ("width", "height", "units", "res"):
        if r in m:
            args.append(f"{r}={ctx.expr(m[r])}")
    kind = "pdf" if call.name in ("pdf", "svg", "postscript") else "png"
    return f"rdev.open_device({', '.join(args)}, kind={_q(kind)})"


@register("dev.off", "graphics.off", visible=False)
def dev_off(call, ctx):
    plt_import(ctx)
    return "rdev.close()" if call.name == "dev.off" else "rdev.close_all()"


@register("dev.new", "x11", "windows", "quartz", visible=False)
def dev_new(call, ctx):
    """A screen device: the plots go to files instead (``Rplots.pdf``), never a window."""
    plt_import(ctx)
    return 'rdev.open_device("Rplots.pdf", kind="pdf")'


@register("interaction.plot", visible=False)
def interaction_plot(call, ctx):
    """``interaction.plot(x.factor, trace.factor, response, fun = mean)``: the mean
    response per level of ``x.factor``, one line per level of ``trace.factor`` (levels
    in factor order, x at the positions 1..k, as R draws them)."""
    plt_import(ctx)
    ctx.need_import("import pandas as pd")
    m = call.match(("x.factor", "trace.factor", "response", "fun"))
    if len([k for k in m if k != "fun"]) < 3:
        ctx.todo(call.node, "interaction.plot() without its three variables")
    fun = m.get("fun")
    if fun is not None and fun.text not in ("mean", "median", "sum"):
        ctx.todo(call.node, f"interaction.plot(fun = {fun.text})")
    how = fun.text if fun is not None else "mean"
    frame = (f'pd.DataFrame({{"x": {ctx.expr(m["x.factor"])}, "trace": '
             f'{ctx.expr(m["trace.factor"])}, "y": {ctx.expr(m["response"])}}})')
    ctx.emit(f'cell_means = {frame}.groupby(["x", "trace"], observed=True, sort=True)'
             f'["y"].{how}().unstack()')
    ctx.emit("ax = rdev.new_plot()")
    ctx.emit('ax.plot(np.arange(1, len(cell_means) + 1), cell_means.to_numpy(), color="black")')
    ctx.emit("ax.set_xticks(np.arange(1, len(cell_means) + 1), "
             "labels=cell_means.index.astype(str))")
    ctx.emit('[ln.set_linestyle(["-", "--", ":", "-."][i % 4]) '
             'for i, ln in enumerate(ax.get_lines()[::-1])]')
    ctx.emit(f"ax.legend(ax.get_lines(), cell_means.columns.astype(str), "
             f"title={_q(m['trace.factor'].text)})")
    return (f"ax.set(xlabel={_q(m['x.factor'].text)}, "
            f"ylabel={_q(how + ' of  ' + m['response'].text)})")
