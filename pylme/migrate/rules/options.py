"""``options(contrasts = ...)`` -> ``pylme.options(contrasts=...)`` (R's global contrasts,
honoured by pylme's design matrices); ``options(op)`` restores saved options."""

from __future__ import annotations

from . import register


@register("options", visible=False, returns="dict")
def options(call, ctx):
    ctx.need_import("import pylme")
    items = []
    for a in call.args:
        if a.value is None:
            continue
        if a.name is None:
            return f"pylme.options(**{ctx.expr(a.value)})"  # options(op): restore
        if a.name == "contrasts":
            v = a.value
            if v.type == "call" and v.call_name() == "c":
                value = "(" + ", ".join(ctx.expr(x.value) for x in v.args) + ")"
            else:
                value = ctx.expr(v)
            items.append(f"contrasts={value}")
        elif a.name in ("digits", "width", "scipen", "warn", "stringsAsFactors", "na.action",
                        "show.signif.stars", "mc.cores"):
            ctx.todo(call.node, f"options({a.name}=) is not honoured by the translation")
        else:
            ctx.todo(call.node, f"options({a.name}=)")
    return f"pylme.options({', '.join(items)})"
