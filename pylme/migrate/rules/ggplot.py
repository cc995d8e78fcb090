"""ggplot2 -> plotnine (the same grammar of graphics, in Python).

``ggplot(d, aes(x, y, colour = g)) + geom_point() + facet_wrap(~ g)`` becomes
``p9.ggplot(d, p9.aes(x="x", y="y", color="g")) + p9.geom_point() +
p9.facet_wrap("~g")``:

* ``aes``: the first two unnamed arguments are ``x`` and ``y``; a column name
  becomes its string; an expression becomes the Python expression as a string,
  which plotnine evaluates against the data (``factor(x)`` is kept as plotnine's
  own ``"factor(x)"``); constants (``group = 1``) stay values.
* British spellings (``colour``, ``scale_colour_*``) become plotnine's ``color``;
  dotted argument names (``legend.position``) become underscores, as plotnine's.
* ``geom_smooth(formula = y ~ x)`` is plotnine's default and is dropped.
* ``ggsave(file, plot, width, height, dpi)`` -> ``plot.save(file, ...,
  verbose=False)``; R's default size is the device's (7 x 7 in).
* Printing a plot (``print(p)``, in :mod:`.lattice`) draws it on the current
  device (:mod:`.graphics_device`), which writes ``Rplots.pdf`` when none is open,
  as ``Rscript`` does.
"""

from __future__ import annotations

import re

from ..names import py_name
from ..parse import unquote_name
from . import register

__all__ = []

P9 = "import plotnine as p9"
_PREFIXES = ("geom_", "stat_", "scale_", "theme_", "coord_", "facet_", "position_",
             "element_", "guide_", "annotate", "labs", "xlab", "ylab", "ggtitle", "xlim",
             "ylim", "theme", "guides", "expand_limits", "after_stat", "lims")
_ARG_RENAME = {"colour": "color", "fill": "fill", "linewidth": "size"}


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _aes_value(node, ctx) -> str:
    if node.type in ("identifier",):
        return _q(unquote_name(node.text))
    if node.type in ("float", "integer", "string", "true", "false"):
        return ctx.expr(node)
    if node.type == "call" and node.call_name() in ("factor", "as.factor") and node.args \
            and node.args[0].value is not None and node.args[0].value.type == "identifier":
        return _q(f"factor({node.args[0].value.text})")
    return _q(ctx.expr(node))  # columns stay bare names: plotnine evaluates them


@register("aes", "aes_string", returns="aes")
def aes(call, ctx):
    """``aes(x, y, colour = g)`` -> ``p9.aes(x="x", y="y", color="g")``."""
    ctx.need_import(P9)
    parts = []
    pos = iter(("x", "y"))
    for a in call.args:
        if a.value is None:
            continue
        name = a.name if a.name is not None else next(pos, None)
        if name is None:
            ctx.todo(call.node, "aes() with more than two unnamed arguments")
        name = _ARG_RENAME.get(name, py_name(name)).replace("colour", "color")
        value = ctx.expr(a.value) if call.name == "aes_string" else _aes_value(a.value, ctx)
        parts.append(f"{name}={value}")
    return f"p9.aes({', '.join(parts)})"


@register("ggplot", returns="ggplot", visible=True)
def ggplot(call, ctx):
    """``ggplot(data, mapping)``."""
    ctx.need_import(P9)
    return f"p9.ggplot({_args(call, ctx)})"


def _args(call, ctx, drop=()) -> str:
    out = []
    for a in call.args:
        if a.value is None or a.name in drop:
            continue
        if a.name == "formula" and ctx.formula_text(a.value).replace(" ", "") == "y~x":
            continue  # plotnine's default
        if a.name == "formula":
            out.append(f"formula={_q(ctx.formula_text(a.value))}")
            continue
        if a.value.type in ("unary_operator", "binary_operator") and a.value.op == "~":
            value = _q(ctx.formula_text(a.value).replace("~ ", "~"))
        elif a.value.type == "call" and (a.value.call_name() or "") == "vars":
            value = "[" + ", ".join(_q(x.value.text) for x in a.value.args) + "]"
        elif a.value.type == "call" and (a.value.call_name() or "") == "c" and \
                a.name in ("values", "labels", "breaks", "limits", "colours", "colors"):
            value = "[" + ", ".join(_elem(x, ctx) for x in a.value.args) + "]"
        else:
            value = ctx.expr(a.value)
        if a.name is None:
            out.append(value)
        else:
            name = _ARG_RENAME.get(a.name, py_name(a.name)).replace("colour", "color")
            out.append(f"{name}={value}")
    return ", ".join(out)


def _elem(arg, ctx) -> str:
    value = ctx.expr(arg.value)
    return value if arg.name is None else f"{_q(arg.name)}: {value}"


def _is_plot_function(name: str) -> bool:
    return name.startswith(_PREFIXES) or name in _PREFIXES


def _layer(call, ctx):
    """Every ggplot2 layer/scale/theme/facet function -> plotnine's namesake."""
    if call.package not in (None, "ggplot2") or not _is_plot_function(call.name):
        return None
    ctx.need_import(P9)
    name = call.name.replace("colour", "color")
    args = _args(call, ctx)
    if name.startswith("scale_") and name.endswith("_manual"):
        # named values c(a = "red") -> a dict, as plotnine takes them
        args = re.sub(r"\[(\"[^\]]*\": [^\]]*)\]", r"{\1}", args)
    return f"p9.{py_name(name).rstrip('_')}({args})"


_LAYERS = ["geom_point", "geom_line", "geom_smooth", "geom_boxplot", "geom_histogram",
           "geom_bar", "geom_col", "geom_errorbar", "geom_pointrange", "geom_hline",
           "geom_vline", "geom_abline", "geom_text", "geom_jitter", "geom_violin",
           "geom_density", "geom_path", "geom_ribbon", "geom_area", "geom_tile",
           "geom_linerange", "geom_segment", "geom_label", "geom_step", "geom_rug",
           "geom_qq", "geom_qq_line", "geom_crossbar", "geom_errorbarh",
           "stat_summary", "stat_smooth", "stat_qq", "stat_qq_line", "stat_function",
           "facet_wrap", "facet_grid", "labs", "xlab", "ylab", "ggtitle", "xlim", "ylim",
           "lims", "theme", "theme_bw", "theme_classic", "theme_minimal", "theme_gray",
           "theme_grey", "theme_light", "theme_void", "theme_linedraw", "theme_dark",
           "element_text", "element_blank", "element_line", "element_rect",
           "coord_flip", "coord_cartesian", "coord_fixed", "guides", "guide_legend",
           "position_dodge", "position_jitter", "position_jitterdodge", "annotate",
           "scale_x_continuous", "scale_y_continuous", "scale_x_log10", "scale_y_log10",
           "scale_x_discrete", "scale_y_discrete", "scale_colour_manual",
           "scale_color_manual", "scale_fill_manual", "scale_colour_brewer",
           "scale_color_brewer", "scale_fill_brewer", "scale_colour_discrete",
           "scale_color_discrete", "scale_fill_discrete", "scale_colour_gradient",
           "scale_color_gradient", "scale_fill_gradient", "scale_shape_manual",
           "scale_linetype_manual", "scale_size", "scale_alpha", "scale_x_reverse",
           "scale_y_reverse", "scale_colour_grey", "scale_color_grey", "scale_fill_grey",
           "expand_limits", "after_stat"]
register(*_LAYERS, returns="ggplot_layer")(_layer)


@register("ggsave", visible=False)
def ggsave(call, ctx):
    """``ggsave(filename, plot = last_plot(), width, height, units, dpi)`` ->
    ``plot.save(filename, width=..., height=..., dpi=..., verbose=False)``."""
    ctx.need_import(P9)
    m = call.match(("filename", "plot", "device", "path", "scale", "width", "height",
                    "units", "dpi"))
    if "plot" not in m:
        ctx.todo(call.node, "ggsave() of the last plot shown (give plot = explicitly)")
    from ..expressions import ATOM, tx, wrap

    args = [ctx.expr(m["filename"])]
    for r in ("width", "height", "units", "dpi"):
        if r in m:
            args.append(f"{r}={ctx.expr(m[r])}")
    if "width" not in m and "height" not in m:
        args += ["width=7", "height=7"]  # R's default device size, in inches
    return f"{wrap(tx(m['plot'], ctx), ATOM)}.save({', '.join(args)}, verbose=False)"


@register("last_plot")
def last_plot(call, ctx):
    ctx.todo(call.node, "last_plot() (name the plot in a variable)")
