"""The apply family and ``do.call``: ``lapply``/``sapply``/``vapply``/``Map``/``mapply`` ->
comprehensions (a dict over a named list, as R keeps names), ``do.call(f, list)`` ->
``f(*list)`` (``rbind`` -> ``pd.concat``), ``apply(m, 2, f)``, ``Reduce``."""

from __future__ import annotations

from ..expressions import ATOM, tx, wrap
from ..names import py_kwarg, py_name
from ..parse import Arg, synth_call, synth_identifier
from . import register

NP = "import numpy as np"
PD = "import pandas as pd"


_OPERATORS = ("+", "-", "*", "/", "^", "%%", "%/%", "==", "!=", "<", ">", "<=", ">=", "&",
              "|", "%in%")


def _apply_call(fn_node, arg_codes_nodes, extra, ctx) -> str:
    """``f(v, extra...)`` translated, ``v`` a loop variable (an identifier node)."""
    if fn_node.type == "function_definition":
        body = fn_node.field("body")
        inner = body
        if body.type == "braced_expression":
            stmts = [c for c in body.children if not c.is_comment]
            inner = stmts[0] if len(stmts) == 1 else None
        params = [p for p, _ in fn_node.params]
        simple = inner is not None and inner.type not in (
            "if_statement", "for_statement", "while_statement", "braced_expression") and not (
            inner.type == "binary_operator" and inner.op in ("<-", "=")) and not extra
        if simple and len(params) >= len(arg_codes_nodes):
            ctx.push_scope()
            try:
                for p in params:
                    ctx.set_kind(p, None)
                    ctx.define(p)
                return ctx.expr(inner)
            finally:
                ctx.pop_scope()
        name = ctx.expr(fn_node)  # a helper def, written before the statement
        args = ", ".join(n.text for n in arg_codes_nodes)
        rest = ", ".join(f"{py_kwarg(a.name)}={ctx.expr(a.value)}" if a.name else ctx.expr(a.value)
                         for a in extra)
        return f"{name}({', '.join(x for x in (args, rest) if x)})"
    op = fn_node.text.strip("`\"'")
    if fn_node.type in ("identifier", "string") and op in _OPERATORS and \
            len(arg_codes_nodes) + len(extra) == 2 and all(a.name is None for a in extra):
        # Reduce(`+`, x), outer(x, y, "-"), mapply(`*`, a, b): the operator itself
        from ..parse import parse_r

        lhs, rhs = ([n.text for n in arg_codes_nodes] + [a.value.text for a in extra])
        lhs, rhs = (t if t.isidentifier() or t.replace(".", "").isdigit() else f"({t})"
                    for t in (lhs, rhs))
        return ctx.expr(parse_r(f"{lhs} {op} {rhs}").children[0])
    if fn_node.text.strip("`\"'") in ("[", "[[") and len(arg_codes_nodes) == 1 and all(
            a.name is None for a in extra):
        # sapply(parts, `[`, 2): the indexing operator as a function, x[2] of each
        from ..parse import parse_r

        op = fn_node.text.strip("`\"'")
        close = "]" if op == "[" else "]]"
        index = ", ".join(a.value.text for a in extra)
        return ctx.expr(parse_r(f"{arg_codes_nodes[0].text}{op}{index}{close}").children[0])
    if fn_node.type == "string":
        fn_node = synth_identifier(fn_node.text[1:-1], fn_node)
    call = synth_call(fn_node, tuple(Arg(None, n) for n in arg_codes_nodes) + tuple(extra),
                      fn_node)
    return ctx.expr(call)


def loop_vars(fn_node, n: int, like) -> list:
    """Loop variable names: the function's own parameter names when it has them."""
    if fn_node.type == "function_definition" and len(fn_node.params) >= n:
        return [synth_identifier(p, like) for p, _ in fn_node.params[:n]]
    names = ["x", "y", "z"] if n <= 3 else [f"x{i}" for i in range(n)]
    return [synth_identifier(names[i], like) for i in range(n)]


def function_callable(node, ctx) -> str:
    """A function value as a Python callable (``mean`` -> ``lambda x: np.mean(x)``)."""
    if node.type == "function_definition" or (node.type == "identifier" and (
            node.text in ctx.functions or ctx.lookup_kind(node.text) == "function")):
        return ctx.expr(node)
    v = synth_identifier("x", node)
    return f"lambda x: {_apply_call(node, [v], (), ctx)}"


def _seq_kind(node, ctx):
    """A named list (dict) or a data frame -- R's list of columns, ``.items()`` gives
    their names and values -- is iterated with its names; anything else by value."""
    kind = ctx.kind_of(node)
    return "dict" if kind in ("dict", "df") else "seq"


def _apply_kind(call, ctx):
    """lapply over a named list (a dict) keeps the names: a dict."""
    x = call.arg("X", 0)
    if x is None or _seq_kind(x, ctx) != "dict":
        return None
    # sapply's value is a named vector or a matrix, known only when it runs
    return "dict" if call.name == "lapply" else None


@register("lapply", "sapply", "vapply", returns=_apply_kind)
def lapply(call, ctx):
    m = call.match(("X", "FUN", "..."))
    x, fn = m["X"], m["FUN"]
    # R's formals: positional arguments after FUN go to FUN (sapply's ... comes right
    # after FUN; only vapply has FUN.VALUE in third place)
    formals = {"lapply": ("X", "FUN"), "sapply": ("X", "FUN", "...", "simplify", "USE.NAMES"),
               "vapply": ("X", "FUN", "FUN.VALUE", "...", "USE.NAMES")}[call.name]
    extra = tuple(a for a in call.extra(formals) if a.name not in formals)
    (v,) = loop_vars(fn, 1, call.node)
    seq_code = ctx.expr(x)
    ctx.push_scope()
    ctx.set_kind(v.text, None)
    ctx.define(v.text)
    try:
        body = _apply_call(fn, [v], extra, ctx)
    finally:
        ctx.pop_scope()
    var = py_name(v.text)
    if _seq_kind(x, ctx) == "dict":
        out = f"{{key: {body} for key, {var} in {wrap(tx(x, ctx), ATOM)}.items()}}"
        if call.name != "lapply":
            # R's simplification: a named vector, or a matrix with one column per name
            ctx.need_import("from pylme.migrate import rbase")
            return f"rbase.simplify({out})"
        return out
    out = f"[{body} for {var} in {seq_code}]"
    if call.name != "lapply":
        ctx.need_import(NP)
        return f"np.array({out})"
    return out


def _character_vector(node, ctx) -> bool:
    if node.type == "string":
        return True
    if node.type == "call" and node.call_name() == "c" and node.args:
        return all(a.value is not None and a.value.type == "string" for a in node.args)
    return ctx.kind_of(node) == "character"


def _map_kind(call, ctx):
    fn = call.arg("f" if call.name == "Map" else "FUN", 0)
    seqs = [a.value for a in call.args if a.name is None and a.value is not fn]
    if len(seqs) == 1 and _character_vector(seqs[0], ctx):
        return "dict"
    return "vector" if call.name == "mapply" and call.arg("SIMPLIFY") is None else "list"


@register("Map", "mapply", returns=_map_kind)
def map_(call, ctx):
    fn = call.arg("f" if call.name == "Map" else "FUN", 0)
    seqs = [a.value for a in call.args if a.name is None and a.value is not fn]
    if any(a.name not in (None, "f", "FUN") for a in call.args):
        ctx.todo(call.node, f"{call.name}() with named vector arguments")
    vs = loop_vars(fn, len(seqs), call.node)
    ctx.push_scope()
    try:
        for v in vs:
            ctx.set_kind(v.text, None)
            ctx.define(v.text)
        body = _apply_call(fn, vs, (), ctx)
    finally:
        ctx.pop_scope()
    names = ", ".join(py_name(v.text) for v in vs)
    zipped = ", ".join(ctx.expr(s) for s in seqs)
    if len(seqs) == 1:
        if _character_vector(seqs[0], ctx):
            # R names the result by a character vector's values (USE.NAMES)
            return f"{{{names}: {body} for {names} in {zipped}}}"
        out = f"[{body} for {names} in {zipped}]"
    else:
        out = f"[{body} for {names} in zip({zipped})]"
    if call.name == "mapply" and call.arg("SIMPLIFY") is None:
        # R's SIMPLIFY = TRUE: a vector of single values, a matrix with one column each
        ctx.need_import(NP)
        return f"np.array({out}).T"
    return out



@register("do.call", returns=None)
def do_call(call, ctx):
    m = call.match(("what", "args"))
    what, args = m["what"], m["args"]
    name = what.text.strip("\"'")
    if name in ("rbind", "cbind"):
        # data frames are stacked; vectors become the rows (columns) of a matrix, named
        # by the list's names as R's rbind does: known only when it runs
        if name == "rbind":  # R's row names from the list's names (rbind.data.frame)
            ctx.need_import("from pylme.migrate import rbinding")
            return f"rbinding.rbind_list({ctx.expr(args)})"
        ctx.need_import("from pylme.migrate import rbase")
        return f"rbase.bind_list({ctx.expr(args)}, axis=1)"
    if args.type == "call" and args.call_name() == "list":
        call_node = synth_call(synth_identifier(name, what), args.args, call.node)
        return ctx.expr(call_node)
    if args.type == "call" and args.call_name() == "unname":
        args = args.args[0].value
    star = "**" if ctx.kind_of(args) == "dict" else "*"
    if name == "anova":
        ctx.need_import("import pylme")
        star = "*" if star == "*" else "*"
        vals = f"{ctx.expr(args)}.values()" if ctx.kind_of(args) == "dict" else ctx.expr(args)
        return f"pylme.anova(*{vals})"
    return f"{py_name(name)}({star}{ctx.expr(args)})"


@register("unname", returns="same")
def unname(call, ctx):
    x = call.args[0].value
    if ctx.kind_of(x) == "dict":
        return f"list({ctx.expr(x)}.values())"
    return ctx.expr(x)


@register("apply", returns="vector")
def apply(call, ctx):
    ctx.need_import(NP)
    m = call.match(("X", "MARGIN", "FUN", "..."))
    extra = tuple(a for a in call.extra(("X", "MARGIN", "FUN")))
    margin = m["MARGIN"].text
    if margin not in ("1", "2"):
        ctx.todo(call.node, "apply() over other margins")
    axis = 0 if margin == "2" else 1  # MARGIN = 2: one value per column
    v = synth_identifier("col" if margin == "2" else "row", call.node)
    body = _apply_call(m["FUN"], [v], extra, ctx)
    arr = ctx.expr(m["X"])
    if ctx.kind_of(m["X"]) in ("df", "matrix", "table", None):
        # a data frame (R: a matrix with dimnames) keeps its row/column names
        ctx.need_import("from pylme.migrate import rbase")
        return f"rbase.apply({arr}, {margin}, lambda {v.text}: {body})"
    it = f"np.asarray({arr}).T" if axis == 0 else f"np.asarray({arr})"
    return f"np.array([{body} for {v.text} in {it}]).T"


@register("Reduce", returns=None)
def reduce_(call, ctx):
    m = call.match(("f", "x", "init", "right", "accumulate"))
    if "right" in m and m["right"].text not in ("FALSE", "F"):
        ctx.todo(call.node, "Reduce(right = TRUE)")
    accumulate = "accumulate" in m and m["accumulate"].text in ("TRUE", "T")
    fn = m["f"]
    if fn.type == "function_definition":
        fn_code = ctx.expr(fn)
    else:
        a, b = synth_identifier("a", fn), synth_identifier("b", fn)
        fn_code = f"lambda a, b: {_apply_call(fn, [a, b], (), ctx)}"
    if accumulate:  # every intermediate value, the first being x[1] (or init)
        ctx.need_import("import itertools")
        init = f", initial={ctx.expr(m['init'])}" if "init" in m else ""
        return f"list(itertools.accumulate({ctx.expr(m['x'])}, {fn_code}{init}))"
    ctx.need_import("import functools")
    init = f", {ctx.expr(m['init'])}" if "init" in m else ""
    return f"functools.reduce({fn_code}, {ctx.expr(m['x'])}{init})"


@register("ave", returns="vector")
def ave(call, ctx):
    """``ave(x, g1, g2, FUN = f)``: ``f`` (default ``mean``) of ``x`` within each group
    combination, returned in ``x``'s order (:func:`pylme.migrate.rbase.ave`)."""
    ctx.need_import("from pylme.migrate import rbase")
    x = call.arg("x", 0)
    groups = [a.value for a in call.args if a.name is None and a.value is not None][1:]
    fun = call.arg("FUN")
    args = [ctx.expr(x)] + [ctx.expr(g) for g in groups]
    if fun is not None and not (fun.type == "identifier" and fun.text == "mean"):
        args.append(f"fun={function_callable(fun, ctx)}")
    return f"rbase.ave({', '.join(args)})"
