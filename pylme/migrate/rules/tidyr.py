"""tidyr reshapes -> pandas: ``pivot_longer``/``gather`` -> ``melt``,
``pivot_wider``/``spread`` -> ``pivot_table``, ``separate``, ``drop_na``.

Row and column order follow tidyr (1.3):

* ``pivot_longer`` lists each input row's values in turn (row-major), where
  ``melt`` lists column by column: the translation keeps the input's row labels
  (``ignore_index=False``) and sorts them stably back into row-major order.
* ``pivot_wider`` keeps the first-appearance order of both the id rows and the new
  columns (``pivot_table(..., sort=False)``), where ``pivot`` sorts them.
* ``gather`` is column-major (as ``melt``) and ``spread`` sorts (as ``pivot``).
"""

from __future__ import annotations

from ..parse import unquote_name
from .dplyr import RESET, Piped, verb
from .dplyr_mask import column_name, frame_var, q
from .dplyr_select import tidyselect

__all__ = []


def _text(node, ctx) -> str:
    return ctx.expr(node)


@verb("pivot_longer")
def pivot_longer(call, ctx, data: Piped) -> Piped:
    """``pivot_longer(d, cols, names_to = "name", values_to = "value",
    names_prefix = NULL)`` -> ``melt`` (row-major, see the module docstring)."""
    m = call.match(("data", "cols", "...", "cols_vary", "names_to", "names_prefix",
                    "names_sep", "names_pattern", "names_ptypes", "names_transform",
                    "names_repair", "values_to", "values_drop_na"))
    for bad in ("names_sep", "names_pattern", "names_ptypes", "names_transform", "cols_vary"):
        if bad in m:
            ctx.todo(call.node, f"pivot_longer({bad} = )")
    if "cols" not in m:
        ctx.todo(call.node, "pivot_longer() without cols")
    d = frame_var(ctx)
    sel = tidyselect([m["cols"]], ctx, d)
    names_to = _text(m["names_to"], ctx) if "names_to" in m else '"name"'
    values_to = _text(m["values_to"], ctx) if "values_to" in m else '"value"'
    cols = sel.list_code()
    body = (f"{d}.melt(id_vars=[c for c in {d}.columns if c not in {cols}], value_vars={cols}, "
            f"var_name={names_to}, value_name={values_to}, ignore_index=False)"
            f'.sort_index(kind="stable"){RESET}')
    code = f"{data.code}.pipe(lambda {d}: {body})"
    if "names_prefix" in m:
        prefix = m["names_prefix"]
        pat = q("^" + unquote_name(prefix.text)) if prefix.type == "string" else \
            f'"^" + {ctx.expr(prefix)}'
        code += (f".assign(**{{{names_to}: lambda {d}: {d}[{names_to}]"
                 f'.str.replace({pat}, "", regex=True)}})')
    if "values_drop_na" in m and m["values_drop_na"].text in ("TRUE", "T"):
        code += f".dropna(subset=[{values_to}]){RESET}"
    return Piped(code)


@verb("gather")
def gather(call, ctx, data: Piped) -> Piped:
    """``gather(d, key, value, cols...)`` -> ``melt`` (column-major, as tidyr's gather)."""
    args = [a for a in call.args[1:] if a.value is not None]
    named = {a.name: a.value for a in args if a.name is not None}
    pos = [a.value for a in args if a.name is None]
    key = column_name(named.get("key", pos[0] if pos else None)) or "key"
    value = column_name(named.get("value", pos[1] if len(pos) > 1 else None)) or "value"
    if set(named) - {"key", "value", "na.rm"}:
        ctx.todo(call.node, "gather() argument " + ", ".join(sorted(set(named) - {"key", "value"})))
    d = frame_var(ctx)
    rest = pos[2:] if "key" not in named else pos
    if not rest:
        cols = f"list({d}.columns)"
    else:
        cols = tidyselect(rest, ctx, d).list_code()
    code = (f"{data.code}.pipe(lambda {d}: {d}.melt(id_vars=[c for c in {d}.columns if c not in "
            f"{cols}], value_vars={cols}, var_name={q(key)}, value_name={q(value)}))")
    if "na.rm" in named and named["na.rm"].text in ("TRUE", "T"):
        code += f".dropna(subset=[{q(value)}]){RESET}"
    return Piped(code)


def _wider(data: Piped, ctx, names_from: str, values_from: str, prefix: str | None,
           fill: str | None, sort: bool) -> Piped:
    d = frame_var(ctx)
    fill_code = f", fill_value={fill}" if fill else ""
    table = (f"{d}.pivot_table(index=[c for c in {d}.columns if c not in "
             f"[{q(names_from)}, {q(values_from)}]], columns={q(names_from)}, "
             f'values={q(values_from)}, aggfunc="first", sort={sort}, '
             f"observed=True{fill_code})")
    # pivot_table drops all-NA columns and, unsorted, orders the new columns by label
    order = f"pd.unique({d}[{q(names_from)}])"
    table += f".reindex(columns={order if not sort else f'sorted({order})'})"
    code = f"{data.code}.pipe(lambda {d}: {table})"
    # R names the new columns by as.character(): 8 -> "8", not "8.0"
    code += '.rename(columns=lambda c: f"{c:.15g}" if isinstance(c, float) else str(c))'
    if prefix:
        code += f".add_prefix({prefix})"
    code += ".reset_index().rename_axis(columns=None)"
    return Piped(code)


@verb("pivot_wider")
def pivot_wider(call, ctx, data: Piped) -> Piped:
    """``pivot_wider(d, names_from = k, values_from = v, names_prefix = "p",
    values_fill = 0)``: one row per combination of the other columns."""
    ctx.need_import("import pandas as pd")
    m = call.match(("data", "id_cols", "id_expand", "names_from", "names_prefix",
                    "names_sep", "names_glue", "names_sort", "names_vary", "names_expand",
                    "names_repair", "values_from", "values_fill", "values_fn"))
    for bad in ("id_cols", "names_glue", "values_fn", "names_sep", "names_expand", "id_expand"):
        if bad in m:
            ctx.todo(call.node, f"pivot_wider({bad} = )")
    names_from = column_name(m.get("names_from")) or "name"
    values_from = column_name(m.get("values_from")) or "value"
    prefix = _text(m["names_prefix"], ctx) if "names_prefix" in m else None
    fill = _text(m["values_fill"], ctx) if "values_fill" in m else None
    sort = "names_sort" in m and m["names_sort"].text in ("TRUE", "T")
    return _wider(data, ctx, names_from, values_from, prefix, fill, sort)


@verb("spread")
def spread(call, ctx, data: Piped) -> Piped:
    """``spread(d, key, value, fill = NA)``: as ``pivot_wider`` with sorted columns."""
    ctx.need_import("import pandas as pd")
    m = call.match(("data", "key", "value", "fill"))
    key, value = column_name(m.get("key")), column_name(m.get("value"))
    if key is None or value is None:
        ctx.todo(call.node, "spread() without key and value columns")
    fill = _text(m["fill"], ctx) if "fill" in m else None
    return _wider(data, ctx, key, value, None, fill, True)


@verb("separate")
def separate(call, ctx, data: Piped) -> Piped:
    """``separate(d, col, into, sep = "[^[:alnum:]]+")``: the pieces replace ``col``
    at its position (``remove = TRUE``); ``sep`` is a regular expression."""
    m = call.match(("data", "col", "into", "sep", "remove", "convert", "extra", "fill"))
    col = column_name(m.get("col"))
    if col is None or "into" not in m:
        ctx.todo(call.node, "separate() without col and into")
    if any(k in m for k in ("extra", "fill", "convert")):
        ctx.todo(call.node, "separate(extra/fill/convert = )")
    into = [unquote_name(a.value.text) for a in m["into"].args] if m["into"].type == "call" \
        else [unquote_name(m["into"].text)]
    sep = m.get("sep")
    if sep is not None and sep.type in ("integer", "float"):
        ctx.todo(call.node, "separate() at a character position")
    pattern = q(unquote_name(sep.text)) if sep is not None and sep.type == "string" else \
        (ctx.expr(sep) if sep is not None else '"[^0-9A-Za-z]+"')
    remove = not ("remove" in m and m["remove"].text in ("FALSE", "F"))
    d = frame_var(ctx)
    names = "[" + ", ".join(q(n) for n in into) + "]"
    pieces = (f"{d}[{q(col)}].str.split({pattern}, n={len(into) - 1}, expand=True, regex=True)"
              f".reindex(columns=range({len(into)})).set_axis({names}, axis=1)")
    at = f"{d}.columns.get_loc({q(col)})"
    if remove:
        code = (f"pd.concat([{d}.iloc[:, :{at}], {pieces}, {d}.iloc[:, {at} + 1:]], axis=1)")
    else:
        code = f"pd.concat([{d}, {pieces}], axis=1)"
    ctx.need_import("import pandas as pd")
    return Piped(f"{data.code}.pipe(lambda {d}: {code})", data.groups)


@verb("drop_na")
def drop_na(call, ctx, data: Piped) -> Piped:
    """``drop_na(d, cols...)``: rows with no NA (in ``cols``, default every column)."""
    cols = [a.value for a in call.args[1:] if a.value is not None]
    if not cols:
        return Piped(f"{data.code}.dropna(){RESET}", data.groups)
    d = frame_var(ctx)
    sel = tidyselect(cols, ctx, d)
    if sel.names is not None:
        return Piped(f"{data.code}.dropna(subset={sel.list_code()}){RESET}", data.groups)
    return Piped(f"{data.code}.pipe(lambda {d}: {d}.dropna(subset={sel.code})){RESET}",
                 data.groups)


@verb("as_tibble")
def as_tibble(call, ctx, data: Piped) -> Piped:
    """``as_tibble(x)`` -> a DataFrame with fresh row numbers (tibbles drop row names)."""
    ctx.need_import("import pandas as pd")
    return Piped(f"pd.DataFrame({data.code}){RESET}", data.groups)
