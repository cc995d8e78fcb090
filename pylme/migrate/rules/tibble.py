"""tibble's row-name verbs: ``rownames_to_column`` and ``column_to_rownames``.

R's row names are a pandas index: ``rownames_to_column(df, "id")`` moves the index into
a first column named ``id`` (``df.rename_axis("id").reset_index()``), and
``column_to_rownames(df, "id")`` makes the column the index (without a name, as R's
row names have none).
"""

from __future__ import annotations

from ..expressions import ATOM, tx, wrap
from . import register


@register("rownames_to_column", returns="df")
def rownames_to_column(call, ctx):
    m = call.match((".data", "var"))
    var = ctx.expr(m["var"]) if "var" in m else '"rowname"'
    # R's row names are strings: the new column holds the index as text
    frame = wrap(tx(m[".data"], ctx), ATOM)
    return f"{frame}.rename_axis({var}).reset_index().astype({{{var}: str}})"


@register("column_to_rownames", returns="df")
def column_to_rownames(call, ctx):
    m = call.match((".data", "var"))
    var = ctx.expr(m["var"]) if "var" in m else '"rowname"'
    return f"{wrap(tx(m['.data'], ctx), ATOM)}.set_index({var}).rename_axis(None)"
