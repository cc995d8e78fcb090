"""``[``, ``[[`` and their assignment forms, with R's 1-based, logical, negative and
name indices, on data frames (``df[df$x > 1, ]``, ``df[, c("a", "b")]``) and vectors.

R's numeric indices are positions: they become ``.iloc`` / NumPy positions minus
one (never labels); logical indices are masks; character indices are names.
"""

from __future__ import annotations

from .context import Context
from .parse import RNode

__all__ = ["translate_index", "index_target", "index_class"]


def index_class(node: RNode | None, ctx: Context) -> str:
    """``"empty"``, ``"character"``, ``"logical"``, ``"numeric"``, ``"negative"`` or
    ``"unknown"`` for an index expression."""
    if node is None:
        return "empty"
    if node.type == "string":
        return "character"
    if node.type in ("float", "integer"):
        return "numeric"
    if node.type == "unary_operator" and node.op == "-":
        return "negative"
    if node.type == "binary_operator" and node.op == ":":
        return "numeric"
    if node.type == "call" and node.call_name() == "c" and node.args:
        classes = {index_class(a.value, ctx) for a in node.args if a.value is not None}
        return classes.pop() if len(classes) == 1 else "unknown"
    if node.type == "call" and node.call_name() in ("seq", "seq_len", "seq_along", "which",
                                                    "order", "sample", "as.integer",
                                                    "as.numeric", "which.min", "which.max",
                                                    "rep"):
        return "numeric"
    kind = ctx.kind_of(node)
    if kind in ("logical", "character", "numeric"):
        return kind
    if kind == "int":
        return "numeric"
    return "unknown"


def _positions(node: RNode, ctx: Context) -> str:
    """0-based positions for R's 1-based numeric index ``node``."""
    if node.type in ("float", "integer"):
        return str(int(float(node.text.rstrip("L"))) - 1)
    if node.type == "binary_operator" and node.op == ":":
        lo, hi = node.field("lhs"), node.field("rhs")
        if lo.type in ("float", "integer"):
            start = int(float(lo.text.rstrip("L"))) - 1
            return f"slice({start}, {ctx.expr(hi)})" if start else f"slice(None, {ctx.expr(hi)})"
    if node.type == "identifier" and ctx.kind_of(node) == "int":
        return f"{ctx.expr(node)} - 1"
    if node.type == "call" and node.call_name() in ("which.max", "which.min") and node.args:
        ctx.need_import("import numpy as np")  # one 0-based position, no round trip
        fn = "argmax" if node.call_name() == "which.max" else "argmin"
        return f"int(np.{fn}({ctx.expr(node.args[0].value)}))"
    if node.type == "call" and node.call_name() in ("nrow", "length", "NROW"):
        return f"{ctx.expr(node)} - 1"
    ctx.need_import("import numpy as np")
    return f"np.asarray({ctx.expr(node)}) - 1"


def _slice_text(pos: str) -> str:
    if pos.startswith("slice("):
        inner = pos[len("slice("):-1]
        start, stop = (p.strip() for p in inner.split(",", 1))
        return f"{'' if start == 'None' else start}:{stop}"
    return pos


def _cols(node: RNode, ctx: Context) -> str:
    if node.type == "call" and node.call_name() == "c":
        return "[" + ", ".join(ctx.expr(a.value) for a in node.args if a.value is not None) + "]"
    return ctx.expr(node)


def _base(node: RNode, ctx: Context) -> str:
    from .expressions import ATOM, tx, wrap

    return wrap(tx(node, ctx), ATOM)


def translate_index(node: RNode, ctx: Context) -> str:
    """The Python expression for ``x[...]`` / ``x[[...]]``."""
    target = node.field("function")
    base = _base(target, ctx)
    args = [a for a in node.args if a.name is None]
    extra = [a for a in node.args if a.name is not None and a.name != "drop"]
    if extra:
        ctx.todo(node, f"index argument {extra[0].name}=")
    is_df = ctx.kind_of(target) == "df"
    if node.type == "subset2":
        if len(args) != 1:
            ctx.todo(node, "[[ with several indices")
        idx = args[0].value
        cls = index_class(idx, ctx)
        if cls == "numeric" and ctx.kind_of(target) == "dict":
            # a list's i-th element: the dict's values in insertion order
            pos = _positions(idx, ctx)
            if pos.startswith("np.asarray("):
                pos = f"int({ctx.expr(idx)}) - 1"
            return f"list({base}.values())[{pos}]"
        if cls == "numeric":
            pos = _positions(idx, ctx)
            return f"{base}.iloc[:, {pos}]" if is_df else f"{base}[{pos}]"
        return f"{base}[{ctx.expr(idx)}]"
    if len(args) == 2 or (is_df and len(args) == 2):
        return _df_index(base, args[0].value, args[1].value, ctx, node)
    if len(args) != 1:
        ctx.todo(node, "indexing with more than two dimensions")
    idx = args[0].value
    cls = index_class(idx, ctx)
    if is_df:
        if cls == "negative":
            return _drop_columns(base, idx, ctx)
        if cls == "numeric":
            return f"{base}.iloc[:, {_slice_text(_positions(idx, ctx))}]"
        return f"{base}[{_cols(idx, ctx)}]"
    if cls == "numeric" and ctx.kind_of(target) == "factor":
        return f"{base}.iloc[{_slice_text(_positions(idx, ctx))}]"  # keeps the levels
    if cls == "numeric":
        pos = _positions(idx, ctx)
        if pos.startswith("np.asarray(") or pos.startswith("slice("):
            ctx.need_import("import numpy as np")
            return f"np.asarray({ctx.expr(target)})[{_slice_text(pos)}]"
        return f"np.asarray({ctx.expr(target)})[{pos}]" if _needs_array(target, ctx) else f"{base}[{pos}]"
    if cls == "negative":
        ctx.need_import("import numpy as np")
        pos, literal = _dropped(idx, ctx)
        if not literal:
            ctx.need_import("from pylme.migrate import rbase")
            return f"np.asarray({ctx.expr(target)})[rbase.drop_positions(len({base}), {pos})]"
        pos = f"np.s_[{pos}]" if pos.startswith(":") else pos
        return f"np.delete(np.asarray({ctx.expr(target)}), {pos})"
    if cls == "character":
        if ctx.kind_of(target) == "dict" and idx.type == "call":
            return f"{{key: {base}[key] for key in {_cols(idx, ctx)}}}"
        return f"{base}[{_cols(idx, ctx)}]"
    return f"{base}[{ctx.expr(idx)}]"


def _unparen(node: RNode) -> RNode:
    while node.type == "parenthesized_expression" and node.field("body") is not None:
        node = node.field("body")
    return node


def _is_literal(node: RNode) -> bool:
    """A whole-number literal, ``a:b`` of literals or ``c()`` of them."""
    node = _unparen(node)
    if node.type in ("float", "integer"):
        return node.text.rstrip("L").isdigit()
    if node.type == "binary_operator" and node.op == ":":
        return _is_literal(node.field("lhs")) and _is_literal(node.field("rhs"))
    if node.type == "call" and node.call_name() == "c":
        return bool(node.args) and all(a.value is not None and _is_literal(a.value)
                                       for a in node.args)
    return False


def _dropped(node: RNode, ctx: Context) -> tuple[str, bool]:
    """The 0-based positions that R's negative index ``node`` (``-1``, ``-c(1, 3)``,
    ``-(1:5)``, ``c(-1, -2)``, ``-which(...)``) drops, and whether they are literal."""
    node = _unparen(node)
    if node.type == "call" and node.call_name() == "c":
        # c(-1, -3): every element negative
        inner = [_unparen(a.value).field("rhs") for a in node.args]
        if all(_is_literal(i) for i in inner):
            return "[" + ", ".join(_positions(_unparen(i), ctx) for i in inner) + "]", True
        ctx.todo(node, "a c() of negative computed indices")
    rhs = _unparen(node.field("rhs"))
    if _is_literal(rhs):
        if rhs.type == "call":
            values = [str(int(float(a.value.text.rstrip("L"))) - 1) for a in rhs.args
                      if _unparen(a.value).type in ("float", "integer")]
            if len(values) == len(rhs.args):
                return "[" + ", ".join(values) + "]", True
        pos = _positions(rhs, ctx)
        return _slice_text(pos) if pos.startswith("slice(") else pos, True
    ctx.need_import("import numpy as np")
    return f"np.asarray({ctx.expr(rhs)}) - 1", False


def _drop_rows(base: str, node: RNode, ctx: Context) -> str:
    """``df[-i, ]``: R's rows other than ``i`` (positions, never index labels)."""
    pos, literal = _dropped(node, ctx)
    if literal and pos.startswith(":"):
        return f"{base}.iloc[{pos[1:]}:]"  # df[-(1:k), ]: the rows after the k-th
    ctx.need_import("from pylme.migrate import rbase")
    return f"{base}.iloc[rbase.drop_positions(len({base}), {pos})]"


def _drop_columns(base: str, node: RNode, ctx: Context) -> str:
    """``df[, -j]``: the columns other than the ``j``-th (an empty ``j`` from
    ``-which(...)`` selects none, as in R)."""
    pos, literal = _dropped(node, ctx)
    if literal:
        return f"{base}.drop(columns={base}.columns[{pos}])"
    ctx.need_import("from pylme.migrate import rbase")
    return f"{base}.iloc[:, rbase.drop_positions({base}.shape[1], {pos})]"


def _scalar_position(node: RNode | None, ctx: Context) -> bool:
    """A single 1-based row number: an integer literal or a loop index over 1:n."""
    if node is None:
        return False
    if node.type in ("float", "integer"):
        return node.text.rstrip("L").isdigit()
    if node.type == "call" and node.call_name() in ("which.max", "which.min", "nrow", "NROW"):
        return True
    return node.type == "identifier" and ctx.kind_of(node) == "int"


def _needs_array(target: RNode, ctx: Context) -> bool:
    """A pandas Series indexed by position needs ``np.asarray`` (its index is labels);
    a function's value may be one (``coef(fit)[2]``) even when it is a vector."""
    ctx.need_import("import numpy as np")
    return ctx.kind_of(target) != "vector" or target.type == "call"


def _df_index(base: str, rows: RNode | None, cols: RNode | None, ctx: Context, node: RNode) -> str:
    rcls, ccls = index_class(rows, ctx), index_class(cols, ctx)
    if rcls == "negative" or ccls == "negative":
        if rcls == "negative":
            base = _drop_rows(base, rows, ctx)
            rows, rcls = None, "empty"
            if cols is None:
                return base
            if ccls != "negative":
                return _df_index(base, None, cols, ctx, node)
        if base[-1] not in ")]" and not base.isidentifier():
            base = f"({base})"
        return _drop_columns(base, cols, ctx)
    if rcls in ("numeric", "negative") or ccls in ("numeric", "negative"):
        r = ":" if rows is None else _iloc_part(rows, rcls, ctx)
        if ccls in ("character",):
            if _scalar_position(rows, ctx):
                # one row: a single column gives the cell (R's drop = TRUE), several a
                # one-row frame; .iloc[i] alone would be a Series with no .loc[:, ...]
                if cols.type == "string":
                    return f"{base}.iloc[{r}][{_cols(cols, ctx)}]"
                return f"{base}.iloc[[{r}]].loc[:, {_cols(cols, ctx)}]"
            return f"{base}.iloc[{r}].loc[:, {_cols(cols, ctx)}]"
        c = ":" if cols is None else _iloc_part(cols, ccls, ctx, base=base)
        return f"{base}.iloc[{r}, {c}]"
    if rows is None and cols is None:
        return base
    if rows is None and ccls in ("logical", "unknown") and cols.type == "call":
        # df[, sapply(df, is.numeric)]: a mask over the columns (a Series of them is
        # matched by name), or names computed by a function
        return f"{base}.loc[:, {ctx.expr(cols)}]"
    if rows is None:
        return f"{base}[{_cols(cols, ctx)}]"
    r = ctx.expr(rows)
    if cols is None:
        return f"{base}.loc[{r}]"
    return f"{base}.loc[{r}, {_cols(cols, ctx)}]"


def _iloc_part(node: RNode, cls: str, ctx: Context, base: str | None = None) -> str:
    if cls == "numeric":
        return _slice_text(_positions(node, ctx))
    if cls == "negative":
        ctx.todo(node, "negative index on a data frame")
    if cls == "logical":
        ctx.need_import("import numpy as np")
        return f"np.asarray({ctx.expr(node)})"
    ctx.todo(node, "mixed position/name index on a data frame")


def index_target(node: RNode, ctx: Context) -> str:
    """The assignment target for ``x[...] <- v`` / ``x[[...]] <- v``."""
    target = node.field("function")
    args = [a for a in node.args if a.name is None]
    if target.type == "extract_operator" and target.op == "$" and len(args) == 1:
        # df$x[cond] <- v  ->  df.loc[cond, "x"] = v
        frame = _base(target.field("lhs"), ctx)
        col = '"' + target.field("rhs").text.strip("`") + '"'
        idx = args[0].value
        cls = index_class(idx, ctx)
        if cls == "numeric":
            return f"{frame}.iloc[{_positions(idx, ctx)}, {frame}.columns.get_loc({col})]"
        return f"{frame}.loc[{ctx.expr(idx)}, {col}]"
    base = _base(target, ctx)
    is_df = ctx.kind_of(target) == "df"
    if node.type == "subset2" or (len(args) == 1 and is_df):
        idx = args[0].value
        if index_class(idx, ctx) == "numeric":
            return f"{base}.iloc[:, {_positions(idx, ctx)}]" if is_df else f"{base}[{_positions(idx, ctx)}]"
        return f"{base}[{ctx.expr(idx)}]"
    if len(args) == 2:
        rows, cols = args[0].value, args[1].value
        if cols is not None and cols.type == "string" and _scalar_position(rows, ctx):
            # df[i, "col"] <- v: one cell; .loc adds row i as R does when i = nrow + 1
            return f"{base}.loc[{_positions(rows, ctx)}, {ctx.expr(cols)}]"
        if index_class(rows, ctx) in ("numeric", "negative") or index_class(cols, ctx) in ("numeric", "negative"):
            return _df_index(base, rows, cols, ctx, node)
        r = ":" if rows is None else ctx.expr(rows)
        c = ":" if cols is None else _cols(cols, ctx)
        return f"{base}.loc[{r}, {c}]"
    idx = args[0].value
    if index_class(idx, ctx) == "numeric":
        return f"{base}[{_slice_text(_positions(idx, ctx))}]"
    return f"{base}[{ctx.expr(idx)}]"
